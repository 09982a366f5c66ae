/**
 * A poll-style view of samsa's consumer, for the tools that read the way Kafka's tools do
 * (`poll(timeout)` → the records available): the consumer runs with `eachBatch` and puts each
 * batch's records in a queue that `poll` empties.
 *
 * Backpressure: while more than `maxBuffered` records wait in the queue, the batch handler does
 * not return, which holds the consumer's fetching until the tool catches up. `stop()` releases a
 * waiting handler before stopping the consumer. A consumer crash (an error it cannot retry) makes
 * the next `poll` throw that error.
 */
import type { ConsumedRecord } from './message-formatter';

/** The part of samsa's Consumer this view drives. */
export interface RunnableConsumer {
  run(config: {
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
    }) => Promise<void>;
  }): Promise<void>;
  stop(): Promise<void>;
  on(type: 'consumer.crash', listener: (event: { payload: { error?: Error } }) => void): () => void;
}

const DEFAULT_MAX_BUFFERED = 10000;

export class PolledConsumer {
  private queue: ConsumedRecord[] = [];
  private crashed: Error | undefined;
  private stopped = false;
  /** Wakes a poll waiting for records (or a crash, or stop). */
  private arrived: (() => void) | undefined;
  /** Wakes a batch handler waiting for the queue to drain. */
  private drained: (() => void) | undefined;
  private readonly removeCrashListener: () => void;

  constructor(
    private readonly consumer: RunnableConsumer,
    private readonly maxBuffered = DEFAULT_MAX_BUFFERED,
  ) {
    this.removeCrashListener = consumer.on('consumer.crash', (event) => {
      this.crashed = event.payload.error ?? new Error('the consumer stopped');
      this.arrived?.();
    });
  }

  /** Starts the consumer. */
  async start(): Promise<void> {
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const headers: { key: string; value: Buffer | null }[] = [];
          for (const [key, value] of Object.entries(message.headers)) {
            for (const one of Array.isArray(value) ? value : [value])
              headers.push({ key, value: one });
          }
          this.queue.push({
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            timestamp: message.timestamp,
            timestampType: message.timestampType,
            key: message.key,
            value: message.value,
            headers,
          });
        }
        this.arrived?.();
        while (!this.stopped && this.queue.length > this.maxBuffered) {
          await new Promise<void>((resolve) => (this.drained = resolve));
          this.drained = undefined;
        }
      },
    });
  }

  /**
   * The records waiting, or — when there are none — the first ones to arrive within
   * `timeoutMs`; an empty list when none came (or `signal` aborted the wait).
   */
  async poll(timeoutMs: number, signal?: AbortSignal): Promise<ConsumedRecord[]> {
    if (this.queue.length === 0 && this.crashed === undefined && !signal?.aborted) {
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
    const records = this.queue;
    this.queue = [];
    this.drained?.();
    return records;
  }

  /** Stops the consumer (releasing a batch handler that waits for room). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.drained?.();
    this.removeCrashListener();
    await this.consumer.stop();
  }
}
