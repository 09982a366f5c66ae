import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { setLogLevel } from '../../../client/logging';
import { Log } from '../../../broker/log/log';
import { DEFAULT_CLEANER_CONFIG, LogCleaner } from '../../../broker/log/log-cleaner';
import type { LogInDir } from '../../../broker/log/log-cleaner-manager';
import { logConfig, type LogConfig } from '../../../broker/log/log-config';
import { DEFAULT_LOG_MANAGER_CONFIG, LogManager } from '../../../broker/log/log-manager';
import { tempDir, waitFor } from '../../harness';
import { appendKeyed, readAllRecords } from './fixtures/compaction-fixtures';

beforeAll(() => setLogLevel('error'));
afterAll(() => setLogLevel('warn'));

const managers: LogManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.shutdown()));
});

const tp = (topic: string) => ({ topic, partition: 0 });

/** A LogManager whose topics get `topics[topic]` (else the defaults), and a cleaner config. */
async function startManager(
  topics: Record<string, Partial<LogConfig>>,
  cleaner: Partial<typeof DEFAULT_CLEANER_CONFIG> = {},
): Promise<{ lm: LogManager; dir: string }> {
  const dir = await tempDir('lc');
  const lm = new LogManager({
    ...DEFAULT_LOG_MANAGER_CONFIG,
    logDirs: [dir],
    defaultConfig: logConfig(),
    topicConfig: (topic) => logConfig(topics[topic] ?? {}),
    cleaner: { ...DEFAULT_CLEANER_CONFIG, threads: 0, ...cleaner },
  });
  managers.push(lm);
  await lm.startup();
  return { lm, dir };
}

/** Appends `rounds` rounds over `keys` keys, one segment per round; the HW follows. */
async function fill(log: Log, rounds: number, keys: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await appendKeyed(log, [
      Array.from({ length: keys }, (_, k) => ({ key: `k${k}`, value: `r${round}` })),
    ]);
    await log.roll();
  }
}

describe('the log cleaner in the LogManager', () => {
  it('runs cleaning loops from startup that compact a log to one record per key, and stops them at shutdown', async () => {
    const { lm } = await startManager(
      { compacted: { compact: true, delete: false, minCleanableRatio: 0.01 } },
      { threads: 2, backoffMs: 10 },
    );
    const log = await lm.getOrCreateLog(tp('compacted'));
    await fill(log, 6, 5);
    await waitFor(async () => (await readAllRecords(log)).length === 5, {
      timeoutMs: 10_000,
      what: 'the cleaner threads to compact compacted-0',
    });
    expect((await readAllRecords(log)).map((r) => [r.offset, r.value])).toEqual(
      [25, 26, 27, 28, 29].map((offset) => [offset, 'r5']),
    );
    await lm.shutdown();
    const names = await fs.readdir(log.dir);
    expect(names.filter((n) => /\.(cleaned|swap)$/.test(n))).toEqual([]);
    expect(
      await fs.readFile(path.join(path.dirname(log.dir), 'cleaner-offset-checkpoint'), 'utf8'),
    ).toBe('0\n1\ncompacted 0 30\n');
  });

  it('starts compacting a live log once its cleanup.policy becomes compact', async () => {
    const { lm } = await startManager({});
    const log = await lm.getOrCreateLog(tp('orders'));
    await fill(log, 3, 4);
    expect(await lm.cleaner?.cleanFilthiestLog()).toBeUndefined();
    log.updateConfig({ ...log.config, compact: true, delete: false });
    const cleaned = await lm.cleaner?.cleanFilthiestLog();
    expect(cleaned).toMatchObject({ topicPartition: tp('orders'), endOffset: 12 });
    expect((await readAllRecords(log)).length).toBe(4);
  });

  it('leaves the retention of compacted logs to the cleaner threads: compact,delete logs lose old segments there', async () => {
    const now = Date.now();
    const { lm } = await startManager({
      // One batch per segment, so that cleaning does not merge the old segment with the new.
      both: { compact: true, delete: true, retentionMs: 60_000, segmentBytes: 100 },
      plain: { retentionMs: 60_000 },
    });
    const both = await lm.getOrCreateLog(tp('both'));
    const plain = await lm.getOrCreateLog(tp('plain'));
    for (const log of [both, plain]) {
      await appendKeyed(log, [[{ key: 'old', value: 'x', timestamp: now - 120_000 }]]);
      await log.roll();
      await appendKeyed(log, [[{ key: 'new', value: 'y', timestamp: now }]]);
      await log.roll();
    }
    expect(await lm.cleanupLogs()).toBe(1);
    expect(plain.logStartOffset).toBe(1);
    expect(both.logStartOffset).toBe(0);
    await lm.cleaner?.cleanFilthiestLog();
    expect(both.logStartOffset).toBe(1);
    expect((await readAllRecords(both)).map((r) => r.key)).toEqual(['new']);
  });

  it('without a cleaner (log.cleaner.enable=false) compacts nothing and runs the retention of every log itself', async () => {
    const now = Date.now();
    const { lm, dir } = await startManager(
      { both: { compact: true, delete: true, retentionMs: 60_000 } },
      { enable: false },
    );
    expect(lm.cleaner).toBeUndefined();
    const log = await lm.getOrCreateLog(tp('both'));
    await appendKeyed(log, [[{ key: 'k', value: 'old', timestamp: now - 120_000 }]]);
    await log.roll();
    await appendKeyed(log, [[{ key: 'k', value: 'new', timestamp: now }]]);
    await log.roll();
    expect(await lm.cleanupLogs()).toBe(1);
    expect((await readAllRecords(log)).map((r) => r.value)).toEqual(['new']);
    expect(await fs.readdir(dir)).not.toContain('cleaner-offset-checkpoint');
  });

  it('forgets a deleted log: its cleaning stops and its checkpoint goes', async () => {
    const { lm, dir } = await startManager({ gone: { compact: true, delete: false } });
    const log = await lm.getOrCreateLog(tp('gone'));
    await fill(log, 2, 2);
    await lm.cleaner?.cleanFilthiestLog();
    const file = path.join(dir, 'cleaner-offset-checkpoint');
    expect(await fs.readFile(file, 'utf8')).toBe('0\n1\ngone 0 4\n');
    await lm.deleteLog(tp('gone'));
    expect(await fs.readFile(file, 'utf8')).toBe('0\n0\n');
  });
});

describe('a truncation during a cleaning', () => {
  it('aborts the cleaning before it swaps anything, then truncates, and moves the checkpoint back', async () => {
    const dir = await tempDir('lc-trunc');
    const logs: LogInDir[] = [];
    let truncation: Promise<boolean> | undefined;
    let truncated = false;
    const cleaner = new LogCleaner({
      config: { ...DEFAULT_CLEANER_CONFIG, threads: 0, ioBufferSize: 8192 },
      logDirs: [dir],
      logs: () => logs,
      onStep: async (step) => {
        if (step !== 'cleaned batches appended' || truncation) return;
        truncation = logs[0].log.truncateTo(6).then((cut) => (truncated = cut));
        // The truncation asked the cleaning to stop, and waits for it.
        expect(cleaner.manager.isAborted(tp('t'))).toBe(true);
        for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
        expect(truncated).toBe(false);
      },
    });
    await cleaner.startup();
    const log = await Log.open({
      dir: path.join(dir, 't-0'),
      topicPartition: tp('t'),
      config: logConfig({ compact: true, delete: false }),
      hadCleanShutdown: true,
      cleanerHooks: cleaner.hooksFor(dir),
    });
    logs.push({ log, logDir: dir });
    await fill(log, 4, 3);
    const segments = log.logSegments();

    expect(await cleaner.cleanFilthiestLog()).toBeUndefined();
    await truncation;
    expect(truncated).toBe(true);
    expect(log.logEndOffset).toBe(6);
    expect(log.logSegments().slice(0, 2)).toEqual(segments.slice(0, 2));
    expect((await fs.readdir(log.dir)).filter((n) => n.endsWith('.cleaned'))).toEqual([]);
    expect(cleaner.manager.checkpoint(dir, tp('t'))).toBeUndefined();
    expect((await readAllRecords(log)).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5]);

    // Cleaning resumes after the truncation; a later truncation below the checkpoint moves it.
    await fill(log, 2, 3);
    const cleaned = await cleaner.cleanFilthiestLog();
    expect(cleaned?.endOffset).toBe(12);
    expect(cleaner.manager.checkpoint(dir, tp('t'))).toBe(12);
    await log.truncateTo(10);
    expect(cleaner.manager.checkpoint(dir, tp('t'))).toBe(log.activeSegment.baseOffset);
    expect(log.activeSegment.baseOffset).toBeLessThanOrEqual(10);
    await cleaner.shutdown();
    await log.close();
  });
});
