/**
 * Filtering the records of one record batch, as the log cleaner does (Kafka's
 * MemoryRecords.filterTo for magic 2): a predicate decides for each record whether it stays.
 *
 * - Every record stays: the batch is kept byte for byte.
 * - None stays (or the batch holds no records): the batch is dropped.
 * - Some stay: the batch is rebuilt around the same header, so it keeps its base offset, last
 *   offset delta (so the batch still ends where it ended: gaps are fine, Kafka's cleaner does the
 *   same), partition leader epoch, attributes (codec, timestamp type, transactional flag),
 *   producer id, producer epoch, base sequence and base timestamp. The records that stay are
 *   copied as they are (their offset and timestamp deltas stay valid, since the base offset and
 *   base timestamp do not change), compressed again with the batch's own codec; the record count,
 *   the batch length and, for CreateTime batches, the max timestamp (over the records that stay)
 *   are rewritten, and the CRC-32C is computed anew.
 *
 * Control batches (transaction markers) are kept as they are: samsa writes none yet.
 */
import {
  BATCH_LENGTH_OFFSET,
  COMPRESSION_CODEC_MASK,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_OVERHEAD,
  RECORD_COUNT_OFFSET,
  LOG_OVERHEAD,
  isControlBatch,
  isLogAppendTime,
  readBatchHeader,
  writeBatchCrc,
  writeInt64,
} from '../../client/record/batch-header';
import { codecFromId, compress } from '../../client/record/compression';
import { RecordCursor, recordsSection } from './record-cursor';

/** Whether the record under the cursor, at `offset`, stays. */
export type RetainPredicate = (cursor: RecordCursor, offset: number) => boolean;

export interface FilteredBatch {
  /** What to write: the input itself when every record stays, a rebuilt batch, or undefined. */
  batch: Buffer | undefined;
  recordsRead: number;
  recordsRetained: number;
}

/** Filters the records of `batch` (exactly one complete, valid batch) with `retain`. */
export async function filterBatch(batch: Buffer, retain: RetainPredicate): Promise<FilteredBatch> {
  const header = readBatchHeader(batch);
  if (isControlBatch(header.attributes)) {
    return { batch, recordsRead: 0, recordsRetained: 0 };
  }
  const section = await recordsSection(batch, header);
  const cursor = new RecordCursor(
    section,
    header.recordCount,
    () => `batch at offset ${header.baseOffset}`,
  );
  const kept: { start: number; end: number }[] = [];
  let keptBytes = 0;
  let read = 0;
  let retained = 0;
  let maxTimestamp = -1;
  while (cursor.next()) {
    read++;
    if (!retain(cursor, header.baseOffset + cursor.offsetDelta)) continue;
    retained++;
    const last = kept[kept.length - 1];
    if (last !== undefined && last.end === cursor.start) last.end = cursor.end;
    else kept.push({ start: cursor.start, end: cursor.end });
    keptBytes += cursor.end - cursor.start;
    const timestamp = header.baseTimestamp + cursor.timestampDelta;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
  }
  if (retained === 0) return { batch: undefined, recordsRead: read, recordsRetained: 0 };
  if (retained === read) return { batch, recordsRead: read, recordsRetained: read };

  const plain = Buffer.allocUnsafe(keptBytes);
  let at = 0;
  for (const { start, end } of kept) at += section.copy(plain, at, start, end);
  const codec = codecFromId(header.attributes & COMPRESSION_CODEC_MASK);
  const body = await compress(codec, plain);
  const rebuilt = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + body.length);
  batch.copy(rebuilt, 0, 0, RECORD_BATCH_OVERHEAD);
  body.copy(rebuilt, RECORD_BATCH_OVERHEAD);
  rebuilt.writeInt32BE(rebuilt.length - LOG_OVERHEAD, BATCH_LENGTH_OFFSET);
  rebuilt.writeInt32BE(retained, RECORD_COUNT_OFFSET);
  if (!isLogAppendTime(header.attributes)) writeInt64(rebuilt, maxTimestamp, MAX_TIMESTAMP_OFFSET);
  writeBatchCrc(rebuilt, 0, rebuilt.length);
  return { batch: rebuilt, recordsRead: read, recordsRetained: retained };
}
