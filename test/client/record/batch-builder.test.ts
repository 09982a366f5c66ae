import fc from 'fast-check';
import { SamsaError } from '../../../client/errors';
import { RecordBatchBuilder } from '../../../client/record/batch-builder';
import { CompressionCodec, readBatchHeader } from '../../../client/record/batch-header';
import {
  RecordInput,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
} from '../../../client/record/record-batch';

const T = 1_600_000_000_000;

const bytes = fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u));
const nullableBytes = fc.option(bytes, { nil: null });
const recordArb = fc.record({
  key: nullableBytes,
  value: nullableBytes,
  headers: fc.array(
    fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 20 }), value: nullableBytes }),
    { maxLength: 3 },
  ),
  timestamp: fc.integer({ min: 0, max: 2 * T }),
});

function built(records: readonly Required<RecordInput>[], initialCapacity: number): Buffer {
  const builder = new RecordBatchBuilder(initialCapacity);
  for (const r of records) builder.append(r.timestamp, r.key, r.value, r.headers);
  expect(builder.recordCount).toBe(records.length);
  return builder.build();
}

describe('RecordBatchBuilder', () => {
  test('builds, record by record, the exact bytes the batch encoder writes, however small its buffer starts', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 4096 }),
        (records, initialCapacity) => {
          expect(built(records, initialCapacity)).toEqual(encodeRecordBatchSync(records));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('sizeInBytes counts the header and every record written so far', () => {
    const builder = new RecordBatchBuilder(16);
    expect(builder.sizeInBytes).toBe(61);
    builder.append(T, null, Buffer.alloc(100));
    builder.append(T + 1, Buffer.from('k'), Buffer.alloc(100));
    expect(builder.build()).toHaveLength(builder.sizeInBytes);
  });

  test('records without headers are written with a header count of 0', () => {
    const builder = new RecordBatchBuilder(256);
    builder.append(T, null, Buffer.from('v'));
    const batch = decodeRecordBatchSync(builder.build());
    expect(batch.records[0].headers).toEqual([]);
    expect(batch.records[0].value?.toString()).toBe('v');
  });

  test.each([
    CompressionCodec.Gzip,
    CompressionCodec.Snappy,
    CompressionCodec.Lz4,
    CompressionCodec.Zstd,
  ])(
    'codec %p: the records section is compressed and decodes to the records appended',
    async (codec) => {
      const builder = new RecordBatchBuilder(64);
      const values = Array.from({ length: 50 }, (_, i) => Buffer.from(`value ${i} `.repeat(5)));
      values.forEach((value, i) => builder.append(T + i, Buffer.from(`k${i}`), value));
      const batch = await builder.buildCompressed(codec);
      expect(readBatchHeader(batch).attributes & 0x07).toBe(codec);
      const decoded = await decodeRecordBatch(batch);
      expect(decoded.records.map((r) => r.value)).toEqual(values);
      expect(decoded.maxTimestamp).toBe(T + 49);
      expect(batch.length).toBeLessThan(builder.sizeInBytes);
    },
  );

  test('refuses what the batch encoder refuses, and building twice or appending after build', () => {
    expect(() => new RecordBatchBuilder(100).build()).toThrow(/at least one record/);
    const builder = new RecordBatchBuilder(100);
    expect(() => builder.append(1.5, null, null)).toThrow(/timestamp 1.5/);
    expect(() => builder.append(T, 'key' as unknown as Buffer, null)).toThrow(
      /record 0 key must be a Buffer or null/,
    );
    builder.append(T, null, null);
    builder.build();
    expect(() => builder.append(T, null, null)).toThrow(SamsaError);
    expect(() => builder.build()).toThrow(/already built/);
  });
});
