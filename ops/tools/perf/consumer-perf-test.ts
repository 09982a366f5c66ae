/**
 * `samsa consumer-perf-test`: Kafka's ConsumerPerformance. Reads `--messages` records of
 * `--topic` (every partition, from the earliest offset, or the latest with `--from-latest`),
 * polling every 100 ms, and stops early when `--timeout` ms pass without a record (then it prints
 * Kafka's WARNING line). Output, with ", " between columns:
 *
 *   start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
 *   2021-11-22 10:00:00:000, 2021-11-22 10:00:05:000, 95.3674, 19.0735, 100000, 20000.0000, 0, 5000, 19.0735, 20000.0000
 *
 * Bytes are the keys' and values' bytes; MB is 2^20 bytes; rates use the time from start to end.
 * samsa has no consumer groups, so there is no group join: rebalance.time.ms is 0 and
 * fetch.time.ms is the whole run. With `--show-detailed-stats` the header starts
 * `time, threadId` and a row (thread 0) is printed every `--reporting-interval` ms instead of
 * the summary. `--hide-header` drops the header. `--fetch-size` is the per-partition fetch size.
 */
import {
  UsageError,
  checkRequired,
  has,
  optionalWholeNumber,
  single,
} from '../console/command-line';
import type { RecordSource } from '../console/console-consumer';
import type { ToolOutput } from '../console/output';
import { compileDateFormat } from './date-format';

export interface ConsumerPerfFlags {
  'bootstrap-server'?: string | string[];
  'broker-list'?: string | string[];
  topic?: string | string[];
  messages?: string | string[];
  'fetch-size'?: string | string[];
  'from-latest'?: boolean;
  timeout?: string | string[];
  'reporting-interval'?: string | string[];
  'show-detailed-stats'?: boolean;
  'date-format'?: string | string[];
  'hide-header'?: boolean;
  'consumer.config'?: string | string[];
  group?: string | string[];
}

export interface ConsumerPerfCommand {
  bootstrapServer: string;
  topic: string;
  messages: number;
  fetchSize: number;
  fromLatest: boolean;
  timeoutMs: number;
  reportingIntervalMs: number;
  showDetailedStats: boolean;
  dateFormat: (ms: number) => string;
  hideHeader: boolean;
  consumerConfigFile?: string;
}

/** Kafka's ConsumerPerfConfig checks and defaults. */
export function parseConsumerPerfCommand(flags: ConsumerPerfFlags): ConsumerPerfCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  if (!has(f['bootstrap-server']) && !has(f['broker-list'])) {
    throw new UsageError('Missing required argument "[bootstrap-server]"');
  }
  checkRequired(f, ['topic', 'messages']);
  if (has(f.group)) {
    throw new UsageError(
      'consumer groups are not available yet in samsa: drop --group (the test reads every partition itself)',
    );
  }
  const reportingIntervalMs =
    optionalWholeNumber('reporting-interval', flags['reporting-interval']) ?? 5000;
  if (reportingIntervalMs <= 0) {
    throw new UsageError('Reporting interval must be greater than 0.');
  }
  return {
    bootstrapServer: (single(flags['bootstrap-server']) ?? single(flags['broker-list'])) as string,
    topic: single(flags.topic) as string,
    messages: optionalWholeNumber('messages', flags.messages) as number,
    fetchSize: optionalWholeNumber('fetch-size', flags['fetch-size'], 1) ?? 1024 * 1024,
    fromLatest: has(f['from-latest']),
    timeoutMs: optionalWholeNumber('timeout', flags.timeout, 0) ?? 10000,
    reportingIntervalMs,
    showDetailedStats: has(f['show-detailed-stats']),
    dateFormat: compileDateFormat(single(flags['date-format']) ?? 'yyyy-MM-dd HH:mm:ss:SSS'),
    hideHeader: has(f['hide-header']),
    consumerConfigFile: single(flags['consumer.config']),
  };
}

const NEW_FIELDS = ', rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec';

/** The header line. */
export function consumerPerfHeader(showDetailedStats: boolean): string {
  return showDetailedStats
    ? `time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS}`
    : `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec${NEW_FIELDS}`;
}

const MB = 1024 * 1024;

/** The summary row (`%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f`). */
export function consumerPerfSummary(
  format: (ms: number) => string,
  startMs: number,
  endMs: number,
  bytes: number,
  messages: number,
  joinTimeMs: number,
): string {
  const elapsedSecs = (endMs - startMs) / 1000;
  const fetchTimeMs = endMs - startMs - joinTimeMs;
  const mb = bytes / MB;
  return [
    format(startMs),
    format(endMs),
    mb.toFixed(4),
    (mb / elapsedSecs).toFixed(4),
    String(messages),
    (messages / elapsedSecs).toFixed(4),
    String(joinTimeMs),
    String(fetchTimeMs),
    (mb / (fetchTimeMs / 1000)).toFixed(4),
    (messages / (fetchTimeMs / 1000)).toFixed(4),
  ].join(', ');
}

/** A detailed-stats row for the interval from `startMs` to `endMs` (thread id 0). */
export function consumerPerfProgress(
  format: (ms: number) => string,
  bytes: number,
  lastBytes: number,
  messages: number,
  lastMessages: number,
  startMs: number,
  endMs: number,
  joinTimeMs: number,
): string {
  const elapsedMs = endMs - startMs;
  const intervalMb = (bytes - lastBytes) / MB;
  const fetchTimeMs = elapsedMs - joinTimeMs;
  const fetchRates =
    fetchTimeMs <= 0
      ? [0, 0]
      : [(1000 * intervalMb) / fetchTimeMs, (1000 * (messages - lastMessages)) / fetchTimeMs];
  return [
    format(endMs),
    '0',
    (bytes / MB).toFixed(4),
    ((1000 * intervalMb) / elapsedMs).toFixed(4),
    String(messages),
    (((messages - lastMessages) / elapsedMs) * 1000).toFixed(4),
    String(joinTimeMs),
    String(fetchTimeMs),
    fetchRates[0].toFixed(4),
    fetchRates[1].toFixed(4),
  ].join(', ');
}

/** Runs the test against a started source; resolves to the exit code. */
export async function runConsumerPerf(
  command: ConsumerPerfCommand,
  source: RecordSource,
  output: ToolOutput,
  now: () => number = Date.now,
): Promise<number> {
  if (!command.hideHeader)
    await output.stdout(`${consumerPerfHeader(command.showDetailedStats)}\n`);
  const startMs = now();
  let bytes = 0;
  let messages = 0;
  let lastBytes = 0;
  let lastMessages = 0;
  let current = startMs;
  let lastReport = startMs;
  let lastConsumed = startMs;
  while (messages < command.messages && current - lastConsumed <= command.timeoutMs) {
    const records = await source.poll(100);
    current = now();
    if (records.length > 0) lastConsumed = current;
    for (const record of records) {
      messages++;
      if (record.key !== null) bytes += record.key.length;
      if (record.value !== null) bytes += record.value.length;
      if (current - lastReport >= command.reportingIntervalMs) {
        if (command.showDetailedStats) {
          await output.stdout(
            `${consumerPerfProgress(command.dateFormat, bytes, lastBytes, messages, lastMessages, lastReport, current, 0)}\n`,
          );
        }
        lastReport = current;
        lastMessages = messages;
        lastBytes = bytes;
      }
    }
  }
  if (messages < command.messages) {
    await output.stdout(
      `WARNING: Exiting before consuming the expected number of messages: timeout (${command.timeoutMs} ms) exceeded. You can use the --timeout option to increase the timeout.\n`,
    );
  }
  const endMs = now();
  if (!command.showDetailedStats) {
    await output.stdout(
      `${consumerPerfSummary(command.dateFormat, startMs, endMs, bytes, messages, 0)}\n`,
    );
  }
  return 0;
}
