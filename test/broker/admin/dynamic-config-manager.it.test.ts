import zookeeper from 'node-zookeeper-client';
import { changeTopicConfig, createTopic } from '../../../broker/admin/admin-zk';
import { DynamicConfigManager } from '../../../broker/admin/dynamic-config-manager';
import { ZkNodeChangeNotificationListener } from '../../../broker/admin/notification-listener';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import type { TopicConfig } from '../../../broker/config/topic-config';
import { LogManager, DEFAULT_LOG_MANAGER_CONFIG } from '../../../broker/log/log-manager';
import { ZkClient } from '../../../zk-schema/client';
import * as configChange from '../../../zk-schema/znodes/config-change';
import { createPath } from '../../../zk-schema/znodes/sequential';
import { PERSISTENT_PATHS } from '../../../zk-schema/paths';
import { captureLogger } from '../../client/network/helpers';
import { chrootConnect, tempDir, useHarness, waitFor } from '../../harness';

useHarness();

const config = KafkaConfig.fromProperties({
  'zookeeper.connect': 'zk:2181',
  'log.retention.hours': '168',
});

async function connect(label: string): Promise<ZkClient> {
  const zk = await ZkClient.connect(chrootConnect(label), { sessionTimeoutMs: 10000 });
  for (const path of PERSISTENT_PATHS) await zk.create(path, null, { createParents: true });
  return zk;
}

async function startLogManager(): Promise<LogManager> {
  const logManager = new LogManager({
    ...DEFAULT_LOG_MANAGER_CONFIG,
    logDirs: [await tempDir('dynamic-config')],
    initialTaskDelayMs: 3_600_000,
  });
  await logManager.startup();
  return logManager;
}

describe('DynamicConfigManager against a real ZooKeeper and real logs', () => {
  let zk: ZkClient;
  let logManager: LogManager;
  const managers: DynamicConfigManager[] = [];

  beforeAll(async () => {
    zk = await connect('dynamic-config');
    logManager = await startLogManager();
  });

  afterEach(async () => {
    for (const manager of managers.splice(0)) await manager.shutdown();
  });

  afterAll(async () => {
    await logManager.shutdown();
    await zk.close();
  });

  function manager(options: { now?: () => number; changeExpirationMs?: number } = {}) {
    const m = new DynamicConfigManager({ zk, config, logManager, brokerId: 1, ...options });
    managers.push(m);
    return m;
  }

  async function newTopic(topic: string, overrides: Record<string, string> = {}) {
    await createTopic(
      { zk, config },
      topic,
      { numPartitions: 2, replicationFactor: 1 },
      new Map(Object.entries(overrides)),
      [1],
    );
    return Promise.all([0, 1].map((partition) => logManager.getOrCreateLog({ topic, partition })));
  }

  test('startup applies the overrides stored in /config/topics to the live logs', async () => {
    const logs = await newTopic('stored', { 'retention.ms': '1234', 'segment.bytes': '65536' });
    expect(logs[0].config.retentionMs).toBe(604800000);
    await manager().startup();
    for (const log of logs) {
      expect(log.config.retentionMs).toBe(1234);
      expect(log.config.segmentBytes).toBe(65536);
    }
  });

  test('a config change made through any broker reaches the live logs within a deadline', async () => {
    const logs = await newTopic('live');
    const m = manager();
    const seen: [string, TopicConfig][] = [];
    m.onTopicConfigChange((topic, c) => seen.push([topic, c]));
    await m.startup();
    // Two changes in a row: the child watch must be re-armed after the first.
    for (const retention of ['5000', '7000']) {
      await changeTopicConfig({ zk, config }, 'live', new Map([['retention.ms', retention]]));
      await waitFor(() => logs.every((log) => log.config.retentionMs === Number(retention)), {
        timeoutMs: 10000,
        intervalMs: 20,
        what: `retention.ms=${retention} on every log of topic live`,
      });
    }
    expect(seen.filter(([t]) => t === 'live').map(([, c]) => c.retentionMs)).toEqual(
      expect.arrayContaining([5000, 7000]),
    );
    // Removing the override brings the broker value back.
    await changeTopicConfig({ zk, config }, 'live', new Map());
    await waitFor(() => logs[0].config.retentionMs === 604800000, {
      timeoutMs: 10000,
      intervalMs: 20,
      what: 'the broker retention back on topic live',
    });
  });

  test('after a restart every notification present is processed again', async () => {
    const logs = await newTopic('restarted');
    await changeTopicConfig({ zk, config }, 'restarted', new Map([['retention.ms', '4242']]));
    const children = (await zk.getChildren('/config/changes')).children;
    const highest = Math.max(...children.map((c) => Number(c.slice('config_change_'.length))));
    const m = manager();
    expect(m.lastExecutedChange).toBe(-1);
    await m.startup();
    expect(m.lastExecutedChange).toBe(highest);
    for (const log of logs) expect(log.config.retentionMs).toBe(4242);
  });

  test('notifications older than 15 minutes are purged; newer ones stay', async () => {
    await newTopic('purged');
    await changeTopicConfig({ zk, config }, 'purged', new Map([['retention.ms', '1']]));
    await manager().startup();
    expect((await zk.getChildren('/config/changes')).children.length).toBeGreaterThan(0);
    await manager({ now: () => Date.now() + 16 * 60 * 1000 }).startup();
    expect((await zk.getChildren('/config/changes')).children).toEqual([]);
  });

  test('notifications for other entity types are skipped without harm', async () => {
    const logs = await newTopic('neighbour', { 'retention.ms': '999' });
    const m = manager();
    await m.startup();
    const path = await zk.create(
      createPath(configChange.STORE),
      configChange.encode({ entity: { type: 'clients', name: 'app-1' } }),
      { mode: 'persistent_sequential' },
    );
    const sequence = Number(path.slice(-10));
    await waitFor(() => m.lastExecutedChange >= sequence, {
      timeoutMs: 10000,
      intervalMs: 20,
      what: 'the clients notification to be handled',
    });
    expect(logs[0].config.retentionMs).toBe(999);
  });
});

describe('DynamicConfigManager across a ZooKeeper session expiry', () => {
  test('after its session expired, the manager listens again in the new session', async () => {
    const connectString = chrootConnect('dynamic-config-expiry');
    const zk = await ZkClient.connect(connectString, { sessionTimeoutMs: 6000 });
    const other = await ZkClient.connect(connectString, { sessionTimeoutMs: 6000 });
    const logManager = await startLogManager();
    const manager = new DynamicConfigManager({ zk, config, logManager });
    try {
      for (const path of PERSISTENT_PATHS) await zk.create(path, null, { createParents: true });
      await createTopic(
        { zk, config },
        'survivor',
        { numPartitions: 1, replicationFactor: 1 },
        new Map(),
        [1],
      );
      const log = await logManager.getOrCreateLog({ topic: 'survivor', partition: 0 });
      await manager.startup();

      // Expire the manager's session: take it over from a second connection and close it there
      // (Curator's KillSession); the server then tells our client the session expired.
      const internals = zk as unknown as { current: { lib: zookeeper.Client } };
      const lib = internals.current.lib;
      const thief = zookeeper.createClient(connectString, {
        sessionTimeout: 6000,
        sessionId: lib.getSessionId(),
        sessionPassword: lib.getSessionPassword(),
      } as Partial<zookeeper.Option>);
      const established = new Promise((resolve) => zk.once('sessionEstablished', resolve));
      await new Promise<void>((resolve) => {
        thief.once('connected', () => resolve());
        thief.connect();
      });
      thief.close();
      await established;

      await changeTopicConfig(
        { zk: other, config },
        'survivor',
        new Map([['retention.ms', '31337']]),
      );
      await waitFor(() => log.config.retentionMs === 31337, {
        timeoutMs: 15000,
        intervalMs: 20,
        what: 'the change made after the expiry to reach the log',
      });
    } finally {
      await manager.shutdown();
      await logManager.shutdown();
      await other.close();
      await zk.close();
    }
  });
});

describe('ZkNodeChangeNotificationListener against a real ZooKeeper', () => {
  let zk: ZkClient;

  beforeAll(async () => {
    zk = await connect('notification-listener');
  });

  afterAll(async () => {
    await zk.close();
  });

  test('each notification is handled once, in order; a failing handler is logged and skipped', async () => {
    const { log, lines } = captureLogger();
    const handled: string[] = [];
    const listener = new ZkNodeChangeNotificationListener({
      zk,
      store: configChange.STORE,
      handler: async (data) => {
        const text = data.toString('utf8');
        if (text === 'boom') throw new Error('cannot handle boom');
        handled.push(text);
      },
      log,
    });
    const root = createPath(configChange.STORE);
    await zk.create(root, Buffer.from('a'), { mode: 'persistent_sequential' });
    await zk.create('/config/changes/not-a-notification', Buffer.from('x'));
    await listener.init();
    expect(handled).toEqual(['a']);
    await zk.create(root, Buffer.from('boom'), { mode: 'persistent_sequential' });
    await zk.create(root, Buffer.from('b'), { mode: 'persistent_sequential' });
    await zk.create(root, Buffer.from('c'), { mode: 'persistent_sequential' });
    await waitFor(() => handled.length === 3, {
      timeoutMs: 10000,
      intervalMs: 20,
      what: 'notifications b and c',
    });
    await listener.idle();
    expect(handled).toEqual(['a', 'b', 'c']);
    expect(lines.some((l) => l.startsWith('ERROR') && l.includes('cannot handle boom'))).toBe(true);
    expect(lines.some((l) => l.startsWith('WARN') && l.includes('not-a-notification'))).toBe(true);
    await listener.close();
  });
});
