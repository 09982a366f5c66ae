/**
 * The log-cleaner benchmark: how fast broker/log's cleaner compacts a log, and how long it holds
 * the event loop while it does.
 *
 *   npm run build
 *   node dist/ops/bench/cleaner-bench.js [--dir DIR] [--total-mb 256] [--keys 100000]
 *        [--record-bytes 100] [--batch-records 100] [--compression none] [--runs 3]
 *        [--dedupe-mb 128] [--io-buffer-kb 512] [--segment-mb 128]
 *
 * Each run, in a fresh folder under --dir (default: the OS temp folder), writes a compacted log
 * of about --total-mb MiB: batches of --batch-records records, each with a key drawn uniformly
 * from --keys keys and a --record-bytes value, compressed with --compression; then rolls, so
 * everything is cleanable, and cleans it once from the start with one cleaner thread's share of
 * the settings (Kafka's defaults: 128 MiB of offset map, 512 KiB of I/O buffers halved into a
 * read buffer). It reports, as medians over the runs:
 * - clean MB/s: the log's size over the wall time of the whole cleaning (offset map, rewrite,
 *   swaps, flushes);
 * - processed MB/s: bytes read for the map plus bytes rewritten, over the same time (the figure
 *   Kafka's cleaner logs);
 * - the size after cleaning, and the event loop's largest and 99th-percentile delay while the
 *   cleaning ran (perf_hooks.monitorEventLoopDelay, 1 ms resolution): how long a broker's
 *   request handling could have waited behind the cleaner, next to the largest delay over as
 *   long a time with nothing running (what the machine's scheduling alone causes).
 * MB = 10^6 bytes. The log's data was just written, so reads come from the page cache.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { SamsaError } from '../../client/errors';
import { setLogLevel } from '../../client/logging';
import { COMPRESSION_NAMES, CompressionCodec } from '../../client/record/batch-header';
import { encodeRecordBatch } from '../../client/record/record-batch';
import { Cleaner } from '../../broker/log/cleaner';
import { Log } from '../../broker/log/log';
import { LogToClean } from '../../broker/log/log-cleaner-manager';
import { logConfig } from '../../broker/log/log-config';

interface BenchOptions {
  dir: string;
  totalMb: number;
  keys: number;
  recordBytes: number;
  batchRecords: number;
  compression: CompressionCodec;
  runs: number;
  dedupeMb: number;
  ioBufferKb: number;
  segmentMb: number;
}

interface RunResult {
  logBytes: number;
  cleanedBytes: number;
  processedBytes: number;
  ms: number;
  mapMs: number;
  maxDelayMs: number;
  p99DelayMs: number;
  /** The same measure over as long a time with nothing running: the machine's own noise. */
  idleMaxDelayMs: number;
}

/**
 * Distinct batches built before the clock starts and reused (each append assigns new offsets):
 * enough for three records per key, so nearly every key is in the log.
 */
function distinctBatches(options: BenchOptions): number {
  return Math.max(16, Math.ceil((3 * options.keys) / options.batchRecords));
}

async function buildBatches(options: BenchOptions): Promise<Buffer[]> {
  const value = Buffer.alloc(options.recordBytes, 0x61);
  let seed = 42;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 0x1_0000_0000;
  };
  const batches: Buffer[] = [];
  for (let b = 0; b < distinctBatches(options); b++) {
    const records = Array.from({ length: options.batchRecords }, () => ({
      key: Buffer.from(`key-${Math.floor(random() * options.keys)}`),
      value,
      timestamp: Date.now(),
    }));
    batches.push(await encodeRecordBatch(records, { compression: options.compression }));
  }
  return batches;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function oneRun(options: BenchOptions, batches: Buffer[]): Promise<RunResult> {
  const dir = await fs.mkdtemp(path.join(options.dir, 'samsa-cleaner-bench-'));
  const log = await Log.open({
    dir: path.join(dir, 'bench-0'),
    topicPartition: { topic: 'bench', partition: 0 },
    config: logConfig({
      compact: true,
      delete: false,
      segmentBytes: options.segmentMb * 1024 * 1024,
    }),
    hadCleanShutdown: true,
  });
  try {
    const target = options.totalMb * 1024 * 1024;
    for (let i = 0; log.size < target; i++) {
      const batch = Buffer.from(batches[i % batches.length]);
      await log.appendAsLeader(batch, 0);
    }
    await log.roll();
    log.updateHighWatermark(log.logEndOffset);
    const logBytes = log.size;
    const cleaner = new Cleaner(0, {
      dedupeBufferSize: options.dedupeMb * 1024 * 1024,
      ioBufferSize: Math.floor((options.ioBufferKb * 1024) / 2),
      isAborted: () => false,
    });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = performance.now();
    const { stats } = await cleaner.clean(
      new LogToClean(log, dir, 0, log.activeSegment.baseOffset),
    );
    const ms = performance.now() - start;
    delay.disable();
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, ms));
    idle.disable();
    return {
      logBytes,
      cleanedBytes: log.size,
      processedBytes: stats.mapBytesRead + stats.bytesRead,
      ms,
      mapMs: stats.mapMs,
      maxDelayMs: delay.max / 1e6,
      p99DelayMs: delay.percentile(99) / 1e6,
      idleMaxDelayMs: idle.max / 1e6,
    };
  } finally {
    await log.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function runBench(options: BenchOptions, print: (line: string) => void): Promise<void> {
  const batches = await buildBatches(options);
  print(
    `samsa cleaner benchmark: ~${options.totalMb} MiB log, ${options.keys} keys, ` +
      `${options.batchRecords} records of ${options.recordBytes} bytes per batch ` +
      `(${batches[0].length} bytes, ${COMPRESSION_NAMES[options.compression]}), ` +
      `${options.dedupeMb} MiB offset map, ${options.ioBufferKb} KiB I/O buffers, ` +
      `${options.segmentMb} MiB segments, ${options.runs} runs, medians; dir ${options.dir}; node ${process.version}`,
  );
  const runs: RunResult[] = [];
  for (let i = 0; i < options.runs; i++) {
    const r = await oneRun(options, batches);
    runs.push(r);
    print(
      `  run ${i + 1}: ${(r.logBytes / 1e6).toFixed(0)} MB cleaned to ${(r.cleanedBytes / 1e6).toFixed(1)} MB ` +
        `in ${(r.ms / 1000).toFixed(2)} s (offset map ${(r.mapMs / 1000).toFixed(2)} s): ` +
        `${(r.logBytes / 1e3 / r.ms).toFixed(1)} MB/s (processed ${(r.processedBytes / 1e3 / r.ms).toFixed(1)} MB/s); ` +
        `event loop delay max ${r.maxDelayMs.toFixed(1)} ms, p99 ${r.p99DelayMs.toFixed(1)} ms ` +
        `(idle: max ${r.idleMaxDelayMs.toFixed(1)} ms)`,
    );
  }
  const m = (f: (r: RunResult) => number): number => median(runs.map(f));
  print('');
  print(`clean MB/s (log size / time)      ${m((r) => r.logBytes / 1e3 / r.ms).toFixed(1)}`);
  print(`processed MB/s (Kafka's figure)   ${m((r) => r.processedBytes / 1e3 / r.ms).toFixed(1)}`);
  print(`size after cleaning               ${(m((r) => r.cleanedBytes) / 1e6).toFixed(1)} MB`);
  print(`event loop delay, max             ${m((r) => r.maxDelayMs).toFixed(1)} ms`);
  print(`event loop delay, p99             ${m((r) => r.p99DelayMs).toFixed(1)} ms`);
  print(`event loop delay, max when idle   ${m((r) => r.idleMaxDelayMs).toFixed(1)} ms`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new SamsaError(`--${name} must be a positive integer, not ${String(value)}`);
  }
  return value;
}

const CODECS: Record<string, CompressionCodec> = {
  none: CompressionCodec.None,
  gzip: CompressionCodec.Gzip,
  snappy: CompressionCodec.Snappy,
  lz4: CompressionCodec.Lz4,
  zstd: CompressionCodec.Zstd,
};

async function main(): Promise<void> {
  const args = await yargs(hideBin(process.argv))
    .scriptName('cleaner-bench')
    .option('dir', { type: 'string', default: os.tmpdir(), describe: 'folder on the disk to test' })
    .option('total-mb', { type: 'number', default: 256, describe: 'MiB of log to clean' })
    .option('keys', { type: 'number', default: 100000, describe: 'distinct keys' })
    .option('record-bytes', { type: 'number', default: 100, describe: 'bytes per record value' })
    .option('batch-records', { type: 'number', default: 100, describe: 'records per batch' })
    .option('compression', { choices: Object.keys(CODECS), default: 'none' })
    .option('runs', { type: 'number', default: 3, describe: 'repetitions (the median is shown)' })
    .option('dedupe-mb', { type: 'number', default: 128, describe: 'offset map MiB' })
    .option('io-buffer-kb', { type: 'number', default: 512, describe: 'read+write buffer KiB' })
    .option('segment-mb', { type: 'number', default: 128, describe: "the log's segment.bytes" })
    .strict()
    .help()
    .parseAsync();
  if (!process.env.SAMSA_LOG_LEVEL) setLogLevel('warn');
  await runBench(
    {
      dir: args.dir,
      totalMb: positiveInteger('total-mb', args['total-mb']),
      keys: positiveInteger('keys', args.keys),
      recordBytes: positiveInteger('record-bytes', args['record-bytes']),
      batchRecords: positiveInteger('batch-records', args['batch-records']),
      compression: CODECS[args.compression],
      runs: positiveInteger('runs', args.runs),
      dedupeMb: positiveInteger('dedupe-mb', args['dedupe-mb']),
      ioBufferKb: positiveInteger('io-buffer-kb', args['io-buffer-kb']),
      segmentMb: positiveInteger('segment-mb', args['segment-mb']),
    },
    (line) => process.stdout.write(`${line}\n`),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `cleaner-bench: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
