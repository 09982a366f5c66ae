import {
  javaStringHashCode,
  kafkaAbs,
  partitionForGroup,
} from '../../../../broker/coordinator/group/group-partition';

describe("a group's __consumer_offsets partition", () => {
  test("javaStringHashCode gives Java's String.hashCode values", () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('hello')).toBe(99162322);
    expect(javaStringHashCode('console-consumer-46999')).toBe(161351158);
    expect(javaStringHashCode('my-group')).toBe(-1906497762);
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
  });

  test('hashes UTF-16 code units, so a character outside the BMP counts as its surrogate pair', () => {
    expect(javaStringHashCode('café')).toBe(3045921);
    expect(javaStringHashCode('😀group')).toBe(-1231696132);
  });

  test("kafkaAbs is Kafka's Utils.abs: Math.abs, and 0 for Integer.MIN_VALUE", () => {
    expect(kafkaAbs(-5)).toBe(5);
    expect(kafkaAbs(7)).toBe(7);
    expect(kafkaAbs(-2147483648)).toBe(0);
  });

  test('matches the partition Kafka computes with 50 partitions, negative hashes included', () => {
    expect(partitionForGroup('console-consumer-46999', 50)).toBe(8);
    // |-1906497762| % 50 = 12 (masking the sign bit instead would give 36)
    expect(partitionForGroup('my-group', 50)).toBe(12);
    expect(partitionForGroup('polygenelubricants', 50)).toBe(0);
    expect(partitionForGroup('', 50)).toBe(0);
    expect(partitionForGroup('😀group', 50)).toBe(32);
  });

  test('refuses a partition count below 1', () => {
    expect(() => partitionForGroup('g', 0)).toThrow('at least 1');
  });
});
