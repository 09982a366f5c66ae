/**
 * acks=all survives leader crashes (hard bounces). One cluster of 3 brokers, shared by both tests
 * (each on its own topic of 3 partitions, RF 3, min.insync.replicas=2), while a continuous
 * acks=all producer runs:
 * - the leader of partition 0 is killed with SIGKILL and restarted five times (each time: its
 *   `/brokers/ids/<id>` znode goes, the controller gives every partition a live leader and takes
 *   the dead broker out of every ISR, then it comes back and rejoins every ISR);
 * - the same twice while the producer appends batches of about 256 KB, so the kill may land in
 *   the middle of a large write; as that is up to timing, each round also leaves in the dead
 *   broker's copy of partition 0 the torn batch such a kill leaves (half a batch, then a whole
 *   one with a bad CRC). The restarted broker must cut it in its log recovery and truncate to
 *   the new leader's log.
 * Afterwards every replica is back in the ISR and the replicas' logs are identical batch by
 * batch; a drain of the topic finds every acknowledged record at its acknowledged offset, intact,
 * offsets strictly increasing per partition. Records written twice by retries are reported, not
 * failed on.
 */
import { TestCluster } from '../cluster/cluster-harness';
import { useHarness } from '../harness';
import { createReplicatedTopic, partitionStates } from '../cluster/replicated-topic';
import { ContinuousProducer, ensureAllBrokersRunning } from './fault-helpers';
import { appendTornBatch } from './replica-logs';
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
    label: 'fault-leader-kill',
    brokers: 3,
    config: { 'zookeeper.session.timeout.ms': '3000' },
  });
}, 60000);

/**
 * How many times a restarted broker's log recovery says it cut invalid or incomplete data from
 * its copy of `<topic>-0` (the wording of broker/log/log.ts).
 */
function recoveryCutsOfPartition0(output: string, topic: string): number {
  const line = new RegExp(
    `\\[Log partition=${topic}-0, [^\\]]*\\] Found invalid or incomplete data in segment`,
    'g',
  );
  return output.match(line)?.length ?? 0;
}

async function leaderOfPartition0(topic: string): Promise<number> {
  const [state] = await partitionStates(cluster, topic);
  return state.leader;
}

test('every acks=all acknowledged record survives five SIGKILLs of the leader of partition 0, and the replicas end identical', async () => {
  const topic = 'leader-kill';
  await ensureAllBrokersRunning(cluster);
  await createReplicatedTopic(cluster, topic, { 'min.insync.replicas': '2' });
  const producer = new ContinuousProducer(cluster, topic, 'lk');
  await producer.start();
  try {
    await bounceRounds(cluster, topic, producer, {
      rounds: 5,
      signal: 'SIGKILL',
      pickVictim: () => leaderOfPartition0(topic),
      whileDown: (victim, round) => waitForLiveLeadersWithout(cluster, topic, victim.id, round),
    });
  } finally {
    await producer.stop();
  }
  const outcome = await finishRun('leader-kill', cluster, topic, producer);
  expect(producer.acked.length).toBeGreaterThan(100);
  expectContractHeld(outcome);
}, 150000);

test('SIGKILL of the leader of partition 0 during 256 KB appends loses no acknowledged record, leaves no torn batch, and the replicas end identical', async () => {
  const topic = 'leader-kill-large';
  await ensureAllBrokersRunning(cluster);
  await createReplicatedTopic(cluster, topic, { 'min.insync.replicas': '2' });
  // 16 records of 16 KB per send: each append is one batch of about 256 KB.
  const producer = new ContinuousProducer(cluster, topic, 'lkl', {
    recordsPerSend: 16,
    valueBytes: 16 * 1024,
    timeout: 6000,
  });
  await producer.start();
  const recoveryCuts: number[] = [];
  try {
    await bounceRounds(cluster, topic, producer, {
      rounds: 2,
      signal: 'SIGKILL',
      pickVictim: () => leaderOfPartition0(topic),
      whileDown: async (victim, round) => {
        await waitForLiveLeadersWithout(cluster, topic, victim.id, round);
        // Whether the kill itself landed inside a write is up to timing, so each round also
        // leaves the torn batch such a kill would leave: half a batch, then a corrupt one.
        await appendTornBatch(victim.logDir, topic, 0, round % 2 === 1 ? 'partial' : 'corrupt');
      },
      progressPerRound: 16 * 6,
      afterRejoin: (victim) => recoveryCuts.push(recoveryCutsOfPartition0(victim.output, topic)),
    });
  } finally {
    await producer.stop();
  }
  const outcome = await finishRun('leader-kill-large', cluster, topic, producer, { padded: true });
  expect(producer.acked.length).toBeGreaterThan(16 * 30);
  // Each restart's recovery cut the torn batch itself (the truncation to the new leader's log
  // that follows would hide a recovery that kept it).
  expect(recoveryCuts).toEqual([1, 1]);
  expectContractHeld(outcome);
}, 150000);
