import fc from 'fast-check';
import { KafkaError } from '../../../client/errors';
import {
  CompressionCodec,
  RECORD_BATCH_OVERHEAD,
  setBaseOffset,
  setPartitionLeaderEpoch,
  writeBatchCrc,
} from '../../../client/record/batch-header';
import {
  batchProblem,
  iterateBatches,
  validateBatchShallow,
  validateBatchesShallow,
} from '../../../client/record/batch-validation';
import { encodeRecordBatch, encodeRecordBatchSync } from '../../../client/record/record-batch';

function batchOf(count: number, baseOffset = 0): Buffer {
  return encodeRecordBatchSync(
    Array.from({ length: count }, (_, i) => ({ key: null, value: Buffer.from(`value-${i}`) })),
    { baseOffset, now: () => 1_600_000_000_000 },
  );
}

/** Rewrites header bytes then restamps the CRC, as a producer with a bug would send them. */
function restamped(batch: Buffer, edit: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(batch);
  edit(copy);
  writeBatchCrc(copy, 0, copy.length);
  return copy;
}

function problemOf(batch: Buffer, options = {}): KafkaError {
  const problem = batchProblem(batch, 0, batch.length, options);
  expect(problem).toBeInstanceOf(KafkaError);
  return problem as KafkaError;
}

describe('iterateBatches', () => {
  test('walks concatenated batches, yielding byte position, size and header', () => {
    const batches = [batchOf(1, 0), batchOf(3, 1), batchOf(2, 4)];
    const buf = Buffer.concat(batches);
    const found = [...iterateBatches(buf)];
    expect(found.map((b) => [b.offset, b.size, b.header.baseOffset, b.header.recordCount])).toEqual(
      [
        [0, batches[0].length, 0, 1],
        [batches[0].length, batches[1].length, 1, 3],
        [batches[0].length + batches[1].length, batches[2].length, 4, 2],
      ],
    );
  });

  test('an empty buffer yields nothing', () => {
    expect([...iterateBatches(Buffer.alloc(0))]).toEqual([]);
  });

  test('a partial last batch is CORRUPT_MESSAGE, or the end with allowTruncatedTail', () => {
    const buf = Buffer.concat([batchOf(1), batchOf(2)]);
    for (const cut of [buf.length - 1, batchOf(1).length + 5, batchOf(1).length + 40]) {
      const partial = buf.subarray(0, cut);
      expect(() => [...iterateBatches(partial)]).toThrow(
        /CORRUPT_MESSAGE: truncated batch at position/,
      );
      expect([...iterateBatches(partial, { allowTruncatedTail: true })].length).toBe(1);
    }
  });

  test('a batchLength too small for a header is CORRUPT_MESSAGE even with allowTruncatedTail', () => {
    const buf = batchOf(1);
    buf.writeInt32BE(10, 8);
    expect(() => [...iterateBatches(buf, { allowTruncatedTail: true })]).toThrow(
      /batchLength 10, below the minimum 49/,
    );
  });
});

describe('shallow validation of one batch', () => {
  test('sound batches of every codec pass, and the header comes back', async () => {
    for (const compression of [0, 1, 2, 3, 4] as CompressionCodec[]) {
      const batch = await encodeRecordBatch(
        [{ value: Buffer.from('a') }, { value: Buffer.from('b') }],
        { compression },
      );
      expect(batchProblem(batch, 0, batch.length)).toBeNull();
      expect(validateBatchShallow(batch, 0, batch.length).recordCount).toBe(2);
    }
  });

  test('baseOffset and partitionLeaderEpoch rewritten in place still validate', () => {
    const batch = batchOf(3);
    setBaseOffset(batch, 0, 9_000_000_000);
    setPartitionLeaderEpoch(batch, 0, 17);
    expect(validateBatchShallow(batch, 0, batch.length)).toMatchObject({
      baseOffset: 9_000_000_000,
      partitionLeaderEpoch: 17,
    });
  });

  test('any single-bit flip from batchLength onward (except the leader epoch) is caught', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (count, where, bit) => {
          const batch = batchOf(count);
          const positions = [8, 9, 10, 11];
          for (let i = 16; i < batch.length; i++) positions.push(i);
          batch[positions[where % positions.length]] ^= 1 << bit;
          const problem = batchProblem(batch, 0, batch.length);
          expect(problem).toBeInstanceOf(KafkaError);
          expect(problem!.type).toBe('CORRUPT_MESSAGE');
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a validated batch inside a larger buffer is checked in place', () => {
    const batch = batchOf(2);
    const buf = Buffer.concat([Buffer.alloc(7, 0xee), batch, Buffer.alloc(3)]);
    expect(batchProblem(buf, 7, batch.length)).toBeNull();
    expect(batchProblem(buf, 7, batch.length + 3)!.message).toMatch(/does not match its size/);
    expect(batchProblem(buf, 8, batch.length)!.message).toMatch(/runs past the end|does not match/);
  });

  test.each([
    [
      'a size below the header',
      (b: Buffer) => batchProblem(b, 0, 60),
      /less than its 61-byte header/,
    ],
    [
      'a batch past the buffer end',
      (b: Buffer) => batchProblem(b, 10, b.length),
      /runs past the end of the/,
    ],
    ['bad bounds', (b: Buffer) => batchProblem(b, -1, b.length), /bad batch bounds/],
  ])('%s → CORRUPT_MESSAGE', (_name, check, message) => {
    const problem = check(batchOf(1));
    expect(problem!.type).toBe('CORRUPT_MESSAGE');
    expect(problem!.message).toMatch(message);
  });

  test('magic 1 → CORRUPT_MESSAGE naming the magic', () => {
    const batch = batchOf(1);
    batch[16] = 1;
    expect(problemOf(batch).message).toMatch(/magic 1, only record batch v2/);
  });

  test('a CRC mismatch → CORRUPT_MESSAGE naming the stored CRC; verifyCrc: false skips it', () => {
    const batch = batchOf(1);
    batch[batch.length - 1] ^= 0xff;
    expect(problemOf(batch).message).toMatch(/CRC mismatch \(stored [0-9a-f]{8}\)/);
    expect(batchProblem(batch, 0, batch.length, { verifyCrc: false })).toBeNull();
  });

  test.each([5, 6, 7])('codec id %d → UNSUPPORTED_COMPRESSION_TYPE', (codec) => {
    const batch = restamped(batchOf(1), (b) => b.writeInt16BE(codec, 21));
    const problem = problemOf(batch);
    expect(problem.type).toBe('UNSUPPORTED_COMPRESSION_TYPE');
    expect(problem.message).toMatch(`unknown compression codec id ${codec}`);
  });

  test('record count 0 or not lastOffsetDelta + 1 is refused for freshly produced batches', () => {
    const empty = restamped(batchOf(1), (b) => b.writeInt32BE(0, 57));
    expect(problemOf(empty).message).toMatch(/record count 0, at least 1 expected/);
    const gap = restamped(batchOf(2), (b) => b.writeInt32BE(5, 23));
    expect(problemOf(gap).message).toMatch(/record count 2 but lastOffsetDelta 5/);
  });

  test('batches already in a log may have offset gaps (compaction) but not more records than offsets', () => {
    const gap = restamped(batchOf(2), (b) => b.writeInt32BE(5, 23));
    expect(batchProblem(gap, 0, gap.length, { freshlyProduced: false })).toBeNull();
    const empty = restamped(batchOf(1), (b) => b.writeInt32BE(0, 57));
    expect(batchProblem(empty, 0, empty.length, { freshlyProduced: false })).toBeNull();
    const tooMany = restamped(batchOf(3), (b) => b.writeInt32BE(1, 23));
    expect(problemOf(tooMany, { freshlyProduced: false }).message).toMatch(
      /record count 3 inconsistent with lastOffsetDelta 1/,
    );
  });

  test('an uncompressed batch cannot claim more records than its bytes can hold', () => {
    const batch = restamped(batchOf(1), (b) => {
      b.writeInt32BE(999, 23);
      b.writeInt32BE(1000, 57);
    });
    expect(problemOf(batch).message).toMatch(/cannot hold 1000 records/);
  });

  test('a batch above maxBatchBytes → MESSAGE_TOO_LARGE', () => {
    const batch = batchOf(10);
    const problem = problemOf(batch, { maxBatchBytes: batch.length - 1 });
    expect(problem.type).toBe('MESSAGE_TOO_LARGE');
    expect(batchProblem(batch, 0, batch.length, { maxBatchBytes: batch.length })).toBeNull();
  });

  test('validateBatchShallow throws the problem', () => {
    const batch = batchOf(1);
    batch[16] = 0;
    expect(() => validateBatchShallow(batch, 0, batch.length)).toThrow(KafkaError);
  });

  test('the header is read without looking at the records (records may be garbage if the CRC matches)', () => {
    const batch = restamped(batchOf(1), (b) => b.fill(0xff, RECORD_BATCH_OVERHEAD));
    expect(batchProblem(batch, 0, batch.length)).toBeNull();
  });
});

describe('validateBatchesShallow (a whole produce payload)', () => {
  test('returns every batch location of a sound payload', () => {
    const payload = Buffer.concat([batchOf(1), batchOf(4), batchOf(2)]);
    expect(validateBatchesShallow(payload).map((b) => b.header.recordCount)).toEqual([1, 4, 2]);
  });

  test('an empty payload, a trailing partial batch or one bad batch fails the whole payload', () => {
    expect(() => validateBatchesShallow(Buffer.alloc(0))).toThrow(
      /no record batch in an empty payload/,
    );
    const good = Buffer.concat([batchOf(1), batchOf(2)]);
    expect(() => validateBatchesShallow(good.subarray(0, good.length - 3))).toThrow(
      /truncated batch/,
    );
    const second = batchOf(2);
    second[second.length - 1] ^= 1;
    expect(() => validateBatchesShallow(Buffer.concat([batchOf(1), second]))).toThrow(
      /batch at position 75 \(base offset 0\): CRC mismatch/,
    );
  });
});
