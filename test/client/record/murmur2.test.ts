import fc from 'fast-check';
import { murmur2, partitionForKey, toPositive } from '../../../client/record/murmur2';

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

describe("murmur2 matches Kafka's Utils.murmur2", () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2 (signed Java ints).
  test.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('Kafka UtilsTest: murmur2(%j) = %d', (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  // Printed by a Java program running Kafka's murmur2 (published with kafkajs's Java-compatible
  // partitioner, defaultJava/Test.java); these cover every tail length after the 4-byte blocks.
  test.each([
    ['0', 971027396],
    ['1', -1993445489],
    ['128', -326012175],
    ['2187', -1508407203],
    ['16384', -325739742],
    ['78125', -1654490814],
    ['279936', 1462227128],
    ['823543', -2014198330],
    ['2097152', 607668903],
    ['4782969', -1182699775],
    ['10000000', -1830336757],
    ['19487171', -1603849305],
    ['35831808', -857013643],
    ['62748517', -1167431028],
    ['105413504', -381294639],
    ['170859375', -1658323481],
    ['100:48069', 1009543857],
  ])('Java Utils.murmur2(%j) = %d', (key, expected) => {
    expect(murmur2(bytes(key))).toBe(expected);
  });

  test('always a signed 32-bit integer, and the same for a Buffer and a Uint8Array', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const hash = murmur2(data);
        expect(hash).toBe(hash | 0);
        expect(murmur2(Buffer.from(data))).toBe(hash);
      }),
    );
  });
});

describe("the default partitioner's key → partition mapping", () => {
  // kafka-python's Java-compatibility test: partitions printed by Kafka's Java partitioner for a
  // topic of 1000 partitions.
  test.each([
    ['', 681],
    ['a', 524],
    ['ab', 434],
    ['abc', 107],
    ['123456789', 566],
    ['\u0000 ', 742],
  ])('key %j on 1000 partitions → partition %d', (key, partition) => {
    expect(partitionForKey(bytes(key), 1000)).toBe(partition);
  });

  test('keys from Kafka UtilsTest land where toPositive(hash) % n puts them', () => {
    // -973932308 & 0x7fffffff = 1173551340; 1173551340 % 6 = 0, % 7 = 3, % 10 = 0
    expect(partitionForKey(bytes('21'), 6)).toBe(0);
    expect(partitionForKey(bytes('21'), 7)).toBe(3);
    // -790332482 & 0x7fffffff = 1357151166; % 3 = 0, % 12 = 6
    expect(partitionForKey(bytes('foobar'), 3)).toBe(0);
    expect(partitionForKey(bytes('foobar'), 12)).toBe(6);
  });

  test('toPositive clears the sign bit (Integer.MIN_VALUE → 0), unlike Math.abs', () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(5)).toBe(5);
  });

  test('a partition count that is not a positive integer is refused', () => {
    expect(() => partitionForKey(bytes('k'), 0)).toThrow(/positive integer/);
    expect(() => partitionForKey(bytes('k'), 2.5)).toThrow(/positive integer/);
  });
});
