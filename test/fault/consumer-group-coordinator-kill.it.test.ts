/**
 * The broker that coordinates a consumer group is killed with SIGKILL while the group consumes.
 * 3 real brokers (`__consumer_offsets` with RF 3), a 6-partition topic (RF 3,
 * min.insync.replicas=2) fed by a continuous acks=all producer, three members committing every
 * second. The coordinator is found with FindCoordinator (and checked to be the leader of the
 * group's `__consumer_offsets` partition in ZooKeeper). After the kill:
 * - the new leader of that partition coordinates the group and answers OffsetFetch with every
 *   commit acknowledged before the kill (or a later one);
 * - the members commit again; a fourth member joins, so partitions change hands at the new
 *   coordinator and their new owners start from the offsets it has;
 * - every acknowledged record is handed to a member; a record handed out again lies at or after
 *   the last commit of its partition acknowledged before (only what was handed out since the last
 *   commit is redone), and each member gets each partition's records in order, without gaps;
 * - after the members leave, the group's committed offsets are the high watermarks.
 */
import { TestCluster } from '../cluster/cluster-harness';
import { useHarness, waitFor } from '../harness';
import { waitForDeregistration } from './fault-helpers';
import {
  CommitEvent,
  GroupInspector,
  HandedRecord,
  InProcessMember,
  MemberLog,
  TopicProducer,
  coverage,
  createGroupTopic,
  describeMembers,
  handedEnds,
  highWatermarks,
  joinCounts,
  liveBootstrap,
  nextSequence,
  offsetsPartitionLeader,
  orderAnomalies,
  ownersByPartition,
  startGroupCluster,
  waitForStableOwnership,
} from './group-helpers';

useHarness();

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startGroupCluster('group-fault-coordinator');
}, 60000);

/**
 * Records handed out again although a commit past them had been acknowledged before, and how
 * many records were handed out again in all (every delivery and commit in sequence order).
 */
function redeliveries(members: readonly MemberLog[]): {
  redelivered: number;
  belowCommitted: { record: HandedRecord; committed: number }[];
} {
  const events: (HandedRecord | CommitEvent)[] = members
    .flatMap((m): (HandedRecord | CommitEvent)[] => [...m.handed, ...m.commits])
    .sort((a, b) => a.seq - b.seq);
  const committed = new Map<number, number>();
  const seen = new Set<string>();
  const belowCommitted: { record: HandedRecord; committed: number }[] = [];
  let redelivered = 0;
  for (const event of events) {
    if ('offsets' in event) {
      for (const [p, o] of event.offsets) committed.set(p, Math.max(committed.get(p) ?? 0, o));
      continue;
    }
    const position = `${event.partition}@${event.offset}`;
    if (!seen.has(position)) {
      seen.add(position);
      continue;
    }
    redelivered++;
    const floor = committed.get(event.partition) ?? 0;
    if (event.offset < floor) belowCommitted.push({ record: event, committed: floor });
  }
  return { redelivered, belowCommitted };
}

/** The highest offset each partition was committed at, by commits acknowledged before `seq`. */
function committedBefore(members: readonly MemberLog[], seq: number): Map<number, number> {
  const committed = new Map<number, number>();
  for (const commit of members.flatMap((m) => m.commits)) {
    if (commit.seq > seq) continue;
    for (const [p, o] of commit.offsets) committed.set(p, Math.max(committed.get(p) ?? 0, o));
  }
  return committed;
}

test("SIGKILL of the group's coordinator: the new coordinator has the committed offsets, the group keeps consuming and rebalancing, and redoes at most what was handed out since the last commit", async () => {
  const topic = 'coordinator-kill';
  const groupId = 'coordinator-kill-group';
  await createGroupTopic(cluster, topic);
  const producer = new TopicProducer(cluster, topic, 'ck');
  await producer.start();
  const inspector = new GroupInspector(cluster.bootstrapServers());
  await inspector.connect();
  const members = ['a', 'b', 'c', 'd'].map(
    (name) =>
      new InProcessMember(cluster.bootstrapServers(), `ck-${name}`, {
        groupId,
        topic,
        autoCommitInterval: 1000,
      }),
  );
  const [first, second, third, late] = members;
  const live = new Set<InProcessMember>();
  const context = (): string => `${describeMembers(members)}\n${cluster.describeBrokers()}`;
  let after: GroupInspector | undefined;
  try {
    for (const member of [first, second, third]) {
      live.add(member);
      await member.start(45000, context);
    }
    const owners = await waitForStableOwnership(inspector, groupId, topic, [...live], new Map());
    expect(ownersByPartition(owners).map((o) => o.length)).toEqual([1, 1, 1, 1, 1, 1]);
    await waitFor(() => [...live].every((m) => m.handed.length >= 20 && m.commits.length > 0), {
      timeoutMs: 30000,
      what: `every member handed records and committed\n${describeMembers(members)}`,
    });

    const coordinator = await inspector.coordinator(groupId);
    expect(await offsetsPartitionLeader(cluster, groupId)).toBe(coordinator);
    const joinsBefore = joinCounts(members);
    const killSeq = nextSequence();
    await cluster.broker(coordinator).stop('SIGKILL');
    const committedAtKill = committedBefore(members, killSeq);
    await waitForDeregistration(cluster, coordinator);

    after = new GroupInspector(liveBootstrap(cluster));
    await after.connect();
    const inspectAfter = after;
    const moved = await waitFor(
      async () => {
        const found = await inspectAfter.coordinator(groupId);
        const leader = await offsetsPartitionLeader(cluster, groupId);
        return found !== coordinator && found === leader ? found : null;
      },
      { timeoutMs: 45000, intervalMs: 500, what: 'the group coordinator to move' },
    );
    // Every commit acknowledged before the kill is there (or a later one).
    const committedAfterMove = await after.committed(groupId, topic);
    const lostCommits = [...committedAtKill].filter(([p, o]) => committedAfterMove[p] < o);
    expect(lostCommits).toEqual([]);

    await waitFor(() => [...live].every((m) => m.commits.some((c) => c.seq > killSeq)), {
      timeoutMs: 60000,
      what: `every member committing again after the kill\n${describeMembers(members)}\n${cluster.describeBrokers()}`,
    });
    const rejoinsAfterKill = [...live].reduce(
      (sum, m) => sum + m.joins.length - (joinsBefore.get(m) ?? 0),
      0,
    );
    // A rebalance at the new coordinator: partitions change hands, their new owners start from
    // the offsets it has.
    const beforeJoin = joinCounts([...live]);
    live.add(late);
    await late.start(45000, context);
    const rebalanced = await waitForStableOwnership(after, groupId, topic, [...live], beforeJoin);
    expect(ownersByPartition(rebalanced).map((o) => o.length)).toEqual([1, 1, 1, 1, 1, 1]);
    await producer.waitForProgress(150, 'after the coordinator moved');
    await producer.stop();

    const ends = await highWatermarks(cluster, topic);
    await waitFor(() => handedEnds(members).join(',') === ends.join(','), {
      timeoutMs: 60000,
      what: `everything up to the high watermarks ${ends.join(',')} handed out\n${describeMembers(members)}`,
    });
    for (const member of members) {
      live.delete(member);
      await member.stop(30000, context);
    }

    const result = coverage(producer.acked, members);
    const { redelivered, belowCommitted } = redeliveries(members);
    process.stdout.write(
      `coordinator-kill: broker ${coordinator} killed, broker ${moved} coordinates now; ${producer.acked.length} acknowledged, ` +
        `failed sends ${JSON.stringify(producer.failures)}, ${result.handedCount} handed out, ${redelivered} handed out again, ` +
        `${rejoinsAfterKill} member rejoins caused by the kill; committed at the kill ${JSON.stringify([...committedAtKill])}, ` +
        `at the new coordinator ${JSON.stringify(committedAfterMove)}\n`,
    );
    expect(result.skipped).toEqual([]);
    expect(belowCommitted).toEqual([]);
    expect(await after.committed(groupId, topic)).toEqual(ends);
    expect(members.flatMap((m) => m.problems)).toEqual([]);
    expect(members.flatMap(orderAnomalies)).toEqual([]);
  } finally {
    await Promise.allSettled([...live].map((m) => m.stop()));
    await producer.stop();
    await inspector.close();
    await after?.close();
  }
}, 240000);
