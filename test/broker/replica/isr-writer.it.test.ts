/**
 * The leader's conditional ISR write against a real ZooKeeper: success on the expected zkVersion,
 * recovery from a BAD_VERSION when the znode still names this leader and epoch, and a bounded
 * "stale" answer when the controller has moved on (KAFKA-2729).
 */
import { ZkClient } from '../../../zk-schema/client';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import { MAX_ATTEMPTS, ZkIsrWriter } from '../../../broker/replica/isr-writer';
import { chrootConnect, onCleanup, useHarness } from '../../harness';

useHarness();

const TP = { topic: 'orders', partition: 0 };
let zk: ZkClient;

beforeAll(async () => {
  zk = await ZkClient.connect(chrootConnect('isr-writer'), { sessionTimeoutMs: 6000 });
  onCleanup(() => zk.close());
});

async function reset(state: partitionState.PartitionState): Promise<void> {
  const path = partitionState.path(TP.topic, TP.partition);
  if ((await zk.exists(path)) !== null) await zk.delete(path);
  await zk.create(path, partitionState.encode(state), { createParents: true });
}

async function read() {
  const { data, stat } = await zk.getData(partitionState.path(TP.topic, TP.partition));
  return { state: partitionState.decode(data as Buffer), version: stat.version };
}

describe('ZkIsrWriter', () => {
  const base = { leader: 1, leaderEpoch: 4, isr: [1, 2, 3], controllerEpoch: 2 };

  it('sets the state znode on the expected zkVersion, keeping leader, leader epoch and controller epoch', async () => {
    await reset(base);
    const writer = new ZkIsrWriter(() => zk);
    const result = await writer.writeLeaderAndIsr(TP, { ...base, isr: [1, 2] }, 0);
    expect(result).toEqual({ kind: 'written', zkVersion: 1 });
    expect(await read()).toEqual({ state: { ...base, isr: [1, 2] }, version: 1 });
  });

  it('re-reads after a BAD_VERSION and retries with the new version while the znode still names this leader and epoch', async () => {
    await reset(base);
    // Someone rewrote the same state: the version moved, leader and epoch did not.
    await zk.setData(partitionState.path(TP.topic, TP.partition), partitionState.encode(base));
    const writer = new ZkIsrWriter(() => zk);
    const result = await writer.writeLeaderAndIsr(TP, { ...base, isr: [1, 3] }, 0);
    expect(result).toEqual({ kind: 'written', zkVersion: 2 });
    expect((await read()).state.isr).toEqual([1, 3]);
  });

  it('treats a znode already holding exactly the state written as success (a lost reply)', async () => {
    await reset(base);
    await zk.setData(
      partitionState.path(TP.topic, TP.partition),
      partitionState.encode({ ...base, isr: [1] }),
    );
    const writer = new ZkIsrWriter(() => zk);
    expect(await writer.writeLeaderAndIsr(TP, { ...base, isr: [1] }, 0)).toEqual({
      kind: 'written',
      zkVersion: 1,
    });
  });

  it('answers stale, without writing, once the controller gave the partition a new leader epoch', async () => {
    await reset(base);
    const newer = { leader: 2, leaderEpoch: 5, isr: [2, 3], controllerEpoch: 3 };
    await zk.setData(partitionState.path(TP.topic, TP.partition), partitionState.encode(newer));
    const writer = new ZkIsrWriter(() => zk);
    const result = await writer.writeLeaderAndIsr(TP, { ...base, isr: [1] }, 0);
    expect(result).toEqual({ kind: 'stale', current: newer, zkVersion: 1 });
    expect(await read()).toEqual({ state: newer, version: 1 });
  });

  it('gives up after a bounded number of attempts when the version keeps moving', async () => {
    await reset(base);
    const path = partitionState.path(TP.topic, TP.partition);
    // A client that bumps the version before every write of ours.
    const racing: ZkClient = Object.create(zk, {
      setData: {
        value: async (p: string, data: Buffer, version: number) => {
          await zk.setData(path, partitionState.encode(base));
          return zk.setData(p, data, version);
        },
      },
    });
    const writer = new ZkIsrWriter(() => racing);
    const result = await writer.writeLeaderAndIsr(TP, { ...base, isr: [1] }, 0);
    expect(result.kind).toBe('stale');
    expect((await read()).version).toBe(MAX_ATTEMPTS);
  });
});
