/**
 * fast-check generators for the znode value types, shared by the codec round-trip tests. They
 * produce values in canonical form (what the decoders return), so `decode(encode(x))` must
 * deep-equal `x`.
 */
import fc from 'fast-check';
import { ZkDataError } from '../../../zk-schema/json';

export const brokerId = fc.integer({ min: 0, max: 2147483647 });
export const smallBrokerId = fc.integer({ min: 0, max: 20 });
export const partitionId = fc.integer({ min: 0, max: 2147483647 });
export const epoch = fc.integer({ min: 0, max: 2147483647 });
export const timestamp = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

export const topic = fc
  .stringMatching(/^[a-zA-Z0-9._-]{1,249}$/)
  .filter((t) => t !== '.' && t !== '..');

/** Distinct broker ids, as in replica lists and ISRs. */
export function replicaList(minLength = 1): fc.Arbitrary<number[]> {
  return fc.uniqueArray(smallBrokerId, { minLength, maxLength: 6 });
}

/** Any well-formed Unicode text (no lone surrogates). */
export const unicode = fc.string({ unit: 'binary', maxLength: 30 });

/** False for the keys every decoder refuses (`__proto__`, `constructor`, `prototype`). */
export function allowedKey(key: string): boolean {
  return !['__proto__', 'constructor', 'prototype'].includes(key);
}

/** Map keys that are not the keys every decoder refuses. */
export const mapKey = unicode.filter(allowedKey);

/** Feature names (`metadata.version`), never a refused key. */
export const featureName = fc.stringMatching(/^[a-z.]{1,12}$/).filter(allowedKey);

export const topicPartition = fc.record({ topic, partition: partitionId });

/** Distinct topic-partitions. */
export const topicPartitions = fc.uniqueArray(topicPartition, {
  maxLength: 8,
  selector: (tp) => `${tp.topic}-${tp.partition}`,
});

/** Runs `fn` and returns the ZkDataError it throws (fails the test if it throws anything else). */
export function zkDataError(fn: () => unknown): ZkDataError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ZkDataError) return e;
    throw e;
  }
  throw new Error('expected a ZkDataError, but nothing was thrown');
}
