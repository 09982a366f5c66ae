/**
 * The replica log comparison of the fault tests finds what it is there to find: copies written
 * as real segment files (RecordBatch v2 batches) that agree are reported identical whatever their
 * segment boundaries, and a diverging batch, a torn tail, a corrupted batch or an offset gap are
 * each reported; the torn batches the fault tests inject look the way the checker expects.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeRecordBatchSync } from '../../client/record';
import { appendTornBatch, compareReplicas, readReplicaLog } from './replica-logs';

const TOPIC = 't';
let root: string;

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'replica-logs-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A batch of `count` records at `baseOffset`, stamped with `epoch`. */
function batch(baseOffset: number, count: number, epoch: number, tag = 'v'): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({
    value: Buffer.from(`${tag}-${baseOffset + i}`),
    timestamp: 1700000000000 + baseOffset + i,
  }));
  return encodeRecordBatchSync(records, { baseOffset, partitionLeaderEpoch: epoch });
}

/** Writes a copy of partition 0 under log dir `name`: one segment file per entry of `segments`. */
async function writeCopy(
  name: string,
  segments: { base: number; batches: Buffer[] }[],
): Promise<string> {
  const logDir = path.join(root, name);
  const dir = path.join(logDir, `${TOPIC}-0`);
  await fs.mkdir(dir, { recursive: true });
  for (const s of segments) {
    const file = `${String(s.base).padStart(20, '0')}.log`;
    await fs.writeFile(path.join(dir, file), Buffer.concat(s.batches));
    await fs.writeFile(path.join(dir, `${String(s.base).padStart(20, '0')}.index`), '');
  }
  return logDir;
}

async function compare(...logDirs: string[]): Promise<string[]> {
  const copies = await Promise.all(
    logDirs.map((dir, i) => readReplicaLog(i + 1, dir, TOPIC, 0, true)),
  );
  return compareReplicas(TOPIC, 0, copies);
}

const b0 = batch(0, 3, 0);
const b3 = batch(3, 2, 0);
const b5 = batch(5, 4, 1);

test('copies with the same batches are identical, whatever their segment boundaries', async () => {
  const one = await writeCopy('same-1', [{ base: 0, batches: [b0, b3, b5] }]);
  const two = await writeCopy('same-2', [
    { base: 0, batches: [b0] },
    { base: 3, batches: [b3, b5] },
  ]);
  const copy = await readReplicaLog(2, two, TOPIC, 0, false);
  expect(copy.logEndOffset).toBe(9);
  expect(copy.batches.map((b) => [b.baseOffset, b.lastOffset, b.leaderEpoch])).toEqual([
    [0, 2, 0],
    [3, 4, 0],
    [5, 8, 1],
  ]);
  expect(await compare(one, two)).toEqual([]);
});

test('a batch that differs in content or leader epoch at the same offsets is a divergence', async () => {
  const one = await writeCopy('diverge-1', [{ base: 0, batches: [b0, b3, b5] }]);
  const other = await writeCopy('diverge-2', [{ base: 0, batches: [b0, batch(3, 2, 0, 'w'), b5] }]);
  const epoch = await writeCopy('diverge-3', [{ base: 0, batches: [b0, b3, batch(5, 4, 2)] }]);
  expect(await compare(one, other)).toEqual([
    expect.stringMatching(/^t-0: replicas diverge at batch #1 \(offset 3\)/),
  ]);
  expect(await compare(one, epoch)).toEqual([
    expect.stringMatching(/^t-0: replicas diverge at batch #2 \(offset 5\).*epoch 1.*epoch 2/),
  ]);
});

test('a copy that is shorter is a divergence', async () => {
  const one = await writeCopy('short-1', [{ base: 0, batches: [b0, b3, b5] }]);
  const two = await writeCopy('short-2', [{ base: 0, batches: [b0, b3] }]);
  expect(await compare(one, two)).toEqual([
    expect.stringMatching(/replicas diverge at batch #2 \(offset 5\).*broker 2 has nothing$/),
  ]);
});

test('a torn tail is reported and not counted in the log end offset', async () => {
  const torn = await writeCopy('torn', [{ base: 0, batches: [b0, b3, b5.subarray(0, 40)] }]);
  const copy = await readReplicaLog(1, torn, TOPIC, 0, false);
  expect(copy.logEndOffset).toBe(5);
  expect(copy.tornTailBytes).toBe(40);
  expect(compareReplicas(TOPIC, 0, [copy])).toEqual(['t-0 on broker 1: torn tail of 40 bytes']);
});

test('a batch whose bytes no longer match its CRC is reported', async () => {
  const bad = Buffer.from(b3);
  bad[bad.length - 2] ^= 0xff;
  const dir = await writeCopy('crc', [{ base: 0, batches: [b0, bad, b5] }]);
  expect(await compare(dir)).toEqual([
    expect.stringMatching(/^t-0 on broker 1: CRC mismatch in batch 3\.\.4 /),
  ]);
});

test('a gap between offsets is reported', async () => {
  const dir = await writeCopy('gap', [{ base: 0, batches: [b0, b5] }]);
  expect(await compare(dir)).toEqual([
    expect.stringMatching(
      /^t-0 on broker 1: offsets not contiguous: batch 0\.\.2 .* then batch 5\.\.8 /,
    ),
  ]);
});

test('appendTornBatch leaves half of the next batch, or the whole next batch with a bad CRC', async () => {
  const partial = await writeCopy('append-partial', [{ base: 0, batches: [b0, b3] }]);
  const appended = await appendTornBatch(partial, TOPIC, 0, 'partial');
  expect(appended).toBe(Math.floor(b3.length / 2));
  const torn = await readReplicaLog(1, partial, TOPIC, 0, false);
  expect([torn.logEndOffset, torn.tornTailBytes]).toEqual([5, appended]);

  const corrupt = await writeCopy('append-corrupt', [{ base: 0, batches: [b0, b3] }]);
  await appendTornBatch(corrupt, TOPIC, 0, 'corrupt');
  expect(await compare(corrupt)).toEqual([
    expect.stringMatching(/^t-0 on broker 1: CRC mismatch in batch 5\.\.6 /),
  ]);
});
