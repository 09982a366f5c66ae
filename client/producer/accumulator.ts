/**
 * The producer's record accumulator (Kafka's RecordAccumulator): per partition, one open batch
 * that messages are appended to, and behind it the batches already closed because they were full.
 *
 * - A batch is closed when the next record would take it past `batchSize` bytes (estimated; a
 *   record larger than batchSize gets a batch of its own) or when the sender takes it. An open
 *   batch keeps filling while it waits — for its linger time to pass, or for a free request slot
 *   — so batches grow with the load instead of leaving one record at a time.
 * - A batch remembers which `send()` calls its records came from (`parts`: contiguous runs of
 *   records per send), so its acknowledgement resolves exactly those sends.
 * - Records are kept as given until the sender encodes the batch, once: the encoded bytes are
 *   reused by every retry.
 */
import type { RecordInput } from '../record';
import { RECORD_BATCH_OVERHEAD } from '../record';
import type { SendTracker } from './send-tracker';

/** A run of consecutive records of one batch that came from one send. */
export interface BatchPart {
  readonly tracker: SendTracker;
  /** Index of its first record in the batch. */
  readonly start: number;
  count: number;
}

export class ProducerBatch {
  records: RecordInput[] = [];
  readonly parts: BatchPart[] = [];
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

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Monotonic time of the first record. */
    readonly createdAt: number,
  ) {}

  append(record: RecordInput, size: number, tracker: SendTracker): void {
    const index = this.recordCount++;
    this.records.push(record);
    this.size += size;
    const last = this.parts.length > 0 ? this.parts[this.parts.length - 1] : undefined;
    if (last !== undefined && last.tracker === tracker) {
      last.count++;
    } else {
      this.parts.push({ tracker, start: index, count: 1 });
      tracker.addPart();
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
}

export class RecordAccumulator {
  private readonly byTopic = new Map<string, PartitionQueue[]>();
  /** Every queue, for the sender's scans. */
  readonly queues: PartitionQueue[] = [];

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

  /** Appends one record; `now` is the monotonic time of the send. */
  append(
    topic: string,
    partition: number,
    record: RecordInput,
    size: number,
    tracker: SendTracker,
    now: number,
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
      batch = new ProducerBatch(topic, partition, now);
      queue.open = batch;
      this.options.onBatchCreated();
    }
    batch.append(record, size, tracker);
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
