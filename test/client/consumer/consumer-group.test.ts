/**
 * Consumer group membership against fake brokers with a fake group coordinator
 * (fake-group-coordinator.ts): joining (KIP-394 member ids), the leader's assignment, rebalances
 * with the revoke/assign listeners, heartbeats and their errors, static membership and fencing,
 * committed offsets (automatic, manual, their errors), coordinator moves, regex subscriptions and
 * metadata-change rejoins, and leaving.
 */
import {
  Consumer,
  ConsumerConfig,
  ConsumerEvent,
  ConsumerEventType,
  KafkaError,
  KafkaMessage,
  NoOffsetForPartitionError,
} from '../../../client';
import { decodeStickyUserData } from '../../../client/consumer/assignors/sticky';
import { decodeSubscription } from '../../../client/consumer/consumer-protocol';
import type { TopicPartition } from '../../../client/consumer/subscription-state';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { ErrorName } from '../../../client/protocol/error-codes';
import type { FakeCluster } from '../fake-broker';
import {
  deferred,
  eventually,
  samsaFor,
  startFakeCluster,
  track,
  useFakeClusters,
} from '../cluster/helpers';
import { FakeGroupCoordinator } from './fake-group-coordinator';

useFakeClusters();

const fakes: FakeGroupCoordinator[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.stop();
});

/** Short timeouts so rebalances take milliseconds. */
const FAST_GROUP: ConsumerConfig = {
  groupId: 'g',
  sessionTimeout: 1000,
  heartbeatInterval: 50,
  rebalanceTimeout: 3000,
  maxWaitTimeInMs: 20,
};

const code = (name: ErrorName): number => errorByName(name).code;

async function setUp(
  options: { brokers?: number; partitions?: number; leaders?: number[] } = {},
): Promise<{ cluster: FakeCluster; fake: FakeGroupCoordinator }> {
  const cluster = await startFakeCluster({
    brokers: options.brokers ?? 2,
    autoCreateTopics: false,
  });
  const fake = FakeGroupCoordinator.attach(cluster);
  fakes.push(fake);
  cluster.createTopic('t', options.partitions ?? 2, options.leaders);
  return { cluster, fake };
}

async function produce(
  cluster: FakeCluster,
  topic: string,
  partition: number,
  count: number,
): Promise<void> {
  const producer = samsaFor(cluster).producer({ acks: 1 });
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: count }, (_, index) => ({ value: `m${index}`, partition })),
  });
  await producer.disconnect();
}

async function member(cluster: FakeCluster, config: ConsumerConfig = {}): Promise<Consumer> {
  const consumer = track(samsaFor(cluster).consumer({ ...FAST_GROUP, ...config }));
  await consumer.connect();
  return consumer;
}

interface Delivery {
  topic: string;
  partition: number;
  offset: number;
}

/** Runs the consumer, recording every message; resolves once run() has. */
async function consume(
  consumer: Consumer,
  onMessage?: (message: KafkaMessage, partition: number) => Promise<void> | void,
): Promise<Delivery[]> {
  const received: Delivery[] = [];
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      received.push({ topic, partition, offset: message.offset });
      await onMessage?.(message, partition);
    },
  });
  return received;
}

function events<T extends ConsumerEventType>(consumer: Consumer, type: T): ConsumerEvent<T>[] {
  const list: ConsumerEvent<T>[] = [];
  consumer.on(type, (event) => list.push(event));
  return list;
}

const key = ({ topic, partition }: TopicPartition): string => `${topic}-${partition}`;

function sortedAssignment(consumer: Consumer): string[] {
  return consumer.assignment().map(key).sort();
}

describe('joining a group', () => {
  test('a member joins with the member id the coordinator requires (KIP-394) and gets every partition', async () => {
    const { cluster, fake } = await setUp({ partitions: 2 });
    const consumer = await member(cluster);
    const joins = events(consumer, 'consumer.group_join');
    await consumer.subscribe({ topics: ['t'] });
    await consume(consumer);
    expect(joins).toHaveLength(1);
    expect(joins[0].payload).toEqual({
      groupId: 'g',
      memberId: 'test-1',
      leaderId: 'test-1',
      isLeader: true,
      memberAssignment: { t: [0, 1] },
      groupProtocol: 'range',
      duration: expect.any(Number),
    });
    const requests = fake.requestsOf(ApiKey.JoinGroup);
    expect(requests.map((request) => request.memberId)).toEqual(['', 'test-1']);
    expect(requests[1]).toMatchObject({
      groupId: 'g',
      sessionTimeoutMs: 1000,
      rebalanceTimeoutMs: 3000,
      groupInstanceId: null,
      protocolType: 'consumer',
    });
    expect(requests[1].protocols.map((protocol) => protocol.name)).toEqual(['range']);
    expect(decodeSubscription(Buffer.from(requests[1].protocols[0].metadata))).toEqual({
      topics: ['t'],
      userData: null,
      ownedPartitions: [],
    });
    expect(sortedAssignment(consumer)).toEqual(['t-0', 't-1']);
  });

  test('partitions start at the committed offset, else per fromBeginning', async () => {
    const { cluster, fake } = await setUp({ partitions: 2 });
    await produce(cluster, 't', 0, 3);
    await produce(cluster, 't', 1, 3);
    fake.group('g').offsets.set('t-0', 2);
    const consumer = await member(cluster);
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    const received = await consume(consumer);
    await eventually(() => received.length === 4, 'the four uncommitted messages arrive');
    expect(received.map(key).sort()).toEqual(['t-0', 't-1', 't-1', 't-1']);
    expect(received.find((d) => d.partition === 0)?.offset).toBe(2);
    expect(fake.requestsOf(ApiKey.OffsetFetch)[0]).toMatchObject({
      groupId: 'g',
      topics: [{ name: 't', partitionIndexes: [0, 1] }],
    });
  });

  test("autoOffsetReset 'none' without a committed offset stops the consumer with NoOffsetForPartitionError", async () => {
    const { cluster } = await setUp({ partitions: 1 });
    const consumer = await member(cluster, { autoOffsetReset: 'none' });
    const crashes = events(consumer, 'consumer.crash');
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    await eventually(() => crashes.length === 1, 'the consumer crashes');
    expect(crashes[0].payload.error).toBeInstanceOf(NoOffsetForPartitionError);
    expect(crashes[0].payload.error.message).toMatch(
      /^Undefined offset with no reset policy for partitions: \[t-0\]/,
    );
    expect(crashes[0].payload.groupId).toBe('g');
  });

  test('protocols are offered in the order of partitionAssigners; sticky sends its last assignment on rejoin', async () => {
    const { cluster, fake } = await setUp({ partitions: 3 });
    const consumer = await member(cluster, { partitionAssigners: ['sticky', 'roundrobin'] });
    const joins = events(consumer, 'consumer.group_join');
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    expect(joins[0].payload.groupProtocol).toBe('sticky');
    fake.triggerRebalance('g');
    await eventually(() => joins.length === 2, 'the member rejoins');
    const rejoin = fake.requestsOf(ApiKey.JoinGroup).at(-1);
    expect(rejoin?.protocols.map((protocol) => protocol.name)).toEqual(['sticky', 'roundrobin']);
    const sticky = decodeSubscription(Buffer.from(rejoin?.protocols[0].metadata ?? []));
    expect(decodeStickyUserData(sticky.userData)).toEqual({
      partitions: [0, 1, 2].map((partition) => ({ topic: 't', partition })),
      generation: 1,
    });
    expect(
      decodeSubscription(Buffer.from(rejoin?.protocols[1].metadata ?? [])).userData,
    ).toBeNull();
  });

  test('a regex subscription joins with the matching topics and rejoins when a new one appears', async () => {
    const { cluster, fake } = await setUp({ partitions: 1 });
    cluster.createTopic('orders-eu', 1);
    const consumer = await member(cluster, { metadataMaxAge: 50 });
    const joins = events(consumer, 'consumer.group_join');
    await consumer.subscribe({ topics: [/^orders-/] });
    await consume(consumer);
    expect(joins[0].payload.memberAssignment).toEqual({ 'orders-eu': [0] });
    cluster.createTopic('orders-us', 2);
    await eventually(() => joins.length === 2, 'the member rejoins for the new topic');
    expect(joins[1].payload.memberAssignment).toEqual({ 'orders-eu': [0], 'orders-us': [0, 1] });
    const topics = decodeSubscription(
      Buffer.from(fake.requestsOf(ApiKey.JoinGroup).at(-1)?.protocols[0].metadata ?? []),
    ).topics;
    expect(topics).toEqual(['orders-eu', 'orders-us']);
  });

  test('the leader rejoins when a subscribed topic gains partitions', async () => {
    const { cluster } = await setUp({ partitions: 2 });
    const consumer = await member(cluster, { metadataMaxAge: 50 });
    const joins = events(consumer, 'consumer.group_join');
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    const topic = cluster.topics.get('t');
    topic?.partitions.push({ ...topic.partitions[0], batches: [], nextOffset: 0 });
    await eventually(() => joins.length === 2, 'the leader rejoins');
    expect(joins[1].payload.memberAssignment).toEqual({ t: [0, 1, 2] });
  });
});

describe('rebalancing', () => {
  test('two members share the partitions, each owned by exactly one; listeners run around the rebalance', async () => {
    const { cluster } = await setUp({ partitions: 4 });
    const calls: string[] = [];
    const listeners = (name: string): ConsumerConfig => ({
      onPartitionsAssigned: (assignment) => {
        calls.push(`${name} assigned ${assignment.map(key).join(',')}`);
      },
      onPartitionsRevoked: (assignment) => {
        calls.push(`${name} revoked ${assignment.map(key).join(',')}`);
      },
    });
    const a = await member(cluster, listeners('A'));
    const rebalancing = events(a, 'consumer.rebalancing');
    await a.subscribe({ topic: 't' });
    await consume(a);
    const b = await member(cluster, listeners('B'));
    await b.subscribe({ topic: 't' });
    await consume(b);
    await eventually(() => calls.length === 4, 'both members have their partitions');
    expect(calls).toEqual([
      'A assigned t-0,t-1,t-2,t-3',
      'A revoked t-0,t-1,t-2,t-3',
      'A assigned t-0,t-1',
      'B assigned t-2,t-3',
    ]);
    expect(rebalancing).toEqual([
      expect.objectContaining({ payload: { groupId: 'g', memberId: 'test-1' } }),
    ]);
    expect(sortedAssignment(a)).toEqual(['t-0', 't-1']);
    expect(sortedAssignment(b)).toEqual(['t-2', 't-3']);
  });

  test('a member that disconnects leaves; the other takes over at the committed offsets, nothing consumed twice', async () => {
    const { cluster, fake } = await setUp({ partitions: 4 });
    for (let partition = 0; partition < 4; partition++) await produce(cluster, 't', partition, 5);
    const a = await member(cluster);
    await a.subscribe({ topic: 't', fromBeginning: true });
    const fromA = await consume(a);
    const b = await member(cluster);
    await b.subscribe({ topic: 't', fromBeginning: true });
    const fromB = await consume(b);
    await eventually(() => fromA.length + fromB.length >= 20, 'the group reads every message');
    await eventually(
      () => a.assignment().length === 2 && b.assignment().length === 2,
      'both members hold partitions',
    );
    const bId = fake.requestsOf(ApiKey.JoinGroup).find((r) => r.memberId === 'test-2')?.memberId;
    await b.disconnect();
    expect(fake.requestsOf(ApiKey.LeaveGroup)).toEqual([
      expect.objectContaining({
        groupId: 'g',
        members: [expect.objectContaining({ memberId: bId })],
      }),
    ]);
    await eventually(
      () => a.assignment().length === 4,
      'the remaining member owns every partition',
    );
    for (let partition = 0; partition < 4; partition++) await produce(cluster, 't', partition, 5);
    await eventually(() => fromA.length + fromB.length >= 40, 'the new messages arrive');
    const all = [...fromA, ...fromB].map((d) => `${key(d)}@${d.offset}`);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(40);
  });

  test('records of revoked partitions are never handed out between revoke and the next assignment', async () => {
    const { cluster } = await setUp({ partitions: 2 });
    await produce(cluster, 't', 0, 200);
    await produce(cluster, 't', 1, 200);
    const timeline: string[] = [];
    const a = await member(cluster, {
      onPartitionsRevoked: () => {
        timeline.push('revoked');
      },
      onPartitionsAssigned: (assignment) => {
        timeline.push(`assigned ${assignment.map(key).join(',')}`);
      },
    });
    await a.subscribe({ topic: 't', fromBeginning: true });
    const fromA = await consume(a, async (_message, partition) => {
      timeline.push(`t-${partition}`);
      await new Promise((resolve) => setImmediate(resolve));
    });
    await eventually(() => fromA.length > 20, 'A is consuming');
    const b = await member(cluster);
    await b.subscribe({ topic: 't', fromBeginning: true });
    const fromB = await consume(b);
    await eventually(() => fromA.length + fromB.length >= 400, 'everything is consumed');
    const revokedAt = timeline.indexOf('revoked');
    const reassignedAt = timeline.indexOf('assigned t-0');
    expect(revokedAt).toBeGreaterThan(0);
    expect(reassignedAt).toBeGreaterThan(revokedAt);
    expect(timeline.slice(revokedAt + 1, reassignedAt)).toEqual([]);
    expect(timeline.slice(reassignedAt + 1).every((entry) => entry === 't-0')).toBe(true);
    const all = [...fromA, ...fromB].map((d) => `${key(d)}@${d.offset}`);
    expect(new Set(all).size).toBe(all.length);
  });

  test('sticky: when a member leaves, the others keep their partitions and share its ones', async () => {
    const { cluster } = await setUp({ partitions: 6 });
    const config: ConsumerConfig = { partitionAssigners: ['sticky'] };
    const consumers: Consumer[] = [];
    for (let index = 0; index < 3; index++) {
      const consumer = await member(cluster, config);
      await consumer.subscribe({ topic: 't' });
      await consume(consumer);
      consumers.push(consumer);
    }
    await eventually(
      () => consumers.every((consumer) => consumer.assignment().length === 2),
      'each member has two partitions',
    );
    const before = consumers.map(sortedAssignment);
    await consumers[2].disconnect();
    await eventually(
      () => consumers[0].assignment().length === 3 && consumers[1].assignment().length === 3,
      'the two remaining members have three partitions each',
    );
    for (const index of [0, 1]) {
      expect(sortedAssignment(consumers[index])).toEqual(expect.arrayContaining(before[index]));
    }
  });

  test('SyncGroup answering REBALANCE_IN_PROGRESS makes the member join again', async () => {
    const { cluster, fake } = await setUp();
    let refuse = true;
    fake.intercept(ApiKey.SyncGroup, () => {
      if (!refuse) return undefined;
      refuse = false;
      fake.triggerRebalance('g');
      return { errorCode: code('REBALANCE_IN_PROGRESS') };
    });
    const consumer = await member(cluster);
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    expect(fake.requestsOf(ApiKey.JoinGroup).map((r) => r.memberId)).toEqual([
      '',
      'test-1',
      'test-1',
    ]);
    expect(sortedAssignment(consumer)).toEqual(['t-0', 't-1']);
  });

  test('a JoinGroup that fails with a retriable error (NOT_COORDINATOR) is tried again', async () => {
    const { cluster, fake } = await setUp();
    let refuse = true;
    fake.intercept(ApiKey.JoinGroup, () => {
      if (!refuse) return undefined;
      refuse = false;
      return { errorCode: code('NOT_COORDINATOR') };
    });
    const consumer = await member(cluster);
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    expect(fake.requestsOf(ApiKey.JoinGroup).length).toBeGreaterThanOrEqual(2);
    expect(sortedAssignment(consumer)).toEqual(['t-0', 't-1']);
  });
});

describe('heartbeats', () => {
  test('heartbeats carry the generation and member id, and REBALANCE_IN_PROGRESS makes the member rejoin', async () => {
    const { cluster, fake } = await setUp();
    const consumer = await member(cluster);
    const joins = events(consumer, 'consumer.group_join');
    const beats = events(consumer, 'consumer.heartbeat');
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    await eventually(() => beats.length >= 2, 'heartbeats are sent');
    expect(fake.requestsOf(ApiKey.Heartbeat)[0]).toMatchObject({
      groupId: 'g',
      generationId: 1,
      memberId: 'test-1',
      groupInstanceId: null,
    });
    fake.triggerRebalance('g');
    await eventually(() => joins.length === 2, 'the member rejoins');
    expect(fake.requestsOf(ApiKey.JoinGroup).at(-1)?.memberId).toBe('test-1');
    expect(fake.group('g').generationId).toBe(2);
  });

  test('ILLEGAL_GENERATION: the member rejoins with its member id', async () => {
    const { cluster, fake } = await setUp();
    const consumer = await member(cluster);
    const joins = events(consumer, 'consumer.group_join');
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    fake.group('g').generationId++;
    await eventually(() => joins.length === 2, 'the member rejoins');
    expect(fake.requestsOf(ApiKey.JoinGroup).map((r) => r.memberId)).toEqual([
      '',
      'test-1',
      'test-1',
    ]);
  });

  test('UNKNOWN_MEMBER_ID: the member forgets its id and joins as a new member', async () => {
    const { cluster, fake } = await setUp();
    const consumer = await member(cluster);
    const joins = events(consumer, 'consumer.group_join');
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    fake.group('g').members.clear();
    fake.group('g').state = 'Empty';
    await eventually(() => joins.length === 2, 'the member rejoins');
    expect(fake.requestsOf(ApiKey.JoinGroup).map((r) => r.memberId)).toEqual([
      '',
      'test-1',
      '',
      'test-2',
    ]);
    expect(joins[1].payload.memberId).toBe('test-2');
  });

  test('a static member whose group.instance.id another consumer takes is fenced and stops; no LeaveGroup', async () => {
    const { cluster, fake } = await setUp();
    const first = await member(cluster, { groupInstanceId: 'instance-1' });
    const crashes = events(first, 'consumer.crash');
    await first.subscribe({ topic: 't' });
    await consume(first);
    expect(fake.requestsOf(ApiKey.JoinGroup)[0]).toMatchObject({
      memberId: '',
      groupInstanceId: 'instance-1',
    });
    const second = await member(cluster, { groupInstanceId: 'instance-1' });
    await second.subscribe({ topic: 't' });
    await consume(second);
    await eventually(() => crashes.length === 1, 'the fenced member stops');
    const error = crashes[0].payload.error as KafkaError;
    expect(error).toBeInstanceOf(KafkaError);
    expect(error.type).toBe('FENCED_INSTANCE_ID');
    expect(error.message).toMatch(/another consumer joined with group.instance.id "instance-1"/);
    expect(sortedAssignment(second)).toEqual(['t-0', 't-1']);
    await second.disconnect();
    expect(fake.requestsOf(ApiKey.LeaveGroup)).toEqual([]);
  });

  test('a coordinator that moves (NOT_COORDINATOR, then a stopped broker) is found again without a rebalance', async () => {
    const { cluster, fake } = await setUp({ brokers: 3, partitions: 1, leaders: [3] });
    await produce(cluster, 't', 0, 1);
    const consumer = await member(cluster);
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    const received = await consume(consumer);
    const heartbeatsTo = (broker: number): number =>
      fake.requests.filter((r) => r.apiKey === ApiKey.Heartbeat && r.broker === broker).length;
    await eventually(() => heartbeatsTo(1) > 0, 'heartbeats go to broker 1');
    fake.coordinatorId = 2;
    await eventually(() => heartbeatsTo(2) > 0, 'heartbeats follow the coordinator to broker 2');
    await cluster.stopBroker(2);
    fake.coordinatorId = 1;
    const before = heartbeatsTo(1);
    await eventually(() => heartbeatsTo(1) > before, 'heartbeats come back to broker 1');
    await produce(cluster, 't', 0, 1);
    await eventually(() => received.length === 2, 'the member keeps consuming');
    expect(fake.requestsOf(ApiKey.JoinGroup)).toHaveLength(2);
  });
});

describe('committing offsets', () => {
  test('autoCommit commits only what was handed out, on the interval, and on stop', async () => {
    const { cluster, fake } = await setUp({ partitions: 1 });
    await produce(cluster, 't', 0, 10);
    const gate = deferred();
    const consumer = await member(cluster, { autoCommitInterval: 30 });
    const commits = events(consumer, 'consumer.commit_offsets');
    const beats = events(consumer, 'consumer.heartbeat');
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    await consume(consumer, async (message) => {
      if (message.offset === 5) await gate.promise;
    });
    const offsets = fake.group('g').offsets;
    await eventually(() => offsets.get('t-0') === 5, 'the five handled messages are committed');
    const seen = beats.length;
    await eventually(() => beats.length >= seen + 3, 'time passes (three heartbeats)');
    expect(offsets.get('t-0')).toBe(5);
    gate.resolve();
    await eventually(
      () => commits.at(-1)?.payload.topics[0].partitions[0].offset === 10,
      'the rest is committed',
    );
    expect(offsets.get('t-0')).toBe(10);
    expect(commits.at(-1)?.payload).toEqual({
      groupId: 'g',
      memberId: 'test-1',
      groupGenerationId: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, offset: 10 }] }],
    });
    const sent = fake.requestsOf(ApiKey.OffsetCommit);
    expect(sent.at(-1)).toMatchObject({
      generationId: 1,
      memberId: 'test-1',
      groupInstanceId: null,
    });
    expect(sent.at(-1)?.topics[0].partitions[0]).toMatchObject({ committedLeaderEpoch: -1 });
    // Unchanged positions are not committed again.
    const count = sent.length;
    const more = beats.length;
    await eventually(() => beats.length >= more + 3, 'time passes');
    expect(fake.requestsOf(ApiKey.OffsetCommit)).toHaveLength(count);
  });

  test('autoCommitThreshold commits after that many messages; stopping commits the rest', async () => {
    const { cluster, fake } = await setUp({ partitions: 1 });
    await produce(cluster, 't', 0, 7);
    const consumer = await member(cluster, { autoCommitInterval: 600000, autoCommitThreshold: 3 });
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    const received = await consume(consumer);
    await eventually(() => received.length === 7, 'every message arrives');
    await eventually(() => (fake.group('g').offsets.get('t-0') ?? 0) >= 6, 'a threshold commit');
    await consumer.stop();
    expect(fake.group('g').offsets.get('t-0')).toBe(7);
    expect(fake.requestsOf(ApiKey.LeaveGroup)).toHaveLength(1);
  });

  test('commitOffsets commits given offsets, or every moved position; seek is committed by the next commit', async () => {
    const { cluster, fake } = await setUp({ partitions: 1 });
    await produce(cluster, 't', 0, 5);
    const consumer = await member(cluster, { autoCommit: false });
    await consumer.subscribe({ topic: 't', fromBeginning: true });
    const received = await consume(consumer);
    await eventually(() => received.length === 5, 'every message arrives');
    await consumer.commitOffsets([{ topic: 't', partition: 0, offset: '3' }]);
    expect(fake.group('g').offsets.get('t-0')).toBe(3);
    await consumer.commitOffsets();
    expect(fake.group('g').offsets.get('t-0')).toBe(5);
    consumer.seek({ topic: 't', partition: 0, offset: 1 });
    await consumer.commitOffsets();
    expect(fake.group('g').offsets.get('t-0')).toBe(1);
    await eventually(() => received.length === 9, 'the messages after the seek arrive again');
    await expect(
      consumer.commitOffsets([{ topic: 't', partition: 0, offset: 'latest' }]),
    ).rejects.toThrow('the offset to commit for t-0 must be a number, got "latest"');
  });

  test.each([['ILLEGAL_GENERATION'], ['UNKNOWN_MEMBER_ID'], ['REBALANCE_IN_PROGRESS']] as const)(
    'a commit answered %s fails with that KafkaError and the member rejoins',
    async (errorName) => {
      const { cluster, fake } = await setUp({ partitions: 1 });
      const consumer = await member(cluster, { autoCommit: false });
      const joins = events(consumer, 'consumer.group_join');
      await consumer.subscribe({ topic: 't' });
      await consume(consumer);
      fake.intercept(ApiKey.OffsetCommit, (_broker, request) => ({
        topics: request.topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: code(errorName),
          })),
        })),
      }));
      const failure = await consumer
        .commitOffsets([{ topic: 't', partition: 0, offset: 1 }])
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KafkaError);
      expect((failure as KafkaError).type).toBe(errorName);
      expect((failure as KafkaError).message).toMatch(
        errorName === 'REBALANCE_IN_PROGRESS'
          ? /the consumer is undergoing a rebalance/
          : /the group has already rebalanced and assigned the partitions to another member/,
      );
      await eventually(() => joins.length === 2, 'the member rejoins');
      expect(fake.requestsOf(ApiKey.OffsetCommit)).toHaveLength(1);
    },
  );

  test('retriable commit errors are retried until the commit succeeds', async () => {
    const { cluster, fake } = await setUp({ partitions: 1 });
    const consumer = await member(cluster, { autoCommit: false });
    await consumer.subscribe({ topic: 't' });
    await consume(consumer);
    const answers: ErrorName[] = ['COORDINATOR_LOAD_IN_PROGRESS', 'UNKNOWN_TOPIC_OR_PARTITION'];
    fake.intercept(ApiKey.OffsetCommit, (_broker, request) => {
      const next = answers.shift();
      if (next === undefined) return undefined;
      return {
        topics: request.topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: code(next),
          })),
        })),
      };
    });
    await consumer.commitOffsets([{ topic: 't', partition: 0, offset: 4 }]);
    expect(fake.requestsOf(ApiKey.OffsetCommit)).toHaveLength(3);
    expect(fake.group('g').offsets.get('t-0')).toBe(4);
  });

  test('with a groupId, assign() starts from committed offsets and commits outside any generation', async () => {
    const { cluster, fake } = await setUp({ partitions: 1 });
    await produce(cluster, 't', 0, 5);
    fake.group('g').offsets.set('t-0', 3);
    const consumer = await member(cluster, { autoCommitInterval: 20 });
    consumer.assign([{ topic: 't', partition: 0 }]);
    const received = await consume(consumer);
    await eventually(() => received.length === 2, 'the uncommitted messages arrive');
    expect(received.map((d) => d.offset)).toEqual([3, 4]);
    await eventually(() => fake.group('g').offsets.get('t-0') === 5, 'the position is committed');
    expect(fake.requestsOf(ApiKey.OffsetCommit).at(-1)).toMatchObject({
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
    });
    expect(fake.requestsOf(ApiKey.JoinGroup)).toEqual([]);
    await consumer.disconnect();
    expect(fake.requestsOf(ApiKey.LeaveGroup)).toEqual([]);
  });

  test('commitOffsets before the member has joined is a clear error', async () => {
    const { cluster } = await setUp({ partitions: 1 });
    const consumer = await member(cluster);
    await consumer.subscribe({ topic: 't' });
    await expect(consumer.commitOffsets([{ topic: 't', partition: 0, offset: 1 }])).rejects.toThrow(
      'the consumer has not joined its group: commit offsets once run() has resolved',
    );
  });
});
