import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { KafkaError } from '../../../client/errors';
import { encodeRecordBatch, encodeRecordBatchSync } from '../../../client/record/record-batch';
import { CompressionCodec, isBatchCrcValid } from '../../../client/record/batch-header';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  OffsetsOutOfOrderError,
  UnexpectedAppendOffsetError,
} from '../../../broker/log/log';
import { tempDir } from '../../harness';
import { appendBatches, batch, batchesIn, openLog } from './fixtures/log-fixtures';

describe('Log', () => {
  it('assigns offsets from the log end offset and stamps the leader epoch in place, keeping the CRC valid', async () => {
    const log = await openLog();
    const first = await log.appendAsLeader(batch({ records: 3 }), 7);
    expect(first).toMatchObject({ firstOffset: 0, lastOffset: 2, batchCount: 1, recordCount: 3 });
    const two = Buffer.concat([batch({ records: 2 }), batch({ records: 4, timestamp: 5_000 })]);
    const second = await log.appendAsLeader(two, 7);
    expect(second).toMatchObject({
      firstOffset: 3,
      lastOffset: 8,
      maxTimestamp: 5_000,
      offsetOfMaxTimestamp: 8,
    });
    expect(log.logEndOffset).toBe(9);
    const { records } = await log.read(0, 1 << 20);
    const batches = batchesIn(records);
    expect(batches.map((b) => [b.baseOffset, b.lastOffset, b.partitionLeaderEpoch])).toEqual([
      [0, 2, 7],
      [3, 4, 7],
      [5, 8, 7],
    ]);
    for (const b of batches) expect(isBatchCrcValid(records, b.position, b.size)).toBe(true);
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 7, startOffset: 0 }]);
    await log.close();
  });

  it('reads from the batch holding the offset, bounded by max bytes and by maxOffset (the high watermark)', async () => {
    const log = await openLog();
    await appendBatches(log, 10, { records: 2, valueSize: 50 });
    const size = batch({ records: 2, valueSize: 50 }).length;
    const fromMiddle = await log.read(5, 1 << 20);
    expect(batchesIn(fromMiddle.records)[0].baseOffset).toBe(4);
    expect(fromMiddle.records.length).toBe(8 * size);
    const bounded = await log.read(0, size * 3 + 5);
    expect(batchesIn(bounded.records).length).toBe(3);
    const belowHw = await log.read(0, 1 << 20, { maxOffset: 6 });
    expect(batchesIn(belowHw.records).map((b) => b.baseOffset)).toEqual([0, 2, 4]);
    expect((await log.read(6, 1 << 20, { maxOffset: 6 })).records.length).toBe(0);
    expect((await log.read(20, 1 << 20)).records.length).toBe(0);
    await log.close();
  });

  it('answers OFFSET_OUT_OF_RANGE below the log start offset and above the log end offset', async () => {
    const log = await openLog();
    await appendBatches(log, 3);
    await expect(log.read(4, 100)).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });
    await log.truncateFullyAndStartAt(10);
    await expect(log.read(5, 100)).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });
    await log.close();
  });

  it('rolls when segment.bytes would be exceeded and reads across segments', async () => {
    const one = batch({ valueSize: 100 }).length;
    const log = await openLog({ segmentBytes: one * 3 });
    await appendBatches(log, 10, { valueSize: 100 });
    expect(log.numberOfSegments).toBe(4);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 3, 6, 9]);
    const names = (await fs.readdir(log.dir)).filter((n) => n.endsWith('.log')).sort();
    expect(names).toEqual([
      '00000000000000000000.log',
      '00000000000000000003.log',
      '00000000000000000006.log',
      '00000000000000000009.log',
    ]);
    for (let offset = 0; offset < 10; offset++) {
      const { records } = await log.read(offset, 1 << 20);
      expect(batchesIn(records)[0].baseOffset).toBe(offset);
    }
    await log.close();
  });

  it('rejects an append larger than segment.bytes with RECORD_LIST_TOO_LARGE', async () => {
    const log = await openLog({ segmentBytes: 100, maxMessageBytes: 10_000 });
    await expect(log.appendAsLeader(batch({ valueSize: 200 }), 0)).rejects.toMatchObject({
      type: 'RECORD_LIST_TOO_LARGE',
    });
    expect(log.logEndOffset).toBe(0);
    await log.close();
  });

  it('rolls when the first timestamp of the segment is older than segment.ms', async () => {
    const log = await openLog({ segmentMs: 60_000 });
    await appendBatches(log, 2, { timestamp: 1_000 });
    await appendBatches(log, 1, { timestamp: 61_000 });
    expect(log.numberOfSegments).toBe(1);
    await appendBatches(log, 1, { timestamp: 61_001 });
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 3]);
    await log.close();
  });

  it('rolls on a full offset index', async () => {
    const log = await openLog({ segmentIndexBytes: 8 * 4, indexIntervalBytes: 0 });
    await appendBatches(log, 12);
    expect(log.numberOfSegments).toBeGreaterThan(1);
    for (const segment of log.logSegments())
      expect(segment.offsetIndex.entries).toBeLessThanOrEqual(4);
    await log.close();
  });

  it('deletes segments older than retention.ms below the high watermark, and advances the log start offset', async () => {
    let now = 100_000;
    const one = batch().length;
    const log = await openLog({ segmentBytes: one * 2, retentionMs: 50_000 }, { now: () => now });
    await appendBatches(log, 2, { timestamp: 10_000 });
    await appendBatches(log, 2, { timestamp: 80_000 });
    await appendBatches(log, 2, { timestamp: 90_000 });
    expect(log.numberOfSegments).toBe(3);
    expect(await log.deleteOldSegments()).toBe(0);
    log.updateHighWatermark(log.logEndOffset);
    expect(await log.deleteOldSegments()).toBe(1);
    expect(log.logStartOffset).toBe(2);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([2, 4]);
    await expect(log.read(0, 100)).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });
    now = 1_000_000;
    expect(await log.deleteOldSegments()).toBe(2);
    expect(log.numberOfSegments).toBe(1);
    expect(log.activeSegment.baseOffset).toBe(6);
    expect(log.activeSegment.size).toBe(0);
    expect(log.logStartOffset).toBe(6);
    expect(log.logEndOffset).toBe(6);
    await log.close();
  });

  it('deletes the oldest segments beyond retention.bytes, never the active one', async () => {
    const one = batch().length;
    const log = await openLog({ segmentBytes: one * 2, retentionBytes: one * 3, retentionMs: -1 });
    await appendBatches(log, 7);
    log.updateHighWatermark(log.logEndOffset);
    expect(log.size).toBe(one * 7);
    expect(await log.deleteOldSegments()).toBe(2);
    expect(log.size).toBe(one * 3);
    expect(log.logStartOffset).toBe(4);
    await log.close();
  });

  it('renames a deleted segment to .deleted and removes it after file.delete.delay.ms', async () => {
    const one = batch().length;
    const log = await openLog({ segmentBytes: one, retentionBytes: 0, fileDeleteDelayMs: 60_000 });
    await appendBatches(log, 3);
    log.updateHighWatermark(log.logEndOffset);
    await log.deleteOldSegments();
    const names = await fs.readdir(log.dir);
    expect(names).toContain('00000000000000000000.log.deleted');
    expect(names).toContain('00000000000000000000.index.deleted');
    expect(names).toContain('00000000000000000000.timeindex.deleted');
    await log.close();
    expect((await fs.readdir(log.dir)).filter((n) => n.endsWith('.deleted'))).toEqual([]);
  });

  it('truncateTo removes later segments and batches, moves the epoch cache and the high watermark back', async () => {
    const one = batch({ records: 2 }).length;
    const log = await openLog({ segmentBytes: one * 2 });
    for (let epoch = 0; epoch < 5; epoch++) await log.appendAsLeader(batch({ records: 2 }), epoch);
    log.updateHighWatermark(10);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 4, 8]);
    expect(await log.truncateTo(5)).toBe(true);
    expect(log.logEndOffset).toBe(4);
    expect(log.highWatermark).toBe(4);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 4]);
    expect(log.leaderEpochCache.entries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 2 },
    ]);
    expect(await log.truncateTo(100)).toBe(false);
    const next = await log.appendAsLeader(batch(), 9);
    expect(next.firstOffset).toBe(4);
    await log.close();
  });

  it('truncateTo at the log end drops an epoch that was started but never written to', async () => {
    const log = await openLog();
    await log.appendAsLeader(batch({ records: 2 }), 0);
    await log.assignEpochStartOffset(1, log.logEndOffset);
    expect(await log.truncateTo(log.logEndOffset)).toBe(false);
    expect(log.leaderEpochCache.entries()).toEqual([{ epoch: 0, startOffset: 0 }]);
    await log.close();
  });

  it('truncateFullyAndStartAt empties the log and restarts it at the new offset', async () => {
    const log = await openLog();
    await appendBatches(log, 5);
    await log.truncateFullyAndStartAt(1_000);
    expect(log.logStartOffset).toBe(1_000);
    expect(log.logEndOffset).toBe(1_000);
    expect(log.leaderEpochCache.entries()).toEqual([]);
    expect((await fs.readdir(log.dir)).filter((n) => n.endsWith('.log'))).toEqual([
      '00000000000000001000.log',
    ]);
    expect((await log.appendAsLeader(batch(), 3)).firstOffset).toBe(1_000);
    await log.close();
  });

  it('appends as a follower keeping the leader offsets and epochs', async () => {
    const leader = await openLog();
    await leader.appendAsLeader(batch({ records: 2 }), 1);
    await leader.appendAsLeader(batch({ records: 3 }), 4);
    const { records } = await leader.read(0, 1 << 20);
    const follower = await openLog();
    const info = await follower.appendAsFollower(Buffer.from(records));
    expect(info).toMatchObject({ firstOffset: 0, lastOffset: 4 });
    expect(follower.logEndOffset).toBe(5);
    expect(follower.leaderEpochCache.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 4, startOffset: 2 },
    ]);
    await expect(follower.appendAsFollower(Buffer.from(records))).rejects.toBeInstanceOf(
      UnexpectedAppendOffsetError,
    );
    const batches = batchesIn(records);
    const swapped = Buffer.concat([
      records.subarray(batches[1].position, batches[1].position + batches[1].size),
      records.subarray(0, batches[0].size),
    ]);
    const other = await openLog();
    await expect(other.appendAsFollower(swapped)).rejects.toBeInstanceOf(OffsetsOutOfOrderError);
    expect(other.logEndOffset).toBe(0);
    await Promise.all([leader.close(), follower.close(), other.close()]);
  });

  it('finds offsets by timestamp through the time index, including inside compressed batches', async () => {
    const log = await openLog({ indexIntervalBytes: 0 });
    for (let i = 0; i < 20; i++) await log.appendAsLeader(batch({ timestamp: 1_000 + i * 10 }), 2);
    const records = [0, 1, 2].map((i) => ({
      value: Buffer.from(`v${i}`),
      timestamp: 5_000 + i * 100,
    }));
    await log.appendAsLeader(
      await encodeRecordBatch(records, { compression: CompressionCodec.Gzip }),
      3,
    );
    expect(await log.fetchOffsetByTimestamp(1_055)).toEqual({
      timestamp: 1_060,
      offset: 6,
      leaderEpoch: 2,
    });
    expect(await log.fetchOffsetByTimestamp(0)).toEqual({
      timestamp: 1_000,
      offset: 0,
      leaderEpoch: 2,
    });
    expect(await log.fetchOffsetByTimestamp(5_150)).toEqual({
      timestamp: 5_200,
      offset: 22,
      leaderEpoch: 3,
    });
    expect(await log.fetchOffsetByTimestamp(9_999)).toBeUndefined();
    expect(await log.fetchOffsetByTimestamp(LATEST_TIMESTAMP)).toMatchObject({
      offset: 23,
      leaderEpoch: 3,
    });
    expect(await log.fetchOffsetByTimestamp(EARLIEST_TIMESTAMP)).toMatchObject({
      offset: 0,
      leaderEpoch: 2,
    });
    await log.close();
  });

  it('reopens after a clean close with the same segments, offsets, epochs and trimmed indexes', async () => {
    const one = batch({ valueSize: 100 }).length;
    const dir = path.join(await tempDir('log'), 't-0');
    const config = { segmentBytes: one * 4, indexIntervalBytes: 0 };
    const log = await openLog(config, { dir });
    await appendBatches(log, 10, { valueSize: 100, epoch: 3 });
    const before = (await log.read(0, 1 << 20)).records;
    await log.close();
    for (const name of await fs.readdir(dir)) {
      if (name.endsWith('.index')) expect((await fs.stat(path.join(dir, name))).size % 8).toBe(0);
    }
    expect((await fs.stat(path.join(dir, '00000000000000000000.index'))).size).toBe(3 * 8);
    const reopened = await openLog(config, { dir });
    expect(reopened.logEndOffset).toBe(10);
    expect(reopened.numberOfSegments).toBe(3);
    expect((await reopened.read(0, 1 << 20)).records).toEqual(before);
    expect(reopened.leaderEpochCache.entries()).toEqual([{ epoch: 3, startOffset: 0 }]);
    expect((await reopened.appendAsLeader(batch(), 3)).firstOffset).toBe(10);
    await reopened.close();
  });

  it('flushes on flush.messages and moves the recovery point', async () => {
    const log = await openLog({ flushMessages: 3 });
    await appendBatches(log, 2);
    expect(log.recoveryPoint).toBe(0);
    await appendBatches(log, 1);
    expect(log.recoveryPoint).toBe(3);
    await log.flush();
    expect(log.recoveryPoint).toBe(3);
    await appendBatches(log, 1);
    await log.flush();
    expect(log.recoveryPoint).toBe(4);
    await log.close();
  });

  it('serves concurrent reads while appending, always whole valid batches', async () => {
    const log = await openLog({ segmentBytes: 64 * 1024 });
    const appends = (async () => {
      for (let i = 0; i < 200; i++)
        await log.appendAsLeader(batch({ records: 5, valueSize: 200 }), 0);
    })();
    let reads = 0;
    let done = false;
    void appends.then(() => (done = true));
    while (!done || reads === 0) {
      const offset = Math.floor(Math.random() * (log.logEndOffset + 1));
      const { records } = await log.read(offset, 10_000);
      for (const b of batchesIn(records))
        expect(isBatchCrcValid(records, b.position, b.size)).toBe(true);
      const total = batchesIn(records).reduce((sum, b) => sum + b.size, 0);
      expect(total).toBe(records.length);
      reads++;
      // Let the appends' I/O callbacks run between reads.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await appends;
    await log.close();
  });

  it('records a new leader epoch at the log end offset and answers OffsetsForLeaderEpoch from the cache', async () => {
    const log = await openLog();
    await appendBatches(log, 3, { epoch: 1 });
    await log.assignEpochStartOffset(4, log.logEndOffset);
    await appendBatches(log, 2, { epoch: 4 });
    expect(log.latestEpoch()).toBe(4);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3 });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 1, endOffset: 3 });
    expect(log.endOffsetForEpoch(4)).toEqual({ epoch: 4, endOffset: 5 });
    expect(log.endOffsetForEpoch(5)).toBeUndefined();
    await log.close();
  });

  it('rolls on request, keeping an empty active segment as it is', async () => {
    const log = await openLog();
    expect((await log.roll()).baseOffset).toBe(0);
    await appendBatches(log, 2);
    expect((await log.roll()).baseOffset).toBe(2);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 2]);
    await log.close();
  });

  it('refuses to work after close', async () => {
    const log = await openLog();
    await log.close();
    await expect(log.appendAsLeader(batch(), 0)).rejects.toBeInstanceOf(KafkaError);
    await expect(log.read(0, 10)).rejects.toMatchObject({ type: 'KAFKA_STORAGE_ERROR' });
  });

  it('uses the encoder batches unchanged in size', () => {
    const sample = encodeRecordBatchSync([{ value: Buffer.from('x') }]);
    expect(batchesIn(sample)).toHaveLength(1);
  });
});
