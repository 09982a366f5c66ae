import fc from 'fast-check';
import { KafkaError, SamsaError } from '../../../client/errors';
import {
  CompressionCodec,
  RECORD_BATCH_OVERHEAD,
  readBatchHeader,
  setBaseOffset,
  setPartitionLeaderEpoch,
  writeBatchCrc,
} from '../../../client/record/batch-header';
import {
  EncodeRecordBatchOptions,
  RecordInput,
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
} from '../../../client/record/record-batch';

const T = 1_600_000_000_000;
const CODECS = [
  CompressionCodec.None,
  CompressionCodec.Gzip,
  CompressionCodec.Snappy,
  CompressionCodec.Lz4,
  CompressionCodec.Zstd,
];

const bytes = fc.uint8Array({ maxLength: 200 }).map((u) => Buffer.from(u));
const nullableBytes = fc.option(bytes, { nil: null });
const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(bytes, { nil: null }),
  value: nullableBytes,
  headers: fc.array(
    fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 20 }), value: nullableBytes }),
    {
      maxLength: 4,
    },
  ),
  timestamp: fc.integer({ min: 0, max: 2 * T }),
});
const optionsArb: fc.Arbitrary<EncodeRecordBatchOptions> = fc.record({
  baseOffset: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1000 }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 0x7fffffff }),
  producerId: fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
  producerEpoch: fc.integer({ min: -1, max: 0x7fff }),
  baseSequence: fc.integer({ min: -1, max: 0x7fffffff }),
  isTransactional: fc.boolean(),
  isControl: fc.boolean(),
});

async function rejection(promise: Promise<unknown>): Promise<KafkaError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaError);
    return error as KafkaError;
  }
  throw new Error('expected a rejection');
}

function syncError(run: () => unknown): KafkaError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KafkaError);
    return error as KafkaError;
  }
  throw new Error('expected an error');
}

describe('encode → decode round trip', () => {
  test.each(CODECS)(
    'codec %d: random records and header fields come back unchanged',
    async (codec) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { minLength: 1, maxLength: 12 }),
          optionsArb,
          async (records, options) => {
            const batch = await encodeRecordBatch(records, { ...options, compression: codec });
            const decoded = await decodeRecordBatch(batch);
            expect(decoded.compression).toBe(codec);
            expect(decoded.magic).toBe(2);
            expect(decoded.sizeInBytes).toBe(batch.length);
            expect(decoded.baseOffset).toBe(options.baseOffset);
            expect(decoded.partitionLeaderEpoch).toBe(options.partitionLeaderEpoch);
            expect(decoded.producerId).toBe(options.producerId);
            expect(decoded.producerEpoch).toBe(options.producerEpoch);
            expect(decoded.baseSequence).toBe(options.baseSequence);
            expect(decoded.isTransactional).toBe(options.isTransactional);
            expect(decoded.isControl).toBe(options.isControl);
            expect(decoded.recordCount).toBe(records.length);
            expect(decoded.lastOffset).toBe((options.baseOffset ?? 0) + records.length - 1);
            expect(decoded.baseTimestamp).toBe(records[0].timestamp);
            expect(decoded.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp ?? 0)));
            expect(
              decoded.records.map((r) => ({
                offset: r.offset,
                timestamp: r.timestamp,
                key: r.key,
                value: r.value,
                headers: r.headers,
              })),
            ).toEqual(
              records.map((r, i) => ({
                offset: (options.baseOffset ?? 0) + i,
                timestamp: r.timestamp,
                key: r.key,
                value: r.value,
                headers: r.headers,
              })),
            );
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  test('uncompressed: record sizes add up to the records section and key/value sizes are reported', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 20 }), (records) => {
        const batch = encodeRecordBatchSync(records);
        const decoded = decodeRecordBatchSync(batch);
        const total = decoded.records.reduce((sum, r) => sum + r.sizeInBytes, 0);
        expect(total).toBe(batch.length - RECORD_BATCH_OVERHEAD);
        decoded.records.forEach((r, i) => {
          expect(r.keySize).toBe(records[i].key == null ? -1 : records[i].key!.length);
          expect(r.valueSize).toBe(records[i].value === null ? -1 : records[i].value!.length);
        });
      }),
      { numRuns: 200 },
    );
  });

  test('records without a timestamp take the clock once; maxTimestamp is the largest', () => {
    let calls = 0;
    const batch = encodeRecordBatchSync(
      [{ value: Buffer.from('a') }, { value: Buffer.from('b'), timestamp: T + 9 }, { value: null }],
      { now: () => (calls++, T) },
    );
    expect(calls).toBe(1);
    const decoded = decodeRecordBatchSync(batch);
    expect(decoded.records.map((r) => r.timestamp)).toEqual([T, T + 9, T]);
    expect(decoded.maxTimestamp).toBe(T + 9);
  });

  test('a big record (1 MiB value, multi-byte length varints) round-trips with every codec', async () => {
    const value = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
    for (const compression of CODECS) {
      const batch = await encodeRecordBatch([{ key: Buffer.from('k'), value }], { compression });
      const decoded = await decodeRecordBatch(batch);
      expect(decoded.records[0].value!.equals(value)).toBe(true);
    }
  });

  test('the broker may rewrite baseOffset and partitionLeaderEpoch without touching the CRC', async () => {
    const batch = await encodeRecordBatch(
      [{ value: Buffer.from('x') }, { value: Buffer.from('y') }],
      {
        compression: CompressionCodec.Lz4,
      },
    );
    setBaseOffset(batch, 0, 123_456_789_012);
    setPartitionLeaderEpoch(batch, 0, 42);
    const decoded = await decodeRecordBatch(batch);
    expect(decoded.partitionLeaderEpoch).toBe(42);
    expect(decoded.records.map((r) => r.offset)).toEqual([123_456_789_012, 123_456_789_013]);
  });
});

describe('corruption is detected', () => {
  test.each(CODECS)(
    'codec %d: flipping any bit from magic onward (CRC included) → CORRUPT_MESSAGE',
    async (codec) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(recordArb, { minLength: 1, maxLength: 4 }),
          fc.nat(),
          fc.integer({ min: 0, max: 7 }),
          async (records, where, bit) => {
            const batch = await encodeRecordBatch(records, { compression: codec });
            const byte = 16 + (where % (batch.length - 16));
            batch[byte] ^= 1 << bit;
            const error = await rejection(decodeRecordBatch(batch));
            expect(error.type).toBe('CORRUPT_MESSAGE');
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  test('every single-bit flip of one small batch outside baseOffset and leader epoch is caught', () => {
    const batch = encodeRecordBatchSync([
      {
        key: Buffer.from('key'),
        value: Buffer.from('value'),
        headers: [{ key: 'h', value: null }],
      },
    ]);
    for (let byte = 8; byte < batch.length; byte++) {
      if (byte >= 12 && byte < 16) continue; // partitionLeaderEpoch: rewritable, outside the CRC
      for (let bit = 0; bit < 8; bit++) {
        const copy = Buffer.from(batch);
        copy[byte] ^= 1 << bit;
        expect(syncError(() => decodeRecordBatchSync(copy)).type).toBe('CORRUPT_MESSAGE');
      }
    }
  });

  test('every truncation of a batch → CORRUPT_MESSAGE', async () => {
    for (const compression of CODECS) {
      const batch = await encodeRecordBatch(
        [
          { key: Buffer.from('k1'), value: Buffer.from('v'.repeat(300)) },
          { value: Buffer.from('second') },
        ],
        { compression },
      );
      for (let length = 0; length < batch.length; length++) {
        const error = await rejection(decodeRecordBatch(batch.subarray(0, length)));
        expect(error.type).toBe('CORRUPT_MESSAGE');
        expect(error.message).toMatch(/truncated/);
      }
    }
  });

  test('bytes after the batch are refused (one batch per call)', async () => {
    const batch = encodeRecordBatchSync([{ value: Buffer.from('a') }]);
    const error = await rejection(decodeRecordBatch(Buffer.concat([batch, Buffer.from([0])])));
    expect(error.message).toMatch(/batchLength says 69 bytes but the buffer holds 70/);
  });

  test('a CRC mismatch is reported as such; verifyCrc: false skips only that check', async () => {
    const batch = encodeRecordBatchSync([{ value: Buffer.from('abc') }]);
    batch[batch.length - 3] ^= 0x01; // "abc" → "acc"
    expect((await rejection(decodeRecordBatch(batch))).message).toMatch(/CRC mismatch/);
    const unchecked = await decodeRecordBatch(batch, { verifyCrc: false });
    expect(unchecked.records[0].value!.toString()).toBe('acc');
  });

  test('magic other than 2 is refused', () => {
    const batch = encodeRecordBatchSync([{ value: Buffer.from('a') }]);
    batch[16] = 1;
    expect(syncError(() => decodeRecordBatchSync(batch)).message).toMatch(/unsupported magic 1/);
  });
});

/**
 * Internally inconsistent batches with a valid CRC (as a buggy or hostile producer could send):
 * each is built from a good one by rewriting its records section and restamping the CRC.
 */
describe('inconsistent batches with a valid CRC → CORRUPT_MESSAGE naming the problem', () => {
  const T0 = '0000'; // attributes .. the rest of the header is rebuilt by forge()
  function forge(recordsHex: string, recordCount: number): Buffer {
    const section = Buffer.from(recordsHex.replace(/\s+/g, ''), 'hex');
    const batch = Buffer.alloc(RECORD_BATCH_OVERHEAD + section.length);
    batch.writeInt32BE(batch.length - 12, 8);
    batch.writeInt32BE(-1, 12);
    batch.writeInt8(2, 16);
    batch.write(T0, 21, 'hex');
    batch.writeInt32BE(recordCount - 1, 23);
    batch.writeInt32BE(-1, 43);
    batch.writeInt32BE(-1, 47);
    batch.writeInt16BE(-1, 51);
    batch.writeInt32BE(-1, 53);
    batch.writeInt32BE(recordCount, 57);
    section.copy(batch, RECORD_BATCH_OVERHEAD);
    writeBatchCrc(batch, 0, batch.length);
    return batch;
  }
  const good = '0e 00 00 00 01 02 61 00'; // null key, value "a", no headers

  test('the forged good batch decodes (control case)', () => {
    expect(decodeRecordBatchSync(forge(good, 1)).records[0].value!.toString()).toBe('a');
  });

  test.each([
    [
      'record count larger than the records present',
      forge('1e 00 00 00 01 12 616161616161616161 00', 2),
      /record 1 of 2: truncated varint/,
    ],
    [
      'record count smaller than the records present',
      forge(good + good, 1),
      /8 bytes after its 1 records/,
    ],
    ['a count no section could hold', forge(good, 1000), /cannot hold the 1000 records/],
    ['negative record count', forge(good, -1), /negative record count -1/],
    [
      'record length longer than the section',
      forge('20 00 00 00 01 02 61 00', 1),
      /record length 16 exceeds the 7 bytes left/,
    ],
    [
      'record length shorter than its fields',
      forge('0c 00 00 00 01 02 61 00 00', 1),
      /record 0 of 1: truncated varint/,
    ],
    [
      'record length longer than its fields',
      forge('10 00 00 00 01 02 61 00 00', 1),
      /record length 8 but its fields end 1 bytes earlier/,
    ],
    ['negative record length', forge('01 00 00 00 01 02 61 00', 1), /negative record length -1/],
    ['key length -2', forge('0e 00 00 00 03 02 61 00', 1), /negative key length -2/],
    ['value running past the record', forge('0e 00 00 00 01 08 61 00', 1), /truncated value/],
    [
      'a varint longer than 5 bytes',
      forge('0e 00 00 ff ff ff ff ff 01', 1),
      /varint longer than 32 bits/,
    ],
    ['negative header count', forge('0e 00 00 00 01 02 61 01', 1), /negative header count -1/],
    [
      'header count beyond the record',
      forge('0e 00 00 00 01 02 61 7e', 1),
      /63 headers cannot fit/,
    ],
    [
      'negative header key length',
      forge('12 00 00 00 01 02 61 02 01 00', 1),
      /negative header key length -1/,
    ],
  ])('%s', (_name, batch, message) => {
    const error = syncError(() => decodeRecordBatchSync(batch));
    expect(error.type).toBe('CORRUPT_MESSAGE');
    expect(error.message).toMatch(message);
  });

  test('errors inside a record name the batch and the record', () => {
    const error = syncError(() =>
      decodeRecordBatchSync(forge(good + '0e 00 00 00 03 02 61 00', 2)),
    );
    expect(error.message).toBe(
      'CORRUPT_MESSAGE: batch at offset 0, record 1 of 2: negative key length -2',
    );
  });
});

test('an empty batch left by compaction (no records, empty section) decodes whatever its codec bits', async () => {
  for (const codec of CODECS) {
    const batch = Buffer.alloc(RECORD_BATCH_OVERHEAD);
    batch.writeInt32BE(RECORD_BATCH_OVERHEAD - 12, 8);
    batch.writeInt8(2, 16);
    batch.writeInt16BE(codec, 21);
    batch.writeInt32BE(4, 23); // lastOffsetDelta kept from the compacted records
    writeBatchCrc(batch, 0, batch.length);
    const decoded = await decodeRecordBatch(batch);
    expect(decoded.records).toEqual([]);
    expect(decoded.lastOffset).toBe(4);
  }
});

describe('encoder input checks', () => {
  test('an empty batch, a bad timestamp or out-of-range header fields are refused', async () => {
    expect(() => encodeRecordBatchSync([])).toThrow(SamsaError);
    expect(() => encodeRecordBatchSync([])).toThrow(/at least one record/);
    expect(() => encodeRecordBatchSync([{ value: null, timestamp: 1.5 }])).toThrow(/timestamp 1.5/);
    expect(() => encodeRecordBatchSync([{ value: null }], { baseOffset: -1 })).toThrow(
      /baseOffset -1/,
    );
    expect(() => encodeRecordBatchSync([{ value: null }], { producerEpoch: 40000 })).toThrow(
      /producerEpoch/,
    );
    await expect(
      encodeRecordBatch([{ value: null }], { compression: 6 as CompressionCodec }),
    ).rejects.toThrow(/UNSUPPORTED_COMPRESSION_TYPE/);
  });

  test('keys, values and header values must be Buffers; timestamps integers >= -1', () => {
    const bad = (record: unknown) => () => encodeRecordBatchSync([record as RecordInput]);
    expect(bad({ value: 'text' })).toThrow(/record 0 value must be a Buffer or null/);
    expect(bad({ key: [1, 2], value: null })).toThrow(/record 0 key must be a Buffer or null/);
    expect(bad({ value: null, headers: [{ key: 'h', value: 'v' }] })).toThrow(
      /record 0 header h value must be a Buffer or null/,
    );
    expect(bad({ value: null, headers: [{ value: null }] })).toThrow(/header without a key/);
    expect(bad({ value: null, timestamp: -2 })).toThrow(/timestamp -2, not an integer >= -1/);
    expect(
      decodeRecordBatchSync(encodeRecordBatchSync([{ value: null, timestamp: -1 }])).records[0]
        .timestamp,
    ).toBe(-1);
  });

  test('the sync encoder and decoder refuse compressed batches, pointing at the async ones', async () => {
    expect(() =>
      encodeRecordBatchSync([{ value: null }], { compression: CompressionCodec.Gzip }),
    ).toThrow(/use encodeRecordBatch/);
    const gz = await encodeRecordBatch([{ value: null }], { compression: CompressionCodec.Gzip });
    expect(() => decodeRecordBatchSync(gz)).toThrow(/use decodeRecordBatch/);
  });

  test('header fields written by the encoder match batch-header.ts readers', () => {
    const batch = encodeRecordBatchSync([{ value: Buffer.from('a'), timestamp: T }], {
      baseOffset: 5,
      producerId: 2 ** 40,
      isControl: true,
    });
    const header = readBatchHeader(batch);
    expect(header).toMatchObject({
      baseOffset: 5,
      producerId: 2 ** 40,
      attributes: 0x20,
      recordCount: 1,
    });
  });
});
