/**
 * A produce request with acks=all waiting for its batches to be replicated (Kafka's
 * `DelayedProduce`). Each partition that was appended waits until the high watermark reaches
 * the end of its batches (Partition.checkEnoughReplicasReachOffset); a partition whose append
 * failed is answered with its error at once. The request completes when no partition waits any
 * more, or at `timeout_ms`, when the partitions still waiting get REQUEST_TIMED_OUT.
 */
import type { ErrorName } from '../../client/protocol/error-codes';
import type { TopicPartition } from '../log/log-files';
import { DelayedOperation } from './delayed-operation';
import type { Partition } from './partition';

/** One partition's answer to a produce request. */
export interface ProducePartitionResult {
  readonly topicPartition: TopicPartition;
  error: ErrorName;
  errorMessage?: string;
  /** First offset assigned, or -1. */
  baseOffset: number;
  /** -1: samsa keeps CreateTime. */
  logAppendTimeMs: number;
  logStartOffset: number;
}

/** A partition of a delayed produce: its result so far and the offset it waits for. */
export interface ProducePartitionStatus {
  readonly result: ProducePartitionResult;
  /** The offset after the last appended record: the high watermark must reach it. */
  readonly requiredOffset: number;
  acksPending: boolean;
}

export class DelayedProduce extends DelayedOperation {
  constructor(
    delayMs: number,
    private readonly statuses: readonly ProducePartitionStatus[],
    private readonly lookup: (tp: TopicPartition) => Partition | ErrorName,
    private readonly minInsyncReplicas: (topic: string) => number,
    private readonly respond: (results: ProducePartitionResult[]) => void,
  ) {
    super(delayMs);
    for (const status of statuses) {
      if (status.result.error === 'NONE') {
        status.acksPending = true;
        status.result.error = 'REQUEST_TIMED_OUT';
      } else {
        status.acksPending = false;
      }
    }
  }

  tryComplete(): boolean {
    for (const status of this.statuses) {
      if (!status.acksPending) continue;
      const tp = status.result.topicPartition;
      const partition = this.lookup(tp);
      const check =
        typeof partition === 'string'
          ? { done: true, error: partition }
          : partition.checkEnoughReplicasReachOffset(
              status.requiredOffset,
              this.minInsyncReplicas(tp.topic),
            );
      if (check.done) {
        status.acksPending = false;
        status.result.error = check.error;
      }
    }
    if (this.statuses.some((s) => s.acksPending)) return false;
    return this.forceComplete();
  }

  protected onComplete(): void {
    this.respond(this.statuses.map((s) => s.result));
  }
}
