/**
 * A partition leader's latest appends, kept in memory so that a follower fetching at the end of
 * the log gets them without the leader reading them back from the segment file (each read is a
 * thread-pool round trip; at the log end, followers ask for exactly what was just appended).
 *
 * Each entry is one leader append: its first offset, the offset after its last record, and the
 * bytes written to the log (the produce request's batches after the log stamped offsets and the
 * leader epoch in place — the same bytes, not a copy). A read is served only when it starts
 * exactly at an entry's first offset; it then returns that entry and the entries following it
 * (they follow each other without a gap), whole, up to `maxBytes`. Anything else (an offset
 * inside an entry, an entry no longer held, a first entry larger than maxBytes) is left to the
 * log, which answers it from the segment.
 *
 * Entries every follower has fetched are dropped (`release`); the rest are bounded by
 * `maxBytes` of the buffers they keep alive (a view keeps the whole request frame it points into),
 * dropping the oldest first. The owner clears everything when leadership changes.
 */

interface Entry {
  readonly start: number;
  readonly end: number;
  readonly records: Buffer;
  /** Bytes this entry keeps alive: the whole buffer its records are a view of. */
  readonly retained: number;
}

export class RecentAppends {
  private entries: Entry[] = [];
  private head = 0;
  private retainedBytes = 0;

  constructor(private readonly maxRetainedBytes: number) {}

  /** Entries held. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Bytes of buffers kept alive. */
  get retained(): number {
    return this.retainedBytes;
  }

  /** Adds the append of offsets [start, end) whose log bytes are `records`. */
  add(start: number, end: number, records: Buffer): void {
    const last = this.size > 0 ? this.entries[this.entries.length - 1] : undefined;
    if (last !== undefined && start !== last.end) this.clear();
    const retained = Math.max(records.length, records.buffer.byteLength);
    if (retained > this.maxRetainedBytes) {
      this.clear();
      return;
    }
    this.entries.push({ start, end, records, retained });
    this.retainedBytes += retained;
    while (this.retainedBytes > this.maxRetainedBytes) this.dropOldest();
  }

  /**
   * The records of the entries from the one starting at `offset`, at most `maxBytes`; undefined
   * when no entry starts there or the first one does not fit.
   */
  read(offset: number, maxBytes: number): Buffer | undefined {
    const entries = this.entries;
    let index = this.head;
    while (index < entries.length && entries[index].end <= offset) index++;
    if (index === entries.length || entries[index].start !== offset) return undefined;
    const first = entries[index].records;
    if (first.length > maxBytes) return undefined;
    let bytes = first.length;
    let last = index;
    while (last + 1 < entries.length && bytes + entries[last + 1].records.length <= maxBytes) {
      last++;
      bytes += entries[last].records.length;
    }
    if (last === index) return first;
    const parts: Buffer[] = [];
    for (let i = index; i <= last; i++) parts.push(entries[i].records);
    return Buffer.concat(parts, bytes);
  }

  /** Drops the entries that end at or before `offset` (every follower has fetched them). */
  release(offset: number): void {
    while (this.size > 0 && this.entries[this.head].end <= offset) this.dropOldest();
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.retainedBytes = 0;
  }

  private dropOldest(): void {
    const entry = this.entries[this.head];
    this.retainedBytes -= entry.retained;
    this.head++;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
