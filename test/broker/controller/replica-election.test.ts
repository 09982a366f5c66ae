/**
 * Which partitions an ElectLeaders request (or the preferred-election znode) elects, and what the
 * others are answered, as Kafka's processReplicaLeaderElection decides; the strategy per election
 * type and trigger; failures mapped to Kafka's error codes.
 */
import { StateChangeFailedError } from '../../../broker/controller/controller-errors';
import {
  ElectionCandidatesView,
  electionFailure,
  electionStrategy,
  electionTypeOf,
  planElection,
} from '../../../broker/controller/replica-election';
import { TopicPartition } from '../../../broker/controller/topic-partition';

const tp = (topic: string, partition: number): TopicPartition => ({ topic, partition });

/** t-0 [1,2] led by 2; t-1 [2,3] led by 2; t-2 [3,1] without a leader; d-0 being deleted. */
const assignments: Record<string, number[]> = {
  't-0': [1, 2],
  't-1': [2, 3],
  't-2': [3, 1],
  't-3': [1, 3],
  'd-0': [1],
};
const leaders: Record<string, number> = { 't-0': 2, 't-1': 2, 't-2': -1, 't-3': 3, 'd-0': 1 };
const view: ElectionCandidatesView = {
  assignment: (p) => assignments[`${p.topic}-${p.partition}`],
  leader: (p) => leaders[`${p.topic}-${p.partition}`] ?? -1,
  isTopicQueuedUpForDeletion: (topic) => topic === 'd',
  isLive: (id) => id !== 3,
};

describe('planElection', () => {
  it('PREFERRED elects where the preferred replica does not lead', () => {
    const plan = planElection([tp('t', 0), tp('t', 1), tp('t', 2)], 'PREFERRED', view);
    expect(plan.electable).toEqual([tp('t', 0), tp('t', 2)]);
    expect(plan.answered).toEqual([[tp('t', 1), { error: 'ELECTION_NOT_NEEDED', message: null }]]);
  });

  it('UNCLEAN elects only partitions without a live leader', () => {
    const plan = planElection([tp('t', 0), tp('t', 2), tp('t', 3)], 'UNCLEAN', view);
    expect(plan.electable).toEqual([tp('t', 2), tp('t', 3)]);
    expect(plan.answered).toEqual([[tp('t', 0), { error: 'ELECTION_NOT_NEEDED', message: null }]]);
  });

  it('answers unknown partitions and topics being deleted without an election', () => {
    const plan = planElection([tp('nope', 0), tp('t', 9), tp('d', 0)], 'PREFERRED', view);
    expect(plan.electable).toEqual([]);
    expect(plan.answered).toEqual([
      [
        tp('nope', 0),
        { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'The partition does not exist.' },
      ],
      [
        tp('t', 9),
        { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'The partition does not exist.' },
      ],
      [tp('d', 0), { error: 'INVALID_TOPIC_EXCEPTION', message: 'The topic is being deleted' }],
    ]);
  });
});

describe('electionStrategy', () => {
  it('preferred elections use the preferred strategy, unclean ones the offline strategy', () => {
    expect(electionStrategy('PREFERRED', 'AdminClientTriggered')).toEqual({ kind: 'preferred' });
    expect(electionStrategy('UNCLEAN', 'AdminClientTriggered')).toEqual({
      kind: 'offline',
      allowUnclean: true,
    });
  });

  it('only the admin client may ask for an unclean leader', () => {
    expect(electionStrategy('UNCLEAN', 'ZkTriggered')).toEqual({
      kind: 'offline',
      allowUnclean: false,
    });
  });
});

describe('electionFailure', () => {
  const failed = new StateChangeFailedError(
    'Failed to elect leader for partition t-0 under strategy X',
  );

  it('a state change that could not be made is the election type’s "not available" error', () => {
    expect(electionFailure('PREFERRED', failed)).toEqual({
      error: 'PREFERRED_LEADER_NOT_AVAILABLE',
      message: 'Failed to elect leader for partition t-0 under strategy X',
    });
    expect(electionFailure('UNCLEAN', failed)).toMatchObject({
      error: 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
    });
  });

  it('anything else is UNKNOWN_SERVER_ERROR without a message', () => {
    expect(electionFailure('PREFERRED', new Error('zookeeper fell over'))).toEqual({
      error: 'UNKNOWN_SERVER_ERROR',
      message: null,
    });
  });
});

describe('electionTypeOf', () => {
  it("reads Kafka's ElectionType ids", () => {
    expect(electionTypeOf(0)).toBe('PREFERRED');
    expect(electionTypeOf(1)).toBe('UNCLEAN');
    expect(electionTypeOf(2)).toBeUndefined();
  });
});
