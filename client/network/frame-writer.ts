/**
 * Batched writing of frames to a socket, shared by client connections and the broker's socket
 * server. Frames queued during one turn of the event loop (everything up to the next
 * `process.nextTick`, which runs after the current callback and its promise continuations) leave
 * in one batch: small frames are copied into one buffer, which costs far less than a write per
 * frame (about 7 us each on the reference machine); frames of COPY_LIMIT bytes or more are passed
 * as they are between `cork()` and `uncork()`, so the whole batch still reaches the kernel in one
 * `writev`.
 */
import type { Socket } from 'net';

/** Frames at least this large are written as they are instead of being copied into a batch. */
export const COPY_LIMIT = 16 * 1024;

/** Called once the frame has been handed to the kernel, or with the error that prevented it. */
export type FlushCallback = (error?: Error | null) => void;

export class FrameWriter {
  private frames: Buffer[] = [];
  private callbacks: FlushCallback[] = [];
  private scheduled = false;

  constructor(private readonly socket: Socket) {}

  /** Queues a frame for the next batch. */
  write(frame: Buffer, onFlushed?: FlushCallback): void {
    this.frames.push(frame);
    if (onFlushed !== undefined) this.callbacks.push(onFlushed);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const frames = this.frames;
    const callbacks = this.callbacks;
    this.frames = [];
    this.callbacks = [];
    const done: FlushCallback | undefined =
      callbacks.length === 0
        ? undefined
        : (error) => {
            for (const callback of callbacks) callback(error);
          };
    if (this.socket.destroyed || !this.socket.writable) {
      done?.(new Error('socket closed before the data was written'));
      return;
    }
    if (frames.length === 1) {
      this.socket.write(frames[0], done);
      return;
    }
    const buffers = batch(frames);
    this.socket.cork();
    for (let i = 0; i < buffers.length; i++) {
      this.socket.write(buffers[i], i === buffers.length - 1 ? done : undefined);
    }
    this.socket.uncork();
  };
}

/** Groups runs of small frames into single buffers; large frames stay as they are. */
function batch(frames: Buffer[]): Buffer[] {
  const buffers: Buffer[] = [];
  let run: Buffer[] = [];
  let runBytes = 0;
  const endRun = (): void => {
    if (run.length === 1) buffers.push(run[0]);
    else if (run.length > 1) buffers.push(Buffer.concat(run, runBytes));
    run = [];
    runBytes = 0;
  };
  for (const frame of frames) {
    if (frame.length >= COPY_LIMIT) {
      endRun();
      buffers.push(frame);
    } else {
      run.push(frame);
      runBytes += frame.length;
    }
  }
  endRun();
  return buffers;
}
