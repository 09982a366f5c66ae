import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  LogManager,
  DEFAULT_LOG_MANAGER_CONFIG,
  type LogManagerConfig,
} from '../../../broker/log/log-manager';
import { logConfig, type LogConfig } from '../../../broker/log/log-config';
import { tempDir, waitFor } from '../../harness';
import { appendBatches, batch } from './fixtures/log-fixtures';

/** Managers made by a test; afterEach shuts down those still running (shutdown is idempotent). */
const managers: LogManager[] = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

function manager(
  logDirs: string[],
  overrides: Partial<LogManagerConfig> = {},
  log: Partial<LogConfig> = {},
): LogManager {
  const created = new LogManager({
    ...DEFAULT_LOG_MANAGER_CONFIG,
    logDirs,
    defaultConfig: logConfig(log),
    ...overrides,
  });
  managers.push(created);
  return created;
}

const tp = (topic: string, partition: number) => ({ topic, partition });

describe('LogManager', () => {
  it('creates logs as <topic>-<partition> in the least loaded log dir', async () => {
    const [a, b] = [await tempDir('lm'), await tempDir('lm')];
    const lm = manager([a, b]);
    await lm.startup();
    const logs = await Promise.all([
      lm.getOrCreateLog(tp('orders', 0)),
      lm.getOrCreateLog(tp('orders', 1)),
    ]);
    expect(await lm.getOrCreateLog(tp('orders', 0))).toBe(logs[0]);
    expect(
      lm
        .allLogs()
        .map((m) => [m.log.topicPartition.partition, m.logDir])
        .sort(),
    ).toEqual([
      [0, path.dirname(logs[0].dir)],
      [1, path.dirname(logs[1].dir)],
    ]);
    expect(logs.map((l) => l.dir).sort()).toEqual(
      [path.join(a, 'orders-0'), path.join(b, 'orders-1')].sort(),
    );
    expect(await fs.readdir(path.join(a, 'orders-0'))).toEqual(
      expect.arrayContaining([
        '00000000000000000000.log',
        '00000000000000000000.index',
        '00000000000000000000.timeindex',
        'leader-epoch-checkpoint',
      ]),
    );
    await lm.shutdown();
  });

  it('writes the checkpoints and the clean-shutdown marker on shutdown, and skips recovery after it', async () => {
    const dir = await tempDir('lm');
    const lm = manager([dir]);
    await lm.startup();
    const orders = await lm.getOrCreateLog(tp('orders', 0));
    await appendBatches(orders, 5);
    orders.updateHighWatermark(4);
    const other = await lm.getOrCreateLog(tp('other', 2));
    await appendBatches(other, 2);
    await lm.shutdown();
    expect(await fs.readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe(
      '0\n2\norders 0 5\nother 2 2\n',
    );
    expect(await fs.readFile(path.join(dir, 'replication-offset-checkpoint'), 'utf8')).toBe(
      '0\n2\norders 0 4\nother 2 0\n',
    );
    expect(await fs.readFile(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe('0\n0\n');
    expect(await fs.readFile(path.join(dir, '.kafka_cleanshutdown'), 'utf8')).toBe('');

    // A segment with a torn tail is left alone after a clean shutdown ...
    const segmentFile = path.join(dir, 'orders-0', '00000000000000000000.log');
    const size = (await fs.stat(segmentFile)).size;
    await fs.appendFile(segmentFile, Buffer.alloc(10, 1));
    const again = manager([dir]);
    await again.startup();
    expect(await fs.readdir(dir)).not.toContain('.kafka_cleanshutdown');
    const reopened = again.getLog(tp('orders', 0));
    expect(reopened?.logEndOffset).toBe(5);
    expect(reopened?.highWatermark).toBe(4);
    expect(reopened?.recoveryPoint).toBe(5);
    expect((await fs.stat(segmentFile)).size).toBe(size + 10);
    await appendBatches(reopened!, 1);
    // ... but after a crash (no marker), the log is recovered from its recovery point.
    await fs.appendFile(segmentFile, Buffer.alloc(10, 1));
    const afterCrash = manager([dir]);
    await afterCrash.startup();
    expect(afterCrash.getLog(tp('orders', 0))?.logEndOffset).toBe(5);
    expect((await fs.stat(segmentFile)).size).toBe(size);
    await afterCrash.shutdown();
    await again.shutdown();
  });

  it('recovers every log from offset 0 when the recovery-point checkpoint is malformed', async () => {
    const dir = await tempDir('lm');
    const lm = manager([dir]);
    await lm.startup();
    await appendBatches(await lm.getOrCreateLog(tp('t', 0)), 3);
    await lm.shutdown();
    await fs.rm(path.join(dir, '.kafka_cleanshutdown'));
    await fs.writeFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'garbage\n');
    const segmentFile = path.join(dir, 't-0', '00000000000000000000.log');
    await fs.appendFile(segmentFile, Buffer.alloc(5));
    const again = manager([dir]);
    await again.startup();
    expect(again.getLog(tp('t', 0))?.logEndOffset).toBe(3);
    expect((await fs.stat(segmentFile)).size).toBe(3 * batch().length);
    await again.shutdown();
  });

  it('checkpoints a log start offset only when it is past the first segment base offset', async () => {
    const dir = await tempDir('lm');
    const lm = manager([dir]);
    await lm.startup();
    const log = await lm.getOrCreateLog(tp('t', 0));
    await appendBatches(log, 5);
    log.updateHighWatermark(5);
    await log.maybeIncrementLogStartOffset(3);
    await lm.checkpointLogStartOffsets();
    expect(await fs.readFile(path.join(dir, 'log-start-offset-checkpoint'), 'utf8')).toBe(
      '0\n1\nt 0 3\n',
    );
    await lm.shutdown();
    const again = manager([dir]);
    await again.startup();
    expect(again.getLog(tp('t', 0))?.logStartOffset).toBe(3);
    await expect(again.getLog(tp('t', 0))!.read(2, 100)).rejects.toMatchObject({
      type: 'OFFSET_OUT_OF_RANGE',
    });
    await again.shutdown();
  });

  it('deletes a log by renaming its directory to -delete and removing it after file.delete.delay.ms', async () => {
    const dir = await tempDir('lm');
    const lm = manager([dir], {}, { fileDeleteDelayMs: 50 });
    await lm.startup();
    await appendBatches(await lm.getOrCreateLog(tp('gone', 0)), 2);
    await lm.deleteLog(tp('gone', 0));
    expect(lm.getLog(tp('gone', 0))).toBeUndefined();
    expect((await fs.readdir(dir)).some((n) => /^gone-0\.[0-9a-f]{32}-delete$/.test(n))).toBe(true);
    await waitFor(async () => !(await fs.readdir(dir)).some((n) => n.startsWith('gone-0')), {
      timeoutMs: 5_000,
      intervalMs: 20,
      what: 'the deleted log directory to disappear',
    });
    expect(await fs.readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')).toBe(
      '0\n0\n',
    );
    await lm.shutdown();
  });

  it('runs retention and the checkpoint tasks on their schedules', async () => {
    const dir = await tempDir('lm');
    const one = batch().length;
    const lm = manager(
      [dir],
      {
        initialTaskDelayMs: 10,
        retentionCheckIntervalMs: 20,
        recoveryPointCheckpointIntervalMs: 20,
        highWatermarkCheckpointIntervalMs: 20,
        flushCheckIntervalMs: 20,
      },
      { segmentBytes: one, retentionBytes: one, retentionMs: -1, flushMs: 0 },
    );
    await lm.startup();
    const log = await lm.getOrCreateLog(tp('t', 0));
    await appendBatches(log, 4);
    log.updateHighWatermark(4);
    await waitFor(() => log.logStartOffset === 3, {
      timeoutMs: 5_000,
      intervalMs: 20,
      what: 'retention to delete old segments',
    });
    await waitFor(
      async () =>
        (await fs
          .readFile(path.join(dir, 'recovery-point-offset-checkpoint'), 'utf8')
          .catch(() => '')) === '0\n1\nt 0 4\n',
      { timeoutMs: 5_000, intervalMs: 20, what: 'the flusher and the recovery-point checkpoint' },
    );
    await waitFor(
      async () =>
        (await fs
          .readFile(path.join(dir, 'replication-offset-checkpoint'), 'utf8')
          .catch(() => '')) === '0\n1\nt 0 4\n',
      { timeoutMs: 5_000, intervalMs: 20, what: 'the high-watermark checkpoint' },
    );
    await lm.shutdown();
  });

  it('removes -delete directories left over at startup and refuses a directory that is not topic-partition', async () => {
    const dir = await tempDir('lm');
    await fs.mkdir(path.join(dir, 'old-0.0123456789abcdef0123456789abcdef-delete'));
    const lm = manager([dir]);
    await lm.startup();
    // Only the (empty) cleaner checkpoint the log cleaner creates, as Kafka's does.
    expect(await fs.readdir(dir)).toEqual(['cleaner-offset-checkpoint']);
    await lm.shutdown();
    await fs.mkdir(path.join(dir, 'not_a_partition'));
    await expect(manager([dir]).startup()).rejects.toThrow(/is not in the form of topic-partition/);
  });
});
