/**
 * `samsa console-consumer`: Kafka 2.8's ConsoleConsumer. It reads `--topic`, or the topics
 * matching `--whitelist <regex>`, and prints each record with the DefaultMessageFormatter
 * (message-formatter.ts); stops after `--max-messages`, after `--timeout-ms` without a record, or
 * on Ctrl-C; and then prints `Processed a total of <n> messages` on standard error.
 *
 * How it consumes, as Kafka's does:
 * - with `--partition`, it reads that one partition by itself (no group), from `--offset
 *   earliest|latest|<n>`, else the beginning with `--from-beginning`, else the end;
 * - otherwise it joins a consumer group and subscribes: the group of `--group` (or `group.id` in
 *   `--consumer-property` / `--consumer.config`, which must agree), with auto commit on, so the
 *   group resumes where it stopped; without one, a group of its own,
 *   `console-consumer-<random 0-99999>`, with auto commit off (unless `enable.auto.commit` says
 *   otherwise). Where the group has no committed offset it starts at the beginning with
 *   `--from-beginning` (auto.offset.reset=earliest), else at the end.
 * The records it did not print (stopped mid-batch) are not committed (console/polled-consumer.ts).
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
import type { ConsumerConfig } from '../../../client';
import { ConsumerSettings, toConsumerConfig, toGroupConsumerConfig } from './consumer-config';
import { compileDateFormat } from '../perf/date-format';

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

/** How the console consumer gets its partitions. */
export type ConsumeMode =
  /** One partition, read without a group from `start`. */
  | { kind: 'assign'; topic: string; partition: number; start: StartOffset }
  /**
   * Subscribe as a member of `groupId` to the topic, or to the topics `pattern` matches;
   * `fromBeginning` where the group has no committed offset.
   */
  | {
      kind: 'subscribe';
      groupId: string;
      /** True for the console-consumer-<n> group Kafka generates (auto commit off by default). */
      generatedGroup: boolean;
      topics: (string | RegExp)[];
      fromBeginning: boolean;
    };

export interface ConsoleConsumerCommand {
  bootstrapServer: string;
  mode: ConsumeMode;
  /** -1: no limit. */
  maxMessages: number;
  /** -1: wait for ever. */
  timeoutMs: number;
  formatter: FormatterSettings;
  /** The consumer properties: `--consumer.config`'s, overridden by `--consumer-property`. */
  consumerProperties: Map<string, string>;
}

/**
 * Kafka's `--whitelist` (IncludeList): a Java regular expression matched against whole topic
 * names; `,` separates alternatives and surrounding quotes are ignored.
 */
export function whitelistPattern(text: string): RegExp {
  const source = text
    .trim()
    .replace(/,/g, '|')
    .replace(/^["']|["']$/g, '');
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw new UsageError(
      `${text} is an invalid regex: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Kafka's ConsoleConsumer.ConsumerConfig checks; throws UsageError with Kafka's messages.
 * `fileProperties` are those of `--consumer.config` (read by the caller); `random` draws the
 * generated group's number.
 */
export function parseConsoleConsumerCommand(
  flags: ConsoleConsumerFlags,
  fileProperties: ReadonlyMap<string, string> = new Map(),
  random: () => number = Math.random,
): ConsoleConsumerCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  const topic = single(flags.topic);
  const whitelist = single(flags.whitelist);
  if ((topic === undefined) === (whitelist === undefined)) {
    throw new UsageError('Exactly one of whitelist/topic is required.');
  }
  const partition = optionalWholeNumber('partition', flags.partition, 0);
  const fromBeginning = has(f['from-beginning']);
  const offsetText = single(flags.offset);
  if (partition !== undefined) {
    if (topic === undefined) {
      throw new UsageError('The topic is required when partition is specified.');
    }
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
  const extraProperties = parseKeyValueArgs(values(flags['consumer-property']));
  const groupIds = [
    ...new Set(
      [single(flags.group), fileProperties.get('group.id'), extraProperties.get('group.id')].filter(
        (id): id is string => id !== undefined,
      ),
    ),
  ];
  if (groupIds.length > 1) {
    throw new UsageError(
      `The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: ${groupIds.map((id) => `'${id}'`).join(', ')}`,
    );
  }
  if (groupIds.length > 0 && partition !== undefined) {
    throw new UsageError('Options group and partition cannot be specified together.');
  }
  const consumerProperties = new Map([...fileProperties, ...extraProperties]);
  const reset = consumerProperties.get('auto.offset.reset');
  if (reset !== undefined) {
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
  }
  const mode: ConsumeMode =
    partition !== undefined
      ? { kind: 'assign', topic: topic as string, partition, start }
      : {
          kind: 'subscribe',
          groupId: groupIds[0] ?? `console-consumer-${Math.floor(random() * 100000)}`,
          generatedGroup: groupIds.length === 0,
          topics: [topic ?? whitelistPattern(whitelist as string)],
          fromBeginning: (reset ?? (fromBeginning ? 'earliest' : 'latest')) === 'earliest',
        };
  const maxMessages = optionalWholeNumber('max-messages', flags['max-messages']);
  const timeoutMs = optionalWholeNumber('timeout-ms', flags['timeout-ms']);
  return {
    bootstrapServer: single(flags['bootstrap-server']) as string,
    mode,
    maxMessages: maxMessages ?? -1,
    timeoutMs: timeoutMs === undefined || timeoutMs < 0 ? -1 : timeoutMs,
    formatter: formatterSettings(parseKeyValueArgs(values(flags.property))),
    consumerProperties,
  };
}

/** Where the console consumer gets records from (a PolledConsumer). */
export interface RecordSource {
  poll(timeoutMs: number, signal?: AbortSignal): Promise<ConsumedRecord[]>;
  /** Gives back the records the last poll returned that were not printed. */
  unprinted?(records: readonly ConsumedRecord[]): void;
}

/** How long one poll waits when no --timeout-ms is given (then it polls again). */
const IDLE_POLL_MS = 1000;

/** log4j's date format, as Kafka's tools print their log lines (local time). */
const log4jTime = compileDateFormat('yyyy-MM-dd HH:mm:ss,SSS');

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
            `[${log4jTime(Date.now())}] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\norg.apache.kafka.common.errors.TimeoutException\n`,
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
      `[${log4jTime(Date.now())}] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer$)\n${error instanceof Error ? error.message : String(error)}\n`,
    );
    exitCode = 1;
  }
  source.unprinted?.(records.slice(next));
  output.stderr(`Processed a total of ${count} messages\n`);
  return exitCode;
}

/** The consumer calls the console consumer starts with (samsa's Consumer has them). */
export interface StartableConsumer {
  connect(): Promise<void>;
  assign(partitions: { topic: string; partition: number; offset?: number | string }[]): void;
  subscribe(options: { topics: (string | RegExp)[]; fromBeginning: boolean }): Promise<void>;
}

/** Connects and starts reading as `mode` says: one partition by itself, or as a group member. */
export async function startConsuming(
  consumer: StartableConsumer,
  mode: ConsumeMode,
): Promise<void> {
  await consumer.connect();
  if (mode.kind === 'assign') {
    consumer.assign([{ topic: mode.topic, partition: mode.partition, offset: mode.start }]);
  } else {
    await consumer.subscribe({ topics: mode.topics, fromBeginning: mode.fromBeginning });
  }
}

/**
 * The consumer configuration: the fetch settings, and for a subscription the group's (auto
 * commit on for a named group, off for a generated one, unless `enable.auto.commit` says).
 */
export function consoleConsumerConfig(
  mode: ConsumeMode,
  settings: ConsumerSettings,
): ConsumerConfig {
  if (mode.kind === 'assign') return toConsumerConfig(settings);
  return {
    ...toConsumerConfig(settings),
    ...toGroupConsumerConfig(settings, mode.groupId, !mode.generatedGroup),
  };
}
