/**
 * A record batch built record by record as a producer appends them (Kafka's
 * MemoryRecordsBuilder): each record is written in its final RecordBatch v2 form (the record
 * layout is in record-batch.ts) the moment it is appended, so a batch waiting to be sent keeps
 * its records' bytes and nothing else per record. `build` then writes the 61-byte header and the
 * CRC-32C, compressing the records section first when the codec is not none.
 *
 * As with the batch encoder: offset deltas count from 0 (base offset 0, the broker assigns the
 * offsets), timestamp deltas from the first record's timestamp, the largest timestamp is the
 * batch's maxTimestamp, and there is no producer id, epoch or sequence (-1). The buffer is the one
 * given (e.g. from a pool) or a new one of the given capacity, and is replaced by one at least
 * twice as large whenever a record does not fit.
 */
import { CompressionCodec, RECORD_BATCH_OVERHEAD, writeBatchCrc } from './batch-header';
import { codecFromId, compress } from './compression';
import {
  RecordHeader,
  checkRecordFields,
  recordBodySize,
  writeRecord,
  writeRecordBatchHeader,
} from './record-batch';
import { sizeOfVarint } from './varint';
import { SamsaError } from '../errors';

const INT32_MAX = 0x7fff_ffff;
const NO_OPTIONS = {};

function invalid(detail: string): SamsaError {
  return new SamsaError(`cannot encode record batch: ${detail}`);
}

export class RecordBatchBuilder {
  private buf: Buffer;
  private pos = RECORD_BATCH_OVERHEAD;
  private count = 0;
  private built = false;
  /** The first record's timestamp and the largest one. */
  private readonly timestamps = { baseTimestamp: 0, maxTimestamp: 0 };

  /** Starts with `buffer` itself, or with a new buffer of `buffer` bytes. */
  constructor(buffer: Buffer | number) {
    this.buf =
      typeof buffer === 'number'
        ? Buffer.allocUnsafe(Math.max(RECORD_BATCH_OVERHEAD, Math.ceil(buffer)))
        : buffer;
  }

  /** The buffer the batch is written in (the last one, if it had to grow). */
  get buffer(): Buffer {
    return this.buf;
  }

  get recordCount(): number {
    return this.count;
  }

  /** Bytes of the uncompressed batch so far, header included. */
  get sizeInBytes(): number {
    return this.pos;
  }

  /**
   * Writes one record (timestamp in ms since the epoch, or -1; key, value and header values
   * Buffers or null); throws the encoder's SamsaError for a field it cannot write.
   */
  append(
    timestamp: number,
    key: Buffer | null | undefined,
    value: Buffer | null,
    headers?: readonly RecordHeader[],
  ): void {
    const index = this.count;
    if (this.built) throw invalid('the batch was already built');
    if (!Number.isSafeInteger(timestamp) || timestamp < -1) {
      throw invalid(`record ${index} has timestamp ${timestamp}, not an integer >= -1`);
    }
    checkRecordFields(key, value, headers, index);
    const timestamps = this.timestamps;
    if (index === 0) {
      timestamps.baseTimestamp = timestamp;
      timestamps.maxTimestamp = timestamp;
    } else if (timestamp > timestamps.maxTimestamp) {
      timestamps.maxTimestamp = timestamp;
    }
    const delta = timestamp - timestamps.baseTimestamp;
    const body = recordBodySize(delta, index, key, value, headers);
    if (body > INT32_MAX) throw invalid(`record ${index} is larger than 2 GiB`);
    const end = this.pos + sizeOfVarint(body) + body;
    if (end > this.buf.length) this.grow(end);
    this.pos = writeRecord(this.buf, this.pos, body, delta, index, key, value, headers);
    this.count = index + 1;
  }

  /** The finished uncompressed batch, CRC stamped (a view of the builder's buffer). */
  build(): Buffer {
    this.finish();
    const batch = this.buf.subarray(0, this.pos);
    writeRecordBatchHeader(batch, this.count, this.timestamps, CompressionCodec.None, NO_OPTIONS);
    writeBatchCrc(batch, 0, batch.length);
    return batch;
  }

  /** The finished batch with its records section compressed with `codec`, CRC stamped. */
  async buildCompressed(codec: CompressionCodec): Promise<Buffer> {
    if (codecFromId(codec) === CompressionCodec.None) return this.build();
    this.finish();
    const compressed = await compress(codec, this.buf.subarray(RECORD_BATCH_OVERHEAD, this.pos));
    const batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + compressed.length);
    compressed.copy(batch, RECORD_BATCH_OVERHEAD);
    writeRecordBatchHeader(batch, this.count, this.timestamps, codec, NO_OPTIONS);
    writeBatchCrc(batch, 0, batch.length);
    return batch;
  }

  private finish(): void {
    if (this.built) throw invalid('the batch was already built');
    if (this.count === 0) throw invalid('a batch needs at least one record');
    this.built = true;
  }

  private grow(needed: number): void {
    const next = Buffer.allocUnsafe(
      Math.max(needed, this.buf.length * 2, RECORD_BATCH_OVERHEAD * 2),
    );
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
