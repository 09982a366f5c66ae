/**
 * The consumer (KafkaJS's shape, Kafka 2.8's semantics).
 *
 * Two ways to choose partitions, as in Kafka (mixing them is an error):
 * - `subscribe({ topics | topic, fromBeginning })` with a `groupId`: the consumer group shares the
 *   topics' partitions among its members and rebalances as members come and go
 *   (consumer-group.ts); each partition starts at the group's committed offset.
 * - `assign([{ topic, partition, offset? }])`: the application names the partitions (and `seek`
 *   moves them). With a `groupId` too, partitions without an offset start at the group's committed
 *   offset and positions are committed, without group membership (Kafka's manual assignment).
 *
 * - `run({ eachMessage | eachBatch })` starts the fetch loop (fetch-manager.ts) and resolves once
 *   it runs (a group member: once it has joined and has its first assignment). Handlers are called
 *   one partition batch at a time, in offset order per partition. The position of a partition
 *   moves past a message once `eachMessage` resolves for it (with `eachBatch`: at
 *   `resolveOffset(offset)`, and past the whole batch when the handler resolves if
 *   `eachBatchAutoResolve`, the default); positions are what a group commits.
 * - A handler that throws stops the consumer ("crash"): the error is logged and given to the
 *   `consumer.crash` listeners; the position stays at the message that failed (a group member
 *   commits it and leaves). Retriable broker errors never crash it (they back off and retry).
 * - A partition without an offset (and no committed one) starts at `fromBeginning` (subscribe or
 *   assign option) or `autoOffsetReset` ('latest' by default, as Kafka; 'none' stops the consumer
 *   with NoOffsetForPartitionError): ListOffsets -2 / -1.
 * - `pause` / `resume` take `[{ topic, partitions? }]`; records of a partition paused while they
 *   were being fetched are dropped and fetched again after `resume`. A paused topic stays paused
 *   for partitions a rebalance assigns later.
 * - `commitOffsets([{ topic, partition, offset }])` commits (offset = the next offset to read);
 *   without an argument it commits every position that moved.
 * - `stop()` ends fetching after the handler in progress (called from inside a handler, it does not
 *   wait for that handler), commits with autoCommit and leaves the group; `disconnect()` stops and
 *   closes the connections.
 */
import { AsyncLocalStorage } from 'async_hooks';
import { EventEmitter } from 'events';
import { Cluster, ClusterOptions } from '../cluster/cluster';
import type { RetryOptions } from '../cluster/retry';
import { SamsaError } from '../errors';
import { logger, Logger } from '../logging';
import type { PartitionAssignor } from './assignors/assignor';
import { RangeAssignor } from './assignors/range';
import { RoundRobinAssignor } from './assignors/round-robin';
import { StickyAssignor } from './assignors/sticky';
import {
  ConsumerEvent,
  ConsumerEventPayloads,
  ConsumerEventType,
  ConsumerEvents,
} from './consumer-events';
import { ConsumerGroup, GroupHost, OffsetToCommit, RebalanceListener } from './consumer-group';
import { FetchManager, FetchedPartition } from './fetch-manager';
import { Batch, KafkaMessage } from './messages';
import {
  OffsetReset,
  PartitionState,
  SubscriptionState,
  TopicPartition,
  TopicPartitions,
} from './subscription-state';

export { ConsumerEvents };
export type { ConsumerEvent, ConsumerEventType };

/** The assignors samsa has, by their Kafka protocol names (KafkaJS's PartitionAssigners). */
export const PartitionAssigners = {
  range: 'range',
  roundRobin: 'roundrobin',
  sticky: 'sticky',
} as const;

export type PartitionAssignerName = (typeof PartitionAssigners)[keyof typeof PartitionAssigners];

export interface ConsumerConfig {
  /** The consumer group (Kafka's group.id): needed by subscribe() and commitOffsets(). */
  groupId?: string;
  /** Static membership (Kafka's group.instance.id, KIP-345). */
  groupInstanceId?: string;
  /** The group drops a member it has not heard from for this long. Default 10000 (Kafka 2.8). */
  sessionTimeout?: number;
  /** How long the group waits for members to rejoin (Kafka's max.poll.interval.ms). Default 300000. */
  rebalanceTimeout?: number;
  /** Heartbeat period; below sessionTimeout. Default 3000. */
  heartbeatInterval?: number;
  /** Assignors offered to the group, preferred first. Default ['range'] (Kafka 2.8's). */
  partitionAssigners?: (PartitionAssignerName | PartitionAssignor)[];
  /** Commit the positions of handled records automatically. Default true. */
  autoCommit?: boolean;
  /** Milliseconds between automatic commits. Default 5000. */
  autoCommitInterval?: number;
  /** Also commit automatically once this many messages were handled since the last commit. */
  autoCommitThreshold?: number;
  /** Called with the new assignment after each rebalance, before records flow. */
  onPartitionsAssigned?: RebalanceListener;
  /** Called with the assignment being given up, before each rebalance and when stopping. */
  onPartitionsRevoked?: RebalanceListener;
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
  /**
   * Metadata older than this is refreshed; also how often a group member checks its regex
   * subscription (and the leader the partition counts) for changes. Default 300000.
   */
  metadataMaxAge?: number;
}

export interface ConsumerSubscribeTopics {
  /** Topic names, or RegExps matched against the cluster's topics (RegExp.test). */
  topics?: (string | RegExp)[];
  topic?: string | RegExp;
  /** Without a committed offset: true = earliest, false = latest; absent: autoOffsetReset. */
  fromBeginning?: boolean;
}

export interface AssignedPartition extends TopicPartition {
  /** Where to start; absent: the committed offset (with a groupId), else fromBeginning / autoOffsetReset. */
  offset?: number | string;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** The next offset to read (a number or a decimal string). */
  offset: number | string;
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
  /** True once the records are outdated (a seek, a new assignment, a rebalance, a stop). */
  isStale(): boolean;
  pause(): () => void;
}

export interface ConsumerRunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void> | void;
  eachBatch?: (payload: EachBatchPayload) => Promise<void> | void;
  /** Move past the whole batch when eachBatch resolves. Default true. */
  eachBatchAutoResolve?: boolean;
}

export type ConsumerClusterOptions = Omit<
  ClusterOptions,
  'retry' | 'metadataMaxAge' | 'allowAutoTopicCreation'
>;

/** Lets deliveries through, or holds them (during a rebalance). */
class DeliveryGate {
  private waiting: Promise<void> | undefined;
  private release: (() => void) | undefined;

  get isOpen(): boolean {
    return this.waiting === undefined;
  }

  close(): void {
    this.waiting ??= new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    const release = this.release;
    this.waiting = undefined;
    this.release = undefined;
    release?.();
  }

  /** Resolves once the gate is open. */
  passed(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }
}

export class Consumer {
  readonly events = ConsumerEvents;
  private readonly cluster: Cluster;
  private readonly subscriptions = new SubscriptionState();
  private readonly fetchManager: FetchManager;
  private readonly autoOffsetReset: OffsetReset;
  private readonly emitter = new EventEmitter();
  private readonly insideHandler = new AsyncLocalStorage<true>();
  private readonly gate = new DeliveryGate();
  private readonly log: Logger;
  /** With a groupId: the group membership and its committed offsets. */
  private readonly group: ConsumerGroup | undefined;
  /** The group's own connections (JoinGroup may wait long at the coordinator). */
  private readonly coordinatorCluster: Cluster | undefined;
  private connected = false;
  private handlers: ConsumerRunConfig | undefined;
  private deliveries: Promise<void> = Promise.resolve();
  private inHandler: Promise<void> | undefined;

  constructor(cluster: ConsumerClusterOptions, config: ConsumerConfig = {}) {
    this.autoOffsetReset = config.autoOffsetReset ?? 'latest';
    if (!['earliest', 'latest', 'none'].includes(this.autoOffsetReset)) {
      throw new SamsaError(
        `autoOffsetReset must be 'earliest', 'latest' or 'none', got ${String(config.autoOffsetReset)}`,
      );
    }
    if (
      config.groupId !== undefined &&
      (typeof config.groupId !== 'string' || config.groupId === '')
    ) {
      throw new SamsaError(
        `groupId must be a non-empty string, got ${JSON.stringify(config.groupId)}`,
      );
    }
    this.log = logger(
      config.groupId === undefined
        ? `Consumer clientId=${cluster.clientId}`
        : `Consumer clientId=${cluster.clientId}, groupId=${config.groupId}`,
    );
    const clusterOptions = {
      ...cluster,
      retry: config.retry,
      metadataMaxAge: config.metadataMaxAge,
      allowAutoTopicCreation: false,
      logger: this.log,
    };
    this.cluster = new Cluster(clusterOptions);
    if (config.groupId !== undefined) {
      this.coordinatorCluster = new Cluster(clusterOptions);
      this.group = new ConsumerGroup(
        groupConfig(config.groupId, config, this.autoOffsetReset, this.cluster),
        this.groupHost(),
        this.coordinatorCluster,
        this.log,
      );
    }
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
      this.group,
    );
  }

  /** Bootstraps the cluster metadata. */
  async connect(): Promise<void> {
    await this.cluster.connect();
    await this.coordinatorCluster?.connect();
    this.connected = true;
    this.emit(ConsumerEvents.CONNECT, {});
  }

  /** Stops (after the handler in progress; leaving the group) and closes every connection. */
  async disconnect(): Promise<void> {
    await this.stop();
    const wasConnected = this.connected;
    this.connected = false;
    await this.cluster.disconnect();
    await this.coordinatorCluster?.disconnect();
    if (wasConnected) this.emit(ConsumerEvents.DISCONNECT, {});
  }

  /**
   * Subscribes to topics (names or RegExps) as a member of the consumer group; call before run().
   * Several calls add up, each with its own fromBeginning.
   */
  async subscribe(subscription: ConsumerSubscribeTopics): Promise<void> {
    const group = this.group;
    if (group === undefined) {
      throw new SamsaError(
        'subscribe needs a consumer group: create the consumer with samsa.consumer({ groupId }), or choose partitions with consumer.assign([{ topic, partition }])',
      );
    }
    if (subscription === null || typeof subscription !== 'object') {
      throw new SamsaError('subscribe needs { topics: [names or RegExps], fromBeginning? }');
    }
    const topics = [
      ...(subscription.topics ?? []),
      ...(subscription.topic === undefined ? [] : [subscription.topic]),
    ];
    if (
      !Array.isArray(subscription.topics ?? []) ||
      topics.length === 0 ||
      !topics.every(
        (topic) => (typeof topic === 'string' && topic !== '') || topic instanceof RegExp,
      )
    ) {
      throw new SamsaError(
        `subscribe needs { topics: [names or RegExps] } or { topic }, got ${describe(subscription)}`,
      );
    }
    if (
      subscription.fromBeginning !== undefined &&
      typeof subscription.fromBeginning !== 'boolean'
    ) {
      throw new SamsaError(
        `fromBeginning must be true or false, got ${describe(subscription.fromBeginning)}`,
      );
    }
    if (this.fetchManager.isRunning) {
      throw new SamsaError(
        'cannot subscribe while the consumer is running: subscribe before run()',
      );
    }
    if (this.subscriptions.all().length > 0) {
      throw new SamsaError(
        'subscribe and assign are mutually exclusive: this consumer already assigned partitions itself',
      );
    }
    group.subscribe(topics, subscription.fromBeginning);
  }

  /**
   * Reads exactly these partitions from now on (replacing the previous assignment; partitions
   * kept keep their positions). Without `offset`, a partition starts at the group's committed
   * offset (with a groupId), else at the earliest offset with `fromBeginning: true`, the latest
   * with `false`, else per autoOffsetReset.
   */
  assign(partitions: AssignedPartition[], options: { fromBeginning?: boolean } = {}): void {
    if (this.group?.subscribed === true) {
      throw new SamsaError(
        'subscribe and assign are mutually exclusive: this consumer subscribed to topics, so its group assigns its partitions',
      );
    }
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
    const states = this.subscriptions.assign(partitions, reset, {
      fromCommitted: this.group !== undefined,
    });
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

  /**
   * Moves an assigned partition to `offset` (a number, or 'earliest' / 'latest'); in a group the
   * new position is committed by the next commit.
   */
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

  /**
   * Commits offsets for the group (offset = the next offset to read, as Kafka and KafkaJS); without
   * an argument, every position that moved since its last commit.
   */
  async commitOffsets(offsets?: TopicPartitionOffset[]): Promise<void> {
    const group = this.group;
    if (group === undefined) {
      throw new SamsaError(
        'commitOffsets needs a consumer group: create the consumer with samsa.consumer({ groupId })',
      );
    }
    if (offsets !== undefined && !Array.isArray(offsets)) {
      throw new SamsaError('commitOffsets needs a list of { topic, partition, offset }');
    }
    const parsed = offsets?.map((entry): OffsetToCommit => {
      if (
        entry === null ||
        typeof entry !== 'object' ||
        typeof entry.topic !== 'string' ||
        entry.topic === '' ||
        !Number.isInteger(entry.partition) ||
        entry.partition < 0
      ) {
        throw new SamsaError(
          `commitOffsets needs { topic, partition, offset } entries, got ${JSON.stringify(entry)}`,
        );
      }
      const offset = parseOffset(entry.offset, entry);
      if (typeof offset !== 'number') {
        throw new SamsaError(
          `the offset to commit for ${entry.topic}-${entry.partition} must be a number, got ${JSON.stringify(entry.offset)}`,
        );
      }
      return { topic: entry.topic, partition: entry.partition, offset };
    });
    if (!this.connected) {
      throw new SamsaError('the consumer is not connected: call await consumer.connect() first');
    }
    if (group.subscribed && !group.isRunning) {
      throw new SamsaError(
        'the consumer has not joined its group: commit offsets once run() has resolved',
      );
    }
    await group.commit(parsed);
  }

  pause(topics: TopicPartitions[]): void {
    this.subscriptions.pause(topics);
  }

  resume(topics: TopicPartitions[]): void {
    this.subscriptions.resume(topics);
    this.fetchManager.wake();
  }

  paused(): { topic: string; partitions: number[] }[] {
    return this.subscriptions.paused();
  }

  /** Starts consuming; resolves once the fetch loop runs (a group member: once it has joined). */
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
    this.gate.open();
    this.fetchManager.start();
    await this.group?.start();
  }

  /** Stops consuming once the handler in progress returns; a group member commits and leaves. */
  async stop(): Promise<void> {
    const inside = this.insideHandler.getStore() === true;
    const wasRunning = this.fetchManager.isRunning;
    await this.fetchManager.stop(false);
    await this.group?.stop(!inside);
    this.gate.open();
    if (!inside) await this.fetchManager.stop(true);
    if (wasRunning) this.emit(ConsumerEvents.STOP, {});
  }

  /** Listens to a consumer event; returns a function that removes the listener. */
  on<T extends ConsumerEventType>(
    type: T,
    listener: (event: ConsumerEvent<T>) => void,
  ): () => void {
    if (!(Object.values(ConsumerEvents) as string[]).includes(type)) {
      throw new SamsaError(
        `unknown consumer event ${String(type)}: use one of ${Object.values(ConsumerEvents).join(', ')}`,
      );
    }
    const wrapped = (event: ConsumerEvent<T>): void => {
      try {
        listener(event);
      } catch (error) {
        this.log.error(`A ${type} listener failed: ${(error as Error).message}`);
      }
    };
    this.emitter.on(type, wrapped);
    return () => this.emitter.off(type, wrapped);
  }

  private emit<T extends ConsumerEventType>(type: T, payload: ConsumerEventPayloads[T]): void {
    this.emitter.emit(type, { type, timestamp: Date.now(), payload });
  }

  private groupHost(): GroupHost {
    return {
      subscriptions: this.subscriptions,
      cluster: this.cluster,
      assignFromGroup: (partitions, reset) => {
        this.subscriptions.assign(partitions, reset, { fromCommitted: true });
        this.cluster.addTargetTopics(this.subscriptions.topics());
        this.fetchManager.wake();
      },
      holdDeliveries: async (wait) => {
        this.gate.close();
        if (wait) await this.inHandler;
      },
      releaseDeliveries: () => this.gate.open(),
      emit: (type, payload) => this.emit(type, payload),
      crash: (error) => this.crash(error),
    };
  }

  private crash(error: Error): void {
    if (!this.fetchManager.isRunning) return;
    this.log.error(`Consumer stopped by an error: ${error.message}`);
    void this.fetchManager.stop(false);
    this.emit(ConsumerEvents.CRASH, { error, groupId: this.group?.groupId });
    const group = this.group;
    if (group !== undefined) {
      void group.stop(this.insideHandler.getStore() !== true).then(() => this.gate.open());
    }
  }

  /** Delivers fetched records, one partition batch at a time across every fetch loop. */
  private deliver(fetched: FetchedPartition): Promise<void> {
    const delivery = this.deliveries.then(async () => {
      await this.gate.passed();
      const handled = this.insideHandler.run(true, () => this.deliverNow(fetched));
      this.inHandler = handled.then(
        () => undefined,
        () => undefined,
      );
      let count: number;
      try {
        count = await handled;
      } finally {
        this.inHandler = undefined;
      }
      if (count > 0) await this.group?.onDelivered(count);
    });
    // The next delivery waits for this one to end either way; its failure reaches the caller.
    this.deliveries = delivery.then(
      () => undefined,
      () => undefined,
    );
    return delivery;
  }

  /** Hands one partition batch to the handler; resolves to the number of messages handled. */
  private async deliverNow(fetched: FetchedPartition): Promise<number> {
    const { state, generation, batch } = fetched;
    const handlers = this.handlers as ConsumerRunConfig;
    const current = (): boolean =>
      this.fetchManager.isRunning &&
      this.subscriptions.isCurrent(state) &&
      state.generation === generation;
    const stale = (): boolean => !current() || !this.gate.isOpen;
    if (stale() || state.paused) return 0;
    const pause = (): (() => void) => this.pauseFromHandler(state);
    if (handlers.eachMessage !== undefined) {
      const eachMessage = handlers.eachMessage;
      const { topic, partition } = state;
      let handled = 0;
      for (const message of batch.messages) {
        if (stale() || state.paused) return handled;
        await eachMessage({ topic, partition, message, pause });
        handled++;
        if (state.generation === generation) state.position = message.offset + 1;
      }
      if (current() && !state.paused) state.position = fetched.nextOffset;
      return handled;
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
      isStale: stale,
      pause,
    });
    if ((handlers.eachBatchAutoResolve ?? true) && !stale()) {
      state.position = Math.max(state.position, fetched.nextOffset);
    }
    if (state.generation !== generation) return 0;
    return batch.messages.filter((message) => message.offset < state.position).length;
  }

  private pauseFromHandler(state: PartitionState): () => void {
    const resume = this.subscriptions.pausePartition(state);
    return () => {
      resume();
      this.fetchManager.wake();
    };
  }
}

/** The group settings from the consumer config, checked, with Kafka 2.8's defaults. */
function groupConfig(
  groupId: string,
  config: ConsumerConfig,
  autoOffsetReset: OffsetReset,
  cluster: Cluster,
) {
  const sessionTimeout = positiveInteger('sessionTimeout', config.sessionTimeout ?? 10000);
  const heartbeatInterval = positiveInteger('heartbeatInterval', config.heartbeatInterval ?? 3000);
  if (heartbeatInterval >= sessionTimeout) {
    throw new SamsaError(
      `heartbeatInterval (${heartbeatInterval}) must be lower than sessionTimeout (${sessionTimeout})`,
    );
  }
  if (
    config.groupInstanceId !== undefined &&
    (typeof config.groupInstanceId !== 'string' || config.groupInstanceId === '')
  ) {
    throw new SamsaError(
      `groupInstanceId must be a non-empty string, got ${JSON.stringify(config.groupInstanceId)}`,
    );
  }
  for (const name of ['onPartitionsAssigned', 'onPartitionsRevoked'] as const) {
    if (config[name] !== undefined && typeof config[name] !== 'function') {
      throw new SamsaError(`${name} must be a function`);
    }
  }
  if (config.autoCommit !== undefined && typeof config.autoCommit !== 'boolean') {
    throw new SamsaError(`autoCommit must be true or false, got ${describe(config.autoCommit)}`);
  }
  return {
    groupId,
    sessionTimeout,
    rebalanceTimeout: positiveInteger('rebalanceTimeout', config.rebalanceTimeout ?? 300000),
    heartbeatInterval,
    groupInstanceId: config.groupInstanceId ?? null,
    assignors: resolveAssignors(config.partitionAssigners ?? [PartitionAssigners.range]),
    autoCommit: config.autoCommit ?? true,
    autoCommitInterval: positiveInteger('autoCommitInterval', config.autoCommitInterval ?? 5000),
    autoCommitThreshold:
      config.autoCommitThreshold === undefined
        ? null
        : positiveInteger('autoCommitThreshold', config.autoCommitThreshold),
    metadataMaxAge: positiveInteger('metadataMaxAge', config.metadataMaxAge ?? 300000),
    autoOffsetReset,
    retry: cluster.retryOptions,
    requestTimeout: cluster.requestTimeout,
    onPartitionsAssigned: config.onPartitionsAssigned,
    onPartitionsRevoked: config.onPartitionsRevoked,
  };
}

/** Assignor instances (one per consumer: the sticky one remembers its assignment). */
function resolveAssignors(
  list: readonly (PartitionAssignerName | PartitionAssignor)[],
): PartitionAssignor[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new SamsaError(
      `partitionAssigners must list at least one of ${Object.values(PartitionAssigners).join(', ')}`,
    );
  }
  const assignors = list.map((entry): PartitionAssignor => {
    switch (entry) {
      case PartitionAssigners.range:
        return new RangeAssignor();
      case PartitionAssigners.roundRobin:
        return new RoundRobinAssignor();
      case PartitionAssigners.sticky:
        return new StickyAssignor();
      default:
        if (
          entry !== null &&
          typeof entry === 'object' &&
          typeof entry.name === 'string' &&
          entry.name !== '' &&
          typeof entry.assign === 'function'
        ) {
          return entry;
        }
        throw new SamsaError(
          `unknown partition assigner ${describe(entry)}: use ${Object.values(PartitionAssigners).join(', ')} or an object with name and assign()`,
        );
    }
  });
  const names = assignors.map((assignor) => assignor.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) {
    throw new SamsaError(`partitionAssigners lists ${duplicate} twice`);
  }
  return assignors;
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

function describe(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner instanceof RegExp ? String(inner) : inner,
  );
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
