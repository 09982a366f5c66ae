/**
 * Leader appends made as one (group commit): produce requests for a partition that arrive while
 * the previous append to it is being written wait for it, then go to the log together — their
 * records concatenated, in arrival order, validated and written by one Log.appendAsLeader, which
 * assigns their offsets one after the other exactly as separate appends would have. One write
 * instead of one per request, where each write is a thread-pool round trip.
 *
 * `splitAppendInfo` then gives each request the LogAppendInfo it would have had alone, read from
 * the headers of its own batches in the appended (offset-stamped) bytes: first and last offset,
 * batch and record counts, bytes, largest timestamp and the last offset of the batch holding it.
 * A request without batches gets what an empty append answers: the log end offset at its place
 * as first offset and one less as last offset.
 */
import {
  BASE_OFFSET_OFFSET,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  RECORD_COUNT_OFFSET,
  readInt64,
} from '../../client/record/batch-header';
import type { LogAppendInfo } from '../log/log';

/**
 * The LogAppendInfo of each part of a grouped append: `appended` holds the parts' records one
 * after the other, `sizes[i]` bytes for part i, as the log stamped them; `group` is the append's
 * own info.
 */
export function splitAppendInfo(
  group: LogAppendInfo,
  appended: Buffer,
  sizes: readonly number[],
): LogAppendInfo[] {
  const infos: LogAppendInfo[] = [];
  let position = 0;
  let nextOffset = group.batchCount > 0 ? group.firstOffset : group.lastOffset + 1;
  for (const size of sizes) {
    const end = position + size;
    const firstOffset = nextOffset;
    let batchCount = 0;
    let recordCount = 0;
    let maxTimestamp = -1;
    let offsetOfMaxTimestamp = -1;
    while (position < end) {
      const baseOffset = readInt64(appended, position + BASE_OFFSET_OFFSET);
      const lastOffset = baseOffset + appended.readInt32BE(position + LAST_OFFSET_DELTA_OFFSET);
      const batchMaxTimestamp = readInt64(appended, position + MAX_TIMESTAMP_OFFSET);
      if (batchMaxTimestamp > maxTimestamp) {
        maxTimestamp = batchMaxTimestamp;
        offsetOfMaxTimestamp = lastOffset;
      }
      batchCount++;
      recordCount += appended.readInt32BE(position + RECORD_COUNT_OFFSET);
      nextOffset = lastOffset + 1;
      position += LOG_OVERHEAD + appended.readInt32BE(position + BATCH_LENGTH_OFFSET);
    }
    infos.push({
      firstOffset,
      lastOffset: nextOffset - 1,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTime: group.logAppendTime,
      logStartOffset: group.logStartOffset,
      batchCount,
      recordCount,
      validBytes: size,
    });
  }
  return infos;
}
