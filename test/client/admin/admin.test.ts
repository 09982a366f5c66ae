import {
  ConfigResourceTypes,
  ConfigSource,
  KafkaError,
  RetriesExhaustedError,
} from '../../../client';
import { ApiKey } from '../../../client/protocol/apis';
import type { FakeCluster } from '../fake-broker';
import { samsaFor, startFakeCluster, track, useFakeClusters } from '../cluster/helpers';

useFakeClusters();

async function adminFor(cluster: FakeCluster) {
  const admin = track(samsaFor(cluster).admin());
  await admin.connect();
  return admin;
}

describe('Admin topics', () => {
  test('createTopics goes to the controller, waits for leaders, and resolves true', async () => {
    const cluster = await startFakeCluster({ brokers: 3, controller: 2 });
    const admin = await adminFor(cluster);
    const created = await admin.createTopics({
      topics: [
        {
          topic: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
    });
    expect(created).toBe(true);
    expect(cluster.requestsOf(ApiKey.CreateTopics, 2)).toHaveLength(1);
    expect(cluster.requestsOf(ApiKey.CreateTopics, 1)).toHaveLength(0);
    expect(cluster.requestsOf(ApiKey.CreateTopics, 3)).toHaveLength(0);
    const [request] = cluster.requestsOf(ApiKey.CreateTopics, 2);
    expect(request).toMatchObject({
      timeoutMs: 5000,
      validateOnly: false,
      topics: [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
    });
    expect(cluster.topics.get('orders')?.partitions).toHaveLength(3);
    // the metadata was asked for the new topic after creation (waitForLeaders)
    const metadata = cluster.requestsOf(ApiKey.Metadata);
    expect(metadata.some((m) => m.topics.some((t) => t.name === 'orders'))).toBe(true);
  });

  test('createTopics resolves false when the topic already exists', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('exists', 1);
    const admin = await adminFor(cluster);
    await expect(admin.createTopics({ topics: [{ topic: 'exists' }] })).resolves.toBe(false);
  });

  test('createTopics with validateOnly creates nothing', async () => {
    const cluster = await startFakeCluster();
    const admin = await adminFor(cluster);
    await expect(
      admin.createTopics({ topics: [{ topic: 'dry', numPartitions: 2 }], validateOnly: true }),
    ).resolves.toBe(true);
    expect(cluster.topics.has('dry')).toBe(false);
  });

  test('createTopics waits for the leaders of every partition', async () => {
    const cluster = await startFakeCluster();
    let leaderless = 3;
    cluster.intercept(ApiKey.Metadata, (_broker, request) => {
      const asked = request.topics.map((t) => t.name);
      if (!asked.includes('slow') || leaderless-- <= 0) return undefined;
      return {
        brokers: [{ nodeId: 1, host: '127.0.0.1', port: cluster.ports.get(1) }],
        controllerId: 1,
        topics: [
          {
            name: 'slow',
            partitions: [{ partitionIndex: 0, leaderId: -1, replicaNodes: [1], isrNodes: [] }],
          },
        ],
      };
    });
    const admin = await adminFor(cluster);
    await expect(admin.createTopics({ topics: [{ topic: 'slow' }] })).resolves.toBe(true);
    expect(leaderless).toBeLessThan(0);
  });

  test('NOT_CONTROLLER refreshes the metadata and retries on the new controller', async () => {
    const cluster = await startFakeCluster({ brokers: 2, controller: 1 });
    const admin = await adminFor(cluster);
    cluster.controllerId = 2;
    // the admin still believes broker 1 is the controller
    await admin.createTopics({ topics: [{ topic: 'moved' }] });
    expect(cluster.requestsOf(ApiKey.CreateTopics, 1)).toHaveLength(1);
    expect(cluster.requestsOf(ApiKey.CreateTopics, 2)).toHaveLength(1);
    expect(cluster.topics.has('moved')).toBe(true);
  });

  test('a controller that keeps answering NOT_CONTROLLER ends in RetriesExhaustedError', async () => {
    const cluster = await startFakeCluster({ brokers: 2, controller: 1 });
    cluster.intercept(ApiKey.DeleteTopics, (_broker, request) => ({
      responses: request.topicNames.map((name) => ({ name, errorCode: 41 })),
    }));
    const admin = await adminFor(cluster);
    const error = await admin.deleteTopics({ topics: ['x'] }).catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.cause).toMatchObject({ type: 'NOT_CONTROLLER', broker: 1 });
  });

  test('deleteTopics deletes through the controller; an unknown topic is a typed error', async () => {
    const cluster = await startFakeCluster({ brokers: 2, controller: 2 });
    cluster.createTopic('gone', 1);
    const admin = await adminFor(cluster);
    await admin.deleteTopics({ topics: ['gone'] });
    expect(cluster.topics.has('gone')).toBe(false);
    expect(cluster.requestsOf(ApiKey.DeleteTopics, 2)).toHaveLength(1);
    const error = await admin.deleteTopics({ topics: ['never'] }).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION', topic: 'never', broker: 2 });
  });

  test('createPartitions goes to the controller; a smaller count is a typed error naming the topic', async () => {
    const cluster = await startFakeCluster({ brokers: 2, controller: 2 });
    cluster.createTopic('grow', 2);
    const admin = await adminFor(cluster);
    await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 5 }] });
    expect(cluster.topics.get('grow')?.partitions).toHaveLength(5);
    expect(cluster.requestsOf(ApiKey.CreatePartitions, 2)).toHaveLength(1);
    const error = await admin
      .createPartitions({ topicPartitions: [{ topic: 'grow', count: 3 }] })
      .catch((e) => e);
    expect(error).toMatchObject({ type: 'INVALID_PARTITIONS', topic: 'grow' });
    expect(error.message).toContain('Topic currently has 5 partitions');
  });

  test('listTopics, fetchTopicMetadata and describeCluster describe the cluster', async () => {
    const cluster = await startFakeCluster({ brokers: 2, controller: 2 });
    cluster.createTopic('b', 2, [2, 1]);
    cluster.createTopic('a', 1);
    const admin = await adminFor(cluster);
    expect(await admin.listTopics()).toEqual(['a', 'b']);
    const metadata = await admin.fetchTopicMetadata({ topics: ['b'] });
    expect(metadata).toEqual({
      topics: [
        {
          name: 'b',
          partitions: [
            {
              partitionErrorCode: 0,
              partitionId: 0,
              leader: 2,
              leaderEpoch: 0,
              replicas: [2],
              isr: [2],
              offlineReplicas: [],
            },
            {
              partitionErrorCode: 0,
              partitionId: 1,
              leader: 1,
              leaderEpoch: 0,
              replicas: [1],
              isr: [1],
              offlineReplicas: [],
            },
          ],
        },
      ],
    });
    expect((await admin.fetchTopicMetadata()).topics.map((t) => t.name).sort()).toEqual(['a', 'b']);
    await expect(admin.fetchTopicMetadata({ topics: ['nope'] })).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      topic: 'nope',
    });
    expect(await admin.describeCluster()).toEqual({
      brokers: [
        { nodeId: 1, host: '127.0.0.1', port: cluster.ports.get(1), rack: null },
        { nodeId: 2, host: '127.0.0.1', port: cluster.ports.get(2), rack: null },
      ],
      controller: 2,
      clusterId: 'fake-cluster-id',
    });
  });

  test('fetchTopicOffsets gives the high and low offsets of every partition', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    cluster.createTopic('t', 2);
    const producer = track(samsaFor(cluster).producer());
    await producer.connect();
    await producer.send({
      topic: 't',
      messages: [
        { value: '1', partition: 0 },
        { value: '2', partition: 0 },
        { value: '3', partition: 1 },
      ],
    });
    cluster.partition('t', 0).logStartOffset = 1;
    const admin = await adminFor(cluster);
    expect(await admin.fetchTopicOffsets('t')).toEqual([
      { partition: 0, offset: 2, high: 2, low: 1 },
      { partition: 1, offset: 1, high: 1, low: 0 },
    ]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp('t', 0);
    expect(byTime).toEqual([
      { partition: 0, offset: 0 },
      { partition: 1, offset: 0 },
    ]);
  });

  test('bad input is a clear error before anything is sent', async () => {
    const cluster = await startFakeCluster();
    const admin = await adminFor(cluster);
    await expect(admin.createTopics({ topics: [] })).rejects.toThrow('createTopics needs topics');
    await expect(
      admin.createTopics({ topics: [{ topic: 'x', numPartitions: 0 }] }),
    ).rejects.toThrow('createTopics: numPartitions of topic x must be a positive integer, got 0');
    await expect(admin.createTopics({ topics: [{ topic: 'x' }, { topic: 'x' }] })).rejects.toThrow(
      'createTopics: a topic is named twice',
    );
    await expect(admin.deleteTopics({ topics: [''] })).rejects.toThrow(
      'deleteTopics: topic names must be non-empty strings, got ""',
    );
    expect(cluster.requestsOf(ApiKey.CreateTopics)).toHaveLength(0);
  });
});

describe('Admin configs', () => {
  test('describeConfigs returns entries with sources and synonyms', async () => {
    const cluster = await startFakeCluster();
    const topic = cluster.createTopic('t', 1);
    topic.configs.set('retention.ms', '5000');
    const admin = await adminFor(cluster);
    const described = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 't' }],
      includeSynonyms: true,
    });
    expect(described.resources).toHaveLength(1);
    const [resource] = described.resources;
    expect(resource).toMatchObject({
      resourceType: ConfigResourceTypes.TOPIC,
      resourceName: 't',
      errorCode: 0,
    });
    const retention = resource.configEntries.find((entry) => entry.configName === 'retention.ms');
    expect(retention).toMatchObject({
      configValue: '5000',
      configSource: ConfigSource.TOPIC_CONFIG,
      isDefault: false,
    });
    const cleanup = resource.configEntries.find((entry) => entry.configName === 'cleanup.policy');
    expect(cleanup).toMatchObject({ configValue: 'delete', isDefault: true });
    expect(cleanup?.configSynonyms).toEqual([
      {
        configName: 'cleanup.policy',
        configValue: 'delete',
        configSource: ConfigSource.DEFAULT_CONFIG,
      },
    ]);
  });

  test('a BROKER resource is asked of that broker; a TOPIC resource of any broker', async () => {
    const cluster = await startFakeCluster({ brokers: 3 });
    cluster.createTopic('t', 1);
    const admin = await adminFor(cluster);
    const described = await admin.describeConfigs({
      resources: [
        { type: ConfigResourceTypes.BROKER, name: '3' },
        { type: ConfigResourceTypes.TOPIC, name: 't', configNames: ['cleanup.policy'] },
      ],
    });
    expect(described.resources.map((r) => r.resourceName)).toEqual(['3', 't']);
    expect(cluster.requestsOf(ApiKey.DescribeConfigs, 3)[0].resources).toMatchObject([
      { resourceType: ConfigResourceTypes.BROKER, resourceName: '3' },
    ]);
    expect(described.resources[1].configEntries.map((e) => e.configName)).toEqual([
      'cleanup.policy',
    ]);
  });

  test('describeConfigs of an unknown topic is a typed error naming it', async () => {
    const cluster = await startFakeCluster();
    const admin = await adminFor(cluster);
    await expect(
      admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'nope' }] }),
    ).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION', topic: 'nope' });
  });

  test('alterConfigs replaces the topic configs', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1).configs.set('old', 'x');
    const admin = await adminFor(cluster);
    const altered = await admin.alterConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 't',
          configEntries: [{ name: 'retention.ms', value: '100' }],
        },
      ],
    });
    expect(altered.resources).toEqual([
      {
        resourceType: ConfigResourceTypes.TOPIC,
        resourceName: 't',
        errorCode: 0,
        errorMessage: null,
      },
    ]);
    expect([...cluster.topics.get('t')!.configs]).toEqual([['retention.ms', '100']]);
  });

  test('a resource type that is not TOPIC or BROKER is refused', async () => {
    const cluster = await startFakeCluster();
    const admin = await adminFor(cluster);
    await expect(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately malformed input
      admin.describeConfigs({ resources: [{ type: 3 as any, name: 't' }] }),
    ).rejects.toThrow(
      'describeConfigs: resource type must be ConfigResourceTypes.TOPIC, BROKER or BROKER_LOGGER, got 3',
    );
  });
});
