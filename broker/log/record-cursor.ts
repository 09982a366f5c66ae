/**
 * Walking the records of one record batch without building an object per record: where each
 * record lies in the batch's (decompressed) records section, its offset and timestamp deltas, and
 * where its key is. The log cleaner and the compacted-topic key check read records this way; the
 * produce and fetch paths never read records at all.
 *
 * A record, as Kafka's DefaultRecord lays it out (client/record/record-batch.ts has the encoder):
 *
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint | key | valueLength varint | value | headerCount varint | headers
 *
 * Lengths of -1 mean a null key or value. Every read is bounds-checked: a record that runs past
 * its length or the section is CORRUPT_MESSAGE.
 */
import { KafkaError } from '../../client/errors';
import {
  COMPRESSION_CODEC_MASK,
  CompressionCodec,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
} from '../../client/record/batch-header';
import { codecFromId, decompress } from '../../client/record/compression';
import { ByteReader } from '../../client/record/varint';

/** The decompressed size the cleaner accepts for one batch (Kafka caps it by the buffers it has). */
export const MAX_RECORDS_SECTION_BYTES = 256 * 1024 * 1024;

/**
 * The records section of `batch` (one complete batch), decompressed when its codec is not none.
 * An empty section is never compressed (the empty batches Kafka's cleaner leaves are bare).
 */
export async function recordsSection(batch: Buffer, header: RecordBatchHeader): Promise<Buffer> {
  const section = batch.subarray(RECORD_BATCH_OVERHEAD);
  const codec = codecFromId(header.attributes & COMPRESSION_CODEC_MASK);
  if (codec === CompressionCodec.None || section.length === 0) return section;
  return decompress(codec, section, MAX_RECORDS_SECTION_BYTES);
}

/**
 * A cursor over the `count` records of a records section: `next()` moves to the next record and
 * fills the public fields, which stay valid until the following `next()`.
 */
export class RecordCursor {
  /** Byte range of the current record in `data`, its length varint included. */
  start = 0;
  end = 0;
  offsetDelta = 0;
  timestampDelta = 0;
  /** Where the key starts in `data`, and its length (-1 for a null key). */
  keyStart = 0;
  keyLength = -1;
  /** The value's length (-1 for a null value: a tombstone). */
  valueLength = -1;

  private readonly reader: ByteReader;
  private left: number;

  constructor(
    readonly data: Buffer,
    count: number,
    private readonly describe: () => string,
  ) {
    this.reader = new ByteReader(data);
    this.reader.describe = describe;
    this.left = count;
  }

  /** Moves to the next record; false after the last one (checking nothing is left over). */
  next(): boolean {
    const reader = this.reader;
    reader.end = this.data.length;
    if (this.left === 0) {
      if (reader.remaining !== 0) {
        throw new KafkaError(
          'CORRUPT_MESSAGE',
          `${this.describe()}: ${reader.remaining} bytes after the last record`,
        );
      }
      return false;
    }
    if (this.left < 0) throw reader.corrupt(`negative record count`);
    this.left--;
    this.start = reader.pos;
    const length = reader.readVarint();
    if (length < 0 || length > reader.remaining) {
      throw reader.corrupt(`record length ${length} with ${reader.remaining} bytes left`);
    }
    reader.end = reader.pos + length;
    reader.readInt8();
    this.timestampDelta = reader.readVarlong();
    this.offsetDelta = reader.readVarint();
    this.keyLength = this.skipBytes('key');
    this.keyStart = reader.pos - Math.max(this.keyLength, 0);
    this.valueLength = this.skipBytes('value');
    reader.pos = reader.end;
    this.end = reader.end;
    return true;
  }

  /** Reads a length and skips that many bytes; returns the length (-1 for null). */
  private skipBytes(what: string): number {
    const reader = this.reader;
    const length = reader.readVarint();
    if (length < -1) throw reader.corrupt(`negative ${what} length ${length}`);
    if (length > reader.remaining) {
      throw reader.corrupt(`truncated ${what}: needs ${length} bytes, ${reader.remaining} remain`);
    }
    if (length > 0) reader.pos += length;
    return length;
  }
}
