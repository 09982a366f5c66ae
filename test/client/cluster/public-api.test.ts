/**
 * The package's public surface (client/index.ts, `require('samsa')`) and a round trip through it:
 * Samsa → admin creates a topic → producer sends → consumer reads it back.
 */
import * as samsa from '../../../client';
import { ApiKey } from '../../../client/protocol/apis';
import { eventually, startFakeCluster, track, useFakeClusters, FAST_RETRY } from './helpers';

useFakeClusters();

describe('the public API', () => {
  test('exports the clients, constants, errors and helpers by name', () => {
    expect(Object.keys(samsa).sort()).toEqual(
      [
        'Admin',
        'Batch',
        'CompressionTypes',
        'ConfigResourceTypes',
        'ConfigSource',
        'ConfigTypes',
        'Consumer',
        'ConsumerEvents',
        'DeleteGroupsError',
        'KafkaError',
        'NoOffsetForPartitionError',
        'PartitionAssigners',
        'Producer',
        'RetriesExhaustedError',
        'Samsa',
        'SamsaError',
        'murmur2',
        'partitionForKey',
        'setLogLevel',
      ].sort(),
    );
    expect(samsa.CompressionTypes).toEqual({ None: 0, GZIP: 1, Snappy: 2, LZ4: 3, ZSTD: 4 });
    expect(samsa.ConfigResourceTypes).toEqual({
      UNKNOWN: 0,
      TOPIC: 2,
      BROKER: 4,
      BROKER_LOGGER: 8,
    });
  });

  test('new Samsa checks its configuration', () => {
    expect(() => new samsa.Samsa({ brokers: [] })).toThrow(
      'brokers must list at least one "host:port"',
    );
    expect(() => new samsa.Samsa({ brokers: ['nohost'] })).toThrow(
      'broker address "nohost" is not of the form host:port',
    );
  });

  test('admin, producer and consumer made by one Samsa work together', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    const client = new samsa.Samsa({
      clientId: 'round-trip',
      brokers: cluster.bootstrap,
      retry: FAST_RETRY,
    });

    const admin = track(client.admin());
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }] })).toBe(
      true,
    );

    const producer = track(client.producer({ acks: 'all', lingerMs: 5 }));
    await producer.connect();
    const sent = await producer.send({
      topic: 'events',
      messages: [
        { key: 'user-1', value: 'signed up' },
        { key: 'user-1', value: 'logged in' },
      ],
    });
    expect(sent).toHaveLength(1);
    const partition = sent[0].partition;
    expect(partition).toBe(samsa.partitionForKey(Buffer.from('user-1'), 2));

    const consumer = track(client.consumer({ maxWaitTimeInMs: 50 }));
    await consumer.connect();
    consumer.assign([{ topic: 'events', partition }], { fromBeginning: true });
    const received: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(`${message.offset}:${message.key?.toString()}:${message.value?.toString()}`);
      },
    });
    await eventually(() => received.length === 2, 'both messages are consumed');
    expect(received).toEqual(['0:user-1:signed up', '1:user-1:logged in']);
    expect(cluster.requestsOf(ApiKey.Produce).map((request) => request.acks)).toEqual([-1]);
  });
});
