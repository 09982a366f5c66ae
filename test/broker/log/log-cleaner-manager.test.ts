import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { setLogLevel } from '../../../client/logging';
import { OffsetCheckpointFile } from '../../../broker/log/checkpoint-file';
import type { Log } from '../../../broker/log/log';
import {
  LogCleanerManager,
  LogToClean,
  cleanableOffsets,
} from '../../../broker/log/log-cleaner-manager';
import { tempDir } from '../../harness';
import { ManualClock, appendKeyed, openCompactedLog } from './fixtures/compaction-fixtures';

beforeAll(() => setLogLevel('error'));
afterAll(() => setLogLevel('warn'));

const logs: Log[] = [];
afterEach(async () => {
  await Promise.all(logs.splice(0).map((l) => l.close()));
});

/** A compacted log `<topic>-0` in `logDir` with `segments` non-active segments of one batch. */
async function logWithSegments(
  logDir: string,
  topic: string,
  segments: number,
  config: Parameters<typeof openCompactedLog>[0] = {},
  timestamps: number[] = [],
): Promise<Log> {
  const log = await openCompactedLog(config, {
    dir: path.join(logDir, `${topic}-0`),
    topicPartition: { topic, partition: 0 },
  });
  logs.push(log);
  for (let i = 0; i < segments; i++) {
    await appendKeyed(log, [[{ key: 'k', value: `v${i}`, timestamp: timestamps[i] ?? 1_000 }]]);
    await log.roll();
  }
  return log;
}

async function writeCheckpoint(logDir: string, entries: [string, number][]): Promise<void> {
  await new OffsetCheckpointFile(path.join(logDir, 'cleaner-offset-checkpoint')).write(
    new Map(
      entries.map(([topic, offset]) => [
        `${topic}-0`,
        { topicPartition: { topic, partition: 0 }, offset },
      ]),
    ),
  );
}

describe('LogCleanerManager', () => {
  it('chooses the log with the highest dirty ratio among those above min.cleanable.dirty.ratio', async () => {
    const dir = await tempDir('lcm');
    const mostlyClean = await logWithSegments(dir, 'mostly-clean', 4);
    const dirty = await logWithSegments(dir, 'dirty', 2);
    await writeCheckpoint(dir, [['mostly-clean', 3]]);
    const manager = new LogCleanerManager([dir]);
    await manager.loadCheckpoints();
    const all = [mostlyClean, dirty].map((log) => ({ log, logDir: dir }));

    const first = await manager.grabFilthiestCompactedLog(all);
    expect(first?.topicPartition.topic).toBe('dirty');
    expect(first?.cleanableRatio).toBe(1);
    // 1 dirty segment of 4: 0.25, below the default 0.5.
    expect(await manager.grabFilthiestCompactedLog(all)).toBeUndefined();
    expect(manager.dirtiestLogCleanableRatio).toBeCloseTo(0.25);
    mostlyClean.updateConfig({ ...mostlyClean.config, minCleanableRatio: 0.2 });
    const second = await manager.grabFilthiestCompactedLog(all);
    expect(second).toMatchObject({ firstDirtyOffset: 3, firstUncleanableOffset: 4 });
    expect(second?.cleanableRatio).toBeCloseTo(0.25);
  });

  it('never chooses a log that is not compacted, or whose only data is in the active segment', async () => {
    const dir = await tempDir('lcm');
    const plain = await logWithSegments(dir, 'plain', 3, { compact: false, delete: true });
    const activeOnly = await logWithSegments(dir, 'active-only', 0);
    await appendKeyed(activeOnly, [[{ key: 'k', value: '1' }], [{ key: 'k', value: '2' }]]);
    const manager = new LogCleanerManager([dir]);
    await manager.loadCheckpoints();
    const all = [plain, activeOnly].map((log) => ({ log, logDir: dir }));
    expect(await manager.grabFilthiestCompactedLog(all)).toBeUndefined();
    expect(new LogToClean(activeOnly, dir, 0, 2).cleanableBytes).toBe(0);
  });

  it('stops the cleanable range at the first segment newer than min.compaction.lag.ms', async () => {
    const dir = await tempDir('lcm');
    const clock = new ManualClock(6_000);
    const log = await logWithSegments(
      dir,
      'lagged',
      3,
      { minCompactionLagMs: 2_000 },
      [1_000, 5_000, 5_500],
    );
    expect(cleanableOffsets(log, undefined, clock.ms).firstUncleanableDirtyOffset).toBe(1);
    const manager = new LogCleanerManager([dir], clock.now);
    await manager.loadCheckpoints();
    const chosen = await manager.grabFilthiestCompactedLog([{ log, logDir: dir }]);
    expect(chosen).toMatchObject({ firstDirtyOffset: 0, firstUncleanableOffset: 1 });
    await manager.doneCleaning(dir, log.topicPartition, 1);

    // Everything dirty is still too young: nothing to clean.
    expect(await manager.grabFilthiestCompactedLog([{ log, logDir: dir }])).toBeUndefined();
    clock.ms = 7_600;
    expect(await manager.grabFilthiestCompactedLog([{ log, logDir: dir }])).toMatchObject({
      firstDirtyOffset: 1,
      firstUncleanableOffset: 3,
    });
  });

  it('chooses a log below its dirty ratio once its oldest dirty batch is older than max.compaction.lag.ms', async () => {
    const dir = await tempDir('lcm');
    const clock = new ManualClock(1_500);
    const log = await logWithSegments(
      dir,
      'lagging',
      2,
      { minCleanableRatio: 1, maxCompactionLagMs: 1_000 },
      [1_000, 1_200],
    );
    const manager = new LogCleanerManager([dir], clock.now);
    await manager.loadCheckpoints();
    expect(await manager.grabFilthiestCompactedLog([{ log, logDir: dir }])).toBeUndefined();
    clock.ms = 2_001;
    expect(await manager.grabFilthiestCompactedLog([{ log, logDir: dir }])).toMatchObject({
      needCompactionNow: true,
      firstUncleanableOffset: 2,
    });
  });

  it('keeps checkpoints in cleaner-offset-checkpoint, in the format of the other checkpoint files', async () => {
    const dir = await tempDir('lcm');
    const log = await logWithSegments(dir, 'orders', 3);
    const manager = new LogCleanerManager([dir]);
    await manager.loadCheckpoints();
    const file = path.join(dir, 'cleaner-offset-checkpoint');
    expect(await fs.readFile(file, 'utf8')).toBe('0\n0\n');
    await manager.grabFilthiestCompactedLog([{ log, logDir: dir }]);
    await manager.doneCleaning(dir, log.topicPartition, 3);
    expect(await fs.readFile(file, 'utf8')).toBe('0\n1\norders 0 3\n');
    await manager.maybeTruncateCheckpoint(dir, log.topicPartition, 5);
    expect(manager.checkpoint(dir, log.topicPartition)).toBe(3);
    await manager.maybeTruncateCheckpoint(dir, log.topicPartition, 1);
    expect(await fs.readFile(file, 'utf8')).toBe('0\n1\norders 0 1\n');
    await manager.removeCheckpoint(dir, log.topicPartition);
    expect(await fs.readFile(file, 'utf8')).toBe('0\n0\n');
  });

  it('resets a checkpoint that is outside the log to the log start offset and rewrites it', async () => {
    const dir = await tempDir('lcm');
    const log = await logWithSegments(dir, 'orders', 2);
    await writeCheckpoint(dir, [['orders', 99]]);
    expect(cleanableOffsets(log, 99, Date.now())).toMatchObject({
      firstDirtyOffset: 0,
      forceUpdateCheckpoint: true,
    });
    const manager = new LogCleanerManager([dir]);
    await manager.loadCheckpoints();
    await manager.grabFilthiestCompactedLog([{ log, logDir: dir }]);
    expect(manager.checkpoint(dir, log.topicPartition)).toBe(0);
  });

  it('pauses, aborts and resumes cleaning: an abort waits for the running cleaning to stop', async () => {
    const dir = await tempDir('lcm');
    const log = await logWithSegments(dir, 'orders', 2);
    const tp = log.topicPartition;
    const all = [{ log, logDir: dir }];
    const manager = new LogCleanerManager([dir]);
    await manager.loadCheckpoints();

    await manager.abortAndPauseCleaning(tp);
    await manager.abortAndPauseCleaning(tp);
    expect(await manager.grabFilthiestCompactedLog(all)).toBeUndefined();
    manager.resumeCleaning([tp]);
    expect(await manager.grabFilthiestCompactedLog(all)).toBeUndefined();
    manager.resumeCleaning([tp]);
    expect(() => manager.resumeCleaning([tp])).toThrow(
      'Compaction for partition orders-0 cannot be resumed since it is not paused.',
    );

    expect(await manager.grabFilthiestCompactedLog(all)).toBeDefined();
    let paused = false;
    const aborting = manager.abortAndPauseCleaning(tp).then(() => (paused = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(manager.isAborted(tp)).toBe(true);
    expect(() => manager.checkCleaningAborted(tp)).toThrow(/aborted/);
    expect(paused).toBe(false);
    // The aborted cleaning ends: no checkpoint, and the log stays paused for the aborter.
    await manager.doneCleaning(dir, tp, 2);
    await aborting;
    expect(manager.checkpoint(dir, tp)).toBeUndefined();
    expect(await manager.grabFilthiestCompactedLog(all)).toBeUndefined();
    manager.resumeCleaning([tp]);
    expect(await manager.grabFilthiestCompactedLog(all)).toBeDefined();
  });

  it('pauses only the non-compacted logs not being cleaned for retention, and hands compacted ones to the cleaner threads', async () => {
    const dir = await tempDir('lcm');
    const compacted = await logWithSegments(dir, 'compacted', 1);
    const plain = await logWithSegments(dir, 'plain', 1, { compact: false, delete: true });
    const manager = new LogCleanerManager([dir]);
    await manager.loadCheckpoints();
    const all = [compacted, plain].map((log) => ({ log, logDir: dir }));
    const paused = manager.pauseCleaningForNonCompactedPartitions(all);
    expect(paused.map(({ log }) => log.topicPartition.topic)).toEqual(['plain']);
    expect(manager.deletableLogs(all).map((l) => l.topicPartition.topic)).toEqual(['compacted']);
    expect(manager.deletableLogs(all)).toEqual([]);
    manager.doneDeleting([compacted.topicPartition]);
    manager.resumeCleaning([plain.topicPartition]);
    expect(manager.deletableLogs(all).map((l) => l.topicPartition.topic)).toEqual(['compacted']);
  });
});
