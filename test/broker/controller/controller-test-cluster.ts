/**
 * A cluster for controller integration tests, against the real ZooKeeper of the test run:
 * - `FakeBroker`: a real `SocketServer` on a free loopback port that records every LeaderAndIsr,
 *   UpdateMetadata and StopReplica it receives and answers them without error, registered as
 *   `/brokers/ids/<id>` (the real registration codec, checked ephemeral) in its own ZooKeeper
 *   session. Closing that session is how a test kills the broker.
 * - `ControllerTestCluster`: one chroot with Kafka's startup paths, fake brokers, and real
 *   `KafkaController`s sharing their broker's session, as in a real broker.
 * Helpers read znodes raw, so tests compare the JSON Kafka would show in zkCli.
 */
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { KafkaController } from '../../../broker/controller/kafka-controller';
import { SocketServer } from '../../../broker/network/socket-server';
import { brokerEpochOf } from '../../../broker/zk/controller-zk';
import { ApiKey, RequestBody } from '../../../client/protocol/apis';
import { createCheckedEphemeral, ZkClient, ZkError } from '../../../zk-schema/client';
import { PERSISTENT_PATHS } from '../../../zk-schema/paths';
import * as brokerRegistration from '../../../zk-schema/znodes/broker-registration';
import * as entityConfig from '../../../zk-schema/znodes/entity-config';
import * as configChange from '../../../zk-schema/znodes/config-change';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import { createPath } from '../../../zk-schema/znodes/sequential';
import * as topicAssignment from '../../../zk-schema/znodes/topic-assignment';
import { chrootConnect, waitFor } from '../../harness';

export type LeaderAndIsrRequest = RequestBody<typeof ApiKey.LeaderAndIsr>;
export type UpdateMetadataRequest = RequestBody<typeof ApiKey.UpdateMetadata>;
export type StopReplicaRequest = RequestBody<typeof ApiKey.StopReplica>;

const SESSION_TIMEOUT_MS = 6000;

export class FakeBroker {
  readonly leaderAndIsr: LeaderAndIsrRequest[] = [];
  readonly updateMetadata: UpdateMetadataRequest[] = [];
  readonly stopReplica: StopReplicaRequest[] = [];
  epoch = -1;
  port = -1;

  private constructor(
    readonly id: number,
    readonly zk: ZkClient,
    readonly server: SocketServer,
  ) {
    server.handle(ApiKey.LeaderAndIsr, async (request) => {
      this.leaderAndIsr.push(request);
      return { errorCode: 0, partitionErrors: noPartitionErrors(request.topicStates) };
    });
    server.handle(ApiKey.UpdateMetadata, async (request) => {
      this.updateMetadata.push(request);
      return { errorCode: 0 };
    });
    server.handle(ApiKey.StopReplica, async (request) => {
      this.stopReplica.push(request);
      return { errorCode: 0, partitionErrors: noPartitionErrors(request.topicStates) };
    });
  }

  static async start(id: number, connect: string): Promise<FakeBroker> {
    const server = new SocketServer({
      listeners: [
        { listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' },
      ],
      brokerId: id,
    });
    const zk = await ZkClient.connect(connect, {
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      name: `fake-broker-${id}`,
    });
    const broker = new FakeBroker(id, zk, server);
    const [endpoint] = await server.start();
    broker.port = endpoint.port;
    await broker.register();
    return broker;
  }

  /** Registers `/brokers/ids/<id>` in the broker's current session; its czxid becomes the epoch. */
  async register(): Promise<void> {
    const stat = await createCheckedEphemeral(
      this.zk,
      brokerRegistration.path(this.id),
      brokerRegistration.encode({
        endpoints: [
          {
            listenerName: 'PLAINTEXT',
            host: '127.0.0.1',
            port: this.port,
            securityProtocol: 'PLAINTEXT',
          },
        ],
        jmxPort: -1,
        timestamp: Date.now(),
        features: new Map(),
      }),
    );
    this.epoch = brokerEpochOf(stat);
  }

  async stop(): Promise<void> {
    await this.zk.close();
    await this.server.stop();
  }

  /** The partition states this broker was told about in LeaderAndIsr requests, in order. */
  leaderAndIsrFor(
    topic: string,
    partition: number,
  ): Array<{
    request: LeaderAndIsrRequest;
    state: LeaderAndIsrRequest['topicStates'][number]['partitionStates'][number];
  }> {
    const found = [];
    for (const request of this.leaderAndIsr) {
      for (const t of request.topicStates) {
        if (t.topicName !== topic) continue;
        for (const p of t.partitionStates) {
          if (p.partitionIndex === partition) found.push({ request, state: p });
        }
      }
    }
    return found;
  }

  /** The StopReplica entries this broker received for a partition. */
  stopReplicaFor(
    topic: string,
    partition: number,
  ): Array<{ deletePartition: boolean; leaderEpoch: number }> {
    const found = [];
    for (const request of this.stopReplica) {
      for (const t of request.topicStates) {
        if (t.topicName !== topic) continue;
        for (const p of t.partitionStates) {
          if (p.partitionIndex === partition) {
            found.push({ deletePartition: p.deletePartition, leaderEpoch: p.leaderEpoch });
          }
        }
      }
    }
    return found;
  }

  /** The last UpdateMetadata partition state received for a partition. */
  lastMetadataFor(
    topic: string,
    partition: number,
  ): UpdateMetadataRequest['topicStates'][number]['partitionStates'][number] | undefined {
    for (let i = this.updateMetadata.length - 1; i >= 0; i--) {
      for (const t of this.updateMetadata[i].topicStates) {
        if (t.topicName !== topic) continue;
        const p = t.partitionStates.find((s) => s.partitionIndex === partition);
        if (p) return p;
      }
    }
    return undefined;
  }
}

export interface ControllerNode {
  readonly broker: FakeBroker;
  readonly controller: KafkaController;
}

export class ControllerTestCluster {
  readonly brokers = new Map<number, FakeBroker>();
  readonly controllers = new Map<number, KafkaController>();

  private constructor(
    readonly connect: string,
    readonly admin: ZkClient,
  ) {}

  static async create(label: string): Promise<ControllerTestCluster> {
    const connect = chrootConnect(label);
    const admin = await ZkClient.connect(connect, { name: 'test-admin' });
    for (const path of PERSISTENT_PATHS) {
      await admin.create(path, null, { createParents: true }).catch((error: unknown) => {
        if (!(error instanceof ZkError) || error.code !== 'NODE_EXISTS') throw error;
      });
    }
    return new ControllerTestCluster(connect, admin);
  }

  async startBroker(id: number): Promise<FakeBroker> {
    const broker = await FakeBroker.start(id, this.connect);
    this.brokers.set(id, broker);
    return broker;
  }

  /** Starts the controller module of broker `id` (sharing its ZooKeeper session). */
  async startController(id: number, extra: Record<string, string> = {}): Promise<KafkaController> {
    const broker = this.brokers.get(id);
    if (broker === undefined) throw new Error(`broker ${id} is not started`);
    const config = KafkaConfig.fromProperties({
      'broker.id': String(id),
      'zookeeper.connect': this.connect,
      listeners: `PLAINTEXT://127.0.0.1:${broker.port}`,
      'controller.socket.timeout.ms': '3000',
      'auto.leader.rebalance.enable': 'false',
      ...extra,
    });
    const controller = new KafkaController({
      config,
      brokerId: id,
      zk: () => broker.zk,
      brokerEpoch: () => broker.epoch,
    });
    this.controllers.set(id, controller);
    await controller.startup();
    return controller;
  }

  /** Stops broker `id` and its controller: its ephemeral znodes go at once. */
  async kill(id: number): Promise<void> {
    await this.controllers.get(id)?.shutdown();
    this.controllers.delete(id);
    await this.brokers.get(id)?.stop();
    this.brokers.delete(id);
  }

  /** Stops every controller first (so none takes over while the brokers go), then the brokers. */
  async close(): Promise<void> {
    await Promise.all([...this.controllers.values()].map((c) => c.shutdown()));
    this.controllers.clear();
    await Promise.all([...this.brokers.values()].map((b) => b.stop()));
    this.brokers.clear();
    await this.admin.close();
  }

  /** The one active controller (waits for it). */
  async activeController(): Promise<{ id: number; controller: KafkaController }> {
    return waitFor(
      () => {
        const active = [...this.controllers].filter(([, c]) => c.isActive());
        return active.length === 1 ? { id: active[0][0], controller: active[0][1] } : null;
      },
      { timeoutMs: 15000, what: 'one active controller' },
    );
  }

  /** Creates a topic the way the admin tools do: `/config/topics/<t>`, then the assignment. */
  async createTopic(
    topic: string,
    assignment: Record<number, number[]>,
    config: Record<string, string> = {},
  ): Promise<void> {
    await this.admin.create(
      entityConfig.path({ type: 'topics', name: topic }),
      entityConfig.encode(new Map(Object.entries(config))),
    );
    await this.admin.create(topicAssignment.path(topic), encodeAssignment(assignment));
  }

  async setAssignment(topic: string, assignment: Record<number, number[]>): Promise<void> {
    await this.admin.setData(topicAssignment.path(topic), encodeAssignment(assignment));
  }

  /** Changes a topic's config and announces it, as AdminZkClient.changeTopicConfig does. */
  async changeTopicConfig(topic: string, config: Record<string, string>): Promise<void> {
    await this.admin.setData(
      entityConfig.path({ type: 'topics', name: topic }),
      entityConfig.encode(new Map(Object.entries(config))),
    );
    await this.admin.create(
      createPath(configChange.STORE),
      configChange.encode({ entity: { type: 'topics', name: topic } }),
      { mode: 'persistent_sequential' },
    );
  }

  /** The raw JSON of a partition's state znode and its zkVersion, or null. */
  async rawState(
    topic: string,
    partition: number,
  ): Promise<{ json: string; version: number } | null> {
    try {
      const { data, stat } = await this.admin.getData(partitionState.path(topic, partition));
      return { json: (data ?? Buffer.alloc(0)).toString('utf8'), version: stat.version };
    } catch (error) {
      if (error instanceof ZkError && error.code === 'NO_NODE') return null;
      throw error;
    }
  }

  async state(topic: string, partition: number): Promise<partitionState.PartitionState | null> {
    const raw = await this.rawState(topic, partition);
    return raw === null ? null : partitionState.decode(Buffer.from(raw.json));
  }

  /** Waits until the partition's state znode satisfies `check`. */
  async waitForState(
    topic: string,
    partition: number,
    check: (state: partitionState.PartitionState) => boolean,
    what: string,
  ): Promise<partitionState.PartitionState> {
    return waitFor(
      async () => {
        const state = await this.state(topic, partition);
        return state !== null && check(state) ? state : null;
      },
      { timeoutMs: 15000, intervalMs: 50, what: `${topic}-${partition}: ${what}` },
    );
  }

  async exists(path: string): Promise<boolean> {
    return (await this.admin.exists(path)) !== null;
  }
}

/** A per-partition "no error" answer for every partition of a request. */
function noPartitionErrors(
  topicStates: ReadonlyArray<{
    topicName: string;
    partitionStates: ReadonlyArray<{ partitionIndex: number }>;
  }>,
): Array<{ topicName: string; partitionIndex: number; errorCode: number }> {
  return topicStates.flatMap((t) =>
    t.partitionStates.map((p) => ({
      topicName: t.topicName,
      partitionIndex: p.partitionIndex,
      errorCode: 0,
    })),
  );
}

function encodeAssignment(assignment: Record<number, number[]>): Buffer {
  return topicAssignment.encode({
    partitions: new Map(
      Object.entries(assignment).map(([p, replicas]) => [
        Number(p),
        { replicas, addingReplicas: [], removingReplicas: [] },
      ]),
    ),
  });
}
