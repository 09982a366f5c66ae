/**
 * Per-partition log configuration: a plain typed object with one field per Kafka topic config,
 * holding Kafka 2.8's defaults. The broker fills it from `server.properties` (the `log.*` names)
 * and per-topic overrides (the topic names) through `LOG_CONFIG_KEYS`.
 *
 * | field              | topic config              | server.properties                 | default        |
 * |--------------------|---------------------------|-----------------------------------|----------------|
 * | segmentBytes       | segment.bytes             | log.segment.bytes                 | 1073741824     |
 * | segmentMs          | segment.ms                | log.roll.ms (log.roll.hours)      | 604800000      |
 * | segmentJitterMs    | segment.jitter.ms         | log.roll.jitter.ms                | 0              |
 * | segmentIndexBytes  | segment.index.bytes       | log.index.size.max.bytes          | 10485760       |
 * | indexIntervalBytes | index.interval.bytes      | log.index.interval.bytes          | 4096           |
 * | maxMessageBytes    | max.message.bytes         | message.max.bytes                 | 1048588        |
 * | retentionMs        | retention.ms              | log.retention.ms (.hours)         | 604800000      |
 * | retentionBytes     | retention.bytes           | log.retention.bytes               | -1             |
 * | flushMessages      | flush.messages            | log.flush.interval.messages       | Long.MAX_VALUE |
 * | flushMs            | flush.ms                  | log.flush.interval.ms             | Long.MAX_VALUE |
 * | fileDeleteDelayMs  | file.delete.delay.ms      | log.segment.delete.delay.ms       | 60000          |
 * | compact, delete    | cleanup.policy            | log.cleanup.policy                | delete         |
 * | deleteRetentionMs  | delete.retention.ms       | log.cleaner.delete.retention.ms   | 86400000       |
 * | minCleanableRatio  | min.cleanable.dirty.ratio | log.cleaner.min.cleanable.ratio   | 0.5            |
 * | minCompactionLagMs | min.compaction.lag.ms     | log.cleaner.min.compaction.lag.ms | 0              |
 * | maxCompactionLagMs | max.compaction.lag.ms     | log.cleaner.max.compaction.lag.ms | Long.MAX_VALUE |
 *
 * `cleanup.policy` is a list of `delete` (retention by time and size) and `compact` (the log
 * cleaner keeps the latest record of each key, log-cleaner.ts); Kafka's LogConfig turns it into
 * the two booleans `compact` and `delete`, and so does this one.
 *
 * Kafka's Long.MAX_VALUE ("never") is `Number.MAX_SAFE_INTEGER` here. As in Kafka, the log never
 * fsyncs per append by default: durability comes from replication, and the OS page cache holds
 * the data across a process crash.
 */
import { SamsaError } from '../../client/errors';

export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentJitterMs: number;
  segmentIndexBytes: number;
  indexIntervalBytes: number;
  maxMessageBytes: number;
  retentionMs: number;
  retentionBytes: number;
  flushMessages: number;
  flushMs: number;
  fileDeleteDelayMs: number;
  /** cleanup.policy includes `compact`. */
  compact: boolean;
  /** cleanup.policy includes `delete`. */
  delete: boolean;
  deleteRetentionMs: number;
  minCleanableRatio: number;
  minCompactionLagMs: number;
  maxCompactionLagMs: number;
}

/** Kafka's Long.MAX_VALUE, meaning "never", as a JavaScript number. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  maxMessageBytes: 1024 * 1024 + 12,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  flushMessages: NEVER,
  flushMs: NEVER,
  fileDeleteDelayMs: 60000,
  compact: false,
  delete: true,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: NEVER,
});

/** The fields held as integers. */
type IntegerField = {
  [K in keyof LogConfig]: LogConfig[K] extends number ? K : never;
}[keyof LogConfig];

interface KeyDef {
  field: Exclude<IntegerField, 'minCleanableRatio'>;
  topicKey: string;
  brokerKey: string;
  min: number;
}

/** Kafka's names for each field, and the smallest value Kafka accepts. */
export const LOG_CONFIG_KEYS: readonly KeyDef[] = [
  { field: 'segmentBytes', topicKey: 'segment.bytes', brokerKey: 'log.segment.bytes', min: 14 },
  { field: 'segmentMs', topicKey: 'segment.ms', brokerKey: 'log.roll.ms', min: 1 },
  {
    field: 'segmentJitterMs',
    topicKey: 'segment.jitter.ms',
    brokerKey: 'log.roll.jitter.ms',
    min: 0,
  },
  {
    field: 'segmentIndexBytes',
    topicKey: 'segment.index.bytes',
    brokerKey: 'log.index.size.max.bytes',
    min: 4,
  },
  {
    field: 'indexIntervalBytes',
    topicKey: 'index.interval.bytes',
    brokerKey: 'log.index.interval.bytes',
    min: 0,
  },
  {
    field: 'maxMessageBytes',
    topicKey: 'max.message.bytes',
    brokerKey: 'message.max.bytes',
    min: 0,
  },
  { field: 'retentionMs', topicKey: 'retention.ms', brokerKey: 'log.retention.ms', min: -1 },
  {
    field: 'retentionBytes',
    topicKey: 'retention.bytes',
    brokerKey: 'log.retention.bytes',
    min: -Infinity,
  },
  {
    field: 'flushMessages',
    topicKey: 'flush.messages',
    brokerKey: 'log.flush.interval.messages',
    min: 1,
  },
  { field: 'flushMs', topicKey: 'flush.ms', brokerKey: 'log.flush.interval.ms', min: 0 },
  {
    field: 'fileDeleteDelayMs',
    topicKey: 'file.delete.delay.ms',
    brokerKey: 'log.segment.delete.delay.ms',
    min: 0,
  },
  {
    field: 'deleteRetentionMs',
    topicKey: 'delete.retention.ms',
    brokerKey: 'log.cleaner.delete.retention.ms',
    min: 0,
  },
  {
    field: 'minCompactionLagMs',
    topicKey: 'min.compaction.lag.ms',
    brokerKey: 'log.cleaner.min.compaction.lag.ms',
    min: 0,
  },
  {
    field: 'maxCompactionLagMs',
    topicKey: 'max.compaction.lag.ms',
    brokerKey: 'log.cleaner.max.compaction.lag.ms',
    min: 1,
  },
];

const CLEANUP_POLICIES = ['compact', 'delete'];

/** The defaults with some fields replaced. */
export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const config = { ...DEFAULT_LOG_CONFIG, ...overrides };
  for (const def of LOG_CONFIG_KEYS) checkValue(def.topicKey, config[def.field], def.min);
  checkRatio(config.minCleanableRatio);
  return config;
}

/**
 * Applies topic-level overrides given by Kafka's topic config names (as stored in ZooKeeper
 * under /config/topics/<topic>). Keys that are not log configs are ignored (they belong to other
 * components, e.g. min.insync.replicas); a bad value is a one-line error naming the key.
 */
export function withTopicOverrides(base: LogConfig, overrides: Record<string, string>): LogConfig {
  const config = { ...base };
  for (const def of LOG_CONFIG_KEYS) {
    const raw = overrides[def.topicKey];
    if (raw === undefined) continue;
    const value = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(value)) {
      throw new SamsaError(`Invalid value ${raw} for configuration ${def.topicKey}: not a number`);
    }
    checkValue(def.topicKey, value, def.min);
    config[def.field] = value;
  }
  const policy = overrides['cleanup.policy'];
  if (policy !== undefined) {
    const names = policy.split(',').map((name) => name.trim().toLowerCase());
    const bad = names.find((name) => !CLEANUP_POLICIES.includes(name));
    if (bad !== undefined) {
      throw new SamsaError(
        `Invalid value ${policy} for configuration cleanup.policy: String must be one of: compact, delete`,
      );
    }
    config.compact = names.includes('compact');
    config.delete = names.includes('delete');
  }
  const ratio = overrides['min.cleanable.dirty.ratio'];
  if (ratio !== undefined) {
    const value = Number(ratio.trim());
    if (ratio.trim() === '' || !Number.isFinite(value)) {
      throw new SamsaError(
        `Invalid value ${ratio} for configuration min.cleanable.dirty.ratio: not a number`,
      );
    }
    checkRatio(value);
    config.minCleanableRatio = value;
  }
  if (config.minCompactionLagMs > config.maxCompactionLagMs) {
    throw new SamsaError(
      `conflict topic config setting min.compaction.lag.ms (${config.minCompactionLagMs}) > max.compaction.lag.ms (${config.maxCompactionLagMs})`,
    );
  }
  return config;
}

function checkRatio(value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new SamsaError(
      `Invalid value ${value} for configuration min.cleanable.dirty.ratio: Value must be between 0 and 1`,
    );
  }
}

function checkValue(key: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new SamsaError(
      `Invalid value ${value} for configuration ${key}: Value must be at least ${min}`,
    );
  }
}
