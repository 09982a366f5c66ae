/**
 * The consumer's assigned partitions and, per partition, where it reads (Kafka's
 * SubscriptionState): the position (next offset to fetch) or how to find it (the group's committed
 * offset first, for partitions assigned to a group member; then a reset to the earliest or latest
 * offset), the paused flag, and the backoff after errors.
 *
 * Where the assignment comes from is not this module's business: `consumer.assign()` sets it, and
 * so does a group membership after each rebalance (consumer-group.ts), which commits the positions
 * of its partitions.
 *
 * Pausing is remembered beyond the current assignment, as KafkaJS does: a topic paused as a whole
 * (`pause([{ topic }])`) stays paused for partitions assigned later, and a paused partition that
 * is assigned again after a rebalance is still paused, until `resume`.
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
  /** The position is to be looked up as the group's committed offset before `reset` applies. */
  fromCommitted = false;
  /** How to find the position when it is not known (and there is no committed offset). */
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
    this.fromCommitted = false;
    this.generation++;
    this.failures = 0;
    this.backoffUntil = 0;
  }

  /** Forgets the position: it will be looked up with `reset`. */
  resetTo(reset: OffsetReset): void {
    this.position = -1;
    this.fromCommitted = false;
    this.reset = reset;
    this.generation++;
  }
}

export interface AssignOptions {
  /** New partitions look up the group's committed offset first. */
  readonly fromCommitted?: boolean;
}

export class SubscriptionState {
  private readonly partitions = new Map<string, Map<number, PartitionState>>();
  /** Topics paused as a whole, and single paused partitions by topic. */
  private readonly pausedTopics = new Set<string>();
  private readonly pausedPartitions = new Map<string, Set<number>>();

  /**
   * Replaces the assignment; partitions kept from the old one keep their state. New partitions
   * find their position with `reset` (one policy, or one per topic).
   */
  assign(
    partitions: readonly TopicPartition[],
    reset: OffsetReset | ((topic: string) => OffsetReset),
    options: AssignOptions = {},
  ): PartitionState[] {
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
      let state = this.partitions.get(topic)?.get(partition);
      if (state === undefined) {
        state = new PartitionState(
          topic,
          partition,
          typeof reset === 'function' ? reset(topic) : reset,
        );
        state.fromCommitted = options.fromCommitted ?? false;
        state.paused =
          this.pausedTopics.has(topic) || this.pausedPartitions.get(topic)?.has(partition) === true;
      }
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

  /** Pauses the selection (and remembers it for partitions assigned later). */
  pause(selection: readonly TopicPartitions[]): PartitionState[] {
    const states = this.select(selection);
    for (const { topic, partitions } of selection) {
      if (partitions === undefined) this.pausedTopics.add(topic);
      else for (const partition of partitions) this.rememberPaused(topic, partition);
    }
    for (const state of states) state.paused = true;
    return states;
  }

  /** Resumes the selection (a whole topic: every partition of it, however it was paused). */
  resume(selection: readonly TopicPartitions[]): PartitionState[] {
    const states = this.select(selection);
    for (const { topic, partitions } of selection) {
      if (partitions === undefined) {
        this.pausedTopics.delete(topic);
        this.pausedPartitions.delete(topic);
      } else {
        for (const partition of partitions) this.pausedPartitions.get(topic)?.delete(partition);
      }
    }
    for (const state of states) state.paused = false;
    return states;
  }

  /** Pauses one partition from inside a handler; returns the function that resumes it. */
  pausePartition(state: PartitionState): () => void {
    state.paused = true;
    this.rememberPaused(state.topic, state.partition);
    return () => {
      this.pausedPartitions.get(state.topic)?.delete(state.partition);
      if (this.isCurrent(state)) state.paused = false;
    };
  }

  private rememberPaused(topic: string, partition: number): void {
    let set = this.pausedPartitions.get(topic);
    if (set === undefined) {
      set = new Set();
      this.pausedPartitions.set(topic, set);
    }
    set.add(partition);
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
