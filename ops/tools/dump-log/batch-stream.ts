/**
 * Whole record batches of a `.log` file, read front to back in chunks (1 MiB by default), the
 * way Kafka's FileLogInputStream walks a segment for kafka-dump-log: a batch is complete when the
 * `12 + batchLength` bytes its header announces are all in the file; the walk ends at the first
 * incomplete batch (what is left are the "invalid bytes at the end"). A batch length below 14
 * (the smallest legacy record) cannot be walked past, and is an error with Kafka's message.
 *
 * Batches that fit in a chunk are views into the chunk buffer, valid until the next call to
 * `next()`; a batch larger than the chunk gets its own buffer.
 */
import type { FileHandle } from 'node:fs/promises';
import { SamsaError } from '../../../client/errors';
import { BATCH_LENGTH_OFFSET, LOG_OVERHEAD } from '../../../client/record/batch-header';

/** Bytes up to and including the magic byte: enough to know a batch's size and version. */
export const HEADER_SIZE_UP_TO_MAGIC = 17;
/** Kafka's LegacyRecord.RECORD_OVERHEAD_V0: no batch length can be smaller. */
export const MIN_BATCH_LENGTH = 14;

const DEFAULT_CHUNK = 1024 * 1024;

export interface FileBatch {
  /** Byte position of the batch in the file. */
  position: number;
  /** The whole batch (12 + batchLength bytes). */
  bytes: Buffer;
}

export class BatchStream {
  private readonly chunk: Buffer;
  private chunkStart = 0;
  private chunkLength = 0;
  private pos: number;

  /**
   * Walks `[start, end)` of the file open as `fh`; `path` names the file in errors.
   */
  constructor(
    private readonly fh: FileHandle,
    private readonly path: string,
    start: number,
    private readonly end: number,
    chunkSize = DEFAULT_CHUNK,
  ) {
    this.pos = start;
    this.chunk = Buffer.allocUnsafe(Math.max(chunkSize, HEADER_SIZE_UP_TO_MAGIC));
  }

  /** The end of the last complete batch returned (where the next one would start). */
  get position(): number {
    return this.pos;
  }

  /** The next complete batch, or undefined at the end of the range or at an incomplete batch. */
  async next(): Promise<FileBatch | undefined> {
    const pos = this.pos;
    if (this.end - pos < HEADER_SIZE_UP_TO_MAGIC) return undefined;
    if (pos + HEADER_SIZE_UP_TO_MAGIC > this.chunkStart + this.chunkLength) {
      await this.fill(pos);
      if (this.chunkLength < HEADER_SIZE_UP_TO_MAGIC) return undefined;
    }
    const batchLength = this.chunk.readInt32BE(pos - this.chunkStart + BATCH_LENGTH_OFFSET);
    if (batchLength < MIN_BATCH_LENGTH) {
      throw new SamsaError(
        `Found record size ${batchLength} smaller than minimum record overhead (${MIN_BATCH_LENGTH}) in file ${this.path}.`,
      );
    }
    const size = LOG_OVERHEAD + batchLength;
    if (size > this.end - pos) return undefined;
    let bytes: Buffer;
    if (pos + size <= this.chunkStart + this.chunkLength) {
      bytes = this.chunk.subarray(pos - this.chunkStart, pos - this.chunkStart + size);
    } else if (size <= this.chunk.length) {
      await this.fill(pos);
      if (this.chunkLength < size) return undefined;
      bytes = this.chunk.subarray(0, size);
    } else {
      bytes = Buffer.allocUnsafe(size);
      if ((await readFully(this.fh, bytes, pos)) < size) return undefined;
    }
    this.pos = pos + size;
    return { position: pos, bytes };
  }

  private async fill(from: number): Promise<void> {
    const length = Math.min(this.chunk.length, this.end - from);
    this.chunkStart = from;
    this.chunkLength = await readFully(this.fh, this.chunk.subarray(0, length), from);
  }
}

/** Reads into all of `buf` from file position `position`; returns the bytes read (short at EOF). */
export async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<number> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}
