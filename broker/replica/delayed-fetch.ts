/**
 * A fetch waiting for data (Kafka's `DelayedFetch`): parked when its first read found fewer than
 * `min_bytes`, and completed — by reading again — as soon as one of these holds:
 * - a partition is no longer led here, or its leader epoch changed (the new read reports the
 *   error);
 * - a partition's readable end (log end offset for a follower, high watermark for a consumer)
 *   went below the fetch offset (the leader truncated);
 * - the bytes now readable past the fetch offsets reach `min_bytes` (estimated from the sizes of
 *   the appends, each partition counting at least 1 byte once its readable end moved past the
 *   fetch offset and at most its partition_max_bytes);
 * - `max_wait_ms` ran out.
 */
import { KafkaError } from '../../client/errors';
import type { TopicPartition } from '../log/log-files';
import { DelayedOperation } from './delayed-operation';
import type { Partition } from './partition';

/** Where a fetch reads in a partition. */
export interface FetchPartitionPosition {
  readonly topicPartition: TopicPartition;
  readonly fetchOffset: number;
  /** -1 when the fetcher does not know it. */
  readonly currentLeaderEpoch: number;
  readonly maxBytes: number;
  /** A follower's log start offset (-1 from consumers). */
  readonly logStartOffset?: number;
}

export interface DelayedFetchParams {
  readonly minBytes: number;
  /** Followers read up to the log end offset, consumers up to the high watermark. */
  readonly readsToLogEnd: boolean;
  readonly leaderOnly: boolean;
}

export class DelayedFetch extends DelayedOperation {
  constructor(
    delayMs: number,
    private readonly params: DelayedFetchParams,
    private readonly positions: readonly FetchPartitionPosition[],
    private readonly lookup: (tp: TopicPartition) => Partition | undefined,
    private readonly complete: () => void,
  ) {
    super(delayMs);
  }

  tryComplete(): boolean {
    let accumulated = 0;
    for (const position of this.positions) {
      const partition = this.lookup(position.topicPartition);
      if (partition === undefined) return this.forceComplete();
      let end: number;
      try {
        const snapshot = partition.fetchOffsetSnapshot(
          position.currentLeaderEpoch,
          this.params.leaderOnly,
        );
        end = this.params.readsToLogEnd ? snapshot.logEndOffset : snapshot.highWatermark;
      } catch (error) {
        if (error instanceof KafkaError) return this.forceComplete();
        throw error;
      }
      if (end < position.fetchOffset) return this.forceComplete();
      if (end > position.fetchOffset) {
        // At least one record is readable, whatever the estimate says.
        const estimate = partition.appendedBytesBetween(position.fetchOffset, end);
        accumulated += Math.min(Math.max(1, estimate), position.maxBytes);
      }
    }
    return accumulated >= this.params.minBytes ? this.forceComplete() : false;
  }

  protected onComplete(): void {
    this.complete();
  }
}
