/**
 * `samsa console-consumer`: Kafka 2.8's ConsoleConsumer without consumer groups (samsa has none
 * yet, so `--group` is refused). It reads `--topic` (every partition, or only `--partition`),
 * starting at `--offset earliest|latest|<n>` (with `--partition`), or at the beginning with
 * `--from-beginning`, else at the end; prints each record with the DefaultMessageFormatter
 * (message-formatter.ts); stops after `--max-messages`, after `--timeout-ms` without a record, or
 * on Ctrl-C; and then prints `Processed a total of <n> messages` on standard error.
 *
 * Like Kafka, a `--timeout-ms` expiry is logged as an ERROR (`Error processing message,
 * terminating consumer process:` with `org.apache.kafka.common.errors.TimeoutException`) and the
 * exit code stays 0. Argument checks and their messages are Kafka's.
 */
import {
  UsageError,
  checkRequired,
  has,
  optionalWholeNumber,
  parseKeyValueArgs,
  single,
  values,
} from './command-line';
import {
  ConsumedRecord,
  FormatterSettings,
  formatRecord,
  formatterSettings,
} from './message-formatter';
import type { ToolOutput } from './output';

export interface ConsoleConsumerFlags {
  'bootstrap-server'?: string | string[];
  topic?: string | string[];
  whitelist?: string | string[];
  partition?: string | string[];
  offset?: string | string[];
  'from-beginning'?: boolean;
  'max-messages'?: string | string[];
  'timeout-ms'?: string | string[];
  property?: string | string[];
  'consumer-property'?: string | string[];
  'consumer.config'?: string | string[];
  group?: string | string[];
}

/** Where to start reading: a position of Kafka's ListOffsets, or an exact offset. */
export type StartOffset = 'earliest' | 'latest' | number;

export interface ConsoleConsumerCommand {
  bootstrapServer: string;
  topic: string;
  /** One partition, or every partition of the topic when undefined. */
  partition?: number;
  start: StartOffset;
  /** -1: no limit. */
  maxMessages: number;
  /** -1: wait for ever. */
  timeoutMs: number;
  formatter: FormatterSettings;
  consumerProperties: Map<string, string>;
  consumerConfigFile?: string;
}

/** Kafka's ConsoleConsumer.ConsumerConfig checks; throws UsageError with Kafka's messages. */
export function parseConsoleConsumerCommand(flags: ConsoleConsumerFlags): ConsoleConsumerCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  if (has(f.whitelist)) {
    throw new UsageError(
      '--whitelist needs consumer groups, which samsa does not have yet: name one topic with --topic',
    );
  }
  const topic = single(flags.topic);
  if (topic === undefined) throw new UsageError('Exactly one of whitelist/topic is required.');
  const partition = optionalWholeNumber('partition', flags.partition, 0);
  const fromBeginning = has(f['from-beginning']);
  const offsetText = single(flags.offset);
  if (partition !== undefined) {
    if (fromBeginning && offsetText !== undefined) {
      throw new UsageError('Options from-beginning and offset cannot be specified together.');
    }
  } else if (offsetText !== undefined) {
    throw new UsageError('The partition is required when offset is specified.');
  }
  let start: StartOffset = fromBeginning ? 'earliest' : 'latest';
  if (offsetText !== undefined) {
    const lower = offsetText.toLowerCase();
    if (lower === 'earliest' || lower === 'latest') {
      start = lower;
    } else {
      const n = Number(offsetText);
      if (!/^\d+$/.test(offsetText) || !Number.isSafeInteger(n)) {
        throw new UsageError(
          `The provided offset value '${offsetText}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`,
        );
      }
      start = n;
    }
  }
  checkRequired(f, ['bootstrap-server']);
  const consumerProperties = parseKeyValueArgs(values(flags['consumer-property']));
  if (has(f.group) || consumerProperties.has('group.id')) {
    throw new UsageError(
      'consumer groups are not available yet in samsa: drop --group (the console consumer reads the partitions itself)',
    );
  }
  const reset = consumerProperties.get('auto.offset.reset');
  if (reset !== undefined && partition === undefined) {
    if (fromBeginning && reset !== 'earliest') {
      throw new UsageError(
        `Can't simultaneously specify --from-beginning and 'auto.offset.reset=${reset}', please remove one option`,
      );
    }
    if (reset !== 'earliest' && reset !== 'latest') {
      throw new UsageError(
        `Invalid value ${reset} for configuration auto.offset.reset: String must be one of: latest, earliest`,
      );
    }
    start = reset;
  }
  const maxMessages = optionalWholeNumber('max-messages', flags['max-messages']);
  const timeoutMs = optionalWholeNumber('timeout-ms', flags['timeout-ms']);
  return {
    bootstrapServer: single(flags['bootstrap-server']) as string,
    topic,
    partition,
    start,
    maxMessages: maxMessages ?? -1,
    timeoutMs: timeoutMs === undefined || timeoutMs < 0 ? -1 : timeoutMs,
    formatter: formatterSettings(parseKeyValueArgs(values(flags.property))),
    consumerProperties,
    consumerConfigFile: single(flags['consumer.config']),
  };
}

/** Where the console consumer gets records from (a PolledConsumer). */
export interface RecordSource {
  poll(timeoutMs: number, signal?: AbortSignal): Promise<ConsumedRecord[]>;
}

/** How long one poll waits when no --timeout-ms is given (then it polls again). */
const IDLE_POLL_MS = 1000;

function log4jTime(date: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())},${p(date.getMilliseconds(), 3)}`;
}

/**
 * Prints records until the limit, the timeout, the end of standard output or `signal`; then
 * prints the count on standard error. Resolves to the exit code. `now` is the clock (ms).
 */
export async function runConsoleConsumer(
  command: Pick<ConsoleConsumerCommand, 'maxMessages' | 'timeoutMs' | 'formatter'>,
  source: RecordSource,
  output: ToolOutput,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<number> {
  let count = 0;
  let exitCode = 0;
  let records: ConsumedRecord[] = [];
  let next = 0;
  try {
    consume: while (command.maxMessages === -1 || count < command.maxMessages) {
      const started = now();
      while (next >= records.length) {
        if (signal?.aborted) break consume;
        const wait = command.timeoutMs === -1 ? IDLE_POLL_MS : command.timeoutMs;
        records = await source.poll(wait, signal);
        next = 0;
        if (
          records.length === 0 &&
          command.timeoutMs !== -1 &&
          now() - started >= command.timeoutMs &&
          !signal?.aborted
        ) {
          output.stderr(
            `[${log4jTime(new Date())}] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\norg.apache.kafka.common.errors.TimeoutException\n`,
          );
          break consume;
        }
      }
      count++;
      await output.stdout(formatRecord(records[next++], command.formatter));
      if (output.closed()) {
        output.stderr('Unable to write to standard out, closing consumer.\n');
        break;
      }
    }
  } catch (error) {
    output.stderr(
      `[${log4jTime(new Date())}] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    exitCode = 1;
  }
  output.stderr(`Processed a total of ${count} messages\n`);
  return exitCode;
}
