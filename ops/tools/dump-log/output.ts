/**
 * Buffered line output for dump-log: lines collect in memory and go to the stream in chunks of
 * about 64 KiB, waiting for 'drain' when the stream pushes back, so dumping a large segment
 * neither makes one write per line nor buffers the whole dump.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const FLUSH_AT_CHARS = 64 * 1024;

export class LineWriter {
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(private readonly stream: Writable) {}

  /** Queues one line (a newline is added). */
  line(text: string): void {
    this.pending.push(text, '\n');
    this.pendingChars += text.length + 1;
  }

  /** Writes the queued lines once enough have collected. */
  async flushIfFull(): Promise<void> {
    if (this.pendingChars >= FLUSH_AT_CHARS) await this.flush();
  }

  /** Writes every queued line, waiting while the stream is full. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
}
