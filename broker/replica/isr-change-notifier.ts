/**
 * Batched ISR-change notifications (Kafka's `ReplicaManager.maybePropagateIsrChanges`,
 * KAFKA-2722): partitions whose ISR this broker changed as leader are collected, and a periodic
 * check writes them all in one `/isr_change_notification/isr_change_<seq>` (persistent
 * sequential, zk-schema's codec) once no ISR change happened for `lingerMs`, or once the last
 * notification is older than `maxDelayMs`. The controller watches that path, re-reads the named
 * partitions' state znodes and sends UpdateMetadata.
 *
 * Kafka's constants are a 2.5 s check, 5 s linger and 60 s maximum delay; samsa defaults to
 * 500 ms / 1 s / 10 s so that ISR changes reach clients' metadata within about a second (a lab
 * shows them while they happen). A failed write keeps the partitions for the next check; a write
 * whose reply was lost may leave a duplicate notification, which the controller handles like
 * any other (it only re-reads state).
 */
import { type Logger, logger } from '../../client/logging';
import type { ZkClient } from '../../zk-schema/client';
import * as isrChange from '../../zk-schema/znodes/isr-change-notification';
import { createPath } from '../../zk-schema/znodes/sequential';
import { type TopicPartition, topicPartitionName } from '../log/log-files';

export interface IsrChangeNotifierOptions {
  readonly zk: () => ZkClient;
  /** Monotonic clock, ms. */
  readonly clock: () => number;
  /** How often pending changes are checked (Kafka: 2500). */
  readonly checkIntervalMs: number;
  /** Write once no change happened for this long (Kafka: 5000). */
  readonly lingerMs: number;
  /** ... or once the last write is this old (Kafka: 60000). */
  readonly maxDelayMs: number;
  readonly brokerId: number;
}

export const DEFAULT_ISR_CHANGE_TIMING = {
  checkIntervalMs: 500,
  lingerMs: 1000,
  maxDelayMs: 10000,
} as const;

export class IsrChangeNotifier {
  private readonly pending = new Map<string, TopicPartition>();
  private lastChangeMs: number;
  private lastPropagationMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(private readonly options: IsrChangeNotifierOptions) {
    this.lastChangeMs = options.clock();
    this.lastPropagationMs = options.clock();
    this.log = logger(`IsrChangeNotifier broker=${options.brokerId}`);
  }

  /** Records that this broker changed the ISR of `tp`. */
  recordIsrChange(tp: TopicPartition): void {
    this.pending.set(topicPartitionName(tp), { topic: tp.topic, partition: tp.partition });
    this.lastChangeMs = this.options.clock();
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.running !== undefined) return;
      this.running = this.maybePropagate().finally(() => {
        this.running = undefined;
      });
    }, this.options.checkIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Writes the pending changes if the linger or the maximum delay has passed. */
  async maybePropagate(): Promise<void> {
    if (this.pending.size === 0) return;
    const now = this.options.clock();
    if (
      now - this.lastChangeMs < this.options.lingerMs &&
      now - this.lastPropagationMs < this.options.maxDelayMs
    ) {
      return;
    }
    const partitions = [...this.pending.values()];
    this.pending.clear();
    try {
      const created = await this.options
        .zk()
        .create(createPath(isrChange.STORE), isrChange.encode({ partitions }), {
          mode: 'persistent_sequential',
        });
      this.lastPropagationMs = this.options.clock();
      this.log.debug(`Wrote ${created} for ${partitions.length} partitions`);
    } catch (error) {
      for (const tp of partitions) {
        const name = topicPartitionName(tp);
        if (!this.pending.has(name)) this.pending.set(name, tp);
      }
      this.log.warn(
        `Failed to write an ISR change notification for ${partitions.length} partitions, will retry: ${(error as Error).message}`,
      );
    }
  }
}
