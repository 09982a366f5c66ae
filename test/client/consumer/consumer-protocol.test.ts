/**
 * Kafka's ConsumerProtocol byte formats (Subscription v1, Assignment v1) and the sticky assignor's
 * user data, against vectors written out field by field from Kafka's schemas
 * (ConsumerProtocolSubscription.json, ConsumerProtocolAssignment.json, StickyAssignor's
 * STICKY_ASSIGNOR_USER_DATA_V0/V1), plus round trips and hostile input.
 */
import fc from 'fast-check';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../client/consumer/consumer-protocol';
import {
  decodeStickyUserData,
  encodeStickyUserData,
} from '../../../client/consumer/assignors/sticky';

/** Big-endian fields, as Kafka's struct encoding writes them. */
const int16 = (value: number): Buffer => {
  const buffer = Buffer.alloc(2);
  buffer.writeInt16BE(value);
  return buffer;
};
const int32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};
const str = (value: string): Buffer =>
  Buffer.concat([int16(Buffer.byteLength(value)), Buffer.from(value)]);
const bytes = (value: Buffer | null): Buffer =>
  value === null ? int32(-1) : Buffer.concat([int32(value.length), value]);
const topicPartitions = (entries: [string, number[]][]): Buffer =>
  Buffer.concat([
    int32(entries.length),
    ...entries.map(([topic, partitions]) =>
      Buffer.concat([str(topic), int32(partitions.length), ...partitions.map(int32)]),
    ),
  ]);

describe('ConsumerProtocol Subscription', () => {
  test('version 1 is version, topics, nullable user data, owned partitions', () => {
    const expected = Buffer.concat([
      int16(1),
      int32(2),
      str('foo'),
      str('bar'),
      bytes(Buffer.from([0xca, 0xfe])),
      topicPartitions([
        ['foo', [0, 2]],
        ['bar', [1]],
      ]),
    ]);
    const encoded = encodeSubscription({
      topics: ['foo', 'bar'],
      userData: Buffer.from([0xca, 0xfe]),
      ownedPartitions: [
        { topic: 'foo', partition: 0 },
        { topic: 'foo', partition: 2 },
        { topic: 'bar', partition: 1 },
      ],
    });
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
    expect(decodeSubscription(encoded)).toEqual({
      topics: ['foo', 'bar'],
      userData: Buffer.from([0xca, 0xfe]),
      ownedPartitions: [
        { topic: 'foo', partition: 0 },
        { topic: 'foo', partition: 2 },
        { topic: 'bar', partition: 1 },
      ],
    });
  });

  test('null user data is length -1; no owned partitions is an empty array', () => {
    const encoded = encodeSubscription({ topics: ['t'], userData: null, ownedPartitions: [] });
    expect(encoded.toString('hex')).toBe(
      Buffer.concat([int16(1), int32(1), str('t'), int32(-1), int32(0)]).toString('hex'),
    );
  });

  test('version 0 (no owned partitions) decodes', () => {
    const v0 = Buffer.concat([int16(0), int32(1), str('t'), bytes(null)]);
    expect(decodeSubscription(v0)).toEqual({ topics: ['t'], userData: null, ownedPartitions: [] });
  });

  test('a newer version is read with the version 1 layout, later fields ignored (as Kafka does)', () => {
    const v2 = Buffer.concat([
      int16(2),
      int32(1),
      str('t'),
      bytes(null),
      topicPartitions([['t', [3]]]),
      int32(7),
    ]);
    expect(decodeSubscription(v2)).toEqual({
      topics: ['t'],
      userData: null,
      ownedPartitions: [{ topic: 't', partition: 3 }],
    });
  });

  test('hostile input: negative version, truncation, lengths past the end are clear errors', () => {
    expect(() => decodeSubscription(int16(-1))).toThrow(
      'malformed consumer protocol subscription: unsupported version -1',
    );
    expect(() =>
      decodeSubscription(Buffer.concat([int16(1), int32(1), int16(9), Buffer.from('ab')])),
    ).toThrow(
      /malformed consumer protocol subscription: a string of 9 bytes at byte 8 runs past the end/,
    );
    expect(() => decodeSubscription(Buffer.concat([int16(1), int32(0x7fffffff)]))).toThrow(
      'malformed consumer protocol subscription: an array of 2147483647 elements does not fit in the 0 bytes left',
    );
    expect(() => decodeSubscription(Buffer.concat([int16(1), int32(0), int32(100)]))).toThrow(
      /100 bytes at byte 10 runs past the end/,
    );
  });
});

describe('ConsumerProtocol Assignment', () => {
  test('version 1 is version, assigned partitions, nullable user data', () => {
    const expected = Buffer.concat([
      int16(1),
      topicPartitions([
        ['orders', [0, 1]],
        ['payments', [5]],
      ]),
      bytes(null),
    ]);
    const encoded = encodeAssignment({
      partitions: [
        { topic: 'orders', partition: 0 },
        { topic: 'orders', partition: 1 },
        { topic: 'payments', partition: 5 },
      ],
      userData: null,
    });
    expect(encoded.toString('hex')).toBe(expected.toString('hex'));
    expect(decodeAssignment(encoded).partitions).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
      { topic: 'payments', partition: 5 },
    ]);
  });

  test('an empty SyncGroup assignment is no partitions; version 0 decodes', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ partitions: [], userData: null });
    const v0 = Buffer.concat([int16(0), topicPartitions([['t', [0]]]), bytes(Buffer.from('x'))]);
    expect(decodeAssignment(v0)).toEqual({
      partitions: [{ topic: 't', partition: 0 }],
      userData: Buffer.from('x'),
    });
  });

  test('round trips any subscription and assignment', () => {
    const tp = fc.record({
      topic: fc.string({ minLength: 1, maxLength: 20 }),
      partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    });
    const userData = fc.option(fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)));
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 10 }),
        userData,
        fc.array(tp, { maxLength: 20 }),
        (topics, data, partitions) => {
          const subscription = decodeSubscription(
            encodeSubscription({ topics, userData: data, ownedPartitions: partitions }),
          );
          expect(subscription.topics).toEqual(topics);
          expect(subscription.userData).toEqual(data);
          const sortByTopic = (list: typeof partitions) =>
            [...list].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
          expect(sortByTopic([...subscription.ownedPartitions])).toEqual(sortByTopic(partitions));
          const assignment = decodeAssignment(encodeAssignment({ partitions, userData: data }));
          expect(sortByTopic([...assignment.partitions])).toEqual(sortByTopic(partitions));
          expect(assignment.userData).toEqual(data);
        },
      ),
    );
  });

  test('decoding random bytes either succeeds or fails with a clear error, never past the end', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (raw) => {
        for (const decode of [decodeSubscription, decodeAssignment]) {
          try {
            decode(Buffer.from(raw));
          } catch (error) {
            expect((error as Error).message).toMatch(/^malformed consumer protocol /);
          }
        }
      }),
    );
  });
});

describe('sticky assignor user data', () => {
  test('v1 is the previous assignment then the generation', () => {
    const encoded = encodeStickyUserData({
      partitions: [
        { topic: 't0', partition: 0 },
        { topic: 't1', partition: 1 },
      ],
      generation: 4,
    });
    expect(encoded.toString('hex')).toBe(
      Buffer.concat([
        topicPartitions([
          ['t0', [0]],
          ['t1', [1]],
        ]),
        int32(4),
      ]).toString('hex'),
    );
    expect(decodeStickyUserData(encoded)).toEqual({
      partitions: [
        { topic: 't0', partition: 0 },
        { topic: 't1', partition: 1 },
      ],
      generation: 4,
    });
  });

  test('v0 (no generation) and absent user data decode without a generation', () => {
    expect(decodeStickyUserData(topicPartitions([['t', [2]]]))).toEqual({
      partitions: [{ topic: 't', partition: 2 }],
      generation: null,
    });
    expect(decodeStickyUserData(null)).toEqual({ partitions: [], generation: null });
  });
});
