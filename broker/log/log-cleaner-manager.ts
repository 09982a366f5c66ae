/**
 * Which compacted logs the log cleaner works on, and the state it keeps about them (Kafka 2.8's
 * LogCleanerManager):
 *
 * - The **cleaner checkpoint** of each log: the offset up to which it was last cleaned (its
 *   dirty section starts there), kept in `cleaner-offset-checkpoint` at the top of each log dir,
 *   in the format of the other offset checkpoints (checkpoint-file.ts):
 *
 *       0                 version
 *       1                 number of entries
 *       orders 0 5120     topic partition offset
 *
 *   The cleaner creates the file (with no entries) when it starts, as Kafka does.
 * - **What to clean**: a log's cleanable range runs from its checkpoint (its log start offset
 *   when there is none, or when the checkpoint is outside the log) up to the first uncleanable
 *   offset, the smallest of: the high watermark (Kafka's last stable offset: samsa has no
 *   transactions, so it is the high watermark), the active segment's base offset, and the base
 *   offset of the first segment holding a record newer than `min.compaction.lag.ms`; rounded down
 *   to a segment boundary. Its dirty ratio is the bytes of the cleanable segments over those of
 *   the whole log up to there. The cleaner takes the log with the highest ratio among those whose
 *   ratio is above `min.cleanable.dirty.ratio` (strictly, as Kafka compares it), or whose oldest
 *   dirty segment's first batch is older than `max.compaction.lag.ms` (then any cleanable byte is
 *   enough).
 * - The **cleaning state** of each log, so that retention, truncation and deletion coordinate
 *   with cleaning: in progress (a cleaner thread works on it, or runs its retention), aborted (a
 *   truncation or deletion asked it to stop; the thread stops at its next check), paused (n
 *   callers hold it off). `abortAndPauseCleaning` waits until a running cleaning has stopped.
 * - Logs whose cleaning failed unexpectedly are **uncleanable** until they are deleted or the
 *   broker restarts (Kafka's uncleanablePartitions), so one bad log does not stop the others.
 */
import * as path from 'node:path';
import { SamsaError } from '../../client/errors';
import { logger } from '../../client/logging';
import { OffsetCheckpointFile, type TopicPartitionOffset } from './checkpoint-file';
import { LogCleaningAbortedError, type Log } from './log';
import {
  CLEANER_OFFSET_CHECKPOINT_FILE,
  type TopicPartition,
  topicPartitionName,
} from './log-files';
import type { LogSegment } from './log-segment';

/** A log and the log dir holding it. */
export interface LogInDir {
  log: Log;
  logDir: string;
}

type CleaningState =
  { kind: 'in-progress' } | { kind: 'aborted' } | { kind: 'paused'; count: number };

/** The segments holding offsets in [from, to) (Kafka's Log.logSegments(from, to)). */
export function segmentsInRange(
  segments: readonly LogSegment[],
  from: number,
  to: number,
): LogSegment[] {
  const found: LogSegment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const next = segments[i + 1];
    if (segments[i].baseOffset >= to) break;
    if (next === undefined || next.baseOffset > from) found.push(segments[i]);
  }
  return found;
}

/** The non-active segments from the one holding `offset` on (Kafka's nonActiveLogSegmentsFrom). */
export function nonActiveSegmentsFrom(log: Log, offset: number): LogSegment[] {
  return segmentsInRange(log.logSegments(), offset, log.activeSegment.baseOffset);
}

/** Where a log's dirty section starts and where cleaning must stop. */
export interface CleanableOffsets {
  firstDirtyOffset: number;
  firstUncleanableDirtyOffset: number;
  /** The checkpoint was outside the log and must be rewritten as firstDirtyOffset. */
  forceUpdateCheckpoint: boolean;
}

/** Kafka's LogCleanerManager.cleanableOffsets. */
export function cleanableOffsets(
  log: Log,
  checkpoint: number | undefined,
  now: number,
): CleanableOffsets {
  const logStart = log.logStartOffset;
  const checkpointed = checkpoint ?? logStart;
  let firstDirtyOffset = checkpointed;
  let forceUpdateCheckpoint = false;
  if (checkpointed < logStart || checkpointed > log.logEndOffset) {
    if (checkpointed > log.logEndOffset || !log.config.delete) {
      logger('LogCleanerManager').warn(
        `Resetting first dirty offset of ${topicPartitionName(log.topicPartition)} to log start offset ${logStart} ` +
          `since the checkpointed offset ${checkpointed} is outside the log [${logStart}, ${log.logEndOffset}].`,
      );
    }
    firstDirtyOffset = logStart;
    forceUpdateCheckpoint = true;
  }
  const bounds = [log.highWatermark, log.activeSegment.baseOffset];
  const minLag = Math.max(log.config.minCompactionLagMs, 0);
  if (minLag > 0) {
    const young = nonActiveSegmentsFrom(log, firstDirtyOffset).find(
      (s) => s.largestTimestamp > now - minLag,
    );
    if (young) bounds.push(young.baseOffset);
  }
  return {
    firstDirtyOffset,
    firstUncleanableDirtyOffset: Math.max(firstDirtyOffset, Math.min(...bounds)),
    forceUpdateCheckpoint,
  };
}

/**
 * How long past `max.compaction.lag.ms` the oldest dirty segment is (by its first batch's
 * timestamp), 0 when none is (Kafka's LogCleanerManager.maxCompactionDelay).
 */
export function maxCompactionDelay(log: Log, firstDirtyOffset: number, now: number): number {
  const timestamps = nonActiveSegmentsFrom(log, firstDirtyOffset)
    .map((s) => s.firstBatchTimestamp)
    .filter((t) => t > 0);
  if (timestamps.length === 0) return 0;
  const earliest = Math.min(...timestamps);
  const cleanUntil = now - Math.max(log.config.maxCompactionLagMs, 0);
  return earliest < cleanUntil ? cleanUntil - earliest : 0;
}

/** A log the cleaner may clean, with the sizes its choice rests on (Kafka's LogToClean). */
export class LogToClean {
  /** Bytes of the segments below the dirty section. */
  readonly cleanBytes: number;
  /** Where cleaning stops: the base offset of the first uncleanable segment. */
  readonly firstUncleanableOffset: number;
  /** Bytes of the segments in [firstDirtyOffset, firstUncleanableOffset). */
  readonly cleanableBytes: number;
  readonly totalBytes: number;
  readonly cleanableRatio: number;

  constructor(
    readonly log: Log,
    readonly logDir: string,
    readonly firstDirtyOffset: number,
    uncleanableOffset: number,
    readonly needCompactionNow = false,
  ) {
    const segments = log.logSegments();
    this.cleanBytes = sumSizes(segmentsInRange(segments, -1, firstDirtyOffset));
    const firstUncleanable = nonActiveSegmentsFrom(log, uncleanableOffset)[0] ?? log.activeSegment;
    this.firstUncleanableOffset = firstUncleanable.baseOffset;
    this.cleanableBytes = sumSizes(
      segmentsInRange(
        segments,
        Math.min(firstDirtyOffset, this.firstUncleanableOffset),
        this.firstUncleanableOffset,
      ),
    );
    this.totalBytes = this.cleanBytes + this.cleanableBytes;
    this.cleanableRatio = this.totalBytes > 0 ? this.cleanableBytes / this.totalBytes : 0;
  }

  get topicPartition(): TopicPartition {
    return this.log.topicPartition;
  }
}

function sumSizes(segments: readonly LogSegment[]): number {
  return segments.reduce((sum, s) => sum + s.size, 0);
}

export class LogCleanerManager {
  private readonly states = new Map<string, CleaningState>();
  private readonly stateWaiters = new Map<string, (() => void)[]>();
  private readonly uncleanable = new Set<string>();
  private readonly checkpoints = new Map<string, Map<string, TopicPartitionOffset>>();
  private readonly checkpointFiles = new Map<string, OffsetCheckpointFile>();
  private readonly log = logger('LogCleanerManager');
  /** The highest dirty ratio seen at the last choice (Kafka's max-dirty-percent metric). */
  dirtiestLogCleanableRatio = 0;

  constructor(
    readonly logDirs: readonly string[],
    private readonly now: () => number = Date.now,
  ) {
    for (const logDir of logDirs) {
      this.checkpointFiles.set(
        logDir,
        new OffsetCheckpointFile(path.join(logDir, CLEANER_OFFSET_CHECKPOINT_FILE)),
      );
    }
  }

  /**
   * Reads `cleaner-offset-checkpoint` in every log dir, writing it with no entries where it has
   * none (or is missing); a malformed file is reported and read as empty (every log is then
   * cleaned from its start).
   */
  async loadCheckpoints(): Promise<void> {
    for (const [logDir, file] of this.checkpointFiles) {
      let entries = new Map<string, TopicPartitionOffset>();
      try {
        entries = await file.read();
      } catch (err) {
        this.log.warn(
          `Error reading ${file.file}, treating it as empty: ${(err as Error).message}`,
        );
      }
      this.checkpoints.set(logDir, entries);
      if (entries.size === 0) await file.write(entries);
    }
  }

  /** The cleaner checkpoint of a log, if any. */
  checkpoint(logDir: string, tp: TopicPartition): number | undefined {
    return this.checkpoints.get(logDir)?.get(topicPartitionName(tp))?.offset;
  }

  /**
   * Chooses the compacted log that most needs cleaning (see the top of this file) among `logs`
   * and marks it in progress; undefined when none needs it.
   */
  async grabFilthiestCompactedLog(logs: readonly LogInDir[]): Promise<LogToClean | undefined> {
    const now = this.now();
    const forced: { logDir: string; tp: TopicPartition; offset: number }[] = [];
    const dirty: LogToClean[] = [];
    for (const { log, logDir } of logs) {
      const name = topicPartitionName(log.topicPartition);
      if (!log.config.compact || log.isClosed) continue;
      if (this.states.has(name) || this.uncleanable.has(name)) continue;
      const offsets = cleanableOffsets(log, this.checkpoint(logDir, log.topicPartition), now);
      if (offsets.forceUpdateCheckpoint) {
        forced.push({ logDir, tp: log.topicPartition, offset: offsets.firstDirtyOffset });
      }
      const delay = maxCompactionDelay(log, offsets.firstDirtyOffset, now);
      const candidate = new LogToClean(
        log,
        logDir,
        offsets.firstDirtyOffset,
        offsets.firstUncleanableDirtyOffset,
        delay > 0,
      );
      if (candidate.totalBytes > 0) dirty.push(candidate);
    }
    this.dirtiestLogCleanableRatio = Math.max(0, ...dirty.map((d) => d.cleanableRatio));
    let filthiest: LogToClean | undefined;
    for (const candidate of dirty) {
      const cleanable =
        (candidate.needCompactionNow && candidate.cleanableBytes > 0) ||
        candidate.cleanableRatio > candidate.log.config.minCleanableRatio;
      if (cleanable && (!filthiest || candidate.cleanableRatio > filthiest.cleanableRatio)) {
        filthiest = candidate;
      }
    }
    if (filthiest) this.states.set(topicPartitionName(filthiest.topicPartition), inProgress());
    for (const { logDir, tp, offset } of forced) await this.updateCheckpoint(logDir, tp, offset);
    return filthiest;
  }

  /**
   * The compacted logs whose cleanup.policy also has delete (and the compact-only ones, for
   * their log-start-offset retention), not being cleaned: marked in progress, for a cleaner
   * thread to run their retention (Kafka's deletableLogs).
   */
  deletableLogs(logs: readonly LogInDir[]): Log[] {
    const found: Log[] = [];
    for (const { log } of logs) {
      const name = topicPartitionName(log.topicPartition);
      if (!log.config.compact || log.isClosed) continue;
      if (this.states.has(name) || this.uncleanable.has(name)) continue;
      this.states.set(name, inProgress());
      found.push(log);
    }
    return found;
  }

  /** After the retention of `deletableLogs`. */
  doneDeleting(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.finish(tp);
  }

  /**
   * After a cleaning: a finished one moves the checkpoint to `endOffset` (undefined: a
   * cleaning that failed or was aborted leaves it), an aborted one becomes paused.
   */
  async doneCleaning(
    logDir: string,
    tp: TopicPartition,
    endOffset: number | undefined,
  ): Promise<void> {
    const finished = this.finish(tp);
    if (finished && endOffset !== undefined) await this.updateCheckpoint(logDir, tp, endOffset);
  }

  /**
   * The non-compacted logs not being cleaned, paused so that retention can run on them while a
   * config change makes no cleaner start on them (Kafka's pauseCleaningForNonCompactedPartitions);
   * `resumeCleaning` them afterwards.
   */
  pauseCleaningForNonCompactedPartitions(logs: readonly LogInDir[]): LogInDir[] {
    const paused = logs.filter(({ log }) => {
      const name = topicPartitionName(log.topicPartition);
      return !log.config.compact && !this.states.has(name);
    });
    for (const { log } of paused) {
      this.states.set(topicPartitionName(log.topicPartition), { kind: 'paused', count: 1 });
    }
    return paused;
  }

  /**
   * Stops any cleaning of the log and holds off new ones until `resumeCleaning`: a running
   * cleaning is aborted and waited for; calls nest (each needs its resume).
   */
  async abortAndPauseCleaning(tp: TopicPartition): Promise<void> {
    const name = topicPartitionName(tp);
    for (;;) {
      const state = this.states.get(name);
      if (state === undefined) {
        this.states.set(name, { kind: 'paused', count: 1 });
        return;
      }
      if (state.kind === 'paused') {
        state.count++;
        return;
      }
      if (state.kind === 'in-progress') {
        this.states.set(name, { kind: 'aborted' });
        this.log.info(`The cleaning for partition ${name} is aborted and paused`);
        // The running cleaning, when it stops, leaves it paused once: that pause is ours.
        await this.stateChange(name);
        if (this.states.get(name)?.kind === 'paused') return;
        continue;
      }
      await this.stateChange(name);
    }
  }

  /** Ends one pause of each log. */
  resumeCleaning(tps: readonly TopicPartition[]): void {
    for (const tp of tps) {
      const name = topicPartitionName(tp);
      const state = this.states.get(name);
      if (state?.kind !== 'paused') {
        throw new SamsaError(
          `Compaction for partition ${name} cannot be resumed since it is not paused.`,
        );
      }
      if (state.count > 1) state.count--;
      else this.states.delete(name);
      this.notify(name);
    }
  }

  /** Stops any cleaning of the log for good (it is being deleted). */
  async abortCleaning(tp: TopicPartition): Promise<void> {
    await this.abortAndPauseCleaning(tp);
    this.resumeCleaning([tp]);
    this.uncleanable.delete(topicPartitionName(tp));
    this.log.info(`The cleaning for partition ${topicPartitionName(tp)} is aborted`);
  }

  /** Whether a running cleaning of the log was asked to stop. */
  isAborted(tp: TopicPartition): boolean {
    return this.states.get(topicPartitionName(tp))?.kind === 'aborted';
  }

  /** Throws LogCleaningAbortedError when the cleaning of the log was asked to stop. */
  checkCleaningAborted(tp: TopicPartition): void {
    if (this.isAborted(tp)) {
      throw new LogCleaningAbortedError(
        `the cleaning of ${topicPartitionName(tp)} was aborted (truncation or deletion)`,
      );
    }
  }

  /** Keeps a log out of cleaning after an unexpected failure. */
  markUncleanable(tp: TopicPartition): void {
    this.uncleanable.add(topicPartitionName(tp));
  }

  isUncleanable(tp: TopicPartition): boolean {
    return this.uncleanable.has(topicPartitionName(tp));
  }

  /** After a truncation: the checkpoint may not stay past `offset`. */
  async maybeTruncateCheckpoint(logDir: string, tp: TopicPartition, offset: number): Promise<void> {
    const current = this.checkpoint(logDir, tp);
    if (current !== undefined && current > offset) await this.updateCheckpoint(logDir, tp, offset);
  }

  /** Forgets a deleted log's checkpoint. */
  async removeCheckpoint(logDir: string, tp: TopicPartition): Promise<void> {
    const entries = this.checkpoints.get(logDir);
    if (entries?.delete(topicPartitionName(tp))) await this.writeCheckpoint(logDir);
  }

  private async updateCheckpoint(
    logDir: string,
    tp: TopicPartition,
    offset: number,
  ): Promise<void> {
    let entries = this.checkpoints.get(logDir);
    if (!entries) {
      entries = new Map();
      this.checkpoints.set(logDir, entries);
    }
    entries.set(topicPartitionName(tp), { topicPartition: tp, offset });
    await this.writeCheckpoint(logDir);
  }

  private async writeCheckpoint(logDir: string): Promise<void> {
    const file = this.checkpointFiles.get(logDir);
    if (!file) throw new SamsaError(`${logDir} is not a log dir of this cleaner`);
    await file.write(this.checkpoints.get(logDir) ?? new Map());
  }

  /** In progress → done (true); aborted → paused (false). */
  private finish(tp: TopicPartition): boolean {
    const name = topicPartitionName(tp);
    const state = this.states.get(name);
    if (state?.kind === 'in-progress') {
      this.states.delete(name);
      this.notify(name);
      return true;
    }
    if (state?.kind === 'aborted') {
      this.states.set(name, { kind: 'paused', count: 1 });
      this.notify(name);
      return false;
    }
    throw new SamsaError(
      `In-progress partition ${name} cannot be in ${state?.kind ?? 'no'} state.`,
    );
  }

  private stateChange(name: string): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.stateWaiters.get(name) ?? [];
      waiters.push(resolve);
      this.stateWaiters.set(name, waiters);
    });
  }

  private notify(name: string): void {
    const waiters = this.stateWaiters.get(name);
    if (!waiters) return;
    this.stateWaiters.delete(name);
    for (const resolve of waiters) resolve();
  }
}

function inProgress(): CleaningState {
  return { kind: 'in-progress' };
}
