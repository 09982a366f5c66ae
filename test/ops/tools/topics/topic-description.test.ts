import {
  TopicState,
  describeLines,
  formatPartitionLine,
  formatTopicLine,
} from '../../../../ops/tools/topics/topic-description';

const orders: TopicState = {
  name: 'orders',
  partitions: [
    { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3] },
    { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
    { partition: 2, leader: null, replicas: [3, 1, 2], isr: [] },
  ],
  configs: [
    { name: 'segment.bytes', value: '1073741824', isDefault: false },
    { name: 'min.insync.replicas', value: '2', isDefault: true },
    { name: 'retention.ms', value: '604800000', isDefault: true },
  ],
};

const none = {
  underReplicated: false,
  unavailable: false,
  underMinIsr: false,
  atMinIsr: false,
  overriddenConfigs: false,
};

describe('samsa topics --describe output (Kafka 2.8 TopicCommand)', () => {
  it('prints the topic line with TABs and the non-default configs', () => {
    expect(formatTopicLine(orders)).toBe(
      'Topic: orders\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: segment.bytes=1073741824',
    );
    expect(formatTopicLine({ ...orders, topicId: 'AbC', configs: [] }, true)).toBe(
      'Topic: orders\tTopicId: AbC\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: \tMarkedForDeletion: true',
    );
  });

  it('prints partition lines starting with a TAB, and Leader: none without a leader', () => {
    expect(formatPartitionLine('orders', orders.partitions[1])).toBe(
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3',
    );
    expect(formatPartitionLine('orders', orders.partitions[2])).toBe(
      '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: ',
    );
  });

  it('prints the topic line then the partitions in partition order', () => {
    expect(describeLines([orders], none, new Set([1, 2, 3]))).toEqual([
      'Topic: orders\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: segment.bytes=1073741824',
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3',
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3',
      '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: ',
    ]);
  });

  it('--under-replicated-partitions prints only partitions whose ISR is smaller than the replicas', () => {
    expect(describeLines([orders], { ...none, underReplicated: true }, new Set([1, 2, 3]))).toEqual(
      [
        '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3',
        '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: ',
      ],
    );
  });

  it('--unavailable-partitions prints partitions without a leader or whose leader is not alive', () => {
    expect(describeLines([orders], { ...none, unavailable: true }, new Set([1, 3]))).toEqual([
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3',
      '\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: ',
    ]);
  });

  it('--under-min-isr-partitions and --at-min-isr-partitions compare the ISR with min.insync.replicas', () => {
    const alive = new Set([1, 2, 3]);
    const topic: TopicState = {
      ...orders,
      partitions: [
        { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
        { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3] },
        { partition: 2, leader: 3, replicas: [3, 1, 2], isr: [3] },
        { partition: 3, leader: null, replicas: [1, 2, 3], isr: [] },
      ],
    };
    expect(describeLines([topic], { ...none, underMinIsr: true }, alive)).toEqual([
      '\tTopic: orders\tPartition: 2\tLeader: 3\tReplicas: 3,1,2\tIsr: 3',
      '\tTopic: orders\tPartition: 3\tLeader: none\tReplicas: 1,2,3\tIsr: ',
    ]);
    expect(describeLines([topic], { ...none, atMinIsr: true }, alive)).toEqual([
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3',
    ]);
  });

  it('--topics-with-overrides prints only the topic lines of topics with overrides', () => {
    const plain: TopicState = { ...orders, name: 'plain', configs: [] };
    expect(describeLines([orders, plain], { ...none, overriddenConfigs: true }, new Set())).toEqual(
      ['Topic: orders\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: segment.bytes=1073741824'],
    );
  });
});
