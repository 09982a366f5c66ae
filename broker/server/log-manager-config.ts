/**
 * The log manager's configuration from the broker's (Kafka's `LogManager.apply`): the default
 * LogConfig is the broker's `log.*` settings, each existing topic's LogConfig (read at startup,
 * as Kafka's LogManager reads `/config/topics/<t>`) comes from broker/admin/topic-log-config.ts,
 * the scheduler periods come from the broker's `log.*` and
 * `replica.high.watermark.checkpoint.interval.ms` keys, and the log cleaner's settings from
 * `log.cleaner.*`. Kafka's Long.MAX_VALUE ("never") is held
 * as log-config's NEVER.
 */
import type { KafkaConfig } from '../config/kafka-config';
import { topicConfig } from '../config/topic-config';
import { logConfigFromTopicConfig } from '../admin/topic-log-config';
import { LogConfig, NEVER } from '../log/log-config';
import { DEFAULT_LOG_MANAGER_CONFIG, LogManagerConfig } from '../log/log-manager';

function capped(value: number): number {
  return Math.min(value, NEVER);
}

/**
 * The LogManagerConfig of a broker whose existing topics have `topicLogConfigs` (topics absent
 * from it get the broker's defaults).
 */
export function logManagerConfig(
  broker: KafkaConfig,
  topicLogConfigs: ReadonlyMap<string, LogConfig>,
): LogManagerConfig {
  const defaultConfig = logConfigFromTopicConfig(topicConfig(broker));
  return {
    logDirs: [...broker.logDirs],
    defaultConfig,
    topicConfig: (topic) => topicLogConfigs.get(topic) ?? defaultConfig,
    retentionCheckIntervalMs: capped(broker.logRetentionCheckIntervalMs),
    flushCheckIntervalMs: capped(broker.logFlushSchedulerIntervalMs),
    recoveryPointCheckpointIntervalMs: capped(broker.logFlushOffsetCheckpointIntervalMs),
    logStartOffsetCheckpointIntervalMs: capped(broker.logFlushStartOffsetCheckpointIntervalMs),
    highWatermarkCheckpointIntervalMs: capped(broker.replicaHighWatermarkCheckpointIntervalMs),
    initialTaskDelayMs: DEFAULT_LOG_MANAGER_CONFIG.initialTaskDelayMs,
    loadConcurrency: broker.numRecoveryThreadsPerDataDir,
    cleaner: {
      enable: broker.logCleanerEnable,
      threads: broker.logCleanerThreads,
      dedupeBufferSize: broker.logCleanerDedupeBufferSize,
      ioBufferSize: broker.logCleanerIoBufferSize,
      backoffMs: capped(broker.logCleanerBackoffMs),
    },
  };
}
