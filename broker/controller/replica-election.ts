/**
 * Replica leader elections asked for from outside the controller's own reactions (Kafka's
 * `processReplicaLeaderElection` / `onReplicaElection`, KIP-460): which partitions get an
 * election and what each one is answered. Pure; the controller runs the elections themselves
 * through the partition state machine.
 *
 * Triggers: the ElectLeaders API (`AdminClientTriggered`), the `/admin/preferred_replica_election`
 * znode (`ZkTriggered`) and the leader-imbalance timer (`AutoTriggered`). Election types:
 * - PREFERRED: needed when the leader is not the first assigned replica; the preferred strategy
 *   (that replica must be live and in the ISR) — failures are PREFERRED_LEADER_NOT_AVAILABLE;
 * - UNCLEAN: needed when the partition has no live leader; the offline strategy, which picks a
 *   live replica outside the ISR only when the election came from the admin client — failures are
 *   ELIGIBLE_LEADERS_NOT_AVAILABLE.
 * A partition the controller does not know is UNKNOWN_TOPIC_OR_PARTITION, one of a topic being
 * deleted INVALID_TOPIC_EXCEPTION, one that needs no election ELECTION_NOT_NEEDED (Kafka's
 * messages).
 */
import { ErrorName } from '../../client/protocol/error-codes';
import { StateChangeFailedError } from './controller-errors';
import { PartitionLeaderElectionStrategy } from './election';
import { NO_LEADER } from './leader-and-isr';
import { TopicPartition } from './topic-partition';

export type ElectionType = 'PREFERRED' | 'UNCLEAN';
export type ElectionTrigger = 'AdminClientTriggered' | 'ZkTriggered' | 'AutoTriggered';

/** Kafka's ElectionType values on the wire (ElectLeadersRequest.election_type). */
export const ELECTION_TYPE_IDS: Readonly<Record<ElectionType, number>> = {
  PREFERRED: 0,
  UNCLEAN: 1,
};

export function electionTypeOf(id: number): ElectionType | undefined {
  if (id === ELECTION_TYPE_IDS.PREFERRED) return 'PREFERRED';
  if (id === ELECTION_TYPE_IDS.UNCLEAN) return 'UNCLEAN';
  return undefined;
}

/** One partition's answer: the elected leader, or an error (Kafka's ApiError). */
export type ElectionOutcome =
  { readonly leader: number } | { readonly error: ErrorName; readonly message: string | null };

/** What the classification needs to know about the cluster. */
export interface ElectionCandidatesView {
  /** The partition's replicas (preferred first), or undefined when the partition is unknown. */
  assignment(tp: TopicPartition): readonly number[] | undefined;
  /** The partition's current leader, -1 (NO_LEADER) when none is known. */
  leader(tp: TopicPartition): number;
  isTopicQueuedUpForDeletion(topic: string): boolean;
  /** Live and not shutting down. */
  isLive(brokerId: number): boolean;
}

export interface ElectionPlan {
  /** The partitions to run an election for. */
  readonly electable: TopicPartition[];
  /** The partitions answered without an election. */
  readonly answered: Array<[TopicPartition, ElectionOutcome]>;
}

export const PARTITION_DOES_NOT_EXIST = 'The partition does not exist.';

/** Splits the asked-for partitions into those to elect and those answered at once. */
export function planElection(
  partitions: Iterable<TopicPartition>,
  type: ElectionType,
  view: ElectionCandidatesView,
): ElectionPlan {
  const electable: TopicPartition[] = [];
  const answered: Array<[TopicPartition, ElectionOutcome]> = [];
  for (const tp of partitions) {
    const assignment = view.assignment(tp);
    if (assignment === undefined || assignment.length === 0) {
      answered.push([
        tp,
        { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: PARTITION_DOES_NOT_EXIST },
      ]);
    } else if (view.isTopicQueuedUpForDeletion(tp.topic)) {
      answered.push([
        tp,
        { error: 'INVALID_TOPIC_EXCEPTION', message: 'The topic is being deleted' },
      ]);
    } else if (electionNeeded(type, assignment, view.leader(tp), view)) {
      electable.push(tp);
    } else {
      answered.push([tp, { error: 'ELECTION_NOT_NEEDED', message: null }]);
    }
  }
  return { electable, answered };
}

function electionNeeded(
  type: ElectionType,
  assignment: readonly number[],
  leader: number,
  view: ElectionCandidatesView,
): boolean {
  switch (type) {
    case 'PREFERRED':
      return leader !== assignment[0];
    case 'UNCLEAN':
      return leader === NO_LEADER || !view.isLive(leader);
  }
}

/** The partition state machine's strategy for an election of `type` started by `trigger`. */
export function electionStrategy(
  type: ElectionType,
  trigger: ElectionTrigger,
): PartitionLeaderElectionStrategy {
  return type === 'PREFERRED'
    ? { kind: 'preferred' }
    : { kind: 'offline', allowUnclean: trigger === 'AdminClientTriggered' };
}

/**
 * The answer for a partition whose election failed: a state change that could not be made is
 * PREFERRED_LEADER_NOT_AVAILABLE or ELIGIBLE_LEADERS_NOT_AVAILABLE with its message; anything
 * else is UNKNOWN_SERVER_ERROR (its detail stays in the controller's log).
 */
export function electionFailure(type: ElectionType, error: Error): ElectionOutcome {
  if (!(error instanceof StateChangeFailedError)) {
    return { error: 'UNKNOWN_SERVER_ERROR', message: null };
  }
  return {
    error:
      type === 'PREFERRED' ? 'PREFERRED_LEADER_NOT_AVAILABLE' : 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
    message: error.message,
  };
}
