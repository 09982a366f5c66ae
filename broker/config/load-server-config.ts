/**
 * Reads a broker's configuration the way `kafka-server-start.sh server.properties
 * [--override key=value]*` does: the properties file, then the overrides on top.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error';
import { KafkaConfig, KafkaConfigOptions } from './kafka-config';
import { parseOverrides, parseProperties } from './properties';

/**
 * Loads and validates `file` plus `overrideArgs` (each `key=value`). Throws a ConfigError with a
 * one-line message when the file cannot be read, an override is malformed, or a value is bad;
 * unknown keys come back in `config.warnings`.
 */
export async function loadServerConfig(
  file: string,
  overrideArgs: readonly string[] = [],
  options: KafkaConfigOptions = {},
): Promise<KafkaConfig> {
  const overrides = parseOverrides(overrideArgs);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    // Not `instanceof Error`: fs errors may come from another realm (jest, vm contexts).
    const reason =
      typeof err === 'object' && err !== null && 'message' in err
        ? String(err.message)
        : String(err);
    throw new ConfigError(`Cannot read configuration file ${file}: ${reason}`);
  }
  return KafkaConfig.fromProperties(parseProperties(text, file), overrides, options);
}
