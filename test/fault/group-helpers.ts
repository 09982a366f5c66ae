/**
 * Shared pieces of the consumer-group fault tests (test/fault/consumer-group-*.it.test.ts):
 *
 * - `startGroupCluster`: 3 real brokers whose `__consumer_offsets` has RF 3 and few partitions,
 *   with no initial rebalance delay; `createGroupTopic`: a 6-partition topic (RF 3,
 *   min.insync.replicas=2) with full ISRs.
 * - `TopicProducer`: one sequential acks=all send loop per partition, recording every
 *   acknowledged record (partition, offset, id `<tag>-p<partition>-<n>`).
 * - Group members that record what they are handed, each delivery and commit stamped with one
 *   sequence number of the test process (`nextSequence`), so events of several members can be
 *   ordered: `InProcessMember` (a Consumer in the test process) and `MemberProcess` (a consumer in
 *   a child process, for SIGKILL). Both keep the member's group_join events (member id and
 *   partitions), the records handed to it and the commits acknowledged to it.
 * - What the tests check: `waitForStableOwnership` (DescribeGroups through GroupAdmin says
 *   Stable with exactly the given members, each of which has rejoined since the step began and
 *   sees the assignment the coordinator holds for it), `ownersByPartition`, `coverage`
 *   (acknowledged records never handed out, and records handed out more than once),
 *   `orderAnomalies` (a member handed a partition's records out of order or with a gap between
 *   two rebalances); `GroupInspector` (DescribeGroups, OffsetFetch, FindCoordinator through
 *   client/admin/group-admin.ts) and `offsetsPartitionLeader` (the leader of the group's
 *   `__consumer_offsets` partition in ZooKeeper).
 * - `within`: a deadline for a promise (joining, leaving), so no wait of these tests is unbounded.
 *
 * A MemberProcess runs group-member-process.ts (the built .js) in a child process.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Consumer, ConsumerEvents, Producer, RecordMetadata, Samsa } from '../../client';
import { GroupAdmin } from '../../client/admin/group-admin';
import { Cluster } from '../../client/cluster/cluster';
import { GroupCoordinators } from '../../client/cluster/group-coordinator';
import { decodeAssignment } from '../../client/consumer/consumer-protocol';
import { partitionForGroup } from '../../broker/coordinator/group/group-partition';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import { TestCluster } from '../cluster/cluster-harness';
import { SAMSA_BIN, killTracked, spawnTracked, waitFor } from '../harness';
import { errorName } from './fault-helpers';
import type { ChildEvent, MemberSpec } from './group-member-process';

/** Partitions of every topic the group tests consume. */
export const GROUP_TOPIC_PARTITIONS = 6;
/** `offsets.topic.num.partitions` of the group test clusters. */
export const OFFSETS_PARTITIONS = 5;
export const SESSION_TIMEOUT_MS = 6000;
export const HEARTBEAT_INTERVAL_MS = 500;
/** How long a rebalance waits for members to rejoin (bounded, so a stuck one fails fast). */
export const REBALANCE_TIMEOUT_MS = 30000;
export const CONSUMER_RETRY = { retries: 10, initialRetryTime: 200, maxRetryTime: 2000 };

/** Starts 3 brokers with `__consumer_offsets` at RF 3 over OFFSETS_PARTITIONS partitions. */
export function startGroupCluster(label: string): Promise<TestCluster> {
  return TestCluster.start({
    label,
    brokers: 3,
    config: {
      'offsets.topic.replication.factor': '3',
      'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS),
      'group.initial.rebalance.delay.ms': '0',
    },
  });
}

/** Every partition's state of `topic` in ZooKeeper. */
async function partitionStates(
  cluster: TestCluster,
  topic: string,
  partitions: number,
): Promise<partitionState.PartitionState[]> {
  return Promise.all(
    [...Array(partitions).keys()].map(async (p) => {
      const { data } = await cluster.zk.getData(partitionState.path(topic, p));
      return partitionState.decode(data ?? Buffer.alloc(0));
    }),
  );
}

/** Creates `topic` (GROUP_TOPIC_PARTITIONS partitions, RF 3, min.insync.replicas=2), full ISRs. */
export async function createGroupTopic(cluster: TestCluster, topic: string): Promise<void> {
  const admin = new Samsa({
    clientId: 'group-test-admin',
    brokers: cluster.bootstrapServers(),
  }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: GROUP_TOPIC_PARTITIONS,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
      timeout: 20000,
    });
  } finally {
    await admin.disconnect();
  }
  await waitFor(
    async () =>
      (await partitionStates(cluster, topic, GROUP_TOPIC_PARTITIONS)).every(
        (s) => s.isr.length === 3,
      ),
    { timeoutMs: 30000, what: `full ISRs of ${topic}` },
  );
}

/** The high watermark of every partition of `topic`, by partition. */
export async function highWatermarks(cluster: TestCluster, topic: string): Promise<number[]> {
  const admin = new Samsa({
    clientId: 'group-test-offsets',
    brokers: liveBootstrap(cluster),
  }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic))
      .sort((a, b) => a.partition - b.partition)
      .map((o) => o.high);
  } finally {
    await admin.disconnect();
  }
}

/** The addresses of the brokers running now. */
export function liveBootstrap(cluster: TestCluster): string[] {
  return cluster.brokers.filter((b) => b.running).map((b) => b.address);
}

export interface AckedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

/**
 * One sequential acks=all send loop per partition of a GROUP_TOPIC_PARTITIONS-partition topic,
 * until `stop()`, at most one send per loop every `intervalMs` (default 10): enough records to
 * keep every member busy without taking the CPU from the brokers. Failed sends are counted.
 */
export class TopicProducer {
  readonly acked: AckedRecord[] = [];
  readonly failures: Record<string, number> = {};
  private running = true;
  private stopped: Promise<void> | undefined;
  private loopError: unknown;
  private readonly loops: Promise<void>[] = [];
  private readonly producer: Producer;

  constructor(
    cluster: TestCluster,
    private readonly topic: string,
    private readonly tag: string,
    private readonly intervalMs = 10,
  ) {
    this.producer = new Samsa({
      clientId: `group-fault-${tag}`,
      brokers: cluster.bootstrapServers(),
    }).producer({
      acks: 'all',
      timeout: 4000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
      metadataMaxAge: 2000,
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    for (let p = 0; p < GROUP_TOPIC_PARTITIONS; p++) {
      this.loops.push(
        this.loop(p).catch((error: unknown) => {
          this.running = false;
          this.loopError ??= error;
        }),
      );
    }
  }

  /** Waits until `more` records beyond those acknowledged now are acknowledged. */
  async waitForProgress(more: number, what: string, timeoutMs = 30000): Promise<void> {
    const target = this.acked.length + more;
    await waitFor(() => this.acked.length >= target, {
      timeoutMs,
      what: `${more} more acknowledged records ${what} (failed sends: ${JSON.stringify(this.failures)})`,
    });
  }

  private async loop(partition: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const value = `${this.tag}-p${partition}-${n}`;
      let metadata: RecordMetadata[];
      try {
        metadata = await this.producer.send({
          topic: this.topic,
          messages: [{ value, partition }],
        });
      } catch (error) {
        const reason = errorName(error);
        this.failures[reason] = (this.failures[reason] ?? 0) + 1;
        continue;
      }
      this.acked.push({ partition, offset: metadata[0].baseOffset, value });
      if (this.intervalMs > 0) await sleep(this.intervalMs);
    }
  }

  /** Ends the loops (each after its current send) and disconnects; later calls wait for that. */
  stop(): Promise<void> {
    this.stopped ??= this.finish();
    return this.stopped;
  }

  private async finish(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.producer.disconnect();
    if (this.loopError !== undefined) throw this.loopError;
  }
}

/**
 * `promise`, or an error naming `what` (and `context()`, for the failure message) once
 * `timeoutMs` pass first: every wait of these tests has a deadline.
 */
export async function within<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
  context: () => string = () => '',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs}ms waiting for ${what}\n${context()}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

let sequence = 0;

/** The next number of the test process's one sequence of member events. */
export function nextSequence(): number {
  return ++sequence;
}

export interface JoinEvent {
  readonly seq: number;
  /** performance.now() when the test process learnt of it. */
  readonly at: number;
  readonly memberId: string;
  readonly isLeader: boolean;
  readonly partitions: readonly number[];
}

export interface HandedRecord {
  readonly seq: number;
  readonly member: string;
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

export interface CommitEvent {
  readonly seq: number;
  readonly member: string;
  /** Committed offset (the next offset to read) by partition. */
  readonly offsets: ReadonlyMap<number, number>;
}

/** What one member was told and handed, in the order the test process learnt of it. */
export class MemberLog {
  readonly joins: JoinEvent[] = [];
  readonly handed: HandedRecord[] = [];
  readonly commits: CommitEvent[] = [];
  /** Problems seen by the member itself (a record of a partition it did not own, a crash). */
  readonly problems: string[] = [];

  constructor(readonly name: string) {}

  /** The member id of the latest join (undefined before the first). */
  get memberId(): string | undefined {
    return this.joins.at(-1)?.memberId;
  }

  /** The partitions of the latest join, sorted. */
  get assignment(): readonly number[] {
    return this.joins.at(-1)?.partitions ?? [];
  }

  /** Whether the latest join made this member the group's leader. */
  get isLeader(): boolean {
    return this.joins.at(-1)?.isLeader ?? false;
  }

  protected joined(memberId: string, isLeader: boolean, partitions: readonly number[]): void {
    this.joins.push({
      seq: nextSequence(),
      at: performance.now(),
      memberId,
      isLeader,
      partitions: [...partitions].sort((a, b) => a - b),
    });
  }

  protected received(partition: number, offset: number, value: string): void {
    this.handed.push({ seq: nextSequence(), member: this.name, partition, offset, value });
  }

  protected committed(offsets: Iterable<[number, number]>): void {
    this.commits.push({ seq: nextSequence(), member: this.name, offsets: new Map(offsets) });
  }

  /** The highest offset this member committed per partition (acknowledged to it). */
  lastCommitted(): Map<number, number> {
    const last = new Map<number, number>();
    for (const commit of this.commits) {
      for (const [p, o] of commit.offsets) last.set(p, Math.max(last.get(p) ?? -1, o));
    }
    return last;
  }
}

export interface MemberOptions {
  readonly groupId: string;
  readonly topic: string;
  /** Milliseconds between automatic commits. */
  readonly autoCommitInterval: number;
}

/** A group member in the test process (for joins and clean leaves). */
export class InProcessMember extends MemberLog {
  private readonly consumer: Consumer;
  private readonly owned = new Set<number>();
  private readonly topic: string;

  constructor(brokers: string[], name: string, options: MemberOptions) {
    super(name);
    this.topic = options.topic;
    this.consumer = new Samsa({ clientId: name, brokers, retry: CONSUMER_RETRY }).consumer({
      groupId: options.groupId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      autoCommitInterval: options.autoCommitInterval,
      maxWaitTimeInMs: 200,
      metadataMaxAge: 5000,
      onPartitionsAssigned: (assignment) => {
        for (const { partition } of assignment) this.owned.add(partition);
      },
      onPartitionsRevoked: () => this.owned.clear(),
    });
    this.consumer.on(ConsumerEvents.GROUP_JOIN, ({ payload }) =>
      this.joined(
        payload.memberId,
        payload.isLeader,
        payload.memberAssignment[options.topic] ?? [],
      ),
    );
    this.consumer.on(ConsumerEvents.COMMIT_OFFSETS, ({ payload }) =>
      this.committed(
        payload.topics
          .filter((t) => t.topic === options.topic)
          .flatMap((t) => t.partitions.map((p): [number, number] => [p.partition, p.offset])),
      ),
    );
    this.consumer.on(ConsumerEvents.CRASH, ({ payload }) =>
      this.problems.push(`crashed: ${payload.error.message}`),
    );
  }

  /**
   * Connects, subscribes from the beginning and resolves once it has joined the group (failing
   * after `timeoutMs`, with `context()` in the message).
   */
  async start(timeoutMs = 45000, context: () => string = () => ''): Promise<void> {
    await within(this.join(), timeoutMs, `${this.name} to join its group`, context);
  }

  private async join(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ partition, message }) => {
        if (!this.owned.has(partition)) {
          this.problems.push(
            `handed ${this.topic}-${partition}@${message.offset} while not owning it`,
          );
        }
        this.received(partition, message.offset, message.value?.toString() ?? '');
      },
    });
  }

  /** Disconnects: commits what it was handed and leaves the group (within `timeoutMs`). */
  async stop(timeoutMs = 30000, context: () => string = () => ''): Promise<void> {
    await within(this.consumer.disconnect(), timeoutMs, `${this.name} to leave its group`, context);
  }
}

/** The build this test run uses (SAMSA_TEST_DIST, else dist/), where the child's program is. */
function memberProgram(): string {
  return path.resolve(path.dirname(SAMSA_BIN), '../../test/fault/group-member-process.js');
}

/** A group member in a child process (so it can be SIGKILLed), reading its JSON lines. */
export class MemberProcess extends MemberLog {
  readonly child: ChildProcess;
  /** What it wrote on stderr (its log), for failure messages. */
  stderr = '';
  private partial = '';

  constructor(brokers: string[], name: string, options: MemberOptions) {
    super(name);
    const spec: MemberSpec = {
      brokers,
      clientId: name,
      groupId: options.groupId,
      topic: options.topic,
      autoCommitInterval: options.autoCommitInterval,
    };
    this.child = spawnTracked(process.execPath, [memberProgram(), JSON.stringify(spec)], {
      env: { ...process.env, SAMSA_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.read(chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** Waits until the member has joined the group once. */
  async joinedOnce(timeoutMs = 30000): Promise<void> {
    await waitFor(() => this.joins.length > 0, {
      timeoutMs,
      what: `${this.name} to join its group\n${this.tail()}`,
    });
  }

  /** SIGKILL, waiting for the exit. */
  async kill(): Promise<void> {
    await killTracked(this.child, 'SIGKILL');
  }

  /** SIGTERM (a clean leave), waiting for the exit. */
  async stop(): Promise<void> {
    await killTracked(this.child, 'SIGTERM', { graceMs: 30000 });
  }

  /** The last lines of its log. */
  tail(lines = 20): string {
    return `--- ${this.name} log:\n${this.stderr.split('\n').slice(-lines).join('\n')}`;
  }

  private read(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      const event = JSON.parse(line) as ChildEvent;
      switch (event.t) {
        case 'join':
          this.joined(event.id, event.l, event.ps);
          break;
        case 'rec':
          this.received(event.p, event.o, event.v);
          break;
        case 'commit':
          this.committed(event.ps);
          break;
        case 'crash':
          this.problems.push(`crashed: ${event.error}`);
          break;
        case 'stopped':
          break;
      }
    }
  }
}

/** A GroupAdmin (with its own connections) for DescribeGroups, OffsetFetch and FindCoordinator. */
export class GroupInspector {
  readonly cluster: Cluster;
  readonly coordinators: GroupCoordinators;
  readonly admin: GroupAdmin;

  constructor(brokers: string[]) {
    this.cluster = new Cluster({
      clientId: 'group-inspector',
      brokers,
      requestTimeout: 10000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 1000 },
    });
    this.coordinators = new GroupCoordinators(this.cluster);
    this.admin = new GroupAdmin(this.cluster, this.coordinators);
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  async close(): Promise<void> {
    await this.cluster.disconnect();
  }

  /** FindCoordinator, asked again (nothing remembered). */
  async coordinator(groupId: string): Promise<number> {
    this.coordinators.forget(groupId);
    return this.coordinators.find(groupId);
  }

  /** The group's state and each member's partitions of `topic` (from DescribeGroups). */
  async describe(
    groupId: string,
    topic: string,
  ): Promise<{ state: string; members: Map<string, number[]> }> {
    const [group] = (await this.admin.describeGroups([groupId])).groups;
    const members = new Map<string, number[]>();
    for (const member of group.members) {
      const partitions =
        member.memberAssignment.length === 0
          ? []
          : decodeAssignment(member.memberAssignment)
              .partitions.filter((tp) => tp.topic === topic)
              .map((tp) => tp.partition)
              .sort((a, b) => a - b);
      members.set(member.memberId, partitions);
    }
    return { state: group.state, members };
  }

  /** The group's committed offset of every partition of `topic` (-1: none). */
  async committed(groupId: string, topic: string): Promise<number[]> {
    const [offsets] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return offsets.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset);
  }
}

/** Each member's join count now, to tell later which members have rejoined since. */
export function joinCounts(members: readonly MemberLog[]): Map<MemberLog, number> {
  return new Map(members.map((m) => [m, m.joins.length]));
}

/**
 * Waits until the group is Stable with exactly `members` (by their latest member ids), every one
 * of them has joined since `before` (joinCounts taken before the step), and each member's latest
 * assignment is the one DescribeGroups reports for it. Resolves to the described assignment.
 */
export async function waitForStableOwnership(
  inspector: GroupInspector,
  groupId: string,
  topic: string,
  members: readonly MemberLog[],
  before: ReadonlyMap<MemberLog, number>,
  timeoutMs = 45000,
): Promise<Map<string, number[]>> {
  let last = 'nothing described yet';
  try {
    return await waitFor(
      async () => {
        const described = await inspector.describe(groupId, topic);
        last = `state ${described.state}, described ${JSON.stringify([...described.members])}, members' own views ${JSON.stringify(
          members.map((m) => [m.name, m.memberId, m.assignment, m.joins.length]),
        )}`;
        if (described.state !== 'Stable') return null;
        if (described.members.size !== members.length) return null;
        for (const m of members) {
          if (m.joins.length <= (before.get(m) ?? 0)) return null;
          const own = m.memberId === undefined ? undefined : described.members.get(m.memberId);
          if (own === undefined || own.join(',') !== m.assignment.join(',')) return null;
        }
        return described.members;
      },
      {
        timeoutMs,
        intervalMs: 200,
        what: `group ${groupId} Stable with ${members.length} members`,
      },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last seen: ${last}`);
  }
}

/** For each partition of the topic, the member ids that own it. */
export function ownersByPartition(owners: ReadonlyMap<string, readonly number[]>): string[][] {
  const byPartition: string[][] = Array.from({ length: GROUP_TOPIC_PARTITIONS }, () => []);
  for (const [memberId, partitions] of owners) {
    for (const p of partitions) {
      if (p < 0 || p >= GROUP_TOPIC_PARTITIONS) throw new Error(`member ${memberId} owns ${p}`);
      byPartition[p].push(memberId);
    }
  }
  return byPartition;
}

export interface Coverage {
  /** Acknowledged records that no member was handed (at their offset, with their id). */
  readonly skipped: AckedRecord[];
  /**
   * Records (by `partition@offset`) handed out more than once, with every delivery of each in
   * order. A send the producer retried may sit at two offsets: those are two records here.
   */
  readonly duplicates: Map<string, HandedRecord[]>;
  readonly handedCount: number;
}

/** Compares the acknowledged records with everything the members were handed. */
export function coverage(acked: readonly AckedRecord[], members: readonly MemberLog[]): Coverage {
  const byPosition = new Map<string, HandedRecord[]>();
  let handedCount = 0;
  for (const member of members) {
    for (const record of member.handed) {
      handedCount++;
      const position = `${record.partition}@${record.offset}`;
      const deliveries = byPosition.get(position);
      if (deliveries === undefined) byPosition.set(position, [record]);
      else deliveries.push(record);
    }
  }
  const skipped = acked.filter(
    (r) => byPosition.get(`${r.partition}@${r.offset}`)?.[0].value !== r.value,
  );
  const duplicates = new Map([...byPosition].filter(([, deliveries]) => deliveries.length > 1));
  for (const deliveries of duplicates.values()) deliveries.sort((a, b) => a.seq - b.seq);
  return { skipped, duplicates, handedCount };
}

/**
 * Deliveries that break a member's order: between two of its joins, each partition's records
 * must come at consecutive offsets (Jepsen's nonmonotonic-poll and poll-skip: a gap would skip
 * records, a step back would hand some out again without a rebalance).
 */
export function orderAnomalies(member: MemberLog): string[] {
  const events = [...member.joins, ...member.handed].sort((a, b) => a.seq - b.seq);
  let last = new Map<number, number>();
  const anomalies: string[] = [];
  for (const event of events) {
    if (!('partition' in event)) {
      last = new Map();
      continue;
    }
    const previous = last.get(event.partition);
    if (previous !== undefined && event.offset !== previous + 1) {
      anomalies.push(
        `${member.name} was handed partition ${event.partition} offset ${event.offset} right after ${previous}`,
      );
    }
    last.set(event.partition, event.offset);
  }
  return anomalies;
}

/** Waits until every acknowledged record was handed to some member. */
export async function waitForCoverage(
  acked: readonly AckedRecord[],
  members: readonly MemberLog[],
  timeoutMs = 60000,
): Promise<Coverage> {
  let last: Coverage | undefined;
  try {
    await waitFor(
      () => {
        last = coverage(acked, members);
        return last.skipped.length === 0;
      },
      { timeoutMs, intervalMs: 250, what: 'every acknowledged record handed to a member' },
    );
  } catch (error) {
    const skipped = last?.skipped ?? [];
    throw new Error(
      `${(error as Error).message}: ${skipped.length} never handed out, e.g. ${JSON.stringify(skipped.slice(0, 5))}`,
    );
  }
  return last as Coverage;
}

/** The highest offset handed out per partition, plus one (0 where nothing was handed). */
export function handedEnds(members: readonly MemberLog[]): number[] {
  const ends = Array<number>(GROUP_TOPIC_PARTITIONS).fill(0);
  for (const member of members) {
    for (const r of member.handed) ends[r.partition] = Math.max(ends[r.partition], r.offset + 1);
  }
  return ends;
}

/** The leader of the group's `__consumer_offsets` partition, as ZooKeeper records it. */
export async function offsetsPartitionLeader(
  cluster: TestCluster,
  groupId: string,
): Promise<number> {
  const partition = partitionForGroup(groupId, OFFSETS_PARTITIONS);
  const { data } = await cluster.zk.getData(partitionState.path('__consumer_offsets', partition));
  return partitionState.decode(data ?? Buffer.alloc(0)).leader;
}

/** Failure context: every member's problems and (for processes) last log lines. */
export function describeMembers(members: readonly MemberLog[]): string {
  return members
    .map(
      (m) =>
        `${m.name}: ${m.joins.length} joins, ${m.handed.length} handed, ${m.commits.length} commits, problems ${JSON.stringify(m.problems)}${m instanceof MemberProcess ? `\n${m.tail()}` : ''}`,
    )
    .join('\n');
}
