/**
 * The consumer (KafkaJS's shape), without consumer groups for now: the application says which
 * partitions to read with `assign([{ topic, partition, offset? }])` and where with `seek`; there
 * is no group membership, no rebalancing and no committed offsets. `samsa.consumer({ groupId })`
 * is refused with a clear error until groups exist.
 *
 * - `run({ eachMessage | eachBatch })` starts the fetch loop (fetch-manager.ts) and resolves once
 *   it runs. Handlers are called one partition batch at a time, in offset order per partition.
 *   The position of a partition moves past a message once `eachMessage` resolves for it (with
 *   `eachBatch`: at `resolveOffset(offset)`, and past the whole batch when the handler resolves if
 *   `eachBatchAutoResolve`, the default).
 * - A handler that throws stops the consumer ("crash"): the error is logged and given to the
 *   `consumer.crash` listeners; the position stays at the message that failed, so a new `run`
 *   starts there. Retriable broker errors never crash it (they back off and retry).
 * - A partition without an offset starts at `fromBeginning` (assign option) or `autoOffsetReset`
 *   ('latest' by default, as Kafka): ListOffsets -2 / -1.
 * - `pause` / `resume` take `[{ topic, partitions? }]`; records of a partition paused while they
 *   were being fetched are dropped and fetched again after `resume`.
 * - `stop()` ends fetching after the handler in progress (called from inside a handler, it does not
 *   wait for that handler); `disconnect()` stops and closes the connections.
 *
 * Group membership will plug in under this API: it will call the same assignment
 * (SubscriptionState.assign) with partitions from SyncGroup and committed offsets as positions.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { EventEmitter } from 'events';
import { Cluster, ClusterOptions } from '../cluster/cluster';
import type { RetryOptions } from '../cluster/retry';
import { SamsaError } from '../errors';
import { logger, Logger } from '../logging';
import { FetchManager, FetchedPartition } from './fetch-manager';
import { Batch, KafkaMessage } from './messages';
import {
  OffsetReset,
  PartitionState,
  SubscriptionState,
  TopicPartition,
  TopicPartitions,
} from './subscription-state';

export interface ConsumerConfig {
  /** Refused for now: consumer groups come in a later release. */
  groupId?: string;
  /** How long the broker may hold a fetch waiting for minBytes. Default 500. */
  maxWaitTimeInMs?: number;
  /** Bytes a fetch waits for (up to maxWaitTimeInMs). Default 1. */
  minBytes?: number;
  /** Bytes per fetch response. Default 52428800. */
  maxBytes?: number;
  /** Bytes per partition per fetch. Default 1048576. */
  maxBytesPerPartition?: number;
  /** Where to start without an offset, and after OFFSET_OUT_OF_RANGE. Default 'latest'. */
  autoOffsetReset?: OffsetReset;
  retry?: RetryOptions;
  metadataMaxAge?: number;
}

export interface AssignedPartition extends TopicPartition {
  /** Where to start; absent: `fromBeginning` / autoOffsetReset decide. */
  offset?: number | string;
}

export type SeekOffset = number | string | 'earliest' | 'latest';

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: KafkaMessage;
  /** Pauses this partition after this message; returns a function that resumes it. */
  pause(): () => void;
}

export interface EachBatchPayload {
  batch: Batch;
  /** Marks messages up to `offset` as consumed: the position moves to offset + 1. */
  resolveOffset(offset: number): void;
  isRunning(): boolean;
  /** True once the records are outdated (a seek, a new assignment, a stop). */
  isStale(): boolean;
  pause(): () => void;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void> | void;
  eachBatch?: (payload: EachBatchPayload) => Promise<void> | void;
  /** Move past the whole batch when eachBatch resolves. Default true. */
  eachBatchAutoResolve?: boolean;
}

/** Consumer events (KafkaJS's names); listeners get `{ type, timestamp, payload }`. */
export const ConsumerEvents = {
  CRASH: 'consumer.crash',
  STOP: 'consumer.stop',
} as const;

export type ConsumerEventType = (typeof ConsumerEvents)[keyof typeof ConsumerEvents];

export interface ConsumerEvent {
  type: ConsumerEventType;
  timestamp: number;
  payload: { error?: Error };
}

export type ConsumerClusterOptions = Omit<
  ClusterOptions,
  'retry' | 'metadataMaxAge' | 'allowAutoTopicCreation'
>;

export class Consumer {
  readonly events = ConsumerEvents;
  private readonly cluster: Cluster;
  private readonly subscriptions = new SubscriptionState();
  private readonly fetchManager: FetchManager;
  private readonly autoOffsetReset: OffsetReset;
  private readonly emitter = new EventEmitter();
  private readonly insideHandler = new AsyncLocalStorage<true>();
  private readonly log: Logger;
  private connected = false;
  private handlers: ConsumerRunConfig | undefined;
  private deliveries: Promise<void> = Promise.resolve();

  constructor(cluster: ConsumerClusterOptions, config: ConsumerConfig = {}) {
    if (config.groupId !== undefined) {
      throw new SamsaError(
        `consumer groups are not available yet in samsa (groupId ${JSON.stringify(config.groupId)}): create the consumer without groupId and choose partitions with consumer.assign([{ topic, partition }])`,
      );
    }
    this.autoOffsetReset = config.autoOffsetReset ?? 'latest';
    if (!['earliest', 'latest', 'none'].includes(this.autoOffsetReset)) {
      throw new SamsaError(
        `autoOffsetReset must be 'earliest', 'latest' or 'none', got ${String(config.autoOffsetReset)}`,
      );
    }
    this.log = logger(`Consumer clientId=${cluster.clientId}`);
    this.cluster = new Cluster({
      ...cluster,
      retry: config.retry,
      metadataMaxAge: config.metadataMaxAge,
      allowAutoTopicCreation: false,
      logger: this.log,
    });
    const maxWaitTimeInMs = nonNegativeInteger('maxWaitTimeInMs', config.maxWaitTimeInMs ?? 500);
    this.fetchManager = new FetchManager(
      this.cluster,
      this.subscriptions,
      {
        maxWaitTimeInMs,
        minBytes: nonNegativeInteger('minBytes', config.minBytes ?? 1),
        maxBytes: positiveInteger('maxBytes', config.maxBytes ?? 52428800),
        maxBytesPerPartition: positiveInteger(
          'maxBytesPerPartition',
          config.maxBytesPerPartition ?? 1048576,
        ),
        autoOffsetReset: this.autoOffsetReset,
        retry: this.cluster.retryOptions,
        requestTimeout: this.cluster.requestTimeout,
        log: this.log,
      },
      { deliver: (fetched) => this.deliver(fetched), crash: (error) => this.crash(error) },
    );
  }

  /** Bootstraps the cluster metadata. */
  async connect(): Promise<void> {
    await this.cluster.connect();
    this.connected = true;
  }

  /** Stops (after the handler in progress) and closes every connection. */
  async disconnect(): Promise<void> {
    await this.stop();
    this.connected = false;
    await this.cluster.disconnect();
  }

  /**
   * Reads exactly these partitions from now on (replacing the previous assignment; partitions
   * kept keep their positions). Without `offset`, a partition starts at the earliest offset with
   * `fromBeginning: true`, the latest with `false`, else per autoOffsetReset.
   */
  assign(partitions: AssignedPartition[], options: { fromBeginning?: boolean } = {}): void {
    if (!Array.isArray(partitions)) {
      throw new SamsaError('assign needs a list of { topic, partition, offset? }');
    }
    for (const entry of partitions) {
      if (
        entry === null ||
        typeof entry !== 'object' ||
        typeof entry.topic !== 'string' ||
        entry.topic === '' ||
        !Number.isInteger(entry.partition) ||
        entry.partition < 0
      ) {
        throw new SamsaError(
          `assign needs { topic, partition } entries with a partition number >= 0, got ${JSON.stringify(entry)}`,
        );
      }
    }
    const offsets = partitions.map((entry) =>
      entry.offset === undefined ? undefined : parseOffset(entry.offset, entry),
    );
    const reset: OffsetReset =
      options.fromBeginning === undefined
        ? this.autoOffsetReset
        : options.fromBeginning
          ? 'earliest'
          : 'latest';
    const states = this.subscriptions.assign(partitions, reset);
    states.forEach((state, index) => {
      const offset = offsets[index];
      if (typeof offset === 'number') state.moveTo(offset);
      else if (offset !== undefined) state.resetTo(offset);
    });
    this.cluster.addTargetTopics(this.subscriptions.topics());
    this.fetchManager.wake();
  }

  /** The assigned partitions. */
  assignment(): TopicPartition[] {
    return this.subscriptions
      .all()
      .map((state) => ({ topic: state.topic, partition: state.partition }));
  }

  /** The next offset to be consumed from a partition; undefined until it is known. */
  position(partition: TopicPartition): number | undefined {
    const state = this.subscriptions.require(partition.topic, partition.partition);
    return state.position >= 0 ? state.position : undefined;
  }

  /** Moves an assigned partition to `offset` (a number, or 'earliest' / 'latest'). */
  seek(target: TopicPartition & { offset: SeekOffset }): void {
    if (target === null || typeof target !== 'object') {
      throw new SamsaError('seek needs { topic, partition, offset }');
    }
    const state = this.subscriptions.require(target.topic, target.partition);
    const offset = parseOffset(target.offset, target);
    if (typeof offset === 'number') state.moveTo(offset);
    else state.resetTo(offset);
    this.fetchManager.wake();
  }

  pause(topics: TopicPartitions[]): void {
    for (const state of this.subscriptions.select(topics)) state.paused = true;
  }

  resume(topics: TopicPartitions[]): void {
    for (const state of this.subscriptions.select(topics)) state.paused = false;
    this.fetchManager.wake();
  }

  paused(): { topic: string; partitions: number[] }[] {
    return this.subscriptions.paused();
  }

  /** Starts consuming; resolves once the fetch loop runs. */
  async run(config: ConsumerRunConfig): Promise<void> {
    if (!this.connected) {
      throw new SamsaError('the consumer is not connected: call await consumer.connect() first');
    }
    if (this.fetchManager.isRunning) throw new SamsaError('the consumer is already running');
    if (
      config === null ||
      typeof config !== 'object' ||
      (typeof config.eachMessage !== 'function') === (typeof config.eachBatch !== 'function')
    ) {
      throw new SamsaError('run needs exactly one of eachMessage or eachBatch');
    }
    this.handlers = config;
    this.fetchManager.start();
  }

  /** Stops consuming once the handler in progress returns. */
  async stop(): Promise<void> {
    const wasRunning = this.fetchManager.isRunning;
    await this.fetchManager.stop(this.insideHandler.getStore() !== true);
    if (wasRunning) this.emit(ConsumerEvents.STOP, {});
  }

  /** Listens to a consumer event; returns a function that removes the listener. */
  on(type: ConsumerEventType, listener: (event: ConsumerEvent) => void): () => void {
    if (!Object.values(ConsumerEvents).includes(type)) {
      throw new SamsaError(
        `unknown consumer event ${String(type)}: use one of ${Object.values(ConsumerEvents).join(', ')}`,
      );
    }
    const wrapped = (event: ConsumerEvent): void => {
      try {
        listener(event);
      } catch (error) {
        this.log.error(`A ${type} listener failed: ${(error as Error).message}`);
      }
    };
    this.emitter.on(type, wrapped);
    return () => this.emitter.off(type, wrapped);
  }

  private emit(type: ConsumerEventType, payload: { error?: Error }): void {
    this.emitter.emit(type, { type, timestamp: Date.now(), payload });
  }

  private crash(error: Error): void {
    if (!this.fetchManager.isRunning) return;
    this.log.error(`Consumer stopped by an error: ${error.message}`);
    void this.fetchManager.stop(false);
    this.emit(ConsumerEvents.CRASH, { error });
  }

  /** Delivers fetched records, one partition batch at a time across every fetch loop. */
  private deliver(fetched: FetchedPartition): Promise<void> {
    const delivery = this.deliveries.then(() =>
      this.insideHandler.run(true, () => this.deliverNow(fetched)),
    );
    // The next delivery waits for this one to end either way; its failure reaches the caller.
    this.deliveries = delivery.then(
      () => undefined,
      () => undefined,
    );
    return delivery;
  }

  private async deliverNow(fetched: FetchedPartition): Promise<void> {
    const { state, generation, batch } = fetched;
    const handlers = this.handlers as ConsumerRunConfig;
    const current = (): boolean =>
      this.fetchManager.isRunning &&
      this.subscriptions.isCurrent(state) &&
      state.generation === generation;
    if (!current() || state.paused) return;
    const pause = (): (() => void) => this.pauseFromHandler(state);
    if (handlers.eachMessage !== undefined) {
      const eachMessage = handlers.eachMessage;
      const { topic, partition } = state;
      for (const message of batch.messages) {
        if (!current() || state.paused) return;
        await eachMessage({ topic, partition, message, pause });
        if (state.generation === generation) state.position = message.offset + 1;
      }
      if (current() && !state.paused) state.position = fetched.nextOffset;
      return;
    }
    const eachBatch = handlers.eachBatch as NonNullable<ConsumerRunConfig['eachBatch']>;
    await eachBatch({
      batch,
      resolveOffset: (offset: number) => {
        if (state.generation === generation && offset + 1 > state.position) {
          state.position = offset + 1;
        }
      },
      isRunning: () => this.fetchManager.isRunning,
      isStale: () => !current(),
      pause,
    });
    if ((handlers.eachBatchAutoResolve ?? true) && current()) {
      state.position = Math.max(state.position, fetched.nextOffset);
    }
  }

  private pauseFromHandler(state: PartitionState): () => void {
    state.paused = true;
    return () => {
      if (!this.subscriptions.isCurrent(state)) return;
      state.paused = false;
      this.fetchManager.wake();
    };
  }
}

/** A number, a decimal string, or 'earliest' / 'latest'. */
function parseOffset(
  offset: SeekOffset,
  where: { topic: string; partition: number },
): number | 'earliest' | 'latest' {
  if (offset === 'earliest' || offset === 'latest') return offset;
  const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SamsaError(
      `offset for ${where.topic}-${where.partition} must be an integer >= 0, 'earliest' or 'latest', got ${JSON.stringify(offset)}`,
    );
  }
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new SamsaError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new SamsaError(`${name} must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}
