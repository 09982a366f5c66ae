/**
 * What every Kafka-style command-line tool of samsa shares (Kafka's CommandLineUtils): usage
 * errors with Kafka's wording, checks of required and conflicting flags, `key=value` arguments,
 * number arguments, properties files, and the one-line text of an error.
 *
 * Usage errors (`UsageError`) are thrown before anything is contacted; `samsa` prints their
 * message on one line and exits with code 1, as Kafka's tools exit after printing the message.
 */
import { readFile } from 'node:fs/promises';
import { parseProperties } from '../../../broker/config/properties';
import { KafkaError, SamsaError } from '../../../client/errors';
import { setLogLevel } from '../../../client/logging';

/** A bad command line: the message is Kafka's (`Missing required argument "[topic]"`, ...). */
export class UsageError extends SamsaError {}

/** How Kafka's joptsimple prints a flag in its messages: `[topic]`. */
export function flagName(name: string): string {
  return `[${name}]`;
}

/** True when a flag was given: a value, or a boolean flag set to true. */
export function has(value: unknown): boolean {
  return value !== undefined && value !== false;
}

/** Throws Kafka's `Missing required argument "[name]"` for the first absent flag. */
export function checkRequired(flags: Readonly<Record<string, unknown>>, names: string[]): void {
  for (const name of names) {
    if (!has(flags[name])) {
      throw new UsageError(`Missing required argument "${flagName(name)}"`);
    }
  }
}

/**
 * Throws Kafka's `Option "[used]" can't be used with option "[other]"` when `used` is given with
 * any of `invalid` (checked in the order given).
 */
export function checkInvalid(
  flags: Readonly<Record<string, unknown>>,
  used: string,
  invalid: string[],
): void {
  if (!has(flags[used])) return;
  for (const other of invalid) {
    if (has(flags[other])) {
      throw new UsageError(
        `Option "${flagName(used)}" can't be used with option "${flagName(other)}"`,
      );
    }
  }
}

/**
 * Parses `key=value` arguments as Kafka's CommandLineUtils.parseKeyValueArgs does: split at the
 * first `=`; a missing value is the empty string (or an error when `acceptMissingValue` is false).
 */
export function parseKeyValueArgs(
  args: readonly string[],
  acceptMissingValue = true,
): Map<string, string> {
  const result = new Map<string, string>();
  for (const arg of args) {
    if (arg.length === 0) continue;
    const eq = arg.indexOf('=');
    const key = eq === -1 ? arg : arg.slice(0, eq);
    const value = eq === -1 ? '' : arg.slice(eq + 1);
    if (value === '' && !acceptMissingValue) {
      throw new UsageError(`Missing value for key ${key}`);
    }
    result.set(key, value);
  }
  return result;
}

/** The values of a flag that may be given once or several times (yargs gives one or a list). */
export function values(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** The last value of a flag that takes one value (a repeated flag keeps its last value). */
export function single(value: string | readonly string[] | undefined): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return value[value.length - 1];
}

/** Parses a whole number (Java int/long range up to 2^53), with joptsimple's message. */
export function parseWholeNumber(flag: string, text: string, min = -(2 ** 53)): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(value)) {
    throw new UsageError(`Cannot parse argument '${text}' of option ${flag}`);
  }
  if (value < min) {
    throw new UsageError(`Option ${flag} must be at least ${min}, got ${value}`);
  }
  return value;
}

/** Parses an optional whole-number flag. */
export function optionalWholeNumber(
  flag: string,
  value: string | readonly string[] | undefined,
  min?: number,
): number | undefined {
  const text = single(value);
  return text === undefined ? undefined : parseWholeNumber(flag, text, min);
}

/** Reads a Java `.properties` file (for --producer.config, --consumer.config, ...). */
export async function loadProperties(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`cannot read properties file ${file}: ${reason}`);
  }
  return parseProperties(text, file);
}

/**
 * The text Kafka's tools print for an exception (`e.getMessage`): for an error a broker returned,
 * the broker's message (or the error code's standard message) without samsa's code prefix and
 * group/topic/broker suffix; for anything else its message, on one line.
 */
export function errorText(error: unknown): string {
  let text: string;
  if (error instanceof KafkaError) {
    text = error.message;
    const prefix = `${error.type}: `;
    if (text.startsWith(prefix)) text = text.slice(prefix.length);
    const where =
      error.topic === undefined
        ? undefined
        : error.partition === undefined
          ? error.topic
          : `${error.topic}-${error.partition}`;
    const parts = [
      error.groupId === undefined ? undefined : `group ${error.groupId}`,
      where,
      error.broker === undefined ? undefined : `broker ${error.broker}`,
    ];
    const suffix = parts.filter((p) => p !== undefined).join(', ');
    if (suffix.length > 0 && text.endsWith(` (${suffix})`)) {
      text = text.slice(0, text.length - suffix.length - 3);
    }
  } else {
    text = error instanceof Error ? error.message : String(error);
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

/**
 * Tools print results, so the clients' informational log lines (connections, sessions) are only
 * noise there: like Kafka's tools-log4j.properties, show warnings and errors only, unless
 * SAMSA_LOG_LEVEL asks for more.
 */
export function quietClientLogs(): void {
  if (process.env.SAMSA_LOG_LEVEL === undefined || process.env.SAMSA_LOG_LEVEL === '') {
    setLogLevel('warn');
  }
}
