import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { forEachBatch } from '../../../broker/log/batch-scanner';
import { encodeRecordBatchSync } from '../../../client/record/record-batch';
import { BatchStream } from '../../../ops/tools/dump-log/batch-stream';
import { LineWriter } from '../../../ops/tools/dump-log/output';
import { tempDir } from '../../harness';
import { Capture } from './fixtures';

/** Batches of very different sizes, back to back, with their positions. */
function mixedBatches(): Buffer {
  const sizes = [1, 300, 5, 2_000, 40, 1, 9_000, 3];
  return Buffer.concat(
    sizes.map((valueSize, i) =>
      encodeRecordBatchSync([{ value: Buffer.alloc(valueSize, i), timestamp: 1_000 }], {
        baseOffset: i,
      }),
    ),
  );
}

describe('BatchStream', () => {
  it.each([64, 256, 1_000, 1 << 20])(
    'yields every complete batch whole and in order with %i-byte chunks, including batches larger than a chunk',
    async (chunkSize) => {
      const bytes = mixedBatches();
      const torn = Buffer.concat([bytes, bytes.subarray(0, 30)]);
      const file = path.join(await tempDir('batch-stream'), 'x.log');
      await fs.writeFile(file, torn);
      const expected: { position: number; bytes: Buffer }[] = [];
      forEachBatch(bytes, (b) =>
        expected.push({
          position: b.position,
          bytes: bytes.subarray(b.position, b.position + b.size),
        }),
      );
      const fh = await fs.open(file, 'r');
      try {
        const stream = new BatchStream(fh, file, 0, torn.length, chunkSize);
        const seen: { position: number; bytes: Buffer }[] = [];
        for (let b = await stream.next(); b; b = await stream.next()) {
          seen.push({ position: b.position, bytes: Buffer.from(b.bytes) });
        }
        expect(seen).toEqual(expected);
        expect(stream.position).toBe(bytes.length);
      } finally {
        await fh.close();
      }
    },
  );
});

describe('LineWriter', () => {
  it('delivers every line in order through a stream that pushes back', async () => {
    const sink = new Capture({ highWaterMark: 16 });
    const writer = new LineWriter(sink);
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    for (const line of lines) {
      writer.line(line);
      await writer.flushIfFull();
    }
    await writer.flush();
    expect(sink.lines).toEqual(lines);
  });
});
