import {
  effectiveTopicConfig,
  logConfigFromTopicConfig,
} from '../../../broker/admin/topic-log-config';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { topicConfig } from '../../../broker/config/topic-config';
import { DEFAULT_LOG_CONFIG, NEVER } from '../../../broker/log/log-config';
import { setLogLevel } from '../../../client/logging';

// The invalid-override tests log expected warnings.
beforeAll(() => setLogLevel('error'));
afterAll(() => setLogLevel('warn'));

function broker(props: Record<string, string> = {}): KafkaConfig {
  return KafkaConfig.fromProperties({ 'zookeeper.connect': 'zk:2181', ...props });
}

describe('logConfigFromTopicConfig', () => {
  test("a default broker without overrides gives broker/log's defaults", () => {
    expect(logConfigFromTopicConfig(topicConfig(broker()))).toEqual(DEFAULT_LOG_CONFIG);
  });

  test('topic overrides win over the broker settings they stand for', () => {
    const config = logConfigFromTopicConfig(
      topicConfig(broker({ 'log.segment.bytes': '2048', 'log.retention.hours': '1' }), {
        'retention.ms': '5000',
        'max.message.bytes': '999',
      }),
    );
    expect(config.segmentBytes).toBe(2048);
    expect(config.retentionMs).toBe(5000);
    expect(config.maxMessageBytes).toBe(999);
  });

  test('the broker setting applies when the topic has no override', () => {
    const config = logConfigFromTopicConfig(topicConfig(broker({ 'log.retention.hours': '1' })));
    expect(config.retentionMs).toBe(3600000);
  });

  test("Kafka's Long.MAX_VALUE becomes NEVER and flush.messages=0 flushes every record", () => {
    const config = logConfigFromTopicConfig(
      topicConfig(broker(), { 'flush.ms': '9223372036854775807', 'flush.messages': '0' }),
    );
    expect(config.flushMs).toBe(NEVER);
    expect(config.flushMessages).toBe(1);
  });
});

describe('effectiveTopicConfig of stored overrides', () => {
  test('valid overrides are all kept', () => {
    const config = effectiveTopicConfig(
      broker(),
      'orders',
      new Map([
        ['retention.ms', '100'],
        ['cleanup.policy', 'compact'],
      ]),
    );
    expect(config.retentionMs).toBe(100);
    expect(config.cleanupPolicy).toEqual(['compact']);
  });

  test('an invalid or unknown stored override is left out, the valid ones kept', () => {
    const config = effectiveTopicConfig(
      broker(),
      'orders',
      new Map([
        ['retention.ms', 'soon'],
        ['no.such.key', '1'],
        ['segment.bytes', '4096'],
      ]),
    );
    expect(config.segmentBytes).toBe(4096);
    expect(config.retentionMs).toBe(604800000);
    expect([...config.overrides.keys()]).toEqual(['segment.bytes']);
  });
});
