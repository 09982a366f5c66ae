/**
 * Shallow validation of the record batches handed to `Log.appendAsLeader` / `appendAsFollower`,
 * before anything is written: header fields and the CRC only, never the records. The checks and
 * the error each one raises follow Kafka 2.8 (`Log.analyzeAndValidateRecords`,
 * `LogValidator.validateBatch`, `ByteBufferLogInputStream`, `ProduceRequest.validateRecords`):
 *
 * | problem                                                  | error                        |
 * |----------------------------------------------------------|------------------------------|
 * | batchLength below 14 (Kafka's smallest record overhead)  | CORRUPT_MESSAGE              |
 * | magic outside 0..2                                       | CORRUPT_MESSAGE              |
 * | a truncated batch (also: trailing bytes after the last)  | CORRUPT_MESSAGE              |
 * | magic 0 or 1 (samsa stores only v2, as produce v3+)      | INVALID_RECORD               |
 * | batch shorter than its 61-byte header                    | CORRUPT_MESSAGE              |
 * | leader append: baseOffset not 0                          | INVALID_RECORD               |
 * | leader append: batch larger than max.message.bytes       | MESSAGE_TOO_LARGE            |
 * | CRC-32C mismatch                                         | CORRUPT_MESSAGE              |
 * | unknown compression codec (attribute bits 0-2 above 4)   | UNSUPPORTED_COMPRESSION_TYPE |
 * | leader append: lastOffsetDelta < 0, recordCount <= 0,    | INVALID_RECORD               |
 * |   or recordCount != lastOffsetDelta + 1                  |                              |
 * | leader append: a control batch                           | INVALID_RECORD               |
 * | leader append: producerId set with baseSequence < 0      | INVALID_RECORD               |
 * | follower append: lastOffsetDelta < 0                     | CORRUPT_MESSAGE              |
 *
 * The checks run in this order for each batch (Kafka's order), so a corrupted count is reported
 * as CORRUPT_MESSAGE by the CRC check before it can look like an INVALID_RECORD.
 *
 * Two deliberate differences from Kafka: Kafka silently drops a partial batch at the end of a
 * produce request's records, samsa rejects the whole append (nothing is written); Kafka answers
 * an old-magic batch in a v3+ produce request with INVALID_RECORD before it reaches the log,
 * samsa's log raises the same error itself. UNSUPPORTED_FOR_MESSAGE_FORMAT is not used: Kafka
 * raises it for idempotent or transactional records on a topic whose message format is older
 * than v2, and samsa only has v2. An unknown codec id is UNSUPPORTED_COMPRESSION_TYPE, as in
 * samsa's record decoder (Kafka fails it with an unexpected server error).
 *
 * A leader append to a compacted topic (cleanup.policy with compact) also needs a key on every
 * record, as Kafka's LogValidator demands: `checkRecordKeys` walks the records (decompressing
 * compressed batches) and answers a record without a key with INVALID_RECORD, "Compacted topic
 * cannot accept message without key in topic partition <tp>.". This is the one place the append
 * path reads records, and only for compacted topics (Kafka reads them there too).
 *
 * client/record/batch-validation.ts checks the same header fields for clients; the log keeps
 * its own pass because Kafka's log answers record-count and old-magic problems with
 * INVALID_RECORD (not retriable) after the CRC check, and the CRC must be computed only once.
 */
import { KafkaError, type ErrorContext } from '../../client/errors';
import {
  ATTRIBUTES_OFFSET,
  BASE_SEQUENCE_OFFSET,
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  PRODUCER_ID_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORD_COUNT_OFFSET,
  compressionOf,
  isBatchCrcValid,
  isControlBatch,
  readBatchHeader,
  readInt64,
} from '../../client/record/batch-header';
import { batchInfoAt, forEachBatch } from './batch-scanner';
import { RecordCursor, recordsSection } from './record-cursor';

/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: the smallest batchLength its reader accepts. */
const MIN_RECORD_SIZE = 14;
const MAX_COMPRESSION_CODEC = 4;

export type AppendOrigin = 'leader' | 'follower';

/** What validation learnt about the batches, from their headers. */
export interface AppendAnalysis {
  /** Batches in the buffer. */
  batchCount: number;
  /** Records in all batches (sum of recordCount). */
  recordCount: number;
  /** baseOffset of the first batch as found in the buffer. */
  firstOffset: number;
  /** lastOffset of the last batch as found in the buffer. */
  lastOffset: number;
  /** Largest maxTimestamp, or -1. */
  maxTimestamp: number;
  /** lastOffset of the batch holding maxTimestamp, as found in the buffer, or -1. */
  offsetOfMaxTimestamp: number;
  /** Whether every batch starts after the previous one ends. */
  offsetsMonotonic: boolean;
}

function fail(
  type: 'CORRUPT_MESSAGE' | 'INVALID_RECORD' | 'MESSAGE_TOO_LARGE' | 'UNSUPPORTED_COMPRESSION_TYPE',
  detail: string,
  context: ErrorContext,
): never {
  throw new KafkaError(type, detail, context);
}

/**
 * Validates every batch of `records` and returns what their headers say; throws a KafkaError
 * (see the table above) at the first problem.
 */
export function analyzeAndValidate(
  records: Buffer,
  origin: AppendOrigin,
  maxMessageBytes: number,
  context: ErrorContext,
): AppendAnalysis {
  const analysis: AppendAnalysis = {
    batchCount: 0,
    recordCount: 0,
    firstOffset: -1,
    lastOffset: -1,
    maxTimestamp: -1,
    offsetOfMaxTimestamp: -1,
    offsetsMonotonic: true,
  };
  let pos = 0;
  while (pos < records.length) {
    const remaining = records.length - pos;
    if (remaining < LOG_OVERHEAD) {
      fail('CORRUPT_MESSAGE', `${remaining} trailing bytes do not hold a batch header`, context);
    }
    const batchLength = records.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_RECORD_SIZE) {
      fail(
        'CORRUPT_MESSAGE',
        `Record size ${batchLength} is less than the minimum record overhead (${MIN_RECORD_SIZE})`,
        context,
      );
    }
    const magic = remaining > MAGIC_OFFSET ? records.readInt8(pos + MAGIC_OFFSET) : -1;
    if (remaining > MAGIC_OFFSET && (magic < 0 || magic > CURRENT_MAGIC)) {
      fail('CORRUPT_MESSAGE', `Invalid magic found in record: ${magic}`, context);
    }
    const size = LOG_OVERHEAD + batchLength;
    if (size > remaining) {
      fail(
        'CORRUPT_MESSAGE',
        `truncated batch at byte ${pos}: it announces ${size} bytes, ${remaining} remain`,
        context,
      );
    }
    if (magic !== CURRENT_MAGIC) {
      fail(
        'INVALID_RECORD',
        `Batch magic ${magic} is not supported: only record batches with magic version 2 are accepted`,
        context,
      );
    }
    if (size < RECORD_BATCH_OVERHEAD) {
      fail(
        'CORRUPT_MESSAGE',
        `Record batch is corrupt (the size ${size} is smaller than the minimum allowed overhead ${RECORD_BATCH_OVERHEAD})`,
        context,
      );
    }
    const batch = batchInfoAt(records, pos, pos);
    if (origin === 'leader') {
      if (batch.baseOffset !== 0) {
        fail(
          'INVALID_RECORD',
          `The baseOffset of the record batch in the append should be 0, but it is ${batch.baseOffset}`,
          context,
        );
      }
      if (size > maxMessageBytes) {
        fail(
          'MESSAGE_TOO_LARGE',
          `The record batch size in the append is ${size} bytes which exceeds the maximum configured value of ${maxMessageBytes}.`,
          context,
        );
      }
    }
    if (!isBatchCrcValid(records, pos, size)) {
      fail(
        'CORRUPT_MESSAGE',
        `Record is corrupt (stored crc = ${records.readUInt32BE(pos + CRC_OFFSET)})`,
        context,
      );
    }
    const attributes = records.readInt16BE(pos + ATTRIBUTES_OFFSET);
    if (compressionOf(attributes) > MAX_COMPRESSION_CODEC) {
      fail(
        'UNSUPPORTED_COMPRESSION_TYPE',
        `Unknown compression type id ${compressionOf(attributes)}`,
        context,
      );
    }
    const recordCount = records.readInt32BE(pos + RECORD_COUNT_OFFSET);
    const countFromOffsets = batch.lastOffset - batch.baseOffset + 1;
    if (origin === 'leader') {
      if (countFromOffsets <= 0) {
        fail(
          'INVALID_RECORD',
          `Batch has an invalid offset range: [${batch.baseOffset}, ${batch.lastOffset}]`,
          context,
        );
      }
      if (recordCount <= 0) {
        fail('INVALID_RECORD', `Invalid reported count for record batch: ${recordCount}`, context);
      }
      if (countFromOffsets !== recordCount) {
        fail(
          'INVALID_RECORD',
          `Inconsistent batch offset range [${batch.baseOffset}, ${batch.lastOffset}] and count of records ${recordCount}`,
          context,
        );
      }
      if (isControlBatch(attributes)) {
        fail('INVALID_RECORD', 'Clients are not allowed to write control records', context);
      }
      const producerId = readInt64(records, pos + PRODUCER_ID_OFFSET);
      const baseSequence = records.readInt32BE(pos + BASE_SEQUENCE_OFFSET);
      if (producerId >= 0 && baseSequence < 0) {
        fail(
          'INVALID_RECORD',
          `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId}`,
          context,
        );
      }
    } else if (countFromOffsets <= 0) {
      fail(
        'CORRUPT_MESSAGE',
        `Batch has an invalid offset range: [${batch.baseOffset}, ${batch.lastOffset}]`,
        context,
      );
    }

    if (analysis.batchCount === 0) analysis.firstOffset = batch.baseOffset;
    else if (batch.baseOffset <= analysis.lastOffset) analysis.offsetsMonotonic = false;
    analysis.lastOffset = batch.lastOffset;
    if (batch.maxTimestamp > analysis.maxTimestamp) {
      analysis.maxTimestamp = batch.maxTimestamp;
      analysis.offsetOfMaxTimestamp = batch.lastOffset;
    }
    analysis.batchCount++;
    analysis.recordCount += Math.max(recordCount, 0);
    pos += size;
  }
  return analysis;
}

/**
 * Checks that every record of `records` (batches that passed `analyzeAndValidate`) has a key:
 * INVALID_RECORD otherwise, with Kafka's message. For appends to compacted topics.
 */
export async function checkRecordKeys(
  records: Buffer,
  context: ErrorContext & { topic: string; partition: number },
): Promise<void> {
  const batches: { start: number; end: number }[] = [];
  forEachBatch(records, (batch) =>
    batches.push({ start: batch.position, end: batch.position + batch.size }),
  );
  for (const { start, end } of batches) {
    const batch = records.subarray(start, end);
    const header = readBatchHeader(batch);
    const section = await recordsSection(batch, header);
    const cursor = new RecordCursor(
      section,
      header.recordCount,
      () => `batch at byte ${start} of the append`,
    );
    while (cursor.next()) {
      if (cursor.keyLength < 0) {
        fail(
          'INVALID_RECORD',
          `Compacted topic cannot accept message without key in topic partition ${context.topic}-${context.partition}.`,
          context,
        );
      }
    }
  }
}
