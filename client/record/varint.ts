/**
 * Zigzag variable-length integers as Kafka's record format uses them (the encoding of protocol
 * buffers' sint32/sint64): a signed value n is mapped to an unsigned one, (n << 1) ^ (n >> 63),
 * so that small magnitudes of either sign are small, and that is written little-endian in groups
 * of 7 bits, the high bit of each byte saying "more follows".
 *
 * - varint: a 32-bit value, at most 5 bytes (Kafka's ByteUtils.readVarint/writeVarint);
 * - varlong: a 64-bit value, at most 10 bytes; here limited to JavaScript's safe integers
 *   (|n| < 2^53), which covers every valid offset, timestamp and timestamp delta.
 *
 * Every read is bounds-checked: running past the end, a 6th varint byte, an 11th varlong byte or
 * a value that does not fit is a CORRUPT_MESSAGE error, never a silent wrap.
 */
import { KafkaError } from '../errors';

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

function corrupt(detail: string): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', detail);
}

/** Bytes that `writeVarint(value)` takes (value must be a 32-bit signed integer). */
export function sizeOfVarint(value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Bytes that `writeVarlong(value)` takes (value must be a safe integer). */
export function sizeOfVarlong(value: number): number {
  if (value >= INT32_MIN && value <= INT32_MAX) return sizeOfVarint(value);
  // Zigzag of a value beyond 32 bits: 2m + sign where m = value or -value - 1.
  let rest = Math.floor((value >= 0 ? value : -value - 1) / 64);
  let bytes = 1;
  while (rest > 0) {
    rest = Math.floor(rest / 128);
    bytes++;
  }
  return bytes;
}

/** Writes a zigzag varint at `offset` and returns the offset just after it. */
export function writeVarint(buf: Buffer, value: number, offset: number): number {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new RangeError(`varint out of range: ${value}`);
  }
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  let pos = offset;
  while (zigzag >= 0x80) {
    buf[pos++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buf[pos++] = zigzag;
  return pos;
}

/** Writes a zigzag varlong at `offset` and returns the offset just after it. */
export function writeVarlong(buf: Buffer, value: number, offset: number): number {
  if (value >= INT32_MIN && value <= INT32_MAX && Number.isInteger(value)) {
    return writeVarint(buf, value, offset);
  }
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong out of range: ${value}`);
  // zigzag = 2m + sign; its low 7 bits are the low 6 bits of m and the sign, the rest is m / 64.
  const negative = value < 0;
  const magnitude = negative ? -value - 1 : value;
  let pos = offset;
  let rest = Math.floor(magnitude / 64);
  let byte = (magnitude % 64) * 2 + (negative ? 1 : 0);
  while (rest > 0) {
    buf[pos++] = byte | 0x80;
    byte = rest % 128;
    rest = Math.floor(rest / 128);
  }
  buf[pos++] = byte;
  return pos;
}

/**
 * A bounds-checked cursor over `buf[start, end)`. Reads advance `pos`; any read past `end` throws
 * CORRUPT_MESSAGE naming what was being read, prefixed by `describe()` when set (called only when
 * an error is built, so a caller can name the record being read at no cost per record). `end` may
 * be narrowed to the extent of one item and widened again.
 */
export class ByteReader {
  pos: number;
  describe: (() => string) | undefined;

  constructor(
    readonly buf: Buffer,
    start = 0,
    public end = buf.length,
  ) {
    this.pos = start;
  }

  /** A CORRUPT_MESSAGE error for the current position, with the caller's description. */
  corrupt(detail: string): KafkaError {
    return corrupt(this.describe === undefined ? detail : `${this.describe()}: ${detail}`);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  readInt8(): number {
    if (this.pos >= this.end) throw this.corrupt('truncated: expected an int8');
    return this.buf.readInt8(this.pos++);
  }

  /** A zigzag varint (32-bit). */
  readVarint(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw this.corrupt('truncated varint');
      const byte = buf[pos++];
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return (result >>> 1) ^ -(result & 1);
      }
    }
    if (pos >= end) throw this.corrupt('truncated varint');
    const last = buf[pos++];
    if (last > 0x0f) throw this.corrupt('varint longer than 32 bits');
    result |= last << 28;
    this.pos = pos;
    return (result >>> 1) ^ -(result & 1);
  }

  /** A zigzag varlong, which must be a safe integer (|n| < 2^53). */
  readVarlong(): number {
    const { buf, end } = this;
    let pos = this.pos;
    // Fast path: the first four bytes (28 bits) decoded with integer arithmetic.
    let low = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) throw this.corrupt('truncated varlong');
      const byte = buf[pos++];
      low |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = pos;
        return (low >>> 1) ^ -(low & 1);
      }
    }
    // Slow path: beyond 28 bits, in floating point. The sign is bit 0 of the zigzag value; the
    // magnitude (zigzag >>> 1) is summed exactly as long as it stays below 2^53.
    const negative = (low & 1) === 1;
    let magnitude = low >>> 1;
    let scale = 0x800_0000; // 2^27: group 4 starts at zigzag bit 28, magnitude bit 27
    for (let index = 4; index < 10; index++) {
      if (pos >= end) throw this.corrupt('truncated varlong');
      const byte = buf[pos++];
      magnitude += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (magnitude > (negative ? Number.MAX_SAFE_INTEGER - 1 : Number.MAX_SAFE_INTEGER)) {
          throw this.corrupt('varlong beyond the safe integer range');
        }
        this.pos = pos;
        return negative ? -magnitude - 1 : magnitude;
      }
      scale *= 128;
    }
    throw this.corrupt('varlong longer than 10 bytes');
  }

  /** `length` raw bytes as a view (no copy). */
  readBytes(length: number, what: string): Buffer {
    if (length > this.end - this.pos) {
      throw this.corrupt(`truncated ${what}: needs ${length} bytes, ${this.end - this.pos} remain`);
    }
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }
}
