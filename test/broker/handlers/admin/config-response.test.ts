import { KafkaConfig } from '../../../../broker/config/kafka-config';
import { type ConfigEntry, brokerConfigEntries } from '../../../../broker/config/config-entries';
import { topicConfig } from '../../../../broker/config/topic-config';
import {
  createTopicConfigEntries,
  describeConfigEntries,
} from '../../../../broker/handlers/admin/config-response';
import { samsa } from '../../../../client/protocol/generated/messages';

const broker = KafkaConfig.fromProperties({
  'zookeeper.connect': 'zk:2181',
  'log.retention.hours': '24',
});

const all = { includeSynonyms: true, includeDocumentation: true, keys: [] };

describe('DescribeConfigs entries of a topic', () => {
  const entries = topicConfig(broker, { 'segment.bytes': '4096' }).entries();

  test('an override has source TOPIC_CONFIG and lists the broker synonyms after itself', () => {
    const [segment] = describeConfigEntries(entries, { ...all, keys: ['segment.bytes'] });
    expect(segment).toMatchObject({
      name: 'segment.bytes',
      value: '4096',
      readOnly: false,
      isSensitive: false,
      configSource: samsa.ConfigSource.CONFIG_SOURCE_TOPIC_CONFIG,
      configType: samsa.ConfigType.CONFIG_TYPE_INT,
    });
    expect(segment.synonyms).toEqual([
      {
        name: 'segment.bytes',
        value: '4096',
        source: samsa.ConfigSource.CONFIG_SOURCE_TOPIC_CONFIG,
      },
      {
        name: 'log.segment.bytes',
        value: '1073741824',
        source: samsa.ConfigSource.CONFIG_SOURCE_DEFAULT_CONFIG,
      },
    ]);
    expect(segment.documentation).toMatch(/segment/);
  });

  test('a value from server.properties has source STATIC_BROKER_CONFIG', () => {
    const [retention] = describeConfigEntries(entries, { ...all, keys: ['retention.ms'] });
    expect(retention.value).toBe('86400000');
    expect(retention.configSource).toBe(samsa.ConfigSource.CONFIG_SOURCE_STATIC_BROKER_CONFIG);
    expect(retention.synonyms?.[0]).toEqual({
      name: 'log.retention.hours',
      value: '24',
      source: samsa.ConfigSource.CONFIG_SOURCE_STATIC_BROKER_CONFIG,
    });
  });

  test('without include_synonyms / include_documentation those fields stay empty', () => {
    const described = describeConfigEntries(entries, {
      includeSynonyms: false,
      includeDocumentation: false,
      keys: [],
    });
    expect(described).toHaveLength(entries.length);
    for (const config of described) {
      expect(config.synonyms).toEqual([]);
      expect(config.documentation).toBeUndefined();
    }
  });

  test('configuration_keys limits the entries; unknown keys are simply absent', () => {
    const described = describeConfigEntries(entries, {
      ...all,
      keys: ['cleanup.policy', 'no.such.key'],
    });
    expect(described.map((c) => c.name)).toEqual(['cleanup.policy']);
  });
});

describe('DescribeConfigs entries of a broker', () => {
  test('broker entries are read-only', () => {
    const described = describeConfigEntries(brokerConfigEntries(broker), all);
    expect(described.length).toBeGreaterThan(0);
    expect(described.every((c) => c.readOnly)).toBe(true);
  });

  test('a sensitive entry carries no value, not even in its synonyms', () => {
    const secret: ConfigEntry = {
      name: 'ssl.keystore.password',
      value: 'secret',
      source: 'STATIC_BROKER_CONFIG',
      readOnly: true,
      isSensitive: true,
      type: 'PASSWORD',
      documentation: 'The keystore password.',
      synonyms: [{ name: 'ssl.keystore.password', value: null, source: 'STATIC_BROKER_CONFIG' }],
    };
    const [described] = describeConfigEntries([secret], all);
    expect(described).toMatchObject({
      isSensitive: true,
      configType: samsa.ConfigType.CONFIG_TYPE_PASSWORD,
    });
    expect(described.value).toBeUndefined();
    expect(JSON.stringify(described)).not.toContain('secret');
  });
});

describe('CreateTopics response configs', () => {
  test('every topic key with its value and source, without synonyms', () => {
    const entries = topicConfig(broker, { 'cleanup.policy': 'compact' }).entries();
    const configs = createTopicConfigEntries(entries);
    expect(configs).toHaveLength(entries.length);
    expect(configs.find((c) => c.name === 'cleanup.policy')).toEqual({
      name: 'cleanup.policy',
      value: 'compact',
      readOnly: false,
      configSource: samsa.ConfigSource.CONFIG_SOURCE_TOPIC_CONFIG,
      isSensitive: false,
    });
  });
});
