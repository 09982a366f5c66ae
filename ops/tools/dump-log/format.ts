/**
 * The text of kafka-dump-log's batch and record lines, as Kafka 2.8's DumpLogSegments prints
 * them for RecordBatch v2. Field names, order and spacing are Kafka's:
 *
 *   batch (always):
 *     baseOffset: 0 lastOffset: 2 count: 3 baseSequence: -1 lastSequence: -1 producerId: -1
 *     producerEpoch: -1 partitionLeaderEpoch: 0 isTransactional: false isControl: false
 *     position: 0 CreateTime: 1617000000000 size: 91 magic: 2 compresscodec: NONE
 *     crc: 2439000811 isvalid: true
 *   record (--deep-iteration; 2.8 repeats the batch fields on every record line):
 *     | offset: 0 isValid: true crc: null keySize: 1 valueSize: 5 CreateTime: 1617000000000
 *     baseOffset: 0 lastOffset: 2 baseSequence: -1 lastSequence: -1 producerEpoch: -1
 *     partitionLeaderEpoch: 0 batchSize: 91 magic: 2 compressType: NONE position: 0
 *     sequence: -1 headerKeys: [h1,h2]
 *   then, with --print-data-log and outside control batches: ` key: <k> payload: <v>` (each
 *   only when not null, decoded as UTF-8 like Kafka's default StringDecoder).
 *
 * (each shown wrapped here; each is one line). v2 records carry no CRC of their own, so Kafka
 * prints `isValid: true crc: null` for every record. A control record adds
 * ` endTxnMarker: COMMIT coordinatorEpoch: 5` (commit/abort markers) or
 * ` controlType: LEADER_CHANGE(2)`. With --skip-record-metadata the record line keeps only
 * the data part, starting `| key: ...` (or ` payload: ...` for a null key, as Kafka does).
 */
import { SamsaError } from '../../../client/errors';
import {
  COMPRESSION_NAMES,
  type RecordBatchHeader,
  compressionOf,
  isControlBatch,
  isLogAppendTime,
  isTransactional,
} from '../../../client/record/batch-header';
import { codecFromId } from '../../../client/record/compression';
import type { DecodedRecord } from '../../../client/record/record-batch';

const INT32_MAX = 0x7fff_ffff;
/** Kafka's RecordBatch.NO_SEQUENCE. */
const NO_SEQUENCE = -1;

/** Where a batch is and what it holds, as the batch and record lines show it. */
export interface BatchView {
  header: RecordBatchHeader;
  /** Byte position in the file. */
  position: number;
  /** 12 + batchLength. */
  size: number;
  /** Whether the stored CRC-32C matches the bytes. */
  crcValid: boolean;
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequence numbers wrap at Int.MaxValue. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

export function lastSequenceOf(header: RecordBatchHeader): number {
  return header.baseSequence === NO_SEQUENCE
    ? NO_SEQUENCE
    : incrementSequence(header.baseSequence, header.lastOffsetDelta);
}

/** A record's sequence: the batch's base sequence plus the record's offset delta, or -1. */
export function recordSequence(header: RecordBatchHeader, offsetDelta: number): number {
  return header.baseSequence >= 0 ? incrementSequence(header.baseSequence, offsetDelta) : -1;
}

export function timestampTypeName(header: RecordBatchHeader): string {
  return isLogAppendTime(header.attributes) ? 'LogAppendTime' : 'CreateTime';
}

/** NONE, GZIP, SNAPPY, LZ4 or ZSTD; UNSUPPORTED_COMPRESSION_TYPE for ids 5-7. */
export function compressionName(header: RecordBatchHeader): string {
  return COMPRESSION_NAMES[codecFromId(compressionOf(header.attributes))];
}

/** The line printed for every batch. */
export function batchLine(batch: BatchView): string {
  const h = batch.header;
  return (
    `baseOffset: ${h.baseOffset} lastOffset: ${h.baseOffset + h.lastOffsetDelta} ` +
    `count: ${h.recordCount} baseSequence: ${h.baseSequence} lastSequence: ${lastSequenceOf(h)} ` +
    `producerId: ${h.producerId} producerEpoch: ${h.producerEpoch} ` +
    `partitionLeaderEpoch: ${h.partitionLeaderEpoch} isTransactional: ${isTransactional(h.attributes)} ` +
    `isControl: ${isControlBatch(h.attributes)} position: ${batch.position} ` +
    `${timestampTypeName(h)}: ${h.maxTimestamp} size: ${batch.size} magic: ${h.magic} ` +
    `compresscodec: ${compressionName(h)} crc: ${h.crc} isvalid: ${batch.crcValid}`
  );
}

export interface RecordLineOptions {
  /** --print-data-log: add the key and the value. */
  printData: boolean;
  /** --skip-record-metadata: leave out everything but the key and the value. */
  skipMetadata: boolean;
}

/** The line printed for one record with --deep-iteration. */
export function recordLine(
  batch: BatchView,
  record: DecodedRecord,
  options: RecordLineOptions,
): string {
  const h = batch.header;
  const control = isControlBatch(h.attributes);
  let line = '';
  let prefix = '| ';
  if (!options.skipMetadata) {
    line +=
      `${prefix}offset: ${record.offset} isValid: true crc: null ` +
      `keySize: ${record.keySize} valueSize: ${record.valueSize} ` +
      `${timestampTypeName(h)}: ${record.timestamp} baseOffset: ${h.baseOffset} ` +
      `lastOffset: ${h.baseOffset + h.lastOffsetDelta} baseSequence: ${h.baseSequence} ` +
      `lastSequence: ${lastSequenceOf(h)} producerEpoch: ${h.producerEpoch} ` +
      `partitionLeaderEpoch: ${h.partitionLeaderEpoch} batchSize: ${batch.size} ` +
      `magic: ${h.magic} compressType: ${compressionName(h)} position: ${batch.position}` +
      ` sequence: ${recordSequence(h, record.offsetDelta)} ` +
      `headerKeys: [${record.headers.map((header) => header.key).join(',')}]`;
    prefix = ' ';
    if (control) line += controlRecordText(record);
  }
  if (options.printData && !control) {
    if (record.key !== null) {
      line += `${prefix}key: ${record.key.toString('utf8')}`;
      prefix = ' ';
    }
    if (record.value !== null) line += ` payload: ${record.value.toString('utf8')}`;
  }
  return line;
}

/** Kafka's ControlRecordType ids. */
const CONTROL_TYPES: Readonly<Record<number, string>> = {
  0: 'ABORT',
  1: 'COMMIT',
  2: 'LEADER_CHANGE',
};

/**
 * What a control record adds: its key is (version int16, type int16); a commit or abort marker's
 * value is (version int16, coordinatorEpoch int32).
 */
function controlRecordText(record: DecodedRecord): string {
  const key = record.key;
  if (key === null || key.length < 4) {
    throw new SamsaError(
      `Invalid value size found for end control record key. Must have at least 4 bytes, but found only ${key?.length ?? 0} (record at offset ${record.offset})`,
    );
  }
  const typeId = key.readInt16BE(2);
  const type = CONTROL_TYPES[typeId] ?? 'UNKNOWN';
  if (type !== 'ABORT' && type !== 'COMMIT') return ` controlType: ${type}(${typeId})`;
  const value = record.value;
  if (value === null || value.length < 6) {
    throw new SamsaError(
      `Invalid value size found for end transaction marker. Must have at least 6 bytes, but found only ${value?.length ?? 0} (record at offset ${record.offset})`,
    );
  }
  return ` endTxnMarker: ${type} coordinatorEpoch: ${value.readInt32BE(2)}`;
}
