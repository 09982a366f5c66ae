/**
 * SIGTERM on a broker of a 3-broker cluster runs Kafka's controlled shutdown: the broker asks the
 * controller to move leadership of its partitions away before it stops, the controller answers
 * with nothing left to move, and the process exits 0 with its partitions already led elsewhere.
 */
import { useHarness, waitFor } from '../harness';
import { TestCluster } from './cluster-harness';
import { createReplicatedTopic, partitionStates } from './replicated-topic';

useHarness();

const TOPIC = 'drain';

test('SIGTERM moves leadership off the broker through the controller before it exits 0', async () => {
  const cluster = await TestCluster.start({ label: 'controlled-shutdown', brokers: 3 });
  await createReplicatedTopic(cluster, TOPIC);
  const before = await partitionStates(cluster, TOPIC);

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

  const after = await partitionStates(cluster, TOPIC);
  for (const p of led) {
    expect(after[p].leader).not.toBe(leaving);
    expect(after[p].leaderEpoch).toBeGreaterThan(before[p].leaderEpoch);
  }
  await waitFor(
    async () => (await partitionStates(cluster, TOPIC)).every((s) => !s.isr.includes(leaving)),
    {
      timeoutMs: 10000,
      what: `broker ${leaving} out of every ISR`,
    },
  );
});
