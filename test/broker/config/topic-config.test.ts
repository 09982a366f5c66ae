import { BROKER_CONFIG_DEF } from '../../../broker/config/broker-config-def';
import {
  CONFIG_SOURCE_IDS,
  ConfigEntry,
  brokerConfigEntries,
} from '../../../broker/config/config-entries';
import { LONG_MAX_VALUE } from '../../../broker/config/config-def';
import { ConfigError } from '../../../broker/config/config-error';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import {
  TOPIC_CONFIG_DEF,
  topicConfig,
  topicConfigSynonyms,
} from '../../../broker/config/topic-config';

function broker(props: Record<string, string> = {}): KafkaConfig {
  return KafkaConfig.fromProperties({ 'zookeeper.connect': 'zk:2181', ...props });
}

function entry(entries: ConfigEntry[], name: string): ConfigEntry {
  const found = entries.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no entry ${name}`);
  return found;
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('topicConfig: resolution', () => {
  test("with a default broker and no overrides, every value is Kafka's topic default", () => {
    const topic = topicConfig(broker());
    for (const name of TOPIC_CONFIG_DEF.names()) {
      expect([name, topic.get(name)]).toEqual([name, TOPIC_CONFIG_DEF.defaultValue(name)]);
    }
    expect(topic.retentionMs).toBe(604800000);
    expect(topic.flushMessages).toBe(LONG_MAX_VALUE);
    expect(topic.cleanupPolicy).toEqual(['delete']);
    expect(topic.overrides.size).toBe(0);
  });

  test("the broker's settings are the topic defaults, through their synonyms", () => {
    const topic = topicConfig(
      broker({
        'log.retention.hours': '24',
        'log.roll.hours': '1',
        'min.insync.replicas': '2',
        'message.max.bytes': '2000000',
        'log.cleanup.policy': 'compact',
        'log.flush.scheduler.interval.ms': '1000',
        'log.index.size.max.bytes': '4096',
        'log.cleaner.min.cleanable.ratio': '0.25',
      }),
    );
    expect(topic.retentionMs).toBe(86400000);
    expect(topic.segmentMs).toBe(3600000);
    expect(topic.minInsyncReplicas).toBe(2);
    expect(topic.maxMessageBytes).toBe(2000000);
    expect(topic.cleanupPolicy).toEqual(['compact']);
    expect(topic.flushMs).toBe(1000);
    expect(topic.segmentIndexBytes).toBe(4096);
    expect(topic.minCleanableDirtyRatio).toBe(0.25);
  });

  test('a topic override wins over the broker', () => {
    const topic = topicConfig(broker({ 'min.insync.replicas': '2' }), {
      'min.insync.replicas': '3',
      'retention.ms': '-1',
      'cleanup.policy': 'compact, delete',
      'unclean.leader.election.enable': 'TRUE',
    });
    expect(topic.minInsyncReplicas).toBe(3);
    expect(topic.retentionMs).toBe(-1);
    expect(topic.cleanupPolicy).toEqual(['compact', 'delete']);
    expect(topic.uncleanLeaderElectionEnable).toBe(true);
    expect(Object.fromEntries(topic.overrides)).toEqual({
      'min.insync.replicas': '3',
      'retention.ms': '-1',
      'cleanup.policy': 'compact, delete',
      'unclean.leader.election.enable': 'TRUE',
    });
  });

  test('overrides may be given as a Map', () => {
    const topic = topicConfig(broker(), new Map([['segment.bytes', '1048576']]));
    expect(topic.segmentBytes).toBe(1048576);
  });

  test('the result is frozen', () => {
    const topic = topicConfig(broker(), { 'cleanup.policy': 'compact' });
    expect(Object.isFrozen(topic)).toBe(true);
    expect(Object.isFrozen(topic.cleanupPolicy)).toBe(true);
  });

  test("an unknown topic key is rejected with Kafka's message", () => {
    expect(failure(() => topicConfig(broker(), { 'retention.hours': '1' }))).toBe(
      'Unknown topic config name: retention.hours',
    );
    expect(failure(() => topicConfig(broker(), { 'log.retention.ms': '1' }))).toBe(
      'Unknown topic config name: log.retention.ms',
    );
  });

  test.each([
    [
      { 'retention.ms': 'abc' },
      'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    ],
    [
      { 'retention.ms': '-2' },
      'Invalid value -2 for configuration retention.ms: Value must be at least -1',
    ],
    [
      { 'segment.bytes': '10' },
      'Invalid value 10 for configuration segment.bytes: Value must be at least 14',
    ],
    [
      { 'compression.type': 'zip' },
      'Invalid value zip for configuration compression.type: String must be one of: ' +
        'uncompressed, zstd, lz4, snappy, gzip, producer',
    ],
    [
      { 'cleanup.policy': 'delete,forever' },
      'Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete',
    ],
    [
      { 'min.cleanable.dirty.ratio': '2' },
      'Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be no more than 1',
    ],
    [
      { 'message.timestamp.type': 'createtime' },
      'Invalid value createtime for configuration message.timestamp.type: String must be one of: ' +
        'CreateTime, LogAppendTime',
    ],
    [
      { 'min.insync.replicas': '0' },
      'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1',
    ],
    [
      { 'unclean.leader.election.enable': 'yes' },
      'Invalid value yes for configuration unclean.leader.election.enable: Expected value to be ' +
        'either true or false',
    ],
  ])('%j is rejected', (overrides, message) => {
    expect(failure(() => topicConfig(broker(), overrides))).toBe(message);
  });

  test('min.compaction.lag.ms above max.compaction.lag.ms is rejected, even across sources', () => {
    expect(
      failure(() =>
        topicConfig(broker({ 'log.cleaner.max.compaction.lag.ms': '1000' }), {
          'min.compaction.lag.ms': '2000',
        }),
      ),
    ).toBe(
      'conflict topic config setting min.compaction.lag.ms (2000) > max.compaction.lag.ms (1000)',
    );
  });
});

describe('topicConfig: DescribeConfigs entries', () => {
  test('a key nobody set comes from the default, with the broker default as its synonym', () => {
    const e = entry(topicConfig(broker()).entries(), 'max.message.bytes');
    expect(e).toEqual({
      name: 'max.message.bytes',
      value: '1048588',
      source: 'DEFAULT_CONFIG',
      readOnly: false,
      isSensitive: false,
      type: 'INT',
      documentation: TOPIC_CONFIG_DEF.key('max.message.bytes').doc,
      synonyms: [{ name: 'message.max.bytes', value: '1048588', source: 'DEFAULT_CONFIG' }],
    });
  });

  test('retention.ms from log.retention.hours in server.properties reports STATIC_BROKER_CONFIG', () => {
    const e = entry(topicConfig(broker({ 'log.retention.hours': '24' })).entries(), 'retention.ms');
    expect(e.value).toBe('86400000');
    expect(e.source).toBe('STATIC_BROKER_CONFIG');
    expect(e.synonyms).toEqual([
      { name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
    ]);
  });

  test('synonyms are listed layer by layer, highest precedence first', () => {
    const e = entry(
      topicConfig(broker({ 'log.retention.hours': '1', 'log.retention.ms': '5000' })).entries(),
      'retention.ms',
    );
    expect(e.value).toBe('5000');
    expect(e.synonyms).toEqual([
      { name: 'log.retention.ms', value: '5000', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '1', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
    ]);
  });

  test('a topic override reports TOPIC_CONFIG, ahead of the broker synonyms', () => {
    const topic = topicConfig(broker({ 'min.insync.replicas': '2' }), {
      'min.insync.replicas': ' 3 ',
      'cleanup.policy': 'compact , delete',
    });
    const entries = topic.entries();
    expect(entry(entries, 'min.insync.replicas')).toMatchObject({
      value: '3',
      source: 'TOPIC_CONFIG',
      synonyms: [
        { name: 'min.insync.replicas', value: '3', source: 'TOPIC_CONFIG' },
        { name: 'min.insync.replicas', value: '2', source: 'STATIC_BROKER_CONFIG' },
        { name: 'min.insync.replicas', value: '1', source: 'DEFAULT_CONFIG' },
      ],
    });
    expect(entry(entries, 'cleanup.policy')).toMatchObject({
      value: 'compact,delete',
      source: 'TOPIC_CONFIG',
      type: 'LIST',
    });
    expect(entries.map((e) => e.name)).toEqual(TOPIC_CONFIG_DEF.names());
  });

  test('segment.ms and flush.ms name their broker key families', () => {
    expect(topicConfigSynonyms('retention.ms')).toEqual([
      'log.retention.ms',
      'log.retention.minutes',
      'log.retention.hours',
    ]);
    expect(topicConfigSynonyms('segment.ms')).toEqual(['log.roll.ms', 'log.roll.hours']);
    expect(topicConfigSynonyms('flush.ms')).toEqual([
      'log.flush.interval.ms',
      'log.flush.scheduler.interval.ms',
    ]);
    expect(topicConfigSynonyms('max.message.bytes')).toEqual(['message.max.bytes']);
    const e = entry(topicConfig(broker()).entries(), 'flush.ms');
    expect(e).toMatchObject({
      value: '9223372036854775807',
      source: 'DEFAULT_CONFIG',
      synonyms: [
        {
          name: 'log.flush.scheduler.interval.ms',
          value: '9223372036854775807',
          source: 'DEFAULT_CONFIG',
        },
      ],
    });
  });

  test('every topic key has a broker synonym that the broker defines', () => {
    for (const name of TOPIC_CONFIG_DEF.names()) {
      for (const synonym of topicConfigSynonyms(name)) {
        expect(BROKER_CONFIG_DEF.has(synonym)).toBe(true);
      }
    }
  });
});

describe('brokerConfigEntries', () => {
  const entries = brokerConfigEntries(
    broker({ 'broker.id': '3', 'log.retention.hours': '24', 'log.retention.minutes': '90' }),
  );

  test('lists every broker key, read-only', () => {
    expect(entries.map((e) => e.name)).toEqual(BROKER_CONFIG_DEF.names());
    expect(entries.every((e) => e.readOnly && !e.isSensitive)).toBe(true);
  });

  test('a key from server.properties reports STATIC_BROKER_CONFIG, then its default', () => {
    expect(entry(entries, 'broker.id')).toMatchObject({
      value: '3',
      source: 'STATIC_BROKER_CONFIG',
      synonyms: [
        { name: 'broker.id', value: '3', source: 'STATIC_BROKER_CONFIG' },
        { name: 'broker.id', value: '-1', source: 'DEFAULT_CONFIG' },
      ],
    });
    expect(entry(entries, 'zookeeper.connect')).toMatchObject({
      value: 'zk:2181',
      source: 'STATIC_BROKER_CONFIG',
      synonyms: [{ name: 'zookeeper.connect', value: 'zk:2181', source: 'STATIC_BROKER_CONFIG' }],
    });
  });

  test('a key left at its default reports DEFAULT_CONFIG; an unset one reports null', () => {
    expect(entry(entries, 'num.partitions')).toMatchObject({
      value: '1',
      source: 'DEFAULT_CONFIG',
      synonyms: [{ name: 'num.partitions', value: '1', source: 'DEFAULT_CONFIG' }],
    });
    expect(entry(entries, 'log.retention.ms')).toMatchObject({
      value: null,
      source: 'DEFAULT_CONFIG',
      synonyms: [],
    });
  });

  test('a synonym lists itself and the lower-precedence keys of its family only', () => {
    expect(entry(entries, 'log.retention.minutes').synonyms).toEqual([
      { name: 'log.retention.minutes', value: '90', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
    ]);
    expect(entry(entries, 'log.retention.hours').synonyms).toEqual([
      { name: 'log.retention.hours', value: '24', source: 'STATIC_BROKER_CONFIG' },
      { name: 'log.retention.hours', value: '168', source: 'DEFAULT_CONFIG' },
    ]);
  });

  test("config sources carry Kafka's ids", () => {
    expect(CONFIG_SOURCE_IDS).toEqual({
      UNKNOWN: 0,
      TOPIC_CONFIG: 1,
      DYNAMIC_BROKER_CONFIG: 2,
      DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
      STATIC_BROKER_CONFIG: 4,
      DEFAULT_CONFIG: 5,
      DYNAMIC_BROKER_LOGGER_CONFIG: 6,
    });
  });
});
