/**
 * A topic's log configuration (broker/log's `LogConfig`) from the broker's configuration and the
 * topic's overrides in `/config/topics/<topic>`: used when a partition's log is created (Kafka's
 * `Partition.createLog` reads the overrides from ZooKeeper each time) and when a config change
 * reaches a broker (dynamic-config-manager.ts).
 *
 * The effective values come from broker/config's `topicConfig` (an override wins, else the
 * broker's `log.*` value). Kafka's Long.MAX_VALUE ("never") becomes broker/log's `NEVER`, and
 * `flush.messages=0` (flush after every record, as Kafka reads it) becomes 1, which means the same
 * to the log. `segment.jitter.ms` is not a samsa topic config: logs keep the default (0).
 *
 * Overrides stored in ZooKeeper were validated by whoever wrote them through samsa; an override
 * that is nevertheless invalid (written by hand or by another tool) is left out with a warning,
 * so that one bad key cannot stop a partition from being created.
 */
import { logger } from '../../client/logging';
import { ZkError, type ZkClient } from '../../zk-schema/client';
import * as entityConfig from '../../zk-schema/znodes/entity-config';
import { ConfigError } from '../config/config-error';
import type { KafkaConfig } from '../config/kafka-config';
import { topicConfig, type TopicConfig } from '../config/topic-config';
import { DEFAULT_LOG_CONFIG, NEVER, logConfig, type LogConfig } from '../log/log-config';

const log = logger('TopicLogConfig');

/** The LogConfig of a topic whose effective configuration is `config`. */
export function logConfigFromTopicConfig(config: TopicConfig): LogConfig {
  const long = (value: number): number => Math.min(value, NEVER);
  return logConfig({
    segmentBytes: config.segmentBytes,
    segmentMs: long(config.segmentMs),
    segmentJitterMs: DEFAULT_LOG_CONFIG.segmentJitterMs,
    segmentIndexBytes: config.segmentIndexBytes,
    indexIntervalBytes: config.indexIntervalBytes,
    maxMessageBytes: config.maxMessageBytes,
    retentionMs: long(config.retentionMs),
    retentionBytes: long(config.retentionBytes),
    flushMessages: Math.max(1, long(config.flushMessages)),
    flushMs: long(config.flushMs),
    fileDeleteDelayMs: long(config.fileDeleteDelayMs),
    compact: config.cleanupPolicy.includes('compact'),
    delete: config.cleanupPolicy.includes('delete'),
    deleteRetentionMs: long(config.deleteRetentionMs),
    minCleanableRatio: config.minCleanableDirtyRatio,
    minCompactionLagMs: long(config.minCompactionLagMs),
    maxCompactionLagMs: long(config.maxCompactionLagMs),
  });
}

/**
 * The effective topic configuration for stored overrides, leaving out (with a warning) any
 * override that does not validate.
 */
export function effectiveTopicConfig(
  broker: KafkaConfig,
  topic: string,
  overrides: ReadonlyMap<string, string>,
): TopicConfig {
  try {
    return topicConfig(broker, overrides);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  const valid = new Map<string, string>();
  for (const [name, value] of overrides) {
    try {
      topicConfig(broker, new Map([...valid, [name, value]]));
      valid.set(name, value);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      log.warn(`Ignoring invalid config ${name}=${value} of topic ${topic}: ${error.message}`);
    }
  }
  return topicConfig(broker, valid);
}

/** The overrides stored in `/config/topics/<topic>` (empty when the znode does not exist). */
export async function fetchTopicOverrides(
  zk: ZkClient,
  topic: string,
): Promise<Map<string, string>> {
  const path = entityConfig.path({ type: 'topics', name: topic });
  try {
    const { data } = await zk.getData(path);
    return data === null ? new Map() : entityConfig.decode(data, path);
  } catch (error) {
    if (error instanceof ZkError && error.code === 'NO_NODE') return new Map();
    throw error;
  }
}

/**
 * The LogConfig for a new log of `topic`: the broker's configuration with the topic's overrides
 * read from ZooKeeper now.
 */
export async function topicLogConfig(
  services: { readonly zk: ZkClient; readonly config: KafkaConfig },
  topic: string,
): Promise<LogConfig> {
  const overrides = await fetchTopicOverrides(services.zk, topic);
  return logConfigFromTopicConfig(effectiveTopicConfig(services.config, topic, overrides));
}
