/**
 * ReplicaManager as a leader, without ZooKeeper or network: follower fetches are made by calling
 * fetchMessages with the follower's replica id. Proves acks=all waits for the ISR, delayed
 * fetches, the high-watermark bound for consumers, the size and offset rules of fetches,
 * LeaderAndIsr / StopReplica fencing, ListOffsets and OffsetsForLeaderEpoch.
 */
import { topicConfig } from '../../../broker/config/topic-config';
import type { LogManager } from '../../../broker/log/log-manager';
import { MetadataCache } from '../../../broker/metadata/metadata-cache';
import {
  type FetchParams,
  type LeaderAndIsrRequest,
  ReplicaManager,
} from '../../../broker/replica/replica-manager';
import { iterateBatches } from '../../../client/record/batch-validation';
import {
  ManualClock,
  RecordingIsrWriter,
  batch,
  brokerConfig,
  flushPromises,
  startLogManager,
} from './fixtures';
import { waitFor } from '../../harness';

const T = 'orders';
const TP = { topic: T, partition: 0 };

interface PartitionSpec {
  topic?: string;
  partition?: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  replicas: number[];
  zkVersion?: number;
}

function leaderAndIsr(specs: PartitionSpec[], controllerEpoch = 1): LeaderAndIsrRequest {
  const byTopic = new Map<string, PartitionSpec[]>();
  for (const s of specs) byTopic.set(s.topic ?? T, [...(byTopic.get(s.topic ?? T) ?? []), s]);
  return {
    controllerId: 9,
    controllerEpoch,
    brokerEpoch: 100,
    topicStates: [...byTopic].map(([topicName, list]) => ({
      topicName,
      partitionStates: list.map((s) => ({
        partitionIndex: s.partition ?? 0,
        controllerEpoch,
        leader: s.leader,
        leaderEpoch: s.leaderEpoch,
        isr: s.isr,
        zkVersion: s.zkVersion ?? 0,
        replicas: s.replicas,
      })),
    })),
  };
}

interface Setup {
  rm: ReplicaManager;
  clock: ManualClock;
  writer: RecordingIsrWriter;
  logManager: LogManager;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  topicOverrides: Record<string, Record<string, string>> = {},
  brokerOverrides: Record<string, string> = {},
): Promise<Setup> {
  const logManager = await startLogManager();
  const config = brokerConfig(1, { 'replica.lag.time.max.ms': '10000', ...brokerOverrides });
  const clock = new ManualClock();
  const writer = new RecordingIsrWriter();
  const rm = new ReplicaManager({
    config,
    brokerId: 1,
    logManager,
    metadataCache: new MetadataCache(),
    zk: () => {
      throw new Error('no ZooKeeper in unit tests');
    },
    clock: clock.now,
    isrWriter: writer,
    topicConfig: async (topic) => topicConfig(config, topicOverrides[topic] ?? {}),
  });
  cleanups.push(async () => {
    await rm.shutdown();
    await logManager.shutdown();
  });
  return { rm, clock, writer, logManager };
}

async function lead(s: Setup, isr = [1, 2, 3], replicas = [1, 2, 3], leaderEpoch = 0) {
  const response = await s.rm.becomeLeaderOrFollower(
    leaderAndIsr([{ leader: 1, leaderEpoch, isr, replicas }]),
  );
  expect(response.partitionErrors?.[0].errorCode).toBe(0);
}

function consumerFetch(offset: number, overrides: Partial<FetchParams> = {}): FetchParams {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    partitions: [
      { topicPartition: TP, fetchOffset: offset, currentLeaderEpoch: -1, maxBytes: 1 << 20 },
    ],
    ...overrides,
  };
}

/** A follower's fetch at `offset` (its log end offset), answered at once. */
async function followerFetch(s: Setup, follower: number, offset: number) {
  const [result] = await s.rm.fetchMessages({
    replicaId: follower,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    partitions: [
      {
        topicPartition: TP,
        fetchOffset: offset,
        currentLeaderEpoch: 0,
        maxBytes: 1 << 20,
        logStartOffset: 0,
      },
    ],
  });
  return result;
}

function recordCount(records: Buffer): number {
  let n = 0;
  for (const b of iterateBatches(records)) n += b.header.recordCount;
  return n;
}

function produce(s: Setup, acks: number, records: Buffer, timeoutMs = 30_000) {
  return s.rm.appendRecords({
    timeoutMs,
    requiredAcks: acks,
    entries: [{ topicPartition: TP, records }],
  });
}

describe('ReplicaManager: produce', () => {
  it('answers acks=all only once every ISR follower fetched past the batch', async () => {
    const s = await setup();
    await lead(s);
    let done = false;
    const pending = produce(s, -1, batch(5)).then((r) => {
      done = true;
      return r;
    });
    await waitFor(() => s.rm.delayedRequests.produce === 1, {
      timeoutMs: 5000,
      intervalMs: 2,
      what: 'the produce to wait in the purgatory',
    });
    expect(done).toBe(false);
    // Follower 2 gets the batch, then reports (next fetch) that it has it.
    expect(recordCount((await followerFetch(s, 2, 0)).records)).toBe(5);
    await followerFetch(s, 2, 5);
    await flushPromises();
    expect(done).toBe(false);
    await followerFetch(s, 3, 5);
    const [result] = await pending;
    expect(result).toMatchObject({ error: 'NONE', baseOffset: 0, logStartOffset: 0 });
    expect(s.rm.getPartition(TP)?.localLogOrUndefined?.highWatermark).toBe(5);
  });

  it('answers acks=1 after the local append, without waiting for followers', async () => {
    const s = await setup();
    await lead(s);
    const [first] = await produce(s, 1, batch(3));
    const [second] = await produce(s, 1, batch(2));
    expect([first.baseOffset, second.baseOffset]).toEqual([0, 3]);
    expect(s.rm.getPartition(TP)?.localLogOrUndefined?.highWatermark).toBe(0);
  });

  it('times acks=all out with REQUEST_TIMED_OUT when the ISR does not catch up (the records stay appended)', async () => {
    const s = await setup();
    await lead(s);
    const [result] = await produce(s, -1, batch(2), 30);
    expect(result.error).toBe('REQUEST_TIMED_OUT');
    expect(s.rm.getPartition(TP)?.localLogOrUndefined?.logEndOffset).toBe(2);
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS below the topic min.insync.replicas, appending nothing', async () => {
    const s = await setup({ [T]: { 'min.insync.replicas': '2' } });
    await lead(s, [1]);
    const [result] = await produce(s, -1, batch(4));
    expect(result).toMatchObject({ error: 'NOT_ENOUGH_REPLICAS', baseOffset: -1 });
    expect(s.rm.getPartition(TP)?.localLogOrUndefined?.logEndOffset).toBe(0);
    const [acks1] = await produce(s, 1, batch(4));
    expect(acks1.error).toBe('NONE');
  });

  it('applies a changed min.insync.replicas of a topic to the next acks=all produce', async () => {
    const s = await setup();
    await lead(s, [1], [1, 2]);
    expect((await produce(s, -1, batch(1)))[0].error).toBe('NONE');
    s.rm.updateTopicConfig(T, topicConfig(brokerConfig(1), { 'min.insync.replicas': '2' }));
    expect(s.rm.minInsyncReplicas(T)).toBe(2);
    expect((await produce(s, -1, batch(1)))[0].error).toBe('NOT_ENOUGH_REPLICAS');
  });

  it('answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrinks below min.insync.replicas while acks=all waits', async () => {
    const s = await setup({ [T]: { 'min.insync.replicas': '2' } });
    await lead(s, [1, 2], [1, 2]);
    const pending = produce(s, -1, batch(3));
    await flushPromises();
    s.clock.advance(10_001);
    await s.rm.maybeShrinkIsrs();
    const [result] = await pending;
    expect(result.error).toBe('NOT_ENOUGH_REPLICAS_AFTER_APPEND');
    expect(s.writer.writes.map((w) => w.state.isr)).toEqual([[1]]);
  });

  it('fails only the bad partition of a request: CORRUPT_MESSAGE, unknown and not-led partitions', async () => {
    const s = await setup();
    await s.rm.becomeLeaderOrFollower(
      leaderAndIsr([
        { partition: 0, leader: 1, leaderEpoch: 0, isr: [1], replicas: [1] },
        { partition: 1, leader: 1, leaderEpoch: 0, isr: [1], replicas: [1] },
      ]),
    );
    const corrupt = batch(2);
    corrupt[corrupt.length - 1] ^= 0xff;
    const results = await s.rm.appendRecords({
      timeoutMs: 1000,
      requiredAcks: 1,
      entries: [
        { topicPartition: { topic: T, partition: 0 }, records: corrupt },
        { topicPartition: { topic: T, partition: 1 }, records: batch(2) },
        { topicPartition: { topic: 'nope', partition: 0 }, records: batch(1) },
      ],
    });
    expect(results.map((r) => r.error)).toEqual([
      'CORRUPT_MESSAGE',
      'NONE',
      'UNKNOWN_TOPIC_OR_PARTITION',
    ]);
    expect(results[1].baseOffset).toBe(0);
  });

  it('answers INVALID_REQUIRED_ACKS for acks other than -1, 0 and 1', async () => {
    const s = await setup();
    await lead(s, [1], [1]);
    const [result] = await produce(s, 2, batch(1));
    expect(result.error).toBe('INVALID_REQUIRED_ACKS');
    expect(s.rm.getPartition(TP)?.localLogOrUndefined?.logEndOffset).toBe(0);
  });
});

describe('ReplicaManager: fetch', () => {
  it('never gives consumers records at or above the high watermark; followers read to the log end', async () => {
    const s = await setup();
    await lead(s, [1, 2], [1, 2]);
    await produce(s, 1, batch(4));
    await produce(s, 1, batch(3));
    const [none] = await s.rm.fetchMessages(consumerFetch(0));
    expect(none).toMatchObject({ error: 'NONE', highWatermark: 0 });
    expect(none.records.length).toBe(0);
    // The follower reads everything, then reports 4: the high watermark moves to 4.
    expect(recordCount((await followerFetch(s, 2, 0)).records)).toBe(7);
    const answer = await followerFetch(s, 2, 4);
    expect(answer.highWatermark).toBe(4);
    const [some] = await s.rm.fetchMessages(consumerFetch(0));
    expect(some.highWatermark).toBe(4);
    expect(recordCount(some.records)).toBe(4);
    // Between the high watermark and the log end offset a consumer gets nothing, and no error.
    const [between] = await s.rm.fetchMessages(consumerFetch(5));
    expect(between).toMatchObject({ error: 'NONE', highWatermark: 4 });
    expect(between.records.length).toBe(0);
  });

  it('answers OFFSET_OUT_OF_RANGE beyond the log end offset', async () => {
    const s = await setup();
    await lead(s, [1], [1]);
    await produce(s, 1, batch(2));
    const [result] = await s.rm.fetchMessages(consumerFetch(3));
    expect(result.error).toBe('OFFSET_OUT_OF_RANGE');
  });

  it('fences fetches by current leader epoch', async () => {
    const s = await setup();
    await lead(s, [1], [1], 4);
    const fetch = (epoch: number) =>
      s.rm.fetchMessages({
        ...consumerFetch(0),
        partitions: [
          { topicPartition: TP, fetchOffset: 0, currentLeaderEpoch: epoch, maxBytes: 1000 },
        ],
      });
    expect((await fetch(3))[0].error).toBe('FENCED_LEADER_EPOCH');
    expect((await fetch(5))[0].error).toBe('UNKNOWN_LEADER_EPOCH');
    expect((await fetch(4))[0].error).toBe('NONE');
  });

  it('holds a consumer fetch until the high watermark moves, then answers with the new records', async () => {
    const s = await setup();
    await lead(s, [1, 2], [1, 2]);
    let answered = false;
    const pending = s.rm
      .fetchMessages(consumerFetch(0, { maxWaitMs: 30_000, minBytes: 1 }))
      .then((r) => {
        answered = true;
        return r;
      });
    await flushPromises();
    await produce(s, 1, batch(3));
    await flushPromises();
    expect(answered).toBe(false);
    await followerFetch(s, 2, 3);
    const [result] = await pending;
    expect(recordCount(result.records)).toBe(3);
    expect(result.highWatermark).toBe(3);
  });

  it('answers followers with exactly the bytes of the log, whether from the latest appends or the segment', async () => {
    const s = await setup();
    await lead(s, [1, 2, 3]);
    await produce(s, 1, batch(2, 50, 'a'));
    await produce(s, 1, batch(3, 50, 'b'));
    const log = s.rm.getPartition(TP)?.localLogOrUndefined;
    const whole = (await log?.read(0, 1 << 20))?.records;
    expect(recordCount(whole ?? Buffer.alloc(0))).toBe(5);
    // At the start of an append (memory), inside one (the segment), at the second append.
    expect((await followerFetch(s, 2, 0)).records).toEqual(whole);
    expect((await followerFetch(s, 3, 1)).records).toEqual(whole);
    expect((await followerFetch(s, 2, 2)).records).toEqual((await log?.read(2, 1 << 20))?.records);
    const result = await followerFetch(s, 3, 5);
    expect(result.records).toHaveLength(0);
    // Follower 2 last fetched at 2.
    expect(result.highWatermark).toBe(2);
  });

  it('holds a follower fetch until the leader appends', async () => {
    const s = await setup();
    await lead(s, [1, 2], [1, 2]);
    const pending = s.rm.fetchMessages({
      replicaId: 2,
      maxWaitMs: 30_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      partitions: [
        {
          topicPartition: TP,
          fetchOffset: 0,
          currentLeaderEpoch: 0,
          maxBytes: 1 << 20,
          logStartOffset: 0,
        },
      ],
    });
    await waitFor(() => s.rm.delayedRequests.fetch === 1, {
      timeoutMs: 5000,
      intervalMs: 2,
      what: 'the fetch to wait in the purgatory',
    });
    await produce(s, 1, batch(2));
    const [result] = await pending;
    expect(recordCount(result.records)).toBe(2);
    expect(s.rm.delayedRequests.fetch).toBe(0);
  });

  it('waits for min_bytes to accumulate, and answers with what there is at max_wait_ms', async () => {
    const s = await setup();
    await lead(s, [1], [1]);
    const one = batch(1, 100);
    let answered = false;
    const pending = s.rm
      .fetchMessages(consumerFetch(0, { maxWaitMs: 30_000, minBytes: one.length * 3 }))
      .then((r) => {
        answered = true;
        return r;
      });
    await produce(s, 1, batch(1, 100));
    await produce(s, 1, batch(1, 100));
    await flushPromises();
    expect(answered).toBe(false);
    await produce(s, 1, batch(1, 100));
    expect(recordCount((await pending)[0].records)).toBe(3);
    const [timedOut] = await s.rm.fetchMessages(
      consumerFetch(3, { maxWaitMs: 20, minBytes: 1_000_000 }),
    );
    expect(timedOut).toMatchObject({ error: 'NONE' });
    expect(timedOut.records.length).toBe(0);
  });

  it('returns the first batch whole when it is larger than partition_max_bytes, then respects max_bytes', async () => {
    const s = await setup();
    await s.rm.becomeLeaderOrFollower(
      leaderAndIsr([
        { partition: 0, leader: 1, leaderEpoch: 0, isr: [1], replicas: [1] },
        { partition: 1, leader: 1, leaderEpoch: 0, isr: [1], replicas: [1] },
      ]),
    );
    const big = batch(10, 1000);
    await s.rm.appendRecords({
      timeoutMs: 1000,
      requiredAcks: 1,
      entries: [
        { topicPartition: { topic: T, partition: 0 }, records: big },
        { topicPartition: { topic: T, partition: 1 }, records: batch(10, 1000) },
      ],
    });
    const results = await s.rm.fetchMessages({
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 2000,
      partitions: [0, 1].map((partition) => ({
        topicPartition: { topic: T, partition },
        fetchOffset: 0,
        currentLeaderEpoch: -1,
        maxBytes: 500,
      })),
    });
    expect(results[0].records.length).toBe(big.length);
    expect(results[1].records.length).toBe(0);
    expect(results[1].highWatermark).toBe(10);
  });
});

describe('ReplicaManager: LeaderAndIsr and StopReplica', () => {
  it('refuses a request from an older controller epoch with STALE_CONTROLLER_EPOCH and applies nothing', async () => {
    const s = await setup();
    await s.rm.becomeLeaderOrFollower(
      leaderAndIsr([{ leader: 1, leaderEpoch: 0, isr: [1], replicas: [1] }], 5),
    );
    const response = await s.rm.becomeLeaderOrFollower(
      leaderAndIsr([{ leader: 1, leaderEpoch: 3, isr: [1], replicas: [1] }], 4),
    );
    expect(response.errorCode).toBe(11);
    expect(response.partitionErrors?.map((p) => p.errorCode)).toEqual([11]);
    expect(s.rm.getPartition(TP)?.leaderEpoch).toBe(0);
  });

  it('fences a lower leader epoch, ignores an equal one and skips partitions it is not a replica of', async () => {
    const s = await setup();
    await lead(s, [1], [1], 3);
    const response = await s.rm.becomeLeaderOrFollower(
      leaderAndIsr([
        { partition: 0, leader: 1, leaderEpoch: 2, isr: [1], replicas: [1] },
        { partition: 1, leader: 2, leaderEpoch: 0, isr: [2], replicas: [2, 3] },
      ]),
    );
    expect(response.partitionErrors?.map((p) => p.errorCode)).toEqual([74, 3]);
    const equal = await s.rm.becomeLeaderOrFollower(
      leaderAndIsr([{ leader: 1, leaderEpoch: 3, isr: [1], replicas: [1] }]),
    );
    expect(equal.partitionErrors?.[0].errorCode).toBe(11);
    expect(s.rm.getPartition({ topic: T, partition: 1 })).toBeUndefined();
  });

  it('deletes a partition on StopReplica with delete_partition, and fences an older leader epoch', async () => {
    const s = await setup();
    await lead(s, [1], [1], 3);
    await produce(s, 1, batch(2));
    const stop = (leaderEpoch: number) =>
      s.rm.stopReplicas({
        controllerId: 9,
        controllerEpoch: 1,
        brokerEpoch: 100,
        topicStates: [
          {
            topicName: T,
            partitionStates: [{ partitionIndex: 0, leaderEpoch, deletePartition: true }],
          },
        ],
      });
    expect((await stop(2)).partitionErrors?.[0].errorCode).toBe(74);
    expect(s.logManager.getLog(TP)).toBeDefined();
    expect((await stop(-2)).partitionErrors?.[0].errorCode).toBe(0);
    expect(s.logManager.getLog(TP)).toBeUndefined();
    expect(s.rm.getPartition(TP)).toBeUndefined();
    const [fetch] = await s.rm.fetchMessages(consumerFetch(0));
    expect(fetch.error).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });
});

describe('ReplicaManager: ListOffsets and OffsetsForLeaderEpoch', () => {
  it('gives consumers the high watermark and replicas the log end offset as the latest offset', async () => {
    const s = await setup();
    await lead(s, [1, 2], [1, 2]);
    await produce(s, 1, batch(5));
    await followerFetch(s, 2, 3);
    const consumer = await s.rm.fetchOffsetForTimestamp(TP, -1, 'read_uncommitted', -1, true);
    const replica = await s.rm.fetchOffsetForTimestamp(TP, -1, undefined, -1, true);
    const earliest = await s.rm.fetchOffsetForTimestamp(TP, -2, 'read_uncommitted', -1, true);
    expect([consumer.offset, replica.offset, earliest.offset]).toEqual([3, 5, 0]);
    expect(consumer.leaderEpoch).toBe(0);
  });

  it('answers OFFSET_NOT_AVAILABLE to consumers while a new leader high watermark is below its epoch start (KIP-207)', async () => {
    const s = await setup();
    await lead(s, [1, 2], [1, 2]);
    await produce(s, 1, batch(4));
    await lead(s, [1, 2], [1, 2], 1);
    expect(s.rm.getPartition(TP)?.leaderEpochStartOffset).toBe(4);
    const latest = await s.rm.fetchOffsetForTimestamp(TP, -1, 'read_uncommitted', -1, true);
    expect(latest.error).toBe('OFFSET_NOT_AVAILABLE');
    const asReplica = await s.rm.fetchOffsetForTimestamp(TP, -1, undefined, -1, true);
    expect(asReplica).toMatchObject({ error: 'NONE', offset: 4 });
    const [fetched] = await s.rm.fetchMessages({
      replicaId: 2,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1000,
      partitions: [
        {
          topicPartition: TP,
          fetchOffset: 4,
          currentLeaderEpoch: 1,
          maxBytes: 1000,
          logStartOffset: 0,
        },
      ],
    });
    expect(fetched.error).toBe('NONE');
    const after = await s.rm.fetchOffsetForTimestamp(TP, -1, 'read_uncommitted', -1, true);
    expect(after).toMatchObject({ error: 'NONE', offset: 4 });
  });

  it('answers OffsetsForLeaderEpoch with the largest epoch at or below the one asked and its end offset', async () => {
    const s = await setup();
    await lead(s, [1], [1], 0);
    await produce(s, 1, batch(3));
    await lead(s, [1], [1], 2);
    await produce(s, 1, batch(2));
    expect(s.rm.lastOffsetForLeaderEpoch(TP, -1, 0, true)).toEqual({
      error: 'NONE',
      leaderEpoch: 0,
      endOffset: 3,
    });
    expect(s.rm.lastOffsetForLeaderEpoch(TP, -1, 1, true)).toEqual({
      error: 'NONE',
      leaderEpoch: 0,
      endOffset: 3,
    });
    expect(s.rm.lastOffsetForLeaderEpoch(TP, -1, 2, true)).toEqual({
      error: 'NONE',
      leaderEpoch: 2,
      endOffset: 5,
    });
    expect(s.rm.lastOffsetForLeaderEpoch(TP, 1, 2, true).error).toBe('FENCED_LEADER_EPOCH');
  });
});
