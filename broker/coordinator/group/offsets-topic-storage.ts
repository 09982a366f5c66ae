/**
 * How the group coordinator reaches `__consumer_offsets`: it appends batches as the partition's
 * leader and reads a partition's log back when it becomes that leader. `replicaManagerStorage`
 * does both through the broker's ReplicaManager (appends wait for offsets.commit.required.acks,
 * up to offsets.commit.timeout.ms, like a producer's); tests give an in-memory log instead.
 */
import type { ErrorName } from '../../../client/protocol/error-codes';
import type { ReplicaManager } from '../../replica/replica-manager';
import { GROUP_METADATA_TOPIC_NAME } from './group-partition';

export interface OffsetsTopicAppendResult {
  readonly error: ErrorName;
  /** Log offset of the batch's first record; -1 on error. */
  readonly baseOffset: number;
}

/** A partition's local log as the leader sees it. */
export interface OffsetsPartitionLog {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /**
   * Whole batches from the one holding `offset`, about `maxBytes` of them (at least one batch,
   * however large); empty at the log end.
   */
  read(offset: number, maxBytes: number): Promise<Buffer>;
}

export interface OffsetsTopicStorage {
  /** Appends one record batch to partition `partition` as its leader. */
  append(
    partition: number,
    batch: Buffer,
    requiredAcks: number,
    timeoutMs: number,
  ): Promise<OffsetsTopicAppendResult>;
  /** The partition's log when this broker leads it; undefined otherwise. */
  leaderLog(partition: number): OffsetsPartitionLog | undefined;
}

/** `__consumer_offsets` through the broker's ReplicaManager. */
export function replicaManagerStorage(replicaManager: ReplicaManager): OffsetsTopicStorage {
  return {
    async append(partition, batch, requiredAcks, timeoutMs) {
      const [result] = await replicaManager.appendRecords({
        timeoutMs,
        requiredAcks,
        entries: [
          { topicPartition: { topic: GROUP_METADATA_TOPIC_NAME, partition }, records: batch },
        ],
      });
      return { error: result.error, baseOffset: result.baseOffset };
    },
    leaderLog(partition) {
      const hosted = replicaManager.getPartition({ topic: GROUP_METADATA_TOPIC_NAME, partition });
      const log = hosted?.isLeader ? hosted.localLogOrUndefined : undefined;
      if (log === undefined) return undefined;
      return {
        get logStartOffset() {
          return log.logStartOffset;
        },
        get logEndOffset() {
          return log.logEndOffset;
        },
        read: async (offset, maxBytes) =>
          (await log.read(offset, maxBytes, { minOneBatch: true })).records,
      };
    },
  };
}
