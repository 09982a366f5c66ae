import { logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import { ControllerContext, LiveBroker } from '../../../broker/controller/controller-context';
import { ControllerRequestBatch } from '../../../broker/controller/controller-request-batch';

const log = logger('test');

function broker(id: number, epoch = 100 + id): LiveBroker {
  return {
    id,
    epoch,
    registration: {
      endpoints: [
        {
          listenerName: 'PLAINTEXT',
          host: `kafka${id}`,
          port: 9092,
          securityProtocol: 'PLAINTEXT',
        },
        {
          listenerName: 'INTERNAL',
          host: `internal${id}`,
          port: 9093,
          securityProtocol: 'PLAINTEXT',
        },
      ],
      jmxPort: -1,
      timestamp: 1,
      features: new Map(),
    },
  };
}

interface Sent {
  brokerId: number;
  apiKey: number;
  body: Record<string, unknown>;
  onResponse: (response: never) => void;
}

function setup() {
  const context = new ControllerContext();
  context.epoch = 5;
  context.addLiveBrokers([broker(1), broker(2), broker(3)]);
  const orders0 = { topic: 'orders', partition: 0 };
  const orders1 = { topic: 'orders', partition: 1 };
  for (const tp of [orders0, orders1]) {
    context.updatePartitionFullReplicaAssignment(tp, {
      replicas: [1, 2, 4],
      addingReplicas: [],
      removingReplicas: [],
    });
    context.partitionLeadershipInfo.set(tp, {
      leaderAndIsr: { leader: 1, leaderEpoch: 3, isr: [1, 2], zkVersion: 6 },
      controllerEpoch: 4,
    });
  }
  const sent: Sent[] = [];
  const deletions: Array<{ brokerId: number; outcomes: unknown }> = [];
  const batch = new ControllerRequestBatch({
    context,
    controllerId: 1,
    interBrokerListenerName: 'INTERNAL',
    send: (brokerId, apiKey, body, onResponse) =>
      sent.push({
        brokerId,
        apiKey,
        body: body as Record<string, unknown>,
        onResponse: onResponse as never,
      }),
    onStopReplicaDeletionResponse: (brokerId, outcomes) => deletions.push({ brokerId, outcomes }),
    log: () => log,
  });
  return { context, batch, sent, deletions, orders0, orders1 };
}

describe('ControllerRequestBatch', () => {
  it('sends one LeaderAndIsr, one UpdateMetadata and one StopReplica per broker, in that order', () => {
    const { context, batch, sent, orders0, orders1 } = setup();
    const leadership = context.partitionLeadershipInfo.get(orders0)!;
    const assignment = context.partitionFullReplicaAssignment(orders0);
    batch.addLeaderAndIsrRequestForBrokers([1, 2], orders0, leadership, assignment, true);
    batch.addLeaderAndIsrRequestForBrokers([2], orders1, leadership, assignment, false);
    batch.addLeaderAndIsrRequestForBrokers([2], orders0, leadership, assignment, false);
    batch.addStopReplicaRequestForBrokers([3], orders1, false);
    batch.sendRequestsToBrokers(context.epoch);
    expect(sent.map((s) => `${s.brokerId}:${s.apiKey}`)).toEqual([
      `1:${ApiKey.LeaderAndIsr}`,
      `2:${ApiKey.LeaderAndIsr}`,
      `1:${ApiKey.UpdateMetadata}`,
      `2:${ApiKey.UpdateMetadata}`,
      `3:${ApiKey.UpdateMetadata}`,
      `3:${ApiKey.StopReplica}`,
    ]);
    const toBroker2 = sent[1].body as {
      brokerEpoch: number;
      controllerEpoch: number;
      topicStates: Array<{
        topicName: string;
        partitionStates: Array<{ partitionIndex: number; isNew: boolean }>;
      }>;
      liveLeaders: unknown[];
    };
    expect(toBroker2.brokerEpoch).toBe(102);
    expect(toBroker2.controllerEpoch).toBe(5);
    expect(
      toBroker2.topicStates[0].partitionStates.map((p) => [p.partitionIndex, p.isNew]),
    ).toEqual([
      [0, true],
      [1, false],
    ]);
    expect(toBroker2.liveLeaders).toEqual([{ brokerId: 1, hostName: 'internal1', port: 9093 }]);
    expect(batch.isEmpty()).toBe(true);
  });

  it('sends UpdateMetadata with offline replicas, every live broker, and leader -2 while a topic is deleted', () => {
    const { context, batch, sent, orders0 } = setup();
    context.queueTopicDeletion(['orders']);
    batch.addUpdateMetadataRequestForBrokers([1, 3, 9], [orders0]);
    batch.sendRequestsToBrokers(context.epoch);
    expect(sent.map((s) => s.brokerId)).toEqual([1, 3]);
    const body = sent[0].body as {
      topicStates: Array<{ partitionStates: Array<Record<string, unknown>> }>;
      liveBrokers: Array<{ id: number; endpoints: unknown[] }>;
    };
    expect(body.topicStates[0].partitionStates[0]).toMatchObject({
      leader: -2,
      controllerEpoch: 4,
      replicas: [1, 2, 4],
      offlineReplicas: [4],
      isr: [1, 2],
    });
    expect(body.liveBrokers.map((b) => b.id)).toEqual([1, 2, 3]);
    expect(body.liveBrokers[0].endpoints).toHaveLength(2);
  });

  it('StopReplica keeps delete_partition once set and reports deletion outcomes', () => {
    const { context, batch, sent, deletions, orders0, orders1 } = setup();
    batch.addStopReplicaRequestForBrokers([2], orders0, true);
    batch.addStopReplicaRequestForBrokers([2], orders0, false);
    batch.addStopReplicaRequestForBrokers([2], orders1, false);
    batch.sendRequestsToBrokers(context.epoch);
    const body = sent[0].body as {
      topicStates: Array<{ partitionStates: Array<Record<string, unknown>> }>;
    };
    expect(body.topicStates[0].partitionStates).toEqual([
      { partitionIndex: 0, leaderEpoch: 3, deletePartition: true },
      { partitionIndex: 1, leaderEpoch: 3, deletePartition: false },
    ]);
    sent[0].onResponse({
      errorCode: 0,
      partitionErrors: [{ topicName: 'orders', partitionIndex: 0, errorCode: 56 }],
    } as never);
    expect(deletions).toEqual([{ brokerId: 2, outcomes: [{ tp: orders0, errorCode: 56 }] }]);
  });
});

describe('ControllerContext', () => {
  it('counts offline partitions as they enter and leave OfflinePartition', () => {
    const context = new ControllerContext();
    const tp = { topic: 't', partition: 0 };
    context.putPartitionState(tp, 'NewPartition');
    context.putPartitionState(tp, 'OfflinePartition');
    context.putPartitionState(tp, 'OfflinePartition');
    expect(context.offlinePartitionCount).toBe(1);
    context.putPartitionState(tp, 'OnlinePartition');
    expect(context.offlinePartitionCount).toBe(0);
    context.putPartitionState(tp, 'OfflinePartition');
    context.removeTopic('t');
    expect(context.offlinePartitionCount).toBe(0);
  });

  it('treats brokers in controlled shutdown as not live for elections', () => {
    const context = new ControllerContext();
    context.addLiveBrokers([broker(1), broker(2)]);
    context.shuttingDownBrokerIds.add(2);
    expect([...context.liveBrokerIds()]).toEqual([1]);
    expect(context.isReplicaOnline(2)).toBe(false);
    expect(context.isReplicaOnline(2, true)).toBe(true);
    context.removeLiveBrokers([2]);
    expect(context.shuttingDownBrokerIds.has(2)).toBe(false);
  });
});
