import { chooseBrokerId } from '../../../broker/server/broker-id';

describe('chooseBrokerId (Kafka getOrGenerateBrokerId)', () => {
  test('a configured id is used when no meta.properties names one', () => {
    expect(chooseBrokerId(3, true, [])).toEqual({ kind: 'use', brokerId: 3 });
  });

  test('a configured id equal to the stored one is used', () => {
    expect(chooseBrokerId(3, true, [3, 3])).toEqual({ kind: 'use', brokerId: 3 });
  });

  test('broker.id=-1 takes the id stored in meta.properties', () => {
    expect(chooseBrokerId(-1, true, [1002])).toEqual({ kind: 'use', brokerId: 1002 });
    expect(chooseBrokerId(-1, false, [7])).toEqual({ kind: 'use', brokerId: 7 });
  });

  test('broker.id=-1 with nothing stored asks for a generated id', () => {
    expect(chooseBrokerId(-1, true, [])).toEqual({ kind: 'generate' });
  });

  test('broker.id=-1 with generation disabled and nothing stored is a one-line error', () => {
    expect(() => chooseBrokerId(-1, false, [])).toThrow(/set broker\.id/);
  });

  test('a configured id that differs from the stored one is refused in Kafka words', () => {
    expect(() => chooseBrokerId(2, true, [1])).toThrow(
      "Configured broker.id 2 doesn't match stored broker.id 1 in meta.properties.",
    );
  });

  test('log dirs that disagree on the stored id are refused', () => {
    expect(() => chooseBrokerId(1, true, [1, 2])).toThrow(
      /Failed to match broker.id across log.dirs.*Found 1, 2$/,
    );
  });
});
