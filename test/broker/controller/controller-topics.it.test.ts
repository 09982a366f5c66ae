/**
 * The controller's topic work against a real ZooKeeper and fake brokers: new topics (state znodes
 * with Kafka's JSON, LeaderAndIsr with isNew, UpdateMetadata to everyone), added partitions, topic
 * deletion (UpdateMetadata with leader -2, StopReplica with delete, znodes removed, and waiting for
 * a dead replica's broker), a broker joining, and ISR-change notifications.
 */
import { assignReplicasToBrokers } from '../../../broker/controller/replica-assignment';
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

async function threeBrokersWithController(): Promise<ControllerTestCluster> {
  cluster = await ControllerTestCluster.create('controller-topics');
  for (const id of [1, 2, 3]) await cluster.startBroker(id);
  await cluster.startController(1);
  await cluster.activeController();
  return cluster;
}

const wait = { timeoutMs: 15000, intervalMs: 20 };

describe('topic creation', () => {
  it("creates state znodes with Kafka's JSON and tells the replicas and every broker", async () => {
    const c = await threeBrokersWithController();
    const assignment = Object.fromEntries(assignReplicasToBrokers([1, 2, 3], 3, 2, 0));
    expect(assignment).toEqual({ 0: [1, 2], 1: [2, 3], 2: [3, 1] });
    // Partition 3 has a replica on broker 4, which is not registered.
    await c.createTopic('orders', { ...assignment, 3: [4, 2] });

    const expected: Record<number, string> = {
      0: '{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}',
      1: '{"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2,3]}',
      2: '{"controller_epoch":1,"leader":3,"version":1,"leader_epoch":0,"isr":[3,1]}',
      3: '{"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2]}',
    };
    for (const p of [0, 1, 2, 3]) {
      await waitFor(async () => (await c.rawState('orders', p))?.json === expected[p], {
        ...wait,
        what: `orders-${p} state ${expected[p]}`,
      });
      expect((await c.rawState('orders', p))?.version).toBe(0);
    }
    expect(await c.exists(partitionState.partitionPath('orders', 0))).toBe(true);

    for (const [id, partitions] of [
      [1, [0, 2]],
      [2, [0, 1, 3]],
      [3, [1, 2]],
    ] as Array<[number, number[]]>) {
      const broker = c.brokers.get(id)!;
      await waitFor(
        () =>
          partitions.every((p) => broker.leaderAndIsrFor('orders', p).length > 0) &&
          [0, 1, 2, 3].every((p) => broker.lastMetadataFor('orders', p) !== undefined),
        { ...wait, what: `broker ${id} to hear about orders` },
      );
      for (const p of partitions) {
        const [{ request, state }] = broker.leaderAndIsrFor('orders', p);
        expect(state.isNew).toBe(true);
        expect(state.leaderEpoch).toBe(0);
        expect(state.zkVersion).toBe(0);
        expect(request.controllerId).toBe(1);
        expect(request.brokerEpoch).toBe(broker.epoch);
        expect(request.liveLeaders.map((l) => l.brokerId)).toContain(state.leader);
      }
    }
    const metadata = c.brokers.get(3)!.lastMetadataFor('orders', 3);
    expect(metadata).toMatchObject({ leader: 2, isr: [2], replicas: [4, 2], offlineReplicas: [4] });
  });

  it('adds partitions written to an existing topic', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('events', { 0: [1, 2] });
    await c.waitForState('events', 0, (s) => s.leader === 1, 'leader 1');
    const added = Object.fromEntries(assignReplicasToBrokers([1, 2, 3], 2, 2, 0, 1));
    await c.setAssignment('events', { 0: [1, 2], ...added });
    for (const [p, replicas] of Object.entries(added)) {
      const state = await c.waitForState('events', Number(p), () => true, 'created');
      expect(state).toEqual({
        leader: replicas[0],
        leaderEpoch: 0,
        isr: replicas,
        controllerEpoch: 1,
      });
    }
    const broker3 = c.brokers.get(3)!;
    await waitFor(() => broker3.leaderAndIsrFor('events', 2).length > 0, {
      ...wait,
      what: 'broker 3 to hear about events-2',
    });
    expect(broker3.leaderAndIsrFor('events', 2)[0].state.isNew).toBe(true);
    expect(c.controllers.get(1)!.globalPartitionCount).toBe(3);
  });

  it('a broker that joins gets UpdateMetadata with every partition and LeaderAndIsr for its own', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('late', { 0: [4, 1], 1: [1, 2] });
    await c.waitForState('late', 0, (s) => s.leader === 1, 'leader 1 while 4 is away');
    const four = await c.startBroker(4);
    await waitFor(
      () =>
        four.updateMetadata.some((r) => r.liveBrokers.some((b) => b.id === 4)) &&
        four.lastMetadataFor('late', 1) !== undefined &&
        four.leaderAndIsrFor('late', 0).length > 0,
      { ...wait, what: 'broker 4 to be told the cluster state' },
    );
    const { request, state } = four.leaderAndIsrFor('late', 0)[0];
    expect(state.leader).toBe(1);
    expect(request.brokerEpoch).toBe(four.epoch);
    expect(request.liveLeaders).toEqual([
      { brokerId: 1, hostName: '127.0.0.1', port: c.brokers.get(1)!.port },
    ]);
    const broker2 = c.brokers.get(2)!;
    await waitFor(() => broker2.updateMetadata.some((r) => r.liveBrokers.some((b) => b.id === 4)), {
      ...wait,
      what: 'existing brokers to learn about broker 4',
    });
  });
});

describe('topic deletion', () => {
  it('stops and deletes every replica, then removes the topic znodes', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('doomed', { 0: [1, 2], 1: [2, 3] }, { 'retention.ms': '1000' });
    await c.waitForState('doomed', 1, (s) => s.leader === 2, 'leader 2');
    await c.admin.create('/admin/delete_topics/doomed');
    await waitFor(
      async () =>
        !(await c.exists('/brokers/topics/doomed')) &&
        !(await c.exists('/config/topics/doomed')) &&
        !(await c.exists('/admin/delete_topics/doomed')),
      { ...wait, what: 'the topic znodes to be removed' },
    );
    for (const [id, partitions] of [
      [1, [0]],
      [2, [0, 1]],
      [3, [1]],
    ] as Array<[number, number[]]>) {
      const broker = c.brokers.get(id)!;
      for (const p of partitions) {
        expect(broker.stopReplicaFor('doomed', p)).toContainEqual({
          deletePartition: true,
          leaderEpoch: -2,
        });
      }
      expect(broker.lastMetadataFor('doomed', 0)?.leader).toBe(-2);
    }
    const controller = c.controllers.get(1)!;
    await waitFor(() => controller.globalTopicCount === 0, {
      ...wait,
      what: 'the topic to be forgotten',
    });
    expect(controller.topicsToDeleteCount).toBe(0);
  });

  it('waits for a dead replica and finishes when its broker returns', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('stuck', { 0: [2, 3] });
    await c.waitForState('stuck', 0, (s) => s.leader === 2, 'leader 2');
    await c.kill(3);
    await c.waitForState('stuck', 0, (s) => s.isr.length === 1, 'ISR without 3');
    await c.admin.create('/admin/delete_topics/stuck');
    const broker2 = c.brokers.get(2)!;
    await waitFor(() => broker2.stopReplicaFor('stuck', 0).some((s) => s.deletePartition), {
      ...wait,
      what: 'broker 2 to delete its replica',
    });
    expect(await c.exists('/brokers/topics/stuck')).toBe(true);
    expect(c.controllers.get(1)!.topicsToDeleteCount).toBe(1);

    const back = await c.startBroker(3);
    // The controller removes the assignment, then the config, then the deletion request.
    await waitFor(
      async () =>
        !(await c.exists('/brokers/topics/stuck')) &&
        !(await c.exists('/config/topics/stuck')) &&
        !(await c.exists('/admin/delete_topics/stuck')),
      { ...wait, what: 'the deletion to finish once broker 3 is back' },
    );
    expect(back.stopReplicaFor('stuck', 0)).toContainEqual({
      deletePartition: true,
      leaderEpoch: -2,
    });
  });

  it('drops a deletion request for a topic that does not exist', async () => {
    const c = await threeBrokersWithController();
    await c.admin.create('/admin/delete_topics/ghost');
    await waitFor(async () => !(await c.exists('/admin/delete_topics/ghost')), {
      ...wait,
      what: 'the request to be removed',
    });
  });
});

describe('ISR change notifications', () => {
  it('refreshes the partitions a leader changed, tells every broker and deletes the notification', async () => {
    const c = await threeBrokersWithController();
    await c.createTopic('isr', { 0: [2, 3] });
    const state = await c.waitForState('isr', 0, (s) => s.leader === 2, 'leader 2');
    // The leader shrinks the ISR itself (conditional on the zkVersion, leader epoch kept).
    await c.admin.setData(
      partitionState.path('isr', 0),
      partitionState.encode({ ...state, isr: [2] }),
      0,
    );
    const name = await c.admin.create(
      createPath(isrChange.STORE),
      isrChange.encode({ partitions: [{ topic: 'isr', partition: 0 }] }),
      { mode: 'persistent_sequential' },
    );
    for (const id of [1, 2, 3]) {
      const broker = c.brokers.get(id)!;
      await waitFor(
        () => {
          const m = broker.lastMetadataFor('isr', 0);
          return m !== undefined && m.isr.length === 1 && m.zkVersion === 1;
        },
        { ...wait, what: `broker ${id} to learn the shrunk ISR` },
      );
    }
    await waitFor(async () => !(await c.exists(name)), { ...wait, what: 'the notification to go' });
  });
});
