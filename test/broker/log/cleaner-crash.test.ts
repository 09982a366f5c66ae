/**
 * Crash safety of compaction: the partition directory is copied at every step of the cleaner
 * (cleaned segment created, each run of batches written to it, flushed, renamed to .swap, each
 * old segment renamed to .deleted, .swap suffix dropped): a copy is what a process killed at that
 * moment leaves (the writes it made are in the page cache; index entries still queued in memory
 * are lost). Each copy is then opened as a log after an unclean shutdown and must hold every
 * key's latest record, only records that were written (same offset, key, value), nothing left
 * of the cleaning's temporary files, and be cleanable to the end.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { setLogLevel } from '../../../client/logging';
import { CompressionCodec } from '../../../client/record/batch-header';
import { Log } from '../../../broker/log/log';
import { logConfig } from '../../../broker/log/log-config';
import { tempDir } from '../../harness';
import {
  type StoredRecord,
  appendKeyed,
  cleanOnce,
  latestByKey,
  newCleaner,
  openCompactedLog,
  readAllRecords,
} from './fixtures/compaction-fixtures';

beforeAll(() => setLogLevel('error'));
afterAll(() => setLogLevel('warn'));

const STEP_KINDS = [
  'cleaned segment created',
  'cleaned batches appended',
  'cleaned segment flushed',
  'cleaned segment renamed to .swap',
  'renamed to .deleted',
  '.swap suffix dropped',
];

function checkAgainst(original: readonly StoredRecord[], found: readonly StoredRecord[]): void {
  const byOffset = new Map(original.map((r) => [r.offset, r]));
  for (let i = 1; i < found.length; i++) {
    expect(found[i].offset).toBeGreaterThan(found[i - 1].offset);
  }
  for (const r of found) expect(byOffset.get(r.offset)).toEqual(r);
  expect(latestByKey(found)).toEqual(latestByKey(original));
}

describe('a crash at any step of a cleaning', () => {
  it('loses nothing: every copy of the log taken mid-cleaning recovers with every latest value', async () => {
    const log = await openCompactedLog({
      segmentBytes: 600,
      indexIntervalBytes: 100,
      segmentIndexBytes: 4096,
    });
    // 8 keys, rewritten over 12 segments, some values deleted and some recreated after that;
    // two segments of gzip batches.
    for (let round = 0; round < 12; round++) {
      const records = Array.from({ length: 4 }, (_, i) => {
        const key = `key-${(round * 3 + i) % 8}`;
        const value = (round + i) % 5 === 0 ? null : `${key}@${round}`;
        return { key, value };
      });
      await appendKeyed(log, [records.slice(0, 2), records.slice(2)], {
        compression: round % 6 === 5 ? CompressionCodec.Gzip : CompressionCodec.None,
      });
      await log.roll();
    }
    const original = await readAllRecords(log);
    const root = await tempDir('crash-copies');
    const copies: { step: string; dir: string }[] = [];
    const cleaner = newCleaner({
      ioBufferSize: 256,
      onStep: async (step) => {
        const dir = path.join(root, `copy-${copies.length}`, 't-0');
        await fs.cp(log.dir, dir, { recursive: true });
        copies.push({ step, dir });
      },
    });
    await cleanOnce(log, cleaner);
    checkAgainst(original, await readAllRecords(log));
    await log.close();

    for (const kind of STEP_KINDS) {
      expect(copies.some((c) => c.step.includes(kind))).toBe(true);
    }
    expect(copies.length).toBeGreaterThan(20);
    for (const { step, dir } of copies) {
      const recovered = await Log.open({
        dir,
        topicPartition: { topic: 't', partition: 0 },
        config: logConfig({
          compact: true,
          delete: false,
          segmentBytes: 600,
          segmentIndexBytes: 4096,
        }),
        hadCleanShutdown: false,
      });
      try {
        const names = await fs.readdir(dir);
        expect({
          step,
          leftovers: names.filter((n) => /\.(cleaned|swap|deleted)$/.test(n)),
        }).toEqual({ step, leftovers: [] });
        checkAgainst(original, await readAllRecords(recovered));
        recovered.updateHighWatermark(recovered.logEndOffset);
        await cleanOnce(recovered, newCleaner());
        checkAgainst(original, await readAllRecords(recovered));
      } finally {
        await recovered.close();
      }
    }
  });
});
