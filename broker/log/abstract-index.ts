/**
 * What Kafka's two sparse index files (`.index`, `.timeindex`) share: fixed-size big-endian
 * entries, sorted, with no header and no checksum (an index is rebuilt from its segment whenever
 * it looks wrong).
 *
 * Kafka memory-maps these files. Here the entries live in an in-memory Buffer, which answers
 * every lookup. New entries are written to the file in runs, asynchronously and in order by a
 * per-file queue: one write per `WRITE_BATCH_ENTRIES` entries, and whatever is pending on flush,
 * resize, rename and close (a failed write is reported by the next append, flush or close). One
 * small write per entry would cost a thread-pool round trip per append; entries not yet written
 * when the process dies are rebuilt by recovery, which re-indexes every segment after the
 * recovery point (and the recovery point only moves on flush, which writes them). The file of
 * the active segment is preallocated to `segment.index.bytes` (rounded down to whole entries;
 * the bytes past the last entry are zeros) and trimmed to the entries in use when the segment
 * rolls or the log closes, as Kafka does. The in-memory copy grows by doubling, so an index with
 * few entries costs little memory however large its preallocated file is.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { KafkaError } from '../../client/errors';

export interface LoadedIndexFile {
  fh: FileHandle;
  /** The file's bytes as found on disk. */
  contents: Buffer;
  /** Whether the file did not exist and was created. */
  created: boolean;
}

/** Opens (creating it if missing) and reads an index file. */
export async function loadIndexFile(file: string): Promise<LoadedIndexFile> {
  let created = false;
  let fh: FileHandle;
  try {
    fh = await fs.open(file, fs.constants.O_RDWR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    fh = await fs.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
    created = true;
  }
  try {
    const { size } = await fh.stat();
    const contents = Buffer.alloc(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await fh.read(contents, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return { fh, contents: contents.subarray(0, done), created };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** New entries written to the file together, at most (the rest wait for flush/roll/close). */
export const WRITE_BATCH_ENTRIES = 128;

export abstract class AbstractIndex {
  private buf: Buffer;
  private count: number;
  /** Entries already written (or queued to be written) to the file. */
  private written: number;
  private maxEntryCount: number;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = undefined;
  private closed = false;

  protected constructor(
    private filePath: string,
    readonly baseOffset: number,
    private readonly fh: FileHandle,
    readonly entrySize: number,
    { contents, created }: { contents: Buffer; created: boolean },
    maxIndexSize: number,
  ) {
    this.missingFile = created;
    this.count = Math.floor(contents.length / entrySize);
    this.written = this.count;
    this.buf = Buffer.from(contents.subarray(0, this.count * entrySize));
    this.maxEntryCount = Math.max(this.count, Math.floor(maxIndexSize / entrySize));
    this.loadedLength = contents.length;
  }

  private loadedLength: number;
  private missingFile: boolean;

  /** Length of the file as it was found when opened (0 once the index is rebuilt). */
  get fileLengthOnOpen(): number {
    return this.loadedLength;
  }

  /** Whether the file was missing when opened and the index has not been rebuilt since. */
  get createdOnOpen(): boolean {
    return this.missingFile;
  }

  get file(): string {
    return this.filePath;
  }

  get entries(): number {
    return this.count;
  }

  get maxEntries(): number {
    return this.maxEntryCount;
  }

  /** Bytes of valid entries. */
  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  isFull(): boolean {
    return this.count >= this.maxEntryCount;
  }

  /** Throws the error of a failed background write, if any. */
  checkWritable(): void {
    if (this.failure !== undefined) {
      throw new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `error writing index file ${this.filePath}`,
        {},
        this.failure,
      );
    }
    if (this.closed) throw new KafkaError('KAFKA_STORAGE_ERROR', `index ${this.filePath} closed`);
  }

  /** The valid entries (a view; do not keep it across changes). */
  protected get entryBytes(): Buffer {
    return this.buf.subarray(0, this.count * this.entrySize);
  }

  /**
   * Largest slot whose key is <= target, or -1 when the first key is already larger. `keyAt`
   * must be non-decreasing over the slots.
   */
  protected largestLowerBoundSlot(target: number, keyAt: (slot: number) => number): number {
    if (this.count === 0 || keyAt(0) > target) return -1;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Adds one entry, filled in by `write`, and queues its write to the file. */
  protected appendEntry(write: (buf: Buffer, at: number) => void): void {
    this.checkWritable();
    if (this.count >= this.maxEntryCount) {
      throw new KafkaError(
        'UNKNOWN_SERVER_ERROR',
        `attempt to append to a full index (size = ${this.count}) ${this.filePath}`,
      );
    }
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.buf.length) {
      const grown = Buffer.alloc(
        Math.min(
          Math.max(this.buf.length * 2, 64 * this.entrySize),
          this.maxEntryCount * this.entrySize,
        ),
      );
      this.buf.copy(grown, 0, 0, at);
      this.buf = grown;
    }
    write(this.buf, at);
    this.count++;
    if (this.count - this.written >= WRITE_BATCH_ENTRIES) this.writePending();
  }

  /** Queues one write of the entries not yet written to the file. */
  private writePending(): void {
    if (this.written >= this.count) return;
    const from = this.written * this.entrySize;
    const entries = Buffer.from(this.buf.subarray(from, this.count * this.entrySize));
    this.written = this.count;
    this.enqueue(async () => {
      await this.fh.write(entries, 0, entries.length, from);
    });
  }

  /**
   * Keeps the first `entries` entries. The file is cut there and, when it is preallocated,
   * extended again with zeros, so no stale entry survives past the new end.
   */
  protected truncateToEntries(entries: number): void {
    this.checkWritable();
    if (entries >= this.count) return;
    // A trimmed file stays trimmed; a preallocated one is extended again.
    if (this.maxEntryCount <= this.count) this.maxEntryCount = entries;
    this.count = entries;
    this.written = Math.min(this.written, entries);
    const cut = entries * this.entrySize;
    const length = this.maxEntryCount * this.entrySize;
    this.enqueue(async () => {
      await this.fh.truncate(cut);
      if (length > cut) await this.fh.truncate(length);
    });
  }

  /** Removes every entry (the start of a rebuild). */
  reset(): void {
    this.truncateToEntries(0);
    this.loadedLength = 0;
    this.missingFile = false;
  }

  /**
   * Sets the file length to `newSize` rounded down to whole entries (never below the entries in
   * use): preallocation for the active segment, trimming otherwise.
   */
  resize(newSize: number): void {
    this.checkWritable();
    this.writePending();
    const entries = Math.max(this.count, Math.floor(newSize / this.entrySize));
    this.maxEntryCount = entries;
    const length = entries * this.entrySize;
    this.enqueue(async () => {
      await this.fh.truncate(length);
    });
  }

  /** Shrinks the file to the entries in use. */
  trimToValidSize(): void {
    this.resize(this.sizeInBytes);
  }

  /** Writes pending entries, waits for queued writes and fsyncs the file. */
  async flush(): Promise<void> {
    if (!this.closed) this.writePending();
    await this.chain;
    this.checkWritable();
    await this.fh.datasync();
  }

  /** Writes pending entries, waits for queued writes, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.writePending();
    await this.chain;
    this.closed = true;
    await this.fh.close();
    if (this.failure !== undefined) {
      throw new KafkaError(
        'KAFKA_STORAGE_ERROR',
        `error writing index file ${this.filePath}`,
        {},
        this.failure,
      );
    }
  }

  /** Renames the file (the open handle keeps working). */
  async renameTo(file: string): Promise<void> {
    this.writePending();
    await this.chain;
    await fs.rename(this.filePath, file);
    this.filePath = file;
  }

  /** Closes and removes the file. */
  async deleteFile(): Promise<void> {
    await this.close();
    await fs.rm(this.filePath, { force: true });
  }

  private enqueue(op: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await op();
      } catch (err) {
        this.failure = err;
      }
    });
  }
}
