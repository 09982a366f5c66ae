/**
 * Partition as leader: high watermark, ISR shrink and expand decisions and the ISR writes they
 * make, min.insync.replicas, with a hand-driven monotonic clock and an in-memory IsrWriter.
 */
import { KafkaError } from '../../../client/errors';
import type { LogManager } from '../../../broker/log/log-manager';
import { Partition, type LeaderAndIsrState } from '../../../broker/replica/partition';
import type { Log } from '../../../broker/log/log';
import {
  batch,
  batchesOf,
  ManualClock,
  RecordingIsrWriter,
  startLogManager,
  flushPromises,
} from './fixtures';

const TP = { topic: 'orders', partition: 0 };
const LAG_MS = 10_000;

interface Harness {
  partition: Partition;
  clock: ManualClock;
  writer: RecordingIsrWriter;
  hwIncreases: number[];
  isrChanges: number;
  logManager: LogManager;
}

const managers: LogManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

async function leaderPartition(state: Partial<LeaderAndIsrState> = {}): Promise<Harness> {
  const logManager = await startLogManager();
  managers.push(logManager);
  const clock = new ManualClock();
  const writer = new RecordingIsrWriter();
  const h: Harness = {
    clock,
    writer,
    hwIncreases: [],
    isrChanges: 0,
    logManager,
    partition: undefined as unknown as Partition,
  };
  h.partition = new Partition({
    topicPartition: TP,
    localBrokerId: 1,
    getOrCreateLog: (tp) => logManager.getOrCreateLog(tp),
    isrWriter: writer,
    listener: {
      onHighWatermarkIncreased: (p) =>
        h.hwIncreases.push(p.localLogOrUndefined?.highWatermark ?? -1),
      onIsrChanged: () => {
        h.isrChanges++;
      },
    },
    clock: clock.now,
    replicaLagTimeMaxMs: LAG_MS,
  });
  await h.partition.makeLeader({
    controllerEpoch: 3,
    leader: 1,
    leaderEpoch: 5,
    isr: [1, 2, 3],
    zkVersion: 7,
    replicas: [1, 2, 3],
    ...state,
  });
  return h;
}

function hw(h: Harness): number {
  return h.partition.localLogOrUndefined?.highWatermark ?? -1;
}

function leo(h: Harness): number {
  return h.partition.localLogOrUndefined?.logEndOffset ?? -1;
}

describe('Partition (leader)', () => {
  it('records the new epoch and its start offset in the leader-epoch cache when it becomes leader', async () => {
    const h = await leaderPartition();
    await h.partition.appendRecordsToLeader(batch(4), 1, 1);
    expect(h.partition.leaderEpochStartOffset).toBe(0);
    await h.partition.makeLeader({
      controllerEpoch: 3,
      leader: 1,
      leaderEpoch: 6,
      isr: [1, 2, 3],
      zkVersion: 8,
      replicas: [1, 2, 3],
    });
    expect(h.partition.leaderEpochStartOffset).toBe(4);
    expect(h.partition.localLogOrUndefined?.leaderEpochCache.entries()).toEqual([
      { epoch: 5, startOffset: 0 },
      { epoch: 6, startOffset: 4 },
    ]);
  });

  it('starts a new epoch after the appends under way, refusing appends while leadership changes', async () => {
    const h = await leaderPartition({ isr: [1] });
    const inFlight = h.partition.appendRecordsToLeader(batch(3), 1, 1);
    const change = h.partition.makeLeader({
      controllerEpoch: 3,
      leader: 1,
      leaderEpoch: 6,
      isr: [1],
      zkVersion: 8,
      replicas: [1],
    });
    await expect(h.partition.appendRecordsToLeader(batch(1), 1, 1)).rejects.toMatchObject({
      type: 'NOT_LEADER_OR_FOLLOWER',
    });
    await inFlight;
    await change;
    expect(h.partition.leaderEpochStartOffset).toBe(3);
    expect(h.partition.localLogOrUndefined?.leaderEpochCache.entries()).toEqual([
      { epoch: 5, startOffset: 0 },
      { epoch: 6, startOffset: 3 },
    ]);
    expect((await h.partition.appendRecordsToLeader(batch(1), 1, 1)).firstOffset).toBe(3);
  });

  it('appends what arrives during a write together afterwards, in order, each with its own result', async () => {
    const h = await leaderPartition({ isr: [1] });
    const sizes = [2, 3, 1, 4];
    const payloads = sizes.map((n, i) => batch(n, 20, `${i}`));
    const appends = jest.spyOn(h.partition.localLogOrUndefined as Log, 'appendAsLeader');
    const infos = await Promise.all(
      payloads.map((p) => h.partition.appendRecordsToLeader(p, 1, 1)),
    );
    expect(infos.map((i) => [i.firstOffset, i.lastOffset, i.batchCount, i.recordCount])).toEqual([
      [0, 1, 1, 2],
      [2, 4, 1, 3],
      [5, 5, 1, 1],
      [6, 9, 1, 4],
    ]);
    expect(infos.map((i) => i.validBytes)).toEqual(payloads.map((p) => p.length));
    // The first alone, the three that arrived while it was written as one.
    expect(appends).toHaveBeenCalledTimes(2);
    const batches = await batchesOf(h.partition.localLogOrUndefined as Log);
    expect(batches.map((b) => [b.baseOffset, b.lastOffset])).toEqual([
      [0, 1],
      [2, 4],
      [5, 5],
      [6, 9],
    ]);
    expect(hw(h)).toBe(10);
  });

  it('fails only the refused payload of a group: the others are appended in order', async () => {
    const h = await leaderPartition({ isr: [1] });
    const corrupt = batch(2, 20, 'c');
    corrupt[corrupt.length - 1] ^= 0xff;
    const results = await Promise.allSettled([
      h.partition.appendRecordsToLeader(batch(1), 1, 1),
      h.partition.appendRecordsToLeader(batch(2), 1, 1),
      h.partition.appendRecordsToLeader(corrupt, 1, 1),
      h.partition.appendRecordsToLeader(batch(3), 1, 1),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ type: 'CORRUPT_MESSAGE' });
    const offsets = results.map((r) =>
      r.status === 'fulfilled' ? [r.value.firstOffset, r.value.lastOffset] : undefined,
    );
    expect(offsets).toEqual([[0, 0], [1, 2], undefined, [3, 5]]);
    expect(leo(h)).toBe(6);
  });

  it('refuses appends still waiting when leadership changes, once the one being written is done', async () => {
    const h = await leaderPartition({ isr: [1] });
    const writing = h.partition.appendRecordsToLeader(batch(3), 1, 1);
    const waiting = h.partition.appendRecordsToLeader(batch(1), 1, 1);
    const change = h.partition.makeFollower({
      controllerEpoch: 3,
      leader: 2,
      leaderEpoch: 6,
      isr: [1, 2],
      zkVersion: 8,
      replicas: [1, 2],
    });
    expect((await writing).lastOffset).toBe(2);
    await expect(waiting).rejects.toMatchObject({ type: 'NOT_LEADER_OR_FOLLOWER' });
    await change;
    expect(leo(h)).toBe(3);
  });

  it('keeps the high watermark at the smallest log end offset of the ISR, and never lowers it', async () => {
    const h = await leaderPartition();
    await h.partition.appendRecordsToLeader(batch(10), 1, 1);
    expect(leo(h)).toBe(10);
    // Followers' positions are unknown until they fetch: the high watermark stays.
    expect(hw(h)).toBe(0);
    h.partition.updateFollowerFetchState(2, 10, 0, h.clock.now(), 10);
    expect(hw(h)).toBe(0);
    h.partition.updateFollowerFetchState(3, 4, 0, h.clock.now(), 10);
    expect(hw(h)).toBe(4);
    h.partition.updateFollowerFetchState(3, 10, 0, h.clock.now(), 10);
    expect(hw(h)).toBe(10);
    expect(h.hwIncreases).toEqual([4, 10]);
    // A follower that reports a smaller log end offset does not pull the high watermark back.
    h.partition.updateFollowerFetchState(3, 7, 0, h.clock.now(), 10);
    expect(hw(h)).toBe(10);
  });

  it('with the leader alone in the ISR, the high watermark follows every append', async () => {
    const h = await leaderPartition({ isr: [1] });
    await h.partition.appendRecordsToLeader(batch(3), 1, 1);
    expect(hw(h)).toBe(3);
    await h.partition.appendRecordsToLeader(batch(2), -1, 1);
    expect(hw(h)).toBe(5);
  });

  it('does not let a follower outside the ISR hold the high watermark back', async () => {
    const h = await leaderPartition({ isr: [1, 2] });
    await h.partition.appendRecordsToLeader(batch(5), 1, 1);
    h.partition.updateFollowerFetchState(2, 5, 0, h.clock.now(), 5);
    expect(hw(h)).toBe(5);
    // Follower 3 is behind the high watermark: it is not added, and does not count.
    h.partition.updateFollowerFetchState(3, 2, 0, h.clock.now(), 5);
    await h.partition.appendRecordsToLeader(batch(5), 1, 1);
    h.partition.updateFollowerFetchState(2, 10, 0, h.clock.now(), 10);
    expect(hw(h)).toBe(10);
    expect(h.writer.writes).toHaveLength(0);
  });

  it('removes an ISR member whose log end offset differs and that has not caught up for replica.lag.time.max.ms', async () => {
    const h = await leaderPartition();
    await h.partition.appendRecordsToLeader(batch(10), 1, 1);
    // Both followers catch up; then follower 3 stops fetching while the leader appends.
    h.partition.updateFollowerFetchState(2, 10, 0, h.clock.now(), 10);
    h.partition.updateFollowerFetchState(3, 10, 0, h.clock.now(), 10);
    await h.partition.appendRecordsToLeader(batch(5), 1, 1);
    h.clock.advance(LAG_MS / 2);
    h.partition.updateFollowerFetchState(2, 15, 0, h.clock.now(), 15);
    h.clock.advance(LAG_MS / 2);
    // Exactly replica.lag.time.max.ms is not more than it: still in sync.
    expect(await h.partition.maybeShrinkIsr()).toBe(false);
    expect(h.writer.writes).toHaveLength(0);
    h.clock.advance(1);
    expect(await h.partition.maybeShrinkIsr()).toBe(true);
    expect(h.writer.writes).toEqual([
      {
        tp: TP,
        state: { leader: 1, leaderEpoch: 5, isr: [1, 2], controllerEpoch: 3 },
        expectedZkVersion: 7,
      },
    ]);
    expect(h.partition.isr).toEqual([1, 2]);
    expect(h.partition.zkVersion).toBe(8);
    expect(h.isrChanges).toBe(1);
    // Follower 3 held the high watermark at 10; without it the ISR has everything.
    expect(hw(h)).toBe(15);
  });

  it('never removes a follower that is caught up, however long since it fetched', async () => {
    const h = await leaderPartition({ isr: [1, 2] });
    await h.partition.appendRecordsToLeader(batch(3), 1, 1);
    h.partition.updateFollowerFetchState(2, 3, 0, h.clock.now(), 3);
    h.clock.advance(LAG_MS * 10);
    expect(await h.partition.maybeShrinkIsr()).toBe(false);
    expect(h.partition.isr).toEqual([1, 2]);
  });

  it('keeps a follower that fetches steadily in sync although the leader keeps appending (caught up to the previous fetch)', async () => {
    const h = await leaderPartition({ isr: [1, 2] });
    for (let round = 0; round < 30; round++) {
      const before = leo(h);
      await h.partition.appendRecordsToLeader(batch(1), 1, 1);
      // The follower reaches the log end offset the leader had at its previous fetch.
      h.partition.updateFollowerFetchState(2, before, 0, h.clock.now(), leo(h));
      h.clock.advance(LAG_MS / 4);
    }
    expect(await h.partition.maybeShrinkIsr()).toBe(false);
  });

  it('adds a follower to the ISR once its log end offset reaches the high watermark and the epoch start offset (KAFKA-7128)', async () => {
    const h = await leaderPartition({ isr: [1] });
    await h.partition.appendRecordsToLeader(batch(6), 1, 1);
    // A new leader epoch starts at offset 6.
    await h.partition.makeLeader({
      controllerEpoch: 3,
      leader: 1,
      leaderEpoch: 6,
      isr: [1],
      zkVersion: 9,
      replicas: [1, 2, 3],
    });
    expect(h.partition.leaderEpochStartOffset).toBe(6);
    // Log end offset 6 >= high watermark 6, and >= the epoch start offset 6: expand.
    h.partition.updateFollowerFetchState(2, 6, 0, h.clock.now(), 6);
    await h.partition.pendingIsrWrite;
    expect(h.partition.isr).toEqual([1, 2]);
    expect(h.writer.writes[0].state).toEqual({
      leader: 1,
      leaderEpoch: 6,
      isr: [1, 2],
      controllerEpoch: 3,
    });
    expect(h.writer.writes[0].expectedZkVersion).toBe(9);
  });

  it('does not add a follower that reached the high watermark but not the start of the current epoch', async () => {
    const h = await leaderPartition({ isr: [1] });
    await h.partition.appendRecordsToLeader(batch(6), 1, 1);
    await h.partition.makeLeader({
      controllerEpoch: 4,
      leader: 1,
      leaderEpoch: 6,
      isr: [1],
      zkVersion: 9,
      replicas: [1, 2, 3],
    });
    // Pretend the high watermark lags the log (a new leader before its followers fetched).
    h.partition.localLogOrUndefined?.updateHighWatermark(4);
    h.partition.updateFollowerFetchState(2, 5, 0, h.clock.now(), 6);
    await flushPromises();
    expect(h.writer.writes).toHaveLength(0);
    expect(h.partition.isr).toEqual([1]);
    h.partition.updateFollowerFetchState(2, 6, 0, h.clock.now(), 6);
    await h.partition.pendingIsrWrite;
    expect(h.partition.isr).toEqual([1, 2]);
  });

  it('stops writing the ISR after a stale answer (zkVersion moved on) until the next LeaderAndIsr (KAFKA-2729)', async () => {
    const h = await leaderPartition({ isr: [1, 2] });
    await h.partition.appendRecordsToLeader(batch(2), 1, 1);
    h.writer.answers.push({
      kind: 'stale',
      current: { leader: 2, leaderEpoch: 6, isr: [2], controllerEpoch: 4 },
      zkVersion: 12,
    });
    h.clock.advance(LAG_MS + 1);
    expect(await h.partition.maybeShrinkIsr()).toBe(false);
    expect(h.partition.isr).toEqual([1, 2]);
    h.clock.advance(LAG_MS + 1);
    expect(await h.partition.maybeShrinkIsr()).toBe(false);
    expect(h.writer.writes).toHaveLength(1);
    await h.partition.makeLeader({
      controllerEpoch: 4,
      leader: 1,
      leaderEpoch: 7,
      isr: [1, 2],
      zkVersion: 13,
      replicas: [1, 2],
    });
    h.clock.advance(LAG_MS + 1);
    expect(await h.partition.maybeShrinkIsr()).toBe(true);
    expect(h.writer.writes[1].expectedZkVersion).toBe(13);
  });

  it('refuses an acks=all append when the ISR is below min.insync.replicas, without appending', async () => {
    const h = await leaderPartition({ isr: [1] });
    await expect(h.partition.appendRecordsToLeader(batch(2), -1, 2)).rejects.toMatchObject({
      type: 'NOT_ENOUGH_REPLICAS',
    });
    expect(leo(h)).toBe(0);
    // acks=1 ignores min.insync.replicas.
    await h.partition.appendRecordsToLeader(batch(2), 1, 2);
    expect(leo(h)).toBe(2);
  });

  it('answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas before the high watermark covered the append', async () => {
    const h = await leaderPartition({ isr: [1, 2] });
    const info = await h.partition.appendRecordsToLeader(batch(3), -1, 2);
    expect(h.partition.checkEnoughReplicasReachOffset(info.lastOffset + 1, 2)).toEqual({
      done: false,
      error: 'NONE',
    });
    h.clock.advance(LAG_MS + 1);
    expect(await h.partition.maybeShrinkIsr()).toBe(true);
    expect(hw(h)).toBe(3);
    expect(h.partition.checkEnoughReplicasReachOffset(info.lastOffset + 1, 2)).toEqual({
      done: true,
      error: 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
    });
  });

  it('fences requests by leader epoch and refuses leader-only work as a follower', async () => {
    const h = await leaderPartition();
    expect(h.partition.leaderEpochError(-1)).toBeUndefined();
    expect(h.partition.leaderEpochError(5)).toBeUndefined();
    expect(h.partition.leaderEpochError(4)).toBe('FENCED_LEADER_EPOCH');
    expect(h.partition.leaderEpochError(6)).toBe('UNKNOWN_LEADER_EPOCH');
    await h.partition.makeFollower({
      controllerEpoch: 3,
      leader: 2,
      leaderEpoch: 6,
      isr: [2, 3],
      zkVersion: 8,
      replicas: [1, 2, 3],
    });
    expect(h.partition.isLeader).toBe(false);
    expect(h.partition.isr).toEqual([]);
    const error = await h.partition.appendRecordsToLeader(batch(1), 1, 1).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect((error as KafkaError).type).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(h.partition.checkEnoughReplicasReachOffset(1, 1).error).toBe('NOT_LEADER_OR_FOLLOWER');
  });

  it('answers a follower at the log end from its latest appends in memory: the bytes of the log', async () => {
    const h = await leaderPartition();
    for (let i = 0; i < 3; i++) await h.partition.appendRecordsToLeader(batch(2, 50, `${i}`), 1, 1);
    const log = h.partition.localLogOrUndefined;
    const fromLog = await log?.read(2, 1_000_000);
    expect(h.partition.recentRecords(2, 1_000_000)).toEqual(fromLog?.records);
    expect((await log?.read(0, 1_000_000))?.records).toEqual(h.partition.recentRecords(0, 1e6));
    // Only whole appends from where one starts, within maxBytes; the rest is the log's to read.
    expect(h.partition.recentRecords(1, 1_000_000)).toBeUndefined();
    const one = batch(2, 50).length;
    expect(h.partition.recentRecords(0, one + 10)).toHaveLength(one);
    expect(h.partition.recentRecords(0, one - 1)).toBeUndefined();
    expect(h.partition.recentRecords(6, 1_000_000)).toBeUndefined();
  });

  it('keeps no appends in memory without a follower in sync to fetch them', async () => {
    const h = await leaderPartition({ isr: [1] });
    await h.partition.appendRecordsToLeader(batch(2, 50), 1, 1);
    expect(h.partition.recentRecords(0, 1e6)).toBeUndefined();
  });

  it('lets go of the appends every ISR follower has fetched, and of all of them as follower', async () => {
    const h = await leaderPartition();
    for (let i = 0; i < 3; i++) await h.partition.appendRecordsToLeader(batch(2, 50), 1, 1);
    h.partition.updateFollowerFetchState(2, 4, 0, h.clock.now(), 6);
    expect(h.partition.recentRecords(0, 1e6)).toBeDefined();
    h.partition.updateFollowerFetchState(3, 2, 0, h.clock.now(), 6);
    expect(h.partition.recentRecords(0, 1e6)).toBeUndefined();
    expect(h.partition.recentRecords(2, 1e6)).toBeDefined();
    await h.partition.makeFollower({
      controllerEpoch: 3,
      leader: 2,
      leaderEpoch: 6,
      isr: [1, 2, 3],
      zkVersion: 8,
      replicas: [1, 2, 3],
    });
    expect(h.partition.recentRecords(2, 1e6)).toBeUndefined();
  });

  it('estimates the bytes appended between two offsets from the append sizes', async () => {
    const h = await leaderPartition({ isr: [1] });
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const b = batch(2, 50);
      sizes.push(b.length);
      await h.partition.appendRecordsToLeader(b, 1, 1);
    }
    expect(h.partition.appendedBytesBetween(0, 6)).toBe(sizes[0] + sizes[1] + sizes[2]);
    expect(h.partition.appendedBytesBetween(2, 6)).toBe(sizes[1] + sizes[2]);
    expect(h.partition.appendedBytesBetween(4, 4)).toBe(0);
  });
});
