/**
 * Choosing a message's partition, as Kafka's producer does:
 *
 * 1. an explicit `partition` wins (it must exist);
 * 2. a message with a key goes to `toPositive(murmur2(keyBytes)) % numPartitions` over ALL the
 *    topic's partitions (Kafka's DefaultPartitioner), so a key lands on the same partition number
 *    as with Kafka's Java client, whether that partition has a leader or not;
 * 3. a message without a key goes to the topic's "sticky" partition (Kafka 2.4+, KIP-480): every
 *    keyless message sticks to one partition, picked at random among those with a leader, until a
 *    batch of that partition is closed (full, or taken by the sender); then another partition is
 *    picked (a different one when there is a choice). Keyless messages thus fill whole batches
 *    instead of spreading one record per partition, and over time spread evenly.
 *
 * A custom partitioner can replace steps 2 and 3: `createPartitioner: () => ({ topic,
 * partitionMetadata, message }) => partitionNumber` (KafkaJS's signature).
 */
import { SamsaError } from '../errors';
import type { PartitionMetadata, TopicMetadata } from '../cluster/metadata';
import { partitionForKey } from '../record';
import type { Message } from './messages';

export interface PartitionerArgs {
  readonly topic: string;
  readonly partitionMetadata: readonly PartitionMetadata[];
  readonly message: Message;
}

/** Returns the partition of a message. */
export type Partitioner = (args: PartitionerArgs) => number;

/** Creates a partitioner, once per producer (KafkaJS's `createPartitioner`). */
export type PartitionerFactory = () => Partitioner;

/** Kafka's default partitioning: murmur2 for keys, sticky partitions without a key. */
export class DefaultPartitioner {
  private readonly sticky = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  /** The partition for a message with `key` (null: none) on a topic with `metadata`. */
  partition(metadata: TopicMetadata, key: Buffer | null): number {
    if (key !== null) return partitionForKey(key, metadata.partitions.length);
    const current = this.sticky.get(metadata.name);
    if (current !== undefined && current < metadata.partitions.length) return current;
    return this.pick(metadata, undefined);
  }

  /** A batch of `partition` was closed: keyless messages of the topic move on if it was sticky. */
  onBatchClosed(metadata: TopicMetadata | undefined, partition: number): void {
    if (metadata === undefined || this.sticky.get(metadata.name) !== partition) return;
    this.pick(metadata, partition);
  }

  private pick(metadata: TopicMetadata, previous: number | undefined): number {
    const partitions = metadata.partitions;
    const available: number[] = [];
    for (const partition of partitions) {
      if (partition.leader >= 0 && partition.partitionId !== previous) {
        available.push(partition.partitionId);
      }
    }
    let chosen: number;
    if (available.length > 0) {
      chosen = available[Math.floor(this.random() * available.length)];
    } else if (previous !== undefined && partitions.some((p) => p.partitionId === previous)) {
      chosen = previous;
    } else {
      chosen = Math.floor(this.random() * partitions.length);
    }
    this.sticky.set(metadata.name, chosen);
    return chosen;
  }
}

/** Checks what a custom partitioner returned. */
export function checkedPartition(topic: string, partition: unknown, count: number): number {
  if (typeof partition !== 'number' || !Number.isInteger(partition)) {
    throw new SamsaError(
      `the partitioner returned ${String(partition)} for topic ${topic}: expected a partition number`,
    );
  }
  if (partition < 0 || partition >= count) {
    throw new SamsaError(
      `partition ${partition} of topic ${topic} does not exist: it has ${count} partitions (0..${count - 1})`,
    );
  }
  return partition;
}
