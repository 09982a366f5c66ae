/**
 * The admin and metadata handlers through a real SocketServer and client Connections on loopback,
 * with a real ZooKeeper (one chroot per broker started here) and a real MetadataCache. The
 * controller and replica manager are small in-test fakes: the controller's part in these flows
 * (electing leaders after a topic appears in ZooKeeper) is played by the test, which sends the
 * UpdateMetadata requests a controller would send.
 */
import type { KafkaController } from '../../../../broker/controller/kafka-controller';
import type { GroupCoordinator } from '../../../../broker/coordinator/group/group-coordinator';
import { KafkaConfig } from '../../../../broker/config/kafka-config';
import type { Endpoint } from '../../../../broker/config/listeners';
import { registerAdminHandlers } from '../../../../broker/handlers/admin';
import { DEFAULT_LOG_MANAGER_CONFIG, LogManager } from '../../../../broker/log/log-manager';
import {
  MetadataCache,
  type UpdateMetadataRequest,
} from '../../../../broker/metadata/metadata-cache';
import { SocketServer } from '../../../../broker/network/socket-server';
import type { ReplicaManager } from '../../../../broker/replica/replica-manager';
import type { BrokerServices } from '../../../../broker/server/broker-services';
import { Connection } from '../../../../client/network/connection';
import { ApiKey } from '../../../../client/protocol/apis';
import { errorByName } from '../../../../client/protocol/error-codes';
import { samsa } from '../../../../client/protocol/generated/messages';
import { ZkClient } from '../../../../zk-schema/client';
import { PERSISTENT_PATHS } from '../../../../zk-schema/paths';
import * as topicAssignment from '../../../../zk-schema/znodes/topic-assignment';
import { chrootConnect, tempDir, useHarness, waitFor } from '../../../harness';

useHarness();

const code = (name: Parameters<typeof errorByName>[0]): number => errorByName(name).code;
const BROKER_ID = 1;
const BROKER_EPOCH = 100;

/** The part of KafkaController the admin handlers use. */
class FakeController {
  active = true;
  readonly shutdownCalls: [number, number][] = [];
  isActive(): boolean {
    return this.active;
  }
  async controlledShutdown(brokerId: number, brokerEpoch: number) {
    this.shutdownCalls.push([brokerId, brokerEpoch]);
    return { errorCode: 0, remaining: [{ topic: 'orders', partition: 2 }] };
  }
}

interface Broker {
  zk: ZkClient;
  cache: MetadataCache;
  controller: FakeController;
  /** A client on the CLIENT listener. */
  client: Connection;
  /** A client on the REPLICATION listener (where the "controller" talks). */
  replication: Connection;
  endpoints: Endpoint[];
  /** Sends UpdateMetadata the way the controller would; resolves to its error code. */
  updateMetadata(
    topics: Record<string, { leader: number; replicas: number[] }[]>,
    extra?: Partial<UpdateMetadataRequest>,
  ): Promise<number>;
  /** Plays the controller: once `/brokers/topics/<t>` exists, announces leaders for it. */
  electLeaders(topic: string, minPartitions?: number): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBroker(props: Record<string, string> = {}): Promise<Broker> {
  const zk = await ZkClient.connect(chrootConnect('admin-handlers'), { sessionTimeoutMs: 10000 });
  cleanups.push(() => zk.close());
  for (const path of PERSISTENT_PATHS) await zk.create(path, null, { createParents: true });
  await zk.create(`/brokers/ids/${BROKER_ID}`, null, { mode: 'ephemeral' });
  const config = KafkaConfig.fromProperties({
    'zookeeper.connect': 'zk:2181',
    'broker.id': String(BROKER_ID),
    'num.partitions': '2',
    'default.replication.factor': '1',
    ...props,
  });
  const cache = new MetadataCache();
  const controller = new FakeController();
  const services: BrokerServices = {
    config,
    brokerId: BROKER_ID,
    clusterId: 'dGVzdC1jbHVzdGVyLWlkLTAx',
    zk,
    brokerEpoch: () => BROKER_EPOCH,
    logManager: new LogManager({
      ...DEFAULT_LOG_MANAGER_CONFIG,
      logDirs: [await tempDir('admin-handlers')],
    }),
    metadataCache: cache,
    // The admin handlers never use the replica manager: it reads the metadata cache itself.
    replicaManager: {} as unknown as ReplicaManager,
    // Only isActive() and controlledShutdown() are used by the admin handlers.
    controller: controller as unknown as KafkaController,
    // UpdateMetadata tells the group coordinator which partitions were deleted; nothing else is used.
    groupCoordinator: {
      handleDeletedPartitions: () => Promise.resolve(),
    } as unknown as GroupCoordinator,
  };
  const server = new SocketServer({
    listeners: [
      { listenerName: 'CLIENT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' },
      { listenerName: 'REPLICATION', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' },
    ],
  });
  registerAdminHandlers(server, services);
  const endpoints = await server.start();
  cleanups.push(() => server.stop());
  const connect = (port: number): Connection => {
    const connection = new Connection({ host: '127.0.0.1', port, clientId: 'test' });
    cleanups.push(() => connection.close());
    return connection;
  };
  const client = connect(endpoints[0].port);
  const replication = connect(endpoints[1].port);
  const liveBroker = {
    id: BROKER_ID,
    endpoints: endpoints.map((e) => ({
      listener: e.listenerName,
      host: e.host,
      port: e.port,
      securityProtocol: samsa.SecurityProtocol.PLAINTEXT,
    })),
  };
  let controllerEpoch = 1;
  const updateMetadata: Broker['updateMetadata'] = async (topics, extra = {}) => {
    const response = await replication.request(ApiKey.UpdateMetadata, {
      controllerId: BROKER_ID,
      controllerEpoch,
      brokerEpoch: BROKER_EPOCH,
      liveBrokers: [liveBroker],
      topicStates: Object.entries(topics).map(([topicName, partitions]) => ({
        topicName,
        partitionStates: partitions.map((p, partitionIndex) => ({
          partitionIndex,
          controllerEpoch,
          leader: p.leader,
          leaderEpoch: 0,
          isr: p.replicas,
          zkVersion: 0,
          replicas: p.replicas,
        })),
      })),
      ...extra,
    });
    controllerEpoch = Math.max(controllerEpoch, extra.controllerEpoch ?? 0);
    return response.errorCode;
  };
  const electLeaders = async (topic: string, minPartitions = 1): Promise<void> => {
    const assignment = await waitFor(
      async () => {
        const stat = await zk.exists(topicAssignment.path(topic));
        if (stat === null) return undefined;
        const { data } = await zk.getData(topicAssignment.path(topic));
        const decoded = topicAssignment.decode(data ?? Buffer.alloc(0));
        return decoded.partitions.size >= minPartitions ? decoded : undefined;
      },
      { timeoutMs: 10000, intervalMs: 20, what: `/brokers/topics/${topic}` },
    );
    const partitions = [...assignment.partitions.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, a]) => ({ leader: a.replicas[0], replicas: a.replicas }));
    expect(await updateMetadata({ [topic]: partitions })).toBe(0);
  };
  // The controller's first UpdateMetadata: this broker is live and the controller.
  expect(await updateMetadata({})).toBe(0);
  return { zk, cache, controller, client, replication, endpoints, updateMetadata, electLeaders };
}

async function zkJson(zk: ZkClient, path: string): Promise<unknown> {
  const { data } = await zk.getData(path);
  return JSON.parse((data ?? Buffer.alloc(0)).toString('utf8'));
}

describe('ApiVersions and Metadata', () => {
  test('ApiVersions (answered by the socket server) lists exactly the admin APIs', async () => {
    const broker = await startBroker();
    await broker.client.connect();
    expect([...(broker.client.apiVersions?.keys() ?? [])].sort((a, b) => a - b)).toEqual(
      [
        ApiKey.Metadata,
        ApiKey.UpdateMetadata,
        ApiKey.ControlledShutdown,
        ApiKey.ApiVersions,
        ApiKey.CreateTopics,
        ApiKey.DeleteTopics,
        ApiKey.DescribeConfigs,
        ApiKey.AlterConfigs,
        ApiKey.CreatePartitions,
        ApiKey.ElectLeaders,
        ApiKey.AlterPartitionReassignments,
        ApiKey.ListPartitionReassignments,
      ].sort((a, b) => a - b),
    );
  });

  test('Metadata answers from the cache with the endpoints of the listener asked on', async () => {
    const broker = await startBroker();
    await broker.updateMetadata({
      orders: [
        { leader: 1, replicas: [1] },
        { leader: 1, replicas: [1] },
      ],
    });
    const viaClient = await broker.client.request(ApiKey.Metadata, { allTopics: true });
    const viaReplication = await broker.replication.request(ApiKey.Metadata, { allTopics: true });
    expect(viaClient.clusterId).toBe('dGVzdC1jbHVzdGVyLWlkLTAx');
    expect(viaClient.controllerId).toBe(BROKER_ID);
    expect(viaClient.brokers).toEqual([
      expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: broker.endpoints[0].port }),
    ]);
    expect(viaReplication.brokers[0].port).toBe(broker.endpoints[1].port);
    expect(viaClient.topics).toHaveLength(1);
    expect(viaClient.topics[0]).toMatchObject({ name: 'orders', errorCode: 0 });
    expect(viaClient.topics[0].partitions.map((p) => [p.partitionIndex, p.leaderId])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    expect(viaReplication.topics).toEqual(viaClient.topics);
  });

  test('an empty topic list without all_topics gives brokers and controller only', async () => {
    const broker = await startBroker();
    await broker.updateMetadata({ orders: [{ leader: 1, replicas: [1] }] });
    const response = await broker.client.request(ApiKey.Metadata, { topics: [] });
    expect(response.topics).toEqual([]);
    expect(response.brokers).toHaveLength(1);
  });

  test('unknown topics without auto-creation: UNKNOWN_TOPIC_OR_PARTITION or INVALID_TOPIC_EXCEPTION', async () => {
    const broker = await startBroker();
    const response = await broker.client.request(ApiKey.Metadata, {
      topics: [{ name: 'missing' }, { name: 'bad/name' }],
      allowAutoTopicCreation: false,
    });
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['missing', code('UNKNOWN_TOPIC_OR_PARTITION')],
      ['bad/name', code('INVALID_TOPIC_EXCEPTION')],
    ]);
    expect(await broker.zk.exists('/brokers/topics/missing')).toBeNull();
  });

  test('auto-creation writes the topic with num.partitions and answers LEADER_NOT_AVAILABLE', async () => {
    const broker = await startBroker({ 'num.partitions': '3' });
    const response = await broker.client.request(ApiKey.Metadata, {
      topics: [{ name: 'auto' }],
      allowAutoTopicCreation: true,
    });
    expect(response.topics).toEqual([
      expect.objectContaining({ name: 'auto', errorCode: code('LEADER_NOT_AVAILABLE') }),
    ]);
    expect(await zkJson(broker.zk, '/brokers/topics/auto')).toMatchObject({
      partitions: { '0': [1], '1': [1], '2': [1] },
    });
    expect(await zkJson(broker.zk, '/config/topics/auto')).toEqual({ version: 1, config: {} });
    // Asked again before the controller acted: already exists → still LEADER_NOT_AVAILABLE.
    const again = await broker.client.request(ApiKey.Metadata, {
      topics: [{ name: 'auto' }],
      allowAutoTopicCreation: true,
    });
    expect(again.topics[0].errorCode).toBe(code('LEADER_NOT_AVAILABLE'));
    await broker.electLeaders('auto');
    const ready = await broker.client.request(ApiKey.Metadata, { topics: [{ name: 'auto' }] });
    expect(ready.topics[0].errorCode).toBe(0);
    expect(ready.topics[0].partitions).toHaveLength(3);
  });

  test('auto-creation is refused by auto.create.topics.enable=false and by too few brokers', async () => {
    const off = await startBroker({ 'auto.create.topics.enable': 'false' });
    const offResponse = await off.client.request(ApiKey.Metadata, {
      topics: [{ name: 'auto' }],
      allowAutoTopicCreation: true,
    });
    expect(offResponse.topics[0].errorCode).toBe(code('UNKNOWN_TOPIC_OR_PARTITION'));
    expect(await off.zk.exists('/brokers/topics/auto')).toBeNull();

    const few = await startBroker({ 'default.replication.factor': '3' });
    const fewResponse = await few.client.request(ApiKey.Metadata, {
      topics: [{ name: 'auto' }],
      allowAutoTopicCreation: true,
    });
    expect(fewResponse.topics[0].errorCode).toBe(code('INVALID_REPLICATION_FACTOR'));
    expect(await few.zk.exists('/brokers/topics/auto')).toBeNull();
  });
});

describe('UpdateMetadata fencing', () => {
  test('a lower controller epoch is STALE_CONTROLLER_EPOCH and changes nothing', async () => {
    const broker = await startBroker();
    expect(
      await broker.updateMetadata({ a: [{ leader: 1, replicas: [1] }] }, { controllerEpoch: 5 }),
    ).toBe(0);
    expect(
      await broker.updateMetadata({ b: [{ leader: 1, replicas: [1] }] }, { controllerEpoch: 4 }),
    ).toBe(code('STALE_CONTROLLER_EPOCH'));
    expect(broker.cache.topics()).toEqual(['a']);
    expect(broker.cache.controllerEpochSeen()).toBe(5);
  });

  test('a broker epoch below ours is STALE_BROKER_EPOCH; -1 (unknown) is accepted', async () => {
    const broker = await startBroker();
    expect(
      await broker.updateMetadata(
        { old: [{ leader: 1, replicas: [1] }] },
        { brokerEpoch: BROKER_EPOCH - 1 },
      ),
    ).toBe(code('STALE_BROKER_EPOCH'));
    expect(broker.cache.hasTopic('old')).toBe(false);
    expect(
      await broker.updateMetadata({ any: [{ leader: 1, replicas: [1] }] }, { brokerEpoch: -1 }),
    ).toBe(0);
    expect(broker.cache.hasTopic('any')).toBe(true);
  });
});

describe('CreateTopics', () => {
  test('on a broker that is not the controller: NOT_CONTROLLER, nothing written', async () => {
    const broker = await startBroker();
    broker.controller.active = false;
    const response = await broker.client.request(ApiKey.CreateTopics, {
      topics: [{ name: 'orders', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 1000,
    });
    expect(response.topics.map((t) => t.errorCode)).toEqual([code('NOT_CONTROLLER')]);
    expect(await broker.zk.exists('/brokers/topics/orders')).toBeNull();
  });

  test('creates the topic and answers once the cache shows leaders, with the topic configs', async () => {
    const broker = await startBroker();
    const pending = broker.client.request(ApiKey.CreateTopics, {
      topics: [
        {
          name: 'orders',
          numPartitions: 3,
          replicationFactor: -1,
          configs: [{ name: 'retention.ms', value: '60000' }],
        },
      ],
      timeoutMs: 30000,
    });
    await broker.electLeaders('orders');
    const response = await pending;
    const [topic] = response.topics;
    expect(topic).toMatchObject({
      name: 'orders',
      errorCode: 0,
      numPartitions: 3,
      replicationFactor: 1,
    });
    expect(topic.configs.find((c) => c.name === 'retention.ms')).toMatchObject({
      value: '60000',
      configSource: samsa.ConfigSource.CONFIG_SOURCE_TOPIC_CONFIG,
    });
    expect(await zkJson(broker.zk, '/config/topics/orders')).toEqual({
      version: 1,
      config: { 'retention.ms': '60000' },
    });
  });

  test('without leaders before timeout_ms: REQUEST_TIMED_OUT, the topic is created all the same', async () => {
    const broker = await startBroker();
    const response = await broker.client.request(ApiKey.CreateTopics, {
      topics: [{ name: 'slow', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 100,
    });
    expect(response.topics[0].errorCode).toBe(code('REQUEST_TIMED_OUT'));
    expect(await broker.zk.exists('/brokers/topics/slow')).not.toBeNull();
  });

  test('validate_only checks and writes nothing; request errors are per topic', async () => {
    const broker = await startBroker();
    await broker.updateMetadata({ existing: [{ leader: 1, replicas: [1] }] });
    const response = await broker.client.request(ApiKey.CreateTopics, {
      topics: [
        { name: 'dry', numPartitions: 2, replicationFactor: 1 },
        { name: 'twice', numPartitions: 1, replicationFactor: 1 },
        { name: 'twice', numPartitions: 1, replicationFactor: 1 },
        { name: 'existing', numPartitions: 1, replicationFactor: 1 },
        {
          name: 'badcfg',
          numPartitions: 1,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms', value: 'x' }],
        },
        {
          name: 'nullcfg',
          numPartitions: 1,
          replicationFactor: 1,
          configs: [{ name: 'retention.ms' }],
        },
        {
          name: 'both',
          numPartitions: 1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [1] }],
        },
        { name: 'toomany', numPartitions: 1, replicationFactor: 2 },
        {
          name: 'ghostbroker',
          assignments: [{ partitionIndex: 0, brokerIds: [9] }],
        },
        { name: 'manual', assignments: [{ partitionIndex: 0, brokerIds: [1] }] },
      ],
      timeoutMs: 1000,
      validateOnly: true,
    });
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['dry', 0],
      ['twice', code('INVALID_REQUEST')],
      ['twice', code('INVALID_REQUEST')],
      ['existing', code('TOPIC_ALREADY_EXISTS')],
      ['badcfg', code('INVALID_CONFIG')],
      ['nullcfg', code('INVALID_REQUEST')],
      ['both', code('INVALID_REQUEST')],
      ['toomany', code('INVALID_REPLICATION_FACTOR')],
      ['ghostbroker', code('INVALID_REPLICA_ASSIGNMENT')],
      ['manual', 0],
    ]);
    expect(response.topics[0]).toMatchObject({ numPartitions: 2, replicationFactor: 1 });
    expect(response.topics[4].errorMessage).toContain('retention.ms');
    expect(response.topics[4]).toMatchObject({ numPartitions: -1, replicationFactor: -1 });
    expect((await broker.zk.getChildren('/brokers/topics')).children).toEqual([]);
  });
});

describe('DeleteTopics and CreatePartitions', () => {
  test('DeleteTopics marks the topic and answers once the controller removed it from the cache', async () => {
    const broker = await startBroker();
    const pendingCreate = broker.client.request(ApiKey.CreateTopics, {
      topics: [{ name: 'doomed', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 30000,
    });
    await broker.electLeaders('doomed');
    expect((await pendingCreate).topics[0].errorCode).toBe(0);

    const pendingDelete = broker.client.request(ApiKey.DeleteTopics, {
      topicNames: ['doomed', 'never-was'],
      timeoutMs: 30000,
    });
    await waitFor(() => broker.zk.exists('/admin/delete_topics/doomed'), {
      timeoutMs: 10000,
      intervalMs: 20,
      what: '/admin/delete_topics/doomed',
    });
    expect(await broker.updateMetadata({ doomed: [{ leader: -2, replicas: [1] }] })).toBe(0);
    const response = await pendingDelete;
    expect(response.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['doomed', 0],
      ['never-was', code('UNKNOWN_TOPIC_OR_PARTITION')],
    ]);
  });

  test('DeleteTopics: NOT_CONTROLLER elsewhere, TOPIC_DELETION_DISABLED when disabled', async () => {
    const broker = await startBroker({ 'delete.topic.enable': 'false' });
    await broker.updateMetadata({ kept: [{ leader: 1, replicas: [1] }] });
    const disabled = await broker.client.request(ApiKey.DeleteTopics, {
      topicNames: ['kept'],
      timeoutMs: 100,
    });
    expect(disabled.responses[0].errorCode).toBe(code('TOPIC_DELETION_DISABLED'));
    broker.controller.active = false;
    const elsewhere = await broker.client.request(ApiKey.DeleteTopics, {
      topicNames: ['kept'],
      timeoutMs: 100,
    });
    expect(elsewhere.responses[0].errorCode).toBe(code('NOT_CONTROLLER'));
    expect(await broker.zk.exists('/admin/delete_topics/kept')).toBeNull();
  });

  test('CreatePartitions adds partitions in ZooKeeper and waits for their leaders', async () => {
    const broker = await startBroker();
    const created = broker.client.request(ApiKey.CreateTopics, {
      topics: [{ name: 'grow', numPartitions: 1, replicationFactor: 1 }],
      timeoutMs: 30000,
    });
    await broker.electLeaders('grow');
    await created;
    const pending = broker.client.request(ApiKey.CreatePartitions, {
      topics: [
        { name: 'grow', count: 3 },
        { name: 'grow-not', count: 3 },
      ],
      timeoutMs: 30000,
    });
    await broker.electLeaders('grow', 3);
    const response = await pending;
    expect(response.results.map((r) => [r.name, r.errorCode])).toEqual([
      ['grow', 0],
      ['grow-not', code('UNKNOWN_TOPIC_OR_PARTITION')],
    ]);
    expect(await zkJson(broker.zk, '/brokers/topics/grow')).toMatchObject({
      partitions: { '0': [1], '1': [1], '2': [1] },
    });
  });

  test('CreatePartitions errors: not an increase, queued for deletion, duplicates', async () => {
    const broker = await startBroker();
    const created = broker.client.request(ApiKey.CreateTopics, {
      topics: [
        { name: 'two', numPartitions: 2, replicationFactor: 1 },
        { name: 'going', numPartitions: 1, replicationFactor: 1 },
      ],
      timeoutMs: 100,
    });
    await created;
    await broker.zk.create('/admin/delete_topics/going');
    const response = await broker.client.request(ApiKey.CreatePartitions, {
      topics: [
        { name: 'two', count: 2 },
        { name: 'going', count: 4 },
        { name: 'dup', count: 2 },
        { name: 'dup', count: 3 },
      ],
      timeoutMs: 100,
    });
    expect(response.results.map((r) => [r.name, r.errorCode])).toEqual([
      ['two', code('INVALID_PARTITIONS')],
      ['going', code('INVALID_TOPIC_EXCEPTION')],
      ['dup', code('INVALID_REQUEST')],
      ['dup', code('INVALID_REQUEST')],
    ]);
    expect(response.results[0].errorMessage).toBe('Topic already has 2 partitions.');
  });
});

describe('DescribeConfigs and AlterConfigs', () => {
  const TOPIC = samsa.ConfigResourceType.CONFIG_RESOURCE_TOPIC;
  const BROKER = samsa.ConfigResourceType.CONFIG_RESOURCE_BROKER;

  async function brokerWithTopic(): Promise<Broker> {
    const broker = await startBroker({ 'log.retention.hours': '24' });
    await broker.client.request(ApiKey.CreateTopics, {
      topics: [
        {
          name: 'orders',
          numPartitions: 1,
          replicationFactor: 1,
          configs: [{ name: 'segment.bytes', value: '65536' }],
        },
      ],
      timeoutMs: 0,
    });
    await broker.electLeaders('orders');
    return broker;
  }

  test('a topic is described with overrides from ZooKeeper, sources and synonyms', async () => {
    const broker = await brokerWithTopic();
    const response = await broker.client.request(ApiKey.DescribeConfigs, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          configurationKeys: ['segment.bytes', 'retention.ms'],
        },
        { resourceType: TOPIC, resourceName: 'nosuch' },
        { resourceType: TOPIC, resourceName: 'bad/name' },
      ],
      includeSynonyms: true,
    });
    const [orders, missing, bad] = response.results;
    expect(orders.errorCode).toBe(0);
    expect(orders.configs.map((c) => [c.name, c.value, c.configSource])).toEqual([
      ['retention.ms', '86400000', samsa.ConfigSource.CONFIG_SOURCE_STATIC_BROKER_CONFIG],
      ['segment.bytes', '65536', samsa.ConfigSource.CONFIG_SOURCE_TOPIC_CONFIG],
    ]);
    expect(orders.configs[0].synonyms.map((s) => [s.name, s.value, s.source])).toEqual([
      ['log.retention.hours', '24', samsa.ConfigSource.CONFIG_SOURCE_STATIC_BROKER_CONFIG],
      ['log.retention.hours', '168', samsa.ConfigSource.CONFIG_SOURCE_DEFAULT_CONFIG],
    ]);
    expect(missing.errorCode).toBe(code('UNKNOWN_TOPIC_OR_PARTITION'));
    expect(bad.errorCode).toBe(code('INVALID_TOPIC_EXCEPTION'));
  });

  test('the broker itself is described; another id or a non-number is INVALID_REQUEST', async () => {
    const broker = await startBroker();
    const response = await broker.client.request(ApiKey.DescribeConfigs, {
      resources: [
        { resourceType: BROKER, resourceName: '1', configurationKeys: ['num.partitions'] },
        { resourceType: BROKER, resourceName: '' },
        { resourceType: BROKER, resourceName: '2' },
        { resourceType: BROKER, resourceName: 'one' },
        { resourceType: samsa.ConfigResourceType.CONFIG_RESOURCE_BROKER_LOGGER, resourceName: '1' },
      ],
    });
    expect(response.results.map((r) => r.errorCode)).toEqual([
      0,
      0,
      code('INVALID_REQUEST'),
      code('INVALID_REQUEST'),
      code('INVALID_REQUEST'),
    ]);
    expect(response.results[4].errorMessage).toBe('Unsupported resource type: BROKER_LOGGER');
    expect(response.results[0].configs).toEqual([
      expect.objectContaining({
        name: 'num.partitions',
        value: '2',
        readOnly: true,
        configSource: samsa.ConfigSource.CONFIG_SOURCE_STATIC_BROKER_CONFIG,
      }),
    ]);
    expect(response.results[1].configs).toEqual([]);
    expect(response.results[2].errorMessage).toContain('expected 1 or empty string');
  });

  test('AlterConfigs replaces the topic overrides and notifies through /config/changes', async () => {
    const broker = await brokerWithTopic();
    const response = await broker.client.request(ApiKey.AlterConfigs, {
      resources: [
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          configs: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
    });
    expect(response.responses).toEqual([
      expect.objectContaining({ resourceType: TOPIC, resourceName: 'orders', errorCode: 0 }),
    ]);
    expect(await zkJson(broker.zk, '/config/topics/orders')).toEqual({
      version: 1,
      config: { 'retention.ms': '1000' },
    });
    const changes = (await broker.zk.getChildren('/config/changes')).children;
    expect(changes).toHaveLength(1);
    expect(await zkJson(broker.zk, `/config/changes/${changes[0]}`)).toEqual({
      version: 2,
      entity_path: 'topics/orders',
    });
  });

  test('AlterConfigs errors: unknown key, bad value, unknown topic, broker; validate_only writes nothing', async () => {
    const broker = await brokerWithTopic();
    const response = await broker.client.request(ApiKey.AlterConfigs, {
      resources: [
        { resourceType: TOPIC, resourceName: 'orders', configs: [{ name: 'no.such', value: '1' }] },
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          configs: [{ name: 'retention.ms', value: 'x' }],
        },
        { resourceType: TOPIC, resourceName: 'nosuch', configs: [] },
        {
          resourceType: BROKER,
          resourceName: '1',
          configs: [{ name: 'num.partitions', value: '3' }],
        },
        {
          resourceType: TOPIC,
          resourceName: 'orders',
          configs: [{ name: 'retention.ms', value: '5' }],
        },
      ],
      validateOnly: true,
    });
    expect(response.responses.map((r) => r.errorCode)).toEqual([
      code('INVALID_CONFIG'),
      code('INVALID_REQUEST'),
      code('UNKNOWN_TOPIC_OR_PARTITION'),
      code('INVALID_REQUEST'),
      0,
    ]);
    expect(response.responses[1].errorMessage).toContain(
      "Invalid config value for resource ConfigResource(type=TOPIC, name='orders')",
    );
    expect(response.responses[3].errorMessage).toContain(
      'dynamic broker configs are not supported',
    );
    expect(await zkJson(broker.zk, '/config/topics/orders')).toEqual({
      version: 1,
      config: { 'segment.bytes': '65536' },
    });
    expect((await broker.zk.getChildren('/config/changes')).children).toEqual([]);
  });
});

describe('ControlledShutdown', () => {
  test('the active controller passes it to the controller module', async () => {
    const broker = await startBroker();
    const response = await broker.replication.request(ApiKey.ControlledShutdown, {
      brokerId: 2,
      brokerEpoch: 77,
    });
    expect(broker.controller.shutdownCalls).toEqual([[2, 77]]);
    expect(response.errorCode).toBe(0);
    expect(response.remainingPartitions.map((p) => [p.topicName, p.partitionIndex])).toEqual([
      ['orders', 2],
    ]);
  });

  test('any other broker answers NOT_CONTROLLER', async () => {
    const broker = await startBroker();
    broker.controller.active = false;
    const response = await broker.replication.request(ApiKey.ControlledShutdown, {
      brokerId: 2,
      brokerEpoch: 77,
    });
    expect(response.errorCode).toBe(code('NOT_CONTROLLER'));
    expect(broker.controller.shutdownCalls).toEqual([]);
  });
});
