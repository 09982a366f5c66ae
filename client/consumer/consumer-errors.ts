/**
 * The consumer's own errors and how it tells a passing failure from a lasting one.
 *
 * - NoOffsetForPartitionError (Kafka's NoOffsetForPartitionException): a partition has no position,
 *   no committed offset, and `autoOffsetReset` is 'none'.
 * - `isTransient`: a retriable error, or retries that ran out on one (a coordinator that is moving,
 *   a broker that is restarting). A group member waits those out and tries again, as Kafka's
 *   consumer does inside poll(), rather than stopping.
 */
import { RetriesExhaustedError } from '../cluster/retry';
import { SamsaError } from '../errors';
import type { TopicPartition } from './subscription-state';

export class NoOffsetForPartitionError extends SamsaError {
  readonly partitions: readonly TopicPartition[];

  constructor(partitions: readonly TopicPartition[]) {
    const names = partitions.map(({ topic, partition }) => `${topic}-${partition}`).join(', ');
    super(
      `Undefined offset with no reset policy for partitions: [${names}] (autoOffsetReset is 'none': commit an offset for them, or give one to assign() or seek())`,
    );
    this.partitions = partitions.map(({ topic, partition }) => ({ topic, partition }));
  }
}

export function isTransient(error: unknown): boolean {
  if (error instanceof RetriesExhaustedError) return isTransient(error.cause);
  return error instanceof SamsaError && error.retriable;
}
