/**
 * A segment's offset index: `<base offset>.index`, Kafka's sparse map from offsets to file
 * positions in the segment's `.log` file.
 *
 * File format (Kafka's, byte for byte): a sequence of 8-byte entries, no header, no checksum:
 *
 *    0  relativeOffset  int32 BE   offset - baseOffset of the segment
 *    4  position        int32 BE   byte position in the .log file of a batch start
 *
 * Entries are strictly increasing in both fields. An entry (o, p) says that every batch before
 * position p holds only offsets below o, so a reader looking for offset t starts at the position
 * of the largest entry with offset <= t and scans batch headers forward from there. The segment
 * adds an entry at most every
 * `index.interval.bytes` of appended data, keyed by the largest offset of the append and pointing
 * at the append's first byte. The file of the active segment is preallocated (zeros past the
 * last entry) and trimmed when the segment rolls; see abstract-index.ts.
 */
import type { FileHandle } from 'node:fs/promises';
import { AbstractIndex, loadIndexFile } from './abstract-index';
import { KafkaError } from '../../client/errors';

export const OFFSET_INDEX_ENTRY_SIZE = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex extends AbstractIndex {
  /**
   * Opens the index file (creating it empty if missing) and reads its entries. With a
   * maxIndexSize above 0 (the active segment), the file is preallocated to that size.
   */
  static async open(file: string, baseOffset: number, maxIndexSize: number): Promise<OffsetIndex> {
    const { fh, contents, created } = await loadIndexFile(file);
    const index = new OffsetIndex(file, baseOffset, fh, { contents, created }, maxIndexSize);
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
    super(file, baseOffset, fh, OFFSET_INDEX_ENTRY_SIZE, loaded, maxIndexSize);
  }

  private relativeOffsetAt = (slot: number): number =>
    this.entryBytes.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE);

  /** The entry in `slot` with its absolute offset. */
  entry(slot: number): OffsetPosition {
    const bytes = this.entryBytes;
    return {
      offset: this.baseOffset + bytes.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE),
      position: bytes.readInt32BE(slot * OFFSET_INDEX_ENTRY_SIZE + 4),
    };
  }

  /** The last entry, or (baseOffset, 0) when the index is empty. */
  lastEntry(): OffsetPosition {
    return this.entries === 0
      ? { offset: this.baseOffset, position: 0 }
      : this.entry(this.entries - 1);
  }

  get lastOffset(): number {
    return this.lastEntry().offset;
  }

  /**
   * The largest entry whose offset is <= targetOffset, or (baseOffset, 0) when there is none:
   * where to start scanning the log for targetOffset.
   */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.largestLowerBoundSlot(targetOffset - this.baseOffset, this.relativeOffsetAt);
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Adds (offset, position); offset must be larger than every offset already indexed. */
  append(offset: number, position: number): void {
    if (this.entries > 0 && offset <= this.lastOffset) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `Attempt to append an offset (${offset}) to position ${this.entries} no larger than ` +
          `the last offset appended (${this.lastOffset}) to ${this.file}.`,
      );
    }
    const relative = offset - this.baseOffset;
    this.appendEntry((buf, at) => {
      buf.writeInt32BE(relative, at);
      buf.writeInt32BE(position, at + 4);
    });
  }

  /** Removes every entry whose offset is >= offset. */
  truncateTo(offset: number): void {
    const slot = this.largestLowerBoundSlot(offset - this.baseOffset, this.relativeOffsetAt);
    if (slot < 0) this.truncateToEntries(0);
    else if (this.relativeOffsetAt(slot) === offset - this.baseOffset) this.truncateToEntries(slot);
    else this.truncateToEntries(slot + 1);
  }

  /**
   * Why this index cannot be trusted for a `.log` file of `logSize` bytes, or undefined when it
   * looks sound: a length that is not whole entries, entries that do not strictly increase
   * (which includes the zeros of a preallocated file that was never trimmed) or a position past
   * the end of the log.
   */
  problem(logSize: number): string | undefined {
    if (this.fileLengthOnOpen % OFFSET_INDEX_ENTRY_SIZE !== 0) {
      return `index file ${this.file} has size ${this.fileLengthOnOpen}, not a multiple of ${OFFSET_INDEX_ENTRY_SIZE}`;
    }
    let previousOffset = -1;
    let previousPosition = -1;
    for (let slot = 0; slot < this.entries; slot++) {
      const { offset, position } = this.entry(slot);
      const relative = offset - this.baseOffset;
      if (relative <= previousOffset || position <= previousPosition) {
        return `index file ${this.file} has entries out of order at slot ${slot}`;
      }
      if (position >= logSize) {
        return `index file ${this.file} points to position ${position} past the end of the log (${logSize} bytes)`;
      }
      previousOffset = relative;
      previousPosition = position;
    }
    return undefined;
  }
}
