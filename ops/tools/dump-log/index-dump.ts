/**
 * Dumping a segment's index files, checked against the segment's `.log` file beside them, as
 * Kafka's DumpLogSegments does (file formats: broker/log/offset-index.ts, time-index.ts):
 *
 * - `.index`: `offset: <o> position: <p>` per entry. Each entry must point at a batch whose last
 *   offset is the entry's offset; otherwise the pair is reported under `Mismatches in :<file>`.
 *   An entry that points at no complete batch within --max-message-size bytes (past the end of
 *   the log, inside a batch, at a torn tail) is reported with log offset -1 (Kafka stops with an
 *   exception there). An index without entries prints `<file> is empty.`
 * - `.timeindex`: `timestamp: <t> offset: <o>` per entry. The batch holding the offset is found
 *   through the offset index; its last offset must be the entry's offset (else "indexed offset
 *   not found") and its largest record timestamp the entry's timestamp (else a timestamp
 *   mismatch); timestamps must increase (else "out of order").
 *
 * Both stop at the first entry after the first whose offset is the base offset: the zeros of a
 * preallocated file that was never trimmed. --verify-index-only checks without printing the
 * entries; --index-sanity-check runs only the check a broker runs when it loads an index and
 * prints `<file> passed sanity check.` (a failure is an error with Kafka's message).
 * Index files are read in chunks; the offset index is held in memory only for a time-index dump
 * (8 bytes per entry).
 */
import * as path from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { SamsaError } from '../../../client/errors';
import {
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  BATCH_LENGTH_OFFSET,
  readInt64,
} from '../../../client/record/batch-header';
import { decodeRecordBatch } from '../../../client/record/record-batch';
import { FileBatchReader } from '../../../broker/log/batch-scanner';
import { OFFSET_INDEX_ENTRY_SIZE } from '../../../broker/log/offset-index';
import { NO_TIMESTAMP, TIME_INDEX_ENTRY_SIZE } from '../../../broker/log/time-index';
import { HEADER_SIZE_UP_TO_MAGIC, MIN_BATCH_LENGTH, readFully } from './batch-stream';
import { type OpenedFile, baseOffsetOf, openIfExists, openReadOnly, siblingFile } from './files';
import type { LineWriter } from './output';
import type { DumpProblems } from './problems';

export interface IndexDumpOptions {
  /** Check the entries without printing them. */
  verifyOnly: boolean;
  /** Run only the broker's sanity check. */
  sanityOnly: boolean;
  /** How far past an offset-index entry's position its batch may end. */
  maxMessageSize: number;
}

const CHUNK_ENTRIES = 8192;

/** The entries of an index file, read front to back in chunks; each a view valid until the next. */
async function* indexEntries(
  fh: FileHandle,
  entrySize: number,
  count: number,
): AsyncGenerator<Buffer> {
  const chunk = Buffer.allocUnsafe(CHUNK_ENTRIES * entrySize);
  for (let first = 0; first < count; first += CHUNK_ENTRIES) {
    const entries = Math.min(CHUNK_ENTRIES, count - first);
    const got = await readFully(fh, chunk.subarray(0, entries * entrySize), first * entrySize);
    for (let i = 0; i < Math.floor(got / entrySize); i++) {
      yield chunk.subarray(i * entrySize, (i + 1) * entrySize);
    }
    if (got < entries * entrySize) return;
  }
}

async function withFiles<T>(files: OpenedFile[], op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } finally {
    await Promise.all(files.map((f) => f.fh.close()));
  }
}

/**
 * The last offset of the batch at `position` of the log, if a complete v2 batch starts there
 * and ends within `maxMessageSize` bytes.
 */
async function lastOffsetOfBatchAt(
  log: OpenedFile,
  position: number,
  maxMessageSize: number,
): Promise<number | undefined> {
  if (position < 0 || position > log.size) return undefined;
  const end = Math.min(position + maxMessageSize, log.size);
  if (end - position < HEADER_SIZE_UP_TO_MAGIC) return undefined;
  const header = Buffer.allocUnsafe(Math.min(RECORD_BATCH_OVERHEAD, end - position));
  if ((await readFully(log.fh, header, position)) < header.length) return undefined;
  const batchLength = header.readInt32BE(BATCH_LENGTH_OFFSET);
  const size = LOG_OVERHEAD + batchLength;
  if (batchLength < MIN_BATCH_LENGTH || size < RECORD_BATCH_OVERHEAD || size > end - position) {
    return undefined;
  }
  return readInt64(header, 0) + header.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
}

export async function dumpOffsetIndex(
  file: string,
  options: IndexDumpOptions,
  out: LineWriter,
  problems: DumpProblems,
): Promise<void> {
  const baseOffset = baseOffsetOf(file);
  const log = await openReadOnly(siblingFile(file, '.log'));
  const opened = [log];
  await withFiles(opened, async () => {
    const index = await openReadOnly(file);
    opened.push(index);
    const entries = Math.floor(index.size / OFFSET_INDEX_ENTRY_SIZE);
    if (entries === 0) {
      out.line(`${file} is empty.`);
      return;
    }
    if (options.sanityOnly) {
      await checkOffsetIndexSanity(file, index, baseOffset, entries);
      out.line(`${file} passed sanity check.`);
      return;
    }
    const absolute = path.resolve(file);
    let slot = 0;
    for await (const entry of indexEntries(index.fh, OFFSET_INDEX_ENTRY_SIZE, entries)) {
      const offset = baseOffset + entry.readInt32BE(0);
      const position = entry.readInt32BE(4);
      if (offset === baseOffset && slot > 0) return;
      const logOffset = await lastOffsetOfBatchAt(log, position, options.maxMessageSize);
      if (logOffset !== offset) problems.indexMismatch(absolute, offset, logOffset ?? -1);
      if (!options.verifyOnly) out.line(`offset: ${offset} position: ${position}`);
      await out.flushIfFull();
      slot++;
    }
  });
}

/** Kafka's OffsetIndex.sanityCheck: whole entries, and a last offset not below the base. */
async function checkOffsetIndexSanity(
  file: string,
  index: OpenedFile,
  baseOffset: number,
  entries: number,
): Promise<void> {
  const last = Buffer.alloc(OFFSET_INDEX_ENTRY_SIZE);
  await readFully(index.fh, last, (entries - 1) * OFFSET_INDEX_ENTRY_SIZE);
  const lastOffset = baseOffset + last.readInt32BE(0);
  const absolute = path.resolve(file);
  if (lastOffset < baseOffset) {
    throw new SamsaError(
      `Corrupt index found, index file (${absolute}) has non-zero size but the last offset is ${lastOffset} which is less than the base offset ${baseOffset}.`,
    );
  }
  if (index.size % OFFSET_INDEX_ENTRY_SIZE !== 0) {
    throw new SamsaError(
      `Index file ${absolute} is corrupt, found ${index.size} bytes which is neither positive nor a multiple of ${OFFSET_INDEX_ENTRY_SIZE}.`,
    );
  }
}

/** An offset index in memory, for lookups: relative offsets and positions, in file order. */
interface LoadedOffsetIndex {
  relativeOffsets: Int32Array;
  positions: Int32Array;
  count: number;
}

/** Reads the entries of an offset index up to its first zero entry; a missing file is empty. */
async function loadOffsetIndex(file: string): Promise<LoadedOffsetIndex> {
  const index = await openIfExists(file);
  const loaded = {
    relativeOffsets: new Int32Array(0),
    positions: new Int32Array(0),
    count: 0,
  };
  if (!index) return loaded;
  await withFiles([index], async () => {
    const entries = Math.floor(index.size / OFFSET_INDEX_ENTRY_SIZE);
    loaded.relativeOffsets = new Int32Array(entries);
    loaded.positions = new Int32Array(entries);
    for await (const entry of indexEntries(index.fh, OFFSET_INDEX_ENTRY_SIZE, entries)) {
      const relative = entry.readInt32BE(0);
      if (relative === 0 && loaded.count > 0) break;
      loaded.relativeOffsets[loaded.count] = relative;
      loaded.positions[loaded.count] = entry.readInt32BE(4);
      loaded.count++;
    }
  });
  return loaded;
}

/** The position of the largest entry at or below `relative`, or 0 (Kafka's lookup). */
function lookupPosition(index: LoadedOffsetIndex, relative: number): number {
  if (index.count === 0 || index.relativeOffsets[0] > relative) return 0;
  let lo = 0;
  let hi = index.count - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (index.relativeOffsets[mid] <= relative) lo = mid;
    else hi = mid - 1;
  }
  return index.positions[lo];
}

export async function dumpTimeIndex(
  file: string,
  options: IndexDumpOptions,
  out: LineWriter,
  problems: DumpProblems,
): Promise<void> {
  const baseOffset = baseOffsetOf(file);
  const log = await openReadOnly(siblingFile(file, '.log'));
  const opened = [log];
  await withFiles(opened, async () => {
    const offsetIndex = await loadOffsetIndex(siblingFile(file, '.index'));
    const timeIndex = await openReadOnly(file);
    opened.push(timeIndex);
    const entries = Math.floor(timeIndex.size / TIME_INDEX_ENTRY_SIZE);
    if (options.sanityOnly) {
      await checkTimeIndexSanity(file, timeIndex, baseOffset, entries);
      out.line(`${file} passed sanity check.`);
      return;
    }
    const absolute = path.resolve(file);
    let previousTimestamp = NO_TIMESTAMP;
    let slot = 0;
    for await (const entry of indexEntries(timeIndex.fh, TIME_INDEX_ENTRY_SIZE, entries)) {
      const timestamp = readInt64(entry, 0);
      const offset = baseOffset + entry.readInt32BE(8);
      if (offset === baseOffset && slot > 0) return;
      const position = lookupPosition(offsetIndex, offset - baseOffset);
      const reader = new FileBatchReader(log.fh, position, log.size);
      let batch = await reader.next();
      while (batch && batch.lastOffset < offset) batch = await reader.next();
      if (!batch) problems.indexedOffsetNotFound(absolute, offset, -1);
      else if (batch.lastOffset !== offset) {
        problems.indexedOffsetNotFound(absolute, offset, batch.lastOffset);
      } else {
        const bytes = Buffer.allocUnsafe(batch.size);
        await readFully(log.fh, bytes, batch.position);
        const decoded = await decodeRecordBatch(bytes, { verifyCrc: false });
        let maxTimestamp = NO_TIMESTAMP;
        for (const record of decoded.records)
          maxTimestamp = Math.max(maxTimestamp, record.timestamp);
        if (maxTimestamp !== timestamp)
          problems.timestampMismatch(absolute, timestamp, maxTimestamp);
        if (previousTimestamp >= timestamp) {
          problems.outOfOrderTimestamp(absolute, timestamp, previousTimestamp);
        }
      }
      if (!options.verifyOnly) out.line(`timestamp: ${timestamp} offset: ${offset}`);
      previousTimestamp = timestamp;
      await out.flushIfFull();
      slot++;
    }
  });
}

/**
 * Kafka's TimeIndex.sanityCheck: the last timestamp not below the first, the last offset not
 * below the base, whole entries.
 */
async function checkTimeIndexSanity(
  file: string,
  timeIndex: OpenedFile,
  baseOffset: number,
  entries: number,
): Promise<void> {
  const absolute = path.resolve(file);
  if (entries > 0) {
    const first = Buffer.alloc(TIME_INDEX_ENTRY_SIZE);
    const last = Buffer.alloc(TIME_INDEX_ENTRY_SIZE);
    await readFully(timeIndex.fh, first, 0);
    await readFully(timeIndex.fh, last, (entries - 1) * TIME_INDEX_ENTRY_SIZE);
    const firstTimestamp = readInt64(first, 0);
    const lastTimestamp = readInt64(last, 0);
    const lastOffset = baseOffset + last.readInt32BE(8);
    if (lastTimestamp < firstTimestamp) {
      throw new SamsaError(
        `Corrupt time index found, time index file (${absolute}) has non-zero size but the last timestamp is ${lastTimestamp} which is less than the first timestamp ${firstTimestamp}`,
      );
    }
    if (lastOffset < baseOffset) {
      throw new SamsaError(
        `Corrupt time index found, time index file (${absolute}) has non-zero size but the last offset is ${lastOffset} which is less than the first offset ${baseOffset}`,
      );
    }
  }
  if (timeIndex.size % TIME_INDEX_ENTRY_SIZE !== 0) {
    throw new SamsaError(
      `Time index file ${absolute} is corrupt, found ${timeIndex.size} bytes which is neither positive nor a multiple of ${TIME_INDEX_ENTRY_SIZE}.`,
    );
  }
}
