/**
 * LeaderAndIsr and StopReplica tell the group coordinator about `__consumer_offsets` once the
 * ReplicaManager has applied them (Kafka's onLeadershipChange): elections, resignations, and
 * nothing for partitions that failed or requests that were refused.
 */
import { Connection } from '../../../../client/network/connection';
import { ApiKey, type RequestInit } from '../../../../client/protocol/apis';
import { ReplicaManager } from '../../../../broker/replica/replica-manager';
import { onCleanup } from '../../../harness';
import { startDataPlane } from './data-plane';

const BROKER_EPOCH = 50;
const OFFSETS = '__consumer_offsets';

const events: string[] = [];
let rm: ReplicaManager;
let connection: Connection;

function leaderAndIsr(
  topic: string,
  leader: number,
  leaderEpoch: number,
  brokerEpoch = BROKER_EPOCH,
): RequestInit<typeof ApiKey.LeaderAndIsr> {
  return {
    controllerId: 1,
    controllerEpoch: 1,
    brokerEpoch,
    topicStates: [
      {
        topicName: topic,
        partitionStates: [
          {
            partitionIndex: 0,
            controllerEpoch: 1,
            leader,
            leaderEpoch,
            isr: [1],
            zkVersion: 0,
            replicas: [1, 2],
          },
        ],
      },
    ],
  };
}

beforeAll(async () => {
  const plane = await startDataPlane(BROKER_EPOCH, {
    onElection: (partition, epoch) => events.push(`elected ${partition} epoch ${epoch}`),
    onResignation: (partition, epoch) =>
      events.push(`resigned ${partition} epoch ${epoch ?? 'unknown'}`),
  });
  rm = plane.replicaManager;
  connection = new Connection({ host: '127.0.0.1', port: plane.port, clientId: 'leadership-test' });
  onCleanup(() => connection.close());
});

test('the coordinator hears of __consumer_offsets partitions becoming led here or elsewhere, after they are applied', async () => {
  await connection.request(ApiKey.LeaderAndIsr, leaderAndIsr(OFFSETS, 1, 3));
  expect(rm.getPartition({ topic: OFFSETS, partition: 0 })?.isLeader).toBe(true);
  await connection.request(ApiKey.LeaderAndIsr, leaderAndIsr(OFFSETS, -1, 4));
  await connection.request(ApiKey.LeaderAndIsr, leaderAndIsr('orders', 1, 0));
  expect(events.splice(0)).toEqual(['elected 0 epoch 3', 'resigned 0 epoch 4']);
});

test('nothing is heard of a partition the ReplicaManager refused, nor of a stale broker epoch', async () => {
  const fenced = await connection.request(ApiKey.LeaderAndIsr, leaderAndIsr(OFFSETS, 1, 2));
  expect(fenced.partitionErrors[0].errorCode).not.toBe(0);
  await connection.request(ApiKey.LeaderAndIsr, leaderAndIsr(OFFSETS, 1, 9, BROKER_EPOCH - 1));
  expect(events).toEqual([]);
});

test('a stopped replica of __consumer_offsets is a resignation (epoch -2, topic deletion: unknown)', async () => {
  await connection.request(ApiKey.StopReplica, {
    controllerId: 1,
    controllerEpoch: 1,
    brokerEpoch: BROKER_EPOCH,
    topicStates: [
      {
        topicName: OFFSETS,
        partitionStates: [{ partitionIndex: 0, leaderEpoch: -2, deletePartition: true }],
      },
    ],
  });
  expect(events.splice(0)).toEqual(['resigned 0 epoch unknown']);
});
