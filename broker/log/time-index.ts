/**
 * A segment's time index: `<base offset>.timeindex`, Kafka's sparse map from timestamps to
 * offsets, used to answer ListOffsets by timestamp and to know a segment's largest timestamp.
 *
 * File format (Kafka's, byte for byte): a sequence of 12-byte entries, no header, no checksum:
 *
 *    0  timestamp       int64 BE   the largest timestamp seen in the segment up to the offset
 *    8  relativeOffset  int32 BE   offset - baseOffset: where that timestamp was seen
 *
 * Timestamps strictly increase and offsets never decrease. An entry is added next to each
 * offset-index entry when the segment's largest timestamp so far has grown, and once more when
 * the segment rolls or closes, so the last entry always carries the segment's largest
 * timestamp. As in Kafka, the last slot of the file is kept for that final entry: the index
 * counts as full one entry early. The active segment's file is preallocated and trimmed on
 * roll; see abstract-index.ts.
 */
import type { FileHandle } from 'node:fs/promises';
import { AbstractIndex, loadIndexFile } from './abstract-index';
import { readInt64, writeInt64 } from '../../client/record/batch-header';
import { KafkaError } from '../../client/errors';

export const TIME_INDEX_ENTRY_SIZE = 12;
/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex extends AbstractIndex {
  /**
   * Opens the index file (creating it empty if missing) and reads its entries. With a
   * maxIndexSize above 0 (the active segment), the file is preallocated to that size.
   */
  static async open(file: string, baseOffset: number, maxIndexSize: number): Promise<TimeIndex> {
    const { fh, contents, created } = await loadIndexFile(file);
    const index = new TimeIndex(file, baseOffset, fh, { contents, created }, maxIndexSize);
    if (maxIndexSize > 0) index.resize(maxIndexSize);
    return index;
  }

  private constructor(
    file: string,
    baseOffset: number,
    fh: FileHandle,
    loaded: { contents: Buffer; created: boolean },
    maxIndexSize: number,
  ) {
    super(file, baseOffset, fh, TIME_INDEX_ENTRY_SIZE, loaded, maxIndexSize);
  }

  private timestampAt = (slot: number): number =>
    readInt64(this.entryBytes, slot * TIME_INDEX_ENTRY_SIZE);

  private relativeOffsetAt = (slot: number): number =>
    this.entryBytes.readInt32BE(slot * TIME_INDEX_ENTRY_SIZE + 8);

  entry(slot: number): TimestampOffset {
    return {
      timestamp: this.timestampAt(slot),
      offset: this.baseOffset + this.relativeOffsetAt(slot),
    };
  }

  /** The last entry, or (NO_TIMESTAMP, baseOffset) when the index is empty. */
  lastEntry(): TimestampOffset {
    return this.entries === 0
      ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset }
      : this.entry(this.entries - 1);
  }

  /** Full one entry early: the last slot is kept for the entry written on roll. */
  override isFull(): boolean {
    return this.entries >= this.maxEntries - 1;
  }

  /**
   * The entry with the largest timestamp <= targetTimestamp, or (NO_TIMESTAMP, baseOffset) when
   * every entry is later: where to start looking for the first record at or after the target.
   */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.largestLowerBoundSlot(targetTimestamp, this.timestampAt);
    return slot < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(slot);
  }

  /**
   * Adds (timestamp, offset) when timestamp is larger than the last entry's. `skipFullCheck`
   * lets the final entry of a rolling segment use the slot kept for it.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull()) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `attempt to append to a full time index ${this.file}`,
      );
    }
    const last = this.lastEntry();
    if (this.entries > 0 && offset < last.offset) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `Attempt to append an offset (${offset}) to slot ${this.entries} no larger than the ` +
          `last offset appended (${last.offset}) to ${this.file}.`,
      );
    }
    if (this.entries > 0 && timestamp < last.timestamp) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `Attempt to append a timestamp (${timestamp}) to slot ${this.entries} no larger than ` +
          `the last timestamp appended (${last.timestamp}) to ${this.file}.`,
      );
    }
    if (timestamp <= last.timestamp) return;
    if (this.entries >= this.maxEntries) return;
    const relative = offset - this.baseOffset;
    this.appendEntry((buf, at) => {
      writeInt64(buf, timestamp, at);
      buf.writeInt32BE(relative, at + 8);
    });
  }

  /** Removes every entry whose offset is >= offset. */
  truncateTo(offset: number): void {
    const slot = this.largestLowerBoundSlot(offset - this.baseOffset, this.relativeOffsetAt);
    if (slot < 0) this.truncateToEntries(0);
    else if (this.relativeOffsetAt(slot) === offset - this.baseOffset) {
      // Several entries may share this offset: cut before the first of them.
      let first = slot;
      while (first > 0 && this.relativeOffsetAt(first - 1) === offset - this.baseOffset) first--;
      this.truncateToEntries(first);
    } else this.truncateToEntries(slot + 1);
  }

  /**
   * Why this index cannot be trusted, or undefined when it looks sound: a length that is not
   * whole entries, timestamps that do not strictly increase (which includes the zeros of a
   * preallocated file that was never trimmed), offsets that decrease or fall below the base.
   */
  problem(): string | undefined {
    if (this.fileLengthOnOpen % TIME_INDEX_ENTRY_SIZE !== 0) {
      return `time index file ${this.file} has size ${this.fileLengthOnOpen}, not a multiple of ${TIME_INDEX_ENTRY_SIZE}`;
    }
    let previousTimestamp = -Infinity;
    let previousOffset = 0;
    for (let slot = 0; slot < this.entries; slot++) {
      const timestamp = this.timestampAt(slot);
      const relative = this.relativeOffsetAt(slot);
      if (timestamp <= previousTimestamp || relative < previousOffset) {
        return `time index file ${this.file} has entries out of order at slot ${slot}`;
      }
      previousTimestamp = timestamp;
      previousOffset = relative;
    }
    return undefined;
  }
}
