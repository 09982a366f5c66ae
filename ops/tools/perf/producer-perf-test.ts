/**
 * `samsa producer-perf-test`: Kafka's ProducerPerformance. Sends `--num-records` records of
 * `--record-size` random letters (one payload, generated once, as Kafka does) or of payloads read
 * from `--payload-file` (split at `--payload-delimiter`, one picked at random per record) to
 * `--topic`, at most `--throughput` records per second (-1: as fast as possible), and prints the
 * lines of producer-stats.ts. Every record is its own `send(record, callback)` (not awaited: the
 * producer batches them), so the latency is Kafka's: from send to acknowledgement. At most 50000
 * sends await their acknowledgement at a time.
 *
 * Producer settings come from `--producer-props k=v ...` and `--producer.config FILE` (props win),
 * e.g. `acks=all linger.ms=5 batch.size=65536 compression.type=lz4`, and the brokers from
 * `bootstrap.servers` there or from `--bootstrap-server`. Argument errors use argparse4j's words
 * (`argument --topic is required`), as Kafka's tool does. Transactions (`--transactional-id`) and
 * `--print-metrics` do not exist in samsa and are not accepted.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError, errorText, has, single, values } from '../console/command-line';
import type { ToolOutput } from '../console/output';
import { ProducerStats } from './producer-stats';

export interface ProducerPerfFlags {
  topic?: string | string[];
  'num-records'?: string | string[];
  'record-size'?: string | string[];
  'payload-file'?: string | string[];
  'payload-delimiter'?: string | string[];
  throughput?: string | string[];
  'producer-props'?: string | string[];
  'producer.config'?: string | string[];
  'bootstrap-server'?: string | string[];
}

export interface ProducerPerfCommand {
  topic: string;
  numRecords: number;
  recordSize?: number;
  payloadFile?: string;
  payloadDelimiter: string;
  /** Records per second; -1 for no limit. */
  throughput: number;
  producerProps: string[];
  producerConfig?: string;
  bootstrapServer?: string;
}

function argument(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(n)) {
    throw new UsageError(`argument --${name}: could not convert '${text}' to Long`);
  }
  return n;
}

/** Kafka's argument checks (argparse4j messages). */
export function parseProducerPerfCommand(flags: ProducerPerfFlags): ProducerPerfCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  for (const name of ['topic', 'num-records', 'throughput']) {
    if (!has(f[name])) throw new UsageError(`argument --${name} is required`);
  }
  if (has(f['record-size']) && has(f['payload-file'])) {
    throw new UsageError('argument --payload-file: not allowed with argument --record-size');
  }
  if (!has(f['record-size']) && !has(f['payload-file'])) {
    throw new UsageError('one of the arguments --record-size --payload-file is required');
  }
  if (!has(f['producer-props']) && !has(f['producer.config']) && !has(f['bootstrap-server'])) {
    throw new UsageError(
      'Either --producer-props or --producer.config must be specified (or --bootstrap-server).',
    );
  }
  const throughput = argument('throughput', single(flags.throughput)) as number;
  if (throughput === 0) {
    throw new UsageError('argument --throughput: 0 would never send; use -1 for no limit');
  }
  const recordSize = argument('record-size', single(flags['record-size']));
  if (recordSize !== undefined && recordSize < 0) {
    throw new UsageError(`argument --record-size: must be >= 0, got ${recordSize}`);
  }
  const numRecords = argument('num-records', single(flags['num-records'])) as number;
  if (numRecords < 1) {
    throw new UsageError(`argument --num-records: must be >= 1, got ${numRecords}`);
  }
  return {
    topic: single(flags.topic) as string,
    numRecords,
    recordSize,
    payloadFile: single(flags['payload-file']),
    payloadDelimiter: single(flags['payload-delimiter']) ?? '\n',
    throughput: throughput < 0 ? -1 : throughput,
    producerProps: values(flags['producer-props']),
    producerConfig: single(flags['producer.config']),
    bootstrapServer: single(flags['bootstrap-server']),
  };
}

/** One payload of `size` random upper-case letters (Kafka's payload). */
export function randomPayload(size: number, random: () => number = Math.random): Buffer {
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = 65 + Math.floor(random() * 26);
  return payload;
}

/** The payloads of a payload file, split at the delimiter, empty ones dropped. */
export async function readPayloads(
  file: string,
  delimiter: string,
  output: ToolOutput,
): Promise<Buffer[]> {
  await output.stdout(`Reading payloads from: ${file}\n`);
  const text = await readFile(file, 'utf8');
  const payloads = text
    .split(delimiter)
    .filter((p) => p.length > 0)
    .map((p) => Buffer.from(p, 'utf8'));
  if (payloads.length === 0) throw new UsageError('File does not contain any payloads');
  await output.stdout(`Number of messages read: ${payloads.length}\n`);
  return payloads;
}

/** Kafka's ThroughputThrottler: keeps the send rate at or below the target. */
export class ThroughputThrottler {
  private sleepDeficitMs = 0;

  constructor(
    private readonly targetPerSec: number,
    private readonly startMs: number,
  ) {}

  /** True when `sent` records by `nowMs` is ahead of the target rate. */
  shouldThrottle(sent: number, nowMs: number): boolean {
    if (this.targetPerSec < 0) return false;
    const elapsedSec = (nowMs - this.startMs) / 1000;
    return elapsedSec > 0 && sent / elapsedSec > this.targetPerSec;
  }

  /** How long to sleep now (0 while the owed sleep is under 2 ms: it accumulates). */
  throttleMs(): number {
    this.sleepDeficitMs += 1000 / this.targetPerSec;
    if (this.sleepDeficitMs < 2) return 0;
    const ms = Math.floor(this.sleepDeficitMs);
    this.sleepDeficitMs -= ms;
    return ms;
  }
}

/** What the perf test needs of a producer: Kafka's `send(record, callback)`. */
export interface PerfProducer {
  send(
    record: { topic: string; messages: { value: Buffer }[] },
    callback: (error: Error | null) => void,
  ): void;
}

export interface PerfClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: PerfClock = { now: Date.now, sleep: (ms) => sleep(ms) };

/** Sends not yet acknowledged, at most (the producer's memory, like Kafka's buffer.memory). */
const MAX_PENDING = 50000;

/**
 * One send awaiting its acknowledgement, with its callback (Kafka's PerfCallback). Callbacks are
 * taken from a pool and returned to it once called, so the thousands of sends awaiting their
 * acknowledgements at any time are the same few objects: none is garbage, none is copied again
 * and again by the garbage collector while it waits.
 */
class PendingSend {
  iteration = 0;
  start = 0;
  bytes = 0;
  readonly callback: (error: Error | null) => void;

  constructor(onAck: (send: PendingSend, error: Error | null) => void) {
    this.callback = (error) => onAck(this, error);
  }
}

/** Runs the test and prints its lines; resolves to the exit code (1 if any send failed). */
export async function runProducerPerf(
  command: ProducerPerfCommand,
  payloads: readonly Buffer[],
  producer: PerfProducer,
  output: ToolOutput,
  clock: PerfClock = systemClock,
): Promise<number> {
  const stats = new ProducerStats(command.numRecords, 5000, clock.now);
  const throttler = new ThroughputThrottler(command.throughput, clock.now());
  const topic = command.topic;
  let pending = 0;
  let freed: (() => void) | undefined;
  let failures = 0;
  // Lines are written in order; a failed write fails the run (at the end, when awaited).
  let printing: Promise<void> = Promise.resolve();
  const print = (write: () => Promise<void>): void => {
    printing = printing.then(write);
  };
  const waitForAcks = (): Promise<void> => new Promise<void>((resolve) => (freed = resolve));
  // A callback reports a failure, records the latency and frees the slot.
  const idle: PendingSend[] = [];
  const onAck = (send: PendingSend, error: Error | null): void => {
    if (error !== null) {
      failures++;
      output.stderr(`${errorText(error)}\n`);
    }
    const end = clock.now();
    const line = stats.record(send.iteration, end - send.start, send.bytes, end);
    idle.push(send);
    if (line !== undefined) print(() => output.stdout(`${line}\n`));
    pending--;
    const wake = freed;
    freed = undefined;
    wake?.();
  };
  // With one payload every send is the same record: one object serves them all (the producer
  // does not keep or change it).
  const single = payloads.length === 1 ? { topic, messages: [{ value: payloads[0] }] } : undefined;
  for (let i = 0; i < command.numRecords; i++) {
    const payload =
      single !== undefined ? payloads[0] : payloads[Math.floor(Math.random() * payloads.length)];
    const record = single ?? { topic, messages: [{ value: payload }] };
    const sendStart = clock.now();
    const send = idle.pop() ?? new PendingSend(onAck);
    send.iteration = stats.nextIteration();
    send.start = sendStart;
    send.bytes = payload.length;
    producer.send(record, send.callback);
    pending++;
    while (pending >= MAX_PENDING) await waitForAcks();
    if (throttler.shouldThrottle(i, sendStart)) {
      const ms = throttler.throttleMs();
      if (ms > 0) await clock.sleep(ms);
    }
  }
  while (pending > 0) await waitForAcks();
  await printing;
  await output.stdout(`${stats.totalLine()}\n`);
  return failures > 0 ? 1 : 0;
}
