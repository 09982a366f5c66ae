/**
 * A committed offset as the coordinator keeps it (Kafka's OffsetAndMetadata and
 * CommitRecordMetadataAndOffset), and the key of one group's offsets by topic partition.
 */

/** What a commit stores for one partition. */
export interface OffsetAndMetadata {
  /** The next offset to read. */
  readonly offset: number;
  /** Leader epoch of the last consumed record; -1 when unknown. */
  readonly leaderEpoch: number;
  /** The client's metadata string ("" when none). */
  readonly metadata: string;
  /** When the coordinator accepted the commit (ms since the epoch). */
  readonly commitTimestamp: number;
  /** Only from OffsetCommitValue v1 records (old clients' per-commit retention); else undefined. */
  readonly expireTimestamp?: number;
}

/** A committed offset with the log offset of the batch that stored it (undefined: not yet). */
export interface CommitRecordMetadataAndOffset {
  readonly appendedBatchOffset: number | undefined;
  readonly offsetAndMetadata: OffsetAndMetadata;
}

/** One partition of a consumed topic. */
export interface GroupTopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A map key for a topic partition (NUL cannot appear in a topic name). */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** The topic partition of a key made by topicPartitionKey. */
export function parseTopicPartitionKey(key: string): GroupTopicPartition {
  const at = key.lastIndexOf('\u0000');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
