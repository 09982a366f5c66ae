/**
 * The broker's log manager: every partition log in the broker's `log.dirs`, their creation,
 * deletion and loading, the checkpoint files at the top of each log dir, and the background
 * tasks (retention, flush, checkpoints) — Kafka's `LogManager`.
 *
 * Startup, per log dir (all dirs and up to `loadConcurrency` logs per dir at once):
 * 1. read `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and
 *    `replication-offset-checkpoint` (a malformed file is reported and read as empty, so every
 *    log is recovered from offset 0, as Kafka does);
 * 2. note whether `.kafka_cleanshutdown` exists, and remove directories ending in `-delete`;
 * 3. open every `<topic>-<partition>` directory as a Log; without the clean-shutdown marker, each
 *    log re-validates its segments from its recovery point (log.ts);
 * 4. remove `.kafka_cleanshutdown`, so a crash from now on triggers recovery at the next start.
 *
 * Shutdown stops the log cleaner, flushes and closes every log, writes the three checkpoints and then creates
 * `.kafka_cleanshutdown` in each log dir. A new partition goes to the log dir holding the fewest
 * logs. Deleting a partition closes its log, renames its directory to
 * `<topic>-<partition>.<uuid>-delete` and removes it after `file.delete.delay.ms`.
 *
 * The log cleaner (log-cleaner.ts), when `log.cleaner.enable` is true, starts after the logs are
 * loaded and stops first at shutdown. It compacts the logs whose cleanup.policy includes compact
 * and runs their retention; the LogManager's retention task covers the other logs, pausing
 * their cleaning meanwhile (a cleanup.policy change may make them compacted at any time).
 * Deleting a log first stops its cleaning for good and removes its cleaner checkpoint; a log
 * stops its own cleaning around a truncation (Log's cleanerHooks, wired here), and the cleaner
 * checkpoint is moved back to the log's active segment when the truncation cut below it. Topic
 * config changes (`Log.updateConfig`, e.g. cleanup.policy) take effect at the cleaner's next
 * round.
 *
 * Scheduled tasks (first run after `initialTaskDelayMs`, Kafka's 30 s): retention every
 * `log.retention.check.interval.ms`, flush of logs past `flush.ms` every
 * `log.flush.scheduler.interval.ms`, the recovery-point checkpoint every
 * `log.flush.offset.checkpoint.interval.ms`, the log-start-offset checkpoint every
 * `log.flush.start.offset.checkpoint.interval.ms`, and the high-watermark checkpoint every
 * `replica.high.watermark.checkpoint.interval.ms`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SamsaError } from '../../client/errors';
import { logger } from '../../client/logging';
import { OffsetCheckpointFile, type TopicPartitionOffset } from './checkpoint-file';
import { Log, type LogCleanerHooks } from './log';
import { type CleanerConfig, DEFAULT_CLEANER_CONFIG, LogCleaner } from './log-cleaner';
import { DEFAULT_LOG_CONFIG, type LogConfig, NEVER } from './log-config';
import {
  CLEAN_SHUTDOWN_FILE,
  DELETE_DIR_SUFFIX,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  type TopicPartition,
  deleteDirName,
  parseTopicPartitionName,
  topicPartitionName,
} from './log-files';

export interface LogManagerConfig {
  /** log.dirs */
  logDirs: string[];
  /** Defaults for every log (the broker's `log.*` settings). */
  defaultConfig: LogConfig;
  /** The config of a topic's logs (defaults plus topic overrides); default: defaultConfig. */
  topicConfig?: (topic: string) => LogConfig;
  /** log.retention.check.interval.ms (300000) */
  retentionCheckIntervalMs: number;
  /** log.flush.scheduler.interval.ms (Long.MAX_VALUE: never) */
  flushCheckIntervalMs: number;
  /** log.flush.offset.checkpoint.interval.ms (60000) */
  recoveryPointCheckpointIntervalMs: number;
  /** log.flush.start.offset.checkpoint.interval.ms (60000) */
  logStartOffsetCheckpointIntervalMs: number;
  /** replica.high.watermark.checkpoint.interval.ms (5000) */
  highWatermarkCheckpointIntervalMs: number;
  /** Delay before the first run of each scheduled task (Kafka's InitialTaskDelayMs, 30000). */
  initialTaskDelayMs: number;
  /** Logs loaded at the same time per log dir at startup. */
  loadConcurrency: number;
  /** The log cleaner's `log.cleaner.*` settings (default: Kafka's, cleaner enabled). */
  cleaner?: CleanerConfig;
  /** Wall clock in ms. */
  now?: () => number;
}

export const DEFAULT_LOG_MANAGER_CONFIG: Omit<LogManagerConfig, 'logDirs'> = {
  defaultConfig: DEFAULT_LOG_CONFIG,
  retentionCheckIntervalMs: 300000,
  flushCheckIntervalMs: NEVER,
  recoveryPointCheckpointIntervalMs: 60000,
  logStartOffsetCheckpointIntervalMs: 60000,
  highWatermarkCheckpointIntervalMs: 5000,
  initialTaskDelayMs: 30000,
  loadConcurrency: 8,
};

interface ManagedLog {
  log: Log;
  logDir: string;
}

/** Runs `task` every `periodMs` after `initialDelayMs`; runs never overlap. */
class ScheduledTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly task: () => Promise<void>,
    private readonly periodMs: number,
    private readonly onError: (name: string, err: unknown) => void,
  ) {}

  start(initialDelayMs: number): void {
    if (this.periodMs >= NEVER) return;
    this.arm(initialDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.task()
        .catch((err: unknown) => this.onError(this.name, err))
        .finally(() => {
          this.running = undefined;
          this.arm(this.periodMs);
        });
    }, delay);
    this.timer.unref();
  }
}

export class LogManager {
  private readonly logs = new Map<string, ManagedLog>();
  private readonly creating = new Map<string, Promise<Log>>();
  private readonly checkpointFiles = new Map<string, OffsetCheckpointFile>();
  /** Log dirs chosen for logs being created. */
  private readonly reservedDirs = new Map<string, string>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly pendingDirDeletes = new Set<{ dir: string; timer: NodeJS.Timeout }>();
  private readonly log = logger('LogManager');
  private readonly now: () => number;
  private started = false;
  private loaded = false;
  private shutDown = false;
  /** The log cleaner, when log.cleaner.enable is true. */
  readonly cleaner: LogCleaner | undefined;

  constructor(readonly config: LogManagerConfig) {
    if (config.logDirs.length === 0)
      throw new SamsaError('log.dirs must name at least one directory');
    this.now = config.now ?? Date.now;
    const cleanerConfig = config.cleaner ?? DEFAULT_CLEANER_CONFIG;
    this.cleaner = cleanerConfig.enable
      ? new LogCleaner({
          config: cleanerConfig,
          logDirs: config.logDirs,
          logs: () => this.allLogs(),
          now: this.now,
        })
      : undefined;
  }

  /** The log config for a topic. */
  logConfigFor(topic: string): LogConfig {
    return this.config.topicConfig?.(topic) ?? this.config.defaultConfig;
  }

  /** Loads every log of every log dir, then starts the scheduled tasks. */
  async startup(): Promise<void> {
    if (this.started) throw new SamsaError('LogManager already started');
    this.started = true;
    const start = this.now();
    await Promise.all(this.config.logDirs.map((dir) => this.loadLogDir(dir)));
    this.loaded = true;
    this.log.info(`Loaded ${this.logs.size} logs in ${this.now() - start}ms.`);
    await this.cleaner?.startup();
    const onError = (name: string, err: unknown): void => {
      this.log.error(`Error in scheduled task ${name}: ${(err as Error).message}`);
    };
    const schedule = (name: string, task: () => Promise<unknown>, periodMs: number): void => {
      const scheduled = new ScheduledTask(name, async () => void (await task()), periodMs, onError);
      this.tasks.push(scheduled);
      scheduled.start(this.config.initialTaskDelayMs);
    };
    schedule('kafka-log-retention', () => this.cleanupLogs(), this.config.retentionCheckIntervalMs);
    schedule('kafka-log-flusher', () => this.flushDirtyLogs(), this.config.flushCheckIntervalMs);
    schedule(
      'kafka-recovery-point-checkpoint',
      () => this.checkpointRecoveryOffsets(),
      this.config.recoveryPointCheckpointIntervalMs,
    );
    schedule(
      'kafka-log-start-offset-checkpoint',
      () => this.checkpointLogStartOffsets(),
      this.config.logStartOffsetCheckpointIntervalMs,
    );
    schedule(
      'highwatermark-checkpoint',
      () => this.checkpointHighWatermarks(),
      this.config.highWatermarkCheckpointIntervalMs,
    );
  }

  getLog(tp: TopicPartition): Log | undefined {
    return this.logs.get(topicPartitionName(tp))?.log;
  }

  /** Every log, with the log dir holding it. */
  allLogs(): { log: Log; logDir: string }[] {
    return [...this.logs.values()].map((m) => ({ ...m }));
  }

  /** The partition's log, created empty in the least loaded log dir when it does not exist. */
  async getOrCreateLog(tp: TopicPartition, config = this.logConfigFor(tp.topic)): Promise<Log> {
    this.checkRunning();
    const name = topicPartitionName(tp);
    const existing = this.logs.get(name);
    if (existing) return existing.log;
    const inFlight = this.creating.get(name);
    if (inFlight) return inFlight;
    const logDir = this.leastLoadedLogDir();
    this.reservedDirs.set(name, logDir);
    const creation = (async () => {
      const log = await Log.open({
        dir: path.join(logDir, name),
        topicPartition: tp,
        config,
        hadCleanShutdown: true,
        now: this.now,
        cleanerHooks: this.cleanerHooks(logDir),
      });
      this.logs.set(name, { log, logDir });
      this.log.info(`Created log for partition ${name} in ${path.join(logDir, name)}`);
      return log;
    })();
    this.creating.set(name, creation);
    try {
      return await creation;
    } finally {
      this.creating.delete(name);
      this.reservedDirs.delete(name);
    }
  }

  /**
   * Closes the partition's log and removes it: its directory is renamed to
   * `<topic>-<partition>.<uuid>-delete` now and removed after file.delete.delay.ms. The
   * checkpoints are rewritten without it.
   */
  async deleteLog(tp: TopicPartition): Promise<void> {
    const name = topicPartitionName(tp);
    const managed = this.logs.get(name);
    if (!managed) return;
    this.logs.delete(name);
    await this.cleaner?.abortCleaning(managed.logDir, tp);
    await managed.log.close();
    const renamed = path.join(managed.logDir, deleteDirName(tp));
    await fs.rename(managed.log.dir, renamed);
    this.scheduleDirDelete(renamed, managed.log.config.fileDeleteDelayMs);
    await this.checkpointRecoveryOffsets();
    await this.checkpointLogStartOffsets();
    await this.checkpointHighWatermarks();
    this.log.info(
      `Log for partition ${name} is renamed to ${renamed} and is scheduled for deletion`,
    );
  }

  /**
   * Runs retention on every log the cleaner does not look after (all of them without a cleaner),
   * their cleaning paused meanwhile; returns the number of segments deleted.
   */
  async cleanupLogs(): Promise<number> {
    let deleted = 0;
    const all = [...this.logs.values()];
    const deletable = this.cleaner ? this.cleaner.pauseCleaningForNonCompactedPartitions(all) : all;
    try {
      for (const { log } of deletable) {
        if (!log.isClosed) deleted += await log.deleteOldSegments();
      }
    } finally {
      this.cleaner?.resumeCleaning(deletable.map(({ log }) => log.topicPartition));
    }
    return deleted;
  }

  /** Flushes every log whose last flush is older than its flush.ms. */
  async flushDirtyLogs(): Promise<void> {
    const now = this.now();
    for (const { log } of this.logs.values()) {
      if (!log.isClosed && now - log.lastFlushTime >= log.config.flushMs) await log.flush();
    }
  }

  /** Writes recovery-point-offset-checkpoint in every log dir. */
  async checkpointRecoveryOffsets(): Promise<void> {
    await this.writeCheckpoints(RECOVERY_POINT_CHECKPOINT_FILE, (log) => log.recoveryPoint);
  }

  /**
   * Writes log-start-offset-checkpoint in every log dir; as in Kafka, only logs whose start
   * offset is past their first segment's base offset are listed.
   */
  async checkpointLogStartOffsets(): Promise<void> {
    await this.writeCheckpoints(LOG_START_OFFSET_CHECKPOINT_FILE, (log) =>
      log.logStartOffset > log.logSegments()[0].baseOffset ? log.logStartOffset : undefined,
    );
  }

  /** Writes replication-offset-checkpoint (high watermarks) in every log dir. */
  async checkpointHighWatermarks(): Promise<void> {
    await this.writeCheckpoints(REPLICATION_OFFSET_CHECKPOINT_FILE, (log) => log.highWatermark);
  }

  /**
   * Stops the scheduled tasks, flushes and closes every log, writes the checkpoints and then the
   * clean-shutdown marker in each log dir (only after a complete startup).
   */
  async shutdown(): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    await this.cleaner?.shutdown();
    await Promise.all(this.tasks.map((t) => t.stop()));
    // Logs being created are closed with the others once their creation settles.
    await Promise.allSettled([...this.creating.values()]);
    for (const logDir of this.config.logDirs) {
      const logs = [...this.logs.values()].filter((m) => m.logDir === logDir).map((m) => m.log);
      await Promise.all(
        logs.map(async (log) => {
          await log.flush();
          await log.close();
        }),
      );
    }
    // After a failed startup some logs may not be recovered yet: no checkpoints, no marker.
    if (!this.loaded) return;
    await this.checkpointRecoveryOffsets();
    await this.checkpointLogStartOffsets();
    await this.checkpointHighWatermarks();
    const pending = [...this.pendingDirDeletes];
    this.pendingDirDeletes.clear();
    for (const p of pending) clearTimeout(p.timer);
    await Promise.all(pending.map((p) => fs.rm(p.dir, { recursive: true, force: true })));
    for (const logDir of this.config.logDirs) {
      const marker = await fs.open(path.join(logDir, CLEAN_SHUTDOWN_FILE), 'w');
      await marker.sync();
      await marker.close();
    }
    this.log.info('Shutdown complete.');
  }

  /** What a log in `logDir` tells the cleaner around a truncation (none without a cleaner). */
  private cleanerHooks(logDir: string): LogCleanerHooks | undefined {
    return this.cleaner?.hooksFor(logDir);
  }

  private checkRunning(): void {
    if (this.shutDown) throw new SamsaError('LogManager is shut down');
  }

  private leastLoadedLogDir(): string {
    const counts = new Map(this.config.logDirs.map((d) => [d, 0]));
    const used = [...[...this.logs.values()].map((m) => m.logDir), ...this.reservedDirs.values()];
    for (const logDir of used) counts.set(logDir, (counts.get(logDir) ?? 0) + 1);
    let best = this.config.logDirs[0];
    for (const dir of this.config.logDirs)
      if ((counts.get(dir) ?? 0) < (counts.get(best) ?? 0)) best = dir;
    return best;
  }

  /** One instance per file, so that its writes are serialized. */
  private checkpointFile(file: string): OffsetCheckpointFile {
    let checkpoint = this.checkpointFiles.get(file);
    if (!checkpoint) {
      checkpoint = new OffsetCheckpointFile(file);
      this.checkpointFiles.set(file, checkpoint);
    }
    return checkpoint;
  }

  private async readCheckpoint(file: string): Promise<Map<string, TopicPartitionOffset>> {
    try {
      return await this.checkpointFile(file).read();
    } catch (err) {
      this.log.warn(`Error reading ${file}, treating it as empty: ${(err as Error).message}`);
      return new Map();
    }
  }

  private async loadLogDir(logDir: string): Promise<void> {
    await fs.mkdir(logDir, { recursive: true });
    const cleanShutdownFile = path.join(logDir, CLEAN_SHUTDOWN_FILE);
    const hadCleanShutdown = await fs
      .access(cleanShutdownFile)
      .then(() => true)
      .catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return false;
        throw err;
      });
    const recoveryPoints = await this.readCheckpoint(
      path.join(logDir, RECOVERY_POINT_CHECKPOINT_FILE),
    );
    const logStartOffsets = await this.readCheckpoint(
      path.join(logDir, LOG_START_OFFSET_CHECKPOINT_FILE),
    );
    const highWatermarks = await this.readCheckpoint(
      path.join(logDir, REPLICATION_OFFSET_CHECKPOINT_FILE),
    );

    const entries = await fs.readdir(logDir, { withFileTypes: true });
    const partitionDirs: { name: string; tp: TopicPartition }[] = [];
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith(DELETE_DIR_SUFFIX)) {
        await fs.rm(path.join(logDir, entry.name), { recursive: true, force: true });
        continue;
      }
      partitionDirs.push({ name: entry.name, tp: parseTopicPartitionName(entry.name) });
    }

    if (!hadCleanShutdown && partitionDirs.length > 0) {
      this.log.info(
        `Log dir ${logDir} was not shut down cleanly; recovering logs from their recovery points.`,
      );
    }
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < partitionDirs.length) {
        const { name, tp } = partitionDirs[next++];
        const log = await Log.open({
          dir: path.join(logDir, name),
          topicPartition: tp,
          config: this.logConfigFor(tp.topic),
          recoveryPoint: recoveryPoints.get(name)?.offset ?? 0,
          logStartOffset: logStartOffsets.get(name)?.offset ?? 0,
          hadCleanShutdown,
          now: this.now,
          cleanerHooks: this.cleanerHooks(logDir),
        });
        const hw = highWatermarks.get(name)?.offset;
        if (hw !== undefined) log.updateHighWatermark(hw);
        const previous = this.logs.get(name);
        if (previous) {
          await log.close();
          throw new SamsaError(
            `Duplicate log directories for ${name} are found in both ${previous.logDir} and ${logDir}. ` +
              `Recover server from one of them and remove the other.`,
          );
        }
        this.logs.set(name, { log, logDir });
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.max(1, Math.min(this.config.loadConcurrency, partitionDirs.length)) },
        worker,
      ),
    );
    await fs.rm(cleanShutdownFile, { force: true });
  }

  private async writeCheckpoints(
    file: string,
    offsetOf: (log: Log) => number | undefined,
  ): Promise<void> {
    await Promise.all(
      this.config.logDirs.map(async (logDir) => {
        const offsets = new Map<string, TopicPartitionOffset>();
        for (const [name, managed] of this.logs) {
          if (managed.logDir !== logDir) continue;
          const offset = offsetOf(managed.log);
          if (offset !== undefined)
            offsets.set(name, { topicPartition: managed.log.topicPartition, offset });
        }
        await this.checkpointFile(path.join(logDir, file)).write(offsets);
      }),
    );
  }

  private scheduleDirDelete(dir: string, delayMs: number): void {
    const entry = {
      dir,
      timer: setTimeout(() => {
        this.pendingDirDeletes.delete(entry);
        fs.rm(dir, { recursive: true, force: true }).catch((err: unknown) => {
          this.log.error(`Error deleting ${dir}: ${(err as Error).message}`);
        });
      }, delayMs),
    };
    entry.timer.unref();
    this.pendingDirDeletes.add(entry);
  }
}
