import fc from 'fast-check';
import { KafkaError } from '../../../client/errors';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import * as topicAssignment from '../../../zk-schema/znodes/topic-assignment';
import { ReplicaAssignment } from '../../../zk-schema/znodes/topic-assignment';
import { randomBase64Uuid } from '../../../zk-schema/znodes/base64-uuid';
import { partitionId, topic, zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const idle = (replicas: number[]): ReplicaAssignment => ({
  replicas,
  addingReplicas: [],
  removingReplicas: [],
});

describe('/brokers/topics/<topic>', () => {
  it('builds paths from legal topic names only', () => {
    expect(topicAssignment.path('orders')).toBe('/brokers/topics/orders');
    expect(topicAssignment.topicsPath()).toBe('/brokers/topics');
    for (const bad of ['', '.', '..', 'a/b', 'x'.repeat(250), 'ü']) {
      expect(() => topicAssignment.path(bad)).toThrow(KafkaError);
    }
    expect(() => topicAssignment.path('../config')).toThrow(/INVALID_TOPIC_EXCEPTION/);
  });

  it('writes v2 exactly as the reference example', () => {
    const value = {
      partitions: new Map([
        [0, idle([1, 2, 3])],
        [1, idle([2, 3, 1])],
        [2, idle([3, 1, 2])],
      ]),
    };
    const text =
      '{"version":2,"partitions":{"0":[1,2,3],"1":[2,3,1],"2":[3,1,2]},"adding_replicas":{},"removing_replicas":{}}';
    expect(topicAssignment.encode(value).toString()).toBe(text);
    expect(topicAssignment.decode(bytes(text))).toEqual(value);
  });

  it('writes v3 with topic_id when the topic has an id', () => {
    const topicId = randomBase64Uuid();
    const json = JSON.parse(
      topicAssignment.encode({ topicId, partitions: new Map([[0, idle([1])]]) }).toString(),
    );
    expect(json).toMatchObject({ version: 3, topic_id: topicId });
  });

  it('decodes v1 (no reassignment maps) and ignores unknown fields and stray map entries', () => {
    expect(
      topicAssignment.decode(
        bytes('{"version":1,"partitions":{"0":[3,1,2],"1":[1,2,3]},"future":true}'),
      ),
    ).toEqual({
      partitions: new Map([
        [0, idle([3, 1, 2])],
        [1, idle([1, 2, 3])],
      ]),
    });
    expect(
      topicAssignment.decode(
        bytes(
          '{"version":2,"partitions":{"0":[1,4]},"adding_replicas":{"0":[4],"7":[9]},"removing_replicas":{}}',
        ),
      ),
    ).toEqual({
      partitions: new Map([[0, { replicas: [1, 4], addingReplicas: [4], removingReplicas: [] }]]),
    });
  });

  it.each([
    [
      'a negative replica',
      '{"version":2,"partitions":{"0":[1,-2]}}',
      /field "partitions.0\[1\]": expected an integer in \[0/,
    ],
    [
      'a non-canonical partition key',
      '{"version":2,"partitions":{"01":[1]}}',
      /partition id "01" is not a canonical id/,
    ],
    ['a negative partition key', '{"version":2,"partitions":{"-1":[1]}}', /partition id "-1"/],
    ['an empty replica list', '{"version":2,"partitions":{"0":[]}}', /empty replica list/],
    ['a duplicate replica', '{"version":2,"partitions":{"0":[1,1]}}', /duplicate entry 1/],
    [
      'a malformed topic id',
      '{"version":3,"partitions":{"0":[1]},"topic_id":"nope"}',
      /22-character base64 UUID/,
    ],
    ['version 4', '{"version":4,"partitions":{}}', /unsupported version/],
    [
      'partitions as an array',
      '{"version":2,"partitions":[[1]]}',
      /field "partitions": expected a JSON object, got an array/,
    ],
  ])('refuses %s', (_name, text, pattern) => {
    expect(
      zkDataError(() => topicAssignment.decode(bytes(text), '/brokers/topics/t')).message,
    ).toMatch(pattern);
  });
});

describe('/brokers/topics/<topic>/partitions/<p>/state', () => {
  it('builds the partition paths', () => {
    expect(partitionState.path('orders', 2)).toBe('/brokers/topics/orders/partitions/2/state');
    expect(partitionState.partitionPath('orders', 2)).toBe('/brokers/topics/orders/partitions/2');
    expect(partitionState.partitionsPath('orders')).toBe('/brokers/topics/orders/partitions');
    expect(() => partitionState.path('orders', -1)).toThrow(/invalid partition/);
    expect(partitionState.parseChildName('12')).toBe(12);
  });

  it('writes the reference payload byte for byte', () => {
    const text = '{"controller_epoch":1,"leader":3,"version":1,"leader_epoch":0,"isr":[3,1,2]}';
    const value = { leader: 3, leaderEpoch: 0, isr: [3, 1, 2], controllerEpoch: 1 };
    expect(partitionState.encode(value).toString()).toBe(text);
    expect(partitionState.decode(bytes(text))).toEqual(value);
  });

  it('keeps leader -1 with the last ISR member (offline partition)', () => {
    const offline = {
      leader: partitionState.NO_LEADER,
      leaderEpoch: 4,
      isr: [2],
      controllerEpoch: 7,
    };
    expect(partitionState.decode(partitionState.encode(offline))).toEqual(offline);
  });

  it('accepts keys in any order and ignores unknown fields', () => {
    expect(
      partitionState.decode(
        bytes(
          '{"isr":[1,3],"leader_epoch":12,"version":1,"leader":1,"controller_epoch":7,"leader_recovery_state":0}',
        ),
      ),
    ).toEqual({ leader: 1, leaderEpoch: 12, isr: [1, 3], controllerEpoch: 7 });
  });

  it.each([
    [
      'leader -2',
      '{"version":1,"leader":-2,"leader_epoch":0,"isr":[],"controller_epoch":1}',
      /field "leader"/,
    ],
    [
      'a duplicate ISR member',
      '{"version":1,"leader":1,"leader_epoch":0,"isr":[1,1],"controller_epoch":1}',
      /duplicate entry 1/,
    ],
    [
      'a string leader epoch',
      '{"version":1,"leader":1,"leader_epoch":"0","isr":[1],"controller_epoch":1}',
      /field "leader_epoch": expected an integer/,
    ],
    [
      'a huge leader epoch',
      '{"version":1,"leader":1,"leader_epoch":9223372036854775807,"isr":[1],"controller_epoch":1}',
      /field "leader_epoch"/,
    ],
    [
      'version 2',
      '{"version":2,"leader":1,"leader_epoch":0,"isr":[1],"controller_epoch":1}',
      /unsupported version/,
    ],
  ])('refuses %s', (_name, text, pattern) => {
    expect(zkDataError(() => partitionState.decode(bytes(text))).message).toMatch(pattern);
  });

  it('uses the topic path of the assignment module', () => {
    fc.assert(
      fc.property(topic, partitionId, (t, p) => {
        expect(partitionState.path(t, p)).toBe(`${topicAssignment.path(t)}/partitions/${p}/state`);
      }),
      { numRuns: 50 },
    );
  });
});
