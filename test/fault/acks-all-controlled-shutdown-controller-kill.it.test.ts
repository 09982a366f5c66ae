/**
 * acks=all survives clean bounces and controller crashes. One cluster of 3 brokers, shared by
 * both tests (each on its own topic of 3 partitions, RF 3, min.insync.replicas=2), while a
 * continuous acks=all producer runs:
 * - the leader of partition 0 is stopped with SIGTERM and restarted five times: each time the
 *   controlled shutdown succeeds, the process exits with code 0, and by then no partition is led
 *   by it any more (leadership moved before the exit); every send still succeeds (the producer
 *   sees only retriable errors);
 * - the broker that is the controller is killed with SIGKILL and restarted five times: each time,
 *   once its `/brokers/ids/<id>` znode is gone, another broker becomes controller with a higher
 *   controller epoch, and every partition gets a leader other than the dead broker, which leaves
 *   every ISR; it comes back and rejoins every ISR.
 * Afterwards every replica is back in the ISR and the replicas' logs are identical batch by
 * batch; a drain of the topic finds every acknowledged record at its acknowledged offset, offsets
 * strictly increasing per partition. Records written twice by retries are reported, not failed on.
 */
import { TestCluster } from '../cluster/cluster-harness';
import { useHarness } from '../harness';
import { createReplicatedTopic, partitionStates } from '../cluster/replicated-topic';
import { ContinuousProducer, ensureAllBrokersRunning } from './fault-helpers';
import {
  bounceRounds,
  expectContractHeld,
  finishRun,
  waitForLiveLeadersWithout,
} from './fault-run';

useHarness();

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({
    label: 'fault-clean-bounce',
    brokers: 3,
    config: { 'zookeeper.session.timeout.ms': '3000' },
  });
}, 60000);

test('every acks=all send succeeds through five controlled shutdowns (SIGTERM) of the leader of partition 0, each moving leadership away before the exit, and the replicas end identical', async () => {
  const topic = 'leader-sigterm';
  await ensureAllBrokersRunning(cluster);
  await createReplicatedTopic(cluster, topic, { 'min.insync.replicas': '2' });
  const producer = new ContinuousProducer(cluster, topic, 'ls');
  await producer.start();
  try {
    await bounceRounds(cluster, topic, producer, {
      rounds: 5,
      signal: 'SIGTERM',
      pickVictim: async () => (await partitionStates(cluster, topic))[0].leader,
      afterExit: async (victim, exit, round) => {
        const states = await partitionStates(cluster, topic);
        expect({
          round,
          exit,
          controlledShutdown: victim.output.includes(
            'Controlled shutdown request returned successfully',
          ),
          partitionsStillLed: states.filter((s) => s.leader === victim.id).length,
        }).toEqual({
          round,
          exit: { code: 0, signal: null },
          controlledShutdown: true,
          partitionsStillLed: 0,
        });
      },
    });
  } finally {
    await producer.stop();
  }
  const outcome = await finishRun('leader-sigterm', cluster, topic, producer);
  expect(producer.acked.length).toBeGreaterThan(100);
  expectContractHeld(outcome);
  expect(producer.failureCounts()).toEqual({});
}, 150000);

test('every acks=all acknowledged record survives five SIGKILLs of the controller, whose role moves to another broker each time with every partition led by a live broker, and the replicas end identical', async () => {
  const topic = 'controller-kill';
  await ensureAllBrokersRunning(cluster);
  await createReplicatedTopic(cluster, topic, { 'min.insync.replicas': '2' });
  const producer = new ContinuousProducer(cluster, topic, 'ck');
  await producer.start();
  let killed = { brokerId: -1, epoch: -1 };
  const moves: string[] = [];
  try {
    await bounceRounds(cluster, topic, producer, {
      rounds: 5,
      signal: 'SIGKILL',
      pickVictim: async () => {
        killed = await cluster.waitForController();
        return killed.brokerId;
      },
      whileDown: async (victim, round) => {
        const next = await cluster.waitForController(
          (c) => c.brokerId !== victim.id && c.epoch > killed.epoch,
        );
        moves.push(`${killed.brokerId}->${next.brokerId} (epoch ${killed.epoch}->${next.epoch})`);
        await waitForLiveLeadersWithout(cluster, topic, victim.id, round);
      },
    });
  } finally {
    await producer.stop();
  }
  process.stdout.write(`controller-kill: controller moves ${moves.join(', ')}\n`);
  const outcome = await finishRun('controller-kill', cluster, topic, producer);
  expect(producer.acked.length).toBeGreaterThan(100);
  expectContractHeld(outcome);
}, 150000);
