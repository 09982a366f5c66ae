import {
  autoCreatedTopicSpec,
  effectiveReplicationFactor,
} from '../../../broker/admin/auto-topic-creation';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { topicConfig } from '../../../broker/config/topic-config';

const config = KafkaConfig.fromProperties({
  'zookeeper.connect': 'zk:2181',
  'num.partitions': '4',
  'default.replication.factor': '2',
  'offsets.topic.num.partitions': '10',
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.num.partitions': '6',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
});

describe('auto-created topics', () => {
  test('an ordinary topic gets num.partitions and default.replication.factor, no overrides', () => {
    expect(autoCreatedTopicSpec(config, 'orders')).toEqual({
      numPartitions: 4,
      replicationFactor: 2,
      configs: new Map(),
    });
  });

  test('__consumer_offsets gets the offsets.topic.* settings and is compacted', () => {
    const spec = autoCreatedTopicSpec(config, '__consumer_offsets');
    expect([spec.numPartitions, spec.replicationFactor]).toEqual([10, 1]);
    expect(spec.configs.get('cleanup.policy')).toBe('compact');
    expect(spec.configs.get('segment.bytes')).toBe('104857600');
    expect(() => topicConfig(config, spec.configs)).not.toThrow();
  });

  test('__transaction_state gets the transaction.state.log.* settings', () => {
    const spec = autoCreatedTopicSpec(config, '__transaction_state');
    expect([spec.numPartitions, spec.replicationFactor]).toEqual([6, 1]);
    expect(spec.configs.get('min.insync.replicas')).toBe('1');
    expect(spec.configs.get('unclean.leader.election.enable')).toBe('false');
    expect(() => topicConfig(config, spec.configs)).not.toThrow();
  });

  test('__consumer_offsets settles for the live brokers when fewer than its replication factor, with a warning', () => {
    const spec = { numPartitions: 50, replicationFactor: 3, configs: new Map<string, string>() };
    expect(effectiveReplicationFactor('__consumer_offsets', spec, 3)).toEqual({
      replicationFactor: 3,
    });
    const fewer = effectiveReplicationFactor('__consumer_offsets', spec, 2);
    expect(fewer.replicationFactor).toBe(2);
    expect(fewer.warning).toContain('offsets.topic.replication.factor=3');
    expect(fewer.warning).toContain('only 2 live brokers are available');
  });

  test('other topics keep their replication factor (creation then fails when too few brokers live)', () => {
    const spec = { numPartitions: 1, replicationFactor: 3, configs: new Map<string, string>() };
    expect(effectiveReplicationFactor('orders', spec, 1)).toEqual({ replicationFactor: 3 });
    expect(effectiveReplicationFactor('__transaction_state', spec, 1)).toEqual({
      replicationFactor: 3,
    });
    expect(effectiveReplicationFactor('__consumer_offsets', spec, 0)).toEqual({
      replicationFactor: 3,
    });
  });
});
