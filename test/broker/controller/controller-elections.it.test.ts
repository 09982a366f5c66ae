/**
 * Replica leader elections asked of the controller (ElectLeaders, KIP-460, and the
 * `/admin/preferred_replica_election` znode), against a real ZooKeeper and fake brokers:
 * preferred elections move leadership back to the first replica, with Kafka's per-partition
 * answers (ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION);
 * unclean elections pick a live replica outside the ISR only when asked, and
 * ELIGIBLE_LEADERS_NOT_AVAILABLE when there is none; the znode is handled, deleted and watched
 * again; a broker that is not the controller answers NOT_CONTROLLER.
 */
import { TopicPartition } from '../../../broker/controller/topic-partition';
import * as isrChange from '../../../zk-schema/znodes/isr-change-notification';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import * as preferredElection from '../../../zk-schema/znodes/preferred-replica-election';
import { createPath } from '../../../zk-schema/znodes/sequential';
import { useHarness, waitFor } from '../../harness';
import { ControllerTestCluster } from './controller-test-cluster';

useHarness();

let cluster: ControllerTestCluster | undefined;

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const wait = { timeoutMs: 15000, intervalMs: 20 };
const tp = (topic: string, partition = 0): TopicPartition => ({ topic, partition });

async function startCluster(): Promise<ControllerTestCluster> {
  cluster = await ControllerTestCluster.create('controller-elections');
  for (const id of [1, 2, 3]) await cluster.startBroker(id);
  await cluster.startController(1);
  await cluster.activeController();
  return cluster;
}

/**
 * Moves leadership of `topic`-0 to `leader` behind the controller's back (a state znode write)
 * and lets it know through an ISR-change notification, as after a failover elsewhere.
 */
async function leadershipMovedTo(
  c: ControllerTestCluster,
  topic: string,
  leader: number,
  isr: number[],
): Promise<void> {
  const raw = (await c.rawState(topic, 0))!;
  const state = partitionState.decode(Buffer.from(raw.json));
  await c.admin.setData(
    partitionState.path(topic, 0),
    partitionState.encode({ ...state, leader, isr, leaderEpoch: state.leaderEpoch + 1 }),
    raw.version,
  );
  await c.admin.create(
    createPath(isrChange.STORE),
    isrChange.encode({ partitions: [{ topic, partition: 0 }] }),
    { mode: 'persistent_sequential' },
  );
  await waitFor(() => c.brokers.get(3)!.lastMetadataFor(topic, 0)?.leader === leader, {
    ...wait,
    what: `the controller to learn that ${leader} leads ${topic}-0`,
  });
}

it('preferred elections move leadership back and answer each partition as Kafka does', async () => {
  const c = await startCluster();
  const { controller } = await c.activeController();
  await c.createTopic('pref', { 0: [1, 2] });
  // Broker 4 is not registered: the preferred replica of nopref-0 is not available.
  await c.createTopic('nopref', { 0: [4, 2] });
  await c.waitForState('pref', 0, (s) => s.leader === 1 && s.isr.length === 2, 'online');
  await c.waitForState('nopref', 0, (s) => s.leader === 2, 'led by 2');
  await leadershipMovedTo(c, 'pref', 2, [1, 2]);

  const results = await controller.electLeaders(
    [tp('pref'), tp('nopref'), tp('pref', 7)],
    'PREFERRED',
  );
  expect(results.get(tp('pref'))).toEqual({ leader: 1 });
  expect(results.get(tp('nopref'))).toEqual({
    error: 'PREFERRED_LEADER_NOT_AVAILABLE',
    message:
      'Failed to elect leader for partition nopref-0 under strategy PreferredReplicaPartitionLeaderElectionStrategy',
  });
  expect(results.get(tp('pref', 7))).toEqual({
    error: 'UNKNOWN_TOPIC_OR_PARTITION',
    message: 'The partition does not exist.',
  });
  expect(await c.state('pref', 0)).toMatchObject({ leader: 1, isr: [1, 2], leaderEpoch: 2 });
  await waitFor(
    () =>
      c.brokers
        .get(2)!
        .leaderAndIsrFor('pref', 0)
        .some((e) => e.state.leader === 1),
    {
      ...wait,
      what: 'LeaderAndIsr naming the preferred leader',
    },
  );

  const again = await controller.electLeaders([tp('pref')], 'PREFERRED');
  expect(again.get(tp('pref'))).toEqual({ error: 'ELECTION_NOT_NEEDED', message: null });
});

it('unclean elections pick a live replica outside the ISR, only when asked', async () => {
  const c = await startCluster();
  const { controller } = await c.activeController();
  await c.createTopic('dirty', { 0: [2, 3] });
  // Broker 4 is not registered: dead-0 has no live replica at all.
  await c.createTopic('dead', { 0: [4] });
  await c.waitForState('dirty', 0, (s) => s.leader === 2 && s.isr.length === 2, 'online');
  await leadershipMovedTo(c, 'dirty', 2, [2]);
  await c.kill(2);
  await c.waitForState('dirty', 0, (s) => s.leader === -1, 'offline, last ISR member kept');
  expect(await c.state('dirty', 0)).toMatchObject({ leader: -1, isr: [2] });

  const preferred = await controller.electLeaders([tp('dirty')], 'PREFERRED');
  expect(preferred.get(tp('dirty'))).toMatchObject({ error: 'PREFERRED_LEADER_NOT_AVAILABLE' });
  const results = await controller.electLeaders([tp('dirty'), tp('dead')], 'UNCLEAN');
  expect(results.get(tp('dirty'))).toEqual({ leader: 3 });
  expect(results.get(tp('dead'))).toMatchObject({ error: 'ELIGIBLE_LEADERS_NOT_AVAILABLE' });
  expect(await c.state('dirty', 0)).toMatchObject({ leader: 3, isr: [3] });
  expect(controller.uncleanLeaderElections).toBe(1);

  const led = await controller.electLeaders([tp('dirty')], 'UNCLEAN');
  expect(led.get(tp('dirty'))).toEqual({ error: 'ELECTION_NOT_NEEDED', message: null });
});

it('/admin/preferred_replica_election is handled, deleted, and watched again', async () => {
  const c = await startCluster();
  await c.createTopic('zkpref', { 0: [1, 2] });
  await c.waitForState('zkpref', 0, (s) => s.leader === 1 && s.isr.length === 2, 'online');

  for (const round of [1, 2]) {
    await leadershipMovedTo(c, 'zkpref', 2, [1, 2]);
    await c.admin.create(
      preferredElection.path(),
      preferredElection.encode({ partitions: [{ topic: 'zkpref', partition: 0 }] }),
    );
    await c.waitForState('zkpref', 0, (s) => s.leader === 1, `round ${round}: preferred leader`);
    await waitFor(async () => !(await c.exists(preferredElection.path())), {
      ...wait,
      what: `round ${round}: the znode to be deleted`,
    });
  }
});

it('a broker that is not the controller answers NOT_CONTROLLER', async () => {
  const c = await startCluster();
  const inactive = await c.startController(2);
  const results = await inactive.electLeaders([tp('any')], 'PREFERRED');
  expect(results.get(tp('any'))).toEqual({ error: 'NOT_CONTROLLER', message: null });
});
