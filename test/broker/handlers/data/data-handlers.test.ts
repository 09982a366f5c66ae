/**
 * The data-plane handlers over a real SocketServer on loopback, with a ReplicaManager leading its
 * partitions alone (no ZooKeeper): the wire shape of Produce / Fetch / ListOffsets /
 * OffsetsForLeaderEpoch answers, acks=0, and broker-epoch fencing of LeaderAndIsr / StopReplica.
 */
import { Connection } from '../../../../client/network/connection';
import { ApiKey, type RequestInit } from '../../../../client/protocol/apis';
import { encodeRecordBatchSync } from '../../../../client/record/record-batch';
import type { LogManager } from '../../../../broker/log/log-manager';
import { ReplicaManager } from '../../../../broker/replica/replica-manager';
import { waitFor } from '../../../harness';
import { batch } from '../../replica/fixtures';
import { startDataPlane } from './data-plane';

const BROKER_EPOCH = 50;

let logManager: LogManager;
let rm: ReplicaManager;
let port: number;
const connections: Connection[] = [];

function leaderAndIsr(
  topic: string,
  partitions: number[],
  leaderEpoch = 0,
  brokerEpoch = BROKER_EPOCH,
): RequestInit<typeof ApiKey.LeaderAndIsr> {
  return {
    controllerId: 1,
    controllerEpoch: 1,
    brokerEpoch,
    topicStates: [
      {
        topicName: topic,
        partitionStates: partitions.map((partitionIndex) => ({
          partitionIndex,
          controllerEpoch: 1,
          leader: 1,
          leaderEpoch,
          isr: [1],
          zkVersion: 0,
          replicas: [1],
        })),
      },
    ],
  };
}

function connect(): Connection {
  const c = new Connection({ host: '127.0.0.1', port, clientId: 'handlers-test' });
  connections.push(c);
  return c;
}

beforeAll(async () => {
  ({ logManager, replicaManager: rm, port } = await startDataPlane(BROKER_EPOCH));
  const response = await connect().request(ApiKey.LeaderAndIsr, leaderAndIsr('t', [0, 1]));
  expect(response.partitionErrors.map((p) => p.errorCode)).toEqual([0, 0]);
  await connect().request(ApiKey.LeaderAndIsr, leaderAndIsr('u', [0]));
});

afterEach(() => {
  for (const c of connections.splice(0)) c.close();
});

describe('data-plane handlers', () => {
  it('answers a produce per partition, grouped by topic in request order', async () => {
    const response = await connect().request(ApiKey.Produce, {
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        {
          name: 't',
          partitionData: [
            { index: 1, records: batch(2) },
            { index: 7, records: batch(1) },
          ],
        },
        { name: 'u', partitionData: [{ index: 0, records: batch(3) }] },
      ],
    });
    expect(response.responses.map((t) => t.name)).toEqual(['t', 'u']);
    expect(response.responses[0].partitionResponses).toMatchObject([
      { index: 1, errorCode: 0, baseOffset: 0, logAppendTimeMs: -1, logStartOffset: 0 },
      { index: 7, errorCode: 3, baseOffset: -1 },
    ]);
    expect(response.responses[1].partitionResponses).toMatchObject([
      { index: 0, errorCode: 0, baseOffset: 0 },
    ]);
  });

  it('refuses a client produce to an internal topic with INVALID_TOPIC_EXCEPTION, in request order', async () => {
    const response = await connect().request(ApiKey.Produce, {
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        { name: '__consumer_offsets', partitionData: [{ index: 0, records: batch(1) }] },
        { name: 'u', partitionData: [{ index: 0, records: batch(1) }] },
      ],
    });
    expect(response.responses.map((t) => t.name)).toEqual(['__consumer_offsets', 'u']);
    expect(response.responses[0].partitionResponses).toMatchObject([
      {
        index: 0,
        errorCode: 17,
        baseOffset: -1,
        errorMessage: 'Cannot append to internal topic __consumer_offsets',
      },
    ]);
    expect(response.responses[1].partitionResponses).toMatchObject([{ index: 0, errorCode: 0 }]);
  });

  it('sends no response to acks=0 and keeps the connection when the append succeeded', async () => {
    const c = connect();
    const log = logManager.getLog({ topic: 't', partition: 0 });
    const before = log?.logEndOffset ?? -1;
    const none = await c.request(
      ApiKey.Produce,
      {
        acks: 0,
        timeoutMs: 1000,
        topicData: [{ name: 't', partitionData: [{ index: 0, records: batch(4) }] }],
      },
      { expectResponse: false },
    );
    expect(none).toBeNull();
    await waitFor(() => log?.logEndOffset === before + 4, {
      timeoutMs: 5000,
      intervalMs: 5,
      what: 'the acks=0 records to be appended',
    });
    const offsets = await c.request(ApiKey.ListOffsets, {
      replicaId: -1,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] },
      ],
    });
    expect(offsets.topics[0].partitions[0].offset).toBe(before + 4);
    expect(c.state).toBe('ready');
  });

  it('closes the connection when an acks=0 produce fails, so that the producer notices', async () => {
    const c = connect();
    const closed = new Promise((resolve) => c.once('close', resolve));
    await c.request(
      ApiKey.Produce,
      {
        acks: 0,
        timeoutMs: 1000,
        topicData: [{ name: 'missing', partitionData: [{ index: 0, records: batch(1) }] }],
      },
      { expectResponse: false },
    );
    await closed;
    expect(c.state).toBe('closed');
  });

  it('fetches batches as stored, with the high watermark and log start offset', async () => {
    const produced = await connect().request(ApiKey.Produce, {
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'u', partitionData: [{ index: 0, records: batch(2, 10, 'q') }] }],
    });
    const base = produced.responses[0].partitionResponses[0].baseOffset;
    const response = await connect().request(ApiKey.Fetch, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      topics: [
        {
          topic: 'u',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 0,
              fetchOffset: base,
              logStartOffset: -1,
              partitionMaxBytes: 1 << 20,
            },
            {
              partition: 3,
              currentLeaderEpoch: -1,
              fetchOffset: 0,
              logStartOffset: -1,
              partitionMaxBytes: 1 << 20,
            },
          ],
        },
      ],
    });
    expect(response.errorCode).toBe(0);
    const [found, unknown] = response.responses[0].partitions;
    expect(found).toMatchObject({
      partition: 0,
      errorCode: 0,
      highWatermark: base + 2,
      lastStableOffset: base + 2,
      logStartOffset: 0,
      preferredReadReplica: -1,
    });
    const records = Buffer.from(found.records);
    expect(records.readBigInt64BE(0)).toBe(BigInt(base));
    expect(unknown).toMatchObject({ partition: 3, errorCode: 3, highWatermark: -1 });
  });

  it('finds offsets by timestamp and answers OffsetsForLeaderEpoch', async () => {
    const stamped = (ts: number) =>
      encodeRecordBatchSync([{ value: Buffer.from('v'), timestamp: ts }]);
    const c = connect();
    await c.request(ApiKey.LeaderAndIsr, leaderAndIsr('times', [0]));
    for (const ts of [1000, 2000, 3000]) {
      await c.request(ApiKey.Produce, {
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: 'times', partitionData: [{ index: 0, records: stamped(ts) }] }],
      });
    }
    const offsets = await c.request(ApiKey.ListOffsets, {
      replicaId: -1,
      topics: [
        {
          name: 'times',
          partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: 1500 }],
        },
      ],
    });
    expect(offsets.topics[0].partitions[0]).toMatchObject({
      errorCode: 0,
      offset: 1,
      timestamp: 2000,
      leaderEpoch: 0,
    });
    await c.request(ApiKey.LeaderAndIsr, leaderAndIsr('times', [0], 3));
    const epochs = await c.request(ApiKey.OffsetsForLeaderEpoch, {
      replicaId: 2,
      topics: [
        {
          topic: 'times',
          partitions: [
            { partition: 0, currentLeaderEpoch: 3, leaderEpoch: 1 },
            { partition: 0, currentLeaderEpoch: 2, leaderEpoch: 0 },
          ],
        },
      ],
    });
    expect(epochs.topics[0].partitions).toMatchObject([
      { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 3 },
      { errorCode: 74, partition: 0, leaderEpoch: -1, endOffset: -1 },
    ]);
  });

  it('refuses LeaderAndIsr and StopReplica meant for an earlier registration of this broker (STALE_BROKER_EPOCH)', async () => {
    const c = connect();
    const stale = await c.request(ApiKey.LeaderAndIsr, leaderAndIsr('v', [0], 0, BROKER_EPOCH - 1));
    expect(stale.errorCode).toBe(77);
    expect(stale.partitionErrors).toMatchObject([
      { topicName: 'v', partitionIndex: 0, errorCode: 77 },
    ]);
    expect(rm.getPartition({ topic: 'v', partition: 0 })).toBeUndefined();
    const unknownEpoch = await c.request(ApiKey.LeaderAndIsr, leaderAndIsr('v', [0], 0, -1));
    expect(unknownEpoch.errorCode).toBe(0);
    const stop = await c.request(ApiKey.StopReplica, {
      controllerId: 1,
      controllerEpoch: 1,
      brokerEpoch: BROKER_EPOCH - 1,
      topicStates: [
        {
          topicName: 'v',
          partitionStates: [{ partitionIndex: 0, leaderEpoch: -2, deletePartition: true }],
        },
      ],
    });
    expect(stop.errorCode).toBe(77);
    expect(rm.getPartition({ topic: 'v', partition: 0 })).toBeDefined();
  });
});
