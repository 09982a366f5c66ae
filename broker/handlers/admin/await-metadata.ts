/**
 * The admin APIs' delayed responses (Kafka's DelayedCreatePartitions and DelayedDeleteTopics):
 * CreateTopics and CreatePartitions answer once the metadata cache shows a leader for every
 * partition they created, DeleteTopics once the deleted topics are gone from it — or when the
 * request's timeout runs out, whichever comes first. The cache changes only through
 * UpdateMetadata, so the condition is checked at once and after every update.
 */
import type { MetadataCache } from '../../metadata/metadata-cache';
import { NO_LEADER } from '../../metadata/metadata-cache';

/** Resolves true as soon as `done()` holds, false when `timeoutMs` passes first. */
export function awaitMetadata(
  cache: MetadataCache,
  done: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  if (timeoutMs <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (result: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(result);
    };
    const timer = setTimeout(() => finish(done()), timeoutMs);
    const unsubscribe = cache.onUpdate(() => {
      if (done()) finish(true);
    });
  });
}

/** True when the cache knows every partition of `partitions` with a leader. */
export function allHaveLeaders(
  cache: MetadataCache,
  topic: string,
  partitions: Iterable<number>,
): boolean {
  for (const partition of partitions) {
    const state = cache.partitionState(topic, partition);
    if (state === undefined || state.leader === NO_LEADER) return false;
  }
  return true;
}
