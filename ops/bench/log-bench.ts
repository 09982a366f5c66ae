/**
 * The partition-log benchmark: how fast broker/log appends and reads record batches, next to a
 * raw sequential write of the same bytes to the same disk.
 *
 *   npm run build
 *   node dist/ops/bench/log-bench.js [--dir DIR] [--total-mb 1024] [--batch-bytes 16384]
 *                                    [--record-bytes 100] [--runs 3] [--read-bytes 1048576]
 *                                    [--index-interval-bytes 4096]
 *
 * Each run, in a fresh folder under --dir (default: the OS temp folder), measures (the raw write
 * first in odd runs, last in even runs):
 *  1. raw write: the batches' bytes written with `FileHandle.write`, one awaited write per
 *     batch, appending to one file; timed without fsync, then with one `fdatasync` at the end;
 *  2. append: `Log.appendAsLeader` of the same batches, one awaited append per batch (each
 *     validated, CRC-checked, offset-assigned and indexed as a leader does), timed the same way
 *     (the sync being `Log.flush`);
 *  3. read: `Log.read` over the whole log from offset 0, --read-bytes per read (a consumer's
 *     max.partition.fetch.bytes), each read continuing after the last batch returned. The data
 *     was just written, so this measures reads from the page cache.
 * Batches hold `--record-bytes`-byte values (no key, no headers), as many as fit in
 * --batch-bytes; they are built before the clock starts (a set of 64, reused: appending rewrites
 * only their base offset and leader epoch). Their timestamps are those of the build, so the time
 * index gains entries only at the start (a live leader, whose timestamps grow, adds one next to
 * most offset-index entries). The table shows the median over the runs, in
 * MB/s (MB = 10^6 bytes) and records/s, and the ratio append/raw.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SamsaError } from '../../client/errors';
import { setLogLevel } from '../../client/logging';
import {
  LAST_OFFSET_DELTA_OFFSET,
  RECORD_COUNT_OFFSET,
  readInt64,
  setBaseOffset,
} from '../../client/record/batch-header';
import { encodeRecordBatchSync } from '../../client/record/record-batch';
import { completeBatches } from '../../broker/log/batch-scanner';
import { Log } from '../../broker/log/log';
import { logConfig } from '../../broker/log/log-config';

interface BenchOptions {
  dir: string;
  totalMb: number;
  batchBytes: number;
  recordBytes: number;
  runs: number;
  readBytes: number;
  /** index.interval.bytes of the log (Kafka's default 4096: an offset-index entry per append). */
  indexIntervalBytes: number;
}

/** One run's timings, in milliseconds. */
interface RunTimes {
  raw: number;
  rawSynced: number;
  append: number;
  appendSynced: number;
  read: number;
}

const DISTINCT_BATCHES = 64;

/** The batch with the most `recordBytes`-byte values that fits in `batchBytes` (at least one). */
function buildBatch(batchBytes: number, recordBytes: number): Buffer {
  const value = Buffer.alloc(recordBytes, 0x61);
  const encode = (count: number): Buffer =>
    encodeRecordBatchSync(Array.from({ length: count }, () => ({ value, timestamp: Date.now() })));
  let count = Math.max(1, Math.floor(batchBytes / (recordBytes + 8)));
  while (count > 1 && encode(count).length > batchBytes) count--;
  while (encode(count + 1).length <= batchBytes) count++;
  return encode(count);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function rawWrite(
  file: string,
  batches: Buffer[],
  count: number,
): Promise<{ loop: number; synced: number }> {
  const fh = await fs.open(file, 'w');
  try {
    const start = performance.now();
    let position = 0;
    for (let i = 0; i < count; i++) {
      const buf = batches[i % batches.length];
      let written = 0;
      while (written < buf.length) {
        const { bytesWritten } = await fh.write(buf, written, buf.length - written, position);
        written += bytesWritten;
        position += bytesWritten;
      }
    }
    const loop = performance.now() - start;
    await fh.datasync();
    return { loop, synced: performance.now() - start };
  } finally {
    await fh.close();
  }
}

async function openBenchLog(dir: string, indexIntervalBytes: number): Promise<Log> {
  return Log.open({
    dir,
    topicPartition: { topic: 'bench', partition: 0 },
    config: logConfig({ indexIntervalBytes }),
    hadCleanShutdown: true,
  });
}

async function appendAll(
  log: Log,
  batches: Buffer[],
  count: number,
): Promise<{ loop: number; synced: number }> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const batch = batches[i % batches.length];
    // A leader append takes batches as a producer sends them, with base offset 0; the previous
    // append of this buffer assigned it an offset in place.
    setBaseOffset(batch, 0, 0);
    await log.appendAsLeader(batch, 0);
  }
  const loop = performance.now() - start;
  await log.flush();
  return { loop, synced: performance.now() - start };
}

/** Reads the whole log front to back; returns the time taken and the bytes read. */
async function readAll(log: Log, readBytes: number): Promise<{ time: number; bytes: number }> {
  const start = performance.now();
  let offset = log.logStartOffset;
  let bytes = 0;
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, readBytes, { minOneBatch: true });
    const { length, lastStart } = completeBatches(records);
    if (length === 0) throw new SamsaError(`Log.read returned no batch at offset ${offset}`);
    bytes += length;
    offset =
      readInt64(records, lastStart) + records.readInt32BE(lastStart + LAST_OFFSET_DELTA_OFFSET) + 1;
  }
  return { time: performance.now() - start, bytes };
}

/** The append and read phases in a fresh log under `dir`. */
async function logPhases(
  dir: string,
  options: BenchOptions,
  batches: Buffer[],
  count: number,
): Promise<Pick<RunTimes, 'append' | 'appendSynced' | 'read'>> {
  const log = await openBenchLog(path.join(dir, 'bench-0'), options.indexIntervalBytes);
  try {
    const append = await appendAll(log, batches, count);
    const read = await readAll(log, options.readBytes);
    const expected = count * batches[0].length;
    if (read.bytes !== expected) {
      throw new SamsaError(`read ${read.bytes} bytes back, ${expected} were appended`);
    }
    return { append: append.loop, appendSynced: append.synced, read: read.time };
  } finally {
    await log.close();
  }
}

/**
 * One run in a fresh folder. Odd runs write the raw file first, even runs the log first, so
 * neither always runs on a disk still busy with the other's data.
 */
async function oneRun(
  options: BenchOptions,
  batches: Buffer[],
  count: number,
  rawFirst: boolean,
): Promise<RunTimes> {
  const dir = await fs.mkdtemp(path.join(options.dir, 'samsa-log-bench-'));
  try {
    const rawPhase = async (): Promise<{ loop: number; synced: number }> => {
      const raw = await rawWrite(path.join(dir, 'raw.bin'), batches, count);
      await fs.rm(path.join(dir, 'raw.bin'));
      return raw;
    };
    const raw = rawFirst ? await rawPhase() : undefined;
    const log = await logPhases(dir, options, batches, count);
    await fs.rm(path.join(dir, 'bench-0'), { recursive: true });
    const { loop, synced } = raw ?? (await rawPhase());
    return { raw: loop, rawSynced: synced, ...log };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function row(label: string, bytes: number, records: number, ms: number): string {
  const mbps = bytes / 1e6 / (ms / 1000);
  const rps = records / (ms / 1000);
  return (
    label.padEnd(34) +
    mbps.toFixed(1).padStart(10) +
    Math.round(rps).toLocaleString('en-US').padStart(14) +
    ms.toFixed(0).padStart(10)
  );
}

async function runBench(options: BenchOptions, print: (line: string) => void): Promise<void> {
  const template = buildBatch(options.batchBytes, options.recordBytes);
  const perBatch = template.readInt32BE(RECORD_COUNT_OFFSET);
  const batches = Array.from({ length: DISTINCT_BATCHES }, () =>
    buildBatch(options.batchBytes, options.recordBytes),
  );
  const count = Math.max(1, Math.floor((options.totalMb * 1024 * 1024) / template.length));
  const bytes = count * template.length;
  const records = count * perBatch;
  print(
    `samsa log benchmark: ${count} batches of ${template.length} bytes (${perBatch} records of ` +
      `${options.recordBytes} bytes each), ${(bytes / 1024 / 1024).toFixed(0)} MiB per run, ` +
      `index.interval.bytes ${options.indexIntervalBytes}, ${options.runs} runs, medians; ` +
      `dir ${options.dir}; node ${process.version}`,
  );
  const runs: RunTimes[] = [];
  for (let i = 0; i < options.runs; i++) {
    const times = await oneRun(options, batches, count, i % 2 === 0);
    runs.push(times);
    print(
      `  run ${i + 1}: raw ${(bytes / 1e3 / times.raw).toFixed(0)} MB/s, append ${(bytes / 1e3 / times.append).toFixed(0)} MB/s, ` +
        `read ${(bytes / 1e3 / times.read).toFixed(0)} MB/s`,
    );
  }
  const m = (key: keyof RunTimes): number => median(runs.map((r) => r[key]));
  print('');
  print(
    'operation'.padEnd(34) + 'MB/s'.padStart(10) + 'records/s'.padStart(14) + 'ms'.padStart(10),
  );
  print(row('raw write (FileHandle.write)', bytes, records, m('raw')));
  print(row('raw write + fdatasync', bytes, records, m('rawSynced')));
  print(row('Log.appendAsLeader', bytes, records, m('append')));
  print(row('Log.appendAsLeader + Log.flush', bytes, records, m('appendSynced')));
  print(row(`Log.read (${options.readBytes} B reads)`, bytes, records, m('read')));
  print('');
  print(
    `append/raw = ${Math.round((100 * m('raw')) / m('append'))}% ` +
      `(with the final sync: ${Math.round((100 * m('rawSynced')) / m('appendSynced'))}%)`,
  );
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SamsaError(`--${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
}

async function main(): Promise<void> {
  const args = await yargs(hideBin(process.argv))
    .scriptName('log-bench')
    .option('dir', { type: 'string', default: os.tmpdir(), describe: 'folder on the disk to test' })
    .option('total-mb', { type: 'number', default: 1024, describe: 'MiB written per run' })
    .option('batch-bytes', { type: 'number', default: 16384, describe: 'bytes per batch' })
    .option('record-bytes', { type: 'number', default: 100, describe: 'bytes per record value' })
    .option('runs', { type: 'number', default: 3, describe: 'repetitions (the median is shown)' })
    .option('read-bytes', { type: 'number', default: 1024 * 1024, describe: 'max bytes per read' })
    .option('index-interval-bytes', {
      type: 'number',
      default: 4096,
      describe: "the log's index.interval.bytes",
    })
    .strict()
    .help()
    .parseAsync();
  if (!process.env.SAMSA_LOG_LEVEL) setLogLevel('warn');
  await runBench(
    {
      dir: args.dir,
      totalMb: positiveInteger('total-mb', args['total-mb']),
      batchBytes: positiveInteger('batch-bytes', args['batch-bytes']),
      recordBytes: positiveInteger('record-bytes', args['record-bytes']),
      runs: positiveInteger('runs', args.runs),
      readBytes: positiveInteger('read-bytes', args['read-bytes']),
      indexIntervalBytes: positiveInteger('index-interval-bytes', args['index-interval-bytes']),
    },
    (line) => process.stdout.write(`${line}\n`),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`log-bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
