import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { LeaderEpochFileCache } from '../../../broker/log/leader-epoch-cache';
import { logger } from '../../../client/logging';
import { tempDir } from '../../harness';

const log = logger('test');

async function cache(
  entries: [number, number][] = [],
  leo = 30,
): Promise<{ cache: LeaderEpochFileCache; file: string }> {
  const file = path.join(await tempDir('epochs'), 'leader-epoch-checkpoint');
  const c = await LeaderEpochFileCache.load(file, () => leo, log);
  for (const [epoch, start] of entries) await c.assign(epoch, start);
  return { cache: c, file };
}

describe('LeaderEpochFileCache', () => {
  it('creates an empty checkpoint file and writes Kafka text format on every change', async () => {
    const { cache: c, file } = await cache();
    expect(await fs.readFile(file, 'utf8')).toBe('');
    await c.assign(0, 0);
    await c.assign(1, 10);
    await c.assign(3, 20);
    expect(await fs.readFile(file, 'utf8')).toBe('0\n3\n0 0\n1 10\n3 20\n');
    const reloaded = await LeaderEpochFileCache.load(file, () => 30, log);
    expect(reloaded.entries()).toEqual(c.entries());
  });

  it('keeps the first start offset of an epoch and replaces entries that are no longer monotonic', async () => {
    const { cache: c } = await cache([[1, 10]]);
    expect(await c.assign(1, 15)).toBe(false);
    expect(await c.assign(1, 5)).toBe(true);
    expect(c.entries()).toEqual([{ epoch: 1, startOffset: 5 }]);
    await c.assign(4, 20);
    await c.assign(3, 25);
    expect(c.entries()).toEqual([
      { epoch: 1, startOffset: 5 },
      { epoch: 3, startOffset: 25 },
    ]);
    await expect(c.assign(-1, 3)).rejects.toThrow(/invalid partition leader epoch entry/);
  });

  describe('endOffsetFor (KIP-101, KIP-279)', () => {
    const entries: [number, number][] = [
      [0, 0],
      [1, 10],
      [3, 20],
    ];

    it('gives the log end offset for the latest epoch', async () => {
      const { cache: c } = await cache(entries, 30);
      expect(c.endOffsetFor(3)).toEqual({ epoch: 3, endOffset: 30 });
    });

    it('gives the start offset of the next epoch for a known older epoch', async () => {
      const { cache: c } = await cache(entries);
      expect(c.endOffsetFor(0)).toEqual({ epoch: 0, endOffset: 10 });
      expect(c.endOffsetFor(1)).toEqual({ epoch: 1, endOffset: 20 });
    });

    it('gives the largest epoch below an unknown one, with the start of the next known epoch', async () => {
      const { cache: c } = await cache(entries);
      expect(c.endOffsetFor(2)).toEqual({ epoch: 1, endOffset: 20 });
    });

    it('gives the requested epoch with the first start offset for an epoch older than all', async () => {
      const { cache: c } = await cache([
        [2, 5],
        [4, 20],
      ]);
      expect(c.endOffsetFor(1)).toEqual({ epoch: 1, endOffset: 5 });
    });

    it('gives undefined (-1, -1) for an epoch above the latest, an undefined epoch or an empty cache', async () => {
      const { cache: c } = await cache(entries);
      expect(c.endOffsetFor(4)).toEqual({ epoch: -1, endOffset: -1 });
      expect(c.endOffsetFor(-1)).toEqual({ epoch: -1, endOffset: -1 });
      const { cache: empty } = await cache();
      expect(empty.endOffsetFor(0)).toEqual({ epoch: -1, endOffset: -1 });
    });
  });

  it('truncateFromEnd removes epochs starting at or after the new end', async () => {
    const { cache: c, file } = await cache([
      [0, 0],
      [1, 10],
      [3, 20],
    ]);
    await c.truncateFromEnd(20);
    expect(c.entries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 10 },
    ]);
    await c.truncateFromEnd(11);
    expect(c.latestEpoch()).toBe(1);
    expect(await fs.readFile(file, 'utf8')).toBe('0\n2\n0 0\n1 10\n');
  });

  it('truncateFromStart drops epochs before the new start and moves the covering one to it', async () => {
    const { cache: c } = await cache([
      [0, 0],
      [1, 10],
      [3, 20],
    ]);
    await c.truncateFromStart(15);
    expect(c.entries()).toEqual([
      { epoch: 1, startOffset: 15 },
      { epoch: 3, startOffset: 20 },
    ]);
    await c.truncateFromStart(20);
    expect(c.entries()).toEqual([{ epoch: 3, startOffset: 20 }]);
    expect(c.epochForOffset(25)).toBe(3);
    expect(c.epochForOffset(19)).toBeUndefined();
  });
});
