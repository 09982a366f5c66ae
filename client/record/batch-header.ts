/**
 * The 61-byte header of Kafka's RecordBatch v2 ("magic 2"), read and patched in place without
 * touching the records that follow. This is all the broker needs on the produce and fetch paths:
 * it validates a batch, assigns offsets and stamps the partition leader epoch here, and never
 * decodes individual records.
 *
 * On-disk and wire layout (big-endian), byte offsets from the start of the batch:
 *
 *    0  baseOffset            int64   offset of the first record
 *    8  batchLength           int32   bytes that follow this field (total size - 12)
 *   12  partitionLeaderEpoch  int32   stamped by the leader on append
 *   16  magic                 int8    always 2
 *   17  crc                   uint32  CRC-32C of bytes 21 .. end (attributes onward)
 *   21  attributes            int16   bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4,
 *                                     4 zstd), bit 3 timestamp type (1 = LogAppendTime),
 *                                     bit 4 transactional, bit 5 control batch
 *   23  lastOffsetDelta       int32   offset of the last record minus baseOffset
 *   27  baseTimestamp         int64   timestamp of the first record
 *   35  maxTimestamp          int64   largest timestamp in the batch
 *   43  producerId            int64   -1 without idempotence
 *   51  producerEpoch         int16
 *   53  baseSequence          int32
 *   57  recordCount           int32
 *   61  records ...
 *
 * Because the CRC starts at `attributes`, baseOffset and partitionLeaderEpoch can be rewritten
 * without recomputing it. 64-bit fields are read as JavaScript numbers (all valid offsets and
 * timestamps are below 2^53).
 */
import { crc32c } from '@node-rs/crc32';

export const BASE_OFFSET_OFFSET = 0;
export const BATCH_LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORD_COUNT_OFFSET = 57;
/** Size of the batch header; the records start here. */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;

/** Kafka's compression codec ids, as stored in attribute bits 0-2. */
export enum CompressionCodec {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

/** Kafka's names for the codecs, as kafka-dump-log prints them. */
export const COMPRESSION_NAMES: Readonly<Record<CompressionCodec, string>> = {
  [CompressionCodec.None]: 'NONE',
  [CompressionCodec.Gzip]: 'GZIP',
  [CompressionCodec.Snappy]: 'SNAPPY',
  [CompressionCodec.Lz4]: 'LZ4',
  [CompressionCodec.Zstd]: 'ZSTD',
};

/** Every header field of one batch. */
export interface RecordBatchHeader {
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Reads a signed 64-bit big-endian integer as a number (exact below 2^53). */
export function readInt64(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * 0x1_0000_0000 + buf.readUInt32BE(offset + 4);
}

/** Writes a number as a signed 64-bit big-endian integer. */
export function writeInt64(buf: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(high, offset);
  buf.writeUInt32BE(value - high * 0x1_0000_0000, offset + 4);
}

/** Reads the header of the batch starting at `offset`; the caller checks there are 61 bytes. */
export function readBatchHeader(buf: Buffer, offset = 0): RecordBatchHeader {
  return {
    baseOffset: readInt64(buf, offset + BASE_OFFSET_OFFSET),
    batchLength: buf.readInt32BE(offset + BATCH_LENGTH_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(offset + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(offset + MAGIC_OFFSET),
    crc: buf.readUInt32BE(offset + CRC_OFFSET),
    attributes: buf.readInt16BE(offset + ATTRIBUTES_OFFSET),
    lastOffsetDelta: buf.readInt32BE(offset + LAST_OFFSET_DELTA_OFFSET),
    baseTimestamp: readInt64(buf, offset + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, offset + MAX_TIMESTAMP_OFFSET),
    producerId: readInt64(buf, offset + PRODUCER_ID_OFFSET),
    producerEpoch: buf.readInt16BE(offset + PRODUCER_EPOCH_OFFSET),
    baseSequence: buf.readInt32BE(offset + BASE_SEQUENCE_OFFSET),
    recordCount: buf.readInt32BE(offset + RECORD_COUNT_OFFSET),
  };
}

/** Total size in bytes of the batch starting at `offset` (12 + batchLength). */
export function batchSize(buf: Buffer, offset = 0): number {
  return LOG_OVERHEAD + buf.readInt32BE(offset + BATCH_LENGTH_OFFSET);
}

/** CRC-32C over attributes..end of the batch occupying `buf[offset, offset+size)`. */
export function computeBatchCrc(buf: Buffer, offset: number, size: number): number {
  return crc32c(buf.subarray(offset + ATTRIBUTES_OFFSET, offset + size)) >>> 0;
}

/** True when the stored CRC matches the bytes of the batch. */
export function isBatchCrcValid(buf: Buffer, offset: number, size: number): boolean {
  return buf.readUInt32BE(offset + CRC_OFFSET) === computeBatchCrc(buf, offset, size);
}

/** Stamps a newly computed CRC into the batch (used by the encoder, never by the broker). */
export function writeBatchCrc(buf: Buffer, offset: number, size: number): void {
  buf.writeUInt32BE(computeBatchCrc(buf, offset, size), offset + CRC_OFFSET);
}

/** Rewrites baseOffset in place; the CRC stays valid. */
export function setBaseOffset(buf: Buffer, offset: number, baseOffset: number): void {
  writeInt64(buf, baseOffset, offset + BASE_OFFSET_OFFSET);
}

/** Rewrites partitionLeaderEpoch in place; the CRC stays valid. */
export function setPartitionLeaderEpoch(buf: Buffer, offset: number, epoch: number): void {
  buf.writeInt32BE(epoch, offset + PARTITION_LEADER_EPOCH_OFFSET);
}

export function compressionOf(attributes: number): number {
  return attributes & COMPRESSION_CODEC_MASK;
}

export function isTransactional(attributes: number): boolean {
  return (attributes & TRANSACTIONAL_FLAG_MASK) !== 0;
}

export function isControlBatch(attributes: number): boolean {
  return (attributes & CONTROL_FLAG_MASK) !== 0;
}

export function isLogAppendTime(attributes: number): boolean {
  return (attributes & TIMESTAMP_TYPE_MASK) !== 0;
}
