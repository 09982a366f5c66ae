/**
 * SIGTERM on a broker of a 3-broker cluster runs Kafka's controlled shutdown: the broker asks the
 * controller to move leadership of its partitions away before it stops, the controller answers
 * with nothing left to move, and the process exits 0 with its partitions already led elsewhere.
 */
import { Samsa } from '../../client';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import { useHarness, waitFor } from '../harness';
import { TestCluster } from './cluster-harness';

useHarness();

const TOPIC = 'drain';
const PARTITIONS = 3;

async function states(cluster: TestCluster): Promise<partitionState.PartitionState[]> {
  return Promise.all(
    [...Array(PARTITIONS).keys()].map(async (p) => {
      const { data } = await cluster.zk.getData(partitionState.path(TOPIC, p));
      return partitionState.decode(data ?? Buffer.alloc(0));
    }),
  );
}

test('SIGTERM moves leadership off the broker through the controller before it exits 0', async () => {
  const cluster = await TestCluster.start({ label: 'controlled-shutdown', brokers: 3 });
  const admin = new Samsa({ brokers: cluster.bootstrapServers() }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }],
    timeout: 20000,
  });
  await admin.disconnect();
  const before = await waitFor(
    async () => {
      const all = await states(cluster);
      return all.every((s) => s.isr.length === 3) ? all : null;
    },
    { timeoutMs: 20000, what: 'full ISRs' },
  );

  // A broker that is not the controller and leads a partition (each leads one: see the
  // rack-unaware assignment).
  const controller = await cluster.waitForController();
  const leaving = before.map((s) => s.leader).find((id) => id !== controller.brokerId) as number;
  const led = before.flatMap((s, p) => (s.leader === leaving ? [p] : []));
  expect(led.length).toBeGreaterThan(0);

  const status = await cluster.broker(leaving).stop('SIGTERM');
  expect(status).toEqual({ code: 0, signal: null });
  const output = cluster.broker(leaving).output;
  expect(output).toContain(`[KafkaServer id=${leaving}] Starting controlled shutdown`);
  expect(output).toContain('Controlled shutdown request returned successfully');
  expect(output).not.toContain('Remaining partitions to move');

  const after = await states(cluster);
  for (const p of led) {
    expect(after[p].leader).not.toBe(leaving);
    expect(after[p].leaderEpoch).toBeGreaterThan(before[p].leaderEpoch);
  }
  await waitFor(async () => (await states(cluster)).every((s) => !s.isr.includes(leaving)), {
    timeoutMs: 10000,
    what: `broker ${leaving} out of every ISR`,
  });
});
