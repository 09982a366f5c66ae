import {
  addPartitions,
  changeTopicConfig,
  createTopic,
  fetchTopicConfig,
  markTopicForDeletion,
  registeredBrokerIds,
} from '../../../broker/admin/admin-zk';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { KafkaError } from '../../../client/errors';
import { ZkClient } from '../../../zk-schema/client';
import { PERSISTENT_PATHS } from '../../../zk-schema/paths';
import { chrootConnect, useHarness } from '../../harness';

useHarness();

function config(props: Record<string, string> = {}): KafkaConfig {
  return KafkaConfig.fromProperties({ 'zookeeper.connect': 'zk:2181', ...props });
}

async function kafkaError(promise: Promise<unknown>): Promise<KafkaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KafkaError) return error;
    throw error;
  }
  throw new Error('expected a KafkaError');
}

describe('AdminZkClient against a real ZooKeeper', () => {
  let zk: ZkClient;
  let ctx: { zk: ZkClient; config: KafkaConfig };

  beforeAll(async () => {
    zk = await ZkClient.connect(chrootConnect('admin-zk'), { sessionTimeoutMs: 10000 });
    for (const path of PERSISTENT_PATHS) await zk.create(path, null, { createParents: true });
    ctx = { zk, config: config() };
  });

  afterAll(async () => {
    await zk.close();
  });

  async function json(path: string): Promise<unknown> {
    const { data } = await zk.getData(path);
    return JSON.parse((data ?? Buffer.alloc(0)).toString('utf8'));
  }

  test("createTopic writes Kafka's /config/topics then /brokers/topics JSON, and nothing else", async () => {
    const created = await createTopic(
      ctx,
      'orders',
      { numPartitions: 3, replicationFactor: 2 },
      new Map([['retention.ms', '86400000']]),
      [1, 2, 3],
    );
    expect(created.warnings).toEqual([]);
    expect(await json('/config/topics/orders')).toEqual({
      version: 1,
      config: { 'retention.ms': '86400000' },
    });
    const assignment = (await json('/brokers/topics/orders')) as Record<string, unknown>;
    expect(Object.keys(assignment).sort()).toEqual([
      'adding_replicas',
      'partitions',
      'removing_replicas',
      'version',
    ]);
    expect(assignment.version).toBe(2);
    expect(assignment.adding_replicas).toEqual({});
    expect(assignment.removing_replicas).toEqual({});
    const partitions = assignment.partitions as Record<string, number[]>;
    expect(Object.keys(partitions)).toEqual(['0', '1', '2']);
    for (const replicas of Object.values(partitions)) {
      expect(replicas).toHaveLength(2);
      expect(new Set(replicas).size).toBe(2);
    }
    // Preferred leaders go round-robin over the brokers.
    expect(new Set(Object.values(partitions).map((r) => r[0]))).toEqual(new Set([1, 2, 3]));
    expect(Object.fromEntries(created.assignment)).toEqual(partitions);
    // The config znode is written first.
    const configStat = await zk.exists('/config/topics/orders');
    const topicStat = await zk.exists('/brokers/topics/orders');
    expect(configStat!.czxid < topicStat!.czxid).toBe(true);
    // Partition state is the controller's business.
    expect(await zk.exists('/brokers/topics/orders/partitions')).toBeNull();
    expect(created.config.retentionMs).toBe(86400000);
  });

  test('a topic without configs still gets {"version":1,"config":{}}', async () => {
    await createTopic(
      ctx,
      'plain',
      { replicaAssignment: new Map([[0, [2, 1]]]) },
      new Map(),
      [1, 2],
    );
    expect(await json('/config/topics/plain')).toEqual({ version: 1, config: {} });
    expect((await json('/brokers/topics/plain')) as object).toMatchObject({
      partitions: { '0': [2, 1] },
    });
  });

  test('creating an existing topic is TOPIC_ALREADY_EXISTS and leaves its configs alone', async () => {
    await createTopic(
      ctx,
      'kept',
      { numPartitions: 1, replicationFactor: 1 },
      new Map([['retention.ms', '1000']]),
      [1],
    );
    const error = await kafkaError(
      createTopic(ctx, 'kept', { numPartitions: 1, replicationFactor: 1 }, new Map(), [1]),
    );
    expect(error.type).toBe('TOPIC_ALREADY_EXISTS');
    expect(error.message).toContain("Topic 'kept' already exists.");
    expect(await json('/config/topics/kept')).toEqual({
      version: 1,
      config: { 'retention.ms': '1000' },
    });
  });

  test('validation failures write nothing', async () => {
    const cases: [Promise<unknown>, string][] = [
      [
        createTopic(ctx, 'bad/name', { numPartitions: 1, replicationFactor: 1 }, new Map(), [1]),
        'INVALID_TOPIC_EXCEPTION',
      ],
      [
        createTopic(ctx, 'rf', { numPartitions: 1, replicationFactor: 3 }, new Map(), [1, 2]),
        'INVALID_REPLICATION_FACTOR',
      ],
      [
        createTopic(ctx, 'parts', { numPartitions: 0, replicationFactor: 1 }, new Map(), [1]),
        'INVALID_PARTITIONS',
      ],
      [
        createTopic(
          ctx,
          'cfg',
          { numPartitions: 1, replicationFactor: 1 },
          new Map([['retention.ms', 'x']]),
          [1],
        ),
        'INVALID_CONFIG',
      ],
      [
        createTopic(
          ctx,
          'unknowncfg',
          { numPartitions: 1, replicationFactor: 1 },
          new Map([['nope', '1']]),
          [1],
        ),
        'INVALID_CONFIG',
      ],
      [
        createTopic(
          ctx,
          'assign',
          { replicaAssignment: new Map([[0, [1, 9]]]) },
          new Map(),
          [1, 2],
        ),
        'INVALID_REPLICA_ASSIGNMENT',
      ],
    ];
    for (const [promise, type] of cases) expect((await kafkaError(promise)).type).toBe(type);
    for (const topic of ['rf', 'parts', 'cfg', 'unknowncfg', 'assign']) {
      expect(await zk.exists(`/brokers/topics/${topic}`)).toBeNull();
      expect(await zk.exists(`/config/topics/${topic}`)).toBeNull();
    }
  });

  test('validateOnly checks everything and writes nothing', async () => {
    const result = await createTopic(
      ctx,
      'dry',
      { numPartitions: 2, replicationFactor: 1 },
      new Map(),
      [1],
      { validateOnly: true },
    );
    expect(result.assignment.size).toBe(2);
    expect(await zk.exists('/brokers/topics/dry')).toBeNull();
    expect(await zk.exists('/config/topics/dry')).toBeNull();
  });

  test("a '.' name warns, and colliding with an existing '_' name is refused", async () => {
    const first = await createTopic(
      ctx,
      'metrics_cpu',
      { numPartitions: 1, replicationFactor: 1 },
      new Map(),
      [1],
    );
    expect(first.warnings[0]).toMatch(/could collide/);
    const error = await kafkaError(
      createTopic(ctx, 'metrics.cpu', { numPartitions: 1, replicationFactor: 1 }, new Map(), [1]),
    );
    expect(error.type).toBe('INVALID_TOPIC_EXCEPTION');
    expect(error.message).toContain('collides with existing topics: metrics_cpu');
  });

  test('addPartitions rewrites the assignment with old plus new partitions', async () => {
    await createTopic(
      ctx,
      'grow',
      {
        replicaAssignment: new Map([
          [0, [1, 2]],
          [1, [2, 3]],
        ]),
      },
      new Map(),
      [1, 2, 3],
    );
    const before = await zk.exists('/brokers/topics/grow');
    const result = await addPartitions(ctx, 'grow', 5, [1, 2, 3]);
    expect(result.size).toBe(5);
    const stored = (await json('/brokers/topics/grow')) as { partitions: Record<string, number[]> };
    expect(stored.partitions['0']).toEqual([1, 2]);
    expect(stored.partitions['1']).toEqual([2, 3]);
    for (const p of ['2', '3', '4']) expect(stored.partitions[p]).toHaveLength(2);
    expect((await zk.exists('/brokers/topics/grow'))!.version).toBe(before!.version + 1);

    await addPartitions(ctx, 'grow', 6, [1, 2, 3], { replicaAssignment: [[3, 1]] });
    expect(
      ((await json('/brokers/topics/grow')) as { partitions: Record<string, number[]> }).partitions[
        '5'
      ],
    ).toEqual([3, 1]);
  });

  test('addPartitions refuses a count that is not an increase, and unknown topics', async () => {
    await createTopic(ctx, 'fixed', { numPartitions: 2, replicationFactor: 1 }, new Map(), [1]);
    const same = await kafkaError(addPartitions(ctx, 'fixed', 2, [1]));
    expect(same.type).toBe('INVALID_PARTITIONS');
    expect(same.message).toContain('Topic already has 2 partitions.');
    const fewer = await kafkaError(addPartitions(ctx, 'fixed', 1, [1]));
    expect(fewer.message).toContain('which is higher than the requested 1');
    expect((await kafkaError(addPartitions(ctx, 'nosuch', 3, [1]))).type).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
    const badAssignment = await kafkaError(
      addPartitions(ctx, 'fixed', 4, [1], { replicaAssignment: [[1]] }),
    );
    expect(badAssignment.type).toBe('INVALID_REPLICA_ASSIGNMENT');
  });

  test('markTopicForDeletion creates /admin/delete_topics/<t> once', async () => {
    await createTopic(ctx, 'doomed', { numPartitions: 1, replicationFactor: 1 }, new Map(), [1]);
    expect(await markTopicForDeletion(ctx, 'doomed')).toEqual({ alreadyMarked: false });
    const marker = await zk.getData('/admin/delete_topics/doomed');
    expect(marker.data === null || marker.data.length === 0).toBe(true);
    expect(await markTopicForDeletion(ctx, 'doomed')).toEqual({ alreadyMarked: true });
    // A topic being deleted cannot be created again yet.
    const again = await kafkaError(
      createTopic(ctx, 'doomed', { numPartitions: 1, replicationFactor: 1 }, new Map(), [1]),
    );
    expect(again.message).toContain('is marked for deletion');
  });

  test('markTopicForDeletion: unknown topic, and delete.topic.enable=false', async () => {
    expect((await kafkaError(markTopicForDeletion(ctx, 'ghost'))).type).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
    await createTopic(ctx, 'protected', { numPartitions: 1, replicationFactor: 1 }, new Map(), [1]);
    const disabled = { zk, config: config({ 'delete.topic.enable': 'false' }) };
    expect((await kafkaError(markTopicForDeletion(disabled, 'protected'))).type).toBe(
      'TOPIC_DELETION_DISABLED',
    );
    expect(await zk.exists('/admin/delete_topics/protected')).toBeNull();
  });

  test('changeTopicConfig sets the config znode, then creates a config_change_ notification', async () => {
    await createTopic(
      ctx,
      'tuned',
      { numPartitions: 1, replicationFactor: 1 },
      new Map([['segment.bytes', '4096']]),
      [1],
    );
    const before = (await zk.getChildren('/config/changes')).children;
    await changeTopicConfig(ctx, 'tuned', new Map([['retention.ms', '1000']]));
    expect(await json('/config/topics/tuned')).toEqual({
      version: 1,
      config: { 'retention.ms': '1000' },
    });
    const added = (await zk.getChildren('/config/changes')).children.filter(
      (c) => !before.includes(c),
    );
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^config_change_\d{10}$/);
    expect(await json(`/config/changes/${added[0]}`)).toEqual({
      version: 2,
      entity_path: 'topics/tuned',
    });
    const config = await fetchTopicConfig(ctx, 'tuned');
    expect(config.retentionMs).toBe(1000);
    expect(config.segmentBytes).toBe(1073741824);
  });

  test('changeTopicConfig refuses bad configs and unknown topics, and validateOnly writes nothing', async () => {
    await createTopic(ctx, 'strict', { numPartitions: 1, replicationFactor: 1 }, new Map(), [1]);
    const before = (await zk.getChildren('/config/changes')).children.length;
    expect(
      (await kafkaError(changeTopicConfig(ctx, 'strict', new Map([['retention.ms', '-5']])))).type,
    ).toBe('INVALID_CONFIG');
    expect((await kafkaError(changeTopicConfig(ctx, 'none', new Map()))).type).toBe(
      'UNKNOWN_TOPIC_OR_PARTITION',
    );
    await changeTopicConfig(ctx, 'strict', new Map([['retention.ms', '5']]), {
      validateOnly: true,
    });
    expect(await json('/config/topics/strict')).toEqual({ version: 1, config: {} });
    expect((await zk.getChildren('/config/changes')).children.length).toBe(before);
  });

  test('registeredBrokerIds lists /brokers/ids children in order', async () => {
    await zk.create('/brokers/ids/3', null, { mode: 'ephemeral' });
    await zk.create('/brokers/ids/1', null, { mode: 'ephemeral' });
    expect(await registeredBrokerIds(zk)).toEqual([1, 3]);
  });
});
