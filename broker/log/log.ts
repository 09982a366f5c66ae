/**
 * A partition's log: the directory `<log.dir>/<topic>-<partition>/`, an append-only sequence of
 * segments sorted by base offset (log-segment.ts), plus its leader-epoch checkpoint.
 *
 * Offsets the log tracks (Kafka's names):
 * - logStartOffset: the first offset a consumer may read. It moves forward when retention
 *   deletes old segments or DeleteRecords asks; it may sit inside the first segment.
 * - logEndOffset (LEO): the offset the next appended record gets.
 * - recoveryPoint: everything below it has been fsynced. After an unclean shutdown the log
 *   re-validates the segments from the one holding the recovery point to the end.
 * - highWatermark: maintained by the caller (the replica manager), kept here within
 *   [logStartOffset, LEO]; retention never deletes a segment above it.
 *
 * Appends take whole batch buffers. A leader append validates every batch header and CRC
 * (append-validation.ts), assigns offsets by rewriting each batch's baseOffset in place and
 * stamps the leader epoch (neither is covered by the CRC), and writes the buffer with one write.
 * A follower append keeps the leader's offsets and epochs. Records are never decoded on these
 * paths. The log rolls to a new segment on `segment.bytes`, `segment.ms` (minus a random share
 * of `segment.jitter.ms`), a full index, or an offset too far from the segment's base offset.
 *
 * Reads return the bytes of whole batches straight from a segment file: from the batch holding
 * the start offset, ending on a batch boundary, bounded by max bytes and an optional max offset.
 *
 * Deleting a segment (retention, truncation) first renames its files with the `.deleted`
 * suffix, then closes and removes them after `file.delete.delay.ms` (Kafka's asynchronous
 * delete), so reads already running on it finish; closing the log removes them at once, and
 * opening a log removes any `.deleted` file left by a crash.
 *
 * Compaction (cleanup.policy=compact): the log cleaner (log-cleaner.ts) rewrites non-active
 * segments into `.cleaned` files and swaps them in with `replaceSegments`, which renames them to
 * `.swap`, renames the segments they replace to `.deleted`, then drops the `.swap` suffix, so a
 * crash at any point loses nothing: opening a log removes `.cleaned` files (an unfinished
 * cleaning) and completes any `.swap` (it replaces the segments whose base offsets it covers).
 * A truncation first stops a running cleaning of the log through `cleanerHooks`, and a leader
 * append to a compacted log refuses records without a key.
 *
 * Mutations (appends, roll, truncation, retention, segment swaps, close) run one at a time through
 * an async lock; reads run concurrently and see only completed appends.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { KafkaError, SamsaError } from '../../client/errors';
import { type Logger, logger } from '../../client/logging';
import {
  LAST_OFFSET_DELTA_OFFSET,
  setBaseOffset,
  setPartitionLeaderEpoch,
} from '../../client/record/batch-header';
import { decodeRecordBatch } from '../../client/record/record-batch';
import { analyzeAndValidate, checkRecordKeys } from './append-validation';
import { forEachBatch } from './batch-scanner';
import { LeaderEpochFileCache, type EpochEntry } from './leader-epoch-cache';
import type { LogConfig } from './log-config';
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  LEADER_EPOCH_CHECKPOINT_FILE,
  SWAP_FILE_SUFFIX,
  type TopicPartition,
  logFileName,
  offsetIndexFileName,
  parseSegmentFileName,
  timeIndexFileName,
  topicPartitionName,
} from './log-files';
import { LogSegment, SegmentClosedError } from './log-segment';

/** ListOffsets' special timestamps (Kafka's ListOffsetsRequest.LATEST/EARLIEST_TIMESTAMP). */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

export interface LogOptions {
  /** The partition directory, `<log.dir>/<topic>-<partition>`. */
  dir: string;
  topicPartition: TopicPartition;
  config: LogConfig;
  /** From recovery-point-offset-checkpoint (0 when unknown). */
  recoveryPoint?: number;
  /** From log-start-offset-checkpoint (0 when unknown). */
  logStartOffset?: number;
  /** Whether the log dir had its clean-shutdown marker; otherwise the log is recovered. */
  hadCleanShutdown?: boolean;
  /** Wall clock in ms (record timestamps and segment ages are wall-clock times). */
  now?: () => number;
  /** The log cleaner's part in truncations (set by the LogManager when its cleaner runs). */
  cleanerHooks?: LogCleanerHooks;
}

/**
 * How a log tells the log cleaner about truncations (Kafka's LogManager.truncateTo does this
 * around the truncation; here the log does it itself, since the replica fetcher truncates it
 * directly).
 */
export interface LogCleanerHooks {
  /** Before a truncation: stops a running cleaning of the log and holds off new ones. */
  pauseForTruncation(tp: TopicPartition): Promise<void>;
  /**
   * After it, done or failed: cleaning may resume. `activeSegmentBase` is the active segment's
   * base offset when something was cut: the cleaner's checkpoint may not stay past it.
   */
  resumeAfterTruncation(tp: TopicPartition, activeSegmentBase: number | undefined): Promise<void>;
}

/** What `replaceSegments` may be told. */
export interface ReplaceSegmentsOptions {
  /** Checked under the log's lock before anything is renamed: true stops the swap. */
  isAborted?: () => boolean;
  /** Called after each step of the swap, with its name (a test injects crashes here). */
  onStep?: (step: string) => Promise<void>;
}

/** What an append did. */
export interface LogAppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** Largest batch maxTimestamp appended, or -1. */
  maxTimestamp: number;
  /** Last offset of the batch holding maxTimestamp, or -1. */
  offsetOfMaxTimestamp: number;
  /** Kafka's logAppendTime: -1, since samsa keeps CreateTime as the producer set it. */
  logAppendTime: number;
  logStartOffset: number;
  batchCount: number;
  recordCount: number;
  validBytes: number;
}

export interface ReadOptions {
  /** Serve no batch holding this offset or a later one (e.g. the high watermark). */
  maxOffset?: number;
  /** Return the first batch whole even when it is larger than maxBytes. */
  minOneBatch?: boolean;
}

export interface LogReadResult {
  /** Whole batches, from the one holding the fetch offset; empty when there is nothing. */
  records: Buffer;
  fetchOffset: number;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
  /** Leader epoch of the batch holding the offset, when known. */
  leaderEpoch?: number;
}

/** A follower append whose batches do not strictly increase. */
export class OffsetsOutOfOrderError extends SamsaError {}

/** A cleaning stopped before its swap (aborted, or the segments changed meanwhile). */
export class LogCleaningAbortedError extends SamsaError {}

/** A follower append that starts below the log end offset. */
export class UnexpectedAppendOffsetError extends SamsaError {
  constructor(
    message: string,
    readonly firstOffset: number,
    readonly lastOffset: number,
  ) {
    super(message);
  }
}

const INT32_MAX = 0x7fff_ffff;

/** Runs async operations one at a time, in call order. */
class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

export class Log {
  private segments: LogSegment[];
  private nextOffset = 0;
  private startOffset: number;
  private recoveryPointOffset: number;
  private hw: number;
  private lastFlushed: number;
  private truncations = 0;
  private closed = false;
  private readonly lock = new AsyncLock();
  private readonly pendingDeletes = new Set<{ segment: LogSegment; timer?: NodeJS.Timeout }>();
  private readonly rollJitterMs: number;
  private readonly now: () => number;
  private readonly log: Logger;
  private epochCache!: LeaderEpochFileCache;

  /**
   * Opens (creating if needed) the log in `options.dir`: removes leftover `.deleted` files and
   * orphaned indexes, opens the segments, rebuilds any index that fails its sanity check,
   * recovers the segments from the recovery point on when the shutdown was not clean, and loads
   * the leader-epoch cache.
   */
  static async open(options: LogOptions): Promise<Log> {
    await fs.mkdir(options.dir, { recursive: true });
    const log = new Log(options);
    await log.load(options);
    return log;
  }

  private constructor(private readonly options: LogOptions) {
    this.config = options.config;
    this.now = options.now ?? Date.now;
    this.startOffset = options.logStartOffset ?? 0;
    this.recoveryPointOffset = options.recoveryPoint ?? 0;
    this.hw = 0;
    this.lastFlushed = this.now();
    this.segments = [];
    this.rollJitterMs =
      options.config.segmentJitterMs > 0
        ? Math.floor(Math.random() * options.config.segmentJitterMs)
        : 0;
    this.log = logger(
      `Log partition=${topicPartitionName(options.topicPartition)}, dir=${path.dirname(options.dir)}`,
    );
  }

  /** The log's configuration; replace it with `updateConfig`. */
  config: LogConfig;

  get dir(): string {
    return this.options.dir;
  }

  get topicPartition(): TopicPartition {
    return this.options.topicPartition;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get logEndOffset(): number {
    return this.nextOffset;
  }

  get recoveryPoint(): number {
    return this.recoveryPointOffset;
  }

  get highWatermark(): number {
    return this.hw;
  }

  get leaderEpochCache(): LeaderEpochFileCache {
    return this.epochCache;
  }

  /** When the log was last fsynced (wall clock ms). */
  get lastFlushTime(): number {
    return this.lastFlushed;
  }

  /** Messages appended since the last flush. */
  get unflushedMessages(): number {
    return this.nextOffset - this.recoveryPointOffset;
  }

  /** Total bytes of all segments. */
  get size(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  get numberOfSegments(): number {
    return this.segments.length;
  }

  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /** The segments, oldest first (a snapshot). */
  logSegments(): readonly LogSegment[] {
    return this.segments;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  /**
   * Sets the high watermark, kept within [logStartOffset, logEndOffset]; returns the value set.
   */
  updateHighWatermark(offset: number): number {
    this.hw = Math.min(Math.max(offset, this.startOffset), this.nextOffset);
    return this.hw;
  }

  // ---------------------------------------------------------------------------------------------
  // Appends

  /**
   * Appends the batches of `records` as the partition leader: validates them (nothing is written
   * when any batch is bad; on a compacted log every record needs a key), assigns offsets from the
   * log end offset and stamps `leaderEpoch`, both in place in `records`, then writes them with
   * one write.
   */
  async appendAsLeader(records: Buffer, leaderEpoch: number): Promise<LogAppendInfo> {
    const analysis = analyzeAndValidate(
      records,
      'leader',
      this.config.maxMessageBytes,
      this.options.topicPartition,
    );
    if (this.config.compact) await checkRecordKeys(records, this.options.topicPartition);
    return this.lock.run(async () => {
      this.checkOpen();
      if (analysis.batchCount === 0) return this.emptyAppend();
      this.checkRecordListSize(records.length);
      const firstOffset = this.nextOffset;
      let offset = firstOffset;
      let maxTimestamp = -1;
      let offsetOfMaxTimestamp = -1;
      forEachBatch(records, (batch) => {
        setBaseOffset(records, batch.position, offset);
        setPartitionLeaderEpoch(records, batch.position, leaderEpoch);
        const lastOffset = offset + records.readInt32BE(batch.position + LAST_OFFSET_DELTA_OFFSET);
        if (batch.maxTimestamp > maxTimestamp) {
          maxTimestamp = batch.maxTimestamp;
          offsetOfMaxTimestamp = lastOffset;
        }
        offset = lastOffset + 1;
      });
      const lastOffset = offset - 1;
      await this.appendValidated(
        records,
        firstOffset,
        lastOffset,
        maxTimestamp,
        offsetOfMaxTimestamp,
      );
      if (leaderEpoch >= 0) await this.epochCache.assign(leaderEpoch, firstOffset);
      return this.appendInfo(
        analysis,
        firstOffset,
        lastOffset,
        maxTimestamp,
        offsetOfMaxTimestamp,
        records.length,
      );
    });
  }

  /**
   * Appends batches fetched from the leader, keeping their offsets and leader epochs. They must
   * strictly increase and start at or after the log end offset.
   */
  async appendAsFollower(records: Buffer): Promise<LogAppendInfo> {
    const analysis = analyzeAndValidate(
      records,
      'follower',
      this.config.maxMessageBytes,
      this.options.topicPartition,
    );
    return this.lock.run(async () => {
      this.checkOpen();
      if (analysis.batchCount === 0) return this.emptyAppend();
      const name = topicPartitionName(this.options.topicPartition);
      if (!analysis.offsetsMonotonic) {
        throw new OffsetsOutOfOrderError(
          `Out of order offsets found in append to ${name}: batches from ${analysis.firstOffset} to ${analysis.lastOffset} do not strictly increase`,
        );
      }
      if (analysis.firstOffset < this.nextOffset) {
        throw new UnexpectedAppendOffsetError(
          `Unexpected offset in append to ${name}. First offset ${analysis.firstOffset} is less than the next offset ${this.nextOffset}. ` +
            `Last offset in append: ${analysis.lastOffset}.`,
          analysis.firstOffset,
          analysis.lastOffset,
        );
      }
      this.checkRecordListSize(records.length);
      const epochs: EpochEntry[] = [];
      forEachBatch(records, (batch) => {
        const latest = epochs[epochs.length - 1]?.epoch ?? this.epochCache.latestEpoch() ?? -1;
        if (batch.partitionLeaderEpoch >= 0 && batch.partitionLeaderEpoch !== latest) {
          epochs.push({ epoch: batch.partitionLeaderEpoch, startOffset: batch.baseOffset });
        }
      });
      await this.appendValidated(
        records,
        analysis.firstOffset,
        analysis.lastOffset,
        analysis.maxTimestamp,
        analysis.offsetOfMaxTimestamp,
      );
      for (const e of epochs) await this.epochCache.assign(e.epoch, e.startOffset);
      return this.appendInfo(
        analysis,
        analysis.firstOffset,
        analysis.lastOffset,
        analysis.maxTimestamp,
        analysis.offsetOfMaxTimestamp,
        records.length,
      );
    });
  }

  /**
   * Records that a new leader epoch starts at `startOffset` (a new leader calls this with its
   * log end offset, KAFKA-7415).
   */
  async assignEpochStartOffset(epoch: number, startOffset: number): Promise<void> {
    await this.lock.run(async () => {
      this.checkOpen();
      await this.epochCache.assign(epoch, startOffset);
    });
  }

  /** The latest leader epoch in the cache, if any. */
  latestEpoch(): number | undefined {
    return this.epochCache.latestEpoch();
  }

  /** OffsetsForLeaderEpoch: undefined when the epoch's end offset is unknown. */
  endOffsetForEpoch(leaderEpoch: number): { epoch: number; endOffset: number } | undefined {
    const result = this.epochCache.endOffsetFor(leaderEpoch);
    return result.endOffset === -1 ? undefined : result;
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /**
   * Reads whole batches from the one holding `startOffset`: at most `maxBytes` (except the first
   * batch with `minOneBatch`), from a single segment, ending on a batch boundary and before the
   * batch holding `maxOffset`. OFFSET_OUT_OF_RANGE when startOffset is below the log start
   * offset or above the log end offset.
   */
  async read(
    startOffset: number,
    maxBytes: number,
    options: ReadOptions = {},
  ): Promise<LogReadResult> {
    try {
      return await this.readOnce(startOffset, maxBytes, options);
    } catch (err) {
      // A segment deleted while the read was starting: answer from the new state.
      if (err instanceof SegmentClosedError) return this.readOnce(startOffset, maxBytes, options);
      throw err;
    }
  }

  private async readOnce(
    startOffset: number,
    maxBytes: number,
    options: ReadOptions,
  ): Promise<LogReadResult> {
    this.checkOpen();
    const segments = this.segments;
    const endOffset = this.nextOffset;
    const result = (records: Buffer): LogReadResult => ({
      records,
      fetchOffset: startOffset,
      logStartOffset: this.startOffset,
      logEndOffset: this.nextOffset,
      highWatermark: this.hw,
    });
    if (startOffset > endOffset || startOffset < this.startOffset) {
      throw new KafkaError(
        'OFFSET_OUT_OF_RANGE',
        `Received request for offset ${startOffset} for partition ${topicPartitionName(this.options.topicPartition)}, ` +
          `but we only have log segments in the range ${this.startOffset} to ${endOffset}.`,
        this.options.topicPartition,
      );
    }
    const { maxOffset, minOneBatch = false } = options;
    if (startOffset === endOffset || (maxOffset !== undefined && startOffset >= maxOffset)) {
      return result(Buffer.alloc(0));
    }
    for (let i = floorSegmentIndex(segments, startOffset); i < segments.length; i++) {
      const segment = segments[i];
      const next = segments[i + 1];
      let maxPosition = segment.size;
      if (
        maxOffset !== undefined &&
        maxOffset < endOffset &&
        (!next || next.baseOffset > maxOffset)
      ) {
        const bound = await segment.translateOffset(maxOffset);
        if (bound) maxPosition = bound.position;
      }
      const records = await segment.read(startOffset, maxBytes, maxPosition, minOneBatch);
      if (records !== undefined) return result(records);
    }
    return result(Buffer.alloc(0));
  }

  /**
   * ListOffsets by timestamp: the first record at or after `targetTimestamp` (offset and
   * timestamp), found through the time indexes and by decoding the one batch holding it; -1
   * (LATEST) gives the log end offset, -2 (EARLIEST) the log start offset. Undefined when no
   * record is that late.
   */
  async fetchOffsetByTimestamp(targetTimestamp: number): Promise<TimestampAndOffset | undefined> {
    this.checkOpen();
    if (targetTimestamp === EARLIEST_TIMESTAMP) {
      return {
        timestamp: -1,
        offset: this.startOffset,
        leaderEpoch: this.epochCache.epochForOffset(this.startOffset),
      };
    }
    if (targetTimestamp === LATEST_TIMESTAMP) {
      return { timestamp: -1, offset: this.nextOffset, leaderEpoch: this.epochCache.latestEpoch() };
    }
    const segment = this.segments.find((s) => s.largestTimestamp >= targetTimestamp);
    if (!segment) return undefined;
    const batch = await segment.findBatchByTimestamp(targetTimestamp, this.startOffset);
    if (!batch) return undefined;
    const bytes = await segment.readAt(batch.position, batch.size);
    const decoded = await decodeRecordBatch(bytes, { verifyCrc: false });
    const record = decoded.records.find(
      (r) => r.timestamp >= targetTimestamp && r.offset >= this.startOffset,
    );
    if (!record) return undefined;
    const leaderEpoch = batch.partitionLeaderEpoch >= 0 ? batch.partitionLeaderEpoch : undefined;
    return { timestamp: record.timestamp, offset: record.offset, leaderEpoch };
  }

  // ---------------------------------------------------------------------------------------------
  // Roll, flush, retention

  /** Rolls to a new active segment at the log end offset (unless the active one is empty). */
  async roll(): Promise<LogSegment> {
    return this.lock.run(async () => {
      this.checkOpen();
      return this.rollLocked(this.nextOffset);
    });
  }

  /**
   * fsyncs the segments holding offsets from the recovery point up to `offset` (default: the log
   * end offset) and moves the recovery point there.
   */
  async flush(offset = this.nextOffset): Promise<void> {
    if (offset <= this.recoveryPointOffset || this.closed) return;
    const generation = this.truncations;
    const from = this.recoveryPointOffset;
    const segments = this.segments;
    for (let i = floorSegmentIndex(segments, from); i < segments.length; i++) {
      if (segments[i].baseOffset >= offset) break;
      try {
        await segments[i].flush();
      } catch (err) {
        // A segment deleted meanwhile (retention, truncation) needs no flush.
        if (!(err instanceof SegmentClosedError)) throw err;
      }
    }
    if (
      generation === this.truncations &&
      offset > this.recoveryPointOffset &&
      offset <= this.nextOffset
    ) {
      this.recoveryPointOffset = offset;
      this.lastFlushed = this.now();
    }
  }

  /**
   * Deletes whole segments that retention no longer keeps: older than `retention.ms` (by their
   * largest timestamp) or beyond `retention.bytes` (oldest first) when cleanup.policy includes
   * delete, and in any case those entirely below the log start offset. Only segments below the
   * high watermark go, and the active segment only when all others go too (a new empty one is
   * rolled first). Advances the log start offset. Returns the number of segments deleted.
   */
  async deleteOldSegments(): Promise<number> {
    return this.lock.run(async () => {
      this.checkOpen();
      let deleted = 0;
      const { retentionMs, retentionBytes } = this.config;
      if (this.config.delete && retentionMs >= 0) {
        const now = this.now();
        deleted += await this.deleteSegmentsMatching(
          (segment) => now - segment.largestTimestamp > retentionMs,
          `retention time ${retentionMs}ms breach`,
        );
      }
      const size = this.size;
      if (this.config.delete && retentionBytes >= 0 && size >= retentionBytes) {
        let excess = size - retentionBytes;
        deleted += await this.deleteSegmentsMatching((segment) => {
          if (excess - segment.size < 0) return false;
          excess -= segment.size;
          return true;
        }, `retention size in bytes ${retentionBytes} breach`);
      }
      deleted += await this.deleteSegmentsMatching(
        (_, next) => next !== undefined && next.baseOffset <= this.startOffset,
        `log start offset ${this.startOffset} breach`,
      );
      return deleted;
    });
  }

  /**
   * Moves the log start offset forward (DeleteRecords); it may not pass the high watermark.
   * Segments entirely below it are deleted by the next retention pass.
   */
  async maybeIncrementLogStartOffset(offset: number): Promise<boolean> {
    return this.lock.run(async () => {
      this.checkOpen();
      if (offset > this.hw) {
        throw new KafkaError(
          'OFFSET_OUT_OF_RANGE',
          `Cannot increment the log start offset to ${offset} of partition ${topicPartitionName(this.options.topicPartition)} ` +
            `since it is larger than the high watermark ${this.hw}`,
          this.options.topicPartition,
        );
      }
      return this.advanceLogStartOffset(offset);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Truncation (replication)

  /**
   * Removes everything at or after `targetOffset` (a follower diverging from its leader). The
   * batch holding targetOffset goes whole, so the log end offset may end below it. Returns
   * whether anything was removed.
   */
  async truncateTo(targetOffset: number): Promise<boolean> {
    if (targetOffset < 0) {
      throw new SamsaError(
        `Cannot truncate partition ${this.name} to a negative offset (${targetOffset}).`,
      );
    }
    // As Kafka, the cleaner is stopped only when the cut reaches below the active segment: it
    // never works on the active segment or later ones.
    const belowActive = !this.closed && targetOffset < this.activeSegment.baseOffset;
    return this.whilePausedForTruncation(belowActive, () =>
      this.lock.run(async () => {
        this.checkOpen();
        if (targetOffset >= this.nextOffset) {
          // Nothing to cut, but an epoch this replica started as leader without writing to it
          // must still go (Kafka's Log.truncateTo does the same).
          await this.epochCache.truncateFromEnd(this.nextOffset);
          return false;
        }
        this.log.info(`Truncating to offset ${targetOffset}`);
        if (this.segments[0].baseOffset > targetOffset) {
          await this.truncateFullyAndStartAtLocked(targetOffset);
          return true;
        }
        this.truncations++;
        const keep = this.segments.filter((s) => s.baseOffset <= targetOffset);
        const removed = this.segments.filter((s) => s.baseOffset > targetOffset);
        this.segments = keep;
        for (const segment of removed) await this.scheduleDelete(segment);
        const active = this.activeSegment;
        const cut = await active.truncateTo(targetOffset);
        active.resizeIndexes(this.config.segmentIndexBytes);
        this.nextOffset = cut ?? targetOffset;
        this.recoveryPointOffset = Math.min(this.recoveryPointOffset, this.nextOffset);
        this.startOffset = Math.min(this.startOffset, this.nextOffset);
        this.hw = Math.min(this.hw, this.nextOffset);
        await this.epochCache.truncateFromEnd(this.nextOffset);
        return true;
      }),
    );
  }

  /** Deletes every segment and restarts the log, empty, at `newOffset`. */
  async truncateFullyAndStartAt(newOffset: number): Promise<void> {
    await this.whilePausedForTruncation(true, () =>
      this.lock.run(async () => {
        this.checkOpen();
        await this.truncateFullyAndStartAtLocked(newOffset);
        return true;
      }),
    );
  }

  /**
   * Runs a truncation (resolving to whether it cut anything), with the log's cleaning paused
   * through `cleanerHooks` when `pause`, and resumes it after.
   */
  private async whilePausedForTruncation(
    pause: boolean,
    truncate: () => Promise<boolean>,
  ): Promise<boolean> {
    const hooks = this.options.cleanerHooks;
    if (!hooks || !pause) return truncate();
    await hooks.pauseForTruncation(this.options.topicPartition);
    let cut = false;
    try {
      cut = await truncate();
      return cut;
    } finally {
      await hooks.resumeAfterTruncation(
        this.options.topicPartition,
        cut ? this.activeSegment.baseOffset : undefined,
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Compaction: cleaned segments

  /**
   * Opens a new segment at `baseOffset` with files named `<base>.log.cleaned` (and indexes), for
   * the cleaner to write into; leftovers of an earlier attempt under those names are removed.
   */
  async createCleanedSegment(baseOffset: number): Promise<LogSegment> {
    this.checkOpen();
    await removeStaleFiles(this.options.dir, baseOffset, CLEANED_FILE_SUFFIX);
    return LogSegment.open(
      this.options.dir,
      baseOffset,
      this.segmentOptions(true),
      CLEANED_FILE_SUFFIX,
    );
  }

  /**
   * Swaps `cleaned` (a segment from `createCleanedSegment`, complete and flushed) in for
   * `oldSegments`, consecutive non-active segments of this log starting at its base offset, under
   * the log's lock (Kafka's replaceSegments):
   * 1. the cleaned segment's files are renamed from `.cleaned` to `.swap`;
   * 2. each old segment's files are renamed to `.deleted` (reads already running on them go on);
   * 3. the `.swap` suffix is dropped and the log's segment list changes;
   * 4. the old segments' files are removed after file.delete.delay.ms.
   * A crash between any two renames is completed by the next `open` (see `load`). Throws
   * LogCleaningAbortedError, having renamed nothing, when `isAborted()` says so or when the old
   * segments are no longer all in the log (a truncation or retention removed some meanwhile).
   */
  async replaceSegments(
    cleaned: LogSegment,
    oldSegments: readonly LogSegment[],
    options: ReplaceSegmentsOptions = {},
  ): Promise<void> {
    await this.lock.run(async () => {
      this.checkOpen();
      if (options.isAborted?.() === true) {
        throw new LogCleaningAbortedError(`cleaning of ${this.name} was aborted`);
      }
      const first = this.segments.indexOf(oldSegments[0]);
      const changed =
        first < 0 ||
        cleaned.baseOffset !== oldSegments[0].baseOffset ||
        first + oldSegments.length >= this.segments.length ||
        oldSegments.some((segment, i) => this.segments[first + i] !== segment);
      if (changed) {
        throw new LogCleaningAbortedError(
          `segments of ${this.name} from offset ${oldSegments[0].baseOffset} changed while they were cleaned`,
        );
      }
      const step = async (name: string): Promise<void> => {
        await options.onStep?.(name);
      };
      await cleaned.changeFileSuffixes(CLEANED_FILE_SUFFIX, SWAP_FILE_SUFFIX);
      await step('cleaned segment renamed to .swap');
      for (const segment of oldSegments) {
        await segment.changeFileSuffixes('', DELETED_FILE_SUFFIX);
        await step(`old segment ${segment.baseOffset} renamed to .deleted`);
      }
      await cleaned.changeFileSuffixes(SWAP_FILE_SUFFIX, '');
      this.segments = [
        ...this.segments.slice(0, first),
        cleaned,
        ...this.segments.slice(first + oldSegments.length),
      ];
      for (const segment of oldSegments) this.deleteAfterDelay(segment);
      await step('.swap suffix dropped');
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Close and delete

  /**
   * Closes the log: the active segment gets its final time-index entry and trimmed indexes, and
   * segments waiting for deletion are removed now.
   */
  async close(): Promise<void> {
    await this.lock.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.runPendingDeletes();
      const results = await Promise.allSettled(this.segments.map((s) => s.close()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private get name(): string {
    return topicPartitionName(this.options.topicPartition);
  }

  private checkOpen(): void {
    if (this.closed) {
      throw new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `log of ${this.name} in ${this.options.dir} is closed`,
        this.options.topicPartition,
      );
    }
  }

  private checkRecordListSize(size: number): void {
    if (size > this.config.segmentBytes) {
      throw new KafkaError(
        'RECORD_LIST_TOO_LARGE',
        `Message batch size is ${size} bytes in append to partition ${this.name}, which exceeds the maximum configured segment size of ${this.config.segmentBytes}.`,
        this.options.topicPartition,
      );
    }
  }

  private emptyAppend(): LogAppendInfo {
    return {
      firstOffset: this.nextOffset,
      lastOffset: this.nextOffset - 1,
      maxTimestamp: -1,
      offsetOfMaxTimestamp: -1,
      logAppendTime: -1,
      logStartOffset: this.startOffset,
      batchCount: 0,
      recordCount: 0,
      validBytes: 0,
    };
  }

  private appendInfo(
    analysis: { batchCount: number; recordCount: number },
    firstOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    offsetOfMaxTimestamp: number,
    validBytes: number,
  ): LogAppendInfo {
    return {
      firstOffset,
      lastOffset,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTime: -1,
      logStartOffset: this.startOffset,
      batchCount: analysis.batchCount,
      recordCount: analysis.recordCount,
      validBytes,
    };
  }

  /** Rolls when needed, appends with one write, advances the LEO, flushes per flush.messages. */
  private async appendValidated(
    records: Buffer,
    firstOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    offsetOfMaxTimestamp: number,
  ): Promise<void> {
    if (lastOffset - firstOffset > INT32_MAX) {
      throw new KafkaError(
        'CORRUPT_MESSAGE',
        `append to ${this.name} spans offsets ${firstOffset} to ${lastOffset}, too many for one segment`,
        this.options.topicPartition,
      );
    }
    let segment = this.activeSegment;
    const now = this.now();
    if (
      segment.shouldRoll({
        maxSegmentBytes: this.config.segmentBytes,
        maxSegmentMs: this.config.segmentMs - this.rollJitterMs,
        maxTimestampInMessages: maxTimestamp,
        maxOffsetInMessages: lastOffset,
        messagesSize: records.length,
        now,
      })
    ) {
      segment = await this.rollLocked(firstOffset);
    }
    await segment.append(records, firstOffset, lastOffset, maxTimestamp, offsetOfMaxTimestamp);
    this.nextOffset = lastOffset + 1;
    if (this.unflushedMessages >= this.config.flushMessages) await this.flush();
  }

  /** Makes a new active segment at `newOffset`; the old one becomes read-only. */
  private async rollLocked(newOffset: number): Promise<LogSegment> {
    const active = this.activeSegment;
    if (active.size === 0 && active.baseOffset === newOffset) return active;
    if (newOffset < active.baseOffset || (newOffset === active.baseOffset && active.size > 0)) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `Trying to roll a new log segment for ${this.name} with start offset ${newOffset} while it already exists.`,
        this.options.topicPartition,
      );
    }
    if (active.size === 0) {
      this.segments = this.segments.slice(0, -1);
      await active.deleteFiles();
    } else {
      active.onBecomeInactiveSegment();
    }
    await removeStaleFiles(this.options.dir, newOffset);
    const segment = await LogSegment.open(this.options.dir, newOffset, this.segmentOptions(true));
    this.segments = [...this.segments, segment];
    this.log.info(`Rolled new log segment at offset ${newOffset}`);
    this.flushInBackground(newOffset);
    return segment;
  }

  /** Flushes the segments below a roll point without holding up appends. */
  private flushInBackground(offset: number): void {
    this.flush(offset).catch((err: unknown) => {
      this.log.error(`Error flushing log up to offset ${offset}: ${(err as Error).message}`);
    });
  }

  private async deleteSegmentsMatching(
    predicate: (segment: LogSegment, next: LogSegment | undefined) => boolean,
    reason: string,
  ): Promise<number> {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i];
      const next = this.segments[i + 1];
      const upperBound = next ? next.baseOffset : this.nextOffset;
      const lastAndEmpty = !next && segment.size === 0;
      if (this.hw >= upperBound && !lastAndEmpty && predicate(segment, next)) {
        deletable.push(segment);
      } else break;
    }
    if (deletable.length === 0) return 0;
    if (deletable.length === this.segments.length) await this.rollLocked(this.nextOffset);
    this.segments = this.segments.slice(deletable.length);
    for (const segment of deletable) {
      this.log.info(
        `Deleting segment ${segment.baseOffset} due to ${reason} (size ${segment.size}, largest timestamp ${segment.largestTimestamp})`,
      );
      await this.scheduleDelete(segment);
    }
    await this.advanceLogStartOffset(this.segments[0].baseOffset);
    return deletable.length;
  }

  private async advanceLogStartOffset(offset: number): Promise<boolean> {
    if (offset <= this.startOffset) return false;
    this.startOffset = offset;
    if (this.hw < offset) this.hw = offset;
    if (this.recoveryPointOffset < offset) this.recoveryPointOffset = offset;
    await this.epochCache.truncateFromStart(offset);
    return true;
  }

  private async truncateFullyAndStartAtLocked(newOffset: number): Promise<void> {
    this.log.info(`Truncating and starting at offset ${newOffset}`);
    this.truncations++;
    const old = this.segments;
    this.segments = [];
    for (const segment of old) await this.scheduleDelete(segment);
    await removeStaleFiles(this.options.dir, newOffset);
    this.segments = [await LogSegment.open(this.options.dir, newOffset, this.segmentOptions(true))];
    this.nextOffset = newOffset;
    this.startOffset = newOffset;
    this.recoveryPointOffset = newOffset;
    this.hw = newOffset;
    await this.epochCache.clearAndFlush();
  }

  /** Renames the segment's files to `.deleted` now and removes them after file.delete.delay.ms. */
  private async scheduleDelete(segment: LogSegment): Promise<void> {
    await segment.changeFileSuffixes('', DELETED_FILE_SUFFIX);
    this.deleteAfterDelay(segment);
  }

  /** Closes and removes a segment's (already renamed) files after file.delete.delay.ms. */
  private deleteAfterDelay(segment: LogSegment): void {
    const entry: { segment: LogSegment; timer?: NodeJS.Timeout } = { segment };
    this.pendingDeletes.add(entry);
    entry.timer = setTimeout(() => {
      this.pendingDeletes.delete(entry);
      segment.deleteFiles().catch((err: unknown) => {
        this.log.error(
          `Error deleting segment files of ${segment.file}: ${(err as Error).message}`,
        );
      });
    }, this.config.fileDeleteDelayMs);
    entry.timer.unref();
  }

  private async runPendingDeletes(): Promise<void> {
    const entries = [...this.pendingDeletes];
    this.pendingDeletes.clear();
    for (const entry of entries) clearTimeout(entry.timer);
    await Promise.all(entries.map((e) => e.segment.deleteFiles()));
  }

  private segmentOptions(preallocate: boolean) {
    return {
      indexIntervalBytes: this.config.indexIntervalBytes,
      maxIndexSize: this.config.segmentIndexBytes,
      preallocate,
      now: this.now,
    };
  }

  /**
   * Finishes what a cleaner stopped mid-way left (Kafka does this while loading segments):
   * `.cleaned` files are an unfinished cleaning and are removed; a `<base>.log.swap` is a complete,
   * flushed cleaned segment (index files under `.swap` are dropped and rebuilt from it): it
   * replaces every segment whose base offset lies in [base, the offset after its last batch),
   * which are exactly the old segments it holds records of, then loses its suffix.
   */
  private async completeSwaps(dir: string): Promise<void> {
    const swaps: number[] = [];
    for (const name of await fs.readdir(dir)) {
      const cleaned = name.endsWith(CLEANED_FILE_SUFFIX);
      if (!cleaned && !name.endsWith(SWAP_FILE_SUFFIX)) continue;
      const suffix = cleaned ? CLEANED_FILE_SUFFIX : SWAP_FILE_SUFFIX;
      const parsed = parseSegmentFileName(name.slice(0, name.length - suffix.length));
      if (!parsed) continue;
      if (!cleaned && parsed.kind === 'log') swaps.push(parsed.baseOffset);
      else await fs.rm(path.join(dir, name), { force: true });
    }
    swaps.sort((a, b) => a - b);
    for (const base of swaps) {
      const swap = await LogSegment.open(dir, base, this.segmentOptions(false), SWAP_FILE_SUFFIX);
      try {
        await swap.recover();
        const end = Math.max(await swap.readNextOffset(), base + 1);
        for (const name of await fs.readdir(dir)) {
          const parsed = parseSegmentFileName(name);
          if (parsed && parsed.baseOffset >= base && parsed.baseOffset < end) {
            await fs.rm(path.join(dir, name), { force: true });
          }
        }
        await swap.changeFileSuffixes(SWAP_FILE_SUFFIX, '');
        this.log.info(
          `Completed the swap of cleaned segment ${base}, replacing the segments in [${base}, ${end})`,
        );
      } finally {
        await swap.close();
      }
    }
  }

  private async load(options: LogOptions): Promise<void> {
    const dir = options.dir;
    await this.completeSwaps(dir);
    const names = await fs.readdir(dir);
    const logOffsets: number[] = [];
    const indexFiles: { name: string; baseOffset: number }[] = [];
    for (const name of names) {
      if (name.endsWith(DELETED_FILE_SUFFIX)) {
        await fs.rm(path.join(dir, name), { force: true });
        continue;
      }
      const parsed = parseSegmentFileName(name);
      if (!parsed) continue;
      if (parsed.kind === 'log') logOffsets.push(parsed.baseOffset);
      else indexFiles.push({ name, baseOffset: parsed.baseOffset });
    }
    logOffsets.sort((a, b) => a - b);
    const logSet = new Set(logOffsets);
    for (const { name, baseOffset } of indexFiles) {
      if (!logSet.has(baseOffset)) {
        this.log.warn(
          `Found an orphaned index file ${name}, with no corresponding log file; deleting it`,
        );
        await fs.rm(path.join(dir, name), { force: true });
      }
    }

    this.epochCache = await LeaderEpochFileCache.load(
      path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE),
      () => this.nextOffset,
      this.log,
    );

    const segments: LogSegment[] = [];
    try {
      for (let i = 0; i < logOffsets.length; i++) {
        const last = i === logOffsets.length - 1;
        segments.push(await LogSegment.open(dir, logOffsets[i], this.segmentOptions(last)));
      }
    } catch (err) {
      await Promise.allSettled(segments.map((s) => s.closeHandles()));
      throw err;
    }
    this.segments = segments;

    const recovered = new Set<LogSegment>();
    const epochsSeen: EpochEntry[] = [];
    const onBatch = (batch: { partitionLeaderEpoch: number; baseOffset: number }): void => {
      const latest =
        epochsSeen[epochsSeen.length - 1]?.epoch ?? this.epochCache.latestEpoch() ?? -1;
      if (batch.partitionLeaderEpoch > latest) {
        epochsSeen.push({ epoch: batch.partitionLeaderEpoch, startOffset: batch.baseOffset });
      }
    };
    const recoverFrom = async (
      index: number,
      why: string,
      level: 'info' | 'warn',
    ): Promise<boolean> => {
      const segment = this.segments[index];
      this.log.log(level, `Recovering segment ${segment.baseOffset}: ${why}`);
      const truncated = await segment.recover(onBatch);
      recovered.add(segment);
      if (truncated > 0) {
        this.log.warn(
          `Found invalid or incomplete data in segment ${segment.baseOffset}; cut ${truncated} bytes at position ${segment.size}`,
        );
        const later = this.segments.slice(index + 1);
        this.segments = this.segments.slice(0, index + 1);
        for (const s of later) {
          this.log.warn(`Deleting segment ${s.baseOffset}, which follows the invalid data`);
          await s.deleteFiles();
        }
        if (later.length > 0) segment.resizeIndexes(this.config.segmentIndexBytes);
        return true;
      }
      return false;
    };

    if (!options.hadCleanShutdown && this.segments.length > 0) {
      const first = floorSegmentIndex(this.segments, this.recoveryPointOffset);
      this.log.info(`Recovering unflushed segments from offset ${this.segments[first].baseOffset}`);
      for (let i = first; i < this.segments.length; i++) {
        if (await recoverFrom(i, 'unflushed after an unclean shutdown', 'info')) break;
      }
    }
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (recovered.has(segment)) continue;
      const problem = await segment.indexProblem();
      if (problem !== undefined && (await recoverFrom(i, problem, 'warn'))) break;
    }
    for (const e of epochsSeen) await this.epochCache.assign(e.epoch, e.startOffset);

    if (this.segments.length === 0) {
      await removeStaleFiles(dir, this.startOffset);
      this.segments = [await LogSegment.open(dir, this.startOffset, this.segmentOptions(true))];
    }
    this.nextOffset = await this.activeSegment.readNextOffset();
    this.startOffset = Math.max(this.startOffset, this.segments[0].baseOffset);
    if (this.startOffset > this.nextOffset) {
      this.log.warn(
        `Log start offset ${this.startOffset} is past the log end offset ${this.nextOffset}; starting the log empty there`,
      );
      await this.truncateFullyAndStartAtLocked(this.startOffset);
    }
    this.recoveryPointOffset = Math.min(this.recoveryPointOffset, this.nextOffset);
    this.hw = this.startOffset;
    await this.epochCache.truncateFromEnd(this.nextOffset);
    await this.epochCache.truncateFromStart(this.startOffset);
    this.log.info(
      `Loaded log with ${this.segments.length} segments, log start offset ${this.startOffset} and log end offset ${this.nextOffset}`,
    );
  }
}

/** Index of the last segment whose base offset is <= offset (0 when offset is below all). */
function floorSegmentIndex(segments: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (segments[mid].baseOffset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Removes files left at a new segment's names (Kafka deletes them before rolling). */
async function removeStaleFiles(dir: string, baseOffset: number, suffix = ''): Promise<void> {
  await Promise.all(
    [
      logFileName(dir, baseOffset),
      offsetIndexFileName(dir, baseOffset),
      timeIndexFileName(dir, baseOffset),
    ].map((file) => fs.rm(file + suffix, { force: true })),
  );
}
