import { performance } from 'perf_hooks';
import { CompressionTypes, KafkaError, RetriesExhaustedError, SamsaError } from '../../../client';
import type { RecordMetadata } from '../../../client/producer/messages';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import { CompressionCodec, iterateBatches } from '../../../client/record';
import {
  deferred,
  eventually,
  samsaFor,
  startFakeCluster,
  storedRecords,
  track,
  useFakeClusters,
} from '../cluster/helpers';

useFakeClusters();

const code = (name: Parameters<typeof errorByName>[0]): number => errorByName(name).code;

async function producerFor(
  cluster: Awaited<ReturnType<typeof startFakeCluster>>,
  config: Parameters<ReturnType<typeof samsaFor>['producer']>[0] = {},
) {
  const producer = track(samsaFor(cluster).producer(config));
  await producer.connect();
  return producer;
}

describe('Producer.send', () => {
  test('resolves with topic, partition and base offset, and the broker stores the records as sent', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('orders', 1);
    const producer = await producerFor(cluster);
    const first = await producer.send({
      topic: 'orders',
      messages: [
        { key: 'k1', value: 'v1', headers: { trace: 'abc', multi: ['x', Buffer.from('y')] } },
        { key: null, value: Buffer.from([1, 2, 3]), timestamp: 1700000000000 },
        { value: null },
      ],
    });
    expect(first).toEqual([
      {
        topicName: 'orders',
        partition: 0,
        errorCode: 0,
        baseOffset: 0,
        logAppendTime: -1,
        logStartOffset: 0,
      },
    ]);
    const second = await producer.send({ topic: 'orders', messages: [{ value: 'next' }] });
    expect(second[0].baseOffset).toBe(3);

    const records = await storedRecords(cluster, 'orders', 0);
    expect(records.map((record) => record.offset)).toEqual([0, 1, 2, 3]);
    expect(records[0].key?.toString()).toBe('k1');
    expect(records[0].value?.toString()).toBe('v1');
    expect(records[0].headers.map((h) => [h.key, h.value?.toString()])).toEqual([
      ['trace', 'abc'],
      ['multi', 'x'],
      ['multi', 'y'],
    ]);
    expect(records[1].key).toBeNull();
    expect(records[1].value).toEqual(Buffer.from([1, 2, 3]));
    expect(records[1].timestamp).toBe(1700000000000);
    expect(records[2].value).toBeNull();
  });

  test('stamps messages without a timestamp with the time of send()', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster);
    const before = Date.now();
    await producer.send({ topic: 't', messages: [{ value: 'a' }] });
    const [record] = await storedRecords(cluster, 't', 0);
    expect(record.timestamp).toBeGreaterThanOrEqual(before);
    expect(record.timestamp).toBeLessThanOrEqual(Date.now());
  });

  test('one send of many messages is one promise and a few batched requests, not one per message', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('bulk', 2);
    const producer = await producerFor(cluster);
    const messages = Array.from({ length: 2000 }, (_, i) => ({
      key: `key-${i}`,
      value: `value-${i}`,
    }));
    const results = await producer.send({ topic: 'bulk', messages });
    const produceRequests = cluster.requestsOf(ApiKey.Produce);
    expect(produceRequests.length).toBeLessThan(20);
    const stored = [
      ...(await storedRecords(cluster, 'bulk', 0)),
      ...(await storedRecords(cluster, 'bulk', 1)),
    ];
    expect(stored).toHaveLength(2000);
    // every partition's entries cover its records, offsets contiguous from 0
    for (const partition of [0, 1]) {
      const entries = results.filter((r) => r.partition === partition);
      expect(entries[0].baseOffset).toBe(0);
    }
  });

  test('batchSize closes a batch at the configured size; each batch gets its own result entry', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('sized', 1);
    const producer = await producerFor(cluster, { batchSize: 1000 });
    const value = Buffer.alloc(100, 7);
    const results = await producer.send({
      topic: 'sized',
      messages: Array.from({ length: 50 }, () => ({ value })),
    });
    const log = cluster.log('sized', 0);
    const batches = [...iterateBatches(log)];
    expect(batches.length).toBeGreaterThanOrEqual(5);
    for (const batch of batches) expect(batch.size).toBeLessThanOrEqual(1000);
    // one entry per batch, base offsets are where each batch starts
    expect(results.map((r) => r.baseOffset)).toEqual(batches.map((b) => b.header.baseOffset));
    expect(batches.reduce((sum, b) => sum + b.header.recordCount, 0)).toBe(50);
  });

  test('a record larger than batchSize gets a batch of its own', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('big', 1);
    const producer = await producerFor(cluster, { batchSize: 100 });
    await producer.send({
      topic: 'big',
      messages: [{ value: 'small' }, { value: Buffer.alloc(500) }, { value: 'small' }],
    });
    const counts = [...iterateBatches(cluster.log('big', 0))].map((b) => b.header.recordCount);
    expect(counts).toEqual([1, 1, 1]);
  });

  test('lingerMs holds a batch open for later sends, then sends them together', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('linger', 1);
    const producer = await producerFor(cluster, { lingerMs: 200 });
    const started = performance.now();
    const a = producer.send({ topic: 'linger', messages: [{ value: 'a' }] });
    // a later turn of the event loop: with lingerMs 0 the first batch would have left by now
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const b = producer.send({ topic: 'linger', messages: [{ value: 'b' }, { value: 'c' }] });
    expect((await a)[0].baseOffset).toBe(0);
    expect((await b)[0].baseOffset).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(1);
    const batches = [...iterateBatches(cluster.log('linger', 0))];
    expect(batches).toHaveLength(1);
    expect(batches[0].header.recordCount).toBe(3);
  });

  test('flush() sends lingering batches at once', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('linger', 1);
    const producer = await producerFor(cluster, { lingerMs: 600000 });
    const a = producer.send({ topic: 'linger', messages: [{ value: 'a' }] });
    const b = producer.send({ topic: 'linger', messages: [{ value: 'b' }] });
    await producer.flush();
    expect((await a)[0].baseOffset).toBe(0);
    expect((await b)[0].baseOffset).toBe(1);
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(1);
  });

  test('a lingering batch is sent when its linger time has passed', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('linger', 1);
    const producer = await producerFor(cluster, { lingerMs: 150 });
    const started = performance.now();
    await producer.send({ topic: 'linger', messages: [{ value: 'a' }] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('with lingerMs 0, messages sent in the same turn of the event loop share a batch', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster);
    await Promise.all([
      producer.send({ topic: 't', messages: [{ value: '1' }] }),
      producer.send({ topic: 't', messages: [{ value: '2' }] }),
      producer.send({ topic: 't', messages: [{ value: '3' }] }),
    ]);
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(1);
    expect([...iterateBatches(cluster.log('t', 0))]).toHaveLength(1);
  });

  test.each([
    [0, 0],
    [1, 1],
    ['all', -1],
    [-1, -1],
  ] as const)('acks %p is sent as acks=%p', async (acks, wire) => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster, { acks });
    const result = await producer.send({ topic: 't', messages: [{ value: 'v' }] });
    await eventually(() => cluster.requestsOf(ApiKey.Produce).length === 1, 'the request arrives');
    expect(cluster.requestsOf(ApiKey.Produce)[0].acks).toBe(wire);
    expect(result[0].baseOffset).toBe(wire === 0 ? -1 : 0);
    await eventually(() => cluster.partition('t', 0).nextOffset === 1, 'the record is stored');
  });

  test('acks=0 sends without waiting for (or getting) a response', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const held = deferred();
    cluster.intercept(ApiKey.Produce, async () => {
      await held.promise;
      return undefined;
    });
    const producer = await producerFor(cluster, { acks: 0 });
    const result = await producer.send({ topic: 't', messages: [{ value: 'v' }] });
    expect(result[0].baseOffset).toBe(-1);
    held.resolve();
    await eventually(() => cluster.partition('t', 0).nextOffset === 1, 'the record is stored');
  });

  test('several Produce requests are in flight at once, never more than maxInFlightRequests', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const gates: (() => void)[] = [];
    let unanswered = 0;
    let mostUnanswered = 0;
    cluster.intercept(ApiKey.Produce, async () => {
      unanswered++;
      mostUnanswered = Math.max(mostUnanswered, unanswered);
      await new Promise<void>((resolve) => gates.push(resolve));
      unanswered--;
      return undefined;
    });
    const producer = await producerFor(cluster, { maxInFlightRequests: 3, batchSize: 200 });
    let settled = 0;
    const sends = Array.from({ length: 8 }, (_, i) =>
      producer
        .send({ topic: 't', messages: [{ value: Buffer.alloc(300, i) }] })
        .finally(() => settled++),
    );
    await eventually(() => gates.length === 3, 'three requests wait for answers');
    // answer one request at a time; each answer lets one more request in
    while (settled < 8) {
      await eventually(() => gates.length > 0 || settled === 8, 'a request waits');
      gates.shift()?.();
    }
    const results = await Promise.all(sends);
    expect(mostUnanswered).toBe(3);
    expect(results.map((r) => r[0].baseOffset).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
  });

  test.each([
    ['GZIP', CompressionTypes.GZIP, CompressionCodec.Gzip],
    ['Snappy', CompressionTypes.Snappy, CompressionCodec.Snappy],
    ['LZ4', CompressionTypes.LZ4, CompressionCodec.Lz4],
    ['ZSTD', CompressionTypes.ZSTD, CompressionCodec.Zstd],
    ['"gzip"', 'gzip' as const, CompressionCodec.Gzip],
  ])(
    'compression %s: batches carry the codec and decode to the records sent',
    async (_name, setting, codec) => {
      const cluster = await startFakeCluster();
      cluster.createTopic('z', 1);
      const producer = await producerFor(cluster, { compression: setting });
      const messages = Array.from({ length: 100 }, (_, i) => ({
        key: `k${i}`,
        value: `value ${i} `.repeat(10),
      }));
      await producer.send({ topic: 'z', messages });
      const [batch] = [...iterateBatches(cluster.log('z', 0))];
      expect(batch.header.attributes & 0x07).toBe(codec);
      const records = await storedRecords(cluster, 'z', 0);
      expect(records.map((r) => r.value?.toString())).toEqual(messages.map((m) => m.value));
    },
  );

  test('sendBatch sends to several topics with one promise', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('a', 1);
    cluster.createTopic('b', 1);
    const producer = await producerFor(cluster);
    const results = await producer.sendBatch({
      topicMessages: [
        { topic: 'a', messages: [{ value: '1' }] },
        { topic: 'b', messages: [{ value: '2' }, { value: '3' }] },
      ],
    });
    expect(results.map((r) => [r.topicName, r.partition, r.baseOffset])).toEqual([
      ['a', 0, 0],
      ['b', 0, 0],
    ]);
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(1);
  });
});

describe('Producer.send with a callback', () => {
  type Outcome = { error: Error | null; results?: RecordMetadata[] };
  const outcome = () => {
    let settle!: (value: Outcome) => void;
    const promise = new Promise<Outcome>((resolve) => (settle = resolve));
    let calls = 0;
    const callback = (error: Error | null, results?: RecordMetadata[]) => {
      calls++;
      settle({ error, results });
    };
    return { promise, callback, calls: () => calls };
  };

  test('calls the callback once with the same results the promise would give', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 2);
    const producer = await producerFor(cluster);
    const one = outcome();
    const returned = producer.send(
      { topic: 't', messages: [{ value: 'a', partition: 1 }] },
      one.callback,
    ) as unknown;
    expect(returned).toBeUndefined();
    const many = outcome();
    producer.send(
      {
        topic: 't',
        messages: [
          { value: 'b', partition: 0 },
          { value: 'c', partition: 1 },
        ],
      },
      many.callback,
    );
    expect((await one.promise).results).toEqual([
      {
        topicName: 't',
        partition: 1,
        errorCode: 0,
        baseOffset: 0,
        logAppendTime: -1,
        logStartOffset: 0,
      },
    ]);
    const { error, results } = await many.promise;
    expect(error).toBeNull();
    expect(results?.map((r) => [r.partition, r.baseOffset])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(one.calls()).toBe(1);
    expect(many.calls()).toBe(1);
  });

  test('one callback function given to several sends is called once per send', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster);
    const offsets: number[] = [];
    const callback = (error: Error | null, results?: RecordMetadata[]) => {
      expect(error).toBeNull();
      offsets.push(results?.[0].baseOffset ?? -1);
    };
    for (let i = 0; i < 3; i++)
      producer.send({ topic: 't', messages: [{ value: `${i}` }] }, callback);
    await eventually(() => offsets.length === 3, 'three callbacks');
    expect(offsets).toEqual([0, 1, 2]);
    expect([...iterateBatches(cluster.log('t', 0))]).toHaveLength(1);
  });

  test('bad input and an empty send reach the callback after send() returns, never a throw', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster);
    const bad = outcome();
    producer.send({ topic: 't', messages: [{ value: 5 as unknown as string }] }, bad.callback);
    const empty = outcome();
    producer.send({ topic: 't', messages: [] }, empty.callback);
    expect(bad.calls() + empty.calls()).toBe(0);
    expect((await bad.promise).error?.message).toMatch(/message 0 for topic t value must be/);
    expect(await empty.promise).toEqual({ error: null, results: [] });
    await producer.disconnect();
    const late = outcome();
    producer.send({ topic: 't', messages: [{ value: 'x' }] }, late.callback);
    expect((await late.promise).error?.message).toMatch(/not connected/);
  });

  test('a failed batch fails every send in it through its callback', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    cluster.intercept(ApiKey.Produce, () => ({
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: code('INVALID_RECORD'),
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
            },
          ],
        },
      ],
    }));
    const producer = await producerFor(cluster);
    const first = outcome();
    const second = outcome();
    producer.send({ topic: 't', messages: [{ value: '1' }] }, first.callback);
    producer.sendBatch(
      { topicMessages: [{ topic: 't', messages: [{ value: '2' }] }] },
      second.callback,
    );
    expect((await first.promise).error).toBeInstanceOf(KafkaError);
    expect((await second.promise).error).toBeInstanceOf(KafkaError);
  });

  test('a callback that throws does not keep the other sends of its batch from being told', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster);
    const buggy = () => {
      throw new Error('caller bug');
    };
    producer.send({ topic: 't', messages: [{ value: '1' }] }, buggy);
    producer.send({ topic: 't', messages: [{ value: '2' }, { value: '3' }] }, buggy);
    producer.send({ topic: 't', messages: [{ value: 4 as unknown as string }] }, buggy);
    const after = outcome();
    producer.send({ topic: 't', messages: [{ value: '4' }] }, after.callback);
    expect((await after.promise).results?.[0].baseOffset).toBe(3);
  });
});

describe('partitioning', () => {
  test("keys land on Kafka's partition numbers (murmur2, Kafka's Java client values)", async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('wide', 1000);
    const producer = await producerFor(cluster);
    const expected: [string, number][] = [
      ['', 681],
      ['a', 524],
      ['ab', 434],
      ['abc', 107],
      ['123456789', 566],
    ];
    const results = await Promise.all(
      expected.map(([key]) => producer.send({ topic: 'wide', messages: [{ key, value: 'v' }] })),
    );
    expect(results.map((r) => r[0].partition)).toEqual(expected.map(([, partition]) => partition));
  });

  test('the same key always goes to the same partition', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('keyed', 12);
    const producer = await producerFor(cluster);
    const results = await producer.send({
      topic: 'keyed',
      messages: Array.from({ length: 60 }, (_, i) => ({ key: `user-${i % 3}`, value: String(i) })),
    });
    const partitionsUsed = new Set(results.map((r) => r.partition));
    expect(partitionsUsed.size).toBeLessThanOrEqual(3);
    for (let k = 0; k < 3; k++) {
      const again = await producer.send({
        topic: 'keyed',
        messages: [{ key: `user-${k}`, value: 'x' }],
      });
      const records = await storedRecords(cluster, 'keyed', again[0].partition);
      expect(records.filter((r) => r.key?.toString() === `user-${k}`)).toHaveLength(21);
    }
  });

  test('keyless messages stick to one partition until its batch closes, then move on', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('sticky', 8);
    const producer = await producerFor(cluster, { batchSize: 1000 });
    const small = await producer.send({
      topic: 'sticky',
      messages: Array.from({ length: 5 }, () => ({ value: 'x' })),
    });
    expect(small).toHaveLength(1);
    const many = await producer.send({
      topic: 'sticky',
      messages: Array.from({ length: 100 }, () => ({ value: Buffer.alloc(90) })),
    });
    // whole batches of about 8 records each, spread over several partitions
    expect(new Set(many.map((r) => r.partition)).size).toBeGreaterThan(1);
    const batches = [...cluster.topics.get('sticky')!.partitions.keys()].flatMap((p) => [
      ...iterateBatches(cluster.log('sticky', p)),
    ]);
    const counts = batches.map((b) => b.header.recordCount).sort((a, b) => b - a);
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(105);
    expect(counts.filter((n) => n >= 7).length).toBeGreaterThanOrEqual(11);
    expect(batches.length).toBeLessThanOrEqual(14);
  });

  test('an explicit partition wins; one that does not exist is a clear error', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 3);
    const producer = await producerFor(cluster);
    const [result] = await producer.send({
      topic: 't',
      messages: [{ key: 'k', value: 'v', partition: 2 }],
    });
    expect(result.partition).toBe(2);
    await expect(
      producer.send({ topic: 't', messages: [{ value: 'v', partition: 3 }] }),
    ).rejects.toThrow('partition 3 of topic t does not exist: it has 3 partitions (0..2)');
  });

  test('a custom partitioner gets the topic, its partitions and the message', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 4);
    const seen: string[] = [];
    const producer = await producerFor(cluster, {
      createPartitioner:
        () =>
        ({ topic, partitionMetadata, message }) => {
          seen.push(`${topic}:${partitionMetadata.length}:${String(message.value)}`);
          return partitionMetadata.length - 1;
        },
    });
    const [result] = await producer.send({ topic: 't', messages: [{ value: 'v' }] });
    expect(result.partition).toBe(3);
    expect(seen).toEqual(['t:4:v']);
  });
});

describe('retries and metadata refresh', () => {
  test('NOT_LEADER_OR_FOLLOWER refreshes metadata and retries on the new leader', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    cluster.createTopic('moving', 1, [1]);
    const producer = await producerFor(cluster);
    await producer.send({ topic: 'moving', messages: [{ value: 'before' }] });
    cluster.moveLeader('moving', 0, 2);
    const metadataBefore = cluster.requestsOf(ApiKey.Metadata).length;
    const [result] = await producer.send({ topic: 'moving', messages: [{ value: 'after' }] });
    expect(result.baseOffset).toBe(1);
    expect(cluster.requestsOf(ApiKey.Produce, 1)).toHaveLength(2);
    expect(cluster.requestsOf(ApiKey.Produce, 2)).toHaveLength(1);
    expect(cluster.requestsOf(ApiKey.Metadata).length).toBeGreaterThan(metadataBefore);
  });

  test('UNKNOWN_TOPIC_OR_PARTITION is retried after a metadata refresh', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    let failures = 1;
    cluster.intercept(ApiKey.Produce, (_broker, request) =>
      failures-- > 0
        ? {
            responses: request.topicData.map((topic) => ({
              name: topic.name,
              partitionResponses: topic.partitionData.map((p) => ({
                index: p.index,
                errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'),
              })),
            })),
          }
        : undefined,
    );
    const producer = await producerFor(cluster);
    const metadataBefore = cluster.requestsOf(ApiKey.Metadata).length;
    const [result] = await producer.send({ topic: 't', messages: [{ value: 'v' }] });
    expect(result.baseOffset).toBe(0);
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(2);
    expect(cluster.requestsOf(ApiKey.Metadata).length).toBeGreaterThan(metadataBefore);
  });

  test('sending to a new topic waits while auto-creation answers LEADER_NOT_AVAILABLE', async () => {
    const cluster = await startFakeCluster({ defaultPartitions: 2 });
    const producer = await producerFor(cluster);
    const [result] = await producer.send({ topic: 'fresh', messages: [{ key: 'k', value: 'v' }] });
    expect(result.topicName).toBe('fresh');
    expect(cluster.topics.get('fresh')?.partitions).toHaveLength(2);
  });

  test('when retries run out the send fails with RetriesExhaustedError naming broker, topic, partition', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    cluster.createTopic('stuck', 1, [1]);
    cluster.intercept(ApiKey.Produce, (_broker, request) => ({
      responses: request.topicData.map((topic) => ({
        name: topic.name,
        partitionResponses: topic.partitionData.map((p) => ({
          index: p.index,
          errorCode: code('NOT_ENOUGH_REPLICAS'),
        })),
      })),
    }));
    const producer = track(
      samsaFor(cluster).producer({
        retry: { retries: 2, initialRetryTime: 5, maxRetryTime: 20 },
      }),
    );
    await producer.connect();
    const error = await producer
      .send({ topic: 'stuck', messages: [{ value: 'v' }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.retriable).toBe(false);
    expect(error.retryCount).toBe(2);
    expect(error.cause).toBeInstanceOf(KafkaError);
    expect(error.cause).toMatchObject({
      type: 'NOT_ENOUGH_REPLICAS',
      broker: 1,
      topic: 'stuck',
      partition: 0,
    });
    expect(error.message).toContain('NOT_ENOUGH_REPLICAS');
    expect(error.message).toContain('stuck-0, broker 1');
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(3);
  });

  test('a non-retriable error fails the send at once, typed and naming broker, topic, partition', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    cluster.intercept(ApiKey.Produce, (_broker, request) => ({
      responses: request.topicData.map((topic) => ({
        name: topic.name,
        partitionResponses: topic.partitionData.map((p) => ({
          index: p.index,
          errorCode: code('MESSAGE_TOO_LARGE'),
          errorMessage: 'batch is too big',
        })),
      })),
    }));
    const producer = await producerFor(cluster);
    const error = await producer.send({ topic: 't', messages: [{ value: 'v' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({ type: 'MESSAGE_TOO_LARGE', broker: 1, topic: 't', partition: 0 });
    expect(error.message).toBe('MESSAGE_TOO_LARGE: batch is too big (t-0, broker 1)');
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(1);
  });

  test('a lost connection is retried on a new connection; the error names the broker', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    let drops = 1;
    cluster.intercept(ApiKey.Produce, () => {
      if (drops-- > 0) throw new Error('simulated broker failure closes the connection');
      return undefined;
    });
    const producer = await producerFor(cluster);
    const [result] = await producer.send({ topic: 't', messages: [{ value: 'v' }] });
    expect(result.baseOffset).toBe(0);
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(2);
  });

  test('a broker that stays down fails the send with NETWORK_EXCEPTION naming it', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    cluster.createTopic('t', 1, [2]);
    const producer = track(
      samsaFor(cluster).producer({ retry: { retries: 1, initialRetryTime: 5, maxRetryTime: 10 } }),
    );
    await producer.connect();
    await cluster.stopBroker(2);
    cluster.controllerId = 1;
    const error = await producer.send({ topic: 't', messages: [{ value: 'v' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.message).toMatch(/NETWORK_EXCEPTION|LEADER_NOT_AVAILABLE/);
    expect(error.cause).toMatchObject({ topic: 't', partition: 0 });
  });
});

describe('configuration and input errors', () => {
  test('idempotent: true is refused until idempotence exists', async () => {
    const cluster = await startFakeCluster();
    expect(() => samsaFor(cluster).producer({ idempotent: true })).toThrow(
      /idempotent producers are not available yet/,
    );
  });

  test('send before connect is a clear error', async () => {
    const cluster = await startFakeCluster();
    const producer = track(samsaFor(cluster).producer());
    await expect(producer.send({ topic: 't', messages: [{ value: 'v' }] })).rejects.toThrow(
      'the producer is not connected: call await producer.connect() first',
    );
  });

  test('a send asking for other acks than the producer is refused, not silently changed', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster, { acks: 1 });
    await expect(
      producer.send({ topic: 't', acks: 0, messages: [{ value: 'v' }] }),
    ).rejects.toThrow(/acks is a producer setting/);
    await expect(
      producer.send({ topic: 't', acks: 1, messages: [{ value: 'v' }] }),
    ).resolves.toHaveLength(1);
  });

  test.each([
    [{ value: undefined }, 'message 0 for topic t has no value (use null for a tombstone)'],
    [{ value: 5 }, 'message 0 for topic t value must be a Buffer, a string or null, got number'],
    [
      { key: {}, value: 'v' },
      'message 0 for topic t key must be a Buffer, a string or null, got object',
    ],
    [
      { value: 'v', timestamp: 'soon' },
      'message 0 for topic t has timestamp soon: expected milliseconds since the epoch',
    ],
    [
      { value: 'v', headers: { h: 1 } },
      'message 0 for topic t header "h" must be a Buffer, a string or null, got number',
    ],
  ])('bad message %p: %s', async (message, expected) => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = await producerFor(cluster);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately malformed input
    const error = await producer.send({ topic: 't', messages: [message as any] }).catch((e) => e);
    expect(error).toBeInstanceOf(SamsaError);
    expect(error.message).toBe(expected);
    expect(cluster.requestsOf(ApiKey.Produce)).toHaveLength(0);
  });

  test.each([
    [{ acks: 2 }, "acks must be 0, 1, -1 or 'all', got 2"],
    [{ batchSize: 0 }, 'batchSize must be a positive integer, got 0'],
    [{ lingerMs: -1 }, 'lingerMs must be a number >= 0, got -1'],
    [{ compression: 9 }, /compression must be one of CompressionTypes/],
  ])('bad producer config %p is refused', async (config, expected) => {
    const cluster = await startFakeCluster();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- deliberately malformed config
    expect(() => samsaFor(cluster).producer(config as any)).toThrow(expected);
  });

  test('disconnect sends what is still lingering before closing', async () => {
    const cluster = await startFakeCluster();
    cluster.createTopic('t', 1);
    const producer = track(samsaFor(cluster).producer({ lingerMs: 60000 }));
    await producer.connect();
    const sent = producer.send({ topic: 't', messages: [{ value: 'late' }] });
    await producer.disconnect();
    expect((await sent)[0].baseOffset).toBe(0);
    expect(cluster.partition('t', 0).nextOffset).toBe(1);
  });
});
