import fc from 'fast-check';
import {
  type GroupMetadataRecord,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
  readGroupMetadataValue,
  readMessageKey,
  readOffsetMessageValue,
} from '../../../../broker/coordinator/group/group-records';
import { KafkaError } from '../../../../client/errors';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('__consumer_offsets record formats', () => {
  test('OffsetCommitKey v1 is version, group, topic, partition', () => {
    const key = offsetCommitKey('g', 't', 0);
    expect(key).toEqual(hex('0001 0001 67 0001 74 00000000'));
    expect(readMessageKey(key)).toEqual({
      kind: 'offset',
      version: 1,
      group: 'g',
      topic: 't',
      partition: 0,
    });
  });

  test('GroupMetadataKey v2 is version 2 and the group', () => {
    const key = groupMetadataKey('group-1');
    expect(key).toEqual(hex('0002 0007 67726f75702d31'));
    expect(readMessageKey(key)).toEqual({ kind: 'group', version: 2, group: 'group-1' });
  });

  test('an OffsetCommitKey of version 0 (written by old brokers) reads too', () => {
    expect(readMessageKey(hex('0000 0001 67 0001 74 00000003'))).toMatchObject({
      kind: 'offset',
      version: 0,
      partition: 3,
    });
  });

  test('OffsetCommitValue v3 is version, offset, leader epoch, metadata, commit timestamp', () => {
    const value = offsetCommitValue({
      offset: 42,
      leaderEpoch: 3,
      metadata: 'm',
      commitTimestamp: 1_700_000_000_000,
    });
    expect(value).toEqual(hex('0003 000000000000002a 00000003 0001 6d 0000018bcfe56800'));
    expect(readOffsetMessageValue(value)).toEqual({
      offset: 42,
      leaderEpoch: 3,
      metadata: 'm',
      commitTimestamp: 1_700_000_000_000,
    });
  });

  test('OffsetCommitValue v0, v1 and v2 read with leader epoch -1; v1 keeps its expire timestamp', () => {
    expect(readOffsetMessageValue(hex('0000 0000000000000007 0000 0000000000000009'))).toEqual({
      offset: 7,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: 9,
    });
    expect(
      readOffsetMessageValue(hex('0001 0000000000000007 0000 0000000000000009 000000000000000b')),
    ).toEqual({
      offset: 7,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: 9,
      expireTimestamp: 11,
    });
    expect(readOffsetMessageValue(hex('0002 0000000000000007 0000 0000000000000009'))).toEqual({
      offset: 7,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: 9,
    });
  });

  test('GroupMetadataValue v3 lays out the group and each member as the schema says', () => {
    const group: GroupMetadataRecord = {
      protocolType: 'consumer',
      generation: 1,
      protocol: 'range',
      leader: 'm-1',
      currentStateTimestamp: 5,
      members: [
        {
          memberId: 'm-1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/h',
          rebalanceTimeoutMs: 300000,
          sessionTimeoutMs: 10000,
          subscription: Buffer.from([1, 2]),
          assignment: Buffer.alloc(0),
        },
      ],
    };
    const value = groupMetadataValue(group);
    expect(value).toEqual(
      hex(
        '0003 0008 636f6e73756d6572 00000001 0005 72616e6765 0003 6d2d31 0000000000000005 ' +
          '00000001 0003 6d2d31 ffff 0001 63 0002 2f68 000493e0 00002710 00000002 0102 00000000',
      ),
    );
    expect(readGroupMetadataValue(value)).toEqual(group);
  });

  test('GroupMetadataValue v0 members take the session timeout as rebalance timeout', () => {
    const v0 = hex(
      '0000 0008 636f6e73756d6572 00000002 ffff ffff 00000001 ' +
        '0003 6d2d31 0001 63 0002 2f68 00002710 00000000 00000000',
    );
    expect(readGroupMetadataValue(v0)).toEqual({
      protocolType: 'consumer',
      generation: 2,
      protocol: null,
      leader: null,
      currentStateTimestamp: -1,
      members: [
        {
          memberId: 'm-1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/h',
          rebalanceTimeoutMs: 10000,
          sessionTimeoutMs: 10000,
          subscription: Buffer.alloc(0),
          assignment: Buffer.alloc(0),
        },
      ],
    });
  });

  test('truncated values, unknown versions and impossible member counts are CORRUPT_MESSAGE', () => {
    const corrupt = (fn: () => unknown): void => {
      expect(fn).toThrow(KafkaError);
      try {
        fn();
      } catch (error) {
        expect((error as KafkaError).type).toBe('CORRUPT_MESSAGE');
      }
    };
    corrupt(() => readMessageKey(hex('0003 0001 67')));
    corrupt(() => readMessageKey(hex('0001 0005 67')));
    corrupt(() => readOffsetMessageValue(hex('0004 0000000000000001')));
    corrupt(() => readOffsetMessageValue(hex('0003 00000000')));
    corrupt(() =>
      readGroupMetadataValue(hex('0003 0000 00000001 ffff ffff 0000000000000000 7fffffff')),
    );
  });

  test('keys and values round trip (property)', () => {
    const text = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (g, t, p) => {
        expect(readMessageKey(offsetCommitKey(g, t, p))).toEqual({
          kind: 'offset',
          version: 1,
          group: g,
          topic: t,
          partition: p,
        });
        expect(readMessageKey(groupMetadataKey(g))).toEqual({
          kind: 'group',
          version: 2,
          group: g,
        });
      }),
    );
    const offset = fc.record({
      offset: fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER }),
      leaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
      metadata: text,
      commitTimestamp: fc.integer({ min: 0, max: 2 ** 50 }),
    });
    fc.assert(
      fc.property(offset, (o) => expect(readOffsetMessageValue(offsetCommitValue(o))).toEqual(o)),
    );
    const member = fc.record({
      memberId: text,
      groupInstanceId: fc.option(text, { nil: null }),
      clientId: text,
      clientHost: text,
      rebalanceTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      sessionTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      subscription: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
      assignment: fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b)),
    });
    const group = fc.record({
      protocolType: text,
      generation: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      protocol: fc.option(text, { nil: null }),
      leader: fc.option(text, { nil: null }),
      currentStateTimestamp: fc.integer({ min: -1, max: 2 ** 50 }),
      members: fc.array(member, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(group, (g) => expect(readGroupMetadataValue(groupMetadataValue(g))).toEqual(g)),
    );
  });
});
