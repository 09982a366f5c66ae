/**
 * Topic-level configuration (Kafka's LogConfig): the keys a topic may override (stored in
 * /config/topics/<topic>, set by CreateTopics and AlterConfigs), each with the broker key it
 * falls back to (`retention.ms` ← `log.retention.ms` / `.minutes` / `.hours`), and the resolution
 * of a topic's effective configuration: a topic override wins, else the broker's value.
 *
 * The defaults in TOPIC_CONFIG_DEF are Kafka's topic defaults; they equal what a broker with
 * default settings gives (a unit test checks it), and are shown in documentation only: an
 * effective value always comes from an override or from the broker.
 *
 * `entries()` reports each key as DescribeConfigs does: source TOPIC_CONFIG when overridden, else
 * the source of the broker synonym the value came from; synonyms list the topic override (if any)
 * and then the broker synonyms layer by layer. Unlike Kafka 2.8 — which drops every broker
 * synonym of retention.ms / segment.ms / flush.ms when log.retention.ms / log.roll.ms /
 * log.flush.interval.ms itself is unset, and then reports DEFAULT_CONFIG even for a value set
 * through log.retention.hours in server.properties — samsa keeps them, so the source is right.
 */
import {
  CamelCase,
  ConfigDef,
  ConfigValue,
  LONG_MAX_STRING,
  atLeast,
  between,
  camelCase,
  define,
  eachOneOf,
  isSensitive,
  oneOf,
} from './config-def';
import { ConfigError } from './config-error';
import {
  BrokerConfigName,
  CLEANUP_POLICIES,
  COMPRESSION_TYPES,
  TIMESTAMP_TYPES,
} from './broker-config-def';
import { ConfigEntry, ConfigSynonym, brokerSynonymEntries, brokerSynonyms } from './config-entries';
import { KafkaConfig } from './kafka-config';

export const TOPIC_CONFIG_DEF = new ConfigDef({
  'cleanup.policy': define('LIST', {
    default: 'delete',
    validator: eachOneOf(...CLEANUP_POLICIES),
    importance: 'MEDIUM',
    doc:
      'delete removes old segments by retention time and size; compact keeps the latest ' +
      'record of each key; or both (compact,delete).',
  }),
  'compression.type': define('STRING', {
    default: 'producer',
    validator: oneOf(...COMPRESSION_TYPES),
    importance: 'MEDIUM',
    doc:
      "The codec batches are stored with: producer keeps the producer's, any other value " +
      'recompresses.',
  }),
  'delete.retention.ms': define('LONG', {
    default: '86400000',
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'How long tombstones stay in a compacted topic.',
  }),
  'file.delete.delay.ms': define('LONG', {
    default: '60000',
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'How long a deleted segment stays on disk before its files are removed.',
  }),
  'flush.messages': define('LONG', {
    default: LONG_MAX_STRING,
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'fsync the log after this many records.',
  }),
  'flush.ms': define('LONG', {
    default: LONG_MAX_STRING,
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'fsync the log when its oldest unflushed data is this old.',
  }),
  'index.interval.bytes': define('INT', {
    default: '4096',
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'Add an offset index entry after about this many bytes.',
  }),
  'max.compaction.lag.ms': define('LONG', {
    default: LONG_MAX_STRING,
    validator: atLeast(1),
    importance: 'MEDIUM',
    doc: 'A record stays uncompacted for at most this long.',
  }),
  'max.message.bytes': define('INT', {
    default: '1048588',
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'The largest record batch (after compression) the topic accepts.',
  }),
  'message.timestamp.difference.max.ms': define('LONG', {
    default: LONG_MAX_STRING,
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'With CreateTime, the largest allowed difference between a batch and the broker clock.',
  }),
  'message.timestamp.type': define('STRING', {
    default: 'CreateTime',
    validator: oneOf(...TIMESTAMP_TYPES),
    importance: 'MEDIUM',
    doc: "CreateTime (the producer's timestamps) or LogAppendTime (the broker's clock).",
  }),
  'min.cleanable.dirty.ratio': define('DOUBLE', {
    default: '0.5',
    validator: between(0, 1),
    importance: 'MEDIUM',
    doc: 'Compact when the uncleaned part is at least this fraction of the log.',
  }),
  'min.compaction.lag.ms': define('LONG', {
    default: '0',
    validator: atLeast(0),
    importance: 'MEDIUM',
    doc: 'A record stays uncompacted for at least this long.',
  }),
  'min.insync.replicas': define('INT', {
    default: '1',
    validator: atLeast(1),
    importance: 'MEDIUM',
    doc: 'With acks=all, the fewest in-sync replicas for a write to succeed.',
  }),
  'retention.bytes': define('LONG', {
    default: '-1',
    importance: 'MEDIUM',
    doc: 'Delete old segments while a partition is larger than this; -1 for no limit.',
  }),
  'retention.ms': define('LONG', {
    default: '604800000',
    validator: atLeast(-1),
    importance: 'MEDIUM',
    doc: 'Delete a segment when its newest record is older than this; -1 keeps it forever.',
  }),
  'segment.bytes': define('INT', {
    default: '1073741824',
    validator: atLeast(14),
    importance: 'MEDIUM',
    doc: 'The largest size of a segment file.',
  }),
  'segment.index.bytes': define('INT', {
    default: '10485760',
    validator: atLeast(4),
    importance: 'MEDIUM',
    doc: 'The largest size of an offset or time index file.',
  }),
  'segment.ms': define('LONG', {
    default: '604800000',
    validator: atLeast(1),
    importance: 'MEDIUM',
    doc: 'Roll a new segment when the active one is this old.',
  }),
  'unclean.leader.election.enable': define('BOOLEAN', {
    default: 'false',
    importance: 'MEDIUM',
    doc: 'Allow an out-of-sync replica to become leader, losing committed records.',
  }),
});

type TopicKeys = typeof TOPIC_CONFIG_DEF.keys;
export type TopicConfigName = keyof TopicKeys & string;
export type TopicConfigValue<K extends TopicConfigName> = ConfigValue<TopicKeys[K]>;

interface BrokerFallback<K extends TopicConfigName> {
  /** The broker key Kafka lists as the topic key's synonym (the first of its family). */
  readonly synonym: BrokerConfigName;
  readonly value: (broker: KafkaConfig) => TopicConfigValue<K>;
}

const FROM_BROKER: { readonly [K in TopicConfigName]: BrokerFallback<K> } = {
  'cleanup.policy': { synonym: 'log.cleanup.policy', value: (b) => b.logCleanupPolicy },
  'compression.type': { synonym: 'compression.type', value: (b) => b.compressionType },
  'delete.retention.ms': {
    synonym: 'log.cleaner.delete.retention.ms',
    value: (b) => b.logCleanerDeleteRetentionMs,
  },
  'file.delete.delay.ms': {
    synonym: 'log.segment.delete.delay.ms',
    value: (b) => b.logSegmentDeleteDelayMs,
  },
  'flush.messages': {
    synonym: 'log.flush.interval.messages',
    value: (b) => b.logFlushIntervalMessages,
  },
  'flush.ms': { synonym: 'log.flush.interval.ms', value: (b) => b.logFlushIntervalMs },
  'index.interval.bytes': {
    synonym: 'log.index.interval.bytes',
    value: (b) => b.logIndexIntervalBytes,
  },
  'max.compaction.lag.ms': {
    synonym: 'log.cleaner.max.compaction.lag.ms',
    value: (b) => b.logCleanerMaxCompactionLagMs,
  },
  'max.message.bytes': { synonym: 'message.max.bytes', value: (b) => b.messageMaxBytes },
  'message.timestamp.difference.max.ms': {
    synonym: 'log.message.timestamp.difference.max.ms',
    value: (b) => b.logMessageTimestampDifferenceMaxMs,
  },
  'message.timestamp.type': {
    synonym: 'log.message.timestamp.type',
    value: (b) => b.logMessageTimestampType,
  },
  'min.cleanable.dirty.ratio': {
    synonym: 'log.cleaner.min.cleanable.ratio',
    value: (b) => b.logCleanerMinCleanableRatio,
  },
  'min.compaction.lag.ms': {
    synonym: 'log.cleaner.min.compaction.lag.ms',
    value: (b) => b.logCleanerMinCompactionLagMs,
  },
  'min.insync.replicas': { synonym: 'min.insync.replicas', value: (b) => b.minInsyncReplicas },
  'retention.bytes': { synonym: 'log.retention.bytes', value: (b) => b.logRetentionBytes },
  'retention.ms': { synonym: 'log.retention.ms', value: (b) => b.logRetentionMs },
  'segment.bytes': { synonym: 'log.segment.bytes', value: (b) => b.logSegmentBytes },
  'segment.index.bytes': {
    synonym: 'log.index.size.max.bytes',
    value: (b) => b.logIndexSizeMaxBytes,
  },
  'segment.ms': { synonym: 'log.roll.ms', value: (b) => b.logRollMs },
  'unclean.leader.election.enable': {
    synonym: 'unclean.leader.election.enable',
    value: (b) => b.uncleanLeaderElectionEnable,
  },
};

/** The broker keys a topic key falls back to, highest precedence first. */
export function topicConfigSynonyms(name: TopicConfigName): BrokerConfigName[] {
  return brokerSynonyms(FROM_BROKER[name].synonym);
}

type TopicFields = {
  readonly [K in TopicConfigName as CamelCase<K>]: TopicConfigValue<K>;
};

/** A topic's effective configuration: `config.retentionMs`, `config.cleanupPolicy`, ... */
export interface TopicConfig extends TopicFields {
  get<K extends TopicConfigName>(name: K): TopicConfigValue<K>;
  /** The topic's own overrides, validated, as given (what /config/topics/<topic> stores). */
  readonly overrides: ReadonlyMap<TopicConfigName, string>;
  /** Every topic key as DescribeConfigs reports it, with source and synonyms. */
  entries(): ConfigEntry[];
}

type Properties = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/**
 * Resolves a topic's effective configuration from its overrides and the broker's configuration.
 * Throws a ConfigError (Kafka's wording; the handlers answer INVALID_CONFIG) on an unknown key
 * (`Unknown topic config name: x`), a bad value, or min.compaction.lag.ms above
 * max.compaction.lag.ms.
 */
export function topicConfig(broker: KafkaConfig, overrides: Properties = {}): TopicConfig {
  const given = new Map<TopicConfigName, string>();
  const parsed = new Map<TopicConfigName, unknown>();
  const entries = overrides instanceof Map ? [...overrides] : Object.entries(overrides);
  for (const [name, raw] of entries) {
    if (!TOPIC_CONFIG_DEF.has(name)) {
      throw new ConfigError(`Unknown topic config name: ${name}`, name);
    }
    parsed.set(name, TOPIC_CONFIG_DEF.parseValue(name, raw));
    given.set(name, raw);
  }

  const values = new Map<TopicConfigName, unknown>();
  for (const name of TOPIC_CONFIG_DEF.names()) {
    values.set(name, parsed.has(name) ? parsed.get(name) : FROM_BROKER[name].value(broker));
  }
  const get = <K extends TopicConfigName>(name: K): TopicConfigValue<K> =>
    values.get(name) as TopicConfigValue<K>;

  const minLag = get('min.compaction.lag.ms');
  const maxLag = get('max.compaction.lag.ms');
  if (minLag > maxLag) {
    throw new ConfigError(
      `conflict topic config setting min.compaction.lag.ms (${minLag}) > ` +
        `max.compaction.lag.ms (${maxLag})`,
      'min.compaction.lag.ms',
    );
  }

  const fields: Record<string, unknown> = {};
  for (const [name, value] of values) {
    fields[camelCase(name)] = Array.isArray(value) ? Object.freeze(value) : value;
  }
  return Object.freeze({
    ...fields,
    get,
    overrides: given,
    entries: () => describeTopicConfig(broker, given, get),
  }) as unknown as TopicConfig;
}

function describeTopicConfig(
  broker: KafkaConfig,
  overrides: ReadonlyMap<TopicConfigName, string>,
  get: <K extends TopicConfigName>(name: K) => TopicConfigValue<K>,
): ConfigEntry[] {
  return TOPIC_CONFIG_DEF.names().map((name) => {
    const key = TOPIC_CONFIG_DEF.key(name);
    const sensitive = isSensitive(key.type);
    const value = TOPIC_CONFIG_DEF.format(name, get(name));
    const synonyms: ConfigSynonym[] = brokerSynonymEntries(
      broker,
      topicConfigSynonyms(name),
      sensitive,
    );
    if (overrides.has(name)) {
      synonyms.unshift({ name, value: sensitive ? null : value, source: 'TOPIC_CONFIG' });
    }
    return {
      name,
      value: sensitive ? null : value,
      source: synonyms[0]?.source ?? 'DEFAULT_CONFIG',
      readOnly: false,
      isSensitive: sensitive,
      type: key.type,
      documentation: key.doc,
      synonyms,
    };
  });
}
