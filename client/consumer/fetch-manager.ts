/**
 * The consumer's fetching (KafkaJS's FetchManager + fetchers, Kafka's Fetcher): one manager loop
 * and one fetch loop per leader broker.
 *
 * The manager loop, woken by assign/seek/pause/resume, by a fetch loop that ends, and by backoff
 * timers (it never spins):
 * 1. keeps the assigned topics' metadata: refreshes when a partition has no known leader, after a
 *    stale-metadata error, or when it is older than metadataMaxAge (with backoff on failure);
 * 2. looks up positions still unknown, as Kafka's updateFetchPositions does: first the group's
 *    committed offsets (OffsetFetch) for partitions a group member reads from them, then for the
 *    rest (assign without offset, no committed offset, a seek to 'earliest'/'latest', an
 *    out-of-range reset) ListOffsets -2 (earliest) / -1 (latest) at the leaders; a partition left
 *    without a position under autoOffsetReset 'none' stops the consumer with
 *    NoOffsetForPartitionError;
 * 3. starts a fetch loop for each leader that has fetchable partitions and none running.
 *
 * A fetch loop sends one Fetch at a time to its broker for every fetchable partition it leads
 * (position known, not paused, not backing off, not held by another loop) with `maxWaitTimeInMs`,
 * `minBytes`, `maxBytes` and `maxBytesPerPartition`, then hands each partition's records to the
 * consumer (which calls the user's handler, one partition at a time across all loops) before
 * fetching again. Loops of different brokers run side by side, so a broker with nothing to send
 * (long-polling for maxWait) never holds up another. Records are decoded per batch
 * (decodeRecordBatch); records before the fetch offset are skipped (a fetch may start inside a
 * batch); control batches are skipped; the position then moves past the last complete batch.
 * The broker returns only records below the high watermark: the consumer delivers what it gets.
 *
 * Per-partition errors: OFFSET_OUT_OF_RANGE resets the position by `autoOffsetReset` ('earliest',
 * 'latest'; 'none' crashes the consumer with the error); NOT_LEADER_OR_FOLLOWER,
 * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE and the other stale-metadata errors refresh
 * metadata, and like every other retriable error (a broken connection included) back the
 * partition off with the retry options' growing delay — retriable errors never stop the consumer;
 * any other error crashes it, naming broker, topic and partition.
 */
import { performance } from 'perf_hooks';
import type { Cluster } from '../cluster/cluster';
import { withContext } from '../cluster/error-context';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsOnce } from '../cluster/list-offsets';
import { isStaleMetadataError } from '../cluster/metadata';
import { ResolvedRetryOptions, backoffDelay } from '../cluster/retry';
import { KafkaError, SamsaError } from '../errors';
import type { Logger } from '../logging';
import { ApiKey, ResponseBody } from '../protocol/apis';
import {
  CompressionCodec,
  DecodedRecordBatch,
  compressionOf,
  decodeRecordBatch,
  decodeRecordBatchSync,
  isControlBatch,
  iterateBatches,
} from '../record';
import { NoOffsetForPartitionError, isTransient } from './consumer-errors';
import { Batch, KafkaMessage, toKafkaMessage } from './messages';
import {
  OffsetReset,
  PartitionState,
  SubscriptionState,
  TopicPartition,
} from './subscription-state';

export interface FetchOptions {
  readonly maxWaitTimeInMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly maxBytesPerPartition: number;
  readonly autoOffsetReset: OffsetReset;
  readonly retry: ResolvedRetryOptions;
  readonly requestTimeout: number;
  readonly log: Logger;
}

/** One partition's records from one fetch, for the consumer to deliver. */
export interface FetchedPartition {
  readonly state: PartitionState;
  /** The partition's generation when it was fetched: a different one now means stale. */
  readonly generation: number;
  readonly fetchOffset: number;
  readonly batch: Batch;
  /** Where the position goes once every message is consumed: past the last complete batch. */
  readonly nextOffset: number;
}

/** Where a group member's committed offsets come from (the group coordinator). */
export interface CommittedOffsets {
  /** The committed offset of each partition by `topic-partition`; absent or -1: none. */
  fetchCommitted(partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
}

export interface FetchSink {
  /** Delivers records to the user's handler; the fetch loop waits for it. */
  deliver(fetched: FetchedPartition): Promise<void>;
  /** Stops the consumer because of `error`. */
  crash(error: Error): void;
}

type FetchResponse = ResponseBody<typeof ApiKey.Fetch>;
type FetchResponsePartition = FetchResponse['responses'][number]['partitions'][number];

interface Fetching {
  readonly state: PartitionState;
  readonly generation: number;
  readonly offset: number;
}

export class FetchManager {
  private readonly fetchers = new Map<number, Promise<void>>();
  private running = false;
  /** Counts start() calls: loops of an earlier run end even if the consumer runs again. */
  private run = 0;
  private loop: Promise<void> | undefined;
  private wakeRequested = false;
  private wakeUp: (() => void) | undefined;
  private stopSignal!: Promise<undefined>;
  private signalStop!: () => void;
  private needMetadata = false;
  private metadataFailures = 0;
  private metadataRetryAt = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly subscriptions: SubscriptionState,
    private readonly options: FetchOptions,
    private readonly sink: FetchSink,
    private readonly committed?: CommittedOffsets,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.run++;
    this.stopSignal = new Promise<undefined>((resolve) => {
      this.signalStop = () => resolve(undefined);
    });
    this.loop = this.manage(this.run);
  }

  /** Stops fetching; `waitForDelivery` also waits for the fetch loops (and handler) to finish. */
  async stop(waitForDelivery: boolean): Promise<void> {
    if (!this.running) {
      if (waitForDelivery) await this.settled();
      return;
    }
    this.running = false;
    this.signalStop();
    this.wake();
    if (waitForDelivery) await this.settled();
  }

  private async settled(): Promise<void> {
    await this.loop;
    await Promise.all(this.fetchers.values());
  }

  /** Makes the manager loop look again (assignment, position or pause changed). */
  wake(): void {
    this.wakeRequested = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private isActive(run: number): boolean {
    return this.running && run === this.run;
  }

  private async manage(run: number): Promise<void> {
    while (this.isActive(run)) {
      let wakeAt: number;
      try {
        wakeAt = Math.min(await this.maintainMetadata(), await this.resolvePositions());
        if (!this.isActive(run)) break;
        wakeAt = Math.min(wakeAt, this.startFetchers());
      } catch (error) {
        this.sink.crash(error as Error);
        break;
      }
      await this.sleepUntil(wakeAt);
    }
  }

  private sleepUntil(at: number): Promise<void> {
    if (this.wakeRequested || !this.running) {
      this.wakeRequested = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer =
        at === Infinity
          ? undefined
          : setTimeout(() => this.wake(), Math.max(0, Math.ceil(at - performance.now())));
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeRequested = false;
        resolve();
      };
    });
  }

  /** Refreshes metadata when needed; returns when to look again (Infinity: no need). */
  private async maintainMetadata(): Promise<number> {
    if (this.cluster.addTargetTopics(this.subscriptions.topics())) this.needMetadata = true;
    if (this.cluster.isMetadataStale()) this.needMetadata = true;
    for (const state of this.subscriptions.all()) {
      if (this.cluster.leaderFor(state.topic, state.partition) < 0) {
        this.needMetadata = true;
        break;
      }
    }
    if (!this.needMetadata) return Infinity;
    const now = performance.now();
    if (now < this.metadataRetryAt) return this.metadataRetryAt;
    try {
      await this.cluster.refreshMetadata();
    } catch (error) {
      if (!(error instanceof SamsaError && error.retriable)) throw error;
      this.options.log.warn(`Metadata refresh failed, will retry: ${error.message}`);
      return this.metadataBackoff(now);
    }
    this.needMetadata = this.subscriptions
      .all()
      .some((state) => this.cluster.leaderFor(state.topic, state.partition) < 0);
    if (!this.needMetadata) {
      this.metadataFailures = 0;
      return Infinity;
    }
    return this.metadataBackoff(now);
  }

  private metadataBackoff(now: number): number {
    this.metadataFailures++;
    this.metadataRetryAt = now + backoffDelay(this.options.retry, this.metadataFailures);
    return this.metadataRetryAt;
  }

  /** Looks up unknown positions (committed, earliest / latest); returns when to look again. */
  private async resolvePositions(): Promise<number> {
    let wakeAt = await this.resolveCommitted();
    const now = performance.now();
    const pending: { state: PartitionState; generation: number }[] = [];
    const withoutOffset: PartitionState[] = [];
    for (const state of this.subscriptions.all()) {
      if (state.position >= 0 || state.fromCommitted) continue;
      if (state.reset === 'none') {
        withoutOffset.push(state);
        continue;
      }
      if (state.backoffUntil > now) {
        wakeAt = Math.min(wakeAt, state.backoffUntil);
        continue;
      }
      if (this.cluster.leaderFor(state.topic, state.partition) < 0) continue;
      pending.push({ state, generation: state.generation });
    }
    if (withoutOffset.length > 0) throw new NoOffsetForPartitionError(withoutOffset);
    if (pending.length === 0) return wakeAt;
    const round = await listOffsetsOnce(
      this.cluster,
      pending.map(({ state }) => ({
        topic: state.topic,
        partition: state.partition,
        timestamp: state.reset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
      })),
    );
    for (const answer of round.answers) {
      const entry = pending.find(
        ({ state }) => state.topic === answer.topic && state.partition === answer.partition,
      );
      if (entry === undefined || !this.isCurrent(entry.state, entry.generation)) continue;
      this.options.log.debug(
        `Resetting offset for partition ${answer.topic}-${answer.partition} to ${entry.state.reset} offset ${answer.offset}`,
      );
      entry.state.moveTo(answer.offset);
    }
    for (const { query, error } of round.failures) {
      const state = this.subscriptions.get(query.topic, query.partition);
      if (state === undefined) continue;
      if (!error.retriable) throw error;
      wakeAt = Math.min(wakeAt, this.backOff(state, error));
    }
    return wakeAt;
  }

  /** Reads the committed offsets of partitions that start from them; returns when to look again. */
  private async resolveCommitted(): Promise<number> {
    const committed = this.committed;
    if (committed === undefined) return Infinity;
    const now = performance.now();
    let wakeAt = Infinity;
    const pending: { state: PartitionState; generation: number }[] = [];
    for (const state of this.subscriptions.all()) {
      if (state.position >= 0 || !state.fromCommitted) continue;
      if (state.backoffUntil > now) wakeAt = Math.min(wakeAt, state.backoffUntil);
      else pending.push({ state, generation: state.generation });
    }
    if (pending.length === 0) return wakeAt;
    let offsets: Map<string, number>;
    try {
      offsets = await committed.fetchCommitted(pending.map(({ state }) => state));
    } catch (error) {
      if (!isTransient(error)) throw error;
      // isTransient holds only for SamsaErrors.
      const reason = error as SamsaError;
      for (const { state } of pending) wakeAt = Math.min(wakeAt, this.backOff(state, reason));
      return wakeAt;
    }
    for (const { state, generation } of pending) {
      if (!this.isCurrent(state, generation)) continue;
      const offset = offsets.get(`${state.topic}-${state.partition}`);
      if (offset !== undefined && offset >= 0) {
        this.options.log.debug(
          `Setting offset for partition ${state.topic}-${state.partition} to the committed offset ${offset}`,
        );
        state.moveTo(offset);
      } else {
        state.fromCommitted = false;
      }
    }
    return wakeAt;
  }

  private isCurrent(state: PartitionState, generation: number): boolean {
    return this.running && this.subscriptions.isCurrent(state) && state.generation === generation;
  }

  /** Counts a retriable failure of a partition; returns when it may be tried again. */
  private backOff(state: PartitionState, error: SamsaError): number {
    state.failures++;
    state.backoffUntil = performance.now() + backoffDelay(this.options.retry, state.failures);
    if (isStaleMetadataError(error)) this.needMetadata = true;
    this.options.log.log(
      state.failures > 1 ? 'warn' : 'info',
      `Backing off ${state.topic}-${state.partition} (failure ${state.failures}): ${error.message}`,
    );
    return state.backoffUntil;
  }

  /** Starts fetch loops; returns the next time a backing-off partition becomes fetchable. */
  private startFetchers(): number {
    const now = performance.now();
    let wakeAt = Infinity;
    const leaders = new Set<number>();
    for (const state of this.subscriptions.all()) {
      if (state.position < 0 || state.paused || state.fetching) continue;
      if (state.backoffUntil > now) {
        wakeAt = Math.min(wakeAt, state.backoffUntil);
        continue;
      }
      const leader = this.cluster.leaderFor(state.topic, state.partition);
      if (leader >= 0) leaders.add(leader);
    }
    for (const leader of leaders) {
      if (this.fetchers.has(leader)) continue;
      const fetcher = this.fetchLoop(leader, this.run).finally(() => {
        this.fetchers.delete(leader);
        this.wake();
      });
      this.fetchers.set(leader, fetcher);
    }
    return wakeAt;
  }

  private fetchable(leader: number, now: number): Fetching[] {
    const list: Fetching[] = [];
    for (const state of this.subscriptions.all()) {
      if (state.position < 0 || state.paused || state.fetching || state.backoffUntil > now)
        continue;
      if (this.cluster.leaderFor(state.topic, state.partition) !== leader) continue;
      list.push({ state, generation: state.generation, offset: state.position });
    }
    return list;
  }

  private async fetchLoop(leader: number, run: number): Promise<void> {
    while (this.isActive(run)) {
      const fetching = this.fetchable(leader, performance.now());
      if (fetching.length === 0) return;
      for (const { state } of fetching) state.fetching = true;
      try {
        if (!(await this.fetchOnce(leader, fetching, run))) return;
      } catch (error) {
        this.sink.crash(error as Error);
        return;
      } finally {
        for (const { state } of fetching) state.fetching = false;
      }
    }
  }

  /** One Fetch and the delivery of its records; false when the loop should end. */
  private async fetchOnce(leader: number, fetching: Fetching[], run: number): Promise<boolean> {
    let response: FetchResponse | undefined;
    try {
      response = await Promise.race([
        this.cluster.request(leader, ApiKey.Fetch, this.request(fetching), {
          timeoutMs: this.options.requestTimeout + this.options.maxWaitTimeInMs,
        }),
        this.stopSignal,
      ]);
    } catch (error) {
      if (!(error instanceof SamsaError && error.retriable)) throw error;
      for (const { state } of fetching) {
        this.backOff(
          state,
          withContext(error, {
            broker: leader,
            topic: state.topic,
            partition: state.partition,
          }) as SamsaError,
        );
      }
      return false;
    }
    if (response === undefined || !this.isActive(run)) return false;
    const byTopic = new Map<string, Map<number, Fetching>>();
    for (const entry of fetching) {
      let partitions = byTopic.get(entry.state.topic);
      if (partitions === undefined) {
        partitions = new Map();
        byTopic.set(entry.state.topic, partitions);
      }
      partitions.set(entry.state.partition, entry);
    }
    for (const topic of response.responses) {
      const partitions = byTopic.get(topic.topic);
      if (partitions === undefined) continue;
      for (const answer of topic.partitions) {
        const entry = partitions.get(answer.partition);
        if (entry === undefined || !this.isCurrent(entry.state, entry.generation)) continue;
        const errorCode = answer.errorCode !== 0 ? answer.errorCode : response.errorCode;
        if (errorCode !== 0) {
          this.onPartitionError(leader, entry, errorCode);
          continue;
        }
        await this.onPartitionData(leader, entry, answer);
        if (!this.isActive(run)) return false;
      }
    }
    return true;
  }

  private onPartitionError(leader: number, entry: Fetching, errorCode: number): void {
    const { state } = entry;
    const context = { broker: leader, topic: state.topic, partition: state.partition };
    const error = KafkaError.fromCode(errorCode, undefined, context);
    if (error.type === 'OFFSET_OUT_OF_RANGE') {
      const reset = this.options.autoOffsetReset;
      if (reset === 'none') {
        throw new KafkaError(
          'OFFSET_OUT_OF_RANGE',
          `fetch offset ${entry.offset} is out of range, and autoOffsetReset is 'none'`,
          context,
        );
      }
      this.options.log.info(
        `Fetch offset ${entry.offset} is out of range for partition ${state.topic}-${state.partition}, resetting offset to ${reset}`,
      );
      state.resetTo(reset);
      this.wake();
      return;
    }
    if (!error.retriable) throw error;
    this.backOff(state, error);
    this.wake();
  }

  private async onPartitionData(
    leader: number,
    entry: Fetching,
    answer: FetchResponsePartition,
  ): Promise<void> {
    const { state, offset } = entry;
    state.failures = 0;
    state.highWatermark = answer.highWatermark;
    let parsed: { messages: KafkaMessage[]; nextOffset: number };
    try {
      parsed = await parseRecords(toBuffer(answer.records), offset);
    } catch (error) {
      throw withContext(error, { broker: leader, topic: state.topic, partition: state.partition });
    }
    if (parsed.messages.length === 0) {
      if (parsed.nextOffset > offset && this.isCurrent(state, entry.generation)) {
        state.position = parsed.nextOffset;
      }
      return;
    }
    await this.sink.deliver({
      state,
      generation: entry.generation,
      fetchOffset: offset,
      batch: new Batch(state.topic, state.partition, answer.highWatermark, parsed.messages),
      nextOffset: parsed.nextOffset,
    });
  }

  private request(fetching: readonly Fetching[]) {
    const topics = new Map<
      string,
      {
        partition: number;
        currentLeaderEpoch: number;
        fetchOffset: number;
        logStartOffset: number;
        partitionMaxBytes: number;
      }[]
    >();
    for (const { state, offset } of fetching) {
      let partitions = topics.get(state.topic);
      if (partitions === undefined) {
        partitions = [];
        topics.set(state.topic, partitions);
      }
      partitions.push({
        partition: state.partition,
        currentLeaderEpoch: -1,
        fetchOffset: offset,
        logStartOffset: -1,
        partitionMaxBytes: this.options.maxBytesPerPartition,
      });
    }
    return {
      replicaId: -1,
      maxWaitMs: this.options.maxWaitTimeInMs,
      minBytes: this.options.minBytes,
      maxBytes: this.options.maxBytes,
      isolationLevel: 0,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * The messages at or after `fetchOffset` in the batches of `records`, and the offset after the
 * last complete batch. A response holding bytes but not one complete batch cannot make progress.
 */
async function parseRecords(
  records: Buffer,
  fetchOffset: number,
): Promise<{ messages: KafkaMessage[]; nextOffset: number }> {
  const messages: KafkaMessage[] = [];
  let nextOffset = fetchOffset;
  let complete = 0;
  for (const location of iterateBatches(records, { allowTruncatedTail: true })) {
    complete++;
    const header = location.header;
    const lastOffset = header.baseOffset + header.lastOffsetDelta;
    if (lastOffset < fetchOffset) continue;
    if (lastOffset + 1 > nextOffset) nextOffset = lastOffset + 1;
    if (isControlBatch(header.attributes)) continue;
    const bytes = records.subarray(location.offset, location.offset + location.size);
    const batch: DecodedRecordBatch =
      compressionOf(header.attributes) === CompressionCodec.None
        ? decodeRecordBatchSync(bytes)
        : await decodeRecordBatch(bytes);
    const type = batch.timestampType;
    for (const record of batch.records) {
      if (record.offset >= fetchOffset) messages.push(toKafkaMessage(record, type));
    }
  }
  if (complete === 0 && records.length > 0) {
    throw new KafkaError(
      'MESSAGE_TOO_LARGE',
      `the fetch at offset ${fetchOffset} returned ${records.length} bytes but no complete record batch: raise maxBytesPerPartition`,
    );
  }
  return { messages, nextOffset };
}
