/**
 * Reading and writing Kafka's classic (non-flexible) schema types, the encoding of the
 * `__consumer_offsets` record keys and values (group-records.ts). All integers are big-endian:
 *
 *   int16 / int32 / int64   2 / 4 / 8 bytes, two's complement
 *   string                  int16 length N (N >= 0), then N bytes of UTF-8
 *   nullable string         as string; length -1 and no bytes for null
 *   bytes                   int32 length N (N >= 0), then N bytes
 *   array                   int32 count, then the elements
 *
 * Every length is checked against the bytes that remain before anything is read; a value that
 * does not fit is CORRUPT_MESSAGE naming what was being read.
 */
import { KafkaError } from '../../../client/errors';
import { readInt64, writeInt64 } from '../../../client/record/batch-header';

const INT16_MAX = 0x7fff;

/** Builds one schema-encoded value in a buffer that grows as needed. */
export class SchemaWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 128) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  int16(value: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(value, this.pos);
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(value, this.pos);
    return this;
  }

  int64(value: number): this {
    this.ensure(8);
    writeInt64(this.buf, value, this.pos);
    this.pos += 8;
    return this;
  }

  string(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    if (length > INT16_MAX) {
      throw new RangeError(`a string of ${length} UTF-8 bytes does not fit an int16 length`);
    }
    this.int16(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
    return this;
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  bytes(value: Uint8Array): this {
    this.int32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** The bytes written (a copy sized exactly). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

/** Reads schema-encoded fields from a buffer, checking every length against what remains. */
export class SchemaReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  private need(bytes: number, field: string): void {
    if (bytes < 0 || this.pos + bytes > this.buf.length) {
      throw new KafkaError(
        'CORRUPT_MESSAGE',
        `${this.what}: ${field} needs ${bytes} bytes at position ${this.pos}, ${this.buf.length - this.pos} remain`,
      );
    }
  }

  int16(field: string): number {
    this.need(2, field);
    const value = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  int32(field: string): number {
    this.need(4, field);
    const value = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  int64(field: string): number {
    this.need(8, field);
    const value = readInt64(this.buf, this.pos);
    this.pos += 8;
    return value;
  }

  string(field: string): string {
    const value = this.nullableString(field);
    if (value === null) {
      throw new KafkaError('CORRUPT_MESSAGE', `${this.what}: ${field} is null`);
    }
    return value;
  }

  nullableString(field: string): string | null {
    const length = this.int16(field);
    if (length === -1) return null;
    this.need(length, field);
    const value = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** A copy of the bytes (the source may be a view into a larger read buffer). */
  bytes(field: string): Buffer {
    const length = this.int32(field);
    this.need(length, field);
    const value = Buffer.from(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return value;
  }

  /** An array count, checked against the smallest possible element size. */
  arrayLength(field: string, minElementBytes: number): number {
    const count = this.int32(field);
    this.need(count * minElementBytes, field);
    return count;
  }
}
