/**
 * Kafka producer properties (`acks`, `linger.ms`, `batch.size`, `compression.type`, ...), as the
 * tools take them from `--producer-property`, `--producer-props` and `--producer.config`, turned
 * into samsa's producer settings, with Kafka's ConfigException wording for bad values
 * (`Invalid value x for configuration acks: String must be one of: all, -1, 0, 1`).
 *
 * A property samsa's producer does not have (`buffer.memory`, `enable.idempotence`, ...) is not
 * silently taken: it gets Kafka's warning `The configuration 'x' was supplied but isn't a known
 * config.` and has no effect. `bootstrap.servers` and `client.id` are returned for the tool.
 */
import type { ProducerConfig } from '../../../client';
import { UsageError } from './command-line';

export type AcksSetting = -1 | 0 | 1;
export type CompressionSetting = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerSettings {
  bootstrapServers?: string;
  clientId?: string;
  acks?: AcksSetting;
  lingerMs?: number;
  batchSize?: number;
  compression?: CompressionSetting;
  requestTimeoutMs?: number;
  maxRequestSize?: number;
  maxInFlightRequests?: number;
  retries?: number;
  retryBackoffMs?: number;
}

const COMPRESSIONS: CompressionSetting[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Kafka's serializer classes: accepted as long as they are the byte/string ones samsa uses. */
const SERIALIZERS = new Set([
  'org.apache.kafka.common.serialization.ByteArraySerializer',
  'org.apache.kafka.common.serialization.StringSerializer',
]);

function invalid(name: string, value: string, reason: string): UsageError {
  return new UsageError(`Invalid value ${value} for configuration ${name}: ${reason}`);
}

function whole(name: string, value: string, min: number): number {
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(n)) {
    throw invalid(name, value, 'Not a number of type LONG');
  }
  if (n < min) throw invalid(name, value, `Value must be at least ${min}`);
  return n;
}

/** Kafka's `acks` values. */
export function parseAcks(value: string): AcksSetting {
  switch (value.trim().toLowerCase()) {
    case 'all':
    case '-1':
      return -1;
    case '0':
      return 0;
    case '1':
      return 1;
    default:
      throw invalid('acks', value, 'String must be one of: all, -1, 0, 1');
  }
}

/** Kafka's `compression.type` values. */
export function parseCompression(value: string): CompressionSetting {
  const name = value.trim().toLowerCase();
  if (!(COMPRESSIONS as string[]).includes(name)) {
    throw invalid('compression.type', value, `String must be one of: ${COMPRESSIONS.join(', ')}`);
  }
  return name as CompressionSetting;
}

/**
 * Reads producer properties. `warn` receives one line per property that has no effect in samsa.
 */
export function producerSettings(
  props: ReadonlyMap<string, string>,
  warn: (line: string) => void,
): ProducerSettings {
  const settings: ProducerSettings = {};
  for (const [name, value] of props) {
    switch (name) {
      case 'bootstrap.servers':
        settings.bootstrapServers = value;
        break;
      case 'client.id':
        settings.clientId = value;
        break;
      case 'acks':
        settings.acks = parseAcks(value);
        break;
      case 'linger.ms':
        settings.lingerMs = whole(name, value, 0);
        break;
      case 'batch.size':
        settings.batchSize = whole(name, value, 1);
        break;
      case 'compression.type':
        settings.compression = parseCompression(value);
        break;
      case 'request.timeout.ms':
        settings.requestTimeoutMs = whole(name, value, 1);
        break;
      case 'max.request.size':
        settings.maxRequestSize = whole(name, value, 1);
        break;
      case 'max.in.flight.requests.per.connection':
        settings.maxInFlightRequests = whole(name, value, 1);
        break;
      case 'retries':
        settings.retries = whole(name, value, 0);
        break;
      case 'retry.backoff.ms':
        settings.retryBackoffMs = whole(name, value, 0);
        break;
      case 'key.serializer':
      case 'value.serializer':
        if (!SERIALIZERS.has(value.trim())) {
          throw invalid(name, value, 'samsa tools send bytes (ByteArraySerializer)');
        }
        break;
      default:
        warn(`The configuration '${name}' was supplied but isn't a known config.`);
    }
  }
  return settings;
}

/** The samsa producer configuration for these settings. */
export function toProducerConfig(settings: ProducerSettings): ProducerConfig {
  const retry =
    settings.retries === undefined && settings.retryBackoffMs === undefined
      ? undefined
      : { retries: settings.retries, initialRetryTime: settings.retryBackoffMs };
  return {
    acks: settings.acks,
    lingerMs: settings.lingerMs,
    batchSize: settings.batchSize,
    compression: settings.compression,
    maxInFlightRequests: settings.maxInFlightRequests,
    maxRequestSize: settings.maxRequestSize,
    timeout: settings.requestTimeoutMs,
    retry,
  };
}
