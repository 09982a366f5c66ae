import {
  Consumer,
  ConsumerConfig,
  ConsumerEvent,
  EachBatchPayload,
  KafkaError,
  KafkaMessage,
  NoOffsetForPartitionError,
  SamsaError,
} from '../../../client';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { FakeCluster } from '../fake-broker';
import { eventually, samsaFor, startFakeCluster, track, useFakeClusters } from '../cluster/helpers';

useFakeClusters();

interface Received {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

async function produce(
  cluster: FakeCluster,
  topic: string,
  messages: { key?: string; value: string; partition?: number; headers?: Record<string, string> }[],
  config: { compression?: 'gzip' | 'none'; batchSize?: number } = {},
): Promise<void> {
  const producer = samsaFor(cluster).producer({ ...config, acks: 1 });
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

async function consumerFor(cluster: FakeCluster, config: ConsumerConfig = {}): Promise<Consumer> {
  const consumer = track(samsaFor(cluster).consumer({ maxWaitTimeInMs: 50, ...config }));
  await consumer.connect();
  return consumer;
}

function collect(consumer: Consumer): Received[] {
  const received: Received[] = [];
  void consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      received.push({ topic, partition, message });
    },
  });
  return received;
}

const values = (received: Received[]): string[] =>
  received.map((entry) => entry.message.value?.toString() ?? 'null');

describe('Consumer', () => {
  test('fromBeginning reads every record in order with offsets, keys, values, headers, timestamps', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [
      { key: 'a', value: '1', headers: { h: 'x' } },
      { value: '2' },
      { value: '3' },
    ]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0 }], { fromBeginning: true });
    const received = collect(consumer);
    await eventually(() => received.length === 3, 'three messages arrive');
    expect(values(received)).toEqual(['1', '2', '3']);
    expect(received.map((r) => r.message.offset)).toEqual([0, 1, 2]);
    expect(received[0].message.key?.toString()).toBe('a');
    expect(received[0].message.headers.h?.toString()).toBe('x');
    expect(received[1].message.key).toBeNull();
    expect(received[0].message.timestampType).toBe('CreateTime');
    expect(received[0].message.timestamp).toBeGreaterThan(1600000000000);
    expect(consumer.position({ topic: 't', partition: 0 })).toBe(3);
    const listOffsets = cluster.requestsOf(ApiKey.ListOffsets);
    expect(listOffsets[0].topics[0].partitions[0].timestamp).toBe(-2);
  });

  test('without an offset a partition starts at the latest offset (autoOffsetReset latest)', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'old' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0 }]);
    const received = collect(consumer);
    await eventually(
      () => consumer.position({ topic: 't', partition: 0 }) === 1,
      'the position is looked up',
    );
    await produce(cluster, 't', [{ value: 'new' }]);
    await eventually(() => received.length === 1, 'the new message arrives');
    expect(values(received)).toEqual(['new']);
    expect(cluster.requestsOf(ApiKey.ListOffsets)[0].topics[0].partitions[0].timestamp).toBe(-1);
  });

  test('seek into the middle of a batch skips the records before the offset', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: '0' }, { value: '1' }, { value: '2' }, { value: '3' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0 }]);
    consumer.seek({ topic: 't', partition: 0, offset: 2 });
    const received = collect(consumer);
    await eventually(() => received.length === 2, 'two messages arrive');
    expect(values(received)).toEqual(['2', '3']);
    // the broker returned the whole batch, starting at offset 0
    expect(cluster.requestsOf(ApiKey.Fetch)[0].topics[0].partitions[0].fetchOffset).toBe(2);
  });

  test('assign with an offset (number or decimal string) starts there', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 2);
    await produce(cluster, 't', [
      { value: 'a0', partition: 0 },
      { value: 'a1', partition: 0 },
      { value: 'b0', partition: 1 },
      { value: 'b1', partition: 1 },
    ]);
    const consumer = await consumerFor(cluster);
    consumer.assign([
      { topic: 't', partition: 0, offset: 1 },
      { topic: 't', partition: 1, offset: '0' },
    ]);
    const received = collect(consumer);
    await eventually(() => received.length === 3, 'three messages arrive');
    expect(values(received).sort()).toEqual(['a1', 'b0', 'b1']);
  });

  test('seek during run re-reads from the new offset and drops records fetched before', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: '0' }, { value: '1' }, { value: '2' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const seen: number[] = [];
    let rewound = false;
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.offset);
        if (message.offset === 1 && !rewound) {
          rewound = true;
          consumer.seek({ topic: 't', partition: 0, offset: 0 });
        }
      },
    });
    await eventually(() => seen.length === 5, 'the rewound messages arrive again');
    expect(seen).toEqual([0, 1, 0, 1, 2]);
  });

  test('pause stops one partition while the others continue; resume picks it up', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 2);
    const consumer = await consumerFor(cluster);
    consumer.assign(
      [
        { topic: 't', partition: 0 },
        { topic: 't', partition: 1 },
      ],
      { fromBeginning: true },
    );
    consumer.pause([{ topic: 't', partitions: [1] }]);
    expect(consumer.paused()).toEqual([{ topic: 't', partitions: [1] }]);
    const received = collect(consumer);
    await produce(cluster, 't', [
      { value: 'p0', partition: 0 },
      { value: 'p1', partition: 1 },
    ]);
    await eventually(() => received.length === 1, 'the unpaused partition is consumed');
    // two more fetch cycles: the paused partition would have been fetched and delivered by now
    const fetches = cluster.requestsOf(ApiKey.Fetch).length;
    await eventually(
      () => cluster.requestsOf(ApiKey.Fetch).length >= fetches + 2,
      'two more fetches are made',
    );
    expect(values(received)).toEqual(['p0']);
    const fetched = cluster
      .requestsOf(ApiKey.Fetch)
      .flatMap((request) => request.topics[0].partitions.map((p) => p.partition));
    expect(fetched).not.toContain(1);
    consumer.resume([{ topic: 't' }]);
    expect(consumer.paused()).toEqual([]);
    await eventually(() => received.length === 2, 'the resumed partition is consumed');
    expect(values(received)).toEqual(['p0', 'p1']);
  });

  test('pause() inside eachMessage stops that partition after the message; its resume function resumes', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 2);
    await produce(cluster, 't', [
      { value: '0', partition: 0 },
      { value: '1', partition: 0 },
      { value: '2', partition: 0 },
    ]);
    const consumer = await consumerFor(cluster);
    consumer.assign([
      { topic: 't', partition: 0, offset: 0 },
      { topic: 't', partition: 1, offset: 0 },
    ]);
    const seen: string[] = [];
    let resume: (() => void) | undefined;
    await consumer.run({
      eachMessage: async ({ message, pause }) => {
        seen.push(message.value!.toString());
        if (message.value?.toString() === '0') resume = pause();
      },
    });
    await eventually(() => resume !== undefined, 'the handler pauses');
    // partition 1 is fetched by the same loop after partition 0's records were handed over
    await produce(cluster, 't', [{ value: 'other', partition: 1 }]);
    await eventually(() => seen.includes('other'), 'the other partition is consumed');
    expect(seen).toEqual(['0', 'other']);
    expect(consumer.position({ topic: 't', partition: 0 })).toBe(1);
    expect(consumer.paused()).toEqual([{ topic: 't', partitions: [0] }]);
    resume?.();
    await eventually(() => seen.length === 4, 'the rest arrives');
    expect(seen).toEqual(['0', 'other', '1', '2']);
  });

  test('OFFSET_OUT_OF_RANGE resets to the earliest offset with autoOffsetReset earliest', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'a' }, { value: 'b' }]);
    const consumer = await consumerFor(cluster, { autoOffsetReset: 'earliest' });
    consumer.assign([{ topic: 't', partition: 0, offset: 1000 }]);
    const received = collect(consumer);
    await eventually(() => received.length === 2, 'the messages arrive after the reset');
    expect(values(received)).toEqual(['a', 'b']);
  });

  test('OFFSET_OUT_OF_RANGE with autoOffsetReset latest moves to the end', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'a' }, { value: 'b' }]);
    const consumer = await consumerFor(cluster, { autoOffsetReset: 'latest' });
    consumer.assign([{ topic: 't', partition: 0, offset: 1000 }]);
    const received = collect(consumer);
    await eventually(
      () => consumer.position({ topic: 't', partition: 0 }) === 2,
      'the position is reset to the end',
    );
    await produce(cluster, 't', [{ value: 'c' }]);
    await eventually(() => received.length === 1, 'the new message arrives');
    expect(values(received)).toEqual(['c']);
  });

  test("OFFSET_OUT_OF_RANGE with autoOffsetReset 'none' crashes the consumer with a typed error", async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const consumer = await consumerFor(cluster, { autoOffsetReset: 'none' });
    consumer.assign([{ topic: 't', partition: 0, offset: 5 }]);
    const crashes: ConsumerEvent<'consumer.crash'>[] = [];
    consumer.on(consumer.events.CRASH, (event) => crashes.push(event));
    await consumer.run({ eachMessage: async () => undefined });
    await eventually(() => crashes.length === 1, 'the consumer crashes');
    const error = crashes[0].payload.error as KafkaError;
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({
      type: 'OFFSET_OUT_OF_RANGE',
      broker: 1,
      topic: 't',
      partition: 0,
    });
    expect(error.message).toBe(
      "OFFSET_OUT_OF_RANGE: fetch offset 5 is out of range, and autoOffsetReset is 'none' (t-0, broker 1)",
    );
  });

  test("a partition without offset and autoOffsetReset 'none' crashes with a clear error", async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const consumer = await consumerFor(cluster, { autoOffsetReset: 'none' });
    consumer.assign([{ topic: 't', partition: 0 }]);
    const crashes: ConsumerEvent<'consumer.crash'>[] = [];
    consumer.on(consumer.events.CRASH, (event) => crashes.push(event));
    await consumer.run({ eachMessage: async () => undefined });
    await eventually(() => crashes.length === 1, 'the consumer crashes');
    expect(crashes[0].payload.error).toBeInstanceOf(NoOffsetForPartitionError);
    expect(crashes[0].payload.error.message).toBe(
      "Undefined offset with no reset policy for partitions: [t-0] (autoOffsetReset is 'none': commit an offset for them, or give one to assign() or seek())",
    );
  });

  test('NOT_LEADER_OR_FOLLOWER refreshes metadata and fetches from the new leader', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    cluster.createTopic('t', 1, [1]);
    await produce(cluster, 't', [{ value: 'one' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const received = collect(consumer);
    await eventually(() => received.length === 1, 'the first message arrives');
    cluster.moveLeader('t', 0, 2);
    await produce(cluster, 't', [{ value: 'two' }]);
    await eventually(() => received.length === 2, 'the second message arrives from broker 2');
    expect(values(received)).toEqual(['one', 'two']);
    expect(cluster.requestsOf(ApiKey.Fetch, 2).length).toBeGreaterThan(0);
  });

  test('fetches carry the fetch settings and go to each leader separately', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    cluster.createTopic('t', 2, [1, 2]);
    const consumer = await consumerFor(cluster, {
      maxWaitTimeInMs: 40,
      minBytes: 7,
      maxBytes: 123456,
      maxBytesPerPartition: 65432,
    });
    consumer.assign([
      { topic: 't', partition: 0, offset: 0 },
      { topic: 't', partition: 1, offset: 0 },
    ]);
    collect(consumer);
    await eventually(
      () =>
        cluster.requestsOf(ApiKey.Fetch, 1).length > 0 &&
        cluster.requestsOf(ApiKey.Fetch, 2).length > 0,
      'both leaders are fetched from',
    );
    const [toFirst] = cluster.requestsOf(ApiKey.Fetch, 1);
    expect(toFirst).toMatchObject({ replicaId: -1, maxWaitMs: 40, minBytes: 7, maxBytes: 123456 });
    expect(toFirst.topics).toMatchObject([
      {
        topic: 't',
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset: 0,
            logStartOffset: -1,
            partitionMaxBytes: 65432,
          },
        ],
      },
    ]);
    expect(cluster.requestsOf(ApiKey.Fetch, 2)[0].topics[0].partitions[0].partition).toBe(1);
  });

  test('a broker holding a long poll does not hold up another broker', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    cluster.createTopic('t', 2, [1, 2]);
    const consumer = await consumerFor(cluster, { maxWaitTimeInMs: 5000 });
    consumer.assign([
      { topic: 't', partition: 0, offset: 0 },
      { topic: 't', partition: 1, offset: 0 },
    ]);
    const received = collect(consumer);
    await eventually(() => cluster.requestsOf(ApiKey.Fetch).length === 2, 'both fetches wait');
    await produce(cluster, 't', [{ value: 'x', partition: 1 }]);
    await eventually(() => received.length === 1, 'the message arrives', 2000);
    await produce(cluster, 't', [{ value: 'y', partition: 1 }]);
    await eventually(() => received.length === 2, 'the next message arrives', 2000);
  });

  test('compressed batches are decoded', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('z', 1);
    await produce(
      cluster,
      'z',
      Array.from({ length: 50 }, (_, i) => ({ value: `message ${i}` })),
      { compression: 'gzip' },
    );
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 'z', partition: 0, offset: 10 }]);
    const received = collect(consumer);
    await eventually(() => received.length === 40, 'forty messages arrive');
    expect(received[0].message.offset).toBe(10);
    expect(values(received)[39]).toBe('message 49');
  });

  test('eachBatch gets one batch per partition and fetch, with lag helpers', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 1 }]);
    const batches: EachBatchPayload['batch'][] = [];
    await consumer.run({
      eachBatch: async ({ batch }) => {
        batches.push(batch);
      },
    });
    await eventually(() => batches.length === 1, 'a batch arrives');
    const [batch] = batches;
    expect(batch.topic).toBe('t');
    expect(batch.highWatermark).toBe(3);
    expect(batch.firstOffset()).toBe(1);
    expect(batch.lastOffset()).toBe(2);
    expect(batch.offsetLag()).toBe(0);
    expect(batch.offsetLagLow()).toBe(1);
    expect(batch.isEmpty()).toBe(false);
    await eventually(() => consumer.position({ topic: 't', partition: 0 }) === 3, 'auto-resolved');
  });

  test('eachBatch without auto-resolve: unresolved messages are fetched again', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const firstOffsets: (number | null)[] = [];
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        firstOffsets.push(batch.firstOffset());
        resolveOffset(batch.messages[0].offset);
      },
    });
    await eventually(() => firstOffsets.length === 3, 'three batches arrive');
    expect(firstOffsets).toEqual([0, 1, 2]);
  });

  test('a handler that throws crashes the consumer; the position stays at the failed message', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'ok' }, { value: 'bad' }, { value: 'later' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const crashes: ConsumerEvent<'consumer.crash'>[] = [];
    consumer.on(consumer.events.CRASH, (event) => crashes.push(event));
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value?.toString() === 'bad') throw new Error('cannot handle bad');
      },
    });
    await eventually(() => crashes.length === 1, 'the consumer crashes');
    expect(crashes[0].payload.error?.message).toBe('cannot handle bad');
    expect(consumer.position({ topic: 't', partition: 0 })).toBe(1);
    // a new run starts again at the failed message
    const received: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => void received.push(message.value!.toString()),
    });
    await eventually(() => received.length === 2, 'the rest arrives');
    expect(received).toEqual(['bad', 'later']);
  });

  test('stop() called inside a handler returns without waiting for that handler', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'a' }, { value: 'b' }]);
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const seen: string[] = [];
    let stopped = false;
    const stops: ConsumerEvent<'consumer.stop'>[] = [];
    consumer.on(consumer.events.STOP, (event) => stops.push(event));
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value!.toString());
        await consumer.stop();
        stopped = true;
      },
    });
    await eventually(() => stopped, 'stop() resolves inside the handler');
    // from outside a handler, stop() waits until fetching and delivering have ended
    await consumer.stop();
    expect(seen).toEqual(['a']);
    expect(stops).toHaveLength(1);
    expect(consumer.position({ topic: 't', partition: 0 })).toBe(1);
  });

  test('records appended while a fetch long-polls are delivered without waiting for maxWait', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const consumer = await consumerFor(cluster, { maxWaitTimeInMs: 10000 });
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const received = collect(consumer);
    await eventually(() => cluster.requestsOf(ApiKey.Fetch).length === 1, 'the fetch waits');
    await produce(cluster, 't', [{ value: 'now' }]);
    await eventually(() => received.length === 1, 'the message arrives', 2000);
  });

  test('a fetch error that is not retriable crashes the consumer naming broker, topic, partition', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    cluster.intercept(ApiKey.Fetch, (_broker, request) => ({
      responses: request.topics.map((topic) => ({
        topic: topic.topic,
        partitions: topic.partitions.map((p) => ({
          partition: p.partition,
          errorCode: errorByName('TOPIC_AUTHORIZATION_FAILED').code,
        })),
      })),
    }));
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const crashes: ConsumerEvent<'consumer.crash'>[] = [];
    consumer.on(consumer.events.CRASH, (event) => crashes.push(event));
    await consumer.run({ eachMessage: async () => undefined });
    await eventually(() => crashes.length === 1, 'the consumer crashes');
    expect(crashes[0].payload.error).toMatchObject({
      type: 'TOPIC_AUTHORIZATION_FAILED',
      broker: 1,
      topic: 't',
      partition: 0,
    });
  });

  test('a retriable fetch error backs off and retries without crashing', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    await produce(cluster, 't', [{ value: 'v' }]);
    let failures = 2;
    cluster.intercept(ApiKey.Fetch, (_broker, request) =>
      failures-- > 0
        ? {
            responses: request.topics.map((topic) => ({
              topic: topic.topic,
              partitions: topic.partitions.map((p) => ({
                partition: p.partition,
                errorCode: errorByName('KAFKA_STORAGE_ERROR').code,
              })),
            })),
          }
        : undefined,
    );
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0, offset: 0 }]);
    const crashes: ConsumerEvent<'consumer.crash'>[] = [];
    consumer.on(consumer.events.CRASH, (event) => crashes.push(event));
    const received = collect(consumer);
    await eventually(() => received.length === 1, 'the message arrives after the errors');
    expect(crashes).toHaveLength(0);
    expect(cluster.requestsOf(ApiKey.Fetch).length).toBeGreaterThanOrEqual(3);
  });
});

describe('consumer configuration', () => {
  test('group settings are checked with clear errors', async () => {
    const cluster = await startFakeCluster();
    const samsa = samsaFor(cluster);
    expect(() => samsa.consumer({ groupId: '' })).toThrow('groupId must be a non-empty string');
    expect(() => samsa.consumer({ groupId: 'g', heartbeatInterval: 10000 })).toThrow(
      'heartbeatInterval (10000) must be lower than sessionTimeout (10000)',
    );
    expect(() => samsa.consumer({ groupId: 'g', partitionAssigners: [] })).toThrow(
      'partitionAssigners must list at least one of range, roundrobin, sticky',
    );
    expect(() =>
      samsa.consumer({ groupId: 'g', partitionAssigners: ['cooperative-sticky' as 'range'] }),
    ).toThrow('unknown partition assigner "cooperative-sticky"');
    expect(() => samsa.consumer({ groupId: 'g', partitionAssigners: ['range', 'range'] })).toThrow(
      'partitionAssigners lists range twice',
    );
    expect(() => samsa.consumer({ groupId: 'g', groupInstanceId: '' })).toThrow(
      'groupInstanceId must be a non-empty string',
    );
  });

  test('subscribe needs a groupId, and subscribe and assign cannot be mixed', async () => {
    const cluster = await startFakeCluster();
    const plain = await consumerFor(cluster);
    await expect(plain.subscribe({ topics: ['t'] })).rejects.toThrow(
      'subscribe needs a consumer group: create the consumer with samsa.consumer({ groupId })',
    );
    await expect(plain.commitOffsets([{ topic: 't', partition: 0, offset: 1 }])).rejects.toThrow(
      'commitOffsets needs a consumer group',
    );
    const subscribed = await consumerFor(cluster, { groupId: 'g' });
    await expect(subscribed.subscribe({ topics: [] })).rejects.toThrow(
      'subscribe needs { topics: [names or RegExps] } or { topic }',
    );
    await subscribed.subscribe({ topics: ['t', /^other-/] });
    expect(() => subscribed.assign([{ topic: 't', partition: 0 }])).toThrow(
      'subscribe and assign are mutually exclusive',
    );
    const assigned = await consumerFor(cluster, { groupId: 'g2' });
    assigned.assign([{ topic: 't', partition: 0 }]);
    await expect(assigned.subscribe({ topic: 't' })).rejects.toThrow(
      'subscribe and assign are mutually exclusive',
    );
  });

  test('run needs exactly one handler, a connection, and only one run at a time', async () => {
    const cluster = await startFakeCluster();
    const consumer = track(samsaFor(cluster).consumer());
    await expect(consumer.run({ eachMessage: async () => undefined })).rejects.toThrow(
      'the consumer is not connected',
    );
    await consumer.connect();
    await expect(consumer.run({})).rejects.toThrow(
      'run needs exactly one of eachMessage or eachBatch',
    );
    await consumer.run({ eachMessage: async () => undefined });
    await expect(consumer.run({ eachMessage: async () => undefined })).rejects.toThrow(
      'the consumer is already running',
    );
  });

  test('seek on a partition that is not assigned, or to a bad offset, is a clear error', async () => {
    const cluster = await startFakeCluster();
    const consumer = await consumerFor(cluster);
    consumer.assign([{ topic: 't', partition: 0 }]);
    expect(() => consumer.seek({ topic: 't', partition: 1, offset: 0 })).toThrow(
      'partition t-1 is not assigned to this consumer',
    );
    expect(() => consumer.seek({ topic: 't', partition: 0, offset: -3 })).toThrow(SamsaError);
    expect(() => consumer.seek({ topic: 't', partition: 0, offset: 'soon' })).toThrow(
      "offset for t-0 must be an integer >= 0, 'earliest' or 'latest', got \"soon\"",
    );
  });

  test('assign replaces the assignment and keeps positions of partitions kept', async () => {
    const cluster = await startFakeCluster();
    const consumer = await consumerFor(cluster);
    consumer.assign([
      { topic: 't', partition: 0, offset: 5 },
      { topic: 't', partition: 1, offset: 7 },
    ]);
    consumer.assign([
      { topic: 't', partition: 1 },
      { topic: 'u', partition: 0, offset: 1 },
    ]);
    expect(consumer.assignment()).toEqual([
      { topic: 't', partition: 1 },
      { topic: 'u', partition: 0 },
    ]);
    expect(consumer.position({ topic: 't', partition: 1 })).toBe(7);
    expect(() => consumer.assign([{ topic: 't', partition: -1 }])).toThrow(
      /assign needs \{ topic, partition \} entries/,
    );
  });
});
