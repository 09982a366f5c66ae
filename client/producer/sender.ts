/**
 * The producer's sender (Kafka's Sender): drains the accumulator into Produce requests and
 * settles the batches from the answers.
 *
 * Draining (run in a setImmediate after appends, after every answer, and by timer for linger and
 * retry backoff):
 * - a partition's head batch is ready when it is closed (full), when its linger time has passed
 *   since its first record (`lingerMs`; 0 = as soon as the current turn of the event loop ends),
 *   or during a flush — and when any retry backoff has passed;
 * - ready batches are grouped by the partition's current leader; each leader gets Produce
 *   requests with at most one batch per partition (as Kafka), up to `maxRequestSize` bytes, while
 *   fewer than `maxInFlightRequests` requests to it await an answer. The connection writes
 *   everything queued in one turn in one socket write;
 * - a batch is encoded (RecordBatch v2, the producer's compression) once, when first taken.
 *
 * Answers:
 * - NONE: each send with records in the batch gets `{ topicName, partition, baseOffset, ... }`
 *   (the batch's base offset plus the index of the send's first record in it);
 * - a retriable error (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE,
 *   NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, a closed connection, ...) puts the batch back at the
 *   head of its partition after a backoff (retry options); after a stale-metadata error the batch
 *   also waits for a metadata refresh requested after the error, so the retry goes to the new
 *   leader; after `retries` retries the sends fail with RetriesExhaustedError naming the last
 *   error, its broker, topic and partition;
 * - any other error fails the sends at once with a KafkaError naming broker, topic, partition.
 * - acks=0: the request gets no answer (`expectResponse: false`); the batches count as sent once
 *   their bytes reach the kernel, with base offset -1.
 * A partition without a leader keeps its batches while metadata is refreshed; each look that
 * still finds no leader counts as a failed attempt (LEADER_NOT_AVAILABLE).
 *
 * Ordering: as in Kafka without idempotence, a retried batch may land after a later batch of the
 * same partition that was in flight at the same time (use maxInFlightRequests: 1 to prevent it).
 */
import { performance } from 'perf_hooks';
import type { Cluster } from '../cluster/cluster';
import { withContext } from '../cluster/error-context';
import { isStaleMetadataError } from '../cluster/metadata';
import { ResolvedRetryOptions, RetriesExhaustedError, backoffDelay } from '../cluster/retry';
import { KafkaError, SamsaError } from '../errors';
import type { Logger } from '../logging';
import { ApiKey, RequestInit, ResponseBody } from '../protocol/apis';
import type { CompressionCodec } from '../record';
import { Completion, PartitionQueue, ProducerBatch, RecordAccumulator } from './accumulator';
import type { RecordMetadata } from './messages';
import { logCallbackError } from './send-tracker';

export interface SenderOptions {
  readonly cluster: Cluster;
  readonly accumulator: RecordAccumulator;
  readonly acks: -1 | 0 | 1;
  /** The broker's wait for acks=all (ProduceRequest timeout_ms). */
  readonly timeout: number;
  readonly lingerMs: number;
  readonly maxInFlightRequests: number;
  readonly maxRequestSize: number;
  readonly compression: CompressionCodec;
  readonly retry: ResolvedRetryOptions;
  readonly log: Logger;
}

type ProduceResponse = ResponseBody<typeof ApiKey.Produce>;

export class Sender {
  private readonly cluster: Cluster;
  private readonly accumulator: RecordAccumulator;
  private readonly inFlight = new Map<number, number>();
  private drainScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private refreshing = false;
  private refreshAgain = false;
  private refreshesStarted = 0;
  private refreshesFinished = 0;
  private metadataFailures = 0;
  private metadataRetryAt = 0;
  private flushes = 0;
  private incomplete = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SenderOptions) {
    this.cluster = options.cluster;
    this.accumulator = options.accumulator;
  }

  /** A batch was created (the accumulator's onBatchCreated). */
  onBatchCreated(): void {
    this.incomplete++;
  }

  /** Schedules a drain at the end of the current turn of the event loop. */
  wake(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.drain);
  }

  /** Sends every batch now, lingering or not; resolves once no batch is pending. */
  async flush(): Promise<void> {
    this.flushes++;
    try {
      this.wake();
      if (this.incomplete > 0) {
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      }
    } finally {
      this.flushes--;
    }
  }

  /**
   * Refreshes metadata without waiting for it, one refresh at a time (a request made during a
   * refresh starts another after it). A failure is logged and the next refresh waits for the retry
   * backoff.
   */
  refreshMetadataInBackground(): void {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    if (performance.now() < this.metadataRetryAt) {
      this.armTimer(this.metadataRetryAt);
      return;
    }
    this.refreshing = true;
    const round = ++this.refreshesStarted;
    const finish = (): void => {
      this.refreshesFinished = round;
      this.refreshing = false;
      if (this.refreshAgain) {
        this.refreshAgain = false;
        this.refreshMetadataInBackground();
      }
      this.wake();
    };
    this.cluster.refreshMetadata().then(
      () => {
        this.metadataFailures = 0;
        finish();
      },
      (error: Error) => {
        this.metadataFailures++;
        this.metadataRetryAt =
          performance.now() + backoffDelay(this.options.retry, this.metadataFailures);
        this.options.log.warn(`Metadata refresh failed, will retry: ${error.message}`);
        finish();
      },
    );
  }

  private readonly drain = (): void => {
    this.drainScheduled = false;
    const now = performance.now();
    let wakeAt = Infinity;
    // Metadata older than metadataMaxAge is refreshed in the background.
    let needMetadata = this.cluster.isMetadataStale();
    const byLeader = new Map<number, PartitionQueue[]>();
    for (const queue of this.accumulator.queues) {
      const head = queue.head();
      if (head === undefined) continue;
      const readyAt = this.readyAt(queue, head);
      if (readyAt > now) {
        wakeAt = Math.min(wakeAt, readyAt);
        continue;
      }
      if (head.awaitedRefresh > this.refreshesFinished) {
        if (head.awaitedRefresh > this.refreshesStarted) needMetadata = true;
        continue;
      }
      const leader = this.cluster.leaderFor(queue.topic, queue.partition);
      if (leader < 0) {
        needMetadata = true;
        this.noLeader(queue, head, now);
        if (queue.head() !== undefined) wakeAt = Math.min(wakeAt, queue.head()?.retryAt ?? now);
        continue;
      }
      let queues = byLeader.get(leader);
      if (queues === undefined) {
        queues = [];
        byLeader.set(leader, queues);
      }
      queues.push(queue);
    }
    for (const [leader, queues] of byLeader) this.drainLeader(leader, queues, now);
    if (needMetadata) this.refreshMetadataInBackground();
    this.armTimer(wakeAt);
  };

  /** When the head batch of `queue` may be sent (monotonic ms). */
  private readyAt(queue: PartitionQueue, head: ProducerBatch): number {
    const lingerEnd =
      head === queue.open && this.flushes === 0 ? head.createdAt + this.options.lingerMs : 0;
    return Math.max(lingerEnd, head.retryAt);
  }

  private drainLeader(leader: number, queues: PartitionQueue[], now: number): void {
    while ((this.inFlight.get(leader) ?? 0) < this.options.maxInFlightRequests) {
      const batches: ProducerBatch[] = [];
      let bytes = 0;
      for (const queue of queues) {
        const head = queue.head();
        if (head === undefined || this.readyAt(queue, head) > now) continue;
        if (head.awaitedRefresh > this.refreshesFinished) continue;
        if (batches.length > 0 && bytes + head.size > this.options.maxRequestSize) continue;
        this.accumulator.take(queue, head);
        batches.push(head);
        bytes += head.size;
      }
      if (batches.length === 0) return;
      this.send(leader, batches, now);
    }
  }

  /** The partition of `head` has no known leader: count an attempt, fail when they run out. */
  private noLeader(queue: PartitionQueue, head: ProducerBatch, now: number): void {
    if (head.firstAttemptAt < 0) head.firstAttemptAt = now;
    const error = new KafkaError('LEADER_NOT_AVAILABLE', 'no leader known for the partition', {
      topic: queue.topic,
      partition: queue.partition,
    });
    if (head.attempts >= this.options.retry.retries) {
      this.accumulator.take(queue, head);
      this.fail(head, new RetriesExhaustedError(head.attempts, now - head.firstAttemptAt, error));
      return;
    }
    head.attempts++;
    head.retryAt = now + backoffDelay(this.options.retry, head.attempts);
  }

  private send(leader: number, batches: ProducerBatch[], now: number): void {
    this.inFlight.set(leader, (this.inFlight.get(leader) ?? 0) + 1);
    let pendingEncodings: Promise<unknown>[] | undefined;
    for (let index = 0; index < batches.length; index++) {
      const batch = batches[index];
      if (batch.firstAttemptAt < 0) batch.firstAttemptAt = now;
      if (batch.encoded !== undefined) continue;
      try {
        const encoding = this.encode(batch);
        if (encoding !== undefined) (pendingEncodings ??= []).push(encoding);
      } catch (error) {
        this.fail(batch, encodingFailure(batch, error as Error));
        batches.splice(index--, 1);
      }
    }
    if (batches.length === 0) {
      this.requestDone(leader);
      return;
    }
    if (pendingEncodings === undefined) {
      this.transmit(leader, batches);
      return;
    }
    Promise.all(pendingEncodings).then(
      () => this.transmit(leader, batches),
      (error: Error) => {
        this.requestDone(leader);
        for (const batch of batches) {
          if (batch.encoded === undefined) this.fail(batch, encodingFailure(batch, error));
          else this.accumulator.requeue(batch);
        }
      },
    );
  }

  /** Builds a batch (header, CRC); a Promise when compression makes it asynchronous. */
  private encode(batch: ProducerBatch): Promise<void> | undefined {
    const built = batch.build(this.options.compression);
    if (Buffer.isBuffer(built)) {
      batch.encoded = built;
      return undefined;
    }
    return built.then((encoded) => {
      batch.encoded = encoded;
    });
  }

  private transmit(leader: number, batches: ProducerBatch[]): void {
    const body = produceRequest(this.options.acks, this.options.timeout, batches);
    let request: Promise<ProduceResponse | null>;
    try {
      const connection = this.cluster.connection(leader);
      request =
        this.options.acks === 0
          ? connection.request(ApiKey.Produce, body, {
              expectResponse: false,
              timeoutMs: this.options.timeout,
            })
          : connection.request(ApiKey.Produce, body, {
              timeoutMs: this.options.timeout + Math.min(this.options.timeout, 5000),
            });
    } catch (error) {
      request = Promise.reject(error);
    }
    request.then(
      (response) => {
        this.requestDone(leader);
        if (response === null) {
          for (const batch of batches) this.complete(batch, -1, -1, -1);
        } else {
          this.onResponse(leader, batches, response);
        }
      },
      (error: unknown) => {
        this.requestDone(leader);
        for (const batch of batches) {
          this.retryOrFail(
            batch,
            withContext(error, { broker: leader, topic: batch.topic, partition: batch.partition }),
          );
        }
      },
    );
  }

  private requestDone(leader: number): void {
    this.inFlight.set(leader, (this.inFlight.get(leader) ?? 1) - 1);
    this.wake();
  }

  private onResponse(leader: number, batches: ProducerBatch[], response: ProduceResponse): void {
    const sent = new Map<string, Map<number, ProducerBatch>>();
    for (const batch of batches) {
      let partitions = sent.get(batch.topic);
      if (partitions === undefined) {
        partitions = new Map();
        sent.set(batch.topic, partitions);
      }
      partitions.set(batch.partition, batch);
    }
    for (const topic of response.responses) {
      const partitions = sent.get(topic.name);
      if (partitions === undefined) continue;
      for (const answer of topic.partitionResponses) {
        const batch = partitions.get(answer.index);
        if (batch === undefined) continue;
        partitions.delete(answer.index);
        if (answer.errorCode === 0) {
          this.complete(batch, answer.baseOffset, answer.logAppendTimeMs, answer.logStartOffset);
        } else {
          this.retryOrFail(
            batch,
            KafkaError.fromCode(answer.errorCode, answer.errorMessage ?? undefined, {
              broker: leader,
              topic: topic.name,
              partition: answer.index,
            }),
          );
        }
      }
    }
    for (const partitions of sent.values()) {
      for (const batch of partitions.values()) {
        this.fail(
          batch,
          new KafkaError('UNKNOWN_SERVER_ERROR', 'the Produce response has no answer for it', {
            broker: leader,
            topic: batch.topic,
            partition: batch.partition,
          }),
        );
      }
    }
  }

  private retryOrFail(batch: ProducerBatch, error: unknown): void {
    const retriable = error instanceof SamsaError && error.retriable;
    if (!retriable) {
      this.fail(batch, error instanceof Error ? error : new SamsaError(String(error)));
      return;
    }
    const now = performance.now();
    if (batch.attempts >= this.options.retry.retries) {
      this.fail(
        batch,
        new RetriesExhaustedError(batch.attempts, now - batch.firstAttemptAt, error),
      );
      return;
    }
    batch.attempts++;
    const delay = backoffDelay(this.options.retry, batch.attempts);
    batch.retryAt = now + delay;
    this.options.log.warn(
      `Retrying a batch of ${batch.recordCount} records to ${batch.topic}-${batch.partition} in ${delay} ms (attempt ${batch.attempts + 1} of ${this.options.retry.retries + 1}): ${(error as Error).message}`,
    );
    this.accumulator.requeue(batch);
    if (isStaleMetadataError(error)) {
      // Retry only with metadata asked for after this error: the next refresh to start.
      batch.awaitedRefresh = this.refreshesStarted + 1;
      this.refreshMetadataInBackground();
    }
    this.wake();
  }

  private complete(
    batch: ProducerBatch,
    baseOffset: number,
    logAppendTime: number,
    logStartOffset: number,
  ): void {
    const { completions, starts } = batch;
    for (let i = 0; i < completions.length; i++) {
      const result: RecordMetadata = {
        topicName: batch.topic,
        partition: batch.partition,
        errorCode: 0,
        baseOffset: baseOffset < 0 ? -1 : baseOffset + starts[i],
        logAppendTime,
        logStartOffset,
      };
      this.report(completions[i], null, result);
    }
    this.settled(batch);
  }

  private fail(batch: ProducerBatch, error: Error): void {
    for (const completion of batch.completions) this.report(completion, error, undefined);
    this.settled(batch);
  }

  /**
   * Tells one send how its records in a batch fared. What a caller's callback throws (directly,
   * or through the tracker of its send) is logged and keeps no other send from being told.
   */
  private report(
    completion: Completion,
    error: Error | null,
    result: RecordMetadata | undefined,
  ): void {
    try {
      if (typeof completion === 'function') {
        completion(error, error === null ? [result as RecordMetadata] : undefined);
      } else if (error === null) {
        completion.complete(result as RecordMetadata);
      } else {
        completion.fail(error);
      }
    } catch (thrown) {
      logCallbackError(this.options.log, thrown);
    }
  }

  private settled(batch: ProducerBatch): void {
    batch.encoded = undefined;
    this.accumulator.release(batch);
    this.incomplete--;
    if (this.incomplete === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Cancels the linger / backoff timer (the producer is disconnecting). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private armTimer(at: number): void {
    if (at === Infinity || (this.timer !== undefined && this.timerAt <= at)) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.wake();
      },
      Math.max(0, Math.ceil(at - performance.now())),
    );
  }
}

function produceRequest(
  acks: number,
  timeout: number,
  batches: readonly ProducerBatch[],
): RequestInit<typeof ApiKey.Produce> {
  const topics = new Map<string, { index: number; records: Buffer }[]>();
  for (const batch of batches) {
    let partitions = topics.get(batch.topic);
    if (partitions === undefined) {
      partitions = [];
      topics.set(batch.topic, partitions);
    }
    partitions.push({ index: batch.partition, records: batch.encoded as Buffer });
  }
  const topicData: { name: string; partitionData: { index: number; records: Buffer }[] }[] = [];
  for (const [name, partitionData] of topics) topicData.push({ name, partitionData });
  return { acks, timeoutMs: timeout, topicData };
}

function encodingFailure(batch: ProducerBatch, error: Error): SamsaError {
  return new SamsaError(
    `cannot encode a batch for ${batch.topic}-${batch.partition}: ${error.message}`,
    { cause: error },
  );
}
