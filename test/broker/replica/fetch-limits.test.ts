/**
 * The size rules of a fetch response: per-partition and per-response limits, and the "first
 * batch whole" rule that lets a consumer progress past a batch larger than its limits.
 */
import { readWithinLimits } from '../../../broker/replica/fetch-limits';

interface FakePartition {
  name: string;
  /** Sizes of the batches available, in order. */
  batches: number[];
  partitionMaxBytes: number;
}

/** Reads whole batches up to maxBytes; the first whole when minOneBatch, as Log.read does. */
function fakeRead(
  p: FakePartition,
  maxBytes: number,
  minOneBatch: boolean,
): Promise<{ name: string; size: number; minOneBatch: boolean; maxBytes: number }> {
  let size = 0;
  for (const b of p.batches) {
    if (size + b > maxBytes && !(size === 0 && minOneBatch)) break;
    size += b;
  }
  return Promise.resolve({ name: p.name, size, minOneBatch, maxBytes });
}

async function run(partitions: FakePartition[], responseMaxBytes: number) {
  return readWithinLimits(
    partitions,
    responseMaxBytes,
    (p) => p.partitionMaxBytes,
    fakeRead,
    (r) => r.size,
  );
}

describe('fetch response size rules', () => {
  it('gives each partition at most min(partition_max_bytes, what is left of max_bytes)', async () => {
    const results = await run(
      [
        { name: 'a', batches: [300, 300, 300], partitionMaxBytes: 700 },
        { name: 'b', batches: [300, 300, 300], partitionMaxBytes: 700 },
        { name: 'c', batches: [300, 300], partitionMaxBytes: 700 },
      ],
      1000,
    );
    expect(results.map((r) => [r.name, r.maxBytes, r.size])).toEqual([
      ['a', 700, 600],
      ['b', 400, 300],
      ['c', 100, 0],
    ]);
  });

  it('returns the first batch whole even when larger than both limits, for the first partition with data only', async () => {
    const results = await run(
      [
        { name: 'empty', batches: [], partitionMaxBytes: 100 },
        { name: 'big', batches: [5000, 10], partitionMaxBytes: 100 },
        { name: 'next', batches: [5000], partitionMaxBytes: 100_000 },
      ],
      1000,
    );
    expect(results.map((r) => [r.name, r.minOneBatch, r.size])).toEqual([
      ['empty', true, 0],
      ['big', true, 5000],
      ['next', false, 0],
    ]);
  });

  it('reads partitions one at a time, in request order', async () => {
    const order: string[] = [];
    await readWithinLimits(
      ['x', 'y', 'z'],
      100,
      () => 10,
      async (name) => {
        order.push(`start ${name}`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${name}`);
        return 0;
      },
      (n) => n,
    );
    expect(order).toEqual(['start x', 'end x', 'start y', 'end y', 'start z', 'end z']);
  });
});
