/**
 * Which partition of `__consumer_offsets` holds a group, exactly as Kafka computes it
 * (GroupMetadataManager.partitionFor): `Utils.abs(groupId.hashCode) % partitionCount`, so that a
 * group lands on the same partition number as in Kafka.
 *
 * - `javaStringHashCode` is Java's String.hashCode: `s[0]*31^(n-1) + ... + s[n-1]` over the
 *   string's UTF-16 code units (what JavaScript's charCodeAt returns), in 32-bit two's-complement
 *   arithmetic ("".hashCode() = 0, "hello".hashCode() = 99162322).
 * - `kafkaAbs` is Kafka's Utils.abs: Math.abs, except that Integer.MIN_VALUE (whose Java
 *   Math.abs is itself, negative) gives 0.
 */

/** The name of the internal topic that stores committed offsets and group metadata. */
export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';

const INT32_MIN = -0x8000_0000;

/** Java's String.hashCode(). */
export function javaStringHashCode(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) {
    hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
  }
  return hash;
}

/** Kafka's Utils.abs(int): the absolute value, with Integer.MIN_VALUE mapped to 0. */
export function kafkaAbs(value: number): number {
  return value === INT32_MIN ? 0 : Math.abs(value);
}

/** The `__consumer_offsets` partition of a group, for a topic of `partitionCount` partitions. */
export function partitionForGroup(groupId: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1) {
    throw new RangeError(`the partition count of ${GROUP_METADATA_TOPIC_NAME} must be at least 1`);
  }
  return kafkaAbs(javaStringHashCode(groupId)) % partitionCount;
}
