import fc from 'fast-check';
import { KafkaError } from '../../../client/errors';
import {
  ByteReader,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from '../../../client/record/varint';

/** Independent reference: zigzag with BigInt, then 7-bit groups, low group first. */
function referenceZigzag(value: number, bits: 32n | 64n): Buffer {
  const n = BigInt(value);
  let z = BigInt.asUintN(Number(bits), (n << 1n) ^ (n >> (bits - 1n)));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return Buffer.from(out);
}

function encodeVarint(value: number): Buffer {
  const buf = Buffer.alloc(5);
  return buf.subarray(0, writeVarint(buf, value, 0));
}

function encodeVarlong(value: number): Buffer {
  const buf = Buffer.alloc(10);
  return buf.subarray(0, writeVarlong(buf, value, 0));
}

function expectCorrupt(read: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KafkaError);
  expect((caught as KafkaError).type).toBe('CORRUPT_MESSAGE');
  expect((caught as KafkaError).message).toMatch(message);
}

describe('zigzag varint (32-bit)', () => {
  test.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [-65, '8101'],
    [8191, 'fe7f'],
    [-8192, 'ff7f'],
    [8192, '808001'],
    [0x7fffffff, 'feffffff0f'],
    [-0x80000000, 'ffffffff0f'],
  ])('%d encodes as %s (the protobuf sint32 bytes Kafka uses) and decodes back', (value, hex) => {
    const bytes = encodeVarint(value);
    expect(bytes.toString('hex')).toBe(hex);
    expect(sizeOfVarint(value)).toBe(bytes.length);
    const reader = new ByteReader(bytes);
    expect(reader.readVarint()).toBe(value);
    expect(reader.remaining).toBe(0);
  });

  test('every 32-bit integer round-trips and matches a BigInt reference encoding', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (value) => {
        const bytes = encodeVarint(value);
        expect(bytes).toEqual(referenceZigzag(value, 32n));
        expect(sizeOfVarint(value)).toBe(bytes.length);
        expect(new ByteReader(bytes).readVarint()).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });

  test('a value outside 32 bits is refused when writing', () => {
    expect(() => encodeVarint(0x80000000)).toThrow(RangeError);
    expect(() => encodeVarint(1.5)).toThrow(RangeError);
  });

  test('a truncated varint is CORRUPT_MESSAGE', () => {
    expectCorrupt(() => new ByteReader(Buffer.from([0x80, 0x80])).readVarint(), /truncated varint/);
    expectCorrupt(() => new ByteReader(Buffer.alloc(0)).readVarint(), /truncated varint/);
  });

  test('a 6-byte varint or a 5th byte with bits beyond 32 is CORRUPT_MESSAGE', () => {
    expectCorrupt(
      () => new ByteReader(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).readVarint(),
      /longer than 32 bits/,
    );
    expectCorrupt(
      () => new ByteReader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f])).readVarint(),
      /longer than 32 bits/,
    );
  });

  test('reads stop at the reader end, not the buffer end', () => {
    const reader = new ByteReader(Buffer.from([0x80, 0x01]), 0, 1);
    expectCorrupt(() => reader.readVarint(), /truncated varint/);
  });

  test('errors carry the caller description', () => {
    const reader = new ByteReader(Buffer.from([0x80]));
    reader.describe = () => 'record 7';
    expectCorrupt(() => reader.readVarint(), /record 7: truncated varint/);
  });
});

describe('zigzag varlong (64-bit, safe-integer range)', () => {
  test.each([
    [0, '00'],
    [-1, '01'],
    [2147483647, 'feffffff0f'],
    [2147483648, '8080808010'],
    [-2147483649, '8180808010'],
    [1_600_000_000_000, '8080f4f6905d'],
    [Number.MAX_SAFE_INTEGER, 'feffffffffffff1f'],
    [Number.MIN_SAFE_INTEGER, 'fdffffffffffff1f'],
  ])('%d encodes as %s and decodes back', (value, hex) => {
    const bytes = encodeVarlong(value);
    expect(bytes).toEqual(referenceZigzag(value, 64n));
    expect(bytes.toString('hex')).toBe(hex);
    expect(sizeOfVarlong(value)).toBe(bytes.length);
    const reader = new ByteReader(bytes);
    expect(reader.readVarlong()).toBe(value);
    expect(reader.remaining).toBe(0);
  });

  test('every safe integer round-trips and matches a BigInt reference encoding', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: -0x1_0000_0000, max: 0x1_0000_0000 }),
          fc.integer({ min: -300, max: 300 }),
        ),
        (value) => {
          const bytes = encodeVarlong(value);
          expect(bytes).toEqual(referenceZigzag(value, 64n));
          expect(sizeOfVarlong(value)).toBe(bytes.length);
          expect(new ByteReader(bytes).readVarlong()).toBe(value);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('a value beyond 2^53 is refused when writing and when reading', () => {
    expect(() => encodeVarlong(2 ** 53)).toThrow(RangeError);
    // Long.MAX_VALUE as Kafka would write it: valid Kafka bytes, but not a safe integer here.
    const bytes = Buffer.from('feffffffffffffffff01', 'hex');
    expectCorrupt(() => new ByteReader(bytes).readVarlong(), /beyond the safe integer range/);
    expectCorrupt(
      () => new ByteReader(Buffer.from('80808080808080808010', 'hex')).readVarlong(),
      /beyond the safe integer range/,
    );
  });

  test('+2^53 and -2^53 (one past the safe range) are refused when reading', () => {
    const twoPow53 = Buffer.from('8080808080808020', 'hex'); // zigzag 2^54 = +2^53
    expectCorrupt(() => new ByteReader(twoPow53).readVarlong(), /safe integer range/);
    const minusTwoPow53 = Buffer.from('ffffffffffffff1f', 'hex'); // zigzag 2^54 - 1 = -2^53
    expectCorrupt(() => new ByteReader(minusTwoPow53).readVarlong(), /safe integer range/);
  });

  test('an 11-byte or truncated varlong is CORRUPT_MESSAGE', () => {
    expectCorrupt(
      () => new ByteReader(Buffer.from('8080808080808080808001', 'hex')).readVarlong(),
      /longer than 10 bytes/,
    );
    expectCorrupt(() => new ByteReader(Buffer.from('8080', 'hex')).readVarlong(), /truncated/);
    expectCorrupt(
      () => new ByteReader(Buffer.from('8080808080', 'hex')).readVarlong(),
      /truncated/,
    );
  });
});

describe('ByteReader.readBytes', () => {
  test('returns a view of exactly the requested bytes and refuses to run past the end', () => {
    const buf = Buffer.from('abcdef');
    const reader = new ByteReader(buf, 1, 4);
    expect(reader.readBytes(2, 'key').toString()).toBe('bc');
    expectCorrupt(() => reader.readBytes(2, 'value'), /truncated value: needs 2 bytes, 1 remain/);
  });
});
