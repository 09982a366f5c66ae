/**
 * Leader elections on three real broker processes (auto leader rebalance off, so only the
 * elections under test move leadership), through `samsa leader-election`'s tool run in-process
 * with the real admin client:
 * - after a broker bounce its preferred partitions are led elsewhere; a preferred election over
 *   all partitions moves them back (Kafka's output lines), and a second one needs no election;
 * - `/admin/preferred_replica_election` does the same through ZooKeeper and is deleted;
 * - a partition whose only ISR member is down stays offline with a live replica outside the ISR;
 *   a preferred election fails with PREFERRED_LEADER_NOT_AVAILABLE, an unclean one elects the
 *   live replica.
 */
import yargs from 'yargs';
import { Samsa } from '../../client';
import { leaderElectionCommand } from '../../ops/commands/leader-election';
import { runLeaderElection } from '../../ops/tools/leader-election/leader-election-command';
import {
  LeaderElectionFlags,
  parseLeaderElectionCommand,
} from '../../ops/tools/leader-election/leader-election-options';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import * as preferredElection from '../../zk-schema/znodes/preferred-replica-election';
import * as topicAssignment from '../../zk-schema/znodes/topic-assignment';
import { useHarness, waitFor } from '../harness';
import { CollectedOutput } from '../ops/tools/collected-output';
import { TestCluster } from './cluster-harness';
import { createReplicatedTopic, partitionStates, waitForIsr } from './replicated-topic';

useHarness();

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({
    label: 'leader-election',
    brokers: 3,
    config: { 'auto.leader.rebalance.enable': 'false' },
  });
  await createReplicatedTopic(cluster, 'pref');
});

/** Runs `samsa leader-election` in-process against the running brokers. */
async function leaderElection(
  flags: LeaderElectionFlags,
): Promise<{ lines: string[]; error: string | null }> {
  const live = cluster.brokers.filter((b) => b.running).map((b) => b.address);
  const command = parseLeaderElectionCommand({
    'bootstrap-server': live.join(','),
    ...flags,
  });
  const admin = new Samsa({ clientId: 'leader-election-test', brokers: live }).admin();
  const output = new CollectedOutput();
  try {
    await runLeaderElection(command, admin, output);
    return { lines: output.lines(), error: null };
  } catch (error) {
    return { lines: output.lines(), error: (error as Error).message };
  }
}

/** Runs the `samsa leader-election` command module in-process; resolves to what it printed. */
async function leaderElectionCommandLine(args: string[]): Promise<string> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await yargs()
      .command(leaderElectionCommand)
      .strict()
      .fail(false)
      .parseAsync(['leader-election', ...args]);
  } finally {
    spy.mockRestore();
  }
  return written.join('');
}

async function preferredReplicas(topic: string): Promise<number[]> {
  const { data } = await cluster.zk.getData(topicAssignment.path(topic));
  const assignment = topicAssignment.decode(data ?? Buffer.alloc(0));
  return [...assignment.partitions.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, a]) => a.replicas[0]);
}

/**
 * Restarts a broker that is not the controller and prefers some partition of `pref`, and waits
 * until it is back in every ISR; resolves to the partitions it prefers (now led elsewhere).
 */
async function bounceAPreferredLeader(): Promise<{ broker: number; partitions: number[] }> {
  const controller = await cluster.waitForController();
  const preferred = await preferredReplicas('pref');
  const broker = preferred.find((id) => id !== controller.brokerId) as number;
  await cluster.broker(broker).stop('SIGTERM');
  cluster.broker(broker).start();
  await waitForIsr(cluster, 'pref', (isr) => isr.length === 3, `broker ${broker} back in the ISRs`);
  const partitions = preferred.flatMap((id, p) => (id === broker ? [p] : []));
  const states = await partitionStates(cluster, 'pref');
  for (const p of partitions) expect(states[p].leader).not.toBe(broker);
  return { broker, partitions };
}

test('a preferred election moves leadership back to the preferred replicas after a bounce', async () => {
  const { partitions } = await bounceAPreferredLeader();

  const run = await leaderElection({ 'election-type': 'preferred', 'all-topic-partitions': true });
  expect(run).toEqual({
    lines: [
      `Successfully completed leader election (PREFERRED) for partitions ${partitions
        .map((p) => `pref-${p}`)
        .join(', ')}`,
    ],
    error: null,
  });
  const preferred = await preferredReplicas('pref');
  expect((await partitionStates(cluster, 'pref')).map((s) => s.leader)).toEqual(preferred);

  const again = await leaderElectionCommandLine([
    '--bootstrap-server',
    cluster.bootstrapServers().join(','),
    '--election-type',
    'preferred',
    '--topic',
    'pref',
    '--partition',
    String(partitions[0]),
  ]);
  expect(again).toBe(`Valid replica already elected for partitions pref-${partitions[0]}\n`);
});

test('/admin/preferred_replica_election moves leadership back and is deleted', async () => {
  const { partitions } = await bounceAPreferredLeader();
  await cluster.zk.create(
    preferredElection.path(),
    preferredElection.encode({
      partitions: partitions.map((partition) => ({ topic: 'pref', partition })),
    }),
  );
  const preferred = await preferredReplicas('pref');
  await waitFor(
    async () =>
      (await partitionStates(cluster, 'pref')).every((s, p) => s.leader === preferred[p]) &&
      (await cluster.zk.exists(preferredElection.path())) === null,
    { timeoutMs: 20000, what: 'preferred leaders and the znode deleted' },
  );
});

test('an unclean election elects a live replica outside the ISR of an offline partition', async () => {
  const controller = await cluster.waitForController();
  const [first, second] = [1, 2, 3].filter((id) => id !== controller.brokerId);
  const admin = new Samsa({
    clientId: 'unclean-test',
    brokers: cluster.bootstrapServers(),
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        { topic: 'unclean', replicaAssignment: [{ partition: 0, replicas: [first, second] }] },
      ],
      timeout: 20000,
    });
  } finally {
    await admin.disconnect();
  }
  const state = async (): Promise<partitionState.PartitionState> =>
    partitionState.decode((await cluster.zk.getData(partitionState.path('unclean', 0))).data!);
  await waitFor(async () => (await state()).isr.length === 2, {
    timeoutMs: 20000,
    what: 'full ISR',
  });

  // The second replica goes first: the ISR shrinks to the first, which then goes too.
  await cluster.broker(second).stop('SIGTERM');
  await waitFor(async () => (await state()).isr.join(',') === String(first), {
    timeoutMs: 20000,
    what: `ISR [${first}]`,
  });
  await cluster.broker(first).stop('SIGTERM');
  await waitFor(async () => (await state()).leader === -1, { timeoutMs: 20000, what: 'offline' });
  cluster.broker(second).start();
  await cluster.waitForBrokers([controller.brokerId, second]);
  expect(await state()).toMatchObject({ leader: -1, isr: [first] });

  const preferred = await leaderElection({
    'election-type': 'preferred',
    topic: 'unclean',
    partition: '0',
  });
  expect(preferred).toEqual({
    lines: [
      'Error completing leader election (PREFERRED) for partition: unclean-0: ' +
        'org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect ' +
        'leader for partition unclean-0 under strategy PreferredReplicaPartitionLeaderElectionStrategy',
    ],
    error: '1 replica(s) could not be elected',
  });
  const unclean = await leaderElection({
    'election-type': 'unclean',
    topic: 'unclean',
    partition: '0',
  });
  expect(unclean).toEqual({
    lines: ['Successfully completed leader election (UNCLEAN) for partitions unclean-0'],
    error: null,
  });
  expect(await state()).toMatchObject({ leader: second, isr: [second] });
});
