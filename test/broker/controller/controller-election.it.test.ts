/**
 * Controller election and fencing against a real ZooKeeper: one multi creates `/controller` and
 * bumps `/controller_epoch`; a deposed controller's writes are refused by the epoch check; a new
 * controller re-sends the full state to every broker.
 */
import { ControllerMovedError } from '../../../broker/controller/controller-errors';
import { ControllerZk } from '../../../broker/zk/controller-zk';
import {
  LeaderAndIsr,
  LeaderIsrAndControllerEpoch,
} from '../../../broker/controller/leader-and-isr';
import { TpMap } from '../../../broker/controller/topic-partition';
import { Op, ZkClient } from '../../../zk-schema/client';
import * as controllerZnode from '../../../zk-schema/znodes/controller';
import { useHarness, waitFor } from '../../harness';
import { ControllerTestCluster } from './controller-test-cluster';

useHarness();

let cluster: ControllerTestCluster | undefined;
const extraClients: ZkClient[] = [];

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
  await Promise.all(extraClients.splice(0).map((c) => c.close()));
});

async function newCluster(): Promise<ControllerTestCluster> {
  cluster = await ControllerTestCluster.create('controller-election');
  return cluster;
}

/** Waits until `/controller_epoch` shows `value` (the test's session may lag the writer's). */
async function expectEpochZnode(
  c: ControllerTestCluster,
  value: string,
  version: number,
): Promise<void> {
  await waitFor(
    async () => {
      const { data, stat } = await c.admin.getData('/controller_epoch');
      return (data ?? Buffer.alloc(0)).toString('utf8') === value && stat.version === version;
    },
    {
      timeoutMs: 15000,
      intervalMs: 20,
      what: `/controller_epoch = ${value} at dataVersion ${version}`,
    },
  );
}

describe('controller election', () => {
  it('elects one controller with epoch 1; when its broker dies another is elected with epoch 2', async () => {
    const c = await newCluster();
    for (const id of [1, 2, 3]) await c.startBroker(id);
    await c.createTopic('orders', { 0: [1, 2], 1: [2, 3], 2: [3, 1] });
    await Promise.all([c.startController(1), c.startController(2), c.startController(3)]);
    const first = await c.activeController();
    await expectEpochZnode(c, '1', 1);
    // Read through the winner's own session, which wrote it.
    const { data } = await c.brokers.get(first.id)!.zk.getData('/controller');
    expect(controllerZnode.decode(data as Buffer).brokerId).toBe(first.id);
    await waitFor(
      () => [...c.controllers.values()].every((ctl) => ctl.activeControllerId() === first.id),
      { timeoutMs: 15000, what: 'every broker to know the controller' },
    );
    await c.waitForState('orders', 2, (s) => s.leader === 3, 'leader 3');
    expect(first.controller.activeControllerCount).toBe(1);

    await c.kill(first.id);
    const second = await c.activeController();
    expect(second.id).not.toBe(first.id);
    expect(second.controller.epoch()).toBe(2);
    await expectEpochZnode(c, '2', 2);
    const survivors = [...c.controllers.values()];
    await waitFor(() => survivors.every((ctl) => ctl.activeControllerId() === second.id), {
      timeoutMs: 15000,
      what: 'the survivors to know the new controller',
    });

    // The new controller re-sends the full state: every surviving broker hears, from epoch 2,
    // UpdateMetadata and a LeaderAndIsr for each partition it hosts.
    for (const broker of c.brokers.values()) {
      const hosted = (
        [
          [0, [1, 2]],
          [1, [2, 3]],
          [2, [3, 1]],
        ] as Array<[number, number[]]>
      ).filter(([, replicas]) => replicas.includes(broker.id));
      await waitFor(
        () =>
          broker.updateMetadata.some(
            (r) => r.controllerEpoch === 2 && r.controllerId === second.id,
          ) &&
          hosted.every(([p]) =>
            broker.leaderAndIsrFor('orders', p).some((l) => l.request.controllerEpoch === 2),
          ),
        { timeoutMs: 15000, what: `broker ${broker.id} to hear the full state from epoch 2` },
      );
      const fromNew = broker.leaderAndIsr.filter((r) => r.controllerEpoch === 2);
      expect(
        fromNew.every((r) => r.brokerEpoch === broker.epoch && r.controllerId === second.id),
      ).toBe(true);
    }
  });

  it('an elected controller is only replaced when its /controller znode goes', async () => {
    const c = await newCluster();
    await c.startBroker(1);
    await c.startBroker(2);
    await c.startController(1);
    await c.activeController();
    await c.startController(2);
    const c2 = c.controllers.get(2)!;
    await waitFor(() => c2.activeControllerId() === 1, {
      timeoutMs: 15000,
      what: 'broker 2 to see 1',
    });
    expect(c2.isActive()).toBe(false);
    await expectEpochZnode(c, '1', 1);
  });
});

describe('controller epoch fencing (KAFKA-6082)', () => {
  it("refuses a deposed controller's writes and leaves ZooKeeper unchanged", async () => {
    const c = await newCluster();
    const connect = async (): Promise<ZkClient> => {
      const zk = await ZkClient.connect(c.connect, { sessionTimeoutMs: 6000 });
      extraClients.push(zk);
      return zk;
    };
    const zkA = await connect();
    const a = new ControllerZk(() => zkA);
    const elected = await a.registerControllerAndIncrementControllerEpoch(1);
    expect(elected).toEqual({ epoch: 1, epochZkVersion: 1 });

    // A state znode written by controller A (fenced create), read through A's own session.
    await c.createTopic('t', { 0: [1, 2] });
    const tp = { topic: 't', partition: 0 };
    const created = await a.createPartitionStates(
      new TpMap<LeaderIsrAndControllerEpoch>().set(tp, {
        leaderAndIsr: { leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0 },
        controllerEpoch: 1,
      }),
      elected.epochZkVersion,
    );
    expect([...created.values()]).toEqual([null]);
    const written = await zkA.getData('/brokers/topics/t/partitions/0/state');
    expect(written.data?.toString()).toBe(
      '{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}',
    );
    expect(written.stat.version).toBe(0);

    // While /controller exists nobody else can win.
    const zkB = await connect();
    const b = new ControllerZk(() => zkB);
    await expect(b.registerControllerAndIncrementControllerEpoch(2)).rejects.toBeInstanceOf(
      ControllerMovedError,
    );

    // A's session ends; B is elected with epoch 2.
    await zkA.close();
    const electedB = await b.registerControllerAndIncrementControllerEpoch(2);
    expect(electedB).toEqual({ epoch: 2, epochZkVersion: 2 });

    // A zombie still holding A's epoch zkVersion (through a fresh session) is refused.
    const zkZombie = await connect();
    const zombie = new ControllerZk(() => zkZombie);
    await expect(
      zombie.updateLeaderAndIsr(
        new TpMap<LeaderAndIsr>().set(tp, { leader: 2, leaderEpoch: 1, isr: [2], zkVersion: 0 }),
        1,
        elected.epochZkVersion,
      ),
    ).rejects.toBeInstanceOf(ControllerMovedError);
    await expect(
      zombie.wrapWithControllerEpochCheck([Op.create('/zombie-was-here')], elected.epochZkVersion),
    ).rejects.toBeInstanceOf(ControllerMovedError);
    await expect(zombie.deleteTopicZNodes('t', elected.epochZkVersion)).rejects.toBeInstanceOf(
      ControllerMovedError,
    );

    // The current controller's fenced write at partition zkVersion 0 goes through: the zombie
    // changed nothing. B's session has seen everything up to its own write.
    const update = await b.updateLeaderAndIsr(
      new TpMap<LeaderAndIsr>().set(tp, { leader: 2, leaderEpoch: 1, isr: [2], zkVersion: 0 }),
      2,
      electedB.epochZkVersion,
    );
    expect(update.retry).toEqual([]);
    const after = await zkB.getData('/brokers/topics/t/partitions/0/state');
    expect(after.data?.toString()).toBe(
      '{"controller_epoch":2,"leader":2,"version":1,"leader_epoch":1,"isr":[2]}',
    );
    expect(after.stat.version).toBe(1);
    expect(await zkB.exists('/zombie-was-here')).toBeNull();
    expect(await zkB.exists('/brokers/topics/t')).not.toBeNull();
  });

  it('a conditional state write at a stale partition zkVersion is sent back for a retry', async () => {
    const c = await newCluster();
    const zk = await ZkClient.connect(c.connect, { sessionTimeoutMs: 6000 });
    extraClients.push(zk);
    const ctl = new ControllerZk(() => zk);
    const { epochZkVersion } = await ctl.registerControllerAndIncrementControllerEpoch(1);
    await c.createTopic('t', { 0: [1] });
    const tp = { topic: 't', partition: 0 };
    await ctl.createPartitionStates(
      new TpMap<LeaderIsrAndControllerEpoch>().set(tp, {
        leaderAndIsr: { leader: 1, leaderEpoch: 0, isr: [1], zkVersion: 0 },
        controllerEpoch: 1,
      }),
      epochZkVersion,
    );
    const first = await ctl.updateLeaderAndIsr(
      new TpMap<LeaderAndIsr>().set(tp, { leader: 1, leaderEpoch: 1, isr: [1], zkVersion: 0 }),
      1,
      epochZkVersion,
    );
    expect([...first.finished.values()]).toEqual([
      { ok: true, leaderAndIsr: { leader: 1, leaderEpoch: 1, isr: [1], zkVersion: 1 } },
    ]);
    const stale = await ctl.updateLeaderAndIsr(
      new TpMap<LeaderAndIsr>().set(tp, { leader: 1, leaderEpoch: 2, isr: [1], zkVersion: 0 }),
      1,
      epochZkVersion,
    );
    expect(stale.retry).toEqual([tp]);
    const { stat } = await zk.getData('/brokers/topics/t/partitions/0/state');
    expect(stat.version).toBe(1);
  });
});
