/**
 * Length-prefixed framing of samsa's wire protocol, in both directions:
 *
 *     +----------------------------+------------------------------+
 *     | length N: uint32 big-endian | N bytes: one protobuf message |
 *     +----------------------------+------------------------------+
 *
 * with MIN_FRAME_BYTES <= N <= the receiver's maximum (`socket.request.max.bytes` on a broker,
 * 104857600 by default). A length outside those bounds is a FramingError, raised as soon as the
 * four length bytes are in, before anything is allocated for the frame.
 *
 * FrameDecoder cuts a socket's byte stream into frames. A frame that lies inside one chunk is
 * returned as a view of that chunk (no copy); a frame split across chunks is kept as the received
 * pieces and copied once, into a buffer of exactly its size, when its last byte arrives. Memory
 * held therefore grows only with bytes actually received, never with a length the peer claims.
 */
import { FramingError } from './protocol-errors';

/** Bytes of the length prefix. */
export const FRAME_LENGTH_BYTES = 4;

/** The smallest valid frame body: every envelope carries at least its body field. */
export const MIN_FRAME_BYTES = 1;

/** Kafka's default `socket.request.max.bytes` (100 MiB). */
export const DEFAULT_MAX_FRAME_BYTES = 104857600;

/** One buffer holding the length prefix and `body`. */
export function encodeFrame(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_LENGTH_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, FRAME_LENGTH_BYTES);
  return frame;
}

/** Incremental frame decoder for one connection's byte stream. */
export class FrameDecoder {
  /** Pieces of the incomplete frame at the end of the stream (length bytes included until known). */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** The body length of the incomplete frame, or -1 while its length prefix is incomplete. */
  private frameLength = -1;
  private failure: FramingError | undefined;

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < MIN_FRAME_BYTES) {
      throw new RangeError(`maxFrameBytes must be an integer >= ${MIN_FRAME_BYTES}`);
    }
  }

  /** Bytes of the incomplete frame at the end of the stream received so far, prefix included. */
  get bufferedBytes(): number {
    return this.frameLength < 0 ? this.partsBytes : FRAME_LENGTH_BYTES + this.partsBytes;
  }

  /** The body length (prefix excluded) of the incomplete frame at the end of the stream, if known. */
  get pendingFrameLength(): number | undefined {
    return this.frameLength < 0 ? undefined : this.frameLength;
  }

  /**
   * Feeds the next chunk of the stream; returns the frame bodies it completes, in order. Throws a
   * FramingError on an out-of-bounds length; the stream is then unusable (every later call throws
   * the same error) and the connection must be closed.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failure !== undefined) throw this.failure;
    const frames: Buffer[] = [];
    let offset = 0;
    if (this.partsBytes > 0 || this.frameLength >= 0) {
      offset = this.continuePending(chunk, frames);
      if (offset < 0) return frames;
    }
    const end = chunk.length;
    while (end - offset >= FRAME_LENGTH_BYTES) {
      const length = this.checkLength(chunk.readUInt32BE(offset));
      const start = offset + FRAME_LENGTH_BYTES;
      if (end - start >= length) {
        frames.push(chunk.subarray(start, start + length));
        offset = start + length;
      } else {
        this.frameLength = length;
        if (start < end) this.keep(chunk.subarray(start));
        return frames;
      }
    }
    // A partial length prefix: copy its few bytes rather than keep the whole chunk alive.
    if (offset < end) this.keep(Buffer.from(chunk.subarray(offset)));
    return frames;
  }

  /**
   * Completes the pending length prefix and/or frame from the start of `chunk`. Returns the offset
   * in `chunk` where unframed bytes start, or -1 when the whole chunk was consumed as pending.
   */
  private continuePending(chunk: Buffer, frames: Buffer[]): number {
    let offset = 0;
    if (this.frameLength < 0) {
      const missing = FRAME_LENGTH_BYTES - this.partsBytes;
      if (chunk.length < missing) {
        this.keep(Buffer.from(chunk));
        return -1;
      }
      let length = 0;
      for (const part of this.parts) {
        for (let i = 0; i < part.length; i++) length = length * 256 + part[i];
      }
      for (let i = 0; i < missing; i++) length = length * 256 + chunk[i];
      this.parts = [];
      this.partsBytes = 0;
      this.frameLength = this.checkLength(length);
      offset = missing;
    }
    const missing = this.frameLength - this.partsBytes;
    if (chunk.length - offset < missing) {
      if (offset < chunk.length) this.keep(chunk.subarray(offset));
      return -1;
    }
    frames.push(this.assemble(chunk.subarray(offset, offset + missing)));
    return offset + missing;
  }

  /** Copies the pending pieces and `last` into one buffer of exactly the frame's size. */
  private assemble(last: Buffer): Buffer {
    let frame: Buffer;
    if (this.partsBytes === 0) {
      frame = last;
    } else {
      frame = Buffer.allocUnsafe(this.frameLength);
      let position = 0;
      for (const part of this.parts) {
        frame.set(part, position);
        position += part.length;
      }
      frame.set(last, position);
    }
    this.parts = [];
    this.partsBytes = 0;
    this.frameLength = -1;
    return frame;
  }

  private keep(piece: Buffer): void {
    this.parts.push(piece);
    this.partsBytes += piece.length;
  }

  private checkLength(length: number): number {
    if (length < MIN_FRAME_BYTES) {
      this.failure = new FramingError(
        `invalid frame length ${length} (the minimum is ${MIN_FRAME_BYTES})`,
        length,
      );
      throw this.failure;
    }
    if (length > this.maxFrameBytes) {
      this.failure = new FramingError(
        `frame of ${length} bytes is larger than the maximum of ${this.maxFrameBytes} bytes`,
        length,
      );
      throw this.failure;
    }
    return length;
  }
}
