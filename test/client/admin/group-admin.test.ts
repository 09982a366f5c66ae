import { DeleteGroupsError, GroupAdmin } from '../../../client/admin/group-admin';
import { Cluster } from '../../../client/cluster/cluster';
import { GroupCoordinators } from '../../../client/cluster/group-coordinator';
import { decodeAssignment, encodeAssignment } from '../../../client/consumer/consumer-protocol';
import { KafkaError, SamsaError } from '../../../client/errors';
import { ApiKey } from '../../../client/protocol/apis';
import { FAST_RETRY, startFakeCluster, track, useFakeClusters } from '../cluster/helpers';
import type { FakeCluster } from '../fake-broker';
import { FakeGroupCoordinator } from './group-fake-coordinator';

useFakeClusters();

async function setup(brokers = 2): Promise<{
  fake: FakeCluster;
  groups: FakeGroupCoordinator;
  admin: GroupAdmin;
  cluster: Cluster;
}> {
  const fake = await startFakeCluster({ brokers, autoCreateTopics: false });
  const groups = FakeGroupCoordinator.install(fake);
  const cluster = track(
    new Cluster({ clientId: 'test', brokers: fake.bootstrap, retry: FAST_RETRY }),
  );
  await cluster.connect();
  return { fake, groups, admin: new GroupAdmin(cluster, new GroupCoordinators(cluster)), cluster };
}

const member = (memberId: string, assignment: Record<string, number[]>) => ({
  memberId,
  clientId: `client-${memberId}`,
  clientHost: '/127.0.0.1',
  metadata: Buffer.from([0, 1]),
  assignment: encodeAssignment({
    partitions: Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => ({ topic, partition })),
    ),
    userData: null,
  }),
});

describe('GroupAdmin.listGroups', () => {
  test('asks every broker and merges their groups, sorted by id, with protocol type and state', async () => {
    const { groups, admin } = await setup();
    groups.addGroup('zeta', { coordinator: 1, state: 'Stable' });
    groups.addGroup('alpha', { coordinator: 2 });
    groups.addGroup('offsets-only', { coordinator: 2, protocolType: '' });
    expect(await admin.listGroups()).toEqual({
      groups: [
        { groupId: 'alpha', protocolType: 'consumer', groupState: 'Empty' },
        { groupId: 'offsets-only', protocolType: '', groupState: 'Empty' },
        { groupId: 'zeta', protocolType: 'consumer', groupState: 'Stable' },
      ],
    });
    expect(groups.requestsOf(ApiKey.ListGroups, 1)).toHaveLength(1);
    expect(groups.requestsOf(ApiKey.ListGroups, 2)).toHaveLength(1);
  });

  test('passes the states filter to the brokers', async () => {
    const { groups, admin } = await setup();
    groups.addGroup('busy', { coordinator: 1, state: 'Stable' });
    groups.addGroup('idle', { coordinator: 2 });
    const { groups: listed } = await admin.listGroups({ states: ['Stable'] });
    expect(listed.map((g) => g.groupId)).toEqual(['busy']);
    expect(groups.requestsOf(ApiKey.ListGroups, 2)[0].statesFilter).toEqual(['Stable']);
  });

  test('a broker that fails makes the call fail, naming the broker', async () => {
    const { groups, admin } = await setup();
    groups.listGroupsErrors.set(2, 'CLUSTER_AUTHORIZATION_FAILED');
    await expect(admin.listGroups()).rejects.toMatchObject({
      type: 'CLUSTER_AUTHORIZATION_FAILED',
      broker: 2,
    });
  });
});

describe('GroupAdmin.describeGroups', () => {
  test('asks each group of its coordinator and returns members with their raw metadata and assignment', async () => {
    const { fake, groups, admin } = await setup();
    groups.addGroup('orders-app', {
      coordinator: 2,
      state: 'Stable',
      protocol: 'range',
      members: [member('m1', { orders: [0, 1] })],
    });
    const { groups: described } = await admin.describeGroups(['orders-app', 'unknown']);
    expect(described[0]).toEqual({
      groupId: 'orders-app',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: [
        {
          memberId: 'm1',
          clientId: 'client-m1',
          clientHost: '/127.0.0.1',
          groupInstanceId: null,
          memberMetadata: Buffer.from([0, 1]),
          memberAssignment: member('m1', { orders: [0, 1] }).assignment,
        },
      ],
      errorCode: 0,
      coordinator: { nodeId: 2, host: '127.0.0.1', port: fake.ports.get(2) },
    });
    expect(decodeAssignment(described[0].members[0].memberAssignment).partitions).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
    ]);
    expect(described[1]).toMatchObject({ groupId: 'unknown', state: 'Dead', members: [] });
    expect(groups.requestsOf(ApiKey.DescribeGroups, 2)).toEqual([{ groups: ['orders-app'] }]);
  });

  test('finds the coordinator again when the group has moved (NOT_COORDINATOR)', async () => {
    const { groups, admin } = await setup();
    const group = groups.addGroup('moving', { coordinator: 1 });
    await admin.describeGroups(['moving']);
    group.coordinator = 2;
    const { groups: described } = await admin.describeGroups(['moving']);
    expect(described[0].coordinator.nodeId).toBe(2);
    expect(groups.requestsOf(ApiKey.FindCoordinator)).toHaveLength(2);
  });
});

describe('GroupAdmin.deleteGroups', () => {
  test('deletes empty groups', async () => {
    const { groups, admin } = await setup();
    groups.addGroup('old', { coordinator: 2 });
    expect(await admin.deleteGroups(['old'])).toEqual([{ groupId: 'old', errorCode: 0 }]);
    expect(groups.groups.has('old')).toBe(false);
  });

  test('reports NON_EMPTY_GROUP and GROUP_ID_NOT_FOUND per group in a DeleteGroupsError', async () => {
    const { groups, admin } = await setup();
    groups.addGroup('busy', { state: 'Stable', members: [member('m1', { t: [0] })] });
    groups.addGroup('old');
    const error = await admin.deleteGroups(['busy', 'missing', 'old']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeleteGroupsError);
    const results = (error as DeleteGroupsError).groups;
    expect(results.map((r) => [r.groupId, r.errorCode, r.error?.type])).toEqual([
      ['busy', 68, 'NON_EMPTY_GROUP'],
      ['missing', 69, 'GROUP_ID_NOT_FOUND'],
      ['old', 0, undefined],
    ]);
    expect(results[0].error?.groupId).toBe('busy');
    expect((error as Error).message).toBe(
      'could not delete groups busy (NON_EMPTY_GROUP), missing (GROUP_ID_NOT_FOUND)',
    );
    expect(groups.groups.has('old')).toBe(false);
  });
});

describe('GroupAdmin offsets', () => {
  test('fetchOffsets without topics returns every committed partition; with topics every partition, -1 where none', async () => {
    const { fake, groups, admin } = await setup();
    fake.createTopic('orders', 3);
    groups.addGroup('g', {
      offsets: new Map([
        ['orders\u00000', 5],
        ['audit\u00000', 2],
      ]),
    });
    expect(await admin.fetchOffsets({ groupId: 'g' })).toEqual([
      { topic: 'audit', partitions: [{ partition: 0, offset: 2, metadata: null }] },
      { topic: 'orders', partitions: [{ partition: 0, offset: 5, metadata: null }] },
    ]);
    expect(await admin.fetchOffsets({ groupId: 'g', topics: ['orders'] })).toEqual([
      {
        topic: 'orders',
        partitions: [
          { partition: 0, offset: 5, metadata: null },
          { partition: 1, offset: -1, metadata: null },
          { partition: 2, offset: -1, metadata: null },
        ],
      },
    ]);
  });

  test('setOffsets commits with generation -1 and no member id', async () => {
    const { groups, admin } = await setup();
    await admin.setOffsets({
      groupId: 'new',
      topic: 'orders',
      partitions: [{ partition: 1, offset: 9 }],
    });
    const [request] = groups.requestsOf(ApiKey.OffsetCommit);
    expect(request).toMatchObject({ groupId: 'new', generationId: -1, memberId: '' });
    expect(groups.groups.get('new')?.offsets.get('orders\u00001')).toBe(9);
  });

  test('setOffsets on a group with members surfaces the broker’s refusal, naming group and partition', async () => {
    const { groups, admin } = await setup();
    groups.addGroup('busy', { state: 'Stable', members: [member('m1', { orders: [0] })] });
    const error = await admin
      .setOffsets({ groupId: 'busy', topic: 'orders', partitions: [{ partition: 0, offset: 1 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({
      type: 'UNKNOWN_MEMBER_ID',
      groupId: 'busy',
      topic: 'orders',
      partition: 0,
    });
  });

  test('resetOffsets moves every partition to the log end, or the log start with earliest', async () => {
    const { fake, groups, admin } = await setup();
    fake.createTopic('orders', 2);
    Object.assign(fake.partition('orders', 0), { logStartOffset: 3, nextOffset: 12 });
    Object.assign(fake.partition('orders', 1), { logStartOffset: 0, nextOffset: 4 });
    expect(await admin.resetOffsets({ groupId: 'g', topic: 'orders' })).toEqual([
      { partition: 0, offset: 12 },
      { partition: 1, offset: 4 },
    ]);
    await admin.resetOffsets({ groupId: 'g', topic: 'orders', earliest: true });
    expect(groups.groups.get('g')?.offsets).toEqual(
      new Map([
        ['orders\u00000', 3],
        ['orders\u00001', 0],
      ]),
    );
  });

  test('checks its arguments and that the cluster is connected', async () => {
    const { admin, cluster } = await setup();
    await expect(admin.describeGroups([])).rejects.toThrow(
      'describeGroups needs a non-empty list of group ids',
    );
    await expect(admin.fetchOffsets({ groupId: '' })).rejects.toThrow(
      'fetchOffsets needs a groupId',
    );
    await expect(
      admin.setOffsets({ groupId: 'g', topic: 't', partitions: [{ partition: 0, offset: -1 }] }),
    ).rejects.toThrow('setOffsets: offset of partition 0 must be an integer >= 0, got -1');
    await cluster.disconnect();
    await expect(admin.listGroups()).rejects.toThrow(SamsaError);
  });
});
