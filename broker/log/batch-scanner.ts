/**
 * Walking record batches by their headers alone, in a segment file or in a Buffer: the log finds
 * offsets, positions and batch boundaries this way and never decodes a record.
 *
 * A batch is complete when its 61-byte header and the `12 + batchLength` bytes it announces are
 * all present; a walk stops at the first incomplete batch (the torn tail of a crashed write, or
 * the cut of a read bounded by max bytes).
 */
import type { FileHandle } from 'node:fs/promises';
import {
  BASE_OFFSET_OFFSET,
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAGIC_OFFSET,
  MAX_TIMESTAMP_OFFSET,
  BASE_TIMESTAMP_OFFSET,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  readInt64,
} from '../../client/record/batch-header';

/** Where a batch is and the header fields the log uses. */
export interface BatchInfo {
  /** Byte position of the batch start (in the file, or in the buffer walked). */
  position: number;
  /** Total bytes: 12 + batchLength. */
  size: number;
  baseOffset: number;
  lastOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  baseTimestamp: number;
  maxTimestamp: number;
}

/** Reads the header of the batch at `at` in `buf`, naming it `position`. */
export function batchInfoAt(buf: Buffer, at: number, position: number): BatchInfo {
  const baseOffset = readInt64(buf, at + BASE_OFFSET_OFFSET);
  return {
    position,
    size: LOG_OVERHEAD + buf.readInt32BE(at + BATCH_LENGTH_OFFSET),
    baseOffset,
    lastOffset: baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
    partitionLeaderEpoch: buf.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
    magic: buf.readInt8(at + MAGIC_OFFSET),
    baseTimestamp: readInt64(buf, at + BASE_TIMESTAMP_OFFSET),
    maxTimestamp: readInt64(buf, at + MAX_TIMESTAMP_OFFSET),
  };
}

/** The complete batches at the start of a buffer: how many bytes they take, where the last starts. */
export interface CompleteBatches {
  /** Bytes taken by complete batches from the start: a prefix ending on a batch boundary. */
  length: number;
  /** Start of the last complete batch, or -1 when there is none. */
  lastStart: number;
}

/** Finds the complete batches at the start of `buf`, reading only each batch's length field. */
export function completeBatches(buf: Buffer): CompleteBatches {
  let pos = 0;
  let lastStart = -1;
  while (buf.length - pos >= LOG_OVERHEAD) {
    const size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_OFFSET);
    if (size < RECORD_BATCH_OVERHEAD || size > buf.length - pos) break;
    lastStart = pos;
    pos += size;
  }
  return { length: pos, lastStart };
}

/** Calls `visit` with every complete batch of `buf`, in order. */
export function forEachBatch(buf: Buffer, visit: (batch: BatchInfo) => void): void {
  let pos = 0;
  while (buf.length - pos >= RECORD_BATCH_OVERHEAD) {
    const batch = batchInfoAt(buf, pos, pos);
    if (batch.size < RECORD_BATCH_OVERHEAD || batch.size > buf.length - pos) break;
    visit(batch);
    pos += batch.size;
  }
}

const DEFAULT_CHUNK = 16 * 1024;

/**
 * Reads batch headers of a file range `[start, end)` in order. Headers are read in chunks
 * (16 KiB by default), so a run of small batches costs one read, and a large batch costs one
 * small read for its header.
 */
export class FileBatchReader {
  private chunk: Buffer;
  private chunkStart = 0;
  private chunkLength = 0;
  private pos: number;

  constructor(
    private readonly fh: FileHandle,
    start: number,
    private readonly end: number,
    chunkSize = DEFAULT_CHUNK,
  ) {
    this.pos = start;
    this.chunk = Buffer.allocUnsafe(Math.max(chunkSize, RECORD_BATCH_OVERHEAD));
  }

  /** Position of the next batch to read (after the last complete batch returned). */
  get position(): number {
    return this.pos;
  }

  /** The next complete batch, or undefined at the end of the range or at an incomplete batch. */
  async next(): Promise<BatchInfo | undefined> {
    const pos = this.pos;
    if (this.end - pos < RECORD_BATCH_OVERHEAD) return undefined;
    if (pos < this.chunkStart || pos + RECORD_BATCH_OVERHEAD > this.chunkStart + this.chunkLength) {
      const length = Math.min(this.chunk.length, this.end - pos);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await this.fh.read(this.chunk, got, length - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      this.chunkStart = pos;
      this.chunkLength = got;
      if (got < RECORD_BATCH_OVERHEAD) return undefined;
    }
    const batch = batchInfoAt(this.chunk, pos - this.chunkStart, pos);
    if (batch.size < RECORD_BATCH_OVERHEAD || batch.size > this.end - pos) return undefined;
    this.pos = pos + batch.size;
    return batch;
  }
}
