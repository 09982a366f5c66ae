/**
 * acks=all while the ISR shrinks. One cluster of 3 brokers with replica.lag.time.max.ms well
 * below the ZooKeeper session timeout (1.5 s and 6 s), shared by both tests (each on its own
 * topic of 3 partitions, RF 3, min.insync.replicas=2), while a continuous acks=all producer runs:
 * - a follower (neither the controller nor the leader of partition 0) is frozen with SIGSTOP:
 *   while it is still registered in ZooKeeper, the leaders drop it from their ISRs for lagging
 *   longer than replica.lag.time.max.ms (written to the partition state znodes) and acks=all
 *   sends go on with two in-sync replicas; after SIGCONT it catches up and every ISR is whole
 *   again. Then the same follower is killed with SIGKILL, dropped from the ISRs the same way,
 *   restarted once its znode is gone, and rejoins every ISR;
 * - two of the three brokers are killed: once every ISR has shrunk to the survivor, acks=all
 *   sends fail with NOT_ENOUGH_REPLICAS, and none of the refused values is ever consumed; the two
 *   come back and rejoin the ISRs.
 * Afterwards every replica is back in the ISR and the replicas' logs are identical batch by
 * batch; a drain of the topic finds every acknowledged record at its acknowledged offset, offsets
 * strictly increasing per partition. Records written twice by retries, and sends whose outcome
 * is unknown (timed out) but were written, are reported, not failed on.
 */
import { Samsa } from '../../client';
import { TestCluster } from '../cluster/cluster-harness';
import { useHarness, waitFor } from '../harness';
import {
  PARTITIONS,
  createReplicatedTopic,
  partitionStates,
  waitForIsr,
} from '../cluster/replicated-topic';
import {
  ContinuousProducer,
  ensureAllBrokersRunning,
  errorName,
  isRegistered,
  waitForDeregistration,
} from './fault-helpers';
import { expectContractHeld, finishRun } from './fault-run';

useHarness();

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({
    label: 'fault-isr-shrink',
    brokers: 3,
    config: { 'replica.lag.time.max.ms': '1500', 'zookeeper.session.timeout.ms': '6000' },
  });
}, 60000);

/**
 * Waits until every partition the lagging broker does not lead has dropped it from its ISR, and
 * says whether the broker was still registered then (the shrink was the leaders' lag check, not
 * the controller reacting to a lost session).
 */
async function waitForLagShrink(
  topic: string,
  lagging: number,
  what: string,
): Promise<{ stillRegistered: boolean }> {
  await waitForIsr(
    cluster,
    topic,
    (isr, state) => state.leader === lagging || !isr.includes(lagging),
    `broker ${lagging} out of the ISR of every partition it follows (${what})`,
    10000,
  );
  return { stillRegistered: await isRegistered(cluster, lagging) };
}

test('a follower frozen (SIGSTOP) or killed for longer than replica.lag.time.max.ms leaves the ISRs while acks=all sends go on, and rejoins them once it runs again; the replicas end identical', async () => {
  const topic = 'follower-lag';
  await ensureAllBrokersRunning(cluster);
  await createReplicatedTopic(cluster, topic, { 'min.insync.replicas': '2' });
  const controller = (await cluster.waitForController()).brokerId;
  const leader0 = (await partitionStates(cluster, topic))[0].leader;
  const follower = cluster.brokers.find((b) => b.id !== controller && b.id !== leader0);
  if (follower === undefined) throw new Error('no broker is neither controller nor leader of p0');
  const producer = new ContinuousProducer(cluster, topic, 'fl');
  await producer.start();
  const shrinks: { stillRegistered: boolean }[] = [];
  try {
    await producer.waitForProgress(20, 'before the follower is frozen');
    process.kill(follower.pid, 'SIGSTOP');
    try {
      shrinks.push(await waitForLagShrink(topic, follower.id, 'frozen'));
      await producer.waitForProgress(20, `while broker ${follower.id} is frozen`);
    } finally {
      process.kill(follower.pid, 'SIGCONT');
    }
    await waitForIsr(cluster, topic, (isr) => isr.length === 3, 'every ISR whole after SIGCONT');

    await producer.waitForProgress(20, 'before the follower is killed');
    await follower.stop('SIGKILL');
    shrinks.push(await waitForLagShrink(topic, follower.id, 'killed'));
    await producer.waitForProgress(20, `while broker ${follower.id} is dead`);
    await waitForDeregistration(cluster, follower.id);
    follower.start();
    await cluster.waitForBrokers([1, 2, 3]);
    await waitForIsr(cluster, topic, (isr) => isr.length === 3, 'every ISR whole after restart');
    await producer.waitForProgress(20, 'after the restart');
  } finally {
    await producer.stop();
  }
  const outcome = await finishRun('follower-lag', cluster, topic, producer);
  expect(shrinks).toEqual([{ stillRegistered: true }, { stillRegistered: true }]);
  expectContractHeld(outcome);
}, 120000);

const PROBES_PER_PARTITION = 3;

test('with two of three replicas dead, acks=all sends fail with NOT_ENOUGH_REPLICAS and their values are never consumed; the replicas end identical', async () => {
  const topic = 'not-enough-replicas';
  await ensureAllBrokersRunning(cluster);
  await createReplicatedTopic(cluster, topic, { 'min.insync.replicas': '2' });
  const producer = new ContinuousProducer(cluster, topic, 'ner', { retries: 3 });
  await producer.start();
  const refused: string[] = [];
  const probeOutcomes: string[] = [];
  try {
    await producer.waitForProgress(20, 'before the kills');
    // The controller survives, so no controller failover is needed.
    const survivor = (await cluster.waitForController()).brokerId;
    const victims = cluster.brokers.filter((b) => b.id !== survivor);
    await Promise.all(victims.map((b) => b.stop('SIGKILL')));
    await Promise.all(victims.map((b) => waitForDeregistration(cluster, b.id)));
    await waitForIsr(
      cluster,
      topic,
      (isr, state) => isr.length === 1 && isr[0] === survivor && state.leader === survivor,
      `every ISR shrunk to broker ${survivor}`,
    );

    // The survivor answers Metadata from what the controller last sent it, which may lag the
    // znodes: wait until it names itself leader of every partition before probing.
    const samsa = new Samsa({
      clientId: 'fault-probe',
      brokers: [cluster.broker(survivor).address],
    });
    const admin = samsa.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
          return partitions.every((p) => p.leader === survivor && p.isr.length === 1);
        },
        {
          timeoutMs: 10000,
          what: `broker ${survivor}'s metadata to show it leads every partition alone`,
        },
      );
    } finally {
      await admin.disconnect();
    }
    // One attempt per send, so a refusal is the answer to the only write of that value.
    const probe = samsa.producer({ acks: 'all', timeout: 4000, retry: { retries: 0 } });
    await probe.connect();
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        for (let n = 0; n < PROBES_PER_PARTITION; n++) {
          const value = `probe-p${p}-${n}`;
          try {
            await probe.send({ topic, messages: [{ value, partition: p }] });
            probeOutcomes.push(`${value}: acknowledged`);
          } catch (error) {
            probeOutcomes.push(`${value}: ${errorName(error)}`);
            if (errorName(error) === 'NOT_ENOUGH_REPLICAS') refused.push(value);
          }
        }
      }
    } finally {
      await probe.disconnect();
    }
    await waitFor(() => producer.failed.some((f) => f.reason === 'NOT_ENOUGH_REPLICAS'), {
      timeoutMs: 20000,
      what: 'the continuous producer to see NOT_ENOUGH_REPLICAS',
    });

    for (const b of victims) b.start();
    await cluster.waitForBrokers([1, 2, 3]);
    await waitForIsr(cluster, topic, (isr) => isr.length === 3, 'every ISR full again');
    await producer.waitForProgress(20, 'after the restarts');
  } finally {
    await producer.stop();
  }

  const outcome = await finishRun('not-enough-replicas', cluster, topic, producer);
  const consumed = new Set(outcome.consumed.map((r) => r.value));
  const refusedButConsumed = producer.failed.filter(
    (f) => f.reason === 'NOT_ENOUGH_REPLICAS' && consumed.has(f.value),
  );
  const unknownConsumed = producer.failed.filter(
    (f) => f.reason !== 'NOT_ENOUGH_REPLICAS' && consumed.has(f.value),
  );
  process.stdout.write(
    `not-enough-replicas: ${unknownConsumed.length} failed-not-refused sends consumed, ` +
      `${refusedButConsumed.length} continuous sends refused after a retry but consumed (an earlier ` +
      `attempt was written) ${JSON.stringify(refusedButConsumed.map((f) => f.value))}\n`,
  );

  expect(probeOutcomes).toEqual(
    probeOutcomes.map((o) => `${o.slice(0, o.indexOf(':'))}: NOT_ENOUGH_REPLICAS`),
  );
  expect(refused).toHaveLength(PARTITIONS * PROBES_PER_PARTITION);
  expect(refused.filter((v) => consumed.has(v))).toEqual([]);
  expectContractHeld(outcome);
}, 120000);
