/**
 * Encoding and decoding of whole Kafka RecordBatch v2 batches: the 61-byte header (laid out in
 * batch-header.ts) followed by the records section, compressed as a whole when the batch's codec
 * is not none. This is client-side work (producer, consumer, dump-log, tests); the broker only
 * validates headers (batch-validation.ts) and never decodes records on its hot paths.
 *
 * One record, as Kafka's DefaultRecord writes it (varint/varlong are zigzag, see varint.ts):
 *
 *   length          varint   bytes of the record after this field
 *   attributes      int8     unused, 0
 *   timestampDelta  varlong  timestamp - batch baseTimestamp
 *   offsetDelta     varint   offset - batch baseOffset
 *   keyLength       varint   -1 for a null key
 *   key             bytes
 *   valueLength     varint   -1 for a null value
 *   value           bytes
 *   headerCount     varint
 *   headers         headerCount times:
 *     headerKeyLength    varint  (never negative)
 *     headerKey          UTF-8
 *     headerValueLength  varint  -1 for a null value
 *     headerValue        bytes
 *
 * The encoder numbers records 0..n-1 (offsetDelta), takes the first record's timestamp as
 * baseTimestamp and the largest as maxTimestamp (the append time with LogAppendTime), and stamps
 * the CRC-32C over attributes..end last. Decoded keys, values and header values are views into
 * the batch buffer (uncompressed) or the decompressed buffer, not copies.
 */
import { KafkaError, SamsaError } from '../errors';
import {
  ATTRIBUTES_OFFSET,
  CONTROL_FLAG_MASK,
  COMPRESSION_CODEC_MASK,
  CURRENT_MAGIC,
  CompressionCodec,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchHeader,
  TIMESTAMP_TYPE_MASK,
  TRANSACTIONAL_FLAG_MASK,
  isBatchCrcValid,
  readBatchHeader,
  writeBatchCrc,
  writeInt64,
} from './batch-header';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, codecFromId, compress, decompress } from './compression';
import { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface RecordInput {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  /** Milliseconds since the epoch; defaults to `now()`. */
  timestamp?: number;
}

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface EncodeRecordBatchOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  compression?: CompressionCodec;
  timestampType?: TimestampType;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /** Clock for records without a timestamp and for LogAppendTime; defaults to Date.now. */
  now?: () => number;
}

export interface DecodeRecordBatchOptions {
  /** Cap on the decompressed records section (default 64 MiB). */
  maxDecompressedBytes?: number;
  /** Check the CRC-32C before anything else (default true). */
  verifyCrc?: boolean;
}

export interface DecodedRecord {
  /** baseOffset + offsetDelta. */
  offset: number;
  offsetDelta: number;
  /** baseTimestamp + timestampDelta, or the batch's maxTimestamp with LogAppendTime. */
  timestamp: number;
  timestampDelta: number;
  attributes: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** Bytes the record takes in the (decompressed) records section, its length varint included. */
  sizeInBytes: number;
  /** Key length, -1 when null. */
  keySize: number;
  /** Value length, -1 when null. */
  valueSize: number;
}

export interface DecodedRecordBatch extends RecordBatchHeader {
  compression: CompressionCodec;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  /** Total bytes of the batch (12 + batchLength). */
  sizeInBytes: number;
  /** baseOffset + lastOffsetDelta. */
  lastOffset: number;
  records: DecodedRecord[];
}

/** Smallest possible record: seven one-byte fields (length .. header count). */
const MIN_RECORD_SIZE = 7;
const INT32_MAX = 0x7fff_ffff;

/** Sizes worked out before anything is written, so the batch is allocated once. */
interface RecordsPlan {
  timestamps: number[];
  bodySizes: number[];
  baseTimestamp: number;
  maxTimestamp: number;
  size: number;
}

function invalid(detail: string): SamsaError {
  return new SamsaError(`cannot encode record batch: ${detail}`);
}

function bytesSize(value: Buffer | null | undefined): number {
  return value === null || value === undefined
    ? sizeOfVarint(-1)
    : sizeOfVarint(value.length) + value.length;
}

function checkBytes(value: unknown, index: number, what: string): void {
  if (value !== null && value !== undefined && !Buffer.isBuffer(value)) {
    throw invalid(`record ${index} ${what} must be a Buffer or null`);
  }
}

/** Throws the encoder's error for a key, value or header that cannot be written. */
export function checkRecordFields(
  key: unknown,
  value: unknown,
  headers: readonly RecordHeader[] | undefined,
  index: number,
): void {
  checkBytes(key, index, 'key');
  checkBytes(value, index, 'value');
  if (headers === undefined) return;
  for (const header of headers) {
    if (typeof header.key !== 'string') {
      throw invalid(`record ${index} has a header without a key`);
    }
    checkBytes(header.value, index, `header ${header.key} value`);
  }
}

/**
 * Bytes of one record after its length varint (attributes .. headers), for checked fields;
 * the whole record takes sizeOfVarint(body) + body.
 */
export function recordBodySize(
  timestampDelta: number,
  offsetDelta: number,
  key: Buffer | null | undefined,
  value: Buffer | null,
  headers: readonly RecordHeader[] | undefined,
): number {
  let body =
    1 +
    sizeOfVarlong(timestampDelta) +
    sizeOfVarint(offsetDelta) +
    bytesSize(key) +
    bytesSize(value);
  if (headers === undefined) return body + 1;
  body += sizeOfVarint(headers.length);
  for (const header of headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    body += sizeOfVarint(keyLength) + keyLength + bytesSize(header.value);
  }
  return body;
}

/** Writes one record whose body takes `body` bytes at `pos`; returns the offset after it. */
export function writeRecord(
  buf: Buffer,
  pos: number,
  body: number,
  timestampDelta: number,
  offsetDelta: number,
  key: Buffer | null | undefined,
  value: Buffer | null,
  headers: readonly RecordHeader[] | undefined,
): number {
  pos = writeVarint(buf, body, pos);
  buf[pos++] = 0;
  pos = writeVarlong(buf, timestampDelta, pos);
  pos = writeVarint(buf, offsetDelta, pos);
  pos = writeBytes(buf, key, pos);
  pos = writeBytes(buf, value, pos);
  if (headers === undefined) {
    buf[pos++] = 0;
    return pos;
  }
  pos = writeVarint(buf, headers.length, pos);
  for (const header of headers) {
    const keyLength = Buffer.byteLength(header.key, 'utf8');
    pos = writeVarint(buf, keyLength, pos);
    pos += buf.write(header.key, pos, keyLength, 'utf8');
    pos = writeBytes(buf, header.value, pos);
  }
  return pos;
}

function planRecords(records: readonly RecordInput[], now: () => number): RecordsPlan {
  if (records.length === 0) throw invalid('a batch needs at least one record');
  const timestamps = new Array<number>(records.length);
  const bodySizes = new Array<number>(records.length);
  let clock: number | undefined;
  for (let index = 0; index < records.length; index++) {
    const timestamp = records[index].timestamp ?? (clock ??= now());
    if (!Number.isSafeInteger(timestamp) || timestamp < -1) {
      throw invalid(`record ${index} has timestamp ${timestamp}, not an integer >= -1`);
    }
    timestamps[index] = timestamp;
  }
  const baseTimestamp = timestamps[0];
  let maxTimestamp = baseTimestamp;
  let size = 0;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    const timestamp = timestamps[index];
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    checkRecordFields(record.key, record.value, record.headers, index);
    const body = recordBodySize(
      timestamp - baseTimestamp,
      index,
      record.key,
      record.value,
      record.headers,
    );
    if (body > INT32_MAX) throw invalid(`record ${index} is larger than 2 GiB`);
    bodySizes[index] = body;
    size += sizeOfVarint(body) + body;
  }
  return { timestamps, bodySizes, baseTimestamp, maxTimestamp, size };
}

function writeBytes(buf: Buffer, value: Buffer | null | undefined, pos: number): number {
  if (value === null || value === undefined) return writeVarint(buf, -1, pos);
  const at = writeVarint(buf, value.length, pos);
  return at + value.copy(buf, at);
}

function writeRecords(
  records: readonly RecordInput[],
  plan: RecordsPlan,
  buf: Buffer,
  start: number,
): void {
  let pos = start;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    pos = writeRecord(
      buf,
      pos,
      plan.bodySizes[index],
      plan.timestamps[index] - plan.baseTimestamp,
      index,
      record.key,
      record.value,
      record.headers,
    );
  }
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${name} ${value} is outside [${min}, ${max}]`);
  }
  return value;
}

/**
 * Writes the 61-byte header of a batch of `count` records that fills `buf` into `buf[0, 61)`,
 * the CRC left for last (writeBatchCrc once the records section is in place).
 */
export function writeRecordBatchHeader(
  buf: Buffer,
  count: number,
  timestamps: { readonly baseTimestamp: number; readonly maxTimestamp: number },
  codec: CompressionCodec,
  options: EncodeRecordBatchOptions,
  now: () => number = Date.now,
): void {
  const logAppendTime = options.timestampType === 'LogAppendTime';
  let attributes = codec;
  if (logAppendTime) attributes |= TIMESTAMP_TYPE_MASK;
  if (options.isTransactional === true) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (options.isControl === true) attributes |= CONTROL_FLAG_MASK;
  const maxTimestamp = logAppendTime ? now() : timestamps.maxTimestamp;
  if (!Number.isSafeInteger(maxTimestamp))
    throw invalid(`append time ${maxTimestamp} is not an integer`);
  writeInt64(buf, checkInt('baseOffset', options.baseOffset ?? 0, 0, Number.MAX_SAFE_INTEGER), 0);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, 8);
  buf.writeInt32BE(
    checkInt('partitionLeaderEpoch', options.partitionLeaderEpoch ?? -1, -1, INT32_MAX),
    12,
  );
  buf.writeInt8(CURRENT_MAGIC, 16);
  buf.writeUInt32BE(0, 17);
  buf.writeInt16BE(attributes, ATTRIBUTES_OFFSET);
  buf.writeInt32BE(count - 1, 23);
  writeInt64(buf, timestamps.baseTimestamp, 27);
  writeInt64(buf, maxTimestamp, 35);
  writeInt64(
    buf,
    checkInt('producerId', options.producerId ?? -1, -1, Number.MAX_SAFE_INTEGER),
    43,
  );
  buf.writeInt16BE(checkInt('producerEpoch', options.producerEpoch ?? -1, -1, 0x7fff), 51);
  buf.writeInt32BE(checkInt('baseSequence', options.baseSequence ?? -1, -1, INT32_MAX), 53);
  buf.writeInt32BE(count, 57);
}

/** One complete uncompressed batch, CRC stamped, built synchronously in a single allocation. */
export function encodeRecordBatchSync(
  records: readonly RecordInput[],
  options: EncodeRecordBatchOptions = {},
): Buffer {
  const codec = options.compression ?? CompressionCodec.None;
  if (codec !== CompressionCodec.None) {
    throw invalid('encodeRecordBatchSync writes uncompressed batches only; use encodeRecordBatch');
  }
  const now = options.now ?? Date.now;
  const plan = planRecords(records, now);
  const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + plan.size);
  writeRecords(records, plan, buf, RECORD_BATCH_OVERHEAD);
  writeRecordBatchHeader(buf, records.length, plan, codec, options, now);
  writeBatchCrc(buf, 0, buf.length);
  return buf;
}

/** One complete batch, records compressed with `options.compression`, CRC stamped. */
export async function encodeRecordBatch(
  records: readonly RecordInput[],
  options: EncodeRecordBatchOptions = {},
): Promise<Buffer> {
  const codec = codecFromId(options.compression ?? CompressionCodec.None);
  if (codec === CompressionCodec.None) return encodeRecordBatchSync(records, options);
  const now = options.now ?? Date.now;
  const plan = planRecords(records, now);
  const plain = Buffer.allocUnsafe(plan.size);
  writeRecords(records, plan, plain, 0);
  const compressed = await compress(codec, plain);
  const buf = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + compressed.length);
  compressed.copy(buf, RECORD_BATCH_OVERHEAD);
  writeRecordBatchHeader(buf, records.length, plan, codec, options, now);
  writeBatchCrc(buf, 0, buf.length);
  return buf;
}

function corrupt(detail: string): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', detail);
}

/** Checks the framing of a single batch (sizes, magic, CRC) and returns its header. */
function checkedHeader(batch: Buffer, verifyCrc: boolean): RecordBatchHeader {
  if (batch.length < RECORD_BATCH_OVERHEAD) {
    throw corrupt(
      `truncated batch: ${batch.length} bytes, the header alone takes ${RECORD_BATCH_OVERHEAD}`,
    );
  }
  const header = readBatchHeader(batch, 0);
  const size = LOG_OVERHEAD + header.batchLength;
  if (size !== batch.length) {
    throw corrupt(
      size > batch.length
        ? `truncated batch: batchLength says ${size} bytes, ${batch.length} present`
        : `batchLength says ${size} bytes but the buffer holds ${batch.length}`,
    );
  }
  if (header.magic !== CURRENT_MAGIC) {
    throw corrupt(`unsupported magic ${header.magic}: only record batch v2 (magic 2) is read`);
  }
  if (verifyCrc && !isBatchCrcValid(batch, 0, size)) {
    throw corrupt(`CRC mismatch in batch at offset ${header.baseOffset}`);
  }
  if (header.recordCount < 0) throw corrupt(`negative record count ${header.recordCount}`);
  return header;
}

function readNullableBytes(reader: ByteReader, what: string): Buffer | null {
  const length = reader.readVarint();
  if (length === -1) return null;
  if (length < -1) throw reader.corrupt(`negative ${what} length ${length}`);
  return reader.readBytes(length, what);
}

/** Parses the (decompressed) records section `data` of a batch whose header is `header`. */
function parseRecords(header: RecordBatchHeader, data: Buffer): DecodedRecord[] {
  const count = header.recordCount;
  if (count > data.length / MIN_RECORD_SIZE) {
    throw corrupt(
      `${data.length} bytes of records cannot hold the ${count} records the header counts`,
    );
  }
  const logAppendTime = (header.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const reader = new ByteReader(data);
  let index = 0;
  reader.describe = () => `batch at offset ${header.baseOffset}, record ${index} of ${count}`;
  const records = new Array<DecodedRecord>(count);
  for (; index < count; index++) {
    const start = reader.pos;
    reader.end = data.length;
    const length = reader.readVarint();
    if (length < 0) throw reader.corrupt(`negative record length ${length}`);
    if (length > reader.remaining) {
      throw reader.corrupt(`record length ${length} exceeds the ${reader.remaining} bytes left`);
    }
    reader.end = reader.pos + length;
    const attributes = reader.readInt8();
    const timestampDelta = reader.readVarlong();
    const offsetDelta = reader.readVarint();
    const key = readNullableBytes(reader, 'key');
    const value = readNullableBytes(reader, 'value');
    const headerCount = reader.readVarint();
    if (headerCount < 0) throw reader.corrupt(`negative header count ${headerCount}`);
    if (headerCount > reader.remaining / 2) {
      throw reader.corrupt(`${headerCount} headers cannot fit in ${reader.remaining} bytes`);
    }
    const headers = new Array<RecordHeader>(headerCount);
    for (let h = 0; h < headerCount; h++) {
      const keyLength = reader.readVarint();
      if (keyLength < 0) throw reader.corrupt(`negative header key length ${keyLength}`);
      const headerKey = reader.readBytes(keyLength, 'header key').toString('utf8');
      headers[h] = { key: headerKey, value: readNullableBytes(reader, 'header value') };
    }
    if (reader.pos !== reader.end) {
      throw reader.corrupt(
        `record length ${length} but its fields end ${reader.end - reader.pos} bytes earlier`,
      );
    }
    const timestamp = logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta;
    records[index] = {
      offset: header.baseOffset + offsetDelta,
      offsetDelta,
      timestamp,
      timestampDelta,
      attributes,
      key,
      value,
      headers,
      sizeInBytes: reader.pos - start,
      keySize: key === null ? -1 : key.length,
      valueSize: value === null ? -1 : value.length,
    };
  }
  reader.end = data.length;
  if (reader.remaining !== 0) {
    throw corrupt(
      `batch at offset ${header.baseOffset}: ${reader.remaining} bytes after its ${count} records`,
    );
  }
  return records;
}

function decoded(
  batch: Buffer,
  header: RecordBatchHeader,
  codec: CompressionCodec,
  records: DecodedRecord[],
): DecodedRecordBatch {
  const attributes = header.attributes;
  return {
    ...header,
    compression: codec,
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) !== 0 ? 'LogAppendTime' : 'CreateTime',
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    sizeInBytes: batch.length,
    lastOffset: header.baseOffset + header.lastOffsetDelta,
    records,
  };
}

/**
 * Decodes one complete batch (exactly `batch.length` bytes): CORRUPT_MESSAGE for a bad CRC,
 * truncation, inconsistent lengths, bad varints, a record count that does not match, or a
 * decompressed size above the cap; UNSUPPORTED_COMPRESSION_TYPE for codec ids 5-7.
 */
export async function decodeRecordBatch(
  batch: Buffer,
  options: DecodeRecordBatchOptions = {},
): Promise<DecodedRecordBatch> {
  const header = checkedHeader(batch, options.verifyCrc ?? true);
  const codec = codecFromId(header.attributes & COMPRESSION_CODEC_MASK);
  const section = batch.subarray(RECORD_BATCH_OVERHEAD);
  // An empty section is never compressed (Kafka writes the empty batches compaction leaves bare).
  const data =
    codec === CompressionCodec.None || section.length === 0
      ? section
      : await decompress(
          codec,
          section,
          options.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES,
        );
  return decoded(batch, header, codec, parseRecords(header, data));
}

/** Decodes one complete uncompressed batch synchronously; a compressed one is an error. */
export function decodeRecordBatchSync(
  batch: Buffer,
  options: Omit<DecodeRecordBatchOptions, 'maxDecompressedBytes'> = {},
): DecodedRecordBatch {
  const header = checkedHeader(batch, options.verifyCrc ?? true);
  const codec = codecFromId(header.attributes & COMPRESSION_CODEC_MASK);
  if (codec !== CompressionCodec.None) {
    throw new SamsaError(
      'decodeRecordBatchSync reads uncompressed batches only; use decodeRecordBatch',
    );
  }
  return decoded(batch, header, codec, parseRecords(header, batch.subarray(RECORD_BATCH_OVERHEAD)));
}
