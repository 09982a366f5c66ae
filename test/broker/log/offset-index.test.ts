import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { OffsetIndex } from '../../../broker/log/offset-index';
import { tempDir } from '../../harness';

const BASE = 1000;

async function newIndex(maxIndexSize = 8 * 100): Promise<{ index: OffsetIndex; file: string }> {
  const file = path.join(await tempDir('offset-index'), '00000000000000001000.index');
  return { index: await OffsetIndex.open(file, BASE, maxIndexSize), file };
}

describe('OffsetIndex', () => {
  it('looks up the largest entry at or below the target, or (base, 0) below the first', async () => {
    const { index } = await newIndex();
    index.append(1010, 100);
    index.append(1020, 200);
    index.append(1030, 300);
    expect(index.lookup(1005)).toEqual({ offset: BASE, position: 0 });
    expect(index.lookup(1010)).toEqual({ offset: 1010, position: 100 });
    expect(index.lookup(1019)).toEqual({ offset: 1010, position: 100 });
    expect(index.lookup(1020)).toEqual({ offset: 1020, position: 200 });
    expect(index.lookup(5000)).toEqual({ offset: 1030, position: 300 });
    await index.close();
  });

  it('rejects an offset that is not larger than the last one', async () => {
    const { index } = await newIndex();
    index.append(1010, 100);
    expect(() => index.append(1010, 200)).toThrow(/no larger than the last offset/);
    await index.close();
  });

  it('writes 8-byte big-endian entries (relative offset, position) in a preallocated file and trims it on close', async () => {
    const { index, file } = await newIndex(8 * 100);
    index.append(1001, 70);
    index.append(1258, 9000);
    await index.flush();
    expect((await fs.stat(file)).size).toBe(800);
    index.trimToValidSize();
    await index.close();
    const bytes = await fs.readFile(file);
    expect(bytes.toString('hex')).toBe('00000001' + '00000046' + '00000102' + '00002328');
  });

  it('reopens with the same entries', async () => {
    const { index, file } = await newIndex();
    index.append(1001, 70);
    index.append(1002, 140);
    index.trimToValidSize();
    await index.close();
    const reopened = await OffsetIndex.open(file, BASE, 0);
    expect(reopened.entries).toBe(2);
    expect(reopened.lastEntry()).toEqual({ offset: 1002, position: 140 });
    expect(reopened.problem(1000)).toBeUndefined();
    await reopened.close();
  });

  it('truncateTo removes the entry for the offset and every later one, and zeroes them on disk', async () => {
    const { index, file } = await newIndex(8 * 10);
    for (let i = 1; i <= 5; i++) index.append(BASE + i * 10, i * 100);
    index.truncateTo(1030);
    expect(index.entries).toBe(2);
    index.truncateTo(1015);
    expect(index.entries).toBe(1);
    index.truncateTo(1000);
    expect(index.entries).toBe(0);
    await index.flush();
    const bytes = await fs.readFile(file);
    expect(bytes.length).toBe(80);
    expect(bytes.every((b) => b === 0)).toBe(true);
    await index.close();
  });

  it('is full at segment.index.bytes / 8 entries', async () => {
    const { index } = await newIndex(8 * 3 + 5);
    expect(index.maxEntries).toBe(3);
    index.append(1001, 1);
    index.append(1002, 2);
    expect(index.isFull()).toBe(false);
    index.append(1003, 3);
    expect(index.isFull()).toBe(true);
    expect(() => index.append(1004, 4)).toThrow(/full index/);
    await index.close();
  });

  it('reports a size that is not whole entries, entries out of order and positions past the log end', async () => {
    const dir = await tempDir('offset-index');
    const odd = path.join(dir, 'a.index');
    await fs.writeFile(odd, Buffer.alloc(13));
    const a = await OffsetIndex.open(odd, 0, 0);
    expect(a.problem(100)).toMatch(/not a multiple of 8/);
    await a.close();

    const zeros = path.join(dir, 'b.index');
    const entry = Buffer.from('0000000500000040', 'hex');
    await fs.writeFile(zeros, Buffer.concat([entry, Buffer.alloc(16)]));
    const b = await OffsetIndex.open(zeros, 0, 0);
    expect(b.problem(1000)).toMatch(/out of order/);
    await b.close();

    const past = path.join(dir, 'c.index');
    await fs.writeFile(past, entry);
    const c = await OffsetIndex.open(past, 0, 0);
    expect(c.problem(64)).toMatch(/past the end of the log/);
    expect(c.problem(65)).toBeUndefined();
    await c.close();
  });

  it('lookup agrees with a linear search for any set of entries (property)', async () => {
    const { index } = await newIndex(8 * 300);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 100_000 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 110_000 }), { minLength: 1, maxLength: 50 }),
        async (relatives, targets) => {
          index.reset();
          const sorted = [...relatives].sort((x, y) => x - y);
          sorted.forEach((rel, i) => index.append(BASE + rel, (i + 1) * 16));
          for (const target of targets) {
            let expected = { offset: BASE, position: 0 };
            sorted.forEach((rel, i) => {
              if (BASE + rel <= BASE + target)
                expected = { offset: BASE + rel, position: (i + 1) * 16 };
            });
            expect(index.lookup(BASE + target)).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
    await index.close();
  });
});
