import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isBatchCrcValid } from '../../../client/record/batch-header';
import type { Log } from '../../../broker/log/log';
import { OffsetIndex } from '../../../broker/log/offset-index';
import { tempDir } from '../../harness';
import { appendBatches, batch, batchesIn, openLog } from './fixtures/log-fixtures';

const ONE = batch({ valueSize: 100 }).length;
/** Segments of 4 batches, an index entry for every batch after the first. */
const CONFIG = { segmentBytes: ONE * 4, indexIntervalBytes: 0 };

async function logWith(batches: number): Promise<{ dir: string; all: Buffer }> {
  const dir = path.join(await tempDir('recovery'), 't-0');
  const log = await openLog(CONFIG, { dir });
  await appendBatches(log, batches, { valueSize: 100 });
  const all = await readAll(log);
  await log.close();
  return { dir, all };
}

async function readAll(log: Log): Promise<Buffer> {
  const parts: Buffer[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, 1 << 20);
    const batches = batchesIn(records);
    parts.push(records);
    offset = batches[batches.length - 1].lastOffset + 1;
  }
  return Buffer.concat(parts);
}

/** Every batch valid, offsets strictly increasing and contiguous, index lookups consistent. */
async function expectConsistent(log: Log): Promise<void> {
  const all = await readAll(log);
  let expected = log.logStartOffset;
  for (const b of batchesIn(all)) {
    expect(isBatchCrcValid(all, b.position, b.size)).toBe(true);
    expect(b.baseOffset).toBe(expected);
    expected = b.lastOffset + 1;
  }
  expect(expected).toBe(log.logEndOffset);
  for (const segment of log.logSegments()) {
    expect(await segment.indexProblem()).toBeUndefined();
  }
}

const file = (dir: string, base: number, suffix: string): string =>
  path.join(dir, `${String(base).padStart(20, '0')}${suffix}`);

describe('Log recovery', () => {
  it('drops a torn tail after an unclean shutdown and appends after it', async () => {
    const { dir, all } = await logWith(10);
    await fs.appendFile(file(dir, 8, '.log'), batch({ valueSize: 100 }).subarray(0, 70));
    const log = await openLog(CONFIG, { dir, hadCleanShutdown: false });
    expect(log.logEndOffset).toBe(10);
    expect(await readAll(log)).toEqual(all);
    expect((await fs.stat(file(dir, 8, '.log'))).size).toBe(2 * ONE);
    expect((await log.appendAsLeader(batch(), 0)).firstOffset).toBe(10);
    await expectConsistent(log);
    await log.close();
  });

  it('cuts at a corrupt batch and deletes the segments after it', async () => {
    const { dir, all } = await logWith(10);
    const segment4 = await fs.readFile(file(dir, 4, '.log'));
    segment4[2 * ONE + 70] ^= 0xff;
    await fs.writeFile(file(dir, 4, '.log'), segment4);
    const log = await openLog(CONFIG, { dir, hadCleanShutdown: false });
    expect(log.logEndOffset).toBe(6);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 4]);
    expect(await readAll(log)).toEqual(all.subarray(0, 6 * ONE));
    expect(await fs.readdir(dir)).not.toContain('00000000000000000008.log');
    await expectConsistent(log);
    await log.close();
  });

  it('re-validates only from the segment holding the recovery point', async () => {
    const { dir } = await logWith(10);
    const segment0 = await fs.readFile(file(dir, 0, '.log'));
    segment0[ONE + 70] ^= 0xff;
    await fs.writeFile(file(dir, 0, '.log'), segment0);
    await fs.appendFile(file(dir, 8, '.log'), Buffer.alloc(30, 7));
    const log = await openLog(CONFIG, { dir, hadCleanShutdown: false, recoveryPoint: 5 });
    expect(log.logEndOffset).toBe(10);
    expect(log.logSegments().map((s) => s.baseOffset)).toEqual([0, 4, 8]);
    expect((await fs.stat(file(dir, 8, '.log'))).size).toBe(2 * ONE);
    await log.close();
  });

  it('rebuilds an index file truncated to a size that is not a multiple of 8', async () => {
    const { dir, all } = await logWith(10);
    const index = await fs.readFile(file(dir, 0, '.index'));
    expect(index.length).toBe(24);
    await fs.writeFile(file(dir, 0, '.index'), index.subarray(0, 13));
    const log = await openLog(CONFIG, { dir });
    expect(await readAll(log)).toEqual(all);
    await expectConsistent(log);
    await log.close();
    expect(await fs.readFile(file(dir, 0, '.index'))).toEqual(index);
  });

  it('rebuilds an index whose entries point past the end of the log', async () => {
    const { dir, all } = await logWith(10);
    const index = await fs.readFile(file(dir, 4, '.index'));
    const past = Buffer.concat([index, Buffer.from('0000000500010000', 'hex')]);
    await fs.writeFile(file(dir, 4, '.index'), past);
    const log = await openLog(CONFIG, { dir });
    expect(await readAll(log)).toEqual(all);
    await expectConsistent(log);
    await log.close();
    expect(await fs.readFile(file(dir, 4, '.index'))).toEqual(index);
  });

  it('rebuilds an index whose last entry maps an offset to the wrong batch', async () => {
    const { dir, all } = await logWith(10);
    const index = await fs.readFile(file(dir, 0, '.index'));
    const wrong = Buffer.from(index);
    wrong.writeInt32BE(ONE, wrong.length - 4);
    await fs.writeFile(file(dir, 0, '.index'), wrong);
    const log = await openLog(CONFIG, { dir });
    expect((await log.read(3, 1 << 20)).records).toEqual(all.subarray(3 * ONE, 4 * ONE));
    await log.close();
    expect(await fs.readFile(file(dir, 0, '.index'))).toEqual(index);
  });

  it('rebuilds a preallocated index that was never trimmed, and a missing or garbled time index', async () => {
    const { dir, all } = await logWith(10);
    const index = await fs.readFile(file(dir, 0, '.index'));
    await fs.writeFile(file(dir, 0, '.index'), Buffer.concat([index, Buffer.alloc(8 * 100)]));
    await fs.rm(file(dir, 4, '.timeindex'));
    await fs.writeFile(file(dir, 8, '.timeindex'), Buffer.alloc(36, 0xff));
    const log = await openLog(CONFIG, { dir });
    expect(await readAll(log)).toEqual(all);
    await expectConsistent(log);
    expect(log.logSegments()[1].largestTimestamp).toBe(1_000);
    await log.close();
    expect(await fs.readFile(file(dir, 0, '.index'))).toEqual(index);
    const rebuilt = await OffsetIndex.open(file(dir, 0, '.index'), 0, 0);
    expect(rebuilt.entries).toBe(3);
    await rebuilt.close();
  });

  it('removes leftover .deleted files and orphaned index files when opening', async () => {
    const { dir } = await logWith(2);
    await fs.writeFile(path.join(dir, '00000000000000000099.log.deleted'), 'x');
    await fs.writeFile(file(dir, 50, '.index'), Buffer.alloc(8));
    const log = await openLog(CONFIG, { dir });
    const names = await fs.readdir(dir);
    expect(
      names.filter((n) => n.endsWith('.deleted') || n.startsWith('00000000000000000050')),
    ).toEqual([]);
    await log.close();
  });

  it('rebuilds the leader epoch cache from the recovered batches when its checkpoint is behind', async () => {
    const dir = path.join(await tempDir('recovery'), 't-0');
    const log = await openLog(CONFIG, { dir });
    await log.appendAsLeader(batch(), 1);
    await log.appendAsLeader(batch(), 2);
    await log.appendAsLeader(batch(), 5);
    await log.close();
    await fs.writeFile(path.join(dir, 'leader-epoch-checkpoint'), '0\n1\n1 0\n');
    const reopened = await openLog(CONFIG, { dir, hadCleanShutdown: false });
    expect(reopened.leaderEpochCache.entries()).toEqual([
      { epoch: 1, startOffset: 0 },
      { epoch: 2, startOffset: 1 },
      { epoch: 5, startOffset: 2 },
    ]);
    await reopened.close();
  });
});
