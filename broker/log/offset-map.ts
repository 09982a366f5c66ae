/**
 * The log cleaner's map from record key to the latest offset seen for it over the dirty section
 * of a log (Kafka's SkimpyOffsetMap), in memory bounded by `log.cleaner.dedupe.buffer.size`
 * divided among the cleaner threads.
 *
 * Kafka keeps only an MD5 hash of each key, so two keys with the same hash would make the cleaner
 * drop a record it must keep. This map keeps the key bytes themselves and compares them, so it is
 * exact whatever the keys are, and hashes only to choose a slot (murmur3's 32-bit mixing, with a
 * random seed per map). The memory is split in two halves:
 *
 * - slots (open addressing, linear probing, a power of two of them): per slot a 32-bit hash, a
 *   32-bit reference into the key arena (0 = empty) and a 64-bit offset, 16 bytes;
 * - the key arena: each key once, as a 32-bit length and the key bytes.
 *
 * Both start small and double as they fill, up to their half of the memory, so a map used for a
 * small log costs little; the slots are rehashed a slice at a time as they double (`grow`). The map is full when a new key finds no room: its slots are 90% used
 * (Kafka's dedupe buffer load factor) or the arena cannot hold the key. A key already present
 * never fills it: its offset is updated in place.
 */
import { randomBytes } from 'node:crypto';
import { SamsaError } from '../../client/errors';

const SLOT_BYTES = 16;
const LOAD_FACTOR = 0.9;
const GROW_AT = 0.75;
const INITIAL_SLOTS = 1024;
const INITIAL_ARENA = 64 * 1024;
const LENGTH_BYTES = 4;
/** Slots rehashed, and arena bytes copied, between two turns of the event loop as the map grows. */
const REHASH_SLICE = 1 << 16;
const ARENA_COPY_SLICE = 4 << 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
/** Arena references are 32-bit (stored plus one). */
const MAX_ARENA_BYTES = 0x7fff_fffe;

export class OffsetMap {
  /** Slots at most (a power of two). */
  readonly maxSlots: number;
  /** Bytes the key arena may take at most. */
  readonly maxArenaBytes: number;
  private readonly seed = randomBytes(4).readUInt32LE(0);
  private hashes!: Int32Array;
  private refs!: Int32Array;
  private offsets!: Float64Array;
  private arena!: Buffer;
  private arenaUsed = 0;
  private entries = 0;
  private latest = -1;

  constructor(readonly memoryBytes: number) {
    let slots = 1;
    while (slots * 2 * SLOT_BYTES <= memoryBytes / 2) slots *= 2;
    if (slots < 16) {
      throw new SamsaError(
        `the cleaner's offset map needs at least ${32 * SLOT_BYTES} bytes, got ${memoryBytes} (log.cleaner.dedupe.buffer.size divided among log.cleaner.threads)`,
      );
    }
    this.maxSlots = slots;
    this.maxArenaBytes = Math.min(memoryBytes - slots * SLOT_BYTES, MAX_ARENA_BYTES);
    this.clear();
  }

  /** Keys in the map. */
  get size(): number {
    return this.entries;
  }

  /** The last offset mapped (the end of the mapped range), -1 when nothing is. */
  get latestOffset(): number {
    return this.latest;
  }

  /** How full the map is, 0..1: the fuller of the slots (against their limit) and the arena. */
  get utilization(): number {
    return Math.max(
      this.entries / Math.floor(this.maxSlots * LOAD_FACTOR),
      this.arenaUsed / this.maxArenaBytes,
    );
  }

  /** Empties the map and gives back the memory it grew into. */
  clear(): void {
    const slots = Math.min(INITIAL_SLOTS, this.maxSlots);
    this.hashes = new Int32Array(slots);
    this.refs = new Int32Array(slots);
    this.offsets = new Float64Array(slots);
    this.arena = Buffer.allocUnsafe(Math.min(INITIAL_ARENA, this.maxArenaBytes));
    this.arenaUsed = 0;
    this.entries = 0;
    this.latest = -1;
  }

  /**
   * Whether `keys` more new keys of `keyBytes` bytes in all would make the slots or the arena
   * grow (they double when 75% used, up to their bounds).
   */
  needsGrowth(keys: number, keyBytes: number): boolean {
    return this.slotsNeedGrowth(keys) || this.arenaNeedsGrowth(keys, keyBytes);
  }

  /**
   * Grows the slots and the arena for `keys` more new keys of `keyBytes` bytes, a slice at a
   * time (slots rehashed, arena copied) with a turn of the event loop between slices, so that a
   * map of millions of keys does not hold the event loop while it grows. The map must not be
   * used until the returned promise resolves. (`put` also grows the map when it must, at once:
   * the cleaner calls this first for each batch, so that does not happen there.)
   */
  async grow(keys: number, keyBytes: number): Promise<void> {
    while (this.slotsNeedGrowth(keys)) {
      const { hashes, refs, offsets } = this;
      this.allocateSlots(hashes.length * 2);
      for (let from = 0; from < hashes.length; from += REHASH_SLICE) {
        this.rehash(hashes, refs, offsets, from, Math.min(from + REHASH_SLICE, hashes.length));
        await yieldToEventLoop();
      }
    }
    if (this.arenaNeedsGrowth(keys, keyBytes)) {
      const old = this.arena;
      this.arena = Buffer.allocUnsafe(this.grownArenaSize(this.arenaUsed + keyBytes + keys * 4));
      for (let from = 0; from < this.arenaUsed; from += ARENA_COPY_SLICE) {
        old.copy(this.arena, from, from, Math.min(from + ARENA_COPY_SLICE, this.arenaUsed));
        await yieldToEventLoop();
      }
    }
  }

  private slotsNeedGrowth(keys: number): boolean {
    return this.entries + keys > this.hashes.length * GROW_AT && this.hashes.length < this.maxSlots;
  }

  private arenaNeedsGrowth(keys: number, keyBytes: number): boolean {
    const need = this.arenaUsed + keyBytes + keys * LENGTH_BYTES;
    return need > this.arena.length && this.arena.length < this.maxArenaBytes;
  }

  /** The arena size after doubling until `need` fits (within the bound). */
  private grownArenaSize(need: number): number {
    let size = this.arena.length;
    while (size < need) size *= 2;
    return Math.min(size, this.maxArenaBytes);
  }

  /** Notes that everything up to `offset` has been mapped. */
  updateLatestOffset(offset: number): void {
    this.latest = offset;
  }

  /**
   * Records `offset` as the latest for the key `buf[start, start + length)`. Returns false,
   * storing nothing, when the key is new and the map is full.
   */
  put(buf: Buffer, start: number, length: number, offset: number): boolean {
    const hash = this.hash(buf, start, length);
    let slot = this.find(hash, buf, start, length);
    if (this.refs[slot] !== 0) {
      this.offsets[slot] = offset;
      return true;
    }
    if (this.entries + 1 > Math.floor(this.maxSlots * LOAD_FACTOR)) return false;
    const need = this.arenaUsed + LENGTH_BYTES + length;
    if (need > this.maxArenaBytes) return false;
    if (need > this.arena.length) this.growArena(need);
    if (this.entries + 1 > this.hashes.length * GROW_AT && this.hashes.length < this.maxSlots) {
      this.growSlots();
      slot = this.find(hash, buf, start, length);
    }
    const ref = this.arenaUsed;
    this.arena.writeUInt32LE(length, ref);
    buf.copy(this.arena, ref + LENGTH_BYTES, start, start + length);
    this.arenaUsed = need;
    this.hashes[slot] = hash;
    this.refs[slot] = ref + 1;
    this.offsets[slot] = offset;
    this.entries++;
    return true;
  }

  /** The latest offset recorded for the key `buf[start, start + length)`, or -1. */
  get(buf: Buffer, start: number, length: number): number {
    const slot = this.find(this.hash(buf, start, length), buf, start, length);
    return this.refs[slot] === 0 ? -1 : this.offsets[slot];
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private find(hash: number, buf: Buffer, start: number, length: number): number {
    const mask = this.hashes.length - 1;
    let slot = hash & mask;
    for (;;) {
      const ref = this.refs[slot];
      if (ref === 0) return slot;
      if (this.hashes[slot] === hash && this.keyEquals(ref - 1, buf, start, length)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private keyEquals(at: number, buf: Buffer, start: number, length: number): boolean {
    const arena = this.arena;
    if (arena.readUInt32LE(at) !== length) return false;
    const from = at + LENGTH_BYTES;
    for (let i = 0; i < length; i++) if (arena[from + i] !== buf[start + i]) return false;
    return true;
  }

  private growSlots(): void {
    const { hashes, refs, offsets } = this;
    this.allocateSlots(hashes.length * 2);
    this.rehash(hashes, refs, offsets, 0, hashes.length);
  }

  private allocateSlots(slots: number): void {
    this.hashes = new Int32Array(slots);
    this.refs = new Int32Array(slots);
    this.offsets = new Float64Array(slots);
  }

  /** Moves the entries of old slots [from, to) into the current slots. */
  private rehash(
    hashes: Int32Array,
    refs: Int32Array,
    offsets: Float64Array,
    from: number,
    to: number,
  ): void {
    const mask = this.hashes.length - 1;
    for (let i = from; i < to; i++) {
      if (refs[i] === 0) continue;
      let slot = hashes[i] & mask;
      while (this.refs[slot] !== 0) slot = (slot + 1) & mask;
      this.hashes[slot] = hashes[i];
      this.refs[slot] = refs[i];
      this.offsets[slot] = offsets[i];
    }
  }

  private growArena(need: number): void {
    const grown = Buffer.allocUnsafe(this.grownArenaSize(need));
    this.arena.copy(grown, 0, 0, this.arenaUsed);
    this.arena = grown;
  }

  /** murmur3 (x86, 32-bit) of the key bytes with this map's seed. */
  private hash(buf: Buffer, start: number, length: number): number {
    let h = this.seed | 0;
    const blocks = length & ~3;
    let i = 0;
    for (; i < blocks; i += 4) {
      let k =
        buf[start + i] |
        (buf[start + i + 1] << 8) |
        (buf[start + i + 2] << 16) |
        (buf[start + i + 3] << 24);
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    const tail = length & 3;
    if (tail > 0) {
      let k = 0;
      if (tail === 3) k ^= buf[start + i + 2] << 16;
      if (tail >= 2) k ^= buf[start + i + 1] << 8;
      k ^= buf[start + i];
      k = Math.imul(k, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, 0x1b873593);
      h ^= k;
    }
    h ^= length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h;
  }
}
