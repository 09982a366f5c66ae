/**
 * Kafka consumer properties (`fetch.max.wait.ms`, `max.partition.fetch.bytes`, ...), as the tools
 * take them from `--consumer-property` and `--consumer.config`, turned into samsa's consumer
 * settings, with Kafka's ConfigException wording for bad values. A property samsa's consumer does
 * not have gets Kafka's warning `The configuration 'x' was supplied but isn't a known config.` and
 * has no effect. `auto.offset.reset` and `group.id` are read by the tools themselves.
 */
import type { ConsumerConfig } from '../../../client';
import { UsageError } from './command-line';

export interface ConsumerSettings {
  clientId?: string;
  maxWaitTimeInMs?: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
}

const DESERIALIZERS = new Set([
  'org.apache.kafka.common.serialization.ByteArrayDeserializer',
  'org.apache.kafka.common.serialization.StringDeserializer',
]);

function whole(name: string, value: string, min: number): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(n)) {
    throw new UsageError(
      `Invalid value ${value} for configuration ${name}: Not a number of type INT`,
    );
  }
  if (n < min) {
    throw new UsageError(
      `Invalid value ${value} for configuration ${name}: Value must be at least ${min}`,
    );
  }
  return n;
}

/** Reads consumer properties; `warn` receives one line per property without effect. */
export function consumerSettings(
  props: ReadonlyMap<string, string>,
  warn: (line: string) => void,
): ConsumerSettings {
  const settings: ConsumerSettings = {};
  for (const [name, value] of props) {
    switch (name) {
      case 'client.id':
        settings.clientId = value;
        break;
      case 'fetch.max.wait.ms':
        settings.maxWaitTimeInMs = whole(name, value, 0);
        break;
      case 'fetch.min.bytes':
        settings.minBytes = whole(name, value, 0);
        break;
      case 'fetch.max.bytes':
        settings.maxBytes = whole(name, value, 1);
        break;
      case 'max.partition.fetch.bytes':
        settings.maxBytesPerPartition = whole(name, value, 1);
        break;
      case 'auto.offset.reset':
      case 'group.id':
      case 'bootstrap.servers':
        break;
      case 'key.deserializer':
      case 'value.deserializer':
        if (!DESERIALIZERS.has(value.trim())) {
          throw new UsageError(
            `Invalid value ${value} for configuration ${name}: samsa tools read bytes (ByteArrayDeserializer)`,
          );
        }
        break;
      default:
        warn(`The configuration '${name}' was supplied but isn't a known config.`);
    }
  }
  return settings;
}

/** The samsa consumer configuration for these settings. */
export function toConsumerConfig(settings: ConsumerSettings): ConsumerConfig {
  return {
    maxWaitTimeInMs: settings.maxWaitTimeInMs,
    minBytes: settings.minBytes,
    maxBytes: settings.maxBytes,
    maxBytesPerPartition: settings.maxBytesPerPartition,
  };
}
