/**
 * A poll-style view of samsa's consumer, for the tools that read the way Kafka's tools do
 * (`poll(timeout)` → the records available): the consumer runs with `eachBatch` and hands each
 * batch's records over to `poll`. Two ways to count records as consumed (their partition's
 * position moves past them, so a group's commit includes them):
 *
 * - `read-ahead` (the default, for the perf tools): as soon as the batch is queued; the batch
 *   handler returns at once unless more than `maxBuffered` records wait, which holds the
 *   consumer's fetching until the tool catches up.
 * - `as-used` (the console consumer in a group): only once the tool is done with them, as with
 *   Kafka's console consumer, which polls again only after printing everything the last poll
 *   returned and on exit seeks back to the first record it did not print. The batch handler waits
 *   (holding the consumer's fetch loop) until its records were taken by a `poll` and released by
 *   the next `poll` or by `stop()`, then resolves the offset of the last record the tool used.
 *   Records taken but not used are given back with `unprinted(records)` before `stop()`; records
 *   never taken are not consumed either.
 *
 * A consumer crash (an error it cannot retry) makes the next `poll` throw that error.
 */
import type { ConsumedRecord } from './message-formatter';

/** The part of samsa's Consumer this view drives. */
export interface RunnableConsumer {
  run(config: {
    eachBatchAutoResolve: boolean;
    eachBatch: (payload: {
      batch: {
        topic: string;
        partition: number;
        messages: readonly {
          offset: number;
          timestamp: number;
          timestampType: 'CreateTime' | 'LogAppendTime';
          key: Buffer | null;
          value: Buffer | null;
          headers: Readonly<Record<string, Buffer | null | (Buffer | null)[]>>;
        }[];
      };
      resolveOffset(offset: number): void;
    }) => Promise<void>;
  }): Promise<void>;
  stop(): Promise<void>;
  on(type: 'consumer.crash', listener: (event: { payload: { error?: Error } }) => void): () => void;
}

export type PositionMode = 'read-ahead' | 'as-used';

const DEFAULT_MAX_BUFFERED = 10000;

/** One batch handed over by the consumer, waiting to be taken (and released, `as-used`). */
interface Handover {
  readonly records: ConsumedRecord[];
  /** Whether a poll returned the records. */
  taken: boolean;
  /** Offset of the first record given back as unused, if any. */
  firstUnused?: number;
  readonly released: Promise<void>;
  release(): void;
}

export class PolledConsumer {
  /** Batches the consumer handed over that no poll has taken yet. */
  private waiting: Handover[] = [];
  /** Batches the last poll returned, released by the next poll (or stop). */
  private taken: Handover[] = [];
  private crashed: Error | undefined;
  private stopped = false;
  /** Wakes a poll waiting for records (or a crash, or stop). */
  private arrived: (() => void) | undefined;
  /** Wakes `read-ahead` handlers waiting for the queue to drain. */
  private drained: (() => void) | undefined;
  private readonly removeCrashListener: () => void;

  constructor(
    private readonly consumer: RunnableConsumer,
    private readonly maxBuffered = DEFAULT_MAX_BUFFERED,
    private readonly positions: PositionMode = 'read-ahead',
  ) {
    this.removeCrashListener = consumer.on('consumer.crash', (event) => {
      this.crashed = event.payload.error ?? new Error('the consumer stopped');
      this.arrived?.();
    });
  }

  /** Starts the consumer. */
  async start(): Promise<void> {
    const asUsed = this.positions === 'as-used';
    await this.consumer.run({
      eachBatchAutoResolve: !asUsed,
      eachBatch: async ({ batch, resolveOffset }) => {
        const records = batch.messages.map((message): ConsumedRecord => {
          const headers: { key: string; value: Buffer | null }[] = [];
          for (const [key, value] of Object.entries(message.headers)) {
            for (const one of Array.isArray(value) ? value : [value]) {
              headers.push({ key, value: one });
            }
          }
          return {
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            timestamp: message.timestamp,
            timestampType: message.timestampType,
            key: message.key,
            value: message.value,
            headers,
          };
        });
        if (records.length === 0 || this.stopped) return;
        let release = (): void => undefined;
        const released = new Promise<void>((resolve) => (release = resolve));
        const handover: Handover = { records, taken: false, released, release };
        this.waiting.push(handover);
        this.arrived?.();
        if (!asUsed) {
          while (!this.stopped && this.waitingRecords() > this.maxBuffered) {
            await new Promise<void>((resolve) => (this.drained = resolve));
            this.drained = undefined;
          }
          return;
        }
        await handover.released;
        const used = handover.taken
          ? records.filter(
              (r) => handover.firstUnused === undefined || r.offset < handover.firstUnused,
            )
          : [];
        if (used.length > 0) resolveOffset(used[used.length - 1].offset);
      },
    });
  }

  /**
   * The records waiting, or — when there are none — the first ones to arrive within
   * `timeoutMs`; an empty list when none came (or `signal` aborted the wait). The records the
   * previous poll returned count as consumed from now on.
   */
  async poll(timeoutMs: number, signal?: AbortSignal): Promise<ConsumedRecord[]> {
    this.releaseTaken();
    if (this.waiting.length === 0 && this.crashed === undefined && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        signal?.addEventListener('abort', done, { once: true });
        this.arrived = done;
        function done(): void {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
      });
      this.arrived = undefined;
    }
    if (this.crashed !== undefined) throw this.crashed;
    this.taken = this.waiting;
    this.waiting = [];
    for (const handover of this.taken) handover.taken = true;
    this.drained?.();
    return this.taken.flatMap((handover) => handover.records);
  }

  /**
   * Gives back records the last poll returned that the tool did not use (it stopped before
   * printing them): `as-used`, they are not consumed, so a group's final commit does not include
   * them.
   */
  unprinted(records: readonly ConsumedRecord[]): void {
    for (const record of records) {
      const handover = this.taken.find(
        (h) =>
          h.records[0].topic === record.topic &&
          h.records[0].partition === record.partition &&
          h.records[0].offset <= record.offset &&
          h.records[h.records.length - 1].offset >= record.offset,
      );
      if (handover !== undefined && (handover.firstUnused ?? Infinity) > record.offset) {
        handover.firstUnused = record.offset;
      }
    }
  }

  /** Stops the consumer: waiting handlers resolve what the tool used, then it stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.releaseTaken();
    for (const handover of this.waiting.splice(0)) handover.release();
    this.drained?.();
    this.removeCrashListener();
    await this.consumer.stop();
  }

  private waitingRecords(): number {
    let count = 0;
    for (const handover of this.waiting) count += handover.records.length;
    return count;
  }

  private releaseTaken(): void {
    for (const handover of this.taken.splice(0)) handover.release();
  }
}
