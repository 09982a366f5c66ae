/**
 * One segment of a partition log: `<base offset>.log` with its offset index (`.index`) and time
 * index (`.timeindex`), all named by the segment's base offset (20 digits, zero-padded).
 *
 * `.log` format (Kafka's, byte for byte): record batches in RecordBatch v2 format, back to back,
 * exactly as they were appended (see client/record/batch-header.ts for the 61-byte header). There
 * is no file header and nothing between batches. Offsets strictly increase from batch to batch,
 * and every offset in the segment is >= the base offset and < base offset + 2^31 (the index
 * stores offsets relative to the base in 32 bits). A segment written by the log cleaner has gaps
 * between offsets, and its batches may hold fewer records than their offset range spans.
 *
 * The segment appends whole batch buffers with one positional write, reads byte ranges ending on
 * batch boundaries, finds offsets through the offset index and a forward scan of batch headers,
 * and after a crash rebuilds its indexes by re-validating every batch (CRC included), cutting the
 * file at the first batch that is incomplete or invalid.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { KafkaError, SamsaError } from '../../client/errors';
import {
  BATCH_LENGTH_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  isBatchCrcValid,
} from '../../client/record/batch-header';
import {
  type BatchInfo,
  FileBatchReader,
  batchInfoAt,
  completeBatches,
  forEachBatch,
} from './batch-scanner';
import { logFileName, offsetIndexFileName, timeIndexFileName } from './log-files';
import { OffsetIndex } from './offset-index';
import { NO_TIMESTAMP, TimeIndex, type TimestampOffset } from './time-index';

const INT32_MAX = 0x7fff_ffff;
const RECOVERY_CHUNK = 1024 * 1024;
const MAX_POSITION_HINTS = 32;

/** Raised by a segment that was closed (deleted) while an operation was about to use it. */
export class SegmentClosedError extends SamsaError {}

export interface SegmentOptions {
  indexIntervalBytes: number;
  /** segment.index.bytes: the size the index files are preallocated to while active. */
  maxIndexSize: number;
  /** Preallocate the index files (the active segment). */
  preallocate: boolean;
  /** Wall clock, in ms. */
  now: () => number;
}

/** What `shouldRoll` needs to know about the next append. */
export interface RollParams {
  maxSegmentBytes: number;
  /** segment.ms minus this segment's jitter. */
  maxSegmentMs: number;
  maxTimestampInMessages: number;
  maxOffsetInMessages: number;
  messagesSize: number;
  now: number;
}

export class LogSegment {
  private bytes: number;
  private bytesSinceLastIndexEntry = 0;
  private maxTimestampAndOffset: TimestampOffset;
  private rollingBasedTimestamp: number | undefined;
  private created: number;
  private lastModifiedMs: number;
  private positionHints = new Map<number, number>();
  private inflight = 0;
  private drained: (() => void)[] = [];
  private closed = false;

  /**
   * Opens the segment's three files, creating missing ones; `fileSuffix` is added to their names
   * (the cleaner's `.cleaned`, a `.swap` found at startup). Never scans the log: a caller that
   * does not trust the files runs `indexProblem()` and `recover()`.
   */
  static async open(
    dir: string,
    baseOffset: number,
    options: SegmentOptions,
    fileSuffix = '',
  ): Promise<LogSegment> {
    const logPath = logFileName(dir, baseOffset) + fileSuffix;
    const fh = await fs.open(logPath, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    try {
      const stat = await fh.stat();
      const offsetIndex = await OffsetIndex.open(
        offsetIndexFileName(dir, baseOffset) + fileSuffix,
        baseOffset,
        options.preallocate ? options.maxIndexSize : 0,
      );
      const timeIndex = await TimeIndex.open(
        timeIndexFileName(dir, baseOffset) + fileSuffix,
        baseOffset,
        options.preallocate ? options.maxIndexSize : 0,
      );
      const segment = new LogSegment(
        logPath,
        baseOffset,
        fh,
        stat.size,
        stat.mtimeMs,
        offsetIndex,
        timeIndex,
        options,
      );
      if (stat.size >= RECORD_BATCH_OVERHEAD) {
        const first = await new FileBatchReader(fh, 0, stat.size, RECORD_BATCH_OVERHEAD).next();
        if (first) segment.rollingBasedTimestamp = first.maxTimestamp;
      }
      return segment;
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  private constructor(
    private logPath: string,
    readonly baseOffset: number,
    private readonly fh: FileHandle,
    size: number,
    mtimeMs: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly options: SegmentOptions,
  ) {
    this.bytes = size;
    this.created = options.now();
    this.lastModifiedMs = mtimeMs;
    this.maxTimestampAndOffset = timeIndex.lastEntry();
  }

  /** Bytes in the `.log` file (complete appends only: a write in progress is not counted). */
  get size(): number {
    return this.bytes;
  }

  get file(): string {
    return this.logPath;
  }

  /** The largest timestamp in the segment, or its file's modification time when it has none. */
  get largestTimestamp(): number {
    return this.maxTimestampAndOffset.timestamp >= 0
      ? this.maxTimestampAndOffset.timestamp
      : this.lastModifiedMs;
  }

  /** The largest record timestamp seen, or -1. */
  get maxTimestampSoFar(): number {
    return this.maxTimestampAndOffset.timestamp;
  }

  get lastModified(): number {
    return this.lastModifiedMs;
  }

  /**
   * Sets the `.log` file's modification time (the cleaner gives a cleaned segment the time of
   * the last segment it replaces, which its tombstone horizon is measured from, as Kafka does).
   */
  async setLastModified(ms: number): Promise<void> {
    await this.withFile(() => this.fh.utimes(ms / 1000, ms / 1000));
    this.lastModifiedMs = ms;
  }

  /** The largest timestamp of the first batch (Kafka's getFirstBatchTimestamp), or -1 when empty. */
  get firstBatchTimestamp(): number {
    return this.rollingBasedTimestamp ?? NO_TIMESTAMP;
  }

  /**
   * Appends batches holding offsets up to `largestOffset` with one positional write at the end of
   * the file. The size grows only once the write has completed, so readers never see a partial
   * append; a failed write is cut back off the file. Adds an offset-index entry (largestOffset →
   * position of the append) and a time-index entry when `index.interval.bytes` have been
   * appended since the last one.
   */
  async append(
    records: Buffer,
    firstOffset: number,
    largestOffset: number,
    largestTimestamp: number,
    offsetOfMaxTimestamp: number,
  ): Promise<void> {
    if (records.length === 0) return;
    this.offsetIndex.checkWritable();
    this.timeIndex.checkWritable();
    this.ensureOffsetInRange(largestOffset);
    const position = this.bytes;
    await this.writeAtEnd(records);
    if (position === 0) this.rollingBasedTimestamp = largestTimestamp;
    this.bytes = position + records.length;
    this.lastModifiedMs = this.options.now();
    if (largestTimestamp > this.maxTimestampAndOffset.timestamp) {
      this.maxTimestampAndOffset = { timestamp: largestTimestamp, offset: offsetOfMaxTimestamp };
    }
    if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes) {
      this.offsetIndex.append(largestOffset, position);
      this.timeIndex.maybeAppend(
        this.maxTimestampAndOffset.timestamp,
        this.maxTimestampAndOffset.offset,
      );
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += records.length;
    this.addPositionHint(firstOffset, position);
    this.addPositionHint(largestOffset + 1, this.bytes);
  }

  /**
   * Appends whole batches (offsets above everything in the segment) with one write, indexing
   * them batch by batch as recovery does: an offset-index and a time-index entry at the first
   * batch past each `index.interval.bytes`, while the indexes have room. The log cleaner writes
   * cleaned segments this way.
   */
  async appendBatches(records: Buffer): Promise<void> {
    const batches: BatchInfo[] = [];
    forEachBatch(records, (batch) => batches.push(batch));
    if (batches.length === 0) return;
    this.offsetIndex.checkWritable();
    this.timeIndex.checkWritable();
    this.ensureOffsetInRange(batches[batches.length - 1].lastOffset);
    const position = this.bytes;
    await this.writeAtEnd(records);
    if (position === 0) this.rollingBasedTimestamp = batches[0].maxTimestamp;
    this.bytes = position + records.length;
    this.lastModifiedMs = this.options.now();
    for (const batch of batches) {
      if (batch.maxTimestamp > this.maxTimestampAndOffset.timestamp) {
        this.maxTimestampAndOffset = { timestamp: batch.maxTimestamp, offset: batch.lastOffset };
      }
      const indexFull = this.offsetIndex.isFull() || this.timeIndex.isFull();
      if (this.bytesSinceLastIndexEntry > this.options.indexIntervalBytes && !indexFull) {
        this.offsetIndex.append(batch.lastOffset, position + batch.position);
        this.timeIndex.maybeAppend(
          this.maxTimestampAndOffset.timestamp,
          this.maxTimestampAndOffset.offset,
        );
        this.bytesSinceLastIndexEntry = 0;
      }
      this.bytesSinceLastIndexEntry += batch.size;
    }
  }

  /**
   * The first batch whose last offset is >= offset, found from the index entry at or below
   * offset (or `startingPosition`, when later) by scanning batch headers; undefined when no batch
   * of the segment reaches offset.
   */
  async translateOffset(offset: number, startingPosition = 0): Promise<BatchInfo | undefined> {
    const hint = this.positionHints.get(offset);
    const from = Math.max(
      hint !== undefined && hint < this.bytes ? hint : this.offsetIndex.lookup(offset).position,
      startingPosition,
    );
    return this.withFile(async () => {
      const reader = new FileBatchReader(this.fh, from, this.bytes);
      for (let batch = await reader.next(); batch; batch = await reader.next()) {
        if (batch.lastOffset >= offset) return batch;
      }
      return undefined;
    });
  }

  /**
   * Reads batches from the one holding `startOffset`: at most `maxSize` bytes, never past
   * `maxPosition`, always ending on a batch boundary. When the first batch alone is larger than
   * `maxSize`, it is returned whole if `minOneBatch` (as Kafka does, so a consumer can always
   * make progress) and nothing is returned otherwise. Undefined when no batch of the segment
   * reaches `startOffset`.
   */
  async read(
    startOffset: number,
    maxSize: number,
    maxPosition = this.bytes,
    minOneBatch = false,
  ): Promise<Buffer | undefined> {
    const hint = this.positionHints.get(startOffset);
    let startPosition: number;
    if (hint !== undefined && hint < this.bytes) startPosition = hint;
    else {
      const batch = await this.translateOffset(startOffset);
      if (!batch) return undefined;
      startPosition = batch.position;
    }
    const limit = Math.min(maxPosition, this.bytes);
    if (startPosition >= limit) return Buffer.alloc(0);
    const buf = await this.readAt(startPosition, Math.min(maxSize, limit - startPosition));
    const { length, lastStart } = completeBatches(buf);
    if (length > 0) {
      const last = batchInfoAt(buf, lastStart, startPosition + lastStart);
      this.addPositionHint(last.lastOffset + 1, startPosition + length);
      return buf.subarray(0, length);
    }
    if (!minOneBatch) return Buffer.alloc(0);
    const header =
      buf.length >= LOG_OVERHEAD ? buf : await this.readAt(startPosition, LOG_OVERHEAD);
    if (header.length < LOG_OVERHEAD) return Buffer.alloc(0);
    const firstSize = LOG_OVERHEAD + header.readInt32BE(BATCH_LENGTH_OFFSET);
    if (firstSize < RECORD_BATCH_OVERHEAD || startPosition + firstSize > limit) {
      return Buffer.alloc(0);
    }
    const whole = await this.readAt(startPosition, firstSize);
    return whole.length === firstSize ? whole : Buffer.alloc(0);
  }

  /**
   * The first batch at or after `startingOffset` whose largest timestamp is >= targetTimestamp,
   * looked up through the time index; undefined when there is none in this segment.
   */
  async findBatchByTimestamp(
    targetTimestamp: number,
    startingOffset: number,
  ): Promise<BatchInfo | undefined> {
    const fromTimeIndex = this.timeIndex.lookup(targetTimestamp);
    const position = this.offsetIndex.lookup(
      Math.max(fromTimeIndex.offset, startingOffset),
    ).position;
    return this.withFile(async () => {
      const reader = new FileBatchReader(this.fh, position, this.bytes);
      for (let batch = await reader.next(); batch; batch = await reader.next()) {
        if (batch.lastOffset >= startingOffset && batch.maxTimestamp >= targetTimestamp) {
          return batch;
        }
      }
      return undefined;
    });
  }

  /** Reads `length` bytes at `position` into a new Buffer (shorter if the file is shorter). */
  async readAt(position: number, length: number): Promise<Buffer> {
    return this.withFile(async () => {
      const buf = Buffer.allocUnsafe(Math.max(length, 0));
      let got = 0;
      while (got < length) {
        const { bytesRead } = await this.fh.read(buf, got, length - got, position + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    });
  }

  /** The offset after the last batch of the segment (its base offset when empty). */
  async readNextOffset(): Promise<number> {
    return this.withFile(async () => {
      const reader = new FileBatchReader(
        this.fh,
        this.offsetIndex.lastEntry().position,
        this.bytes,
      );
      let next = this.baseOffset;
      for (let batch = await reader.next(); batch; batch = await reader.next()) {
        next = batch.lastOffset + 1;
      }
      return next;
    });
  }

  /**
   * Why the indexes cannot be trusted, or undefined: an index file missing for a non-empty log,
   * a failed check of either index, or a last offset-index entry whose position does not hold a
   * v2 batch starting at or below the entry's offset.
   */
  async indexProblem(): Promise<string | undefined> {
    if (this.bytes > 0 && (this.offsetIndex.createdOnOpen || this.timeIndex.createdOnOpen)) {
      return `index files of segment ${this.logPath} were missing`;
    }
    const problem = this.offsetIndex.problem(this.bytes) ?? this.timeIndex.problem();
    if (problem !== undefined || this.offsetIndex.entries === 0) return problem;
    const last = this.offsetIndex.lastEntry();
    const header = await this.readAt(last.position, RECORD_BATCH_OVERHEAD);
    if (header.length < RECORD_BATCH_OVERHEAD) {
      return `index ${this.offsetIndex.file} points to position ${last.position}, past the last batch`;
    }
    const batch = batchInfoAt(header, 0, last.position);
    if (
      batch.magic !== CURRENT_MAGIC ||
      batch.baseOffset > last.offset ||
      batch.baseOffset < this.baseOffset
    ) {
      return `index ${this.offsetIndex.file} maps offset ${last.offset} to position ${last.position}, which holds no batch for it`;
    }
    return undefined;
  }

  /**
   * Re-validates every batch from the start of the file (complete, magic 2, CRC, offsets
   * increasing and within this segment's range), rebuilds both indexes, and cuts the file at the
   * first batch that fails. `onBatch` sees each valid batch (the log rebuilds its leader epoch
   * cache from it). Returns the number of bytes cut off.
   */
  async recover(onBatch?: (batch: BatchInfo) => void): Promise<number> {
    this.offsetIndex.reset();
    this.timeIndex.reset();
    this.resizeIndexes(this.options.maxIndexSize);
    this.positionHints.clear();
    let maxTimestamp: TimestampOffset = { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
    let validBytes = 0;
    let lastIndexEntry = 0;
    let previousLastOffset = this.baseOffset - 1;
    const fileSize = (await this.fh.stat()).size;
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    scan: while (fileSize - validBytes >= RECORD_BATCH_OVERHEAD) {
      let at = validBytes - chunkStart;
      if (at + LOG_OVERHEAD > chunk.length) {
        chunk = await this.readAt(validBytes, Math.min(RECOVERY_CHUNK, fileSize - validBytes));
        chunkStart = validBytes;
        at = 0;
        if (chunk.length < RECORD_BATCH_OVERHEAD) break;
      }
      const size = LOG_OVERHEAD + chunk.readInt32BE(at + BATCH_LENGTH_OFFSET);
      if (size < RECORD_BATCH_OVERHEAD || size > fileSize - validBytes) break;
      if (at + size > chunk.length) {
        chunk = await this.readAt(
          validBytes,
          Math.max(size, Math.min(RECOVERY_CHUNK, fileSize - validBytes)),
        );
        chunkStart = validBytes;
        at = 0;
        if (chunk.length < size) break;
      }
      const batch = batchInfoAt(chunk, at, validBytes);
      const valid =
        batch.magic === CURRENT_MAGIC &&
        batch.baseOffset > previousLastOffset &&
        batch.lastOffset >= batch.baseOffset &&
        batch.lastOffset - this.baseOffset <= INT32_MAX &&
        isBatchCrcValid(chunk, at, size);
      if (!valid) break scan;
      if (batch.maxTimestamp > maxTimestamp.timestamp) {
        maxTimestamp = { timestamp: batch.maxTimestamp, offset: batch.lastOffset };
      }
      const indexFull = this.offsetIndex.isFull() || this.timeIndex.isFull();
      if (validBytes - lastIndexEntry > this.options.indexIntervalBytes && !indexFull) {
        this.offsetIndex.append(batch.lastOffset, validBytes);
        this.timeIndex.maybeAppend(maxTimestamp.timestamp, maxTimestamp.offset);
        lastIndexEntry = validBytes;
      }
      onBatch?.(batch);
      previousLastOffset = batch.lastOffset;
      validBytes += size;
    }
    const truncated = fileSize - validBytes;
    if (truncated > 0) await this.fh.truncate(validBytes);
    this.bytes = validBytes;
    this.maxTimestampAndOffset = maxTimestamp;
    this.timeIndex.maybeAppend(maxTimestamp.timestamp, maxTimestamp.offset, true);
    this.bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
    if (validBytes === 0) this.rollingBasedTimestamp = undefined;
    if (this.options.preallocate) this.resizeIndexes(this.options.maxIndexSize);
    else {
      this.offsetIndex.trimToValidSize();
      this.timeIndex.trimToValidSize();
    }
    return truncated;
  }

  /**
   * Removes every batch from the one holding `offset` onward (the whole batch, even when offset
   * falls inside it) and the index entries at or past offset. Returns the base offset of the
   * first batch removed, or undefined when no batch reaches offset.
   */
  async truncateTo(offset: number): Promise<number | undefined> {
    this.positionHints.clear();
    const batch = await this.translateOffset(offset);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    if (!batch) return undefined;
    await this.withFile(() => this.fh.truncate(batch.position));
    this.bytes = batch.position;
    this.bytesSinceLastIndexEntry = 0;
    if (this.bytes === 0) {
      this.created = this.options.now();
      this.rollingBasedTimestamp = undefined;
    }
    // The largest timestamp left: the time index's last entry, then the batches after it.
    let maxTimestamp = this.timeIndex.lastEntry();
    const from = this.offsetIndex.lookup(maxTimestamp.offset).position;
    await this.withFile(async () => {
      const reader = new FileBatchReader(this.fh, from, this.bytes);
      for (let b = await reader.next(); b; b = await reader.next()) {
        if (b.maxTimestamp > maxTimestamp.timestamp) {
          maxTimestamp = { timestamp: b.maxTimestamp, offset: b.lastOffset };
        }
      }
    });
    this.maxTimestampAndOffset = maxTimestamp;
    return batch.baseOffset;
  }

  /** Kafka's roll rule: size, age, a full index, or an offset too far from the base. */
  shouldRoll(params: RollParams): boolean {
    const reachedRollMs =
      this.timeWaitedForRoll(params.now, params.maxTimestampInMessages) > params.maxSegmentMs;
    return (
      this.bytes > params.maxSegmentBytes - params.messagesSize ||
      (this.bytes > 0 && reachedRollMs) ||
      this.offsetIndex.isFull() ||
      this.timeIndex.isFull() ||
      !this.canConvertToRelativeOffset(params.maxOffsetInMessages)
    );
  }

  /** Age for segment.ms: from the first batch's timestamp when known, else from creation. */
  timeWaitedForRoll(now: number, messageTimestamp: number): number {
    const first = this.rollingBasedTimestamp;
    return first !== undefined && first >= 0 ? messageTimestamp - first : now - this.created;
  }

  canConvertToRelativeOffset(offset: number): boolean {
    const relative = offset - this.baseOffset;
    return relative >= 0 && relative <= INT32_MAX;
  }

  /** When the segment stops being active: final time-index entry, indexes trimmed. */
  onBecomeInactiveSegment(): void {
    this.timeIndex.maybeAppend(
      this.maxTimestampAndOffset.timestamp,
      this.maxTimestampAndOffset.offset,
      true,
    );
    this.offsetIndex.trimToValidSize();
    this.timeIndex.trimToValidSize();
  }

  resizeIndexes(size: number): void {
    this.offsetIndex.resize(size);
    this.timeIndex.resize(size);
  }

  /** fsyncs the log file and both indexes (SegmentClosedError once the segment is closed). */
  async flush(): Promise<void> {
    await this.withFile(async () => {
      await this.fh.datasync();
      await this.offsetIndex.flush();
      await this.timeIndex.flush();
    });
  }

  /** Renames the three files, e.g. adding `.deleted`; open handles keep working. */
  async changeFileSuffixes(oldSuffix: string, newSuffix: string): Promise<void> {
    const rename = (file: string): string => {
      if (!file.endsWith(oldSuffix)) {
        throw new SamsaError(`file ${file} does not end with ${oldSuffix}`);
      }
      return file.slice(0, file.length - oldSuffix.length) + newSuffix;
    };
    const logPath = rename(this.logPath);
    await fs.rename(this.logPath, logPath);
    this.logPath = logPath;
    await this.offsetIndex.renameTo(rename(this.offsetIndex.file));
    await this.timeIndex.renameTo(rename(this.timeIndex.file));
  }

  /** Closes a segment that stays on disk: final time-index entry, indexes trimmed. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.onBecomeInactiveSegment();
    } finally {
      await this.closeHandles();
    }
  }

  /** Closes the files once running reads are done, without touching their contents. */
  async closeHandles(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inflight > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    const results = await Promise.allSettled([
      this.fh.close(),
      this.offsetIndex.close(),
      this.timeIndex.close(),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Closes and removes the three files. */
  async deleteFiles(): Promise<void> {
    await this.closeHandles();
    await Promise.all(
      [this.logPath, this.offsetIndex.file, this.timeIndex.file].map((file) =>
        fs.rm(file, { force: true }),
      ),
    );
  }

  /** Writes `records` at the end of the file; a failed write is cut back off the file. */
  private async writeAtEnd(records: Buffer): Promise<void> {
    const position = this.bytes;
    await this.withFile(async () => {
      try {
        let written = 0;
        while (written < records.length) {
          const { bytesWritten } = await this.fh.write(
            records,
            written,
            records.length - written,
            position + written,
          );
          written += bytesWritten;
        }
      } catch (err) {
        let detail = `error appending to ${this.logPath}: ${(err as Error).message}`;
        try {
          await this.fh.truncate(position);
        } catch (truncateErr) {
          detail += `; cutting the partial write off also failed: ${(truncateErr as Error).message}`;
        }
        throw new KafkaError('KAFKA_STORAGE_ERROR', detail, {}, err);
      }
    });
  }

  private ensureOffsetInRange(offset: number): void {
    if (!this.canConvertToRelativeOffset(offset)) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `Detected offset overflow at offset ${offset} in segment ${this.logPath}`,
      );
    }
  }

  private addPositionHint(offset: number, position: number): void {
    if (this.positionHints.size >= MAX_POSITION_HINTS) {
      const oldest = this.positionHints.keys().next().value as number;
      this.positionHints.delete(oldest);
    }
    this.positionHints.set(offset, position);
  }

  private async withFile<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new SegmentClosedError(`segment ${this.logPath} is closed`);
    this.inflight++;
    try {
      return await op();
    } finally {
      this.inflight--;
      if (this.inflight === 0 && this.drained.length > 0) {
        for (const resolve of this.drained.splice(0)) resolve();
      }
    }
  }
}
