/**
 * The size rules of a fetch response (Kafka's `ReplicaManager.readFromLocalLog`, fetch v3+):
 * partitions are read in request order; each may return at most min(its partition_max_bytes,
 * what is left of the response's max_bytes); what a partition returned is taken off what is left.
 * So that a consumer can always make progress, the first partition that returns anything may
 * return its first batch whole even when that batch is larger than both limits; after it, the
 * limits are strict (a partition with no room returns nothing, but still its offsets and error).
 */

/** Reads every partition under the rules above; one read per partition, in order. */
export async function readWithinLimits<P, R>(
  partitions: readonly P[],
  responseMaxBytes: number,
  partitionMaxBytes: (partition: P) => number,
  read: (partition: P, maxBytes: number, minOneBatch: boolean) => Promise<R>,
  sizeOf: (result: R) => number,
): Promise<R[]> {
  let remaining = Math.max(0, responseMaxBytes);
  let minOneBatch = true;
  const results: R[] = [];
  for (const partition of partitions) {
    const maxBytes = Math.max(0, Math.min(partitionMaxBytes(partition), remaining));
    const result = await read(partition, maxBytes, minOneBatch);
    const size = sizeOf(result);
    if (size > 0) minOneBatch = false;
    remaining = Math.max(0, remaining - size);
    results.push(result);
  }
  return results;
}
