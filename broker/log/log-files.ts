/**
 * Names of the files and directories of Kafka's log layout, and the topic-partition naming of
 * partition directories.
 *
 *   <log.dir>/
 *     meta.properties                      broker id and cluster id (meta-properties.ts)
 *     recovery-point-offset-checkpoint     `topic partition offset` per log (checkpoint-file.ts)
 *     replication-offset-checkpoint        high watermarks, same format
 *     log-start-offset-checkpoint          log start offsets, same format
 *     cleaner-offset-checkpoint            where each compacted log's dirty section starts
 *     .kafka_cleanshutdown                 empty file, present only after a clean shutdown
 *     <topic>-<partition>/
 *       00000000000000000000.log           record batches (log-segment.ts)
 *       00000000000000000000.index         offset index (offset-index.ts)
 *       00000000000000000000.timeindex     time index (time-index.ts)
 *       leader-epoch-checkpoint            epoch start offsets (leader-epoch-cache.ts)
 *     <topic>-<partition>.<uuid>-delete/   a deleted partition, removed after a delay
 *
 * A segment's files are named by its base offset, zero-padded to 20 digits. A file being deleted
 * carries the extra suffix `.deleted` until it is removed. The log cleaner writes a cleaned
 * segment under the suffix `.cleaned`, renames it to `.swap` once it is complete and flushed, and
 * drops the suffix once the segments it replaces are gone (log.ts, `replaceSegments`).
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { SamsaError } from '../../client/errors';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
export const DELETED_FILE_SUFFIX = '.deleted';
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';
export const DELETE_DIR_SUFFIX = '-delete';
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT_FILE = 'replication-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT_FILE = 'cleaner-offset-checkpoint';
export const META_PROPERTIES_FILE = 'meta.properties';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** `topic-3`: the key used for a partition in maps, log prefixes and directory names. */
export function topicPartitionName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** The 20-digit zero-padded base offset that names a segment's files. */
export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function logFileName(dir: string, baseOffset: number): string {
  return path.join(dir, filenamePrefixFromOffset(baseOffset) + LOG_FILE_SUFFIX);
}

export function offsetIndexFileName(dir: string, baseOffset: number): string {
  return path.join(dir, filenamePrefixFromOffset(baseOffset) + INDEX_FILE_SUFFIX);
}

export function timeIndexFileName(dir: string, baseOffset: number): string {
  return path.join(dir, filenamePrefixFromOffset(baseOffset) + TIME_INDEX_FILE_SUFFIX);
}

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;

/** The base offset and kind of a segment file name, or undefined for any other name. */
export function parseSegmentFileName(
  name: string,
): { baseOffset: number; kind: 'log' | 'index' | 'timeindex' } | undefined {
  const match = SEGMENT_FILE.exec(name);
  if (!match) return undefined;
  return { baseOffset: Number(match[1]), kind: match[2] as 'log' | 'index' | 'timeindex' };
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * The partition a log directory holds: `<topic>-<partition>`, split at the last dash. Throws for
 * a name that is not a partition directory.
 */
export function parseTopicPartitionName(dirName: string): TopicPartition {
  const dash = dirName.lastIndexOf('-');
  const topic = dirName.slice(0, Math.max(dash, 0));
  const partitionText = dirName.slice(dash + 1);
  if (dash <= 0 || !/^\d+$/.test(partitionText) || !LEGAL_TOPIC.test(topic)) {
    throw new SamsaError(
      `Found directory ${dirName}, '${dirName}' is not in the form of topic-partition`,
    );
  }
  return { topic, partition: Number(partitionText) };
}

/** The name a partition directory gets while it waits to be removed (Kafka's `logDeleteDirName`). */
export function deleteDirName(tp: TopicPartition): string {
  return `${topicPartitionName(tp)}.${randomUUID().replace(/-/g, '')}${DELETE_DIR_SUFFIX}`;
}
