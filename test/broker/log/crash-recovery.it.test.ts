/**
 * Crash recovery of the log with a real process: a child appends batches in a loop (small ones
 * and 1.5 MiB ones) and is killed with SIGKILL at various points, several times over the same log
 * dir. After each kill the log is reopened here, without the clean-shutdown marker, and must be
 * whole: no partial batch, every batch's CRC valid, offsets contiguous and strictly increasing,
 * indexes consistent, every append the child saw complete still there.
 */
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isBatchCrcValid } from '../../../client/record/batch-header';
import { DEFAULT_LOG_MANAGER_CONFIG, LogManager } from '../../../broker/log/log-manager';
import { logConfig } from '../../../broker/log/log-config';
import { killTracked, spawnTracked, tempDir, useHarness, waitFor } from '../../harness';
import { batchesIn } from './fixtures/log-fixtures';

useHarness();

const RUN_TS = path.join(__dirname, 'fixtures', 'run-ts.js');
const APPEND_LOOP = path.join(__dirname, 'fixtures', 'append-loop.ts');

interface Child {
  process: ChildProcess;
  lines: string[];
  lastAppended: () => number;
}

function startAppender(logDir: string, epoch: number): Child {
  const child = spawnTracked(process.execPath, [RUN_TS, APPEND_LOOP, logDir, String(epoch)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SAMSA_LOG_LEVEL: 'warn' },
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.once('exit', (code) => {
    if (code !== null) lines.push(`exited ${code}: ${stderr}`);
  });
  const lastAppended = (): number => {
    for (let i = lines.length - 1; i >= 0; i--) {
      if (lines[i].startsWith('appended ')) return Number(lines[i].slice(9));
    }
    return -1;
  };
  return { process: child, lines, lastAppended };
}

async function checkLog(logDir: string, lastAppended: number, epochs: number[]): Promise<number> {
  expect(await fs.readdir(logDir)).not.toContain('.kafka_cleanshutdown');
  const manager = new LogManager({
    ...DEFAULT_LOG_MANAGER_CONFIG,
    logDirs: [logDir],
    defaultConfig: logConfig({ segmentBytes: 4 * 1024 * 1024, maxMessageBytes: 2 * 1024 * 1024 }),
  });
  await manager.startup();
  try {
    const log = manager.getLog({ topic: 'crash', partition: 0 });
    if (!log) throw new Error('the log of crash-0 was not loaded');
    expect(log.logEndOffset).toBeGreaterThanOrEqual(lastAppended + 1);

    let expected = log.logStartOffset;
    while (expected < log.logEndOffset) {
      const { records } = await log.read(expected, 3 * 1024 * 1024);
      const batches = batchesIn(records);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.reduce((sum, b) => sum + b.size, 0)).toBe(records.length);
      for (const b of batches) {
        expect(isBatchCrcValid(records, b.position, b.size)).toBe(true);
        expect(b.baseOffset).toBe(expected);
        expect(epochs).toContain(b.partitionLeaderEpoch);
        expect(log.leaderEpochCache.epochForOffset(b.baseOffset)).toBe(b.partitionLeaderEpoch);
        expected = b.lastOffset + 1;
      }
    }
    expect(expected).toBe(log.logEndOffset);

    for (const segment of log.logSegments()) {
      expect(await segment.indexProblem()).toBeUndefined();
      const next = await segment.readNextOffset();
      for (let i = 0; i < segment.offsetIndex.entries; i++) {
        const entry = segment.offsetIndex.entry(i);
        expect(entry.offset).toBeLessThan(next);
        const found = await segment.translateOffset(entry.offset);
        expect(found?.lastOffset).toBeGreaterThanOrEqual(entry.offset);
      }
    }
    const entries = log.leaderEpochCache.entries();
    for (let i = 1; i < entries.length; i++) {
      expect(entries[i].epoch).toBeGreaterThan(entries[i - 1].epoch);
      expect(entries[i].startOffset).toBeGreaterThan(entries[i - 1].startOffset);
    }
    return log.logEndOffset;
  } finally {
    await manager.shutdown();
    await fs.rm(path.join(logDir, '.kafka_cleanshutdown'));
  }
}

describe('log crash recovery', () => {
  it('recovers a whole log after SIGKILLs at random points and while large batches are written', async () => {
    const logDir = await tempDir('crash-recovery');
    const epochs: number[] = [];
    let endOffset = 0;
    // Kill after this many appends, or as soon as a large batch starts ('large').
    const kills: (number | 'large')[] = [40, 'large', 97, 'large', 13, 'large'];
    for (const [round, when] of kills.entries()) {
      const epoch = round + 1;
      epochs.push(epoch);
      const child = startAppender(logDir, epoch);
      await waitFor(
        () => child.lines.some((l) => l.startsWith('ready') || l.startsWith('exited')),
        {
          timeoutMs: 60_000,
          intervalMs: 10,
          what: 'the appender to start',
        },
      );
      expect(child.lines[0]).toBe(`ready ${endOffset}`);
      if (when === 'large') {
        const seen = child.lines.filter((l) => l === 'large').length;
        await waitFor(() => child.lines.filter((l) => l === 'large').length > seen + round, {
          timeoutMs: 60_000,
          intervalMs: 1,
          what: 'a large batch to start',
        });
      } else {
        await waitFor(() => child.lines.filter((l) => l.startsWith('appended')).length >= when, {
          timeoutMs: 60_000,
          intervalMs: 5,
          what: `${when} appends`,
        });
      }
      const status = await killTracked(child.process, 'SIGKILL');
      expect(status.signal).toBe('SIGKILL');
      expect(child.lastAppended()).toBeGreaterThanOrEqual(endOffset);
      endOffset = await checkLog(logDir, child.lastAppended(), epochs);
    }
  });
});
