/**
 * Consumer groups end to end on three real broker processes (the group coordinator on the
 * brokers, the consumer client here): two members share a 6-partition topic with every partition
 * owned by exactly one of them; when one disconnects (LeaveGroup) the other owns them all; and a
 * consumer started later in the same group resumes from the committed offsets, so across the whole
 * run no record is consumed twice and none is missed.
 */
import { Consumer, Samsa } from '../../../client';
import { TestCluster } from '../../cluster/cluster-harness';
import { onCleanup, useHarness, waitFor } from '../../harness';

useHarness();

const TOPIC = 'orders';
const PARTITIONS = 6;
const GROUP = 'orders-readers';

let cluster: TestCluster;
let samsa: Samsa;

beforeAll(async () => {
  cluster = await TestCluster.start({
    label: 'consumer-group-client',
    brokers: 3,
    config: {
      'offsets.topic.num.partitions': '3',
      'group.min.session.timeout.ms': '1000',
    },
  });
  samsa = new Samsa({
    clientId: 'group-it',
    brokers: cluster.bootstrapServers(),
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const admin = samsa.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }],
      timeout: 20000,
    });
  } finally {
    await admin.disconnect();
  }
});

/** Sends `perPartition` records to every partition, values `<round>-<partition>-<n>`. */
async function produce(round: string, perPartition: number): Promise<void> {
  const producer = samsa.producer({ acks: 'all' });
  await producer.connect();
  try {
    const messages = [];
    for (let partition = 0; partition < PARTITIONS; partition++) {
      for (let n = 0; n < perPartition; n++) {
        messages.push({ partition, value: `${round}-${partition}-${n}` });
      }
    }
    await producer.send({ topic: TOPIC, messages });
  } finally {
    await producer.disconnect();
  }
}

interface Received {
  readonly consumer: string;
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

const received: Received[] = [];

async function startMember(name: string): Promise<Consumer> {
  const consumer = samsa.consumer({
    groupId: GROUP,
    sessionTimeout: 3000,
    heartbeatInterval: 300,
    rebalanceTimeout: 10000,
    maxWaitTimeInMs: 100,
    autoCommitInterval: 500,
  });
  // Cleanups run last-registered first: members disconnect before the brokers stop.
  onCleanup(() => consumer.disconnect());
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      received.push({
        consumer: name,
        partition,
        offset: message.offset,
        value: message.value?.toString() ?? '',
      });
    },
  });
  return consumer;
}

const partitionsOf = (consumer: Consumer): number[] =>
  consumer
    .assignment()
    .map((tp) => tp.partition)
    .sort((a, b) => a - b);

function expectNoDuplicates(): void {
  const keys = received.map((r) => `${r.partition}@${r.offset}`);
  expect(new Set(keys).size).toBe(keys.length);
}

test('two members share the partitions, one leaves and the other owns them all; a later member resumes from the committed offsets', async () => {
  await produce('first', 10);
  const a = await startMember('a');
  const b = await startMember('b');

  await waitFor(
    () => {
      const mine = partitionsOf(a);
      const theirs = partitionsOf(b);
      return (
        mine.length > 0 &&
        theirs.length > 0 &&
        [...mine, ...theirs].sort((x, y) => x - y).join(',') === '0,1,2,3,4,5'
      );
    },
    { timeoutMs: 30000, what: 'both members own partitions, each partition exactly once' },
  );
  // range: member ids are random, so which member gets 0-2 and which 3-5 is not known.
  expect([partitionsOf(a), partitionsOf(b)].map(String).sort()).toEqual(['0,1,2', '3,4,5']);
  await waitFor(() => received.length >= 60, { timeoutMs: 30000, what: 'the first 60 records' });

  await b.disconnect();
  await waitFor(() => partitionsOf(a).length === PARTITIONS, {
    timeoutMs: 30000,
    what: 'the remaining member owns every partition',
  });
  await produce('second', 10);
  await waitFor(() => received.length >= 120, { timeoutMs: 30000, what: 'the next 60 records' });
  expect(
    received.filter((r) => r.value.startsWith('second')).every((r) => r.consumer === 'a'),
  ).toBe(true);

  await a.disconnect();
  await produce('third', 5);
  const c = await startMember('c');
  await waitFor(() => received.length >= 150, { timeoutMs: 30000, what: 'the last 30 records' });
  await c.disconnect();
  expect(received.filter((r) => r.consumer === 'c').map((r) => r.value.split('-')[0])).toEqual(
    Array(30).fill('third'),
  );
  expect(received).toHaveLength(150);
  expectNoDuplicates();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    expect(
      received
        .filter((r) => r.partition === partition)
        .map((r) => r.offset)
        .sort((x, y) => x - y),
    ).toEqual([...Array(25).keys()]);
  }
});
