/**
 * Kafka consumer properties (`fetch.max.wait.ms`, `max.partition.fetch.bytes`, ...), as the tools
 * take them from `--consumer-property` and `--consumer.config`, turned into samsa's consumer
 * settings, with Kafka's ConfigException wording for bad values. A property samsa's consumer does
 * not have gets Kafka's warning `The configuration 'x' was supplied but isn't a known config.` and
 * has no effect. `auto.offset.reset` and `group.id` are read by the tools themselves.
 *
 * The group membership properties (`enable.auto.commit`, `auto.commit.interval.ms`,
 * `session.timeout.ms`, `heartbeat.interval.ms`, `max.poll.interval.ms` — the rebalance timeout —
 * and `group.instance.id`) apply to a consumer that joins a group (toGroupConsumerConfig).
 */
import type { ConsumerConfig } from '../../../client';
import { UsageError } from './command-line';

export interface ConsumerSettings {
  clientId?: string;
  maxWaitTimeInMs?: number;
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  /** Group membership settings (used when the consumer joins a group). */
  group: GroupSettings;
}

export interface GroupSettings {
  autoCommit?: boolean;
  autoCommitInterval?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  rebalanceTimeout?: number;
  groupInstanceId?: string;
}

/** The group membership part of samsa's consumer configuration (its KafkaJS names). */
export type GroupConsumerConfig = Required<Pick<ConsumerConfig, 'groupId' | 'autoCommit'>> &
  Pick<
    ConsumerConfig,
    | 'autoCommitInterval'
    | 'sessionTimeout'
    | 'heartbeatInterval'
    | 'rebalanceTimeout'
    | 'groupInstanceId'
  >;

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

function bool(name: string, value: string): boolean {
  const lower = value.trim().toLowerCase();
  if (lower !== 'true' && lower !== 'false') {
    throw new UsageError(
      `Invalid value ${value} for configuration ${name}: Expected value to be either true or false`,
    );
  }
  return lower === 'true';
}

/** Reads consumer properties; `warn` receives one line per property without effect. */
export function consumerSettings(
  props: ReadonlyMap<string, string>,
  warn: (line: string) => void,
): ConsumerSettings {
  const settings: ConsumerSettings = { group: {} };
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
      case 'enable.auto.commit':
        settings.group.autoCommit = bool(name, value);
        break;
      case 'auto.commit.interval.ms':
        settings.group.autoCommitInterval = whole(name, value, 0);
        break;
      case 'session.timeout.ms':
        settings.group.sessionTimeout = whole(name, value, 1);
        break;
      case 'heartbeat.interval.ms':
        settings.group.heartbeatInterval = whole(name, value, 1);
        break;
      case 'max.poll.interval.ms':
        settings.group.rebalanceTimeout = whole(name, value, 1);
        break;
      case 'group.instance.id':
        settings.group.groupInstanceId = value;
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

/**
 * The group membership configuration of a consumer joining `groupId`: auto commit is on unless
 * `enable.auto.commit=false` (or `autoCommitDefault` is false: Kafka's console consumer turns it
 * off for the group it generates).
 */
export function toGroupConsumerConfig(
  settings: ConsumerSettings,
  groupId: string,
  autoCommitDefault: boolean,
): GroupConsumerConfig {
  return {
    groupId,
    autoCommit: settings.group.autoCommit ?? autoCommitDefault,
    autoCommitInterval: settings.group.autoCommitInterval,
    sessionTimeout: settings.group.sessionTimeout,
    heartbeatInterval: settings.group.heartbeatInterval,
    rebalanceTimeout: settings.group.rebalanceTimeout,
    groupInstanceId: settings.group.groupInstanceId,
  };
}
