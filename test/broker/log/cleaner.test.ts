import { promises as fs } from 'node:fs';
import {
  CompressionCodec,
  isBatchCrcValid,
  readBatchHeader,
} from '../../../client/record/batch-header';
import { decodeRecordBatch } from '../../../client/record/record-batch';
import { setLogLevel } from '../../../client/logging';
import { groupSegmentsBySize } from '../../../broker/log/cleaner';
import { batchesIn } from './fixtures/log-fixtures';
import {
  ManualClock,
  appendKeyed,
  cleanOnce,
  keyedBatch,
  latestByKey,
  newCleaner,
  openCompactedLog,
  readAllRecords,
} from './fixtures/compaction-fixtures';

beforeAll(() => setLogLevel('warn'));

const v = (key: string, value: string | null, timestamp?: number) => ({ key, value, timestamp });

describe('Cleaner', () => {
  it('keeps only the latest record of each key, at its original offset, and never touches the active segment', async () => {
    const log = await openCompactedLog();
    await appendKeyed(log, [
      [v('a', 'a0'), v('b', 'b0')],
      [v('a', 'a1'), v('c', 'c0')],
    ]);
    await log.roll();
    await appendKeyed(log, [[v('b', 'b1'), v('d', 'd0')]]);
    await log.roll();
    await appendKeyed(log, [[v('a', 'a2')]]);
    const active = log.activeSegment;
    const before = await readAllRecords(log);

    const { endOffset } = await cleanOnce(log, newCleaner());

    expect(endOffset).toBe(6);
    const after = await readAllRecords(log);
    // a2 (offset 6) is in the active segment: a1 stays, superseded only by an uncleaned record.
    expect(after.map((r) => [r.offset, r.key, r.value])).toEqual([
      [2, 'a', 'a1'],
      [3, 'c', 'c0'],
      [4, 'b', 'b1'],
      [5, 'd', 'd0'],
      [6, 'a', 'a2'],
    ]);
    for (const r of after) expect(before.find((b) => b.offset === r.offset)).toEqual(r);
    expect(log.activeSegment).toBe(active);
    expect(log.logEndOffset).toBe(7);
    await log.close();
  });

  it('keeps a rebuilt batch at its base offset with its last offset, leader epoch and producer fields, and a valid CRC', async () => {
    const log = await openCompactedLog();
    const batch = await keyedBatch([v('x', '1'), v('y', '1'), v('x', '2'), v('z', '1')], {
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 17,
    });
    await log.appendAsLeader(batch, 5);
    await log.appendAsLeader(await keyedBatch([v('z', '2'), v('w', '1')]), 5);
    log.updateHighWatermark(log.logEndOffset);
    await log.roll();
    await cleanOnce(log, newCleaner());

    const { records } = await log.read(0, 1 << 20);
    const batches = batchesIn(records);
    expect(batches.map((b) => [b.baseOffset, b.lastOffset, b.partitionLeaderEpoch])).toEqual([
      [0, 3, 5],
      [4, 5, 5],
    ]);
    const first = records.subarray(batches[0].position, batches[0].position + batches[0].size);
    expect(isBatchCrcValid(first, 0, first.length)).toBe(true);
    const header = readBatchHeader(first);
    expect(header).toMatchObject({
      baseOffset: 0,
      lastOffsetDelta: 3,
      recordCount: 2,
      producerId: 42,
      producerEpoch: 3,
      baseSequence: 17,
      partitionLeaderEpoch: 5,
    });
    const decoded = await decodeRecordBatch(first);
    expect(decoded.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()])).toEqual([
      [1, 'y', '1'],
      [2, 'x', '2'],
    ]);
    await log.close();
  });

  it('keeps tombstones until a segment cleaned after theirs is delete.retention.ms newer, then removes them', async () => {
    const clock = new ManualClock(1_000_000);
    // One batch per segment (segment.bytes below two batches), so cleanings do not merge them.
    const log = await openCompactedLog(
      { deleteRetentionMs: 1000, segmentBytes: 100 },
      { now: clock.now },
    );
    const appendSegment = async (records: ReturnType<typeof v>[], at: number) => {
      clock.ms = at;
      await appendKeyed(log, [records]);
      await log.roll();
    };
    await appendSegment([v('k1', 'a')], 1_000_000);
    await appendSegment([v('k1', null)], 1_000_000);
    await appendSegment([v('k2', 'b')], 1_000_500);
    const cleaner = newCleaner();
    const valuesOf = async () =>
      (await readAllRecords(log)).map((r) => `${r.key}=${r.value ?? 'null'}`);

    let { endOffset } = await cleanOnce(log, cleaner);
    expect(await valuesOf()).toEqual(['k1=null', 'k2=b']);

    await appendSegment([v('k3', 'c')], 1_000_600);
    ({ endOffset } = await cleanOnce(log, cleaner, endOffset));
    // The horizon is the last clean segment's time (1_000_500) minus 1000: the tombstone stays.
    expect(await valuesOf()).toEqual(['k1=null', 'k2=b', 'k3=c']);

    await appendSegment([v('k4', 'd')], 1_003_000);
    ({ endOffset } = await cleanOnce(log, cleaner, endOffset));
    expect(await valuesOf()).toEqual(['k1=null', 'k2=b', 'k3=c', 'k4=d']);

    await appendSegment([v('k5', 'e')], 1_003_100);
    await cleanOnce(log, cleaner, endOffset);
    // Now the last clean segment is from 1_003_000: horizon 1_002_000 is past the tombstone's.
    expect(await valuesOf()).toEqual(['k2=b', 'k3=c', 'k4=d', 'k5=e']);
    await log.close();
  });

  it('does not clean past the high watermark', async () => {
    const log = await openCompactedLog();
    await appendKeyed(log, [[v('a', '1')]]);
    await log.roll();
    await appendKeyed(log, [[v('a', '2')]]);
    await log.roll();
    log.updateHighWatermark(1);
    const { endOffset } = await cleanOnce(log, newCleaner());
    expect(endOffset).toBe(1);
    expect((await readAllRecords(log)).map((r) => r.value)).toEqual(['1', '2']);
    await log.close();
  });

  it('cleans only what the offset map holds when it fills, and the next cleaning goes on from there', async () => {
    const log = await openCompactedLog({ segmentBytes: 4096 });
    const keys = Array.from({ length: 60 }, (_, i) => `key-${String(i).padStart(3, '0')}`);
    // Two rounds over 60 keys, 5 records per batch: 24 batches.
    for (const round of [0, 1]) {
      for (let i = 0; i < keys.length; i += 5) {
        await appendKeyed(log, [keys.slice(i, i + 5).map((k) => v(k, `${k}-r${round}`))]);
      }
    }
    await log.roll();
    // 1 KiB of map: 32 slots, 28 keys at most.
    const cleaner = newCleaner({ dedupeBufferSize: 1024 });
    const first = await cleanOnce(log, cleaner);
    expect(first.endOffset).toBe(25); // five whole batches: the sixth did not fit
    expect(first.stats.mapUtilization).toBeGreaterThan(0.9);
    let records = await readAllRecords(log);
    // Only offsets below 25 were judged: keys 0..24 of round 0 survive (nothing newer mapped).
    expect(records.length).toBe(120);

    let checkpoint = first.endOffset;
    for (let round = 0; round < 10 && checkpoint < 120; round++) {
      checkpoint = (await cleanOnce(log, cleaner, checkpoint)).endOffset;
      expect(checkpoint).toBeGreaterThan(0);
    }
    expect(checkpoint).toBe(120);
    records = await readAllRecords(log);
    expect(records.map((r) => r.value)).toEqual(keys.map((k) => `${k}-r1`));
    expect(records.map((r) => r.offset)).toEqual(keys.map((_, i) => 60 + i));
    await log.close();
  });

  it('refuses to clean when the offset map cannot hold even one batch', async () => {
    const log = await openCompactedLog();
    await appendKeyed(log, [Array.from({ length: 40 }, (_, i) => v(`key-${i}`, 'x'))]);
    await log.roll();
    await expect(cleanOnce(log, newCleaner({ dedupeBufferSize: 1024 }))).rejects.toThrow(
      /increase log.cleaner.dedupe.buffer.size/,
    );
    expect((await fs.readdir(log.dir)).filter((n) => n.includes('.cleaned'))).toEqual([]);
    await log.close();
  });

  it.each([
    ['gzip', CompressionCodec.Gzip],
    ['snappy', CompressionCodec.Snappy],
    ['lz4', CompressionCodec.Lz4],
    ['zstd', CompressionCodec.Zstd],
  ])(
    'decompresses %s batches and writes the records that stay recompressed with the same codec',
    async (_, codec) => {
      const log = await openCompactedLog();
      const batches = [0, 1, 2].map((round) =>
        Array.from({ length: 20 }, (__, i) => v(`k${i}`, `v${round}-${i}`.repeat(5))),
      );
      batches[2] = batches[2].filter((_r, i) => i % 2 === 0);
      await appendKeyed(log, batches, { compression: codec });
      await log.roll();
      await cleanOnce(log, newCleaner());

      const { records } = await log.read(0, 1 << 20);
      for (const info of batchesIn(records)) {
        const bytes = records.subarray(info.position, info.position + info.size);
        const decoded = await decodeRecordBatch(bytes);
        expect(decoded.compression).toBe(codec);
      }
      const expected = Array.from({ length: 20 }, (_r, i) =>
        i % 2 === 0 ? `v2-${i}`.repeat(5) : `v1-${i}`.repeat(5),
      );
      const stored = await readAllRecords(log);
      expect(new Map(stored.map((r) => [r.key, r.value]))).toEqual(
        new Map(expected.map((value, i) => [`k${i}`, value])),
      );
      expect(stored.length).toBe(20);
      await log.close();
    },
  );

  it('answers a read from an offset the cleaner removed with the next batch that stayed', async () => {
    const log = await openCompactedLog();
    for (let i = 0; i < 10; i++) await appendKeyed(log, [[v('same', `v${i}`)]]);
    await appendKeyed(log, [[v('other', 'o')]]);
    await log.roll();
    await cleanOnce(log, newCleaner());
    for (const from of [0, 4, 9]) {
      const { records } = await log.read(from, 1 << 20);
      expect(batchesIn(records).map((b) => b.baseOffset)).toEqual([9, 10]);
    }
    const { records } = await log.read(10, 1 << 20);
    expect(batchesIn(records).map((b) => b.baseOffset)).toEqual([10]);
    await log.close();
  });

  it('drops old records without a key (written before the topic became compacted)', async () => {
    const log = await openCompactedLog({ compact: false, delete: true });
    await appendKeyed(log, [[{ key: null, value: 'no key' }, v('a', '1')]]);
    log.updateConfig({ ...log.config, compact: true });
    await log.roll();
    const { stats } = await cleanOnce(log, newCleaner());
    expect(stats.invalidRecords).toBe(1);
    expect((await readAllRecords(log)).map((r) => r.key)).toEqual(['a']);
    await log.close();
  });

  it('rewrites the log in groups whose sizes fit segment.bytes and segment.index.bytes', async () => {
    const log = await openCompactedLog({ segmentBytes: 300, indexIntervalBytes: 0 });
    for (let i = 0; i < 12; i++) await appendKeyed(log, [[v(`k${i}`, 'x'.repeat(40))]]);
    await log.roll();
    const segments = log.logSegments().slice(0, -1);
    expect(segments.length).toBe(6);
    const bySize = groupSegmentsBySize(segments, 500, 1 << 20, log.activeSegment.baseOffset);
    expect(bySize.map((g) => g.length)).toEqual([2, 2, 2]);
    expect(bySize.flat()).toEqual(segments);
    for (const group of bySize) {
      expect(group.reduce((sum, s) => sum + s.size, 0)).toBeLessThanOrEqual(500);
    }
    // Index files of two segments at most (the time index is the larger one here).
    const maxIndexSize = 2 * segments[0].timeIndex.sizeInBytes;
    expect(segments[0].offsetIndex.sizeInBytes).toBeLessThanOrEqual(
      segments[0].timeIndex.sizeInBytes,
    );
    const byIndex = groupSegmentsBySize(
      segments,
      1 << 20,
      maxIndexSize,
      log.activeSegment.baseOffset,
    );
    expect(byIndex.map((g) => g.length)).toEqual([2, 2, 2]);

    log.updateConfig({ ...log.config, segmentBytes: 500 });
    await cleanOnce(log, newCleaner());
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 4, 8, 12]);
    expect((await readAllRecords(log)).map((r) => r.offset)).toEqual([...Array(12).keys()]);
    await log.close();
  });
});

describe('compacted topics at append', () => {
  it('refuse records without a key with INVALID_RECORD, as Kafka does', async () => {
    const log = await openCompactedLog();
    const keyless = await keyedBatch([v('a', '1'), { key: null, value: 'x' }]);
    await expect(log.appendAsLeader(keyless, 0)).rejects.toMatchObject({
      type: 'INVALID_RECORD',
      message: expect.stringContaining(
        'Compacted topic cannot accept message without key in topic partition t-0.',
      ) as unknown,
    });
    const compressed = await keyedBatch([{ key: null, value: 'x' }], {
      compression: CompressionCodec.Lz4,
    });
    await expect(log.appendAsLeader(compressed, 0)).rejects.toMatchObject({
      type: 'INVALID_RECORD',
    });
    expect(log.logEndOffset).toBe(0);
    await log.close();
  });

  it('accept records without a key when the topic is not compacted, and tombstones with a key', async () => {
    const plain = await openCompactedLog({ compact: false, delete: true });
    await plain.appendAsLeader(await keyedBatch([{ key: null, value: 'x' }]), 0);
    expect(plain.logEndOffset).toBe(1);
    await plain.close();
    const compacted = await openCompactedLog();
    await compacted.appendAsLeader(await keyedBatch([v('a', null)]), 0);
    expect(compacted.logEndOffset).toBe(1);
    expect(latestByKey(await readAllRecords(compacted))).toEqual(new Map([['a', null]]));
    await compacted.close();
  });
});
