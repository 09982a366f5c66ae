/**
 * The ElectLeaders, AlterPartitionReassignments and ListPartitionReassignments handlers with a
 * real MetadataCache and a fake controller: NOT_CONTROLLER on a broker that is not the
 * controller; ElectLeaders waits for the metadata to show each elected leader (REQUEST_TIMED_OUT
 * when it does not in time), drops ELECTION_NOT_NEEDED partitions when asked for all partitions,
 * and passes Kafka's per-partition errors; the reassignment handlers translate cancel flags and
 * group answers by topic.
 */
import type { KafkaController } from '../../../../broker/controller/kafka-controller';
import type { ElectionOutcome, ElectionType } from '../../../../broker/controller/replica-election';
import { TopicPartition, TpMap } from '../../../../broker/controller/topic-partition';
import type {
  AlterReassignmentsResult,
  ListReassignmentsResult,
} from '../../../../broker/controller/controller-events';
import { alterPartitionReassignmentsHandler } from '../../../../broker/handlers/admin/alter-partition-reassignments';
import { electLeadersHandler } from '../../../../broker/handlers/admin/elect-leaders';
import { listPartitionReassignmentsHandler } from '../../../../broker/handlers/admin/list-partition-reassignments';
import { MetadataCache } from '../../../../broker/metadata/metadata-cache';
import type { RequestContext } from '../../../../broker/network/socket-server';
import type { BrokerServices } from '../../../../broker/server/broker-services';
import { logger } from '../../../../client/logging';
import { errorByName } from '../../../../client/protocol/error-codes';

const code = (name: Parameters<typeof errorByName>[0]): number => errorByName(name).code;
const log = logger('test');
// The handlers read only the request; none of them looks at the connection.
const context = {} as RequestContext;

class FakeController {
  active = true;
  elections: [TopicPartition[], ElectionType][] = [];
  electionOutcomes = new TpMap<ElectionOutcome>();
  reassignments: TpMap<readonly number[] | null>[] = [];
  alterResult: AlterReassignmentsResult = {
    error: { error: 'NONE', message: null },
    partitions: new TpMap(),
  };
  listed: (readonly TopicPartition[] | null)[] = [];
  listResult: ListReassignmentsResult = {
    error: { error: 'NONE', message: null },
    reassignments: new TpMap(),
  };
  isActive(): boolean {
    return this.active;
  }
  async electLeaders(partitions: readonly TopicPartition[], type: ElectionType) {
    this.elections.push([[...partitions], type]);
    return this.electionOutcomes;
  }
  async alterPartitionReassignments(reassignments: TpMap<readonly number[] | null>) {
    this.reassignments.push(reassignments);
    return this.alterResult;
  }
  async listPartitionReassignments(partitions: readonly TopicPartition[] | null) {
    this.listed.push(partitions);
    return this.listResult;
  }
}

function setup() {
  const cache = new MetadataCache();
  const controller = new FakeController();
  // The three handlers use only the metadata cache and these controller methods.
  const services = {
    metadataCache: cache,
    controller: controller as unknown as KafkaController,
  } as unknown as BrokerServices;
  const leaders = (topic: string, leaderByPartition: number[]): void => {
    cache.update({
      controllerId: 1,
      controllerEpoch: 1,
      liveBrokers: [],
      topicStates: [
        {
          topicName: topic,
          partitionStates: leaderByPartition.map((leader, partitionIndex) => ({
            partitionIndex,
            leader,
            isr: [1, 2],
            replicas: [1, 2],
          })),
        },
      ],
    });
  };
  return { cache, controller, services, leaders };
}

const tp = (topic: string, partition: number): TopicPartition => ({ topic, partition });

describe('ElectLeaders', () => {
  it('answers NOT_CONTROLLER for the request and each partition on another broker', async () => {
    const { controller, services } = setup();
    controller.active = false;
    const response = await electLeadersHandler(services, log)(
      {
        electionType: 0,
        topicPartitions: [{ topic: 't', partitions: [0] }],
        allPartitions: false,
        timeoutMs: 100,
      },
      context,
    );
    expect(response).toEqual({
      errorCode: code('NOT_CONTROLLER'),
      replicaElectionResults: [
        { topic: 't', partitionResult: [{ partitionId: 0, errorCode: code('NOT_CONTROLLER') }] },
      ],
    });
    expect(controller.elections).toEqual([]);
  });

  it('waits until the metadata shows the elected leader, and passes the errors', async () => {
    const { controller, services, leaders } = setup();
    leaders('t', [2, 2]);
    controller.electionOutcomes
      .set(tp('t', 0), { leader: 1 })
      .set(tp('t', 1), { error: 'PREFERRED_LEADER_NOT_AVAILABLE', message: 'Failed to elect' });
    const pending = electLeadersHandler(services, log)(
      {
        electionType: 0,
        topicPartitions: [{ topic: 't', partitions: [0, 1, 0] }],
        allPartitions: false,
        timeoutMs: 5000,
      },
      context,
    );
    let answered = false;
    void pending.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    leaders('t', [1, 2]);
    expect(await pending).toEqual({
      errorCode: 0,
      replicaElectionResults: [
        {
          topic: 't',
          partitionResult: [
            { partitionId: 0, errorCode: 0 },
            {
              partitionId: 1,
              errorCode: code('PREFERRED_LEADER_NOT_AVAILABLE'),
              errorMessage: 'Failed to elect',
            },
          ],
        },
      ],
    });
    expect(controller.elections).toEqual([[[tp('t', 0), tp('t', 1)], 'PREFERRED']]);
  });

  it('an elected leader that does not show in time is REQUEST_TIMED_OUT', async () => {
    const { controller, services, leaders } = setup();
    leaders('t', [2]);
    controller.electionOutcomes.set(tp('t', 0), { leader: 1 });
    const response = await electLeadersHandler(services, log)(
      {
        electionType: 1,
        topicPartitions: [{ topic: 't', partitions: [0] }],
        allPartitions: false,
        timeoutMs: 50,
      },
      context,
    );
    expect(response?.replicaElectionResults).toEqual([
      { topic: 't', partitionResult: [{ partitionId: 0, errorCode: code('REQUEST_TIMED_OUT') }] },
    ]);
    expect(controller.elections[0][1]).toBe('UNCLEAN');
  });

  it('all partitions: asks for every partition in the metadata and leaves out those that needed nothing', async () => {
    const { controller, services, leaders } = setup();
    leaders('a', [1]);
    leaders('b', [1, 1]);
    controller.electionOutcomes
      .set(tp('a', 0), { error: 'ELECTION_NOT_NEEDED', message: null })
      .set(tp('b', 0), { error: 'ELECTION_NOT_NEEDED', message: null })
      .set(tp('b', 1), { leader: 1 });
    const response = await electLeadersHandler(services, log)(
      { electionType: 0, topicPartitions: [], allPartitions: true, timeoutMs: 1000 },
      context,
    );
    expect(controller.elections[0][0]).toEqual([tp('a', 0), tp('b', 0), tp('b', 1)]);
    expect(response?.replicaElectionResults).toEqual([
      { topic: 'b', partitionResult: [{ partitionId: 1, errorCode: 0 }] },
    ]);
  });

  it('refuses an unknown election type', async () => {
    const { services } = setup();
    const response = await electLeadersHandler(services, log)(
      { electionType: 7, topicPartitions: [], allPartitions: false, timeoutMs: 10 },
      context,
    );
    expect(response?.errorCode).toBe(code('INVALID_REQUEST'));
  });
});

describe('AlterPartitionReassignments and ListPartitionReassignments', () => {
  it('pass targets (cancel as null) to the controller and group its answers by topic', async () => {
    const { controller, services } = setup();
    controller.alterResult = {
      error: { error: 'NONE', message: null },
      partitions: new TpMap<{
        error: 'NONE' | 'NO_REASSIGNMENT_IN_PROGRESS';
        message: string | null;
      }>()
        .set(tp('t', 0), { error: 'NONE', message: null })
        .set(tp('t', 1), { error: 'NO_REASSIGNMENT_IN_PROGRESS', message: null }),
    };
    const response = await alterPartitionReassignmentsHandler(services, log)(
      {
        timeoutMs: 100,
        topics: [
          {
            name: 't',
            partitions: [
              { partitionIndex: 0, replicas: [2, 3], cancel: false },
              { partitionIndex: 1, replicas: [], cancel: true },
            ],
          },
        ],
      },
      context,
    );
    expect([...controller.reassignments[0]]).toEqual([
      [tp('t', 0), [2, 3]],
      [tp('t', 1), null],
    ]);
    expect(response).toEqual({
      errorCode: 0,
      responses: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 1, errorCode: code('NO_REASSIGNMENT_IN_PROGRESS') },
          ],
        },
      ],
    });
  });

  it('list all or some partitions, with replicas, adding and removing', async () => {
    const { controller, services } = setup();
    controller.listResult = {
      error: { error: 'NONE', message: null },
      reassignments: new TpMap<{
        replicas: number[];
        addingReplicas: number[];
        removingReplicas: number[];
      }>().set(tp('t', 0), { replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] }),
    };
    const handler = listPartitionReassignmentsHandler(services);
    const all = await handler({ timeoutMs: 10, topics: [], allTopics: true }, context);
    expect(all).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] },
          ],
        },
      ],
    });
    await handler(
      { timeoutMs: 10, topics: [{ name: 't', partitionIndexes: [0, 4] }], allTopics: false },
      context,
    );
    expect(controller.listed).toEqual([null, [tp('t', 0), tp('t', 4)]]);
  });

  it('answer NOT_CONTROLLER on another broker', async () => {
    const { controller, services } = setup();
    controller.active = false;
    expect(
      await alterPartitionReassignmentsHandler(services, log)(
        { timeoutMs: 1, topics: [] },
        context,
      ),
    ).toEqual({ errorCode: code('NOT_CONTROLLER'), responses: [] });
    expect(
      await listPartitionReassignmentsHandler(services)(
        { timeoutMs: 1, topics: [], allTopics: true },
        context,
      ),
    ).toEqual({ errorCode: code('NOT_CONTROLLER'), topics: [] });
  });
});
