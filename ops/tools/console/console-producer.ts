/**
 * `samsa console-producer`: Kafka's ConsoleProducer. Reads standard input line by line, turns
 * each line into a record (line-reader.ts) and hands it to the producer at once, without waiting
 * for the previous one to be acknowledged: the producer batches records per partition (up to
 * `--batch-size` bytes, for up to `--timeout` ms) and keeps several requests in flight. At the end
 * of input every record still on its way is awaited. With `--sync` each record is sent and
 * acknowledged before the next line is read.
 *
 * The flags map to producer properties as in Kafka (an explicit flag wins over
 * `--producer-property`, which wins over `--producer.config`, which wins over the flag's default):
 * `--request-required-acks` → acks (default 1, as in Kafka 2.8), `--timeout` → linger.ms
 * (default 1000), `--batch-size` and `--max-partition-memory-bytes` → batch.size (default 16384),
 * `--compression-codec` → compression.type (without a value: gzip), `--request-timeout-ms` →
 * request.timeout.ms (1500), `--message-send-max-retries` → retries (3), `--retry-backoff-ms` →
 * retry.backoff.ms (100).
 *
 * A failed send is reported as Kafka's ErrorLoggingCallback reports it, on standard error
 * (`Error when sending message to topic t with key: 3 bytes, value: 5 bytes with error: ...`), and
 * makes the exit code 1. A line the reader refuses stops the input: what was read before it is
 * still sent, then the tool exits with code 1.
 */
import {
  UsageError,
  checkRequired,
  errorText,
  has,
  loadProperties,
  parseKeyValueArgs,
  single,
  values,
} from './command-line';
import { LineMessageReader, lineReaderSettings } from './line-reader';
import type { ToolOutput } from './output';
import { ProducerSettings, producerSettings } from './producer-config';

export interface ConsoleProducerFlags {
  'bootstrap-server'?: string | string[];
  'broker-list'?: string | string[];
  topic?: string | string[];
  sync?: boolean;
  'compression-codec'?: string | string[];
  'batch-size'?: string | string[];
  'max-partition-memory-bytes'?: string | string[];
  timeout?: string | string[];
  'request-required-acks'?: string | string[];
  'request-timeout-ms'?: string | string[];
  'message-send-max-retries'?: string | string[];
  'retry-backoff-ms'?: string | string[];
  'producer-property'?: string | string[];
  'producer.config'?: string | string[];
  property?: string | string[];
}

export interface ConsoleProducerCommand {
  bootstrapServer: string;
  topic: string;
  sync: boolean;
  reader: LineMessageReader;
  producer: ProducerSettings;
}

/**
 * Kafka's ConsoleProducer option checks, and the producer properties with Kafka's precedence
 * (CommandLineUtils.maybeMergeOptions). `warn` gets the notices for properties without effect.
 */
export async function parseConsoleProducerCommand(
  flags: ConsoleProducerFlags,
  warn: (line: string) => void,
): Promise<ConsoleProducerCommand> {
  const f = flags as Readonly<Record<string, unknown>>;
  checkRequired(f, ['topic']);
  const bootstrap = single(flags['bootstrap-server']) ?? single(flags['broker-list']);
  if (bootstrap === undefined) {
    throw new UsageError('Missing required argument "[bootstrap-server]"');
  }
  const props = new Map<string, string>();
  const configFile = single(flags['producer.config']);
  if (configFile !== undefined) {
    for (const [k, v] of await loadProperties(configFile)) props.set(k, v);
  }
  for (const [k, v] of parseKeyValueArgs(values(flags['producer-property']))) props.set(k, v);
  const merge = (key: string, flag: string, fallback: string): void => {
    const given = single(
      flags[flag as keyof ConsoleProducerFlags] as string | string[] | undefined,
    );
    if (given !== undefined) props.set(key, given);
    else if (!props.has(key)) props.set(key, fallback);
  };
  merge('linger.ms', 'timeout', '1000');
  merge('acks', 'request-required-acks', '1');
  merge('request.timeout.ms', 'request-timeout-ms', '1500');
  merge('retries', 'message-send-max-retries', '3');
  merge('retry.backoff.ms', 'retry-backoff-ms', '100');
  merge('batch.size', 'batch-size', '16384');
  merge('batch.size', 'max-partition-memory-bytes', '16384');
  if (has(f['compression-codec'])) {
    const codec = single(flags['compression-codec']);
    props.set('compression.type', codec === undefined || codec === '' ? 'gzip' : codec);
  } else if (!props.has('compression.type')) {
    props.set('compression.type', 'none');
  }
  return {
    bootstrapServer: bootstrap,
    topic: single(flags.topic) as string,
    sync: has(f.sync),
    reader: new LineMessageReader(lineReaderSettings(parseKeyValueArgs(values(flags.property)))),
    producer: producerSettings(props, warn),
  };
}

/** What the console producer needs of a producer. */
export interface LineProducer {
  send(record: {
    topic: string;
    messages: { key: string | null; value: string }[];
  }): Promise<unknown>;
}

export interface ConsoleProducerRun {
  topic: string;
  sync: boolean;
  reader: LineMessageReader;
  /** Print Kafka's `>` prompt before each line (when standard input is a terminal). */
  prompt: boolean;
  /** Records handed to the producer and not acknowledged yet, at most (backpressure). */
  maxPending?: number;
}

const DEFAULT_MAX_PENDING = 10000;

function describeBytes(text: string | null): string {
  return text === null ? 'null' : `${Buffer.byteLength(text, 'utf8')} bytes`;
}

/** Sends every line of `lines`; returns the exit code. */
export async function runConsoleProducer(
  run: ConsoleProducerRun,
  producer: LineProducer,
  lines: AsyncIterable<string>,
  output: ToolOutput,
): Promise<number> {
  const maxPending = run.maxPending ?? DEFAULT_MAX_PENDING;
  const pending = new Set<Promise<void>>();
  let slotFreed: (() => void) | undefined;
  let failed = false;

  const report = (key: string | null, value: string, error: unknown): void => {
    failed = true;
    output.stderr(
      `Error when sending message to topic ${run.topic} with key: ${describeBytes(key)}, value: ${describeBytes(value)} with error: ${errorText(error)}\n`,
    );
  };

  // Take the iterator before anything else: lines must not pass by unread.
  const input = lines[Symbol.asyncIterator]();
  let exitCode = 0;
  try {
    if (run.prompt) await output.stdout('>');
    for (let next = await input.next(); next.done !== true; next = await input.next()) {
      const record = run.reader.read(next.value);
      const message = { topic: run.topic, messages: [record] };
      if (run.sync) {
        await producer.send(message);
      } else {
        const sent: Promise<void> = producer.send(message).then(
          () => undefined,
          (error: unknown) => report(record.key, record.value, error),
        );
        pending.add(sent);
        void sent.finally(() => {
          pending.delete(sent);
          slotFreed?.();
        });
        while (pending.size >= maxPending) {
          await new Promise<void>((resolve) => (slotFreed = resolve));
          slotFreed = undefined;
        }
      }
      if (run.prompt) await output.stdout('>');
    }
  } catch (error) {
    output.stderr(`${errorText(error)}\n`);
    exitCode = 1;
  }
  await Promise.all(pending);
  return failed ? 1 : exitCode;
}
