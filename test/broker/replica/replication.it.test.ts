/**
 * Replication between three in-process brokers: each has its own LogManager in a temp dir, its
 * own ReplicaManager and a real SocketServer on loopback with the data handlers; followers fetch
 * from leaders over samsa's protocol. The test plays the controller: it writes the partition
 * state znodes in a real ZooKeeper (through zk-schema's codecs), fills each broker's
 * MetadataCache with an UpdateMetadata it builds, and sends LeaderAndIsr / StopReplica over the
 * network. Leaders write their ISR changes to that ZooKeeper themselves.
 */
import { ApiKey, type RequestInit } from '../../../client/protocol/apis';
import { Connection } from '../../../client/network/connection';
import { iterateBatches } from '../../../client/record/batch-validation';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { registerDataHandlers } from '../../../broker/handlers/data';
import type { Log } from '../../../broker/log/log';
import { DEFAULT_LOG_MANAGER_CONFIG, LogManager } from '../../../broker/log/log-manager';
import { MetadataCache } from '../../../broker/metadata/metadata-cache';
import { SocketServer } from '../../../broker/network/socket-server';
import { ReplicaManager } from '../../../broker/replica/replica-manager';
import { ZkClient } from '../../../zk-schema/client';
import { PERSISTENT_PATHS } from '../../../zk-schema/paths';
import * as entityConfig from '../../../zk-schema/znodes/entity-config';
import * as isrChange from '../../../zk-schema/znodes/isr-change-notification';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import { chrootConnect, freePorts, onCleanup, tempDir, useHarness, waitFor } from '../../harness';
import { batch, batchesOf } from './fixtures';

useHarness();

const LAG_MS = 1500;
const BROKER_EPOCH = 100;
const CONTROLLER_EPOCH = 1;

interface Broker {
  id: number;
  port: number;
  logDir: string;
  zk: ZkClient;
  logManager: LogManager;
  metadataCache: MetadataCache;
  rm: ReplicaManager;
  server: SocketServer;
}

let connectString: string;
let zk: ZkClient;
let ports: number[];
const brokers = new Map<number, Broker>();
const connections: Connection[] = [];

async function startBroker(id: number, logDir: string): Promise<Broker> {
  const port = ports[id - 1];
  const config = KafkaConfig.fromProperties(
    {
      'broker.id': String(id),
      'zookeeper.connect': connectString,
      'log.dirs': logDir,
      listeners: `PLAINTEXT://127.0.0.1:${port}`,
      'replica.lag.time.max.ms': String(LAG_MS),
      'replica.fetch.wait.max.ms': '100',
      'replica.fetch.backoff.ms': '100',
      'replica.socket.timeout.ms': '5000',
    },
    {},
    { hostname: 'localhost' },
  );
  const brokerZk = await ZkClient.connect(connectString, {
    sessionTimeoutMs: 6000,
    name: `broker-${id}`,
  });
  const logManager = new LogManager({
    ...DEFAULT_LOG_MANAGER_CONFIG,
    logDirs: [logDir],
    initialTaskDelayMs: 3_600_000,
  });
  await logManager.startup();
  const metadataCache = new MetadataCache();
  metadataCache.update(updateMetadata());
  const rm = new ReplicaManager({
    config,
    brokerId: id,
    logManager,
    metadataCache,
    zk: () => brokerZk,
    isrChangeTiming: { checkIntervalMs: 100, lingerMs: 200, maxDelayMs: 1000 },
  });
  const server = new SocketServer({ listeners: config.listeners, brokerId: id });
  registerDataHandlers(server, {
    brokerId: id,
    brokerEpoch: () => BROKER_EPOCH,
    metadataCache,
    replicaManager: rm,
  });
  await server.start();
  rm.startup();
  const broker = { id, port, logDir, zk: brokerZk, logManager, metadataCache, rm, server };
  brokers.set(id, broker);
  return broker;
}

async function stopBroker(broker: Broker): Promise<void> {
  brokers.delete(broker.id);
  await broker.server.stop();
  await broker.rm.shutdown();
  await broker.logManager.shutdown();
  await broker.zk.close();
}

function updateMetadata(): RequestInit<typeof ApiKey.UpdateMetadata> {
  return {
    controllerId: 9,
    controllerEpoch: CONTROLLER_EPOCH,
    brokerEpoch: BROKER_EPOCH,
    liveBrokers: [1, 2, 3].map((id) => ({
      id,
      endpoints: [
        { port: ports[id - 1], host: '127.0.0.1', listener: 'PLAINTEXT', securityProtocol: 0 },
      ],
    })),
  };
}

function connect(id: number): Connection {
  const connection = new Connection({
    host: '127.0.0.1',
    port: ports[id - 1],
    clientId: 'replication-test',
    brokerId: id,
  });
  connections.push(connection);
  return connection;
}

interface State {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  replicas: number[];
}

/** Writes the partition state znode as the controller would; returns its zkVersion. */
async function writeState(topic: string, state: State): Promise<number> {
  const data = partitionState.encode({
    leader: state.leader,
    leaderEpoch: state.leaderEpoch,
    isr: state.isr,
    controllerEpoch: CONTROLLER_EPOCH,
  });
  const path = partitionState.path(topic, 0);
  if ((await zk.exists(path)) === null) {
    await zk.create(path, data, { createParents: true });
    return 0;
  }
  return (await zk.setData(path, data)).version;
}

async function leaderAndIsr(
  brokerId: number,
  topic: string,
  state: State,
  zkVersion: number,
  overrides: { controllerEpoch?: number; brokerEpoch?: number } = {},
) {
  const controllerEpoch = overrides.controllerEpoch ?? CONTROLLER_EPOCH;
  return connect(brokerId).request(ApiKey.LeaderAndIsr, {
    controllerId: 9,
    controllerEpoch,
    brokerEpoch: overrides.brokerEpoch ?? BROKER_EPOCH,
    topicStates: [
      {
        topicName: topic,
        partitionStates: [
          {
            partitionIndex: 0,
            controllerEpoch,
            leader: state.leader,
            leaderEpoch: state.leaderEpoch,
            isr: state.isr,
            zkVersion,
            replicas: state.replicas,
          },
        ],
      },
    ],
    liveLeaders: [{ brokerId: state.leader, hostName: '127.0.0.1', port: ports[state.leader - 1] }],
  });
}

/** The controller's part of a leadership decision: the znode, then LeaderAndIsr to `to`. */
async function decide(topic: string, state: State, to: number[]): Promise<number> {
  const zkVersion = await writeState(topic, state);
  for (const id of to) {
    const response = await leaderAndIsr(id, topic, state, zkVersion);
    expect(response.partitionErrors.map((p) => p.errorCode)).toEqual([0]);
  }
  return zkVersion;
}

async function produce(brokerId: number, topic: string, acks: number, records: Buffer) {
  const response = await connect(brokerId).request(ApiKey.Produce, {
    acks,
    timeoutMs: 20_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return response.responses[0].partitionResponses[0];
}

async function consumerFetch(brokerId: number, topic: string, offset: number, maxWaitMs = 0) {
  const response = await connect(brokerId).request(ApiKey.Fetch, {
    replicaId: -1,
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    topics: [
      {
        topic,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: offset,
            logStartOffset: -1,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
  });
  return response.responses[0].partitions[0];
}

function recordCount(records: Uint8Array): number {
  let n = 0;
  for (const b of iterateBatches(Buffer.from(records))) n += b.header.recordCount;
  return n;
}

function logOf(brokerId: number, topic: string): Log {
  const log = brokers.get(brokerId)?.logManager.getLog({ topic, partition: 0 });
  if (log === undefined) throw new Error(`broker ${brokerId} has no log of ${topic}-0`);
  return log;
}

async function zkState(topic: string) {
  const { data, stat } = await zk.getData(partitionState.path(topic, 0));
  return { ...partitionState.decode(data as Buffer), zkVersion: stat.version };
}

async function isrChangeNotifications(): Promise<string[][]> {
  const { children } = await zk.getChildren(isrChange.rootPath());
  const out: string[][] = [];
  for (const child of children.sort()) {
    const { data } = await zk.getData(`${isrChange.rootPath()}/${child}`);
    out.push(isrChange.decode(data as Buffer).partitions.map((p) => `${p.topic}-${p.partition}`));
  }
  return out;
}

beforeAll(async () => {
  connectString = chrootConnect('replication');
  zk = await ZkClient.connect(connectString, { sessionTimeoutMs: 6000, name: 'test-controller' });
  for (const path of PERSISTENT_PATHS) await zk.create(path, null, { createParents: true });
  ports = await freePorts(3);
  for (const id of [1, 2, 3]) await startBroker(id, await tempDir(`replication-broker-${id}`));
});

afterEach(() => {
  for (const c of connections.splice(0)) c.close();
});

// Runs before the harness removes the temp folders.
onCleanup(async () => {
  const all = [...brokers.values()];
  // Fetchers first, so that no broker sees its peers go away.
  await Promise.all(all.map((b) => b.rm.shutdown()));
  for (const broker of all) await stopBroker(broker);
  await zk?.close();
});

describe('replication between brokers', () => {
  it('answers acks=all only after every ISR follower has fetched the records', async () => {
    const topic = 'acks-all';
    const state = { leader: 1, leaderEpoch: 0, isr: [1, 2, 3], replicas: [1, 2, 3] };
    // Broker 3 does not hear of the partition yet: it cannot fetch.
    await decide(topic, state, [1, 2]);
    let answered = false;
    const pending = produce(1, topic, -1, batch(5)).then((r) => {
      answered = true;
      return r;
    });
    const leader = brokers.get(1)?.rm.getPartition({ topic, partition: 0 });
    await waitFor(() => leader?.followerState(2)?.logEndOffset === 5, {
      timeoutMs: 10_000,
      what: 'broker 2 to fetch the records and report them',
    });
    expect(answered).toBe(false);
    expect(logOf(1, topic).highWatermark).toBe(0);
    await decide(topic, state, [3]);
    const result = await pending;
    expect(result).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(logOf(3, topic).logEndOffset).toBe(5);
    expect(logOf(2, topic).logEndOffset).toBe(5);
    expect(logOf(1, topic).highWatermark).toBe(5);
  });

  it('never shows consumers records above the high watermark, and answers a waiting consumer once it moves', async () => {
    const topic = 'high-watermark';
    const state = { leader: 1, leaderEpoch: 0, isr: [1, 2], replicas: [1, 2] };
    await decide(topic, state, [1]);
    expect(await produce(1, topic, 1, batch(4))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    const now = await consumerFetch(1, topic, 0);
    expect(now).toMatchObject({ errorCode: 0, highWatermark: 0 });
    expect(now.records.length).toBe(0);
    const latest = await connect(1).request(ApiKey.ListOffsets, {
      replicaId: -1,
      topics: [
        { name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1 }] },
      ],
    });
    expect(latest.topics[0].partitions[0]).toMatchObject({ errorCode: 0, offset: 0 });
    const waiting = consumerFetch(1, topic, 0, 15_000);
    await decide(topic, state, [2]);
    const later = await waiting;
    expect(later.highWatermark).toBe(4);
    expect(recordCount(later.records)).toBe(4);
  });

  it('truncates a diverged follower by leader epoch after a leader change, leaving identical logs', async () => {
    const topic = 'diverge';
    await decide(
      topic,
      { leader: 1, leaderEpoch: 0, isr: [1, 2, 3], replicas: [1, 2, 3] },
      [1, 2, 3],
    );
    for (let i = 0; i < 3; i++) {
      expect(await produce(1, topic, -1, batch(3, 50, 'a'))).toMatchObject({ errorCode: 0 });
    }
    // Broker 2 becomes leader in epoch 1; broker 1 has not heard and goes on as a zombie leader.
    const epoch1 = { leader: 2, leaderEpoch: 1, isr: [2, 3], replicas: [1, 2, 3] };
    await decide(topic, epoch1, [2, 3]);
    expect(await produce(1, topic, 1, batch(4, 50, 'z'))).toMatchObject({
      errorCode: 0,
      baseOffset: 9,
    });
    expect(await produce(1, topic, 1, batch(4, 50, 'z'))).toMatchObject({
      errorCode: 0,
      baseOffset: 13,
    });
    for (let i = 0; i < 2; i++) {
      expect(await produce(2, topic, 1, batch(2, 50, 'b'))).toMatchObject({ errorCode: 0 });
    }
    expect(logOf(1, topic).logEndOffset).toBe(17);
    expect(logOf(2, topic).logEndOffset).toBe(13);
    // Now broker 1 learns it follows broker 2 in epoch 1.
    await decide(topic, epoch1, [1]);
    await waitFor(
      () =>
        [1, 3].every(
          (id) => logOf(id, topic).logEndOffset === 13 && logOf(id, topic).highWatermark === 13,
        ),
      { timeoutMs: 10_000, what: 'both followers to replicate broker 2 up to its high watermark' },
    );
    const reference = await batchesOf(logOf(2, topic));
    expect(reference.map((b) => [b.baseOffset, b.lastOffset, b.epoch])).toEqual([
      [0, 2, 0],
      [3, 5, 0],
      [6, 8, 0],
      [9, 10, 1],
      [11, 12, 1],
    ]);
    expect(await batchesOf(logOf(1, topic))).toEqual(reference);
    expect(await batchesOf(logOf(3, topic))).toEqual(reference);
    expect(logOf(1, topic).leaderEpochCache.entries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 9 },
    ]);
  });

  it('restarts a new follower at the leader log start offset on OFFSET_OUT_OF_RANGE, even inside a batch', async () => {
    const topic = 'out-of-range';
    const state = { leader: 1, leaderEpoch: 0, isr: [1], replicas: [1, 2] };
    await decide(topic, state, [1]);
    expect(await produce(1, topic, 1, batch(10))).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(await produce(1, topic, 1, batch(5))).toMatchObject({ errorCode: 0, baseOffset: 10 });
    // Records before offset 6 are deleted on the leader (as DeleteRecords does).
    await logOf(1, topic).maybeIncrementLogStartOffset(6);
    await decide(topic, state, [2]);
    await waitFor(
      () => logOf(2, topic).logEndOffset === 15 && logOf(2, topic).logStartOffset === 6,
      { timeoutMs: 10_000, what: 'broker 2 to replicate from the leader log start offset' },
    );
    expect(await batchesOf(logOf(2, topic))).toEqual(await batchesOf(logOf(1, topic)));
  });

  it('replicates every partition a broker follows from one leader through one fetcher', async () => {
    // Broker 2 follows acks-all, high-watermark and out-of-range from broker 1, and leads diverge.
    const manager = (brokers.get(2) as Broker).rm.fetcherManager;
    const fetchers = ['acks-all', 'high-watermark', 'out-of-range'].map((topic) =>
      manager.fetcherFor({ topic, partition: 0 }),
    );
    expect(fetchers[0]?.sourceBrokerId).toBe(1);
    expect(new Set(fetchers).size).toBe(1);
    expect(manager.fetcherFor({ topic: 'diverge', partition: 0 })).toBeUndefined();
    expect(manager.fetcherCount).toBe(1);
    expect(fetchers[0]?.fetchState({ topic: 'acks-all', partition: 0 })).toEqual({
      fetchOffset: 5,
      truncating: false,
    });
  });

  it('drops a stopped follower from the ISR after replica.lag.time.max.ms and takes it back once it caught up', async () => {
    const topic = 'isr';
    const state = { leader: 1, leaderEpoch: 0, isr: [1, 2, 3], replicas: [1, 2, 3] };
    await decide(topic, state, [1, 2, 3]);
    expect(await produce(1, topic, -1, batch(3))).toMatchObject({ errorCode: 0 });
    const before = (await isrChangeNotifications()).length;

    // Followers take the leader's high watermark with their next fetch.
    await waitFor(() => logOf(3, topic).highWatermark === 3, {
      timeoutMs: 5000,
      what: "broker 3 to learn the leader's high watermark",
    });
    const broker3 = brokers.get(3) as Broker;
    await stopBroker(broker3);
    // The leader keeps appending; broker 3 falls behind and stops being caught up.
    expect(await produce(1, topic, 1, batch(2))).toMatchObject({ errorCode: 0 });
    const shrunk = await waitFor(
      async () => {
        const s = await zkState(topic);
        return s.isr.length === 2 ? s : undefined;
      },
      { timeoutMs: 10_000, what: 'the leader to remove broker 3 from the ISR in ZooKeeper' },
    );
    expect(shrunk).toEqual({
      leader: 1,
      leaderEpoch: 0,
      isr: [1, 2],
      controllerEpoch: 1,
      zkVersion: 1,
    });
    expect(brokers.get(1)?.rm.getPartition({ topic, partition: 0 })?.isr).toEqual([1, 2]);
    await waitFor(
      async () => (await isrChangeNotifications()).slice(before).some((n) => n.includes('isr-0')),
      {
        timeoutMs: 5000,
        what: 'an isr_change_ notification naming isr-0',
      },
    );
    // acks=all now needs brokers 1 and 2 only.
    expect(await produce(1, topic, -1, batch(2))).toMatchObject({ errorCode: 0, baseOffset: 5 });

    // Broker 3 comes back (same log dir: its high watermark from replication-offset-checkpoint)
    // and is told again to follow broker 1.
    await startBroker(3, broker3.logDir);
    expect(logOf(3, topic).highWatermark).toBe(3);
    const expanded = await (async () => {
      const response = await leaderAndIsr(3, topic, { ...state, isr: [1, 2] }, 1);
      expect(response.partitionErrors[0].errorCode).toBe(0);
      return waitFor(
        async () => {
          const s = await zkState(topic);
          return s.isr.length === 3 ? s : undefined;
        },
        { timeoutMs: 10_000, what: 'the leader to add broker 3 back to the ISR in ZooKeeper' },
      );
    })();
    expect(expanded).toEqual({
      leader: 1,
      leaderEpoch: 0,
      isr: [1, 2, 3],
      controllerEpoch: 1,
      zkVersion: 2,
    });
    expect(logOf(3, topic).logEndOffset).toBe(7);
    await waitFor(
      async () =>
        (await isrChangeNotifications()).slice(before).filter((n) => n.includes('isr-0')).length >=
        2,
      { timeoutMs: 5000, what: 'a second isr_change_ notification for the expansion' },
    );
  });

  it('refuses acks=all with NOT_ENOUGH_REPLICAS below the topic min.insync.replicas, appending nothing', async () => {
    const topic = 'min-isr';
    await zk.create(
      entityConfig.path({ type: 'topics', name: topic }),
      entityConfig.encode(new Map([['min.insync.replicas', '2']])),
      { createParents: true },
    );
    await decide(topic, { leader: 1, leaderEpoch: 0, isr: [1], replicas: [1, 2] }, [1]);
    const refused = await produce(1, topic, -1, batch(3));
    expect(refused).toMatchObject({ errorCode: 19, baseOffset: -1 });
    expect(logOf(1, topic).logEndOffset).toBe(0);
    expect(await produce(1, topic, 1, batch(3))).toMatchObject({ errorCode: 0, baseOffset: 0 });
  });

  it('rejects LeaderAndIsr and StopReplica from an older controller epoch, and from before this broker registration', async () => {
    const topic = 'stale';
    const state = { leader: 1, leaderEpoch: 0, isr: [1], replicas: [1] };
    const zkVersion = await writeState(topic, state);
    const stale = await leaderAndIsr(1, topic, state, zkVersion, { controllerEpoch: 0 });
    expect(stale.errorCode).toBe(11);
    const oldBroker = await leaderAndIsr(1, topic, state, zkVersion, {
      brokerEpoch: BROKER_EPOCH - 1,
    });
    expect(oldBroker.errorCode).toBe(77);
    expect(brokers.get(1)?.rm.getPartition({ topic, partition: 0 })).toBeUndefined();
    const stop = await connect(1).request(ApiKey.StopReplica, {
      controllerId: 9,
      controllerEpoch: 0,
      brokerEpoch: BROKER_EPOCH,
      topicStates: [
        {
          topicName: 'acks-all',
          partitionStates: [{ partitionIndex: 0, leaderEpoch: -2, deletePartition: true }],
        },
      ],
    });
    expect(stop.errorCode).toBe(11);
    expect(logOf(1, 'acks-all').logEndOffset).toBe(5);
  });
});
