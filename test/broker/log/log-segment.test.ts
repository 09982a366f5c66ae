import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LogSegment, type SegmentOptions } from '../../../broker/log/log-segment';
import { setBaseOffset } from '../../../client/record/batch-header';
import { tempDir } from '../../harness';
import { batch, batchesIn } from './fixtures/log-fixtures';

const BASE = 40;

function options(overrides: Partial<SegmentOptions> = {}): SegmentOptions {
  return {
    indexIntervalBytes: 4096,
    maxIndexSize: 8 * 1024,
    preallocate: true,
    now: () => 10_000,
    ...overrides,
  };
}

/** A batch of `records` records placed at offset `base`. */
function placed(base: number, records = 1, timestamp = 1_000, valueSize = 10): Buffer {
  const buf = batch({ records, timestamp, valueSize });
  setBaseOffset(buf, 0, base);
  return buf;
}

async function segmentWith(
  batches: Buffer[],
  opts: Partial<SegmentOptions> = {},
): Promise<{ segment: LogSegment; dir: string }> {
  const dir = await tempDir('segment');
  const segment = await LogSegment.open(dir, BASE, options(opts));
  for (const b of batches) {
    const info = batchesIn(b)[0];
    await segment.append(b, info.baseOffset, info.lastOffset, info.maxTimestamp, info.lastOffset);
  }
  return { segment, dir };
}

describe('LogSegment', () => {
  it('names its files by the 20-digit base offset', async () => {
    const { segment, dir } = await segmentWith([placed(40)]);
    expect((await fs.readdir(dir)).sort()).toEqual([
      '00000000000000000040.index',
      '00000000000000000040.log',
      '00000000000000000040.timeindex',
    ]);
    await segment.close();
  });

  it('stores appended batches byte for byte and reads them back from the batch holding the offset', async () => {
    const batches = [placed(40, 3), placed(43, 2), placed(45, 1)];
    const { segment } = await segmentWith(batches);
    const all = Buffer.concat(batches);
    expect(await fs.readFile(segment.file)).toEqual(all);
    expect(await segment.read(40, 1 << 20)).toEqual(all);
    expect(await segment.read(44, 1 << 20)).toEqual(Buffer.concat(batches.slice(1)));
    expect(await segment.read(46, 1 << 20)).toBeUndefined();
    expect(await segment.readNextOffset()).toBe(46);
    await segment.close();
  });

  it('ends a read on a batch boundary within max bytes, and returns an oversized first batch only with minOneBatch', async () => {
    const batches = [placed(40, 1, 1, 200), placed(41, 1, 1, 200), placed(42, 1, 1, 200)];
    const { segment } = await segmentWith(batches);
    const one = batches[0].length;
    expect(await segment.read(40, one * 2 + 10)).toEqual(Buffer.concat(batches.slice(0, 2)));
    expect(await segment.read(40, one * 2 - 1)).toEqual(batches[0]);
    expect((await segment.read(40, one - 1))?.length).toBe(0);
    expect(await segment.read(40, one - 1, segment.size, true)).toEqual(batches[0]);
    expect(await segment.read(41, 1 << 20, one * 2)).toEqual(batches[1]);
    await segment.close();
  });

  it('adds an index entry every index.interval.bytes and finds offsets through it', async () => {
    const batches = Array.from({ length: 20 }, (_, i) => placed(40 + i, 1, 1, 100));
    const { segment } = await segmentWith(batches, { indexIntervalBytes: 300 });
    expect(segment.offsetIndex.entries).toBeGreaterThan(3);
    for (let offset = 40; offset < 60; offset++) {
      const found = await segment.translateOffset(offset);
      expect(found?.baseOffset).toBe(offset);
    }
    await segment.close();
  });

  it('truncateTo cuts from the batch holding the offset and keeps the largest timestamp of what is left', async () => {
    const batches = [placed(40, 2, 5_000), placed(42, 2, 9_000), placed(44, 2, 7_000)];
    const { segment } = await segmentWith(batches);
    expect(segment.maxTimestampSoFar).toBe(9_000);
    expect(await segment.truncateTo(43)).toBe(42);
    expect(segment.size).toBe(batches[0].length);
    expect(segment.maxTimestampSoFar).toBe(5_000);
    expect(await segment.readNextOffset()).toBe(42);
    expect(await segment.truncateTo(100)).toBeUndefined();
    await segment.close();
  });

  it('rolls on size, on age since its first timestamp, on a full index and on offset overflow', async () => {
    const { segment } = await segmentWith([placed(40, 1, 1_000)], { maxIndexSize: 24 });
    const params = {
      maxSegmentBytes: 1 << 20,
      maxSegmentMs: 60_000,
      maxTimestampInMessages: 2_000,
      maxOffsetInMessages: 41,
      messagesSize: 100,
      now: 10_000,
    };
    expect(segment.shouldRoll(params)).toBe(false);
    expect(segment.shouldRoll({ ...params, maxSegmentBytes: segment.size + 99 })).toBe(true);
    expect(segment.shouldRoll({ ...params, maxTimestampInMessages: 61_001 })).toBe(true);
    expect(segment.shouldRoll({ ...params, maxOffsetInMessages: BASE + 2 ** 31 })).toBe(true);
    segment.offsetIndex.append(41, 10);
    segment.offsetIndex.append(42, 20);
    expect(segment.shouldRoll(params)).toBe(false);
    segment.offsetIndex.append(43, 30);
    expect(segment.shouldRoll(params)).toBe(true);
    await segment.close();
  });

  it('does not roll an empty segment on age', async () => {
    let now = 0;
    const dir = await tempDir('segment');
    const segment = await LogSegment.open(dir, BASE, options({ now: () => now }));
    now = 1_000_000;
    const params = {
      maxSegmentBytes: 1 << 20,
      maxSegmentMs: 10,
      maxTimestampInMessages: -1,
      maxOffsetInMessages: 40,
      messagesSize: 100,
      now,
    };
    expect(segment.shouldRoll(params)).toBe(false);
    await segment.close();
  });

  it('trims its indexes on close and keeps the largest timestamp in the time index', async () => {
    const { segment, dir } = await segmentWith([placed(40, 1, 3_000), placed(41, 1, 8_000)]);
    await segment.close();
    const timeIndex = await fs.readFile(path.join(dir, '00000000000000000040.timeindex'));
    expect(timeIndex.length).toBe(12);
    expect(timeIndex.readBigInt64BE(0)).toBe(8_000n);
    expect(timeIndex.readInt32BE(8)).toBe(1);
    expect((await fs.stat(path.join(dir, '00000000000000000040.index'))).size).toBe(0);
    const reopened = await LogSegment.open(dir, BASE, options({ preallocate: false }));
    expect(reopened.largestTimestamp).toBe(8_000);
    await reopened.close();
  });

  it('recover cuts a torn tail and rebuilds the indexes', async () => {
    const batches = Array.from({ length: 10 }, (_, i) => placed(40 + i, 1, 1_000 + i, 100));
    const { segment, dir } = await segmentWith(batches, { indexIntervalBytes: 200 });
    const entriesBefore = segment.offsetIndex.entries;
    await segment.close();
    const logFile = path.join(dir, '00000000000000000040.log');
    await fs.appendFile(logFile, placed(50).subarray(0, 30));
    const reopened = await LogSegment.open(dir, BASE, options({ indexIntervalBytes: 200 }));
    expect(await reopened.recover()).toBe(30);
    expect(reopened.size).toBe(Buffer.concat(batches).length);
    expect(reopened.offsetIndex.entries).toBe(entriesBefore);
    expect(reopened.maxTimestampSoFar).toBe(1_009);
    expect(await reopened.readNextOffset()).toBe(50);
    await reopened.close();
  });
});
