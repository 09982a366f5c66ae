/**
 * The controller's partition reassignment (KIP-455 as in Kafka 2.8) against a real ZooKeeper and
 * fake brokers: the API path records RS/AR/RR in `/brokers/topics/<t>`, starts the new replica
 * (LeaderAndIsr with isNew and a new leader epoch), completes when the leader's ISR write shows
 * every target replica in sync (leader moved into the target, removed replica stopped and
 * deleted, assignment rewritten), and answers list/cancel/invalid requests with Kafka's errors;
 * `/admin/reassign_partitions` starts reassignments and is deleted once they complete; a new
 * controller resumes a reassignment recorded in the topic's assignment.
 */
import { TpMap } from '../../../broker/controller/topic-partition';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import * as reassignPartitions from '../../../zk-schema/znodes/reassign-partitions';
import * as topicAssignment from '../../../zk-schema/znodes/topic-assignment';
import { useHarness, waitFor } from '../../harness';
import { ControllerTestCluster } from './controller-test-cluster';

useHarness();

let cluster: ControllerTestCluster | undefined;

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const wait = { timeoutMs: 15000, intervalMs: 20 };

async function startCluster(
  brokers: number[],
  controllers: number[],
): Promise<ControllerTestCluster> {
  cluster = await ControllerTestCluster.create('controller-reassignment');
  for (const id of brokers) await cluster.startBroker(id);
  for (const id of controllers) await cluster.startController(id);
  await cluster.activeController();
  return cluster;
}

async function rawAssignment(c: ControllerTestCluster, topic: string): Promise<string> {
  const { data } = await c.admin.getData(topicAssignment.path(topic));
  return (data ?? Buffer.alloc(0)).toString('utf8');
}

async function waitForAssignment(
  c: ControllerTestCluster,
  topic: string,
  json: string,
): Promise<void> {
  await waitFor(async () => (await rawAssignment(c, topic)) === json, {
    ...wait,
    what: `/brokers/topics/${topic} to be ${json}`,
  });
}

/** The leader writes a new ISR to the state znode, as a partition leader does (epoch kept). */
async function leaderWritesIsr(
  c: ControllerTestCluster,
  topic: string,
  isr: number[],
): Promise<void> {
  const raw = await c.rawState(topic, 0);
  if (raw === null) throw new Error(`no state for ${topic}-0`);
  const state = partitionState.decode(Buffer.from(raw.json));
  await c.admin.setData(
    partitionState.path(topic, 0),
    partitionState.encode({ ...state, isr }),
    raw.version,
  );
}

function one(topic: string, replicas: number[] | null): TpMap<readonly number[] | null> {
  return new TpMap<readonly number[] | null>().set({ topic, partition: 0 }, replicas);
}

it('moves [1,2] to [2,3]: records RS/AR/RR, starts 3, completes when 3 is in the ISR', async () => {
  const c = await startCluster([1, 2, 3], [1]);
  const { controller } = await c.activeController();
  await c.createTopic('moving', { 0: [1, 2] });
  await c.waitForState('moving', 0, (s) => s.leader === 1 && s.isr.length === 2, 'online');

  const result = await controller.alterPartitionReassignments(one('moving', [2, 3]));
  expect(result.error.error).toBe('NONE');
  expect([...result.partitions]).toEqual([
    [
      { topic: 'moving', partition: 0 },
      { error: 'NONE', message: null },
    ],
  ]);
  expect(await rawAssignment(c, 'moving')).toBe(
    '{"version":2,"partitions":{"0":[2,3,1]},"adding_replicas":{"0":[3]},"removing_replicas":{"0":[1]}}',
  );
  const phaseA = await c.waitForState('moving', 0, (s) => s.leaderEpoch === 1, 'epoch bumped');
  expect(phaseA).toMatchObject({ leader: 1, isr: [1, 2] });
  const toNew = await waitFor(
    () =>
      c.brokers
        .get(3)!
        .leaderAndIsrFor('moving', 0)
        .find((e) => e.state.leaderEpoch === 1),
    { ...wait, what: 'LeaderAndIsr to the new replica' },
  );
  expect(toNew.state).toMatchObject({
    isNew: true,
    leader: 1,
    replicas: [2, 3, 1],
    addingReplicas: [3],
    removingReplicas: [1],
  });
  const listed = await controller.listPartitionReassignments(null);
  expect([...listed.reassignments]).toEqual([
    [
      { topic: 'moving', partition: 0 },
      { replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] },
    ],
  ]);

  await leaderWritesIsr(c, 'moving', [1, 2, 3]);
  await waitForAssignment(
    c,
    'moving',
    '{"version":2,"partitions":{"0":[2,3]},"adding_replicas":{},"removing_replicas":{}}',
  );
  const done = await c.state('moving', 0);
  expect(done).toMatchObject({ leader: 2, isr: [2, 3] });
  await waitFor(
    () =>
      c.brokers
        .get(1)!
        .stopReplicaFor('moving', 0)
        .some((s) => s.deletePartition),
    { ...wait, what: 'StopReplica with delete to the removed replica' },
  );
  expect((await controller.listPartitionReassignments(null)).reassignments.size).toBe(0);
  await waitFor(
    () => c.brokers.get(3)!.lastMetadataFor('moving', 0)?.replicas.join(',') === '2,3',
    {
      ...wait,
      what: 'UpdateMetadata with the new replicas',
    },
  );
});

it("cancels, and answers bad requests with Kafka's errors", async () => {
  const c = await startCluster([1, 2, 3], [1]);
  const { controller } = await c.activeController();
  await c.createTopic('cancelled', { 0: [1, 2] });
  await c.waitForState('cancelled', 0, (s) => s.isr.length === 2, 'online');

  expect((await controller.alterPartitionReassignments(one('cancelled', [3, 1]))).error.error).toBe(
    'NONE',
  );
  expect(await rawAssignment(c, 'cancelled')).toContain('"adding_replicas":{"0":[3]}');
  const cancel = await controller.alterPartitionReassignments(one('cancelled', null));
  expect([...cancel.partitions.values()]).toEqual([{ error: 'NONE', message: null }]);
  await waitForAssignment(
    c,
    'cancelled',
    '{"version":2,"partitions":{"0":[1,2]},"adding_replicas":{},"removing_replicas":{}}',
  );
  await waitFor(
    () =>
      c.brokers
        .get(3)!
        .stopReplicaFor('cancelled', 0)
        .some((s) => s.deletePartition),
    { ...wait, what: 'the cancelled adding replica to be stopped and deleted' },
  );

  const outcome = async (topic: string, replicas: number[] | null) =>
    [
      ...(await controller.alterPartitionReassignments(one(topic, replicas))).partitions.values(),
    ][0];
  expect(await outcome('cancelled', null)).toEqual({
    error: 'NO_REASSIGNMENT_IN_PROGRESS',
    message: null,
  });
  expect(await outcome('cancelled', [2, 2])).toEqual({
    error: 'INVALID_REPLICA_ASSIGNMENT',
    message: 'Duplicate replica ids in partition reassignment replica list: [2, 2]',
  });
  expect(await outcome('cancelled', [1, 9])).toEqual({
    error: 'INVALID_REPLICA_ASSIGNMENT',
    message:
      'Replica assignment has brokers that are not alive. Replica list: [9], live broker list: [1, 2, 3]',
  });
  expect(await outcome('nope', [1])).toEqual({
    error: 'UNKNOWN_TOPIC_OR_PARTITION',
    message: 'The partition does not exist.',
  });
  const inactive = await c.startController(2);
  expect((await inactive.alterPartitionReassignments(one('cancelled', [2, 3]))).error.error).toBe(
    'NOT_CONTROLLER',
  );
  expect((await inactive.listPartitionReassignments(null)).error.error).toBe('NOT_CONTROLLER');
});

it('starts what /admin/reassign_partitions lists, drops what it cannot, deletes it when done', async () => {
  const c = await startCluster([1, 2, 3], [1]);
  await c.createTopic('zk', { 0: [1, 2] });
  await c.waitForState('zk', 0, (s) => s.isr.length === 2, 'online');

  await c.admin.create(
    reassignPartitions.path(),
    reassignPartitions.encode({
      partitions: [
        { topic: 'zk', partition: 0, replicas: [3, 2] },
        { topic: 'ghost', partition: 0, replicas: [1] },
      ],
    }),
  );
  await waitForAssignment(
    c,
    'zk',
    '{"version":2,"partitions":{"0":[3,2,1]},"adding_replicas":{"0":[3]},"removing_replicas":{"0":[1]}}',
  );
  // The partition that does not exist is taken out of the request.
  await waitFor(
    async () => {
      const { data } = await c.admin.getData(reassignPartitions.path());
      return reassignPartitions.decode(data ?? Buffer.alloc(0)).partitions.length === 1;
    },
    { ...wait, what: 'ghost-0 to be removed from /admin/reassign_partitions' },
  );

  await c.waitForState('zk', 0, (s) => s.leaderEpoch === 1, 'epoch bumped');
  await leaderWritesIsr(c, 'zk', [1, 2, 3]);
  await waitForAssignment(
    c,
    'zk',
    '{"version":2,"partitions":{"0":[3,2]},"adding_replicas":{},"removing_replicas":{}}',
  );
  await waitFor(async () => !(await c.exists(reassignPartitions.path())), {
    ...wait,
    what: '/admin/reassign_partitions to be deleted',
  });
  expect(await c.state('zk', 0)).toMatchObject({ leader: 3, isr: [2, 3] });

  // The watch is armed again: a new request is picked up.
  await c.admin.create(
    reassignPartitions.path(),
    reassignPartitions.encode({ partitions: [{ topic: 'zk', partition: 0, replicas: [2, 1] }] }),
  );
  await waitForAssignment(
    c,
    'zk',
    '{"version":2,"partitions":{"0":[2,1,3]},"adding_replicas":{"0":[1]},"removing_replicas":{"0":[3]}}',
  );
});

it('a new controller resumes a reassignment recorded in the topic assignment', async () => {
  const c = await startCluster([1, 2, 3, 4], [4, 1]);
  const first = await c.activeController();
  expect(first.id).toBe(4);
  await c.createTopic('resumed', { 0: [1, 2] });
  await c.waitForState('resumed', 0, (s) => s.isr.length === 2, 'online');
  expect(
    (await first.controller.alterPartitionReassignments(one('resumed', [2, 3]))).error.error,
  ).toBe('NONE');
  await c.waitForState('resumed', 0, (s) => s.leaderEpoch === 1, 'phase A');

  await c.kill(4);
  const second = await c.activeController();
  expect(second.id).toBe(1);
  // Resumed: another epoch bump, and the new replica told again.
  await c.waitForState('resumed', 0, (s) => s.leaderEpoch === 2, 'phase A again');
  await waitFor(
    () =>
      c.brokers
        .get(3)!
        .leaderAndIsrFor('resumed', 0)
        .some((e) => e.state.leaderEpoch === 2),
    { ...wait, what: 'LeaderAndIsr from the new controller to the new replica' },
  );
  const listed = await second.controller.listPartitionReassignments(null);
  expect([...listed.reassignments.values()]).toEqual([
    { replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] },
  ]);

  await leaderWritesIsr(c, 'resumed', [1, 2, 3]);
  await waitForAssignment(
    c,
    'resumed',
    '{"version":2,"partitions":{"0":[2,3]},"adding_replicas":{},"removing_replicas":{}}',
  );
});
