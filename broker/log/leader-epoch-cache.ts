/**
 * A partition's leader-epoch cache (KIP-101, KIP-279): for each leader epoch, the first offset
 * written in it. Persisted in `<partition dir>/leader-epoch-checkpoint`.
 *
 * File format (Kafka's LeaderEpochCheckpointFile, byte for byte), lines ending in `\n`:
 *
 *   0          version
 *   2          number of entries
 *   0 0        `epoch startOffset`, epochs and start offsets both increasing
 *   3 1200
 *
 * As in Kafka, the file is created empty (zero bytes) with the log and rewritten whole (see
 * checkpoint-file.ts) whenever the cache changes. Entries are updated when batches of a new
 * epoch are appended, when a new leader records (its epoch, its log end offset), and trimmed when
 * the log is truncated at either end.
 */
import { promises as fs } from 'node:fs';
import { SamsaError } from '../../client/errors';
import { type Logger } from '../../client/logging';
import { CheckpointFile, type CheckpointFormatter } from './checkpoint-file';

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

/** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

const EPOCH_LINE = /^(\d+) (\d+)$/;

const epochFormatter: CheckpointFormatter<EpochEntry> = {
  toLine: ({ epoch, startOffset }) => `${epoch} ${startOffset}`,
  fromLine: (line) => {
    const match = EPOCH_LINE.exec(line);
    return match ? { epoch: Number(match[1]), startOffset: Number(match[2]) } : undefined;
  },
};

export class LeaderEpochFileCache {
  private epochs: EpochEntry[] = [];

  /** Opens the cache file (creating it empty if missing) and loads its entries. */
  static async load(
    file: string,
    logEndOffset: () => number,
    log: Logger,
  ): Promise<LeaderEpochFileCache> {
    const handle = await fs.open(file, 'a');
    await handle.close();
    const checkpoint = new CheckpointFile(file, epochFormatter);
    const cache = new LeaderEpochFileCache(checkpoint, logEndOffset, log);
    for (const entry of await checkpoint.read()) cache.put(entry);
    return cache;
  }

  private constructor(
    private readonly checkpoint: CheckpointFile<EpochEntry>,
    private readonly logEndOffset: () => number,
    private readonly log: Logger,
  ) {}

  get file(): string {
    return this.checkpoint.file;
  }

  /** A copy of the entries, oldest first. */
  entries(): EpochEntry[] {
    return this.epochs.map((e) => ({ ...e }));
  }

  latestEntry(): EpochEntry | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  /** The latest epoch, or undefined when the cache is empty. */
  latestEpoch(): number | undefined {
    return this.latestEntry()?.epoch;
  }

  /**
   * Records that `epoch` starts at `startOffset`. Nothing changes when that epoch is already the
   * latest with an earlier or equal start. Entries with a larger epoch or a start offset at or
   * past startOffset are removed first, keeping the cache monotonic (as Kafka does). Returns
   * whether the cache changed; the checkpoint is written before the promise resolves.
   */
  async assign(epoch: number, startOffset: number): Promise<boolean> {
    if (!this.put({ epoch, startOffset })) return false;
    await this.flush();
    return true;
  }

  /**
   * Kafka's `endOffsetFor` (OffsetsForLeaderEpoch): for the latest epoch, the log end offset;
   * for an older epoch, the largest epoch <= requested that is known together with the start
   * offset of the first epoch after the requested one; for an epoch older than every entry, the
   * requested epoch with the first entry's start offset; otherwise undefined (-1, -1).
   */
  endOffsetFor(requestedEpoch: number): { epoch: number; endOffset: number } {
    const undefinedResult = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult;
    const latest = this.latestEntry();
    if (latest && latest.epoch === requestedEpoch) {
      return { epoch: requestedEpoch, endOffset: this.logEndOffset() };
    }
    const higher = this.epochs.find((e) => e.epoch > requestedEpoch);
    if (!higher) return undefinedResult;
    let floor: EpochEntry | undefined;
    for (const e of this.epochs) if (e.epoch <= requestedEpoch) floor = e;
    if (!floor) return { epoch: requestedEpoch, endOffset: higher.startOffset };
    return { epoch: floor.epoch, endOffset: higher.startOffset };
  }

  /** The epoch of the entry covering `offset` (largest start offset <= offset), if any. */
  epochForOffset(offset: number): number | undefined {
    let epoch: number | undefined;
    for (const e of this.epochs) {
      if (e.startOffset <= offset) epoch = e.epoch;
      else break;
    }
    return epoch;
  }

  /** Removes entries starting at or after `endOffset` (the log was truncated there). */
  async truncateFromEnd(endOffset: number): Promise<void> {
    const latest = this.latestEntry();
    if (endOffset < 0 || !latest || latest.startOffset < endOffset) return;
    this.epochs = this.epochs.filter((e) => e.startOffset < endOffset);
    this.log.info(
      `Cleared entries from the end of the leader epoch cache at offset ${endOffset}; ` +
        `it now has ${this.epochs.length} entries`,
    );
    await this.flush();
  }

  /**
   * Removes entries that end before `startOffset` (the log start moved there); the entry
   * covering startOffset is kept with its start moved to startOffset.
   */
  async truncateFromStart(startOffset: number): Promise<void> {
    let removed = 0;
    while (removed < this.epochs.length && this.epochs[removed].startOffset <= startOffset) {
      removed++;
    }
    if (removed === 0) return;
    const covering = this.epochs[removed - 1];
    this.epochs = [{ epoch: covering.epoch, startOffset }, ...this.epochs.slice(removed)];
    await this.flush();
  }

  /** Removes every entry and writes the (then empty) checkpoint. */
  async clearAndFlush(): Promise<void> {
    this.epochs = [];
    await this.flush();
  }

  /** Writes the current entries to the checkpoint file. */
  flush(): Promise<void> {
    return this.checkpoint.write(this.entries());
  }

  private put(entry: EpochEntry): boolean {
    if (entry.epoch < 0 || entry.startOffset < 0) {
      throw new SamsaError(
        `Received invalid partition leader epoch entry EpochEntry(epoch=${entry.epoch}, startOffset=${entry.startOffset})`,
      );
    }
    const latest = this.latestEntry();
    if (latest && entry.epoch === latest.epoch && entry.startOffset >= latest.startOffset) {
      return false;
    }
    const kept = this.epochs.filter(
      (e) => e.epoch < entry.epoch && e.startOffset < entry.startOffset,
    );
    const removed = this.epochs.slice(kept.length);
    this.epochs = kept;
    // Removing one entry that started at the same offset is routine (no data was written in it).
    if (
      removed.length > 1 ||
      (removed.length === 1 && removed[0].startOffset !== entry.startOffset)
    ) {
      this.log.warn(
        `New epoch entry EpochEntry(epoch=${entry.epoch}, startOffset=${entry.startOffset}) ` +
          `caused truncation of ${removed.length} conflicting entries from the leader epoch cache`,
      );
    }
    this.epochs.push({ ...entry });
    return true;
  }
}
