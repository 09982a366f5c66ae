/**
 * acks=all refuses what it cannot replicate: with 3 brokers, a topic of 3 partitions, RF 3 and
 * min.insync.replicas=2, two of the three brokers are killed with SIGKILL while a continuous
 * acks=all producer runs. Once every ISR has shrunk to the survivor, acks=all sends fail with
 * NOT_ENOUGH_REPLICAS; after the two brokers come back and rejoin the ISRs, a drain of the topic
 * finds every acknowledged record at its offset with its value and none of the refused values.
 * Sends that failed otherwise (timed out: their outcome is unknown) are counted and reported.
 */
import { Samsa } from '../../client';
import { TestCluster } from '../cluster/cluster-harness';
import { useHarness, waitFor } from '../harness';
import { PARTITIONS, createReplicatedTopic, waitForIsr } from '../cluster/replicated-topic';
import {
  ContinuousProducer,
  checkContract,
  drainTopic,
  errorName,
  waitForDeregistration,
} from './fault-helpers';

useHarness();

const TOPIC = 'not-enough-replicas';
const PROBES_PER_PARTITION = 3;

test('with two of three replicas dead, acks=all sends fail with NOT_ENOUGH_REPLICAS and their values are never consumed', async () => {
  const cluster = await TestCluster.start({ label: 'fault-not-enough-replicas', brokers: 3 });
  await createReplicatedTopic(cluster, TOPIC, { 'min.insync.replicas': '2' });
  const producer = new ContinuousProducer(cluster, TOPIC, 'ner', { retries: 3 });
  await producer.start();
  const refused: string[] = [];
  const probeOutcomes: string[] = [];
  try {
    await waitFor(() => producer.ackedCount > 20, {
      timeoutMs: 20000,
      what: 'acknowledged sends before the kills',
    });
    // The controller survives, so no controller failover is needed.
    const survivor = (await cluster.waitForController()).brokerId;
    const victims = cluster.brokers.filter((b) => b.id !== survivor);
    await Promise.all(victims.map((b) => b.stop('SIGKILL')));
    await Promise.all(victims.map((b) => waitForDeregistration(cluster, b.id)));
    await waitForIsr(
      cluster,
      TOPIC,
      (isr, state) => isr.length === 1 && isr[0] === survivor && state.leader === survivor,
      `every ISR shrunk to broker ${survivor}`,
    );

    // One attempt per send, so a refusal is the answer to the only write of that value.
    const probe = new Samsa({
      clientId: 'fault-probe',
      brokers: [cluster.broker(survivor).address],
    }).producer({ acks: 'all', timeout: 4000, retry: { retries: 0 } });
    await probe.connect();
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        for (let n = 0; n < PROBES_PER_PARTITION; n++) {
          const value = `probe-p${p}-${n}`;
          try {
            await probe.send({ topic: TOPIC, messages: [{ value, partition: p }] });
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
    await waitForIsr(cluster, TOPIC, (isr) => isr.length === 3, 'every ISR full again');
    const progress = producer.ackedCount;
    await waitFor(() => producer.ackedCount > progress + 20, {
      timeoutMs: 20000,
      what: 'acknowledged sends after the restarts',
    });
  } finally {
    await producer.stop();
  }

  const consumed = await drainTopic(cluster.bootstrapServers(), TOPIC);
  const report = checkContract(producer.acked, consumed);
  const values = new Set(consumed.map((r) => r.value));
  const failures = new Map<string, number>();
  for (const f of producer.failed) failures.set(f.reason, (failures.get(f.reason) ?? 0) + 1);
  const refusedButConsumed = producer.failed.filter(
    (f) => f.reason === 'NOT_ENOUGH_REPLICAS' && values.has(f.value),
  );
  const unknownConsumed = producer.failed.filter(
    (f) => f.reason !== 'NOT_ENOUGH_REPLICAS' && values.has(f.value),
  );
  process.stdout.write(
    `not-enough-replicas: ${producer.acked.length} acknowledged, failed sends ${JSON.stringify(Object.fromEntries(failures))}, ${report.consumedCount} consumed, ${report.duplicates.length} duplicates, ${unknownConsumed.length} failed-not-refused sends consumed, ${refusedButConsumed.length} continuous sends refused after a retry but consumed (an earlier attempt was written) ${JSON.stringify(refusedButConsumed.map((f) => f.value))}\n`,
  );

  expect(probeOutcomes).toEqual(
    probeOutcomes.map((o) => `${o.slice(0, o.indexOf(':'))}: NOT_ENOUGH_REPLICAS`),
  );
  expect(refused).toHaveLength(PARTITIONS * PROBES_PER_PARTITION);
  expect(refused.filter((v) => values.has(v))).toEqual([]);
  expect(report.lost).toEqual([]);
  expect(report.outOfOrder).toEqual([]);
}, 90000);
