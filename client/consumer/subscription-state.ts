/**
 * The consumer's assigned partitions and, per partition, where it reads (Kafka's
 * SubscriptionState): the position (next offset to fetch) or a pending reset to the earliest or
 * latest offset, the paused flag, and the backoff after errors.
 *
 * Where the assignment comes from is not this module's business: today `consumer.assign()` sets
 * it; a group membership (JoinGroup/SyncGroup) will set it the same way, with committed offsets as
 * positions, and commit what `positions()` reports.
 *
 * Every change of a partition's position that does not come from consuming it (assign, seek,
 * reset) bumps its `generation`, so records fetched before the change are recognised as stale and
 * dropped.
 */
import { SamsaError } from '../errors';

export type OffsetReset = 'earliest' | 'latest' | 'none';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface TopicPartitions {
  topic: string;
  /** All the topic's assigned partitions when absent. */
  partitions?: number[];
}

export class PartitionState {
  /** Next offset to fetch; -1 until known. */
  position = -1;
  /** How to find the position when it is not known. */
  reset: OffsetReset;
  paused = false;
  generation = 0;
  /** Consecutive failures, for the backoff. */
  failures = 0;
  /** Monotonic time before which the partition is not fetched. */
  backoffUntil = 0;
  highWatermark = -1;
  /** A fetcher holds the partition (from its request until its records are delivered). */
  fetching = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    reset: OffsetReset,
  ) {
    this.reset = reset;
  }

  /** Sets the position (a seek, a reset answer), invalidating records fetched before. */
  moveTo(offset: number): void {
    this.position = offset;
    this.generation++;
    this.failures = 0;
    this.backoffUntil = 0;
  }

  /** Forgets the position: it will be looked up with `reset`. */
  resetTo(reset: OffsetReset): void {
    this.position = -1;
    this.reset = reset;
    this.generation++;
  }
}

export class SubscriptionState {
  private readonly partitions = new Map<string, Map<number, PartitionState>>();

  /** Replaces the assignment; partitions kept from the old one keep their state. */
  assign(partitions: readonly TopicPartition[], reset: OffsetReset): PartitionState[] {
    const next = new Map<string, Map<number, PartitionState>>();
    const states: PartitionState[] = [];
    for (const { topic, partition } of partitions) {
      let topicStates = next.get(topic);
      if (topicStates === undefined) {
        topicStates = new Map();
        next.set(topic, topicStates);
      }
      if (topicStates.has(partition)) {
        throw new SamsaError(`partition ${topic}-${partition} is assigned twice`);
      }
      const state =
        this.partitions.get(topic)?.get(partition) ?? new PartitionState(topic, partition, reset);
      topicStates.set(partition, state);
      states.push(state);
    }
    this.partitions.clear();
    for (const [topic, states] of next) this.partitions.set(topic, states);
    return states;
  }

  get(topic: string, partition: number): PartitionState | undefined {
    return this.partitions.get(topic)?.get(partition);
  }

  /** The state of an assigned partition; a clear error for one that is not assigned. */
  require(topic: string, partition: number): PartitionState {
    const state = this.get(topic, partition);
    if (state === undefined) {
      throw new SamsaError(`partition ${topic}-${partition} is not assigned to this consumer`);
    }
    return state;
  }

  all(): PartitionState[] {
    const states: PartitionState[] = [];
    for (const topicStates of this.partitions.values()) states.push(...topicStates.values());
    return states;
  }

  topics(): string[] {
    return [...this.partitions.keys()];
  }

  /** The states named by `[{ topic, partitions? }]` (every assigned partition of a topic). */
  select(selection: readonly TopicPartitions[]): PartitionState[] {
    const states: PartitionState[] = [];
    for (const { topic, partitions } of selection) {
      if (typeof topic !== 'string') throw new SamsaError('expected [{ topic, partitions? }]');
      if (partitions === undefined) {
        states.push(...(this.partitions.get(topic)?.values() ?? []));
      } else {
        for (const partition of partitions) states.push(this.require(topic, partition));
      }
    }
    return states;
  }

  /** Paused partitions, grouped by topic (KafkaJS's `paused()`). */
  paused(): { topic: string; partitions: number[] }[] {
    const result: { topic: string; partitions: number[] }[] = [];
    for (const [topic, states] of this.partitions) {
      const partitions = [...states.values()]
        .filter((state) => state.paused)
        .map((state) => state.partition);
      if (partitions.length > 0) result.push({ topic, partitions });
    }
    return result;
  }

  /** Whether `state` is still the assigned state of its partition. */
  isCurrent(state: PartitionState): boolean {
    return this.get(state.topic, state.partition) === state;
  }
}
