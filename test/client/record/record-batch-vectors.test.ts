/**
 * Byte vectors written out field by field from Kafka's published RecordBatch v2 layout
 * (DefaultRecordBatch / DefaultRecord), with the CRC-32C computed by an independent bitwise
 * implementation in this file. The encoder must produce exactly these bytes and the decoder must
 * read them back.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import {
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
} from '../../../client/record/record-batch';

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one bit at a time. */
function referenceCrc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function hex(...parts: string[]): Buffer {
  return Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
}

const T = 1_600_000_000_000; // 0x0000_0174_876e_8000

test('the reference CRC-32C gives the standard check value e3069283 for "123456789"', () => {
  expect(referenceCrc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  expect(nativeCrc32c(Buffer.from('123456789')) >>> 0).toBe(0xe3069283);
});

describe('one record with key, value and one header', () => {
  const record = hex(
    '28', // length varint: 20 bytes follow (zigzag 40)
    '00', // attributes
    '00', // timestampDelta varlong 0
    '00', // offsetDelta varint 0
    '06', // keyLength varint 3 (zigzag 6)
    '6b6579', // "key"
    '0a', // valueLength varint 5 (zigzag 10)
    '76616c7565', // "value"
    '02', // header count varint 1
    '04', // header key length 2
    '686b', // "hk"
    '04', // header value length 2
    '6876', // "hv"
  );
  const afterCrc = hex(
    '0000', // attributes: no compression, CreateTime, not transactional, not control
    '00000000', // lastOffsetDelta 0
    '00000174876e8000', // baseTimestamp
    '00000174876e8000', // maxTimestamp
    'ffffffffffffffff', // producerId -1
    'ffff', // producerEpoch -1
    'ffffffff', // baseSequence -1
    '00000001', // recordCount 1
  );
  const crc = 0x4fd1dc46;
  const expected = Buffer.concat([
    hex(
      '0000000000000000', // baseOffset 0
      '00000046', // batchLength 70 = 82 - 12
      'ffffffff', // partitionLeaderEpoch -1
      '02', // magic
      '4fd1dc46', // CRC-32C of everything after it
    ),
    afterCrc,
    record,
  ]);

  test('the hand-derived CRC is the CRC-32C of attributes..end', () => {
    expect(referenceCrc32c(Buffer.concat([afterCrc, record]))).toBe(crc);
    expect(expected.length).toBe(82);
  });

  const input = [
    {
      key: Buffer.from('key'),
      value: Buffer.from('value'),
      headers: [{ key: 'hk', value: Buffer.from('hv') }],
      timestamp: T,
    },
  ];

  test('encodeRecordBatchSync writes exactly these bytes', () => {
    expect(encodeRecordBatchSync(input).toString('hex')).toBe(expected.toString('hex'));
  });

  test('encodeRecordBatch (async, compression none) writes exactly these bytes', async () => {
    expect((await encodeRecordBatch(input)).toString('hex')).toBe(expected.toString('hex'));
  });

  test('decodeRecordBatch reads every header field and the record back', async () => {
    const batch = await decodeRecordBatch(expected);
    expect(batch).toMatchObject({
      baseOffset: 0,
      batchLength: 70,
      partitionLeaderEpoch: -1,
      magic: 2,
      crc,
      attributes: 0,
      lastOffsetDelta: 0,
      baseTimestamp: T,
      maxTimestamp: T,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 1,
      compression: 0,
      timestampType: 'CreateTime',
      isTransactional: false,
      isControl: false,
      sizeInBytes: 82,
      lastOffset: 0,
    });
    expect(batch.records).toEqual([
      {
        offset: 0,
        offsetDelta: 0,
        timestamp: T,
        timestampDelta: 0,
        attributes: 0,
        key: Buffer.from('key'),
        value: Buffer.from('value'),
        headers: [{ key: 'hk', value: Buffer.from('hv') }],
        sizeInBytes: 21,
        keySize: 3,
        valueSize: 5,
      },
    ]);
  });
});

describe('two records: null key, empty key, null value, negative timestamp delta, idempotent transactional header', () => {
  const records = hex(
    // record 0: offsetDelta 0, timestamp T, key null, value "a", no headers
    '0e', // length 7
    '00', // attributes
    '00', // timestampDelta 0
    '00', // offsetDelta 0
    '01', // keyLength -1 (null)
    '02', // valueLength 1
    '61', // "a"
    '00', // no headers
    // record 1: offsetDelta 1, timestamp T - 1000, key "" (empty), value null
    '0e', // length 7
    '00', // attributes
    'cf0f', // timestampDelta -1000 (zigzag 1999 = 0x7cf → cf 0f)
    '02', // offsetDelta 1
    '00', // keyLength 0
    '01', // valueLength -1 (null)
    '00', // no headers
  );
  const afterCrc = hex(
    '0010', // attributes: transactional (bit 4)
    '00000001', // lastOffsetDelta 1
    '00000174876e8000', // baseTimestamp = first record's
    '00000174876e8000', // maxTimestamp = largest
    '0000000000000007', // producerId 7
    '0001', // producerEpoch 1
    '00000000', // baseSequence 0
    '00000002', // recordCount 2
  );
  const expected = Buffer.concat([
    hex('0000000000000064', '00000041', '00000005', '02', '26540889'),
    afterCrc,
    records,
  ]);
  const options = {
    baseOffset: 100,
    partitionLeaderEpoch: 5,
    producerId: 7,
    producerEpoch: 1,
    baseSequence: 0,
    isTransactional: true,
  };
  const input = [
    { key: null, value: Buffer.from('a'), timestamp: T },
    { key: Buffer.alloc(0), value: null, timestamp: T - 1000 },
  ];

  test('the hand-derived CRC is the CRC-32C of attributes..end', () => {
    expect(referenceCrc32c(Buffer.concat([afterCrc, records]))).toBe(0x26540889);
  });

  test('the encoder writes exactly these bytes', () => {
    expect(encodeRecordBatchSync(input, options).toString('hex')).toBe(expected.toString('hex'));
  });

  test('the decoder gives absolute offsets and timestamps, nulls and empties', () => {
    const batch = decodeRecordBatchSync(expected);
    expect(batch.isTransactional).toBe(true);
    expect(batch.lastOffset).toBe(101);
    expect(
      batch.records.map((r) => [r.offset, r.timestamp, r.key, r.value, r.keySize, r.valueSize]),
    ).toEqual([
      [100, T, null, Buffer.from('a'), -1, 1],
      [101, T - 1000, Buffer.alloc(0), null, 0, -1],
    ]);
    expect(batch.records.map((r) => r.sizeInBytes)).toEqual([8, 8]);
  });

  test('with LogAppendTime every record reads the batch maxTimestamp', () => {
    const batch = encodeRecordBatchSync(input, {
      ...options,
      timestampType: 'LogAppendTime',
      now: () => T + 5000,
    });
    expect(batch.readInt16BE(21)).toBe(0x0018); // transactional | LogAppendTime
    const decoded = decodeRecordBatchSync(batch);
    expect(decoded.timestampType).toBe('LogAppendTime');
    expect(decoded.maxTimestamp).toBe(T + 5000);
    expect(decoded.records.map((r) => r.timestamp)).toEqual([T + 5000, T + 5000]);
  });
});
