/**
 * One client's view of and connections to a samsa cluster (KafkaJS's Cluster + BrokerPool):
 *
 * - Bootstrap: `connect()` asks a Metadata request of the first reachable broker of the seed
 *   list (tried in random order, the whole list retried with backoff), learns every broker, the
 *   controller and the cluster id, then closes that seed connection: from then on brokers are
 *   reached by node id.
 * - Broker pool: one Connection per node id, reused by every request to that broker, replaced by a
 *   new one on the next request once it has closed (reconnect on close); a broker that leaves the
 *   metadata, or whose address changes, has its connection closed.
 * - Metadata: the client keeps metadata for its "target topics" (the topics it produces to,
 *   consumes or administers). `refreshMetadata()` asks any broker (one with an open connection
 *   first, then the others, then the seeds) for all of them; concurrent refreshes share one
 *   request; metadata older than `metadataMaxAge` is reported stale for the clients to refresh.
 *   Leader and controller lookups read the last response.
 * - `ensureTopics(topics)` refreshes until every topic has partitions with known metadata, retrying
 *   with backoff while the broker answers with a retriable error (LEADER_NOT_AVAILABLE just after
 *   auto-creation, UNKNOWN_TOPIC_OR_PARTITION while a new topic propagates).
 *
 * Every client (producer, consumer, admin) has its own Cluster, hence its own connections: a
 * consumer's long-polling fetch never holds up a producer's requests.
 */
import { performance } from 'perf_hooks';
import { KafkaError, SamsaError } from '../errors';
import { logger as makeLogger, Logger } from '../logging';
import { Connection, RequestOptions } from '../network/connection';
import { ApiKey, RequestInit, ResponseBody } from '../protocol/apis';
import { errorByCode } from '../protocol/error-codes';
import { BrokerAddress, formatBrokerAddress, parseBrokerAddress } from './broker-address';
import {
  BrokerMetadata,
  TopicMetadata,
  brokersOf,
  isStaleMetadataError,
  topicOf,
} from './metadata';
import { ResolvedRetryOptions, RetryOptions, resolveRetryOptions, retry } from './retry';

export type BrokerList = readonly string[] | (() => readonly string[] | Promise<readonly string[]>);

export interface ClusterOptions {
  readonly clientId: string;
  /** Seed brokers, `host:port` (or a function returning them, called at each bootstrap). */
  readonly brokers: BrokerList;
  /** Time to open a connection and negotiate versions. Default 10000. */
  readonly connectionTimeout?: number;
  /** Default deadline of a request. Default 30000. */
  readonly requestTimeout?: number;
  /** Requests in flight per connection. Default 5. */
  readonly maxInFlightRequests?: number;
  readonly retry?: RetryOptions;
  /** Metadata older than this is stale (`isMetadataStale`). Default 300000. */
  readonly metadataMaxAge?: number;
  /** Whether Metadata requests may create missing topics (the producer's default). */
  readonly allowAutoTopicCreation?: boolean;
  readonly logger?: Logger;
}

type MetadataResponse = ResponseBody<typeof ApiKey.Metadata>;

interface Refresh {
  readonly promise: Promise<void>;
  readonly topics: ReadonlySet<string>;
}

export class Cluster {
  readonly clientId: string;
  readonly retryOptions: ResolvedRetryOptions;
  readonly requestTimeout: number;
  private readonly seeds: BrokerList;
  private readonly connectionTimeout: number;
  private readonly maxInFlightRequests: number;
  private readonly metadataMaxAge: number;
  private readonly allowAutoTopicCreation: boolean;
  private readonly log: Logger;

  private readonly pool = new Map<number, Connection>();
  private readonly brokerMap = new Map<number, BrokerMetadata>();
  private readonly topicMap = new Map<string, TopicMetadata>();
  private readonly targets = new Set<string>();
  private controller = -1;
  private cluster: string | null = null;
  private lastRefresh = -Infinity;
  private refreshing: Refresh | undefined;
  private queuedRefresh: Promise<void> | undefined;
  private connected = false;
  private connecting: Promise<void> | undefined;

  constructor(options: ClusterOptions) {
    if (typeof options.clientId !== 'string' || options.clientId === '') {
      throw new SamsaError('clientId must be a non-empty string');
    }
    if (!Array.isArray(options.brokers) && typeof options.brokers !== 'function') {
      throw new SamsaError('brokers must be a list of "host:port" strings (or a function)');
    }
    if (Array.isArray(options.brokers)) {
      if (options.brokers.length === 0) throw new SamsaError('brokers must name at least one');
      options.brokers.forEach(parseBrokerAddress);
    }
    this.clientId = options.clientId;
    this.seeds = options.brokers;
    this.connectionTimeout = positive('connectionTimeout', options.connectionTimeout ?? 10000);
    this.requestTimeout = positive('requestTimeout', options.requestTimeout ?? 30000);
    this.maxInFlightRequests = positive('maxInFlightRequests', options.maxInFlightRequests ?? 5);
    this.metadataMaxAge = positive('metadataMaxAge', options.metadataMaxAge ?? 300000);
    this.allowAutoTopicCreation = options.allowAutoTopicCreation ?? false;
    this.retryOptions = resolveRetryOptions(options.retry);
    this.log = options.logger ?? makeLogger(`Cluster clientId=${options.clientId}`);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Bootstraps from the seed brokers (retried with backoff). Idempotent. */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= retry(() => this.bootstrap(), this.retryOptions)
      .then(() => {
        this.connected = true;
      })
      .finally(() => {
        this.connecting = undefined;
      });
    return this.connecting;
  }

  /** Closes every connection. */
  async disconnect(): Promise<void> {
    this.connected = false;
    for (const connection of this.pool.values()) connection.close();
    this.pool.clear();
  }

  /** Brokers of the last metadata, by node id. */
  brokers(): BrokerMetadata[] {
    return [...this.brokerMap.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  broker(nodeId: number): BrokerMetadata | undefined {
    return this.brokerMap.get(nodeId);
  }

  /** The controller's node id, -1 when unknown. */
  get controllerId(): number {
    return this.controller;
  }

  get clusterId(): string | null {
    return this.cluster;
  }

  /** The last metadata of `topic`, if any was received. */
  topic(name: string): TopicMetadata | undefined {
    return this.topicMap.get(name);
  }

  /** The leader of a partition, -1 when unknown. */
  leaderFor(topic: string, partition: number): number {
    return this.topicMap.get(topic)?.partitions[partition]?.leader ?? -1;
  }

  /** Adds topics whose metadata every refresh fetches; true if any was new. */
  addTargetTopics(topics: Iterable<string>): boolean {
    let added = false;
    for (const topic of topics) {
      if (!this.targets.has(topic)) {
        this.targets.add(topic);
        added = true;
      }
    }
    return added;
  }

  /** Stops tracking topics (e.g. after deleting them). */
  removeTargetTopics(topics: Iterable<string>): void {
    for (const topic of topics) {
      this.targets.delete(topic);
      this.topicMap.delete(topic);
    }
  }

  /**
   * Fetches metadata for every target topic from any broker. Concurrent calls share a request;
   * a call made while a refresh is running without some target topic waits for a second one.
   */
  refreshMetadata(): Promise<void> {
    const current = this.refreshing;
    if (current !== undefined) {
      let covered = true;
      for (const topic of this.targets) {
        if (!current.topics.has(topic)) {
          covered = false;
          break;
        }
      }
      if (covered) return current.promise;
      this.queuedRefresh ??= current.promise
        .catch(() => undefined)
        .then(() => {
          this.queuedRefresh = undefined;
          return this.refreshMetadata();
        });
      return this.queuedRefresh;
    }
    const topics = new Set(this.targets);
    const promise = this.metadataFromAnyBroker({
      topics: [...topics].map((name) => ({ name })),
      allTopics: false,
      allowAutoTopicCreation: this.allowAutoTopicCreation,
    })
      .then(() => undefined)
      .finally(() => {
        if (this.refreshing?.promise === promise) this.refreshing = undefined;
      });
    this.refreshing = { promise, topics };
    return promise;
  }

  /** True when the last metadata is older than metadataMaxAge. */
  isMetadataStale(): boolean {
    return performance.now() - this.lastRefresh >= this.metadataMaxAge;
  }

  /**
   * Sends a Metadata request to any broker and applies its answer (brokers, controller, and the
   * topics it describes); resolves to the raw response. `allTopics` asks for every topic.
   */
  async fetchMetadata(request: {
    topics?: readonly string[];
    allTopics?: boolean;
    allowAutoTopicCreation?: boolean;
  }): Promise<MetadataResponse> {
    return this.metadataFromAnyBroker({
      topics: (request.topics ?? []).map((name) => ({ name })),
      allTopics: request.allTopics ?? false,
      allowAutoTopicCreation: request.allowAutoTopicCreation ?? false,
    });
  }

  /**
   * Makes `topics` target topics and refreshes until each has metadata without a retriable
   * topic-level error, retrying with backoff. A non-retriable topic error (INVALID_TOPIC_EXCEPTION,
   * TOPIC_AUTHORIZATION_FAILED...) fails at once.
   */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    this.addTargetTopics(topics);
    if (topics.every((topic) => this.hasUsableMetadata(topic))) return;
    await retry(async () => {
      await this.refreshMetadata();
      for (const topic of topics) {
        const metadata = this.topicMap.get(topic);
        if (metadata === undefined) {
          throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'no metadata for the topic', {
            topic,
          });
        }
        if (metadata.errorCode !== 0) {
          throw KafkaError.fromCode(metadata.errorCode, undefined, { topic });
        }
        if (metadata.partitions.length === 0) {
          throw new KafkaError('LEADER_NOT_AVAILABLE', 'the topic has no partitions yet', {
            topic,
          });
        }
      }
    }, this.retryOptions);
  }

  private hasUsableMetadata(topic: string): boolean {
    const metadata = this.topicMap.get(topic);
    return metadata !== undefined && metadata.errorCode === 0 && metadata.partitions.length > 0;
  }

  /** The connection to a broker, opened on first use and re-opened after it closed. */
  connection(nodeId: number): Connection {
    const existing = this.pool.get(nodeId);
    if (existing !== undefined && existing.state !== 'closed') return existing;
    const broker = this.brokerMap.get(nodeId);
    if (broker === undefined) {
      throw new KafkaError('NETWORK_EXCEPTION', `broker ${nodeId} is not in the cluster metadata`, {
        broker: nodeId,
      });
    }
    const connection = this.newConnection(broker, nodeId);
    this.pool.set(nodeId, connection);
    connection.once('close', () => {
      if (this.pool.get(nodeId) === connection) this.pool.delete(nodeId);
    });
    return connection;
  }

  /** Sends a request to broker `nodeId` over its pooled connection. */
  request<K extends ApiKey>(
    nodeId: number,
    apiKey: K,
    body: RequestInit<K>,
    options: RequestOptions = {},
  ): Promise<ResponseBody<K>> {
    let connection: Connection;
    try {
      connection = this.connection(nodeId);
    } catch (error) {
      return Promise.reject(error);
    }
    return connection.request(apiKey, body, { ...options, expectResponse: true });
  }

  /** Node ids to try for a request any broker can answer: open connections first. */
  anyBrokerOrder(): number[] {
    const ids = shuffle([...this.brokerMap.keys()]);
    const open = (id: number): number => (this.pool.get(id)?.state === 'ready' ? 0 : 1);
    return ids.sort((a, b) => open(a) - open(b));
  }

  /**
   * Sends a request any broker can answer, trying the known brokers in turn (open connections
   * first) while they fail with network errors.
   */
  async requestAnyBroker<K extends ApiKey>(
    apiKey: K,
    body: RequestInit<K>,
    options: RequestOptions = {},
  ): Promise<ResponseBody<K>> {
    let lastError: unknown;
    for (const nodeId of this.anyBrokerOrder()) {
      try {
        return await this.request(nodeId, apiKey, body, options);
      } catch (error) {
        if (!(error instanceof KafkaError && error.type === 'NETWORK_EXCEPTION')) throw error;
        lastError = error;
      }
    }
    throw lastError ?? new KafkaError('NETWORK_EXCEPTION', 'no broker is known: connect first');
  }

  private async metadataFromAnyBroker(
    body: RequestInit<typeof ApiKey.Metadata>,
  ): Promise<MetadataResponse> {
    let response: MetadataResponse;
    try {
      response = await this.requestAnyBroker(ApiKey.Metadata, body);
    } catch (error) {
      if (!isStaleMetadataError(error)) throw error;
      // Every known broker failed: the cluster may have moved; start again from the seeds.
      this.log.warn(`No known broker answered a Metadata request; asking the bootstrap brokers`);
      response = await this.metadataFromSeeds(body);
    }
    this.apply(response);
    return response;
  }

  private async bootstrap(): Promise<void> {
    const response = await this.metadataFromSeeds({
      topics: [...this.targets].map((name) => ({ name })),
      allTopics: false,
      allowAutoTopicCreation: this.allowAutoTopicCreation,
    });
    this.apply(response);
    this.log.debug(
      `Bootstrapped: ${response.brokers.length} brokers, controller ${response.controllerId}`,
    );
  }

  private async metadataFromSeeds(
    body: RequestInit<typeof ApiKey.Metadata>,
  ): Promise<MetadataResponse> {
    const list = typeof this.seeds === 'function' ? await this.seeds() : this.seeds;
    if (!Array.isArray(list) || list.length === 0) {
      throw new SamsaError('the brokers function returned no broker address');
    }
    const addresses = shuffle(list.map(parseBrokerAddress));
    const failures: string[] = [];
    let lastError: unknown;
    for (const address of addresses) {
      const connection = this.newConnection(address, undefined);
      try {
        return await connection.request(ApiKey.Metadata, body);
      } catch (error) {
        if (!(error instanceof KafkaError && error.retriable)) throw error;
        lastError = error;
        failures.push(error.message);
      } finally {
        connection.close();
      }
    }
    throw new KafkaError(
      'NETWORK_EXCEPTION',
      `no bootstrap broker answered: ${failures.join('; ')}`,
      {},
      lastError,
    );
  }

  private newConnection(address: BrokerAddress, nodeId: number | undefined): Connection {
    return new Connection({
      host: address.host,
      port: address.port,
      clientId: this.clientId,
      brokerId: nodeId,
      connectTimeoutMs: this.connectionTimeout,
      requestTimeoutMs: this.requestTimeout,
      maxInFlightRequests: this.maxInFlightRequests,
    });
  }

  private apply(response: MetadataResponse): void {
    const brokers = brokersOf(response);
    if (brokers.length > 0) {
      const seen = new Set<number>();
      for (const broker of brokers) {
        seen.add(broker.nodeId);
        const previous = this.brokerMap.get(broker.nodeId);
        if (
          previous !== undefined &&
          (previous.host !== broker.host || previous.port !== broker.port)
        ) {
          this.log.info(
            `Broker ${broker.nodeId} moved from ${formatBrokerAddress(previous)} to ${formatBrokerAddress(broker)}`,
          );
          this.pool.get(broker.nodeId)?.close();
        }
        this.brokerMap.set(broker.nodeId, broker);
      }
      for (const nodeId of [...this.brokerMap.keys()]) {
        if (!seen.has(nodeId)) {
          this.brokerMap.delete(nodeId);
          this.pool.get(nodeId)?.close();
        }
      }
    }
    this.controller = response.controllerId;
    if (response.clusterId !== null && response.clusterId !== '') {
      this.cluster = response.clusterId;
    }
    for (const topic of response.topics) {
      const metadata = topicOf(topic);
      this.topicMap.set(metadata.name, metadata);
      if (metadata.errorCode !== 0) {
        this.log.debug(
          `Metadata for topic ${metadata.name}: ${errorByCode(metadata.errorCode).name}`,
        );
      }
    }
    this.lastRefresh = performance.now();
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new SamsaError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
