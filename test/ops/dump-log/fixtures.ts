/**
 * Helpers for the dump-log tests: a small partition log written by the real broker log (plain,
 * gzip and control batches, keys, headers, a tombstone), the facts about its batches read back
 * from the file bytes, and a run of the tool with stdout and stderr captured as lines.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { Log } from '../../../broker/log/log';
import { logConfig } from '../../../broker/log/log-config';
import { forEachBatch } from '../../../broker/log/batch-scanner';
import { CompressionCodec, readBatchHeader } from '../../../client/record/batch-header';
import { encodeRecordBatch, encodeRecordBatchSync } from '../../../client/record/record-batch';
import { type DumpLogOptions, runDumpLog } from '../../../ops/tools/dump-log';
import { tempDir } from '../../harness';

export const T0 = 1_617_000_000_000;
export const SEGMENT = '00000000000000000000';

export interface SampleLog {
  dir: string;
  logFile: string;
  indexFile: string;
  timeIndexFile: string;
}

/** Position, size and stored CRC of each batch, read from the `.log` file itself. */
export interface BatchFacts {
  position: number;
  size: number;
  crc: number;
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/**
 * Writes, as leader in epoch 3 with an offset-index entry for every append after the first:
 *   offsets 0-2  idempotent batch (producer 42, epoch 1, base sequence 10), keys k0, k1 and a
 *                null key, header `trace` on the first record
 *   offsets 3-4  gzip batch, headers a and b on the first record
 *   offset  5    a tombstone (null value) with headers h1 and h2 (h2's value null)
 * then, as follower, offset 6: a transactional COMMIT control batch (coordinator epoch 5).
 */
export async function writeSampleLog(): Promise<SampleLog> {
  const dir = path.join(await tempDir('dump-log'), 't-0');
  const log = await Log.open({
    dir,
    topicPartition: { topic: 't', partition: 0 },
    config: logConfig({ indexIntervalBytes: 0 }),
    hadCleanShutdown: true,
  });
  try {
    await log.appendAsLeader(
      encodeRecordBatchSync(
        [
          {
            key: text('k0'),
            value: text('hello'),
            timestamp: T0,
            headers: [{ key: 'trace', value: text('x') }],
          },
          { key: text('k1'), value: text('world'), timestamp: T0 + 1 },
          { key: null, value: text('no key'), timestamp: T0 + 2 },
        ],
        { producerId: 42, producerEpoch: 1, baseSequence: 10 },
      ),
      3,
    );
    await log.appendAsLeader(
      await encodeRecordBatch(
        [
          {
            key: text('g0'),
            value: text('zipped 0'),
            timestamp: T0 + 10,
            headers: [
              { key: 'a', value: text('1') },
              { key: 'b', value: text('2') },
            ],
          },
          { key: text('g1'), value: text('zipped 1'), timestamp: T0 + 11 },
        ],
        { compression: CompressionCodec.Gzip },
      ),
      3,
    );
    await log.appendAsLeader(
      encodeRecordBatchSync([
        {
          key: text('tomb'),
          value: null,
          timestamp: T0 + 20,
          headers: [
            { key: 'h1', value: text('v') },
            { key: 'h2', value: null },
          ],
        },
      ]),
      3,
    );
    await log.appendAsFollower(
      encodeRecordBatchSync(
        [
          {
            key: Buffer.from([0, 0, 0, 1]),
            value: Buffer.from([0, 0, 0, 0, 0, 5]),
            timestamp: T0 + 30,
          },
        ],
        {
          baseOffset: 6,
          partitionLeaderEpoch: 3,
          producerId: 42,
          producerEpoch: 1,
          isTransactional: true,
          isControl: true,
        },
      ),
    );
  } finally {
    await log.close();
  }
  return {
    dir,
    logFile: path.join(dir, `${SEGMENT}.log`),
    indexFile: path.join(dir, `${SEGMENT}.index`),
    timeIndexFile: path.join(dir, `${SEGMENT}.timeindex`),
  };
}

export async function batchFacts(logFile: string): Promise<BatchFacts[]> {
  const bytes = await fs.readFile(logFile);
  const facts: BatchFacts[] = [];
  forEachBatch(bytes, (b) =>
    facts.push({ position: b.position, size: b.size, crc: readBatchHeader(bytes, b.position).crc }),
  );
  return facts;
}

/** A Writable that keeps what is written. */
export class Capture extends Writable {
  text = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }

  get lines(): string[] {
    return this.text === '' ? [] : this.text.replace(/\n$/, '').split('\n');
  }
}

export interface ToolRun {
  stdout: string[];
  stderr: string[];
}

export async function dump(options: DumpLogOptions): Promise<ToolRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  await runDumpLog(options, { stdout, stderr });
  return { stdout: stdout.lines, stderr: stderr.lines };
}

/** Runs the tool expecting it to fail; returns the error and what it printed before. */
export async function dumpFailing(options: DumpLogOptions): Promise<ToolRun & { error: Error }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const error = await runDumpLog(options, { stdout, stderr }).then(
    () => new Error('dump-log did not fail'),
    (err: Error) => err,
  );
  return { stdout: stdout.lines, stderr: stderr.lines, error };
}
