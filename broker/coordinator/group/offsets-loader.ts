/**
 * Reading one `__consumer_offsets` partition back into groups and committed offsets, when this
 * broker becomes its leader (Kafka's GroupMetadataManager.doLoadGroupsAndOffsets).
 *
 * The log is read from its start to its end, `offsets.load.buffer.size` bytes per read (at least
 * one whole batch each). Every record is applied in log order, so the last record of each key
 * wins, as after compaction: an offset record sets (or, as a tombstone, removes) one partition's
 * committed offset; a group record sets (or, as a tombstone, removes) the group's metadata. Each
 * committed offset remembers the offset of its batch's first record (`appendedBatchOffset`),
 * which orders it against commits being written.
 *
 * samsa has no transactions, so there are no transactional offset commits: control batches and
 * transactional batches are skipped with a warning. A record that does not decode (no key, a
 * corrupt key or value, an unknown version) is skipped with an error line naming its offset; the
 * rest of the partition still loads.
 */
import type { Logger } from '../../../client/logging';
import { isControlBatch, isTransactional } from '../../../client/record/batch-header';
import { iterateBatches } from '../../../client/record/batch-validation';
import { decodeRecordBatch } from '../../../client/record/record-batch';
import {
  type GroupMetadataRecord,
  readGroupMetadataValue,
  readMessageKey,
  readOffsetMessageValue,
} from './group-records';
import { type CommitRecordMetadataAndOffset, topicPartitionKey } from './offset-and-metadata';
import type { OffsetsPartitionLog } from './offsets-topic-storage';

export interface LoadedPartition {
  /** The latest metadata of each group whose last group record is not a tombstone. */
  readonly groups: Map<string, GroupMetadataRecord>;
  /** Groups whose last group record is a tombstone. */
  readonly removedGroups: Set<string>;
  /** Committed offsets per group, by topicPartitionKey. */
  readonly offsets: Map<string, Map<string, CommitRecordMetadataAndOffset>>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the whole partition; undefined when `cancelled()` turns true between reads (the
 * partition was unloaded meanwhile).
 */
export async function loadGroupsAndOffsets(
  log: OffsetsPartitionLog,
  loadBufferSize: number,
  cancelled: () => boolean,
  logger: Logger,
): Promise<LoadedPartition | undefined> {
  const loaded: LoadedPartition = {
    groups: new Map(),
    removedGroups: new Set(),
    offsets: new Map(),
  };
  let position = log.logStartOffset;
  let readSomething = true;
  while (position < log.logEndOffset && readSomething) {
    if (cancelled()) return undefined;
    const bytes = await log.read(position, loadBufferSize);
    readSomething = bytes.length > 0;
    for (const { offset, size, header } of iterateBatches(bytes, { allowTruncatedTail: true })) {
      const nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
      if (nextOffset <= position) continue;
      if (isControlBatch(header.attributes) || isTransactional(header.attributes)) {
        logger.warn(
          `Skipping ${isControlBatch(header.attributes) ? 'control' : 'transactional'} batch at offset ` +
            `${header.baseOffset}: samsa writes no transactional offset commits`,
        );
      } else {
        await applyBatch(bytes.subarray(offset, offset + size), header.baseOffset, loaded, logger);
      }
      position = nextOffset;
    }
  }
  return loaded;
}

async function applyBatch(
  batchBytes: Buffer,
  baseOffset: number,
  loaded: LoadedPartition,
  logger: Logger,
): Promise<void> {
  let records;
  try {
    records = (await decodeRecordBatch(batchBytes)).records;
  } catch (error) {
    logger.error(`Skipping undecodable batch at offset ${baseOffset}: ${describe(error)}`);
    return;
  }
  let batchBaseOffset: number | undefined;
  for (const record of records) {
    batchBaseOffset ??= record.offset;
    try {
      if (record.key === null) throw new Error('the record has no key');
      const key = readMessageKey(record.key);
      if (key.kind === 'offset') {
        let groupOffsets = loaded.offsets.get(key.group);
        if (groupOffsets === undefined) {
          groupOffsets = new Map();
          loaded.offsets.set(key.group, groupOffsets);
        }
        const tp = topicPartitionKey(key.topic, key.partition);
        if (record.value === null) {
          groupOffsets.delete(tp);
        } else {
          groupOffsets.set(tp, {
            appendedBatchOffset: batchBaseOffset,
            offsetAndMetadata: readOffsetMessageValue(record.value),
          });
        }
      } else if (record.value === null) {
        loaded.groups.delete(key.group);
        loaded.removedGroups.add(key.group);
      } else {
        loaded.groups.set(key.group, readGroupMetadataValue(record.value));
        loaded.removedGroups.delete(key.group);
      }
    } catch (error) {
      logger.error(`Skipping record at offset ${record.offset}: ${describe(error)}`);
    }
  }
}
