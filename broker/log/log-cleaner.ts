/**
 * The log cleaner (Kafka 2.8's LogCleaner): `log.cleaner.threads` cleaning loops that compact
 * the logs whose cleanup.policy includes compact, started and stopped by the LogManager when
 * `log.cleaner.enable` is true.
 *
 * Each loop (an async task; Kafka's CleanerThread) repeatedly:
 * 1. asks LogCleanerManager for the filthiest compacted log and cleans it (cleaner.ts), then
 *    moves its cleaner checkpoint to where the cleaning ended;
 * 2. runs retention (`Log.deleteOldSegments`) on the compacted logs nobody is cleaning: the
 *    retention of `compact,delete` logs is done here, not by the LogManager's retention task;
 * 3. sleeps `log.cleaner.backoff.ms` when there was nothing to clean.
 * Each loop has its own offset map (`log.cleaner.dedupe.buffer.size` / threads) and buffers
 * (`log.cleaner.io.buffer.size` / threads, half to read, half to write), as Kafka splits them.
 *
 * A cleaning that is aborted (truncation, deletion: see LogCleanerManager) ends quietly; one
 * that fails otherwise is logged and its log is left alone from then on (uncleanable), so that
 * the others are still cleaned.
 */
import { logger } from '../../client/logging';
import { Cleaner, type CleaningResult } from './cleaner';
import { type Log, type LogCleanerHooks, LogCleaningAbortedError } from './log';
import { type LogInDir, LogCleanerManager } from './log-cleaner-manager';
import { type TopicPartition, topicPartitionName } from './log-files';

/** The broker's `log.cleaner.*` settings. */
export interface CleanerConfig {
  /** log.cleaner.enable */
  enable: boolean;
  /** log.cleaner.threads */
  threads: number;
  /** log.cleaner.dedupe.buffer.size: offset-map memory of all threads together. */
  dedupeBufferSize: number;
  /** log.cleaner.io.buffer.size: read and write buffers of all threads together. */
  ioBufferSize: number;
  /** log.cleaner.backoff.ms */
  backoffMs: number;
}

/** Kafka 2.8's defaults. */
export const DEFAULT_CLEANER_CONFIG: Readonly<CleanerConfig> = Object.freeze({
  enable: true,
  threads: 1,
  dedupeBufferSize: 128 * 1024 * 1024,
  ioBufferSize: 512 * 1024,
  backoffMs: 15000,
});

/** The smallest read buffer a cleaner uses, whatever the settings divide down to. */
const MIN_IO_BUFFER = 4096;
/** The longest delay setTimeout takes (longer ones fire at once). */
const MAX_TIMER_MS = 0x7fff_ffff;

export interface LogCleanerOptions {
  config: CleanerConfig;
  logDirs: readonly string[];
  /** The logs of the broker, with their log dirs (asked afresh each round). */
  logs: () => readonly LogInDir[];
  /** Wall clock in ms. */
  now?: () => number;
  /** Passed to each Cleaner (crash tests). */
  onStep?: (step: string) => Promise<void>;
}

export class LogCleaner {
  readonly manager: LogCleanerManager;
  private readonly loops: Promise<void>[] = [];
  private readonly log = logger('LogCleaner');
  private stopped = false;
  private foreground: Cleaner | undefined;
  private sleeps = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(private readonly options: LogCleanerOptions) {
    this.manager = new LogCleanerManager(options.logDirs, options.now);
  }

  /** Reads the cleaner checkpoints and starts the cleaning loops. */
  async startup(): Promise<void> {
    await this.manager.loadCheckpoints();
    this.log.info(`Starting the log cleaner with ${this.options.config.threads} threads`);
    for (let id = 0; id < this.options.config.threads; id++) {
      this.loops.push(this.runLoop(this.newCleaner(id)));
    }
  }

  /** Stops the loops: running cleanings are aborted, then waited for. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.log.info('Shutting down the log cleaner.');
    for (const sleep of this.sleeps) {
      clearTimeout(sleep.timer);
      sleep.resolve();
    }
    this.sleeps.clear();
    await Promise.all(this.loops);
    this.log.info('Shutdown of the log cleaner completed.');
  }

  /**
   * One round of a cleaning loop: cleans the filthiest compacted log if one needs it, then runs
   * retention on the compacted logs. Resolves to the cleaning done, or undefined. Without a
   * cleaner, uses one of its own (with one thread's share of the memory).
   */
  async cleanFilthiestLog(
    cleaner = (this.foreground ??= this.newCleaner(this.options.config.threads)),
  ): Promise<(CleaningResult & { topicPartition: TopicPartition }) | undefined> {
    let result: (CleaningResult & { topicPartition: TopicPartition }) | undefined;
    const toClean = await this.manager.grabFilthiestCompactedLog(this.options.logs());
    if (toClean) {
      const tp = toClean.topicPartition;
      let endOffset: number | undefined;
      try {
        const cleaning = await cleaner.clean(toClean);
        endOffset = cleaning.endOffset;
        result = { ...cleaning, topicPartition: tp };
      } catch (err) {
        if (err instanceof LogCleaningAbortedError || toClean.log.isClosed) {
          this.log.info(`Cleaning of ${topicPartitionName(tp)} stopped: ${(err as Error).message}`);
        } else {
          this.manager.markUncleanable(tp);
          this.log.error(
            `Unexpected error while cleaning ${topicPartitionName(tp)}; it will not be cleaned again until the broker restarts: ${(err as Error).message}`,
          );
        }
      } finally {
        await this.manager.doneCleaning(toClean.logDir, tp, endOffset);
      }
    }
    const deletable = this.manager.deletableLogs(this.options.logs());
    try {
      for (const log of deletable) await this.deleteOldSegments(log);
    } finally {
      this.manager.doneDeleting(deletable.map((log) => log.topicPartition));
    }
    return result;
  }

  // Coordination with the LogManager (retention, truncation, deletion).

  abortAndPauseCleaning(tp: TopicPartition): Promise<void> {
    return this.manager.abortAndPauseCleaning(tp);
  }

  resumeCleaning(tps: readonly TopicPartition[]): void {
    this.manager.resumeCleaning(tps);
  }

  /** Stops the cleaning of a log being deleted and forgets its checkpoint. */
  async abortCleaning(logDir: string, tp: TopicPartition): Promise<void> {
    await this.manager.abortCleaning(tp);
    await this.manager.removeCheckpoint(logDir, tp);
  }

  maybeTruncateCheckpoint(logDir: string, tp: TopicPartition, offset: number): Promise<void> {
    return this.manager.maybeTruncateCheckpoint(logDir, tp, offset);
  }

  pauseCleaningForNonCompactedPartitions(logs: readonly LogInDir[]): LogInDir[] {
    return this.manager.pauseCleaningForNonCompactedPartitions(logs);
  }

  /**
   * What a log in `logDir` tells the cleaner around a truncation (Kafka's LogManager.truncateTo):
   * its cleaning is aborted and paused first; afterwards its checkpoint is moved back to the
   * active segment when the truncation cut below it, and cleaning resumes.
   */
  hooksFor(logDir: string): LogCleanerHooks {
    return {
      pauseForTruncation: (tp) => this.abortAndPauseCleaning(tp),
      resumeAfterTruncation: async (tp, activeSegmentBase) => {
        try {
          if (activeSegmentBase !== undefined) {
            await this.maybeTruncateCheckpoint(logDir, tp, activeSegmentBase);
          }
        } finally {
          this.resumeCleaning([tp]);
        }
      },
    };
  }

  private newCleaner(id: number): Cleaner {
    const { threads, dedupeBufferSize, ioBufferSize } = this.options.config;
    const share = Math.max(threads, 1);
    return new Cleaner(id, {
      dedupeBufferSize: Math.floor(dedupeBufferSize / share),
      ioBufferSize: Math.max(MIN_IO_BUFFER, Math.floor(ioBufferSize / share / 2)),
      isAborted: (tp) => this.stopped || this.manager.isAborted(tp),
      onStep: this.options.onStep,
    });
  }

  private async deleteOldSegments(log: Log): Promise<void> {
    if (log.isClosed) return;
    try {
      await log.deleteOldSegments();
    } catch (err) {
      if (!log.isClosed) {
        this.log.error(
          `Error running retention on ${topicPartitionName(log.topicPartition)}: ${(err as Error).message}`,
        );
      }
    }
  }

  private async runLoop(cleaner: Cleaner): Promise<void> {
    while (!this.stopped) {
      let cleaned = false;
      try {
        cleaned = (await this.cleanFilthiestLog(cleaner)) !== undefined;
      } catch (err) {
        this.log.error(`Error in log cleaner thread ${cleaner.id}: ${(err as Error).message}`);
      }
      if (!cleaned && !this.stopped) await this.sleep(this.options.config.backoffMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(
          () => {
            this.sleeps.delete(entry);
            resolve();
          },
          Math.min(ms, MAX_TIMER_MS),
        ),
        resolve,
      };
      entry.timer.unref();
      this.sleeps.add(entry);
    });
  }
}
