/**
 * Topic-partitions and replicas as the controller keys its state: `TopicPartition`
 * ({topic, partition}), `PartitionReplica` (one replica of a partition: the broker hosting it),
 * and `TpMap`, a map keyed by topic then partition (so a topic's entries go in one step when the
 * topic is deleted).
 */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface PartitionReplica {
  readonly tp: TopicPartition;
  readonly replica: number;
}

/** `orders-3`, the way Kafka prints a TopicPartition. */
export function tpString(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** `[Topic=orders,Partition=3,Replica=2]`, the way Kafka prints a PartitionAndReplica. */
export function replicaString(r: PartitionReplica): string {
  return `[Topic=${r.tp.topic},Partition=${r.tp.partition},Replica=${r.replica}]`;
}

/** A map from topic-partition to V. */
export class TpMap<V> {
  private readonly topics = new Map<string, Map<number, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(tp: TopicPartition): V | undefined {
    return this.topics.get(tp.topic)?.get(tp.partition);
  }

  has(tp: TopicPartition): boolean {
    return this.topics.get(tp.topic)?.has(tp.partition) ?? false;
  }

  set(tp: TopicPartition, value: V): this {
    let partitions = this.topics.get(tp.topic);
    if (partitions === undefined) {
      partitions = new Map();
      this.topics.set(tp.topic, partitions);
    }
    if (!partitions.has(tp.partition)) this.count += 1;
    partitions.set(tp.partition, value);
    return this;
  }

  delete(tp: TopicPartition): boolean {
    const partitions = this.topics.get(tp.topic);
    if (partitions === undefined || !partitions.delete(tp.partition)) return false;
    this.count -= 1;
    if (partitions.size === 0) this.topics.delete(tp.topic);
    return true;
  }

  /** Removes every partition of `topic`. */
  deleteTopic(topic: string): void {
    const partitions = this.topics.get(topic);
    if (partitions === undefined) return;
    this.count -= partitions.size;
    this.topics.delete(topic);
  }

  clear(): void {
    this.topics.clear();
    this.count = 0;
  }

  /** The entries of one topic, as [partition, value]. */
  topicEntries(topic: string): Array<[number, V]> {
    return [...(this.topics.get(topic) ?? new Map<number, V>())];
  }

  *entries(): IterableIterator<[TopicPartition, V]> {
    for (const [topic, partitions] of this.topics) {
      for (const [partition, value] of partitions) yield [{ topic, partition }, value];
    }
  }

  *keys(): IterableIterator<TopicPartition> {
    for (const [tp] of this.entries()) yield tp;
  }

  *values(): IterableIterator<V> {
    for (const partitions of this.topics.values()) yield* partitions.values();
  }

  [Symbol.iterator](): IterableIterator<[TopicPartition, V]> {
    return this.entries();
  }
}
