import fc from 'fast-check';
import * as deleteTopics from '../../../zk-schema/znodes/delete-topics';
import * as preferredElection from '../../../zk-schema/znodes/preferred-replica-election';
import * as reassignPartitions from '../../../zk-schema/znodes/reassign-partitions';
import { topic, zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('/admin/delete_topics/<topic>', () => {
  it('is an empty persistent node named after a legal topic', () => {
    expect(deleteTopics.path('orders')).toBe('/admin/delete_topics/orders');
    expect(deleteTopics.deleteTopicsPath()).toBe('/admin/delete_topics');
    expect(deleteTopics.encode().length).toBe(0);
    expect(deleteTopics.MODE).toBe('persistent');
    expect(deleteTopics.parseChildName('orders')).toBe('orders');
    expect(() => deleteTopics.parseChildName('..')).toThrow(/INVALID_TOPIC_EXCEPTION/);
  });
});

describe('/admin/reassign_partitions', () => {
  it('reads and writes the reference payload', () => {
    const text = '{"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[4,5,6]}]}';
    const value = { partitions: [{ topic: 'orders', partition: 0, replicas: [4, 5, 6] }] };
    expect(reassignPartitions.path()).toBe('/admin/reassign_partitions');
    expect(reassignPartitions.encode(value).toString()).toBe(text);
    expect(reassignPartitions.decode(bytes(text))).toEqual(value);
  });

  it.each([
    [
      'a partition listed twice',
      '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1]},{"topic":"t","partition":0,"replicas":[2]}]}',
      /partition t-0 is listed twice/,
    ],
    [
      'an illegal topic',
      '{"version":1,"partitions":[{"topic":"../x","partition":0,"replicas":[1]}]}',
      /field "partitions\[0\].topic": topic name "..\/x" is illegal/,
    ],
    [
      'a negative partition',
      '{"version":1,"partitions":[{"topic":"t","partition":-1,"replicas":[1]}]}',
      /field "partitions\[0\].partition"/,
    ],
    [
      'no replicas',
      '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[]}]}',
      /empty replica list/,
    ],
    [
      'an entry that is not an object',
      '{"version":1,"partitions":[7]}',
      /field "partitions\[0\]": expected a JSON object, got number 7/,
    ],
  ])('refuses %s', (_name, text, pattern) => {
    expect(zkDataError(() => reassignPartitions.decode(bytes(text))).message).toMatch(pattern);
  });
});

describe('/admin/preferred_replica_election', () => {
  it('reads and writes the reference payload', () => {
    const text = '{"version":1,"partitions":[{"topic":"orders","partition":0}]}';
    expect(preferredElection.path()).toBe('/admin/preferred_replica_election');
    expect(
      preferredElection.encode({ partitions: [{ topic: 'orders', partition: 0 }] }).toString(),
    ).toBe(text);
  });

  it('refuses a missing partitions array', () => {
    expect(zkDataError(() => preferredElection.decode(bytes('{"version":1}'))).message).toBe(
      '/admin/preferred_replica_election: missing field "partitions"',
    );
  });

  it('accepts any legal topic name', () => {
    fc.assert(
      fc.property(topic, (t) => {
        const value = { partitions: [{ topic: t, partition: 0 }] };
        expect(preferredElection.decode(preferredElection.encode(value))).toEqual(value);
      }),
      { numRuns: 50 },
    );
  });
});
