/**
 * An in-process fake samsa cluster for the client's unit tests: N fake brokers, each a REAL
 * broker/network/socket-server.ts on a loopback port, with handlers written here that answer
 * from shared in-memory state (a fake of the broker, not of ZooKeeper).
 *
 * - Topics hold partitions with a leader, replicas and a log: the produced batch bytes, copied,
 *   with their base offsets re-stamped in place (the CRC does not cover them), returned by Fetch
 *   from the batch holding the fetch offset on (a fetch may thus start inside a batch).
 * - Metadata describes every broker, the controller and the topics; a missing topic is created
 *   (with `defaultPartitions`) when the request allows it and `autoCreateTopics` is on, answering
 *   LEADER_NOT_AVAILABLE the first time, as Kafka does.
 * - Produce / Fetch / ListOffsets answer NOT_LEADER_OR_FOLLOWER on a broker that does not lead the
 *   partition; Fetch long-polls up to max_wait_ms for min_bytes; ListOffsets answers -2 / -1.
 * - CreateTopics / DeleteTopics / CreatePartitions answer NOT_CONTROLLER on any broker but the
 *   controller. DescribeConfigs / AlterConfigs keep topic configs in memory.
 * - `intercept(apiKey, fn)` lets a test answer (or delay, or refuse) a request its own way before
 *   the default handling: fn returns a response, null (no response), or undefined (default).
 * - Every request is recorded per broker (`requests`), unless `record: false` (for benchmarks).
 */
import { ApiKey, RequestBody, ResponseInit } from '../../client/protocol/apis';
import { errorByName } from '../../client/protocol/error-codes';
import type { ErrorName } from '../../client/protocol/error-codes';
import { iterateBatches, readBatchHeader, setBaseOffset } from '../../client/record';
import { SocketServer } from '../../broker/network/socket-server';

export interface FakeRequest {
  readonly broker: number;
  readonly apiKey: ApiKey;
  readonly body: unknown;
}

export interface FakePartition {
  leader: number;
  replicas: number[];
  leaderEpoch: number;
  /** Batches with their offsets stamped, in offset order. */
  batches: Buffer[];
  logStartOffset: number;
  nextOffset: number;
}

export interface FakeTopic {
  readonly name: string;
  partitions: FakePartition[];
  configs: Map<string, string>;
}

type Interceptor<K extends ApiKey> = (
  broker: number,
  request: RequestBody<K>,
) => ResponseInit<K> | null | undefined | Promise<ResponseInit<K> | null | undefined>;

export interface FakeClusterOptions {
  brokers?: number;
  /** Node id of the controller (default: the first broker). */
  controller?: number;
  autoCreateTopics?: boolean;
  defaultPartitions?: number;
  /** Record every request (default true). */
  record?: boolean;
}

const code = (name: ErrorName): number => errorByName(name).code;

export class FakeCluster {
  readonly topics = new Map<string, FakeTopic>();
  readonly requests: FakeRequest[] = [];
  readonly ports = new Map<number, number>();
  controllerId: number;
  clusterId = 'fake-cluster-id';
  autoCreateTopics: boolean;
  defaultPartitions: number;
  private readonly record: boolean;
  private readonly servers = new Map<number, SocketServer>();
  private readonly interceptors = new Map<ApiKey, Interceptor<ApiKey>[]>();
  private readonly dataWaiters = new Set<() => void>();
  private stopped = false;

  private constructor(
    readonly brokerIds: number[],
    options: FakeClusterOptions,
  ) {
    this.controllerId = options.controller ?? brokerIds[0];
    this.autoCreateTopics = options.autoCreateTopics ?? true;
    this.defaultPartitions = options.defaultPartitions ?? 1;
    this.record = options.record ?? true;
  }

  static async start(options: FakeClusterOptions = {}): Promise<FakeCluster> {
    const ids = Array.from({ length: options.brokers ?? 1 }, (_, index) => index + 1);
    const cluster = new FakeCluster(ids, options);
    for (const id of ids) await cluster.startBroker(id);
    return cluster;
  }

  /** `127.0.0.1:port` of every broker, for `brokers`. */
  get bootstrap(): string[] {
    return this.brokerIds.map((id) => `127.0.0.1:${this.ports.get(id)}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of [...this.dataWaiters]) waiter();
    await Promise.all([...this.servers.values()].map((server) => server.stop()));
    this.servers.clear();
  }

  /** Stops one broker's server (its connections close); `restartBroker` brings it back. */
  async stopBroker(id: number): Promise<void> {
    await this.servers.get(id)?.stop();
    this.servers.delete(id);
  }

  async restartBroker(id: number): Promise<void> {
    await this.startBroker(id, this.ports.get(id));
  }

  /** Creates a topic; partition p is led by `leaders[p]` (default: brokers in turn). */
  createTopic(name: string, partitions: number, leaders?: number[]): FakeTopic {
    const topic: FakeTopic = { name, partitions: [], configs: new Map() };
    this.topics.set(name, topic);
    this.addPartitions(topic, partitions, leaders);
    return topic;
  }

  /** Moves the leadership of a partition (its leader epoch goes up). */
  moveLeader(topic: string, partition: number, leader: number): void {
    const state = this.partition(topic, partition);
    state.leader = leader;
    state.leaderEpoch++;
  }

  partition(topic: string, partition: number): FakePartition {
    const state = this.topics.get(topic)?.partitions[partition];
    if (state === undefined) throw new Error(`no partition ${topic}-${partition}`);
    return state;
  }

  /** Records of a partition's log, as stored (offsets stamped). */
  log(topic: string, partition: number): Buffer {
    return Buffer.concat(this.partition(topic, partition).batches);
  }

  /** Answers requests of `apiKey` with `fn` first (last registered runs first). */
  intercept<K extends ApiKey>(apiKey: K, fn: Interceptor<K>): () => void {
    const list = this.interceptors.get(apiKey) ?? [];
    list.unshift(fn as unknown as Interceptor<ApiKey>);
    this.interceptors.set(apiKey, list);
    return () => {
      const index = list.indexOf(fn as unknown as Interceptor<ApiKey>);
      if (index >= 0) list.splice(index, 1);
    };
  }

  /** Recorded requests of one API (optionally to one broker). */
  requestsOf<K extends ApiKey>(apiKey: K, broker?: number): RequestBody<K>[] {
    return this.requests
      .filter(
        (request) =>
          request.apiKey === apiKey && (broker === undefined || request.broker === broker),
      )
      .map((request) => request.body as RequestBody<K>);
  }

  private addPartitions(topic: FakeTopic, count: number, leaders?: number[]): void {
    for (let index = 0; index < count; index++) {
      const partition = topic.partitions.length;
      const leader = leaders?.[index] ?? this.brokerIds[partition % this.brokerIds.length];
      topic.partitions.push({
        leader,
        replicas: [leader],
        leaderEpoch: 0,
        batches: [],
        logStartOffset: 0,
        nextOffset: 0,
      });
    }
  }

  private async startBroker(id: number, port = 0): Promise<void> {
    const server = new SocketServer({
      listeners: [
        { listenerName: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 'PLAINTEXT' },
      ],
      brokerId: id,
    });
    const on = <K extends ApiKey>(
      apiKey: K,
      handle: (request: RequestBody<K>) => Promise<ResponseInit<K> | null> | ResponseInit<K> | null,
    ): void => {
      server.handle(apiKey, async (request) => {
        if (this.record) this.requests.push({ broker: id, apiKey, body: request });
        for (const interceptor of this.interceptors.get(apiKey) ?? []) {
          const answer = await (interceptor as unknown as Interceptor<K>)(id, request);
          if (answer !== undefined) return answer;
        }
        return handle(request);
      });
    };
    on(ApiKey.Metadata, (request) => this.metadata(request));
    on(ApiKey.Produce, (request) => this.produce(id, request));
    on(ApiKey.Fetch, (request) => this.fetch(id, request));
    on(ApiKey.ListOffsets, (request) => this.listOffsets(id, request));
    on(ApiKey.CreateTopics, (request) => this.createTopics(id, request));
    on(ApiKey.DeleteTopics, (request) => this.deleteTopics(id, request));
    on(ApiKey.CreatePartitions, (request) => this.createPartitions(id, request));
    on(ApiKey.DescribeConfigs, (request) => this.describeConfigs(request));
    on(ApiKey.AlterConfigs, (request) => this.alterConfigs(request));
    const [endpoint] = await server.start();
    this.ports.set(id, endpoint.port);
    this.servers.set(id, server);
  }

  private metadata(
    request: RequestBody<typeof ApiKey.Metadata>,
  ): ResponseInit<typeof ApiKey.Metadata> {
    const names = request.allTopics
      ? [...this.topics.keys()]
      : request.topics.map((topic) => topic.name);
    return {
      brokers: this.brokerIds
        .filter((id) => this.servers.has(id))
        .map((id) => ({ nodeId: id, host: '127.0.0.1', port: this.ports.get(id) as number })),
      clusterId: this.clusterId,
      controllerId: this.controllerId,
      topics: names.map((name) => {
        const topic = this.topics.get(name);
        if (topic === undefined) {
          if (request.allowAutoTopicCreation && this.autoCreateTopics) {
            this.createTopic(name, this.defaultPartitions);
            return { name, errorCode: code('LEADER_NOT_AVAILABLE') };
          }
          return { name, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION') };
        }
        return {
          name,
          errorCode: 0,
          partitions: topic.partitions.map((partition, index) => ({
            errorCode: 0,
            partitionIndex: index,
            leaderId: partition.leader,
            leaderEpoch: partition.leaderEpoch,
            replicaNodes: partition.replicas,
            isrNodes: partition.replicas,
          })),
        };
      }),
    };
  }

  /** The partition if `broker` leads it, else the error code to answer. */
  private led(broker: number, topic: string, index: number): FakePartition | number {
    const partition = this.topics.get(topic)?.partitions[index];
    if (partition === undefined) return code('UNKNOWN_TOPIC_OR_PARTITION');
    if (partition.leader !== broker) return code('NOT_LEADER_OR_FOLLOWER');
    return partition;
  }

  private produce(
    broker: number,
    request: RequestBody<typeof ApiKey.Produce>,
  ): ResponseInit<typeof ApiKey.Produce> | null {
    const responses = request.topicData.map((topic) => ({
      name: topic.name,
      partitionResponses: topic.partitionData.map((data) => {
        const partition = this.led(broker, topic.name, data.index);
        if (typeof partition === 'number') {
          return { index: data.index, errorCode: partition, baseOffset: -1 };
        }
        const bytes = Buffer.from(data.records);
        const baseOffset = partition.nextOffset;
        for (const location of iterateBatches(bytes)) {
          const batch = bytes.subarray(location.offset, location.offset + location.size);
          setBaseOffset(batch, 0, partition.nextOffset);
          partition.nextOffset += location.header.lastOffsetDelta + 1;
          partition.batches.push(batch);
        }
        return {
          index: data.index,
          errorCode: 0,
          baseOffset,
          logAppendTimeMs: -1,
          logStartOffset: partition.logStartOffset,
        };
      }),
    }));
    for (const waiter of [...this.dataWaiters]) waiter();
    return request.acks === 0 ? null : { responses };
  }

  private fetchAnswer(broker: number, request: RequestBody<typeof ApiKey.Fetch>) {
    let bytes = 0;
    const responses = request.topics.map((topic) => ({
      topic: topic.topic,
      partitions: topic.partitions.map((asked) => {
        const partition = this.led(broker, topic.topic, asked.partition);
        if (typeof partition === 'number') {
          return { partition: asked.partition, errorCode: partition, highWatermark: -1 };
        }
        const base = {
          partition: asked.partition,
          highWatermark: partition.nextOffset,
          lastStableOffset: partition.nextOffset,
          logStartOffset: partition.logStartOffset,
          preferredReadReplica: -1,
        };
        if (
          asked.fetchOffset < partition.logStartOffset ||
          asked.fetchOffset > partition.nextOffset
        ) {
          return { ...base, errorCode: code('OFFSET_OUT_OF_RANGE') };
        }
        const chosen: Buffer[] = [];
        let size = 0;
        for (const batch of partition.batches) {
          const header = readBatchHeader(batch, 0);
          if (header.baseOffset + header.lastOffsetDelta < asked.fetchOffset) continue;
          if (chosen.length > 0 && size + batch.length > asked.partitionMaxBytes) break;
          chosen.push(batch);
          size += batch.length;
        }
        bytes += size;
        return { ...base, errorCode: 0, records: Buffer.concat(chosen) };
      }),
    }));
    return { bytes, response: { errorCode: 0, responses } };
  }

  private async fetch(
    broker: number,
    request: RequestBody<typeof ApiKey.Fetch>,
  ): Promise<ResponseInit<typeof ApiKey.Fetch>> {
    const deadline = performance.now() + request.maxWaitMs;
    for (;;) {
      const { bytes, response } = this.fetchAnswer(broker, request);
      const left = deadline - performance.now();
      if (bytes >= Math.max(1, request.minBytes) || left <= 0 || this.stopped) {
        return response;
      }
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.dataWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.dataWaiters.add(done);
      });
    }
  }

  private listOffsets(
    broker: number,
    request: RequestBody<typeof ApiKey.ListOffsets>,
  ): ResponseInit<typeof ApiKey.ListOffsets> {
    return {
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((asked) => {
          const partition = this.led(broker, topic.name, asked.partitionIndex);
          if (typeof partition === 'number') {
            return { partitionIndex: asked.partitionIndex, errorCode: partition, offset: -1 };
          }
          let offset = -1;
          if (asked.timestamp === -2) offset = partition.logStartOffset;
          else if (asked.timestamp === -1) offset = partition.nextOffset;
          else {
            for (const batch of partition.batches) {
              const header = readBatchHeader(batch, 0);
              if (header.maxTimestamp >= asked.timestamp) {
                offset = header.baseOffset;
                break;
              }
            }
          }
          return {
            partitionIndex: asked.partitionIndex,
            errorCode: 0,
            offset,
            timestamp: -1,
            leaderEpoch: partition.leaderEpoch,
          };
        }),
      })),
    };
  }

  private createTopics(
    broker: number,
    request: RequestBody<typeof ApiKey.CreateTopics>,
  ): ResponseInit<typeof ApiKey.CreateTopics> {
    return {
      topics: request.topics.map((topic) => {
        if (broker !== this.controllerId)
          return { name: topic.name, errorCode: code('NOT_CONTROLLER') };
        if (this.topics.has(topic.name)) {
          return {
            name: topic.name,
            errorCode: code('TOPIC_ALREADY_EXISTS'),
            errorMessage: `Topic '${topic.name}' already exists.`,
          };
        }
        const count =
          topic.assignments.length > 0
            ? topic.assignments.length
            : topic.numPartitions > 0
              ? topic.numPartitions
              : this.defaultPartitions;
        if (!request.validateOnly) {
          const created = this.createTopic(
            topic.name,
            count,
            topic.assignments.length > 0 ? topic.assignments.map((a) => a.brokerIds[0]) : undefined,
          );
          for (const config of topic.configs) {
            if (config.value !== null) created.configs.set(config.name, config.value);
          }
        }
        return { name: topic.name, errorCode: 0, numPartitions: count, replicationFactor: 1 };
      }),
    };
  }

  private deleteTopics(
    broker: number,
    request: RequestBody<typeof ApiKey.DeleteTopics>,
  ): ResponseInit<typeof ApiKey.DeleteTopics> {
    return {
      responses: request.topicNames.map((name) => {
        if (broker !== this.controllerId) return { name, errorCode: code('NOT_CONTROLLER') };
        if (!this.topics.delete(name))
          return { name, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION') };
        return { name, errorCode: 0 };
      }),
    };
  }

  private createPartitions(
    broker: number,
    request: RequestBody<typeof ApiKey.CreatePartitions>,
  ): ResponseInit<typeof ApiKey.CreatePartitions> {
    return {
      results: request.topics.map((entry) => {
        if (broker !== this.controllerId)
          return { name: entry.name, errorCode: code('NOT_CONTROLLER') };
        const topic = this.topics.get(entry.name);
        if (topic === undefined)
          return { name: entry.name, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION') };
        if (entry.count <= topic.partitions.length) {
          return {
            name: entry.name,
            errorCode: code('INVALID_PARTITIONS'),
            errorMessage: `Topic currently has ${topic.partitions.length} partitions, which is higher than the requested ${entry.count}.`,
          };
        }
        if (!request.validateOnly) this.addPartitions(topic, entry.count - topic.partitions.length);
        return { name: entry.name, errorCode: 0 };
      }),
    };
  }

  private describeConfigs(
    request: RequestBody<typeof ApiKey.DescribeConfigs>,
  ): ResponseInit<typeof ApiKey.DescribeConfigs> {
    return {
      results: request.resources.map((resource) => {
        const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
        if (resource.resourceType === 4) {
          return {
            ...base,
            errorCode: 0,
            configs: [
              { name: 'num.partitions', value: String(this.defaultPartitions), configSource: 4 },
            ],
          };
        }
        const topic = this.topics.get(resource.resourceName);
        if (topic === undefined) {
          return { ...base, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION') };
        }
        const all = new Map([['cleanup.policy', 'delete'], ...topic.configs]);
        const keys =
          resource.configurationKeys.length > 0 ? resource.configurationKeys : [...all.keys()];
        return {
          ...base,
          errorCode: 0,
          configs: keys
            .filter((key) => all.has(key))
            .map((key) => ({
              name: key,
              value: all.get(key),
              configSource: topic.configs.has(key) ? 1 : 5,
              synonyms: request.includeSynonyms
                ? [{ name: key, value: all.get(key), source: 5 }]
                : [],
            })),
        };
      }),
    };
  }

  private alterConfigs(
    request: RequestBody<typeof ApiKey.AlterConfigs>,
  ): ResponseInit<typeof ApiKey.AlterConfigs> {
    return {
      responses: request.resources.map((resource) => {
        const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
        const topic = this.topics.get(resource.resourceName);
        if (topic === undefined) return { ...base, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION') };
        if (!request.validateOnly) {
          topic.configs = new Map(
            resource.configs
              .filter((config) => config.value !== null)
              .map((config) => [config.name, config.value as string]),
          );
        }
        return { ...base, errorCode: 0 };
      }),
    };
  }
}
