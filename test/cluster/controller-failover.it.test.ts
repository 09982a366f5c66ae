/**
 * Controller failover on three real broker processes: SIGKILL the controller's broker; once
 * ZooKeeper expires its session, another broker wins `/controller` with a higher
 * `/controller_epoch`, moves leadership off the dead broker (new leaders, higher leader epochs,
 * the dead broker out of the ISRs, all written with the new controller epoch), and the cluster
 * keeps serving produce and consume.
 */
import { Samsa } from '../../client';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import { useHarness, waitFor } from '../harness';
import { TestCluster } from './cluster-harness';
import { createReplicatedTopic, partitionStates } from './replicated-topic';

useHarness();

const TOPIC = 'failover';

test("killing the controller's broker (SIGKILL) elects another controller with a higher epoch, which moves leadership off the dead broker", async () => {
  const cluster = await TestCluster.start({ label: 'controller-failover', brokers: 3 });
  await createReplicatedTopic(cluster, TOPIC);
  const before = await partitionStates(cluster, TOPIC);

  const old = await cluster.waitForController();
  await cluster.broker(old.brokerId).stop('SIGKILL');

  const elected = await cluster.waitForController(
    (c) => c.brokerId !== old.brokerId && c.epoch > old.epoch,
  );
  expect(cluster.broker(elected.brokerId).running).toBe(true);
  expect(await cluster.zk.exists(brokerRegistration.path(old.brokerId))).toBeNull();

  const after = await waitFor(
    async () => {
      const all = await partitionStates(cluster, TOPIC);
      const moved = (s: partitionState.PartitionState): boolean =>
        s.leader !== old.brokerId &&
        s.leader !== partitionState.NO_LEADER &&
        !s.isr.includes(old.brokerId);
      return all.every(moved) ? all : null;
    },
    {
      timeoutMs: 20000,
      what: `a live leader for every partition and broker ${old.brokerId} out of every ISR`,
    },
  );
  after.forEach((state, p) => {
    expect(state.isr).toHaveLength(2);
    expect(state.isr).toContain(state.leader);
    if (before[p].leader === old.brokerId) {
      expect(state.leaderEpoch).toBeGreaterThan(before[p].leaderEpoch);
      expect(state.controllerEpoch).toBe(elected.epoch);
    }
  });

  const survivors = cluster.brokers.filter((b) => b.id !== old.brokerId).map((b) => b.address);
  const client = new Samsa({ clientId: 'failover-after', brokers: survivors });
  const producer = client.producer({ acks: 'all' });
  await producer.connect();
  const values = ['a', 'b', 'c'];
  try {
    for (const value of values) {
      await producer.send({ topic: TOPIC, messages: [{ value, partition: 0 }] });
    }
  } finally {
    await producer.disconnect();
  }
  const consumer = client.consumer({ maxWaitTimeInMs: 100 });
  await consumer.connect();
  const received: string[] = [];
  try {
    consumer.assign([{ topic: TOPIC, partition: 0 }], { fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.value?.toString() ?? '');
      },
    });
    await waitFor(() => received.length >= values.length, {
      timeoutMs: 20000,
      what: 'the records produced after the failover',
    });
  } finally {
    await consumer.disconnect();
  }
  expect(received).toEqual(values);
});
