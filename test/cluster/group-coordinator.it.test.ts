/**
 * The group coordinator on three real broker processes, driven with raw group requests (no
 * consumer client): members join and sync, a new member causes a rebalance into the next
 * generation, a member that stops heartbeating is removed after its session timeout, and
 * committed offsets survive a SIGKILL of the coordinator's broker (the new leader of the group's
 * `__consumer_offsets` partition loads them and answers OffsetFetch); on a single broker,
 * `__consumer_offsets` is created with the replicas there are, and the group admin APIs answer.
 */
import { Samsa } from '../../client';
import { ApiKey } from '../../client/protocol/apis';
import { errorByCode } from '../../client/protocol/error-codes';
import * as topicAssignment from '../../zk-schema/znodes/topic-assignment';
import { useHarness, waitFor } from '../harness';
import { TestCluster } from './cluster-harness';
import { GroupMember } from './group-coordinator-member';

useHarness();

const SESSION_MS = 2000;
const TOPIC = 'orders';

let cluster: TestCluster;
const members: GroupMember[] = [];

beforeAll(async () => {
  cluster = await TestCluster.start({
    label: 'group-coordinator',
    brokers: 3,
    config: {
      'offsets.topic.replication.factor': '3',
      'offsets.topic.num.partitions': '3',
      'group.min.session.timeout.ms': '1000',
      'group.initial.rebalance.delay.ms': '1000',
    },
  });
  const admin = new Samsa({
    clientId: 'group-test-admin',
    brokers: cluster.bootstrapServers(),
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic: TOPIC, numPartitions: 2, replicationFactor: 3 }],
      timeout: 20000,
    });
  } finally {
    await admin.disconnect();
  }
});

afterEach(async () => {
  await Promise.all(members.splice(0).map((m) => m.close()));
});

async function member(
  clientId: string,
  groupId: string,
  brokers = cluster.bootstrapServers(),
): Promise<GroupMember> {
  const m = new GroupMember(brokers, clientId, groupId, SESSION_MS);
  members.push(m);
  await m.connect();
  return m;
}

test('two members join and sync in one generation; a third member joining makes both rejoin into generation 2', async () => {
  const [a, b] = [await member('client-a', 'g1'), await member('client-b', 'g1')];
  const [ja, jb] = await Promise.all([a.join(), b.join()]);
  expect(ja.generationId).toBe(jb.generationId);
  expect(a.memberId.startsWith('client-a-')).toBe(true);
  const [leader, follower] = ja.leader === a.memberId ? [a, b] : [b, a];
  expect((leader === a ? ja : jb).members.map((m) => m.memberId).sort()).toEqual(
    [a.memberId, b.memberId].sort(),
  );
  expect((follower === a ? ja : jb).members).toEqual([]);
  const assignment = new Map([
    [leader.memberId, Buffer.from('partition-0')],
    [follower.memberId, Buffer.from('partition-1')],
  ]);
  const [mine, theirs] = await Promise.all([leader.sync(assignment), follower.sync()]);
  expect([mine.toString(), theirs.toString()]).toEqual(['partition-0', 'partition-1']);

  const described = await a.describe();
  expect(described.groupState).toBe('Stable');
  expect(described.protocolData).toBe('range');
  expect(described.members.map((m) => m.clientId).sort()).toEqual(['client-a', 'client-b']);
  expect(described.members.every((m) => m.clientHost === '/127.0.0.1')).toBe(true);

  const c = await member('client-c', 'g1');
  const joinC = c.join();
  await waitFor(async () => (await a.heartbeat()) === 'REBALANCE_IN_PROGRESS', {
    timeoutMs: 10000,
    what: 'a heartbeat answered REBALANCE_IN_PROGRESS',
  });
  const rejoined = await Promise.all([a.join(), b.join(), joinC]);
  expect(rejoined.map((r) => r.generationId)).toEqual(Array(3).fill(ja.generationId + 1));
  expect(rejoined.find((r) => r.leader === r.memberId)?.members).toHaveLength(3);
});

test('a member that stops heartbeating is removed after its session timeout and the others rebalance', async () => {
  const [a, b] = [await member('alive', 'g2'), await member('silent', 'g2')];
  const [ja] = await Promise.all([a.join(), b.join()]);
  await Promise.all([a.sync(), b.sync()]);
  a.startHeartbeats(300);
  const stoppedAt = performance.now();
  await waitFor(() => a.heartbeatErrors.at(-1) === 'REBALANCE_IN_PROGRESS', {
    timeoutMs: 15000,
    what: 'the silent member removed (REBALANCE_IN_PROGRESS)',
  });
  expect(performance.now() - stoppedAt).toBeGreaterThanOrEqual(SESSION_MS - 500);
  a.stopHeartbeats();
  const rejoin = await a.join();
  expect(rejoin.generationId).toBe(ja.generationId + 1);
  expect(rejoin.members.map((m) => m.memberId)).toEqual([a.memberId]);
  expect(await b.heartbeat()).toBe('UNKNOWN_MEMBER_ID');
});

test("committed offsets survive a SIGKILL of the coordinator's broker: the new coordinator answers OffsetFetch", async () => {
  const a = await member('committer', 'g3');
  await a.join([TOPIC]);
  await a.sync(new Map([[a.memberId, Buffer.from('all')]]));
  await waitFor(async () => (await a.commit(TOPIC, [42, 7])).every((e) => e === 'NONE'), {
    timeoutMs: 15000,
    what: 'an offset commit accepted',
  });
  const coordinator = await a.coordinator();
  await a.close();
  members.splice(0);
  await cluster.broker(coordinator).stop('SIGKILL');

  const survivors = cluster.brokers.filter((b) => b.id !== coordinator).map((b) => b.address);
  const reader = await member('reader', 'g3', survivors);
  const offsets = await waitFor(
    async () => {
      reader.coordinators.forget('g3');
      if ((await reader.coordinator()) === coordinator) return null;
      return reader.fetch(TOPIC, 2);
    },
    { timeoutMs: 45000, intervalMs: 500, what: 'a new coordinator answering OffsetFetch' },
  );
  expect(offsets).toEqual([42, 7]);
});

test('with fewer live brokers than offsets.topic.replication.factor, FindCoordinator creates __consumer_offsets with those it has, and group admin APIs answer', async () => {
  const single = await TestCluster.start({
    label: 'group-coordinator-single',
    brokers: 1,
    config: {
      'offsets.topic.replication.factor': '3',
      'offsets.topic.num.partitions': '2',
      'group.min.session.timeout.ms': '1000',
    },
  });
  const m = await member('solo', 'g4', single.bootstrapServers());
  expect(await m.coordinator()).toBe(1);
  const { data } = await single.zk.getData(topicAssignment.path('__consumer_offsets'));
  const assignment = topicAssignment.decode(data ?? Buffer.alloc(0));
  expect([...assignment.partitions.values()].map((p) => p.replicas)).toEqual([[1], [1]]);
  expect(single.broker(1).output).toContain(
    'instead of offsets.topic.replication.factor=3: only 1 live broker is available',
  );

  const invalid = await m.cluster.request(1, ApiKey.FindCoordinator, { key: 'g4', keyType: 1 });
  expect(errorByCode(invalid.errorCode).name).toBe('INVALID_REQUEST');
  await m.join();
  await m.sync();
  const listed = await m.cluster.request(1, ApiKey.ListGroups, { statesFilter: ['Stable'] });
  expect(listed.groups).toEqual([
    { groupId: 'g4', protocolType: 'consumer', groupState: 'Stable' },
  ]);
  const busy = await m.cluster.request(1, ApiKey.DeleteGroups, { groupsNames: ['g4'] });
  expect(errorByCode(busy.results[0].errorCode).name).toBe('NON_EMPTY_GROUP');
  const left = await m.cluster.request(1, ApiKey.LeaveGroup, {
    groupId: 'g4',
    members: [{ memberId: m.memberId }],
  });
  expect(left.members.map((x) => errorByCode(x.errorCode).name)).toEqual(['NONE']);
  await waitFor(
    async () =>
      (await m.cluster.request(1, ApiKey.DescribeGroups, { groups: ['g4'] })).groups[0]
        .groupState === 'Empty',
    { timeoutMs: 10000, what: 'g4 Empty after its member left' },
  );
  const deleted = await m.cluster.request(1, ApiKey.DeleteGroups, { groupsNames: ['g4'] });
  expect(errorByCode(deleted.results[0].errorCode).name).toBe('NONE');
  const gone = await m.cluster.request(1, ApiKey.DescribeGroups, { groups: ['g4'] });
  expect(gone.groups[0].groupState).toBe('Dead');
});
