/**
 * The producer (KafkaJS's shape): `connect()`, `send({ topic, messages })`,
 * `sendBatch({ topicMessages })`, `flush()`, `disconnect()`.
 *
 * `send` makes sure it has metadata for the topic (with auto-creation by default, retried while
 * the topic gets leaders), checks every message (so bad input fails before anything is queued),
 * then converts each one (strings to UTF-8, no timestamp to the time of the send), picks its
 * partition (partitioner.ts) and appends it to the accumulator (per-partition batches,
 * `lingerMs` / `batchSize`) and returns ONE promise for the whole call, resolved with one
 * RecordMetadata per partition and batch once every batch holding its messages is acknowledged
 * (acks 0, 1 or all), or rejected at the first batch that fails for good. `send(record,
 * callback)` and `sendBatch(batch, callback)` do the same with a callback instead of a promise
 * (Kafka's `send(record, callback)`): the way to send one message per call at full speed. The
 * sender (sender.ts) does the rest: requests per leader, several in flight, retries, metadata
 * refresh.
 *
 * `acks`, `compression` and `timeout` are producer settings: messages of different sends share
 * batches and requests. A send that asks for other values is refused, not silently changed.
 * `idempotent: true` is refused: idempotent producers (producer ids, sequence numbers) come later.
 * `flush()` sends lingering batches at once; `disconnect()` flushes, then closes the connections.
 */
import { performance } from 'perf_hooks';
import { Cluster, ClusterOptions } from '../cluster/cluster';
import type { TopicMetadata } from '../cluster/metadata';
import type { RetryOptions } from '../cluster/retry';
import { SamsaError } from '../errors';
import { logger, Logger } from '../logging';
import { RecordAccumulator } from './accumulator';
import { CompressionName, CompressionType, compressionCodec } from './compression-types';
import {
  Message,
  MessageBytes,
  RecordMetadata,
  TopicMessages,
  checkMessage,
  recordSize,
  timestampOf,
  toBytes,
  toHeaders,
} from './messages';
import {
  DefaultPartitioner,
  Partitioner,
  PartitionerFactory,
  checkedPartition,
} from './partitioner';
import type { Completion } from './accumulator';
import { SendCallback, SendTracker, callBack } from './send-tracker';
import { Sender } from './sender';

export type Acks = -1 | 0 | 1 | 'all';

export interface ProducerConfig {
  /** 0 (no answer), 1 (the leader's log) or -1 / 'all' (every in-sync replica). Default -1. */
  acks?: Acks;
  /** Refused for now: idempotent producers come in a later release. */
  idempotent?: boolean;
  /** How long a batch waits for more records before it is sent. Default 0. */
  lingerMs?: number;
  /** Bytes at which a partition's batch is closed and sent. Default 16384 (Kafka's batch.size). */
  batchSize?: number;
  /** Codec of every batch. Default none. */
  compression?: CompressionType | CompressionName;
  /** Produce requests awaiting an answer per broker. Default 5. */
  maxInFlightRequests?: number;
  /** Largest Produce request (bytes of batches); a larger single record is refused. Default 1048576. */
  maxRequestSize?: number;
  /** The broker's wait for acks=all, and the basis of the request deadline. Default 30000. */
  timeout?: number;
  retry?: RetryOptions;
  metadataMaxAge?: number;
  /** Let Metadata requests create missing topics (the broker decides). Default true. */
  allowAutoTopicCreation?: boolean;
  /** KafkaJS-style custom partitioner, replacing murmur2 / sticky. */
  createPartitioner?: PartitionerFactory;
}

/** `send`'s argument. acks / compression / timeout, if given, must equal the producer's. */
export interface ProducerRecord extends TopicMessages {
  acks?: Acks;
  compression?: CompressionType | CompressionName;
  timeout?: number;
}

export interface ProducerBatchRecord {
  topicMessages: TopicMessages[];
  acks?: Acks;
  compression?: CompressionType | CompressionName;
  timeout?: number;
}

export type ProducerClusterOptions = Omit<
  ClusterOptions,
  'retry' | 'metadataMaxAge' | 'allowAutoTopicCreation' | 'maxInFlightRequests'
>;

export class Producer {
  private readonly cluster: Cluster;
  private readonly accumulator: RecordAccumulator;
  private readonly sender: Sender;
  private readonly acks: -1 | 0 | 1;
  private readonly codec: number;
  private readonly timeout: number;
  private readonly maxRequestSize: number;
  private readonly partitioner = new DefaultPartitioner();
  private readonly custom: Partitioner | undefined;
  private readonly log: Logger;
  private state: 'disconnected' | 'connected' | 'disconnecting' = 'disconnected';
  /** Sends still waiting for topic metadata before their messages are appended. */
  private readonly preparing = new Set<Promise<unknown>>();
  /** Per topic without metadata: the wait for it that sends share. */
  private readonly topicWaits = new Map<string, Promise<void>>();

  constructor(cluster: ProducerClusterOptions, config: ProducerConfig = {}) {
    if (config.idempotent === true) {
      throw new SamsaError(
        'idempotent producers are not available yet in samsa (producer ids and sequence numbers come in a later release): remove idempotent: true',
      );
    }
    this.acks = acksOf(config.acks ?? -1);
    this.codec = compressionCodec(config.compression);
    this.timeout = positiveInteger('timeout', config.timeout ?? 30000);
    this.maxRequestSize = positiveInteger('maxRequestSize', config.maxRequestSize ?? 1048576);
    const batchSize = positiveInteger('batchSize', config.batchSize ?? 16384);
    const lingerMs = config.lingerMs ?? 0;
    if (!Number.isFinite(lingerMs) || lingerMs < 0) {
      throw new SamsaError(`lingerMs must be a number >= 0, got ${String(config.lingerMs)}`);
    }
    const maxInFlightRequests = positiveInteger(
      'maxInFlightRequests',
      config.maxInFlightRequests ?? 5,
    );
    if (config.createPartitioner !== undefined && typeof config.createPartitioner !== 'function') {
      throw new SamsaError('createPartitioner must be a function returning a partitioner');
    }
    this.custom = config.createPartitioner?.();
    this.log = logger(`Producer clientId=${cluster.clientId}`);
    this.cluster = new Cluster({
      ...cluster,
      retry: config.retry,
      metadataMaxAge: config.metadataMaxAge,
      allowAutoTopicCreation: config.allowAutoTopicCreation ?? true,
      maxInFlightRequests,
      logger: this.log,
    });
    this.accumulator = new RecordAccumulator({
      batchSize,
      onBatchClosed: (topic, partition) =>
        this.partitioner.onBatchClosed(this.cluster.topic(topic), partition),
      onBatchCreated: () => this.sender.onBatchCreated(),
      now: () => performance.now(),
    });
    this.sender = new Sender({
      cluster: this.cluster,
      accumulator: this.accumulator,
      acks: this.acks,
      timeout: this.timeout,
      lingerMs,
      maxInFlightRequests,
      maxRequestSize: this.maxRequestSize,
      compression: this.codec,
      retry: this.cluster.retryOptions,
      log: this.log,
    });
  }

  /** Bootstraps the cluster metadata; sends need it. */
  async connect(): Promise<void> {
    await this.cluster.connect();
    this.state = 'connected';
  }

  /**
   * Sends what is pending (waiting for the answers), then closes every connection. Sends made
   * after disconnect() was called are refused.
   */
  async disconnect(): Promise<void> {
    if (this.state === 'connected') {
      this.state = 'disconnecting';
      await this.flush();
    }
    this.state = 'disconnected';
    this.sender.stop();
    await this.cluster.disconnect();
  }

  /**
   * Sends messages to one topic; resolves once all are acknowledged. With a callback (Kafka's
   * `send(record, callback)`), nothing is returned and the callback is called once instead, never
   * before send() returns: `(null, results)` or `(error)`. A callback costs no promise, which
   * matters to callers that send one message per call.
   */
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  send(record: ProducerRecord, callback: SendCallback): void;
  send(record: ProducerRecord, callback?: SendCallback): Promise<RecordMetadata[]> | void {
    if (callback !== undefined) {
      try {
        this.checkSendable(record);
        this.sendTopics(record, callback);
      } catch (error) {
        this.callBackLater(callback, error as Error, undefined);
      }
      return;
    }
    return this.promised((done) => {
      this.checkSendable(record);
      this.sendTopics(record, done);
    });
  }

  /** Sends messages to several topics; one promise (or one callback call) for all of them. */
  sendBatch(batch: ProducerBatchRecord): Promise<RecordMetadata[]>;
  sendBatch(batch: ProducerBatchRecord, callback: SendCallback): void;
  sendBatch(batch: ProducerBatchRecord, callback?: SendCallback): Promise<RecordMetadata[]> | void {
    const start = (done: SendCallback): void => {
      this.checkSendable(batch);
      if (!Array.isArray(batch.topicMessages)) {
        throw new SamsaError('sendBatch needs topicMessages: [{ topic, messages }]');
      }
      this.sendTopics(batch.topicMessages, done);
    };
    if (callback === undefined) return this.promised(start);
    try {
      start(callback);
    } catch (error) {
      this.callBackLater(callback, error as Error, undefined);
    }
  }

  /** Calls a send's callback on the next tick: never before send() returns. */
  private callBackLater(
    callback: SendCallback,
    error: Error | null,
    results: RecordMetadata[] | undefined,
  ): void {
    process.nextTick(callBack, callback, error, results, this.log);
  }

  /** A promise settled by the callback `start` passes on (rejected if `start` throws). */
  private promised(start: (done: SendCallback) => void): Promise<RecordMetadata[]> {
    return new Promise((resolve, reject) => {
      start((error, results) => {
        if (error === null) resolve(results as RecordMetadata[]);
        else reject(error);
      });
    });
  }

  /**
   * Sends every pending batch now (ignoring lingerMs), including those of sends still waiting for
   * topic metadata; resolves once none is pending.
   */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.preparing]);
    await this.sender.flush();
  }

  private checkSendable(request: {
    acks?: Acks;
    compression?: CompressionType | CompressionName;
    timeout?: number;
  }): void {
    if (request === null || typeof request !== 'object') {
      throw new SamsaError('send needs an object: { topic, messages }');
    }
    if (this.state !== 'connected') {
      throw new SamsaError('the producer is not connected: call await producer.connect() first');
    }
    if (request.acks !== undefined && acksOf(request.acks) !== this.acks) {
      throw new SamsaError(
        `this producer sends with acks=${this.acks}; acks is a producer setting in samsa: create a producer with samsa.producer({ acks: ${String(request.acks)} })`,
      );
    }
    if (request.compression !== undefined && compressionCodec(request.compression) !== this.codec) {
      throw new SamsaError(
        'compression is a producer setting in samsa: create a producer with samsa.producer({ compression })',
      );
    }
    if (request.timeout !== undefined && request.timeout !== this.timeout) {
      throw new SamsaError(
        'timeout is a producer setting in samsa: create a producer with samsa.producer({ timeout })',
      );
    }
  }

  /** Appends the messages of one send now, or once their topics' metadata is known. */
  private sendTopics(list: TopicList, done: SendCallback): void {
    let missing: string[] | undefined;
    const count = entryCount(list);
    for (let entryIndex = 0; entryIndex < count; entryIndex++) {
      const entry = entryAt(list, entryIndex);
      if (entry === null || typeof entry !== 'object' || typeof entry.topic !== 'string') {
        throw new SamsaError('each send needs a topic name: { topic, messages }');
      }
      if (entry.topic === '') throw new SamsaError('the topic name must not be empty');
      if (!Array.isArray(entry.messages)) {
        throw new SamsaError(`messages for topic ${entry.topic} must be an array`);
      }
      const metadata = this.cluster.topic(entry.topic);
      if (metadata === undefined || metadata.errorCode !== 0 || metadata.partitions.length === 0) {
        (missing ??= []).push(entry.topic);
      }
    }
    if (missing === undefined) {
      this.append(list, done);
      return;
    }
    // Settles once the messages are appended (or refused), long before they are acknowledged.
    const appended: Promise<void> = this.topicsReady(missing).then(() => this.append(list, done));
    this.preparing.add(appended);
    appended.then(
      () => {
        this.preparing.delete(appended);
      },
      (error: Error) => {
        this.preparing.delete(appended);
        callBack(done, error, undefined, this.log);
      },
    );
  }

  /**
   * Resolves once the topics have metadata (Cluster.ensureTopics). The sends waiting for one
   * topic share one wait, so a burst of sends before its metadata arrives costs one lookup, and
   * they are appended in the order they were made once it is there.
   */
  private topicsReady(topics: string[]): Promise<void> {
    if (topics.length > 1) return this.cluster.ensureTopics(topics);
    const topic = topics[0];
    let ready = this.topicWaits.get(topic);
    if (ready === undefined) {
      const wait = this.cluster.ensureTopics(topics);
      const forget = (): void => {
        this.topicWaits.delete(topic);
      };
      wait.then(forget, forget);
      this.topicWaits.set(topic, wait);
      ready = wait;
    }
    return ready;
  }

  /**
   * Converts, partitions and appends every message of one send; `done` is called once they are
   * all acknowledged (or one failed), never before this returns.
   */
  private append(list: TopicList, done: SendCallback): void {
    if (this.state === 'disconnected') {
      throw new SamsaError('the producer was disconnected before the messages could be sent');
    }
    // First pass: check everything (nothing is queued if any message is bad).
    const count = entryCount(list);
    let customPartitions: number[][] | undefined;
    let total = 0;
    for (let entryIndex = 0; entryIndex < count; entryIndex++) {
      const entry = entryAt(list, entryIndex);
      const metadata = this.cluster.topic(entry.topic) as TopicMetadata;
      const partitionCount = metadata.partitions.length;
      const messages = entry.messages;
      total += messages.length;
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index];
        checkMessage(message, entry.topic, index);
        if (message.partition !== undefined && message.partition !== null) {
          checkedPartition(entry.topic, message.partition, partitionCount);
        }
        if (sizeUpperBound(message) > this.maxRequestSize) {
          const size = recordSize(
            toBytes(message.key),
            toBytes(message.value),
            toHeaders(message.headers),
          );
          if (size > this.maxRequestSize) {
            throw new SamsaError(
              `message ${index} for topic ${entry.topic} takes about ${size} bytes, more than maxRequestSize ${this.maxRequestSize}`,
            );
          }
        }
      }
      if (this.custom !== undefined) {
        customPartitions ??= [];
        customPartitions[entryIndex] = messages.map((message) =>
          message.partition !== undefined && message.partition !== null
            ? message.partition
            : checkedPartition(
                entry.topic,
                (this.custom as Partitioner)({
                  topic: entry.topic,
                  partitionMetadata: metadata.partitions,
                  message,
                }),
                partitionCount,
              ),
        );
      }
    }
    if (total === 0) {
      this.callBackLater(done, null, []);
      return;
    }
    // Second pass: convert, partition and append. One message goes to one batch, which calls
    // `done` itself; several may span batches and report through a tracker.
    const now = Date.now();
    const tracker = total === 1 ? undefined : new SendTracker(done);
    const completion: Completion = tracker ?? done;
    for (let entryIndex = 0; entryIndex < count; entryIndex++) {
      const entry = entryAt(list, entryIndex);
      const metadata = this.cluster.topic(entry.topic) as TopicMetadata;
      const messages = entry.messages;
      const custom = customPartitions?.[entryIndex];
      for (let index = 0; index < messages.length; index++) {
        const message = messages[index];
        const key = toBytes(message.key);
        const value = toBytes(message.value);
        const headers = toHeaders(message.headers);
        const size = recordSize(key, value, headers);
        let partition: number;
        if (custom !== undefined) {
          partition = custom[index];
        } else if (message.partition !== undefined && message.partition !== null) {
          partition = message.partition;
        } else if (key !== null) {
          partition = this.partitioner.partition(metadata, key);
        } else {
          partition = this.partitioner.partition(metadata, null);
          if (this.accumulator.closeIfFull(metadata.name, partition, size)) {
            partition = this.partitioner.partition(metadata, null);
          }
        }
        this.accumulator.append(
          metadata.name,
          partition,
          timestampOf(message, now),
          key,
          value,
          headers,
          size,
          completion,
        );
      }
    }
    tracker?.seal();
    this.sender.wake();
  }
}

/** One send's messages: one topic's (send) or several topics' (sendBatch). */
type TopicList = TopicMessages | readonly TopicMessages[];

function entryCount(list: TopicList): number {
  return Array.isArray(list) ? list.length : 1;
}

function entryAt(list: TopicList, index: number): TopicMessages {
  return Array.isArray(list) ? (list as readonly TopicMessages[])[index] : (list as TopicMessages);
}

function bytes(value: MessageBytes | undefined): number {
  return typeof value === 'string' ? value.length * 3 : (value?.length ?? 0);
}

/** Bytes a message can take at most (UTF-8 takes up to 3 bytes per UTF-16 unit). */
function sizeUpperBound(message: Message): number {
  let size = 21 + bytes(message.key) + bytes(message.value);
  const headers = message.headers;
  if (headers !== undefined && headers !== null) {
    for (const key of Object.keys(headers)) {
      const value = headers[key];
      for (const item of Array.isArray(value) ? value : [value]) {
        size += 10 + key.length * 3 + bytes(item as MessageBytes | undefined);
      }
    }
  }
  return size;
}

function acksOf(acks: Acks): -1 | 0 | 1 {
  if (acks === 'all' || acks === -1) return -1;
  if (acks === 0 || acks === 1) return acks;
  throw new SamsaError(`acks must be 0, 1, -1 or 'all', got ${String(acks)}`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new SamsaError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
