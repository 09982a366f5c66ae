/**
 * Consumer groups when members come and go, on 3 real brokers (`__consumer_offsets` with
 * RF 3), each test on its own 6-partition topic (RF 3, min.insync.replicas=2) fed by a
 * continuous acks=all producer, with consumers of session timeout 6 s, heartbeats every 500 ms:
 * - ownership: members join one by one (1 → 2 → 3) and leave one by one; after each join and each
 *   leave, once the group is Stable, every partition has exactly one owner, as the members'
 *   group_join events and DescribeGroups both say, and no member is handed a record of a
 *   partition it does not own;
 * - a member (the group's leader) running as a child process is killed with SIGKILL: after the
 *   session timeout, not before, its partitions go to the two others; every acknowledged record is
 *   handed to some member, and the only records handed out twice are the killed member's
 *   uncommitted ones (their count is printed);
 * - members commit only when they rebalance and when they leave: after clean leaves the group's
 *   committed offsets are exactly the ends of what was handed out, and new members consume the
 *   rest: nothing handed out twice, nothing skipped.
 */
import { TestCluster } from '../cluster/cluster-harness';
import { useHarness, waitFor } from '../harness';
import {
  GroupInspector,
  InProcessMember,
  MemberLog,
  MemberProcess,
  SESSION_TIMEOUT_MS,
  TopicProducer,
  createGroupTopic,
  describeMembers,
  handedEnds,
  highWatermarks,
  joinCounts,
  orderAnomalies,
  ownersByPartition,
  startGroupCluster,
  waitForCoverage,
  waitForStableOwnership,
} from './group-helpers';

useHarness();

let cluster: TestCluster;
let inspector: GroupInspector;

beforeAll(async () => {
  cluster = await startGroupCluster('group-fault-members');
  inspector = new GroupInspector(cluster.bootstrapServers());
  await inspector.connect();
}, 60000);

afterAll(async () => {
  await inspector?.close();
});

const ONE_OWNER_EACH = [1, 1, 1, 1, 1, 1];

/** The members' and brokers' state, for failure messages. */
function context(members: readonly MemberLog[]): string {
  return `${describeMembers(members)}\n${cluster.describeBrokers()}`;
}

/** Waits until DescribeGroups says the group is Empty, without members. */
async function waitForEmpty(groupId: string, topic: string): Promise<void> {
  await waitFor(
    async () => {
      const described = await inspector.describe(groupId, topic);
      return described.state === 'Empty' && described.members.size === 0;
    },
    { timeoutMs: 20000, what: `${groupId} Empty after its last member left` },
  );
}

/** Each partition's owners by member name, e.g. `[a][a][b][b][c][c]`. */
function ownerNames(owners: ReadonlyMap<string, readonly number[]>, members: MemberLog[]): string {
  const name = (id: string): string => members.find((m) => m.memberId === id)?.name ?? id;
  return ownersByPartition(owners)
    .map((ids) => `[${ids.map(name).join(',')}]`)
    .join('');
}

/** How many partitions each member owns, smallest first. */
function shares(owners: ReadonlyMap<string, readonly number[]>): number[] {
  return [...owners.values()].map((partitions) => partitions.length).sort((a, b) => a - b);
}

test('after every join (1 → 2 → 3) and every clean leave (3 → 2 → 1), the Stable group gives each of 6 partitions exactly one owner, in the members’ events and in DescribeGroups', async () => {
  const topic = 'ownership';
  const groupId = 'ownership-group';
  await createGroupTopic(cluster, topic);
  const producer = new TopicProducer(cluster, topic, 'own', 20);
  await producer.start();
  const members = ['a', 'b', 'c'].map(
    (name) =>
      new InProcessMember(cluster.bootstrapServers(), `own-${name}`, {
        groupId,
        topic,
        autoCommitInterval: 1000,
      }),
  );
  const live: InProcessMember[] = [];
  const steps: string[] = [];
  try {
    for (const member of members) {
      const before = joinCounts(live);
      live.push(member);
      await member.start(45000, () => context(members));
      const owners = await waitForStableOwnership(inspector, groupId, topic, live, before);
      steps.push(`join → ${live.length}: ${ownerNames(owners, members)}`);
      expect(ownersByPartition(owners).map((o) => o.length)).toEqual(ONE_OWNER_EACH);
      expect(shares(owners)).toEqual(balanced(live.length));
    }
    await producer.waitForProgress(60, 'while three members consume');
    while (live.length > 1) {
      const leaving = live.shift() as InProcessMember;
      const before = joinCounts(live);
      await leaving.stop(30000, () => context(members));
      const owners = await waitForStableOwnership(inspector, groupId, topic, live, before);
      steps.push(`leave → ${live.length}: ${ownerNames(owners, members)}`);
      expect(ownersByPartition(owners).map((o) => o.length)).toEqual(ONE_OWNER_EACH);
      expect(shares(owners)).toEqual(balanced(live.length));
    }
    await (live.shift() as InProcessMember).stop(30000, () => context(members));
    await waitForEmpty(groupId, topic);
  } finally {
    await Promise.allSettled(live.map((m) => m.stop()));
    await producer.stop();
  }
  process.stdout.write(`ownership: ${steps.join('; ')}\n`);
  expect(members.flatMap((m) => m.problems)).toEqual([]);
  expect(members.flatMap(orderAnomalies)).toEqual([]);
  expect(members.every((m) => m.handed.length > 0)).toBe(true);
}, 150000);

/** The partition counts of a balanced assignment of 6 partitions over 1, 2 or 3 members. */
function balanced(members: number): number[] {
  return Array<number>(members).fill(6 / members);
}

test('a SIGKILLed member (the leader) loses its partitions to the others after the session timeout; every acknowledged record is handed out, and only its uncommitted ones twice', async () => {
  const topic = 'member-kill';
  const groupId = 'member-kill-group';
  await createGroupTopic(cluster, topic);
  const producer = new TopicProducer(cluster, topic, 'mk');
  await producer.start();
  const members = ['a', 'b', 'c'].map(
    (name) =>
      new MemberProcess(cluster.bootstrapServers(), `mk-${name}`, {
        groupId,
        topic,
        autoCommitInterval: 1000,
      }),
  );
  const alive = new Set<MemberProcess>(members);
  try {
    const first = await waitForStableOwnership(inspector, groupId, topic, members, new Map());
    expect(ownersByPartition(first).map((o) => o.length)).toEqual(ONE_OWNER_EACH);
    await waitFor(() => members.every((m) => m.handed.length >= 20 && m.commits.length > 0), {
      timeoutMs: 30000,
      what: `every member handed records and committed\n${describeMembers(members)}`,
    });
    const victim = members.find((m) => m.isLeader) as MemberProcess;
    expect(victim).toBeDefined();
    const survivors = members.filter((m) => m !== victim);
    const victimPartitions = victim.assignment;
    const before = joinCounts(survivors);
    const killedAt = performance.now();
    await victim.kill();
    alive.delete(victim);

    const owners = await waitForStableOwnership(
      inspector,
      groupId,
      topic,
      survivors,
      before,
      SESSION_TIMEOUT_MS + 45000,
    );
    const rebalancedAfter =
      Math.min(...survivors.map((m) => m.joins[before.get(m) ?? 0].at)) - killedAt;
    expect(ownersByPartition(owners).map((o) => o.length)).toEqual(ONE_OWNER_EACH);
    // The coordinator notices only when the session times out. The last heartbeat it saw may
    // precede the kill by a heartbeat interval plus a round trip: 2 s of slack on a busy machine.
    expect(rebalancedAfter).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS - 2000);

    await producer.waitForProgress(150, 'after the rebalance');
    await producer.stop();
    const result = await waitForCoverage(producer.acked, members);
    const victimCommitted = victim.lastCommitted();
    // A record handed out twice must have been handed first to the killed member, after its last
    // acknowledged commit of that partition, and then once to the member that took the partition.
    const unexpected = [...result.duplicates].filter(
      ([, deliveries]) =>
        !(
          deliveries.length === 2 &&
          deliveries[0].member === victim.name &&
          deliveries[1].member !== victim.name &&
          deliveries[0].offset >= (victimCommitted.get(deliveries[0].partition) ?? 0)
        ),
    );
    process.stdout.write(
      `member-kill: ${producer.acked.length} acknowledged, failed sends ${JSON.stringify(producer.failures)}, ${result.handedCount} handed out, ` +
        `${result.duplicates.size} handed twice (the killed member's uncommitted work on partitions [${victimPartitions.join(',')}]), ` +
        `partitions reassigned ${Math.round(rebalancedAfter)} ms after the SIGKILL (session timeout ${SESSION_TIMEOUT_MS} ms)\n`,
    );
    expect(result.skipped).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(survivors.flatMap((m) => m.problems)).toEqual([]);
    expect(members.flatMap(orderAnomalies)).toEqual([]);
  } finally {
    await Promise.all([...alive].map((m) => m.stop()));
  }
}, 180000);

test('members that leave cleanly commit exactly what they were handed; new members consume the rest: nothing handed out twice, nothing skipped', async () => {
  const topic = 'restart';
  const groupId = 'restart-group';
  await createGroupTopic(cluster, topic);
  const producer = new TopicProducer(cluster, topic, 'rs');
  await producer.start();
  // No periodic commits: offsets are committed only when a member rebalances or leaves.
  const generation = (label: string): InProcessMember[] =>
    ['a', 'b', 'c'].map(
      (name) =>
        new InProcessMember(cluster.bootstrapServers(), `rs-${label}-${name}`, {
          groupId,
          topic,
          autoCommitInterval: 600000,
        }),
    );
  const first = generation('1');
  const second = generation('2');
  const everyone: MemberLog[] = [...first, ...second];
  const live: InProcessMember[] = [];
  try {
    const joinAll = async (members: InProcessMember[]): Promise<void> => {
      for (const member of members) {
        const before = joinCounts(live);
        live.push(member);
        await member.start(45000, () => context(everyone));
        await waitForStableOwnership(inspector, groupId, topic, live, before);
      }
    };
    const leaveAll = async (): Promise<void> => {
      while (live.length > 0) {
        const leaving = live.shift() as InProcessMember;
        const before = joinCounts(live);
        await leaving.stop(30000, () => context(everyone));
        if (live.length > 0) await waitForStableOwnership(inspector, groupId, topic, live, before);
      }
    };

    await joinAll(first);
    await waitFor(() => handedEnds(first).every((end) => end > 0), {
      timeoutMs: 30000,
      what: `records of every partition handed out\n${describeMembers(first)}`,
    });
    await producer.waitForProgress(60, 'while the first members consume');
    await leaveAll();
    await waitForEmpty(groupId, topic);
    const handedByFirst = handedEnds(first);
    expect(await inspector.committed(groupId, topic)).toEqual(handedByFirst);

    await producer.waitForProgress(60, 'while the group is empty');
    await joinAll(second);
    await producer.waitForProgress(60, 'while the new members consume');
    await producer.stop();
    const ends = await highWatermarks(cluster, topic);
    await waitFor(() => handedEnds(everyone).join(',') === ends.join(','), {
      timeoutMs: 60000,
      what: `everything up to the high watermarks ${ends.join(',')} handed out\n${describeMembers(everyone)}`,
    });
    await leaveAll();
    const result = await waitForCoverage(producer.acked, everyone, 1000);
    process.stdout.write(
      `restart: ${producer.acked.length} acknowledged, ${result.handedCount} handed out, ` +
        `first members stopped at ${handedByFirst.join(',')}, ends ${ends.join(',')}, ${result.duplicates.size} handed twice\n`,
    );
    expect(handedByFirst.some((end, p) => end < ends[p])).toBe(true);
    expect(result.skipped).toEqual([]);
    expect([...result.duplicates.values()]).toEqual([]);
    expect(await inspector.committed(groupId, topic)).toEqual(ends);
    expect(everyone.flatMap((m) => m.problems)).toEqual([]);
    expect(everyone.flatMap(orderAnomalies)).toEqual([]);
  } finally {
    await Promise.allSettled(live.map((m) => m.stop()));
    await producer.stop();
  }
}, 180000);
