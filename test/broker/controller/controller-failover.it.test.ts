/**
 * Broker failures and controlled shutdown against a real ZooKeeper and fake brokers: offline
 * election from the live ISR, the "last ISR member kept" rule with leader -1, a returning broker
 * told its role with its new epoch, unclean election once a topic allows it, controlled shutdown
 * moving leadership away, session expiry of the controller, and the preferred-leader rebalance.
 */
import { errorByName } from '../../../client/protocol/error-codes';
import * as isrChange from '../../../zk-schema/znodes/isr-change-notification';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import { createPath } from '../../../zk-schema/znodes/sequential';
import { useHarness, waitFor } from '../../harness';
import { ControllerTestCluster } from './controller-test-cluster';

useHarness();

let cluster: ControllerTestCluster | undefined;

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function threeBrokersWithController(
  extra: Record<string, string> = {},
): Promise<ControllerTestCluster> {
  cluster = await ControllerTestCluster.create('controller-failover');
  for (const id of [1, 2, 3]) await cluster.startBroker(id);
  await cluster.startController(1, extra);
  await cluster.activeController();
  return cluster;
}

const wait = { timeoutMs: 15000, intervalMs: 20 };

describe('broker failure', () => {
  it('re-elects from the live ISR, keeps the last ISR member with leader -1, and recovers when it returns', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('t', { 0: [3, 2], 1: [3], 2: [1, 3] });
    await c.waitForState('t', 0, (s) => s.leader === 3, 'leader 3');
    await c.waitForState('t', 1, (s) => s.leader === 3, 'leader 3');
    await c.waitForState('t', 2, (s) => s.leader === 1, 'leader 1');
    const controller = c.controllers.get(1)!;

    await c.kill(3);
    expect(await c.waitForState('t', 0, (s) => s.leader === 2, 'new leader 2')).toEqual({
      leader: 2,
      leaderEpoch: 1,
      isr: [2],
      controllerEpoch: 1,
    });
    expect(await c.waitForState('t', 1, (s) => s.leader === -1, 'no leader')).toEqual({
      leader: -1,
      leaderEpoch: 1,
      isr: [3],
      controllerEpoch: 1,
    });
    expect(await c.waitForState('t', 2, (s) => s.isr.length === 1, 'ISR [1]')).toEqual({
      leader: 1,
      leaderEpoch: 1,
      isr: [1],
      controllerEpoch: 1,
    });
    expect((await c.rawState('t', 1))?.json).toBe(
      '{"controller_epoch":1,"leader":-1,"version":1,"leader_epoch":1,"isr":[3]}',
    );
    await waitFor(() => controller.offlinePartitionsCount === 1, {
      ...wait,
      what: '1 offline partition',
    });
    const broker2 = c.brokers.get(2)!;
    await waitFor(
      () =>
        broker2
          .leaderAndIsrFor('t', 0)
          .some((l) => l.state.leader === 2 && l.state.leaderEpoch === 1),
      { ...wait, what: 'broker 2 to become leader of t-0' },
    );
    await waitFor(() => broker2.lastMetadataFor('t', 1)?.leader === -1, {
      ...wait,
      what: 'broker 2 to learn t-1 is offline',
    });

    // Broker 3 comes back with a new session: a new epoch (czxid).
    const back = await c.startBroker(3);
    expect(await c.waitForState('t', 1, (s) => s.leader === 3, 'leader 3 again')).toEqual({
      leader: 3,
      leaderEpoch: 2,
      isr: [3],
      controllerEpoch: 1,
    });
    await waitFor(
      () =>
        back.leaderAndIsrFor('t', 0).some((l) => l.state.leader === 2) &&
        back.leaderAndIsrFor('t', 1).some((l) => l.state.leader === 3),
      { ...wait, what: 'broker 3 to be told its roles' },
    );
    for (const { request } of back.leaderAndIsrFor('t', 0))
      expect(request.brokerEpoch).toBe(back.epoch);
    await waitFor(() => controller.offlinePartitionsCount === 0, {
      ...wait,
      what: 'no offline partition',
    });
  });

  it('elects an out-of-sync replica once the topic enables unclean leader election', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('u', { 0: [3, 2] });
    const state = await c.waitForState('u', 0, (s) => s.leader === 3, 'leader 3');
    // Leader 3 drops 2 from the ISR (its own conditional write), then dies.
    await c.brokers
      .get(3)!
      .zk.setData(partitionState.path('u', 0), partitionState.encode({ ...state, isr: [3] }), 0);
    await c.kill(3);
    await c.waitForState('u', 0, (s) => s.leader === -1, 'offline');
    expect((await c.state('u', 0))?.isr).toEqual([3]);

    await c.changeTopicConfig('u', { 'unclean.leader.election.enable': 'true' });
    expect(await c.waitForState('u', 0, (s) => s.leader === 2, 'unclean leader 2')).toEqual({
      leader: 2,
      leaderEpoch: 2,
      isr: [2],
      controllerEpoch: 1,
    });
    expect(c.controllers.get(1)!.uncleanLeaderElections).toBe(1);
  });

  it('a new controller elected after the old one died finishes its work', async () => {
    cluster = await ControllerTestCluster.create('controller-failover');
    const c = cluster;
    for (const id of [1, 2, 3]) await c.startBroker(id);
    await c.startController(1);
    await c.activeController();
    await c.startController(2);
    await c.createTopic('f', { 0: [1, 2], 1: [1, 3] });
    await c.waitForState('f', 1, (s) => s.leader === 1, 'leader 1');
    await c.kill(1);
    const { id } = await c.activeController();
    expect(id).toBe(2);
    // The failover first takes dead broker 1 out of the ISR (leader -1, epoch 1), then elects
    // from what is left (epoch 2), as Kafka's onControllerFailover does.
    expect(await c.waitForState('f', 0, (s) => s.leader === 2, 'leader 2')).toEqual({
      leader: 2,
      leaderEpoch: 2,
      isr: [2],
      controllerEpoch: 2,
    });
    expect((await c.waitForState('f', 1, (s) => s.leader === 3, 'leader 3')).controllerEpoch).toBe(
      2,
    );
  });
});

describe('controlled shutdown', () => {
  it('moves leadership away, shrinks the ISRs and answers with the partitions it still leads', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('cs', { 0: [2, 3], 1: [3, 2], 2: [2] });
    for (const p of [0, 1, 2]) await c.waitForState('cs', p, (s) => s.leaderEpoch === 0, 'created');
    const controller = c.controllers.get(1)!;
    const broker2 = c.brokers.get(2)!;

    expect(await controller.controlledShutdown(2, broker2.epoch - 1)).toEqual({
      errorCode: errorByName('STALE_BROKER_EPOCH').code,
      remaining: [],
    });
    expect(await controller.controlledShutdown(9, 1)).toEqual({
      errorCode: errorByName('BROKER_NOT_AVAILABLE').code,
      remaining: [],
    });

    const result = await controller.controlledShutdown(2, broker2.epoch);
    expect(result).toEqual({ errorCode: 0, remaining: [{ topic: 'cs', partition: 2 }] });
    const settled = (s: partitionState.PartitionState): boolean => s.leaderEpoch === 1;
    expect(await c.waitForState('cs', 0, settled, 'moved')).toEqual({
      leader: 3,
      leaderEpoch: 1,
      isr: [3],
      controllerEpoch: 1,
    });
    expect(await c.waitForState('cs', 1, settled, 'shrunk')).toEqual({
      leader: 3,
      leaderEpoch: 1,
      isr: [3],
      controllerEpoch: 1,
    });
    expect(await c.state('cs', 2)).toEqual({
      leader: 2,
      leaderEpoch: 0,
      isr: [2],
      controllerEpoch: 1,
    });
    await waitFor(
      () =>
        broker2.leaderAndIsrFor('cs', 0).some((l) => l.state.leader === 3) &&
        broker2.stopReplicaFor('cs', 1).some((s) => !s.deletePartition),
      { ...wait, what: 'broker 2 to become follower of cs-0 and stop cs-1' },
    );
    const broker3 = c.brokers.get(3)!;
    await waitFor(() => broker3.leaderAndIsrFor('cs', 1).some((l) => l.state.isr.length === 1), {
      ...wait,
      what: 'broker 3 to learn the shrunk ISR of cs-1',
    });

    // A broker that is not the controller answers NOT_CONTROLLER.
    await c.startController(3);
    const notController = await c.controllers.get(3)!.controlledShutdown(2, broker2.epoch);
    expect(notController.errorCode).toBe(errorByName('NOT_CONTROLLER').code);
  });
});

describe('controller session expiry', () => {
  it('resigns at once on expiry and runs for election again in the new session', async () => {
    const c = await threeBrokersWithController();
    await c.startController(2);
    await c.createTopic('s', { 0: [1, 2] });
    await c.waitForState('s', 0, (s) => s.leader === 1, 'leader 1');
    const controller = c.controllers.get(1)!;
    await controller.onSessionExpired();
    expect(controller.isActive()).toBe(false);
    expect(controller.activeControllerCount).toBe(0);
    // Here the session did not really end, so /controller still names broker 1 in the session
    // it lives on: the reelection deletes it and a new election runs, with epoch 2.
    await controller.onNewSession();
    const winner = await c.activeController();
    expect(winner.controller.epoch()).toBe(2);
    await waitFor(
      () => [...c.controllers.values()].every((ctl) => ctl.activeControllerId() === winner.id),
      { ...wait, what: 'both brokers to agree on the controller' },
    );
  });
});

describe('preferred leader rebalance', () => {
  it('moves leadership back to the preferred replica once it is in the ISR again', async () => {
    const c = await threeBrokersWithController({
      'auto.leader.rebalance.enable': 'true',
      'leader.imbalance.check.interval.seconds': '1',
    });
    await c.createTopic('p', { 0: [3, 1] });
    await c.waitForState('p', 0, (s) => s.leader === 3, 'leader 3');
    await c.kill(3);
    const moved = await c.waitForState('p', 0, (s) => s.leader === 1, 'leader 1');
    await c.startBroker(3);
    // Leader 1 lets 3 back into the ISR (its own write) and announces it.
    await c.admin.setData(
      partitionState.path('p', 0),
      partitionState.encode({ ...moved, isr: [1, 3] }),
    );
    await c.admin.create(
      createPath(isrChange.STORE),
      isrChange.encode({ partitions: [{ topic: 'p', partition: 0 }] }),
      { mode: 'persistent_sequential' },
    );
    const back = await c.waitForState('p', 0, (s) => s.leader === 3, 'preferred leader 3 again');
    expect(back.isr).toEqual([1, 3]);
    expect(back.leaderEpoch).toBe(moved.leaderEpoch + 1);
  });
});
