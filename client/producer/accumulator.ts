/**
 * The producer's record accumulator (Kafka's RecordAccumulator): per partition, one open batch
 * that messages are appended to, and behind it the batches already closed because they were full.
 *
 * - A batch is closed when the next record would take it past `batchSize` bytes (estimated; a
 *   record larger than batchSize gets a batch of its own) or when the sender takes it. An open
 *   batch keeps filling while it waits — for its linger time to pass, or for a free request slot
 *   — so batches grow with the load instead of leaving one record at a time.
 * - Each record is encoded into its batch's buffer as it is appended (RecordBatchBuilder), so a
 *   waiting batch keeps bytes, not one object per record; the sender builds the batch (header,
 *   CRC, compression) once, when first taken, and every retry reuses those bytes.
 * - Batch buffers are `batchSize` bytes (a record that does not fit gets a larger one of its
 *   own) and are reused once their batch is settled (Kafka's BufferPool): a steady stream of
 *   batches allocates no new memory.
 * - A batch remembers which `send()` calls its records came from, as contiguous runs of records
 *   per send (`completions` and `starts`, one entry per run), so its acknowledgement settles
 *   exactly those sends.
 */
import type { RecordHeader } from '../record';
import { CompressionCodec, RECORD_BATCH_OVERHEAD, RecordBatchBuilder } from '../record';
import type { SendCallback, SendTracker } from './send-tracker';

/** Who a run of records reports to: a multi-message send's tracker, or a one-message send's callback. */
export type Completion = SendTracker | SendCallback;

/** Settled batches' buffers kept for reuse, at most (bytes). */
const MAX_POOLED_BYTES = 4 * 1024 * 1024;

export class ProducerBatch {
  /** The records, encoded as appended; undefined once the sender has built the batch. */
  builder: RecordBatchBuilder | undefined;
  /** Per run of records from one send: who to tell... */
  readonly completions: Completion[] = [];
  /** ...and the index of the run's first record in the batch. */
  readonly starts: number[] = [];
  /** Estimated encoded size (uncompressed). */
  size = RECORD_BATCH_OVERHEAD;
  recordCount = 0;
  /** The encoded batch, once the sender has taken it. */
  encoded: Buffer | undefined;
  /** Failed attempts so far. */
  attempts = 0;
  /** Monotonic time before which a retry must not be sent. */
  retryAt = 0;
  /** Monotonic time of the first attempt, -1 before it. */
  firstAttemptAt = -1;
  /** After a stale-metadata error: the sender's metadata refresh that must end before a retry. */
  awaitedRefresh = 0;

  /** The buffer the batch was built in, until it is settled and the buffer can be reused. */
  buffer: Buffer | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Monotonic time of the first record. */
    readonly createdAt: number,
    /** The buffer to write the records in, or the capacity of a new one. */
    buffer: Buffer | number,
  ) {
    this.builder = new RecordBatchBuilder(buffer);
  }

  /** The batch's bytes (header and CRC written); a Promise when `codec` compresses. */
  build(codec: CompressionCodec): Buffer | Promise<Buffer> {
    const builder = this.builder as RecordBatchBuilder;
    this.builder = undefined;
    this.buffer = builder.buffer;
    return codec === CompressionCodec.None ? builder.build() : builder.buildCompressed(codec);
  }

  /** Appends one record of estimated size `size` (the sender has not taken the batch yet). */
  append(
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    headers: readonly RecordHeader[] | undefined,
    size: number,
    completion: Completion,
  ): void {
    (this.builder as RecordBatchBuilder).append(timestamp, key, value, headers);
    const index = this.recordCount++;
    this.size += size;
    const runs = this.completions.length;
    // A callback is one send of one message: never merged with the run before it, which may
    // come from another send given the same callback function.
    if (
      runs === 0 ||
      typeof completion === 'function' ||
      this.completions[runs - 1] !== completion
    ) {
      this.completions.push(completion);
      this.starts.push(index);
      if (typeof completion !== 'function') completion.addPart();
    }
  }
}

/** The batches of one partition: closed ones in order, then the open one. */
export class PartitionQueue {
  readonly closed: ProducerBatch[] = [];
  open: ProducerBatch | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** The next batch to send: the oldest closed batch, else the open one. */
  head(): ProducerBatch | undefined {
    return this.closed.length > 0 ? this.closed[0] : this.open;
  }
}

export interface AccumulatorOptions {
  readonly batchSize: number;
  /** A batch of (topic, partition) was closed, full or taken by the sender. */
  readonly onBatchClosed: (topic: string, partition: number) => void;
  /** A new batch was started. */
  readonly onBatchCreated: () => void;
  /** Monotonic clock (ms) stamping each new batch's creation, for lingerMs. */
  readonly now: () => number;
}

export class RecordAccumulator {
  private readonly byTopic = new Map<string, PartitionQueue[]>();
  /** Every queue, for the sender's scans. */
  readonly queues: PartitionQueue[] = [];
  /** Buffers of batchSize bytes from settled batches. */
  private readonly freeBuffers: Buffer[] = [];

  constructor(private readonly options: AccumulatorOptions) {}

  queue(topic: string, partition: number): PartitionQueue {
    let partitions = this.byTopic.get(topic);
    if (partitions === undefined) {
      partitions = [];
      this.byTopic.set(topic, partitions);
    }
    let queue = partitions[partition];
    if (queue === undefined) {
      queue = new PartitionQueue(topic, partition);
      partitions[partition] = queue;
      this.queues.push(queue);
    }
    return queue;
  }

  /**
   * Appends one record of estimated size `size` (timestamp, key, value and headers checked by
   * the producer).
   */
  append(
    topic: string,
    partition: number,
    timestamp: number,
    key: Buffer | null,
    value: Buffer | null,
    headers: readonly RecordHeader[] | undefined,
    size: number,
    completion: Completion,
  ): void {
    const queue = this.queue(topic, partition);
    let batch = queue.open;
    if (
      batch !== undefined &&
      batch.recordCount > 0 &&
      batch.size + size > this.options.batchSize
    ) {
      this.close(queue);
      batch = undefined;
    }
    if (batch === undefined) {
      const batchSize = this.options.batchSize;
      batch = new ProducerBatch(
        topic,
        partition,
        this.options.now(),
        RECORD_BATCH_OVERHEAD + size <= batchSize
          ? (this.freeBuffers.pop() ?? batchSize)
          : RECORD_BATCH_OVERHEAD + size,
      );
      queue.open = batch;
      this.options.onBatchCreated();
    }
    batch.append(timestamp, key, value, headers, size, completion);
    if (batch.size >= this.options.batchSize) this.close(queue);
  }

  /**
   * Closes the open batch of a partition if `size` more bytes would not fit in it; true if it did
   * (the sticky partitioner then moves on before the record is placed, as Kafka's does).
   */
  closeIfFull(topic: string, partition: number, size: number): boolean {
    const queue = this.byTopic.get(topic)?.[partition];
    const batch = queue?.open;
    if (
      queue === undefined ||
      batch === undefined ||
      batch.recordCount === 0 ||
      batch.size + size <= this.options.batchSize
    ) {
      return false;
    }
    this.close(queue);
    return true;
  }

  /** Removes `batch`, the head of `queue`, for sending (closing it if it was open). */
  take(queue: PartitionQueue, batch: ProducerBatch): void {
    if (queue.closed.length > 0 && queue.closed[0] === batch) {
      queue.closed.shift();
    } else if (queue.open === batch) {
      queue.open = undefined;
      this.options.onBatchClosed(queue.topic, queue.partition);
    }
  }

  /**
   * A batch is settled (acknowledged or failed for good): nothing refers to its bytes any more,
   * so a buffer of batchSize bytes is kept for a new batch.
   */
  release(batch: ProducerBatch): void {
    const buffer = batch.buffer ?? batch.builder?.buffer;
    batch.buffer = undefined;
    batch.builder = undefined;
    const batchSize = this.options.batchSize;
    if (
      buffer !== undefined &&
      buffer.length === batchSize &&
      (this.freeBuffers.length + 1) * batchSize <= MAX_POOLED_BYTES
    ) {
      this.freeBuffers.push(buffer);
    }
  }

  /** Puts a batch back at the head of its partition's queue, to be retried first. */
  requeue(batch: ProducerBatch): void {
    this.queue(batch.topic, batch.partition).closed.unshift(batch);
  }

  private close(queue: PartitionQueue): void {
    const batch = queue.open;
    if (batch === undefined) return;
    queue.open = undefined;
    queue.closed.push(batch);
    this.options.onBatchClosed(queue.topic, queue.partition);
  }
}
