import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { TimeIndex } from '../../../broker/log/time-index';
import { tempDir } from '../../harness';

const BASE = 500;

async function newIndex(maxIndexSize = 12 * 100): Promise<{ index: TimeIndex; file: string }> {
  const file = path.join(await tempDir('time-index'), '00000000000000000500.timeindex');
  return { index: await TimeIndex.open(file, BASE, maxIndexSize), file };
}

describe('TimeIndex', () => {
  it('looks up the largest timestamp at or below the target, or (-1, base) below the first', async () => {
    const { index } = await newIndex();
    index.maybeAppend(1_000, 510);
    index.maybeAppend(2_000, 520);
    index.maybeAppend(3_000, 530);
    expect(index.lookup(999)).toEqual({ timestamp: -1, offset: BASE });
    expect(index.lookup(1_000)).toEqual({ timestamp: 1_000, offset: 510 });
    expect(index.lookup(2_999)).toEqual({ timestamp: 2_000, offset: 520 });
    expect(index.lookup(9_999)).toEqual({ timestamp: 3_000, offset: 530 });
    await index.close();
  });

  it('appends only a larger timestamp, and refuses a smaller timestamp or offset', async () => {
    const { index } = await newIndex();
    index.maybeAppend(1_000, 510);
    index.maybeAppend(1_000, 520);
    expect(index.entries).toBe(1);
    expect(() => index.maybeAppend(900, 530)).toThrow(/no larger than the last timestamp/);
    expect(() => index.maybeAppend(2_000, 505)).toThrow(/no larger than the last offset/);
    await index.close();
  });

  it('writes 12-byte big-endian entries (int64 timestamp, int32 relative offset)', async () => {
    const { index, file } = await newIndex();
    index.maybeAppend(1_700_000_000_000, 501);
    index.trimToValidSize();
    await index.close();
    const bytes = await fs.readFile(file);
    expect(bytes.toString('hex')).toBe('0000018bcfe56800' + '00000001');
  });

  it('counts as full one entry early, keeping the last slot for the entry written on roll', async () => {
    const { index } = await newIndex(12 * 3);
    index.maybeAppend(1, 501);
    expect(index.isFull()).toBe(false);
    index.maybeAppend(2, 502);
    expect(index.isFull()).toBe(true);
    expect(() => index.maybeAppend(3, 503)).toThrow(/full time index/);
    index.maybeAppend(3, 503, true);
    expect(index.entries).toBe(3);
    await index.close();
  });

  it('truncateTo removes entries at or after the offset', async () => {
    const { index } = await newIndex();
    index.maybeAppend(10, 510);
    index.maybeAppend(20, 520);
    index.maybeAppend(30, 530);
    index.truncateTo(521);
    expect(index.lastEntry()).toEqual({ timestamp: 20, offset: 520 });
    index.truncateTo(520);
    expect(index.lastEntry()).toEqual({ timestamp: 10, offset: 510 });
    index.truncateTo(0);
    expect(index.entries).toBe(0);
    await index.close();
  });

  it('reports a size that is not whole entries and untrimmed zero entries', async () => {
    const dir = await tempDir('time-index');
    const odd = path.join(dir, 'a.timeindex');
    await fs.writeFile(odd, Buffer.alloc(30));
    const a = await TimeIndex.open(odd, 0, 0);
    expect(a.problem()).toMatch(/not a multiple of 12/);
    await a.close();
    const zeros = path.join(dir, 'b.timeindex');
    await fs.writeFile(
      zeros,
      Buffer.concat([Buffer.from('00000000000003e800000004', 'hex'), Buffer.alloc(24)]),
    );
    const b = await TimeIndex.open(zeros, 0, 0);
    expect(b.problem()).toMatch(/out of order/);
    await b.close();
  });

  it('lookup agrees with a linear search for any increasing timestamps (property)', async () => {
    const { index } = await newIndex(12 * 300);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: -5, max: 1_100_000 }), { minLength: 1, maxLength: 50 }),
        async (timestamps, targets) => {
          index.reset();
          const sorted = [...timestamps].sort((x, y) => x - y);
          sorted.forEach((ts, i) => index.maybeAppend(ts, BASE + i * 3));
          for (const target of targets) {
            let expected = { timestamp: -1, offset: BASE };
            sorted.forEach((ts, i) => {
              if (ts <= target) expected = { timestamp: ts, offset: BASE + i * 3 };
            });
            expect(index.lookup(target)).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
    await index.close();
  });
});
