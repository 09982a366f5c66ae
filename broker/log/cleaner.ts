/**
 * One cleaning of one compacted log (Kafka 2.8's Cleaner): the work a log cleaner thread does
 * once LogCleanerManager has chosen the log.
 *
 * 1. **Offset map.** The records of the dirty section, [first dirty offset, first uncleanable
 *    offset), are read in order and each key's latest offset is put in an OffsetMap bounded by
 *    the thread's share of `log.cleaner.dedupe.buffer.size`. The end offset of the cleaning is
 *    the first uncleanable offset; when the map fills first, cleaning covers only the batches
 *    mapped completely, and the end offset is the last offset of the last of them, plus one.
 * 2. **Rewrite.** Every segment below the end offset, from the start of the log (the clean part
 *    too: newer keys may supersede its records), is rewritten, in groups of consecutive segments
 *    whose sizes add up to at most `segment.bytes` and whose indexes to at most
 *    `segment.index.bytes` (and whose offsets fit one segment), each group into one new segment
 *    with the base offset of its first. A record stays when its offset is past the map's end, or
 *    when it is the latest of its key and either has a value or is a tombstone (null value) that
 *    must still be kept: tombstones stay while their segment's last-modified time is after the
 *    delete horizon, the last-modified time of the last segment below the dirty section minus
 *    `delete.retention.ms` (Kafka's rule: a tombstone lives at least delete.retention.ms after
 *    the cleaning that first left it in the clean section). Records without a key go. Offsets are
 *    never changed (batch-filter.ts keeps what a batch says about itself).
 * 3. **Swap.** A group is written to `<base>.log.cleaned` (and `.index.cleaned`,
 *    `.timeindex.cleaned`), flushed, given the last-modified time of the group's last segment,
 *    and swapped in by `Log.replaceSegments` (crash-safe, see log.ts).
 * The cleaner checkpoint then moves to the end offset (log-cleaner-manager.ts).
 *
 * Reads go through buffers of `log.cleaner.io.buffer.size` divided among the threads and
 * halved (a read and a write buffer each, as Kafka splits it), grown for a batch larger than
 * that. Between buffers the cleaner checks whether its cleaning was aborted and yields to the
 * event loop (`setImmediate`), so a broker keeps serving requests while a large log is cleaned;
 * compression and file I/O run on libuv's thread pool.
 */
import { KafkaError, SamsaError } from '../../client/errors';
import { type Logger, logger } from '../../client/logging';
import {
  BATCH_LENGTH_OFFSET,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  isControlBatch,
  readBatchHeader,
} from '../../client/record/batch-header';
import { type BatchInfo, completeBatches, forEachBatch } from './batch-scanner';
import { type RetainPredicate, filterBatch } from './batch-filter';
import { type Log, LogCleaningAbortedError } from './log';
import { type TopicPartition, topicPartitionName } from './log-files';
import type { LogSegment } from './log-segment';
import { segmentsInRange } from './log-cleaner-manager';
import { OffsetMap } from './offset-map';
import { RecordCursor, recordsSection } from './record-cursor';

const INT32_MAX = 0x7fff_ffff;

export interface CleanerOptions {
  /** Memory of this cleaner's offset map (log.cleaner.dedupe.buffer.size / threads). */
  dedupeBufferSize: number;
  /** Size of the read buffer (log.cleaner.io.buffer.size / threads / 2). */
  ioBufferSize: number;
  /** Whether the cleaning of a log was asked to stop (a truncation or deletion). */
  isAborted: (tp: TopicPartition) => boolean;
  /** Called after each step of a segment swap and of writing a cleaned segment (crash tests). */
  onStep?: (step: string) => Promise<void>;
}

/** What a cleaning did. */
export interface CleanerStats {
  /** Bytes read to build the offset map, and records seen there. */
  mapBytesRead: number;
  mapRecordsRead: number;
  /** Bytes of the segments rewritten, and of what was written in their place. */
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  /** Records dropped for having no key. */
  invalidRecords: number;
  mapMs: number;
  cleanMs: number;
  /** How full the offset map ended (0..1). */
  mapUtilization: number;
}

export interface CleaningResult {
  /** Everything below it is clean now: the next cleaning's first dirty offset. */
  endOffset: number;
  stats: CleanerStats;
}

/** What to clean: a log, where its dirty section starts, and where cleaning must stop. */
export interface CleaningRange {
  log: Log;
  firstDirtyOffset: number;
  /** A segment base offset: cleaning covers only segments below it. */
  firstUncleanableOffset: number;
}

/**
 * Groups consecutive segments for rewriting (Kafka's groupSegmentsBySize): each group's sizes
 * add up to at most maxSize, its index sizes to at most maxIndexSize, and its offsets fit in
 * one segment (relative offsets are 32-bit).
 */
export function groupSegmentsBySize(
  segments: readonly LogSegment[],
  maxSize: number,
  maxIndexSize: number,
  firstUncleanableOffset: number,
): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]];
    let logSize = segments[i].size;
    let indexSize = segments[i].offsetIndex.sizeInBytes;
    let timeIndexSize = segments[i].timeIndex.sizeInBytes;
    i++;
    while (i < segments.length) {
      const next = segments[i];
      const lastOffset =
        i + 1 < segments.length ? segments[i + 1].baseOffset - 1 : firstUncleanableOffset - 1;
      const fits =
        logSize + next.size <= maxSize &&
        indexSize + next.offsetIndex.sizeInBytes <= maxIndexSize &&
        timeIndexSize + next.timeIndex.sizeInBytes <= maxIndexSize &&
        (next.size === 0 || lastOffset - group[0].baseOffset <= INT32_MAX);
      if (!fits) break;
      group.push(next);
      logSize += next.size;
      indexSize += next.offsetIndex.sizeInBytes;
      timeIndexSize += next.timeIndex.sizeInBytes;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

/** Gives the event loop a turn (pending network and timer callbacks run). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Reads a segment's batches from `position` to its end, a buffer of complete batches at a time
 * (about `bufferSize` bytes, or one batch when a batch is larger), calling `visit` with each
 * buffer and its batches (positions within the buffer); `visit` returning true stops the walk.
 */
async function forEachChunk(
  segment: LogSegment,
  position: number,
  bufferSize: number,
  visit: (chunk: Buffer, batches: BatchInfo[]) => Promise<boolean | void>,
): Promise<void> {
  const end = segment.size;
  let pos = position;
  while (pos < end) {
    let chunk = await segment.readAt(pos, Math.min(bufferSize, end - pos));
    let { length } = completeBatches(chunk);
    if (length === 0) {
      const size =
        chunk.length >= LOG_OVERHEAD ? LOG_OVERHEAD + chunk.readInt32BE(BATCH_LENGTH_OFFSET) : 0;
      if (size < RECORD_BATCH_OVERHEAD || size > end - pos) {
        throw new KafkaError(
          'CORRUPT_MESSAGE',
          `segment ${segment.file} holds no complete batch at position ${pos}`,
        );
      }
      chunk = await segment.readAt(pos, size);
      length = completeBatches(chunk).length;
      if (length !== size) {
        throw new KafkaError(
          'CORRUPT_MESSAGE',
          `segment ${segment.file}: the batch at position ${pos} could not be read whole`,
        );
      }
    }
    const complete = chunk.subarray(0, length);
    const batches: BatchInfo[] = [];
    forEachBatch(complete, (batch) => batches.push(batch));
    if ((await visit(complete, batches)) === true) return;
    pos += length;
  }
}

function emptyStats(): CleanerStats {
  return {
    mapBytesRead: 0,
    mapRecordsRead: 0,
    bytesRead: 0,
    bytesWritten: 0,
    recordsRead: 0,
    recordsRetained: 0,
    invalidRecords: 0,
    mapMs: 0,
    cleanMs: 0,
    mapUtilization: 0,
  };
}

const MB = 1024 * 1024;

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

export class Cleaner {
  private offsetMap: OffsetMap | undefined;
  private readonly log: Logger;

  constructor(
    readonly id: number,
    private readonly options: CleanerOptions,
  ) {
    this.log = logger(`kafka-log-cleaner-thread-${id}`);
  }

  /** The offset map, allocated at the first cleaning (it grows within its bound as needed). */
  private get map(): OffsetMap {
    this.offsetMap ??= new OffsetMap(this.options.dedupeBufferSize);
    return this.offsetMap;
  }

  /**
   * Cleans `range.log` (see the top of this file). Throws LogCleaningAbortedError when the
   * cleaning was aborted; the segments already swapped in stay (they are complete).
   */
  async clean(range: CleaningRange): Promise<CleaningResult> {
    try {
      return await this.doClean(range);
    } finally {
      // Give back the memory the map grew into until the next cleaning.
      this.map.clear();
    }
  }

  private async doClean(range: CleaningRange): Promise<CleaningResult> {
    const { log, firstDirtyOffset, firstUncleanableOffset } = range;
    const name = topicPartitionName(log.topicPartition);
    const stats = emptyStats();
    const started = performance.now();
    this.log.info(`Beginning cleaning of log ${name}`);

    const below = segmentsInRange(log.logSegments(), 0, firstDirtyOffset);
    const lastClean = below[below.length - 1];
    const deleteHorizonMs =
      lastClean !== undefined ? lastClean.lastModified - log.config.deleteRetentionMs : 0;

    this.log.info(`Building offset map for ${name}...`);
    const full = await this.buildOffsetMap(log, firstDirtyOffset, firstUncleanableOffset, stats);
    // A full map covers up to its last whole batch; otherwise the whole cleanable range is mapped.
    const endOffset = full
      ? this.map.latestOffset + 1
      : Math.max(firstUncleanableOffset, firstDirtyOffset);
    stats.mapUtilization = this.map.utilization;
    stats.mapMs = performance.now() - started;
    if (endOffset <= firstDirtyOffset && full) {
      throw new SamsaError(
        `cannot clean ${name}: the offset map cannot hold the keys of the batch at offset ${firstDirtyOffset}; ` +
          `increase log.cleaner.dedupe.buffer.size or decrease log.cleaner.threads`,
      );
    }

    this.log.info(
      `Cleaning log ${name} (cleaning prior to ${endOffset}, discarding tombstones prior to ${deleteHorizonMs})...`,
    );
    const groups = groupSegmentsBySize(
      segmentsInRange(log.logSegments(), 0, endOffset),
      log.config.segmentBytes,
      log.config.segmentIndexBytes,
      firstUncleanableOffset,
    );
    for (const group of groups) await this.cleanSegments(log, group, deleteHorizonMs, stats);
    stats.cleanMs = performance.now() - started - stats.mapMs;
    this.logStats(name, firstDirtyOffset, endOffset, stats);
    return { endOffset, stats };
  }

  private checkDone(tp: TopicPartition): void {
    if (this.options.isAborted(tp)) {
      throw new LogCleaningAbortedError(`the cleaning of ${topicPartitionName(tp)} was aborted`);
    }
  }

  /**
   * Maps each key of [start, end) to its latest offset, stopping when the map is full; resolves
   * to whether it filled.
   */
  private async buildOffsetMap(
    log: Log,
    start: number,
    end: number,
    stats: CleanerStats,
  ): Promise<boolean> {
    const map = this.map;
    map.clear();
    for (const segment of segmentsInRange(log.logSegments(), start, end)) {
      this.checkDone(log.topicPartition);
      if (await this.mapSegment(log, segment, start, end, stats)) {
        this.log.debug(
          `Offset map is full, segment with base offset ${segment.baseOffset} is partially mapped`,
        );
        return true;
      }
    }
    return false;
  }

  /** Maps one segment's records from `start`; true when the map filled up. */
  private async mapSegment(
    log: Log,
    segment: LogSegment,
    start: number,
    end: number,
    stats: CleanerStats,
  ): Promise<boolean> {
    const map = this.map;
    let position = 0;
    if (segment.baseOffset < start) {
      const first = await segment.translateOffset(start);
      if (!first) return false;
      position = first.position;
    }
    let full = false;
    await forEachChunk(segment, position, this.options.ioBufferSize, async (chunk, batches) => {
      this.checkDone(log.topicPartition);
      for (const info of batches) {
        if (info.baseOffset >= end) return true;
        const batch = chunk.subarray(info.position, info.position + info.size);
        const header = readBatchHeader(batch);
        if (!isControlBatch(header.attributes)) {
          const section = await recordsSection(batch, header);
          // Room for every record's key, at most the whole section: grown without blocking.
          if (map.needsGrowth(header.recordCount, section.length)) {
            await map.grow(header.recordCount, section.length);
          }
          const cursor = new RecordCursor(
            section,
            header.recordCount,
            () => `${segment.file}, batch at offset ${header.baseOffset}`,
          );
          while (cursor.next()) {
            stats.mapRecordsRead++;
            const offset = header.baseOffset + cursor.offsetDelta;
            if (offset < start || cursor.keyLength < 0) continue;
            if (!map.put(section, cursor.keyStart, cursor.keyLength, offset)) {
              full = true;
              return true;
            }
          }
        }
        if (info.lastOffset >= start) map.updateLatestOffset(info.lastOffset);
        stats.mapBytesRead += info.size;
      }
      await yieldToEventLoop();
      return false;
    });
    return full;
  }

  /** Rewrites one group of segments into one cleaned segment and swaps it in. */
  private async cleanSegments(
    log: Log,
    group: readonly LogSegment[],
    deleteHorizonMs: number,
    stats: CleanerStats,
  ): Promise<void> {
    const name = topicPartitionName(log.topicPartition);
    const cleaned = await log.createCleanedSegment(group[0].baseOffset);
    const step = async (what: string): Promise<void> => {
      await this.options.onStep?.(what);
    };
    let swapping = false;
    try {
      await step('cleaned segment created');
      for (const segment of group) {
        const retainDeletes = segment.lastModified > deleteHorizonMs;
        this.log.info(
          `Cleaning segment ${segment.baseOffset} in log ${name} (largest timestamp ${segment.largestTimestamp}) ` +
            `into ${cleaned.baseOffset}, ${retainDeletes ? 'retaining' : 'discarding'} deletes.`,
        );
        await this.cleanInto(log, segment, cleaned, retainDeletes, stats, step);
      }
      cleaned.onBecomeInactiveSegment();
      await cleaned.flush();
      await cleaned.setLastModified(group[group.length - 1].lastModified);
      await step('cleaned segment flushed');
      this.log.info(
        `Swapping in cleaned segment ${cleaned.baseOffset} for segment(s) ${group.map((s) => s.baseOffset).join(',')} in log ${name}`,
      );
      swapping = true;
      await log.replaceSegments(cleaned, group, {
        isAborted: () => this.options.isAborted(log.topicPartition),
        onStep: this.options.onStep,
      });
    } catch (err) {
      // Before the swap began (or when it refused to begin) the cleaned files are just dropped;
      // a swap that failed part-way is left for the next start of the log to complete.
      if (!swapping || err instanceof LogCleaningAbortedError) {
        await cleaned.deleteFiles().catch((deleteErr: unknown) => {
          this.log.warn(
            `Could not remove cleaned segment ${cleaned.file}: ${(deleteErr as Error).message}`,
          );
        });
      }
      throw err;
    }
  }

  /** Copies the records of `source` that stay into `dest`, a read buffer at a time. */
  private async cleanInto(
    log: Log,
    source: LogSegment,
    dest: LogSegment,
    retainDeletes: boolean,
    stats: CleanerStats,
    step: (what: string) => Promise<void>,
  ): Promise<void> {
    const map = this.map;
    const latest = map.latestOffset;
    const retain: RetainPredicate = (cursor, offset) => {
      if (offset > latest) return true;
      if (cursor.keyLength < 0) {
        stats.invalidRecords++;
        return false;
      }
      const found = map.get(cursor.data, cursor.keyStart, cursor.keyLength);
      return offset >= found && (cursor.valueLength >= 0 || retainDeletes);
    };
    await forEachChunk(source, 0, this.options.ioBufferSize, async (chunk, batches) => {
      this.checkDone(log.topicPartition);
      const kept: Buffer[] = [];
      for (const info of batches) {
        const result = await filterBatch(
          chunk.subarray(info.position, info.position + info.size),
          retain,
        );
        stats.recordsRead += result.recordsRead;
        stats.recordsRetained += result.recordsRetained;
        if (result.batch) kept.push(result.batch);
      }
      stats.bytesRead += chunk.length;
      if (kept.length > 0) {
        const out = kept.length === 1 ? kept[0] : Buffer.concat(kept);
        await dest.appendBatches(out);
        stats.bytesWritten += out.length;
        await step('cleaned batches appended');
      }
      await yieldToEventLoop();
    });
  }

  private logStats(name: string, start: number, end: number, stats: CleanerStats): void {
    const seconds = (stats.mapMs + stats.cleanMs) / 1000;
    const reduction =
      stats.bytesRead > 0 ? (100 * (1 - stats.bytesWritten / stats.bytesRead)).toFixed(1) : '0.0';
    this.log.info(
      `Log cleaner thread ${this.id} cleaned log ${name} (dirty section = [${start}, ${end}])\n` +
        `\t${mb(stats.mapBytesRead + stats.bytesRead)} MB of log processed in ${seconds.toFixed(1)} seconds ` +
        `(${(seconds > 0 ? (stats.mapBytesRead + stats.bytesRead) / MB / seconds : 0).toFixed(1)} MB/sec).\n` +
        `\tIndexed ${mb(stats.mapBytesRead)} MB in ${(stats.mapMs / 1000).toFixed(1)} seconds\n` +
        `\tBuffer utilization: ${(100 * stats.mapUtilization).toFixed(1)}%\n` +
        `\tCleaned ${mb(stats.bytesRead)} MB in ${(stats.cleanMs / 1000).toFixed(1)} seconds\n` +
        `\tStart size: ${mb(stats.bytesRead)} MB (${stats.recordsRead} messages)\n` +
        `\tEnd size: ${mb(stats.bytesWritten)} MB (${stats.recordsRetained} messages)\n` +
        `\t${reduction}% size reduction`,
    );
  }
}
