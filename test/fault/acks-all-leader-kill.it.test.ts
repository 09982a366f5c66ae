/**
 * acks=all survives leader crashes: with 3 brokers, a topic of 3 partitions, RF 3 and
 * min.insync.replicas=2, a continuous acks=all producer runs while the leader of partition 0 is
 * killed with SIGKILL and restarted three times (each time: its `/brokers/ids/<id>` znode goes,
 * it comes back and rejoins every ISR). A drain of the topic afterwards finds every acknowledged
 * record at its acknowledged offset with its value, offsets strictly increasing per partition;
 * values written twice by retries are counted and reported, not failed on.
 */
import { TestCluster } from '../cluster/cluster-harness';
import { useHarness, waitFor } from '../harness';
import { createReplicatedTopic, partitionStates, waitForIsr } from '../cluster/replicated-topic';
import {
  ContinuousProducer,
  checkContract,
  drainTopic,
  waitForDeregistration,
} from './fault-helpers';

useHarness();

const TOPIC = 'leader-kill';
const ROUNDS = 3;

test('every acks=all acknowledged record survives three SIGKILLs of the leader of partition 0', async () => {
  const cluster = await TestCluster.start({ label: 'fault-leader-kill', brokers: 3 });
  await createReplicatedTopic(cluster, TOPIC, { 'min.insync.replicas': '2' });
  const producer = new ContinuousProducer(cluster, TOPIC, 'lk');
  await producer.start();
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const progress = producer.ackedCount;
      await waitFor(() => producer.ackedCount > progress + 20, {
        timeoutMs: 20000,
        what: `acknowledged sends before round ${round}`,
      });
      const [state] = await partitionStates(cluster, TOPIC);
      const victim = cluster.broker(state.leader);
      await victim.stop('SIGKILL');
      await waitForDeregistration(cluster, victim.id);
      victim.start();
      await cluster.waitForBrokers([1, 2, 3]);
      await waitForIsr(
        cluster,
        TOPIC,
        (isr) => isr.length === 3,
        `broker ${victim.id} back in every ISR (round ${round})`,
      );
    }
    const progress = producer.ackedCount;
    await waitFor(() => producer.ackedCount > progress + 20, {
      timeoutMs: 20000,
      what: 'acknowledged sends after the last round',
    });
  } finally {
    await producer.stop();
  }

  const consumed = await drainTopic(cluster.bootstrapServers(), TOPIC);
  const report = checkContract(producer.acked, consumed);
  const failures = new Map<string, number>();
  for (const f of producer.failed) failures.set(f.reason, (failures.get(f.reason) ?? 0) + 1);
  process.stdout.write(
    `leader-kill: ${producer.acked.length} acknowledged, ${producer.failed.length} failed sends ${JSON.stringify(Object.fromEntries(failures))}, ${report.consumedCount} consumed, ${report.duplicates.length} duplicates ${JSON.stringify(report.duplicates.slice(0, 10))}\n`,
  );
  expect(producer.acked.length).toBeGreaterThan(60);
  expect(report.lost).toEqual([]);
  expect(report.outOfOrder).toEqual([]);
}, 90000);
