/**
 * The one error type of broker configuration: a bad value, a missing required key, a malformed
 * properties file or `--override` argument. Its message is a single line naming the key, worded
 * like Kafka's ConfigException (`Invalid value abc for configuration num.partitions: Not a number
 * of type INT`), so that `samsa server-start` can print it and exit with code 1, and the
 * CreateTopics / AlterConfigs handlers can return it as INVALID_CONFIG.
 */
import { SamsaError } from '../../client/errors';

export class ConfigError extends SamsaError {
  /** The configuration key at fault, when there is one. */
  readonly configName?: string;

  constructor(message: string, configName?: string) {
    super(oneLine(message), { retriable: false });
    this.configName = configName;
  }

  /** Kafka's `ConfigException(name, value, message)` wording. */
  static invalid(name: string, value: unknown, reason?: string): ConfigError {
    const why = reason === undefined ? '' : `: ${reason}`;
    return new ConfigError(
      `Invalid value ${displayValue(value)} for configuration ${name}${why}`,
      name,
    );
  }

  /** Kafka's message for a key without a default that was not given. */
  static missing(name: string): ConfigError {
    return new ConfigError(
      `Missing required configuration "${name}" which has no default value.`,
      name,
    );
  }
}

/** How a value appears in an error message, as Java's `String.valueOf` would print it. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => displayValue(v)).join(', ')}]`;
  return String(value);
}

/** Control characters (a value may hold `\n` from an escape) are shown escaped: one line always. */
function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  return message.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
