/**
 * End to end on three real broker processes sharing one chroot of the run's ZooKeeper ensemble,
 * through the client library: topic creation lands in ZooKeeper exactly where and how Kafka 2.x
 * writes it, records come back exactly and in order per partition, and every broker answers
 * Metadata the same way.
 */
import { Connection } from '../../client/network/connection';
import { ApiKey, ResponseBody } from '../../client/protocol/apis';
import { Samsa } from '../../client';
import type { KafkaMessage } from '../../client';
import * as clusterIdZnode from '../../zk-schema/znodes/cluster-id';
import * as entityConfig from '../../zk-schema/znodes/entity-config';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import * as topicAssignment from '../../zk-schema/znodes/topic-assignment';
import { useHarness, waitFor } from '../harness';
import { TestCluster } from './cluster-harness';

useHarness();

const TOPIC = 'orders';
const PARTITIONS = 3;

let cluster: TestCluster;
let samsa: Samsa;

beforeAll(async () => {
  cluster = await TestCluster.start({ label: 'cluster-e2e', brokers: 3 });
  samsa = new Samsa({ clientId: 'cluster-e2e', brokers: cluster.bootstrapServers() });
  const admin = samsa.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'retention.ms', value: '86400000' }],
        },
      ],
      timeout: 20000,
    });
  } finally {
    await admin.disconnect();
  }
});

async function json(path: string): Promise<unknown> {
  const { data } = await cluster.zk.getData(path);
  return JSON.parse((data ?? Buffer.alloc(0)).toString());
}

/** Every partition's leader and ISR in ZooKeeper, once each has all three replicas in sync. */
async function settledStates(topic: string): Promise<partitionState.PartitionState[]> {
  return waitFor(
    async () => {
      const states = await Promise.all(
        [...Array(PARTITIONS).keys()].map(async (p) => {
          const { data } = await cluster.zk.getData(partitionState.path(topic, p));
          return partitionState.decode(data ?? Buffer.alloc(0));
        }),
      );
      return states.every((s) => s.isr.length === 3) ? states : null;
    },
    { timeoutMs: 20000, what: `every partition of ${topic} with a full ISR` },
  );
}

describe('a 3-broker cluster', () => {
  test("a topic created through the Admin API (RF 3, 3 partitions) is in ZooKeeper at Kafka's paths with Kafka's JSON fields", async () => {
    const assignment = (await json(topicAssignment.path(TOPIC))) as {
      version: number;
      partitions: Record<string, number[]>;
      adding_replicas: Record<string, number[]>;
      removing_replicas: Record<string, number[]>;
    };
    expect(Object.keys(assignment).sort()).toEqual(
      expect.arrayContaining(['adding_replicas', 'partitions', 'removing_replicas', 'version']),
    );
    expect([2, 3]).toContain(assignment.version);
    expect(assignment.adding_replicas).toEqual({});
    expect(assignment.removing_replicas).toEqual({});
    expect(Object.keys(assignment.partitions).sort()).toEqual(['0', '1', '2']);
    for (const replicas of Object.values(assignment.partitions)) {
      expect([...replicas].sort()).toEqual([1, 2, 3]);
    }
    // Kafka's rack-unaware assignment puts the preferred leaders on different brokers.
    const preferred = Object.values(assignment.partitions).map((r) => r[0]);
    expect(new Set(preferred).size).toBe(3);

    const controller = await cluster.waitForController();
    await settledStates(TOPIC);
    for (let p = 0; p < PARTITIONS; p++) {
      const partitionNode = await cluster.zk.getData(partitionState.partitionPath(TOPIC, p));
      expect(partitionNode.data === null || partitionNode.data.length === 0).toBe(true);
      const state = (await json(partitionState.path(TOPIC, p))) as Record<string, unknown>;
      expect(Object.keys(state).sort()).toEqual([
        'controller_epoch',
        'isr',
        'leader',
        'leader_epoch',
        'version',
      ]);
      expect(state).toMatchObject({
        version: 1,
        leader: assignment.partitions[String(p)][0],
        leader_epoch: 0,
        controller_epoch: controller.epoch,
      });
      expect([...(state.isr as number[])].sort()).toEqual([1, 2, 3]);
    }

    expect(await json(entityConfig.path({ type: 'topics', name: TOPIC }))).toEqual({
      version: 1,
      config: { 'retention.ms': '86400000' },
    });
  });

  test('records produced through the client library are consumed exactly, in order per partition', async () => {
    await settledStates(TOPIC);
    const producer = samsa.producer({ acks: 'all', lingerMs: 5 });
    await producer.connect();
    const sent = new Map<number, string[]>();
    try {
      for (let round = 0; round < 5; round++) {
        const messages = [];
        for (let p = 0; p < PARTITIONS; p++) {
          for (let i = 0; i < 4; i++) {
            const value = `p${p}-r${round}-m${i}`;
            messages.push({ key: `k${p}`, value, partition: p, headers: { round: String(round) } });
            sent.set(p, [...(sent.get(p) ?? []), value]);
          }
        }
        const metadata = await producer.send({ topic: TOPIC, messages });
        expect(metadata.every((m) => m.errorCode === 0)).toBe(true);
      }
    } finally {
      await producer.disconnect();
    }

    const consumer = samsa.consumer({ maxWaitTimeInMs: 100 });
    await consumer.connect();
    const received = new Map<number, KafkaMessage[]>();
    try {
      consumer.assign(
        [...Array(PARTITIONS).keys()].map((partition) => ({ topic: TOPIC, partition })),
        { fromBeginning: true },
      );
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.set(partition, [...(received.get(partition) ?? []), message]);
        },
      });
      await waitFor(
        () => [...sent].every(([p, values]) => (received.get(p)?.length ?? 0) >= values.length),
        { timeoutMs: 20000, what: 'every produced record to be consumed' },
      );
    } finally {
      await consumer.disconnect();
    }
    for (const [p, values] of sent) {
      const messages = received.get(p) ?? [];
      expect(messages.map((m) => m.value?.toString())).toEqual(values);
      expect(messages.map((m) => m.offset)).toEqual(values.map((_, i) => i));
      expect(messages.every((m) => m.key?.toString() === `k${p}`)).toBe(true);
      expect(messages[0].headers.round?.toString()).toBe('0');
    }
  });

  test('every broker answers Metadata the same way: brokers, controller, cluster id, leaders and ISRs', async () => {
    const states = await settledStates(TOPIC);
    const controller = await cluster.waitForController();
    const { data } = await cluster.zk.getData(clusterIdZnode.path());
    const clusterId = clusterIdZnode.decode(data ?? Buffer.alloc(0)).id;

    const ask = async (address: string): Promise<ResponseBody<typeof ApiKey.Metadata>> => {
      const [host, port] = address.split(':');
      const connection = new Connection({ host, port: Number(port), clientId: 'metadata-check' });
      try {
        return await connection.request(ApiKey.Metadata, { topics: [], allTopics: true });
      } finally {
        connection.close();
      }
    };
    const normalized = (response: ResponseBody<typeof ApiKey.Metadata>) => ({
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: response.brokers
        .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }))
        .sort((a, b) => a.nodeId - b.nodeId),
      topics: response.topics
        .map((t) => ({
          name: t.name,
          errorCode: t.errorCode,
          partitions: t.partitions
            .map((p) => ({
              partition: p.partitionIndex,
              leader: p.leaderId,
              leaderEpoch: p.leaderEpoch,
              replicas: p.replicaNodes,
              isr: [...p.isrNodes].sort(),
            }))
            .sort((a, b) => a.partition - b.partition),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    });

    // UpdateMetadata reaches the brokers one by one: wait until they agree.
    const answers = await waitFor(
      async () => {
        const all = await Promise.all(cluster.bootstrapServers().map(ask));
        const views = all.map((r) => JSON.stringify(normalized(r)));
        return views.every((v) => v === views[0]) ? all.map(normalized) : null;
      },
      { timeoutMs: 20000, what: 'every broker to give the same Metadata answer' },
    );
    const view = answers[0];
    expect(view.clusterId).toBe(clusterId);
    expect(view.controllerId).toBe(controller.brokerId);
    expect(view.brokers).toEqual(
      cluster.brokers.map((b) => ({ nodeId: b.id, host: '127.0.0.1', port: b.port })),
    );
    const topic = view.topics.find((t) => t.name === TOPIC);
    expect(topic?.errorCode).toBe(0);
    expect(topic?.partitions.map((p) => p.leader)).toEqual(states.map((s) => s.leader));
    expect(topic?.partitions.map((p) => p.leaderEpoch)).toEqual(states.map((s) => s.leaderEpoch));
    expect(topic?.partitions.every((p) => p.isr.join() === '1,2,3')).toBe(true);
  });
});
