/**
 * The broker's replica manager (Kafka's `ReplicaManager`): the partitions this broker hosts, as
 * leader or follower, and the data-plane operations on them.
 *
 * - `becomeLeaderOrFollower` (LeaderAndIsr) and `stopReplicas` (StopReplica) run one at a time,
 *   in arrival order. A controller epoch below the highest seen (kept by the MetadataCache) is
 *   refused whole with STALE_CONTROLLER_EPOCH. Per partition, LeaderAndIsr applies only a leader
 *   epoch above the local one (lower: FENCED_LEADER_EPOCH; equal: ignored with
 *   STALE_CONTROLLER_EPOCH, Kafka's rule), and only when this broker is among the replicas
 *   (UNKNOWN_TOPIC_OR_PARTITION otherwise). New leaders stop fetching and run
 *   Partition.makeLeader; new followers stop fetching, run makeFollower and are handed to the
 *   ReplicaFetcherManager in the truncating state. StopReplica applies an epoch of -2 (topic
 *   deletion), -1 (unknown) or above the local one, stops fetching and, with delete_partition,
 *   deletes the log.
 * - `appendRecords` (Produce): per partition `Partition.appendRecordsToLeader` (one log write,
 *   shared with the requests for the partition that arrived while the previous write was under
 *   way: grouped-append.ts); acks=all then waits in the produce purgatory (delayed-produce.ts)
 *   until the high watermark covers every appended partition or timeout_ms passes.
 * - `fetchMessages` (Fetch): one read per partition within the size rules (fetch-limits.ts), up
 *   to the high watermark for consumers and the log end offset for followers; a follower at the
 *   log end is answered from the leader's latest appends still in memory (recent-appends.ts),
 *   the same bytes, without reading the segment back. A follower's fetch updates its position
 *   at the leader (ISR expansion, high watermark). With fewer than min_bytes the fetch waits in
 *   the fetch purgatory (delayed-fetch.ts) for up to max_wait_ms.
 * - `fetchOffsetForTimestamp` (ListOffsets) and `lastOffsetForLeaderEpoch`
 *   (OffsetsForLeaderEpoch).
 * - Topic configuration: the first time this broker hosts a partition of a topic, the topic's
 *   effective configuration is read (its `/config/topics/<topic>` overrides over the broker's
 *   settings, via broker/admin/topic-log-config.ts): new logs are created with it and
 *   min.insync.replicas comes from it. `updateTopicConfig` takes later changes (wire it to the
 *   DynamicConfigManager's onTopicConfigChange).
 * - Background: the ISR shrink check every replica.lag.time.max.ms / 2 and the batched
 *   `/isr_change_notification` writer (isr-change-notifier.ts). The high watermarks are kept in
 *   each Log; the LogManager's `highwatermark-checkpoint` task writes them to
 *   `replication-offset-checkpoint` every replica.high.watermark.checkpoint.interval.ms and at
 *   shutdown.
 */
import { performance } from 'node:perf_hooks';
import { KafkaError } from '../../client/errors';
import { type Logger, logger } from '../../client/logging';
import type { ApiKey, RequestInit, ResponseInit } from '../../client/protocol/apis';
import { type ErrorName, errorByName } from '../../client/protocol/error-codes';
import type { ZkClient } from '../../zk-schema/client';
import {
  effectiveTopicConfig,
  fetchTopicOverrides,
  logConfigFromTopicConfig,
} from '../admin/topic-log-config';
import type { KafkaConfig } from '../config/kafka-config';
import type { TopicConfig } from '../config/topic-config';
import type { LogConfig } from '../log/log-config';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../log/log';
import { type TopicPartition, topicPartitionName } from '../log/log-files';
import type { LogManager } from '../log/log-manager';
import type { MetadataCache } from '../metadata/metadata-cache';
import { DelayedFetch, type FetchPartitionPosition } from './delayed-fetch';
import { DelayedOperationPurgatory } from './delayed-operation';
import {
  DelayedProduce,
  type ProducePartitionResult,
  type ProducePartitionStatus,
} from './delayed-produce';
import { readWithinLimits } from './fetch-limits';
import {
  DEFAULT_ISR_CHANGE_TIMING,
  IsrChangeNotifier,
  type IsrChangeNotifierOptions,
} from './isr-change-notifier';
import { type IsrWriter, ZkIsrWriter } from './isr-writer';
import { type LeaderAndIsrState, Partition, type PartitionListener } from './partition';
import type { BrokerAddress } from './replica-fetcher';
import { ReplicaFetcherManager } from './replica-fetcher-manager';

export type LeaderAndIsrRequest = RequestInit<typeof ApiKey.LeaderAndIsr>;
export type LeaderAndIsrResponse = ResponseInit<typeof ApiKey.LeaderAndIsr>;
export type StopReplicaRequest = RequestInit<typeof ApiKey.StopReplica>;
export type StopReplicaResponse = ResponseInit<typeof ApiKey.StopReplica>;

export interface ReplicaManagerOptions {
  readonly config: KafkaConfig;
  readonly brokerId: number;
  readonly logManager: LogManager;
  readonly metadataCache: MetadataCache;
  /** The broker's ZooKeeper client (chroot applied). */
  readonly zk: () => ZkClient;
  /** Monotonic clock in ms (default performance.now). */
  readonly clock?: () => number;
  /** Default: conditional writes of the partition state znode through `zk`. */
  readonly isrWriter?: IsrWriter;
  /**
   * A topic's effective configuration, read when this broker first hosts a partition of it
   * (default: the overrides in `/config/topics/<topic>` over the broker's settings, read through
   * `zk` now, as Kafka's Partition.createLog does). Later changes arrive via updateTopicConfig.
   */
  readonly topicConfig?: (topic: string) => Promise<TopicConfig>;
  /** ISR-change notification batching (defaults in isr-change-notifier.ts). */
  readonly isrChangeTiming?: Partial<
    Pick<IsrChangeNotifierOptions, 'checkIntervalMs' | 'lingerMs' | 'maxDelayMs'>
  >;
}

export interface ProduceEntry {
  readonly topicPartition: TopicPartition;
  /** RecordBatch v2 bytes, one or more batches. */
  readonly records: Buffer;
}

export interface AppendRecordsParams {
  readonly timeoutMs: number;
  readonly requiredAcks: number;
  readonly entries: readonly ProduceEntry[];
}

export interface FetchParams {
  /** -1 for consumers, the follower's broker id for replicas. */
  readonly replicaId: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly partitions: readonly FetchPartitionPosition[];
}

/** One partition of a fetch response. */
export interface FetchPartitionData {
  readonly topicPartition: TopicPartition;
  error: ErrorName;
  errorMessage?: string;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer;
}

interface LocalReadResult extends FetchPartitionData {
  /** The leader's log end offset before the read (-1 on error). */
  readonly leaderLogEndOffset: number;
}

/** ListOffsets' answer for one partition. */
export interface OffsetForTimestamp {
  readonly error: ErrorName;
  readonly errorMessage?: string;
  readonly timestamp: number;
  readonly offset: number;
  readonly leaderEpoch: number;
}

/** OffsetsForLeaderEpoch's answer for one partition. */
export interface EpochEndOffsetResult {
  readonly error: ErrorName;
  readonly leaderEpoch: number;
  readonly endOffset: number;
}

/** Who is asking, for ListOffsets / OffsetsForLeaderEpoch (Kafka's replica ids). */
export const CONSUMER_REPLICA_ID = -1;
export const DEBUGGING_REPLICA_ID = -2;

const EMPTY = Buffer.alloc(0);

function code(name: ErrorName): number {
  return errorByName(name).code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs async work one call at a time, in call order. */
class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export class ReplicaManager {
  readonly brokerId: number;
  private readonly config: KafkaConfig;
  private readonly logManager: LogManager;
  private readonly metadataCache: MetadataCache;
  private readonly clock: () => number;
  private readonly isrWriter: IsrWriter;
  private readonly log: Logger;
  private readonly partitions = new Map<string, Partition>();
  private readonly producePurgatory = new DelayedOperationPurgatory<DelayedProduce>();
  private readonly fetchPurgatory = new DelayedOperationPurgatory<DelayedFetch>();
  private readonly stateChanges = new SerialQueue();
  private readonly liveLeaders = new Map<number, BrokerAddress>();
  private readonly topicConfigSource: (topic: string) => Promise<TopicConfig>;
  /** Per topic hosted here: min.insync.replicas and the config of new logs. */
  private readonly topicConfigs = new Map<
    string,
    { minInsyncReplicas: number; logConfig: LogConfig }
  >();
  private readonly isrChangeNotifier: IsrChangeNotifier;
  readonly fetcherManager: ReplicaFetcherManager;
  private isrExpirationTimer: NodeJS.Timeout | undefined;
  private isrExpiration: Promise<void> | undefined;
  private shuttingDown = false;
  private readonly listener: PartitionListener = {
    onHighWatermarkIncreased: (partition) => this.completeDelayedRequests(partition.name),
    onIsrChanged: (partition) => this.isrChangeNotifier.recordIsrChange(partition.topicPartition),
  };

  constructor(options: ReplicaManagerOptions) {
    this.brokerId = options.brokerId;
    this.config = options.config;
    this.logManager = options.logManager;
    this.metadataCache = options.metadataCache;
    this.clock = options.clock ?? (() => performance.now());
    this.isrWriter = options.isrWriter ?? new ZkIsrWriter(options.zk);
    this.log = logger(`ReplicaManager broker=${options.brokerId}`);
    this.topicConfigSource =
      options.topicConfig ??
      (async (topic) =>
        effectiveTopicConfig(
          options.config,
          topic,
          await fetchTopicOverrides(options.zk(), topic),
        ));
    this.isrChangeNotifier = new IsrChangeNotifier({
      zk: options.zk,
      clock: this.clock,
      brokerId: options.brokerId,
      ...DEFAULT_ISR_CHANGE_TIMING,
      ...options.isrChangeTiming,
    });
    const config = options.config;
    this.fetcherManager = new ReplicaFetcherManager({
      localBrokerId: options.brokerId,
      numFetchers: config.numReplicaFetchers,
      config: {
        fetchMaxBytes: config.replicaFetchMaxBytes,
        fetchMinBytes: config.replicaFetchMinBytes,
        fetchWaitMaxMs: config.replicaFetchWaitMaxMs,
        fetchResponseMaxBytes: config.replicaFetchResponseMaxBytes,
        fetchBackoffMs: config.replicaFetchBackoffMs,
        socketTimeoutMs: config.replicaSocketTimeoutMs,
      },
      endpointOf: (id) => this.leaderEndpoint(id),
      clock: this.clock,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /** Starts the ISR shrink check and the ISR-change notifications. */
  startup(): void {
    const period = Math.max(1, Math.floor(this.config.replicaLagTimeMaxMs / 2));
    this.isrExpirationTimer = setInterval(() => {
      if (this.isrExpiration !== undefined) return;
      this.isrExpiration = this.maybeShrinkIsrs().finally(() => {
        this.isrExpiration = undefined;
      });
    }, period);
    this.isrExpirationTimer.unref();
    this.isrChangeNotifier.start();
  }

  /**
   * Stops the background tasks and the fetchers, answers every waiting produce and fetch, and
   * waits for ISR writes in flight. The logs stay open (the LogManager closes them).
   */
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.isrExpirationTimer !== undefined) clearInterval(this.isrExpirationTimer);
    await this.isrExpiration;
    await this.isrChangeNotifier.stop();
    await this.fetcherManager.shutdown();
    this.producePurgatory.forceCompleteAll();
    this.fetchPurgatory.forceCompleteAll();
    await Promise.allSettled([...this.partitions.values()].map((p) => p.pendingIsrWrite));
    this.log.info('Shut down completely');
  }

  // ---------------------------------------------------------------------------------------------
  // Partitions

  getPartition(tp: TopicPartition): Partition | undefined {
    return this.partitions.get(topicPartitionName(tp));
  }

  /**
   * The hosted partition, or the error for one that is not hosted here: NOT_LEADER_OR_FOLLOWER
   * when the cluster knows it, UNKNOWN_TOPIC_OR_PARTITION otherwise.
   */
  partitionOrError(tp: TopicPartition): Partition | ErrorName {
    const partition = this.partitions.get(topicPartitionName(tp));
    if (partition !== undefined && partition.localLogOrUndefined !== undefined) return partition;
    return this.metadataCache.partitionState(tp.topic, tp.partition) !== undefined
      ? 'NOT_LEADER_OR_FOLLOWER'
      : 'UNKNOWN_TOPIC_OR_PARTITION';
  }

  /** Produce and fetch requests waiting. */
  get delayedRequests(): { produce: number; fetch: number } {
    return { produce: this.producePurgatory.delayed, fetch: this.fetchPurgatory.delayed };
  }

  private getOrCreatePartition(tp: TopicPartition): Partition {
    const name = topicPartitionName(tp);
    let partition = this.partitions.get(name);
    if (partition === undefined) {
      partition = new Partition({
        topicPartition: { topic: tp.topic, partition: tp.partition },
        localBrokerId: this.brokerId,
        getOrCreateLog: (t) =>
          this.logManager.getOrCreateLog(t, this.topicConfigs.get(t.topic)?.logConfig),
        isrWriter: this.isrWriter,
        listener: this.listener,
        clock: this.clock,
        replicaLagTimeMaxMs: this.config.replicaLagTimeMaxMs,
      });
      this.partitions.set(name, partition);
    }
    return partition;
  }

  /** A leader's inter-broker endpoint: from the metadata cache, else from LeaderAndIsr. */
  private leaderEndpoint(id: number): BrokerAddress | undefined {
    const endpoint = this.metadataCache.aliveEndpoint(id, this.config.interBrokerListenerName);
    return endpoint ?? this.liveLeaders.get(id);
  }

  /**
   * Applies a topic's new configuration (DynamicConfigManager's onTopicConfigChange listener):
   * min.insync.replicas for acks=all, and the config of logs created from now on.
   */
  updateTopicConfig(topic: string, config: TopicConfig): void {
    this.topicConfigs.set(topic, {
      minInsyncReplicas: config.minInsyncReplicas,
      logConfig: logConfigFromTopicConfig(config),
    });
  }

  /** A topic's min.insync.replicas (the broker's until the topic's config is known). */
  minInsyncReplicas(topic: string): number {
    return this.topicConfigs.get(topic)?.minInsyncReplicas ?? this.config.minInsyncReplicas;
  }

  /** Reads the configs of topics hosted here for the first time; returns those that failed. */
  private async loadTopicConfigs(topics: Iterable<string>): Promise<Map<string, string>> {
    const failed = new Map<string, string>();
    await Promise.all(
      [...new Set(topics)]
        .filter((topic) => !this.topicConfigs.has(topic))
        .map(async (topic) => {
          try {
            this.updateTopicConfig(topic, await this.topicConfigSource(topic));
          } catch (error) {
            this.log.error(`Cannot read the configuration of topic ${topic}: ${describe(error)}`);
            failed.set(topic, describe(error));
          }
        }),
    );
    return failed;
  }

  private completeDelayedRequests(key: string): void {
    this.producePurgatory.checkAndComplete(key);
    this.fetchPurgatory.checkAndComplete(key);
  }

  // ---------------------------------------------------------------------------------------------
  // LeaderAndIsr / StopReplica

  /** Applies a LeaderAndIsr request (Kafka's becomeLeaderOrFollower). */
  becomeLeaderOrFollower(request: LeaderAndIsrRequest): Promise<LeaderAndIsrResponse> {
    return this.stateChanges.run(() => this.applyLeaderAndIsr(request));
  }

  private async applyLeaderAndIsr(request: LeaderAndIsrRequest): Promise<LeaderAndIsrResponse> {
    const controllerId = request.controllerId ?? -1;
    const controllerEpoch = request.controllerEpoch ?? 0;
    const entries: { tp: TopicPartition; state: LeaderAndIsrState }[] = [];
    for (const topicState of request.topicStates ?? []) {
      for (const ps of topicState.partitionStates ?? []) {
        entries.push({
          tp: { topic: topicState.topicName ?? '', partition: ps.partitionIndex ?? 0 },
          state: {
            controllerEpoch: ps.controllerEpoch ?? 0,
            leader: ps.leader ?? -1,
            leaderEpoch: ps.leaderEpoch ?? 0,
            isr: ps.isr ?? [],
            zkVersion: ps.zkVersion ?? 0,
            replicas: ps.replicas ?? [],
          },
        });
      }
    }
    const response = (errors: Map<string, ErrorName>, top: ErrorName): LeaderAndIsrResponse => ({
      errorCode: code(top),
      partitionErrors: entries.map(({ tp }) => ({
        topicName: tp.topic,
        partitionIndex: tp.partition,
        errorCode: code(errors.get(topicPartitionName(tp)) ?? top),
      })),
    });
    if (!this.metadataCache.observeControllerEpoch(controllerEpoch)) {
      this.log.warn(
        `Ignoring LeaderAndIsr request from controller ${controllerId} with epoch ${controllerEpoch} ` +
          `since its controller epoch is old. Latest known controller epoch is ${this.metadataCache.controllerEpochSeen()}`,
      );
      return response(new Map(), 'STALE_CONTROLLER_EPOCH');
    }
    for (const leader of request.liveLeaders ?? []) {
      this.liveLeaders.set(leader.brokerId ?? -1, {
        host: leader.hostName ?? '',
        port: leader.port ?? 0,
      });
    }

    const errors = new Map<string, ErrorName>();
    const toLead: { partition: Partition; state: LeaderAndIsrState }[] = [];
    const toFollow: { partition: Partition; state: LeaderAndIsrState }[] = [];
    for (const { tp, state } of entries) {
      const name = topicPartitionName(tp);
      if (!state.replicas.includes(this.brokerId)) {
        this.log.warn(
          `Ignoring LeaderAndIsr request from controller ${controllerId} with epoch ${controllerEpoch} for partition ${name} ` +
            `as itself is not in assigned replica list ${state.replicas.join(',')}`,
        );
        errors.set(name, 'UNKNOWN_TOPIC_OR_PARTITION');
        continue;
      }
      const partition = this.getOrCreatePartition(tp);
      const current = partition.leaderEpoch;
      if (state.leaderEpoch > current) {
        (state.leader === this.brokerId ? toLead : toFollow).push({ partition, state });
        continue;
      }
      const lower = state.leaderEpoch < current;
      this.log.info(
        `Ignoring LeaderAndIsr request from controller ${controllerId} with epoch ${controllerEpoch} for partition ${name} ` +
          `since its associated leader epoch ${state.leaderEpoch} ${lower ? 'is smaller than' : 'matches'} the current leader epoch ${current}`,
      );
      errors.set(name, lower ? 'FENCED_LEADER_EPOCH' : 'STALE_CONTROLLER_EPOCH');
    }

    const failedTopics = await this.loadTopicConfigs(
      [...toLead, ...toFollow].map((e) => e.partition.topicPartition.topic),
    );
    const configured = (e: { partition: Partition }): boolean => {
      if (!failedTopics.has(e.partition.topicPartition.topic)) return true;
      errors.set(e.partition.name, 'UNKNOWN_SERVER_ERROR');
      return false;
    };
    await this.makeLeaders(toLead.filter(configured), errors);
    await this.makeFollowers(toFollow.filter(configured), errors);
    await this.fetcherManager.shutdownIdleFetchers();
    return response(errors, 'NONE');
  }

  private async makeLeaders(
    entries: readonly { partition: Partition; state: LeaderAndIsrState }[],
    errors: Map<string, ErrorName>,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.fetcherManager.removeFetcherForPartitions(
      entries.map((e) => e.partition.topicPartition),
    );
    await Promise.all(
      entries.map(async ({ partition, state }) => {
        try {
          await partition.makeLeader(state);
          errors.set(partition.name, 'NONE');
        } catch (error) {
          this.log.error(
            `Error while making broker the leader for ${partition.name}: ${describe(error)}`,
          );
          errors.set(partition.name, 'KAFKA_STORAGE_ERROR');
        }
        this.completeDelayedRequests(partition.name);
      }),
    );
  }

  private async makeFollowers(
    entries: readonly { partition: Partition; state: LeaderAndIsrState }[],
    errors: Map<string, ErrorName>,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.fetcherManager.removeFetcherForPartitions(
      entries.map((e) => e.partition.topicPartition),
    );
    const fetch: { partition: Partition; leaderId: number; leaderEpoch: number }[] = [];
    await Promise.all(
      entries.map(async ({ partition, state }) => {
        try {
          await partition.makeFollower(state);
          errors.set(partition.name, 'NONE');
          if (state.leader >= 0 && !this.shuttingDown) {
            fetch.push({ partition, leaderId: state.leader, leaderEpoch: state.leaderEpoch });
          }
        } catch (error) {
          this.log.error(
            `Error while making broker a follower for ${partition.name}: ${describe(error)}`,
          );
          errors.set(partition.name, 'KAFKA_STORAGE_ERROR');
        }
        this.completeDelayedRequests(partition.name);
      }),
    );
    this.fetcherManager.addFetcherForPartitions(fetch);
  }

  /** Applies a StopReplica request. */
  stopReplicas(request: StopReplicaRequest): Promise<StopReplicaResponse> {
    return this.stateChanges.run(() => this.applyStopReplica(request));
  }

  private async applyStopReplica(request: StopReplicaRequest): Promise<StopReplicaResponse> {
    const controllerId = request.controllerId ?? -1;
    const controllerEpoch = request.controllerEpoch ?? 0;
    const entries: { tp: TopicPartition; leaderEpoch: number; delete: boolean }[] = [];
    for (const topicState of request.topicStates ?? []) {
      for (const ps of topicState.partitionStates ?? []) {
        entries.push({
          tp: { topic: topicState.topicName ?? '', partition: ps.partitionIndex ?? 0 },
          leaderEpoch: ps.leaderEpoch ?? -1,
          delete: ps.deletePartition ?? false,
        });
      }
    }
    const errors = new Map<string, ErrorName>();
    const response = (top: ErrorName): StopReplicaResponse => ({
      errorCode: code(top),
      partitionErrors: entries.map(({ tp }) => ({
        topicName: tp.topic,
        partitionIndex: tp.partition,
        errorCode: code(errors.get(topicPartitionName(tp)) ?? top),
      })),
    });
    if (!this.metadataCache.observeControllerEpoch(controllerEpoch)) {
      this.log.warn(
        `Ignoring StopReplica request from controller ${controllerId} with epoch ${controllerEpoch} ` +
          `since its controller epoch is old. Latest known controller epoch is ${this.metadataCache.controllerEpochSeen()}`,
      );
      return response('STALE_CONTROLLER_EPOCH');
    }
    const stopping: typeof entries = [];
    for (const entry of entries) {
      const partition = this.partitions.get(topicPartitionName(entry.tp));
      const epoch = entry.leaderEpoch;
      if (
        partition === undefined ||
        epoch === -2 ||
        epoch === -1 ||
        epoch > partition.leaderEpoch
      ) {
        stopping.push(entry);
      } else {
        this.log.info(
          `Ignoring StopReplica request from controller ${controllerId} with epoch ${controllerEpoch} for partition ` +
            `${partition.name} since its associated leader epoch ${epoch} is smaller than the current leader epoch ${partition.leaderEpoch}`,
        );
        errors.set(partition.name, 'FENCED_LEADER_EPOCH');
      }
    }
    await this.fetcherManager.removeFetcherForPartitions(stopping.map((e) => e.tp));
    for (const entry of stopping) {
      const name = topicPartitionName(entry.tp);
      try {
        if (entry.delete) {
          const partition = this.partitions.get(name);
          this.partitions.delete(name);
          partition?.delete();
          this.completeDelayedRequests(name);
          await this.logManager.deleteLog(entry.tp);
        } else {
          this.completeDelayedRequests(name);
        }
        errors.set(name, 'NONE');
      } catch (error) {
        this.log.error(`Error while stopping replica ${name}: ${describe(error)}`);
        errors.set(name, 'KAFKA_STORAGE_ERROR');
      }
    }
    for (const topic of new Set(stopping.filter((e) => e.delete).map((e) => e.tp.topic))) {
      if (![...this.partitions.values()].some((p) => p.topicPartition.topic === topic)) {
        this.topicConfigs.delete(topic);
      }
    }
    await this.fetcherManager.shutdownIdleFetchers();
    return response('NONE');
  }

  // ---------------------------------------------------------------------------------------------
  // Produce

  /**
   * Appends each entry to its partition's leader log and answers per partition, in entry order;
   * with acks=all once the ISR has the records (or at timeoutMs). INVALID_REQUIRED_ACKS for acks
   * other than -1, 0 and 1.
   */
  async appendRecords(params: AppendRecordsParams): Promise<ProducePartitionResult[]> {
    const acks = params.requiredAcks;
    const result = (
      tp: TopicPartition,
      error: ErrorName,
      message?: string,
    ): ProducePartitionResult => ({
      topicPartition: tp,
      error,
      errorMessage: message,
      baseOffset: -1,
      logAppendTimeMs: -1,
      logStartOffset: -1,
    });
    if (acks !== -1 && acks !== 0 && acks !== 1) {
      return params.entries.map((e) => result(e.topicPartition, 'INVALID_REQUIRED_ACKS'));
    }
    const minIsr = (topic: string): number => this.minInsyncReplicas(topic);
    const statuses: ProducePartitionStatus[] = await Promise.all(
      params.entries.map(async ({ topicPartition: tp, records }) => {
        const partition = this.partitionOrError(tp);
        if (typeof partition === 'string') {
          return { result: result(tp, partition), requiredOffset: -1, acksPending: false };
        }
        try {
          const info = await partition.appendRecordsToLeader(records, acks, minIsr(tp.topic));
          // Followers waiting for data (and consumers, when the high watermark moved).
          this.fetchPurgatory.checkAndComplete(partition.name);
          return {
            result: {
              topicPartition: tp,
              error: 'NONE' as ErrorName,
              baseOffset: info.batchCount > 0 ? info.firstOffset : -1,
              logAppendTimeMs: -1,
              logStartOffset: info.logStartOffset,
            },
            requiredOffset: info.lastOffset + 1,
            acksPending: false,
          };
        } catch (error) {
          if (error instanceof KafkaError) {
            return {
              result: result(tp, error.type, error.message),
              requiredOffset: -1,
              acksPending: false,
            };
          }
          this.log.error(
            `Error processing append operation on partition ${partition.name}: ${describe(error)}`,
          );
          return {
            result: result(tp, 'UNKNOWN_SERVER_ERROR', describe(error)),
            requiredOffset: -1,
            acksPending: false,
          };
        }
      }),
    );
    const appended = statuses.some((s) => s.result.error === 'NONE');
    if (acks !== -1 || !appended) return statuses.map((s) => s.result);
    return new Promise((resolve) => {
      const operation = new DelayedProduce(
        params.timeoutMs,
        statuses,
        (tp) => this.partitionOrError(tp),
        minIsr,
        resolve,
      );
      this.producePurgatory.tryCompleteElseWatch(
        operation,
        statuses.map((s) => topicPartitionName(s.result.topicPartition)),
      );
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Fetch

  /**
   * Reads the partitions of a fetch (Kafka's fetchMessages); answers at once when there is an
   * error, at least min_bytes, or max_wait_ms ≤ 0, otherwise when the delayed fetch completes.
   */
  async fetchMessages(params: FetchParams): Promise<FetchPartitionData[]> {
    const isFollower = params.replicaId >= 0;
    const fetchTimeMs = this.clock();
    const results = await this.readFromLocalLog(params, isFollower);
    if (isFollower) this.updateFollowerFetchState(params, results, fetchTimeMs);
    let bytes = 0;
    let failed = false;
    for (const r of results) {
      bytes += r.records.length;
      if (r.error !== 'NONE') failed = true;
    }
    if (params.maxWaitMs <= 0 || results.length === 0 || bytes >= params.minBytes || failed) {
      return results.map(strip);
    }
    return new Promise((resolve, reject) => {
      const operation = new DelayedFetch(
        params.maxWaitMs,
        { minBytes: params.minBytes, readsToLogEnd: isFollower, leaderOnly: true },
        params.partitions,
        (tp) => this.getPartition(tp),
        () => {
          this.readFromLocalLog(params, isFollower).then((r) => resolve(r.map(strip)), reject);
        },
      );
      this.fetchPurgatory.tryCompleteElseWatch(
        operation,
        params.partitions.map((p) => topicPartitionName(p.topicPartition)),
      );
    });
  }

  private readFromLocalLog(params: FetchParams, isFollower: boolean): Promise<LocalReadResult[]> {
    return readWithinLimits(
      params.partitions,
      params.maxBytes,
      (p) => p.maxBytes,
      (p, maxBytes, minOneBatch) => this.readPartition(p, maxBytes, minOneBatch, isFollower),
      (r) => r.records.length,
    );
  }

  private async readPartition(
    position: FetchPartitionPosition,
    maxBytes: number,
    minOneBatch: boolean,
    isFollower: boolean,
  ): Promise<LocalReadResult> {
    const tp = position.topicPartition;
    const failed = (error: ErrorName, message?: string): LocalReadResult => ({
      topicPartition: tp,
      error,
      errorMessage: message,
      highWatermark: -1,
      lastStableOffset: -1,
      logStartOffset: -1,
      records: EMPTY,
      leaderLogEndOffset: -1,
    });
    const partition = this.partitionOrError(tp);
    if (typeof partition === 'string') return failed(partition);
    try {
      const log = partition.localLogFor(position.currentLeaderEpoch, true);
      const leaderLogEndOffset = log.logEndOffset;
      // A follower at the log end: the latest appends, still in memory, are what it asks for.
      const recent =
        isFollower && position.fetchOffset >= log.logStartOffset
          ? partition.recentRecords(position.fetchOffset, maxBytes)
          : undefined;
      if (recent !== undefined) {
        return {
          topicPartition: tp,
          error: 'NONE',
          highWatermark: log.highWatermark,
          lastStableOffset: log.highWatermark,
          logStartOffset: log.logStartOffset,
          records: recent,
          leaderLogEndOffset,
        };
      }
      const read = await log.read(position.fetchOffset, maxBytes, {
        maxOffset: isFollower ? undefined : log.highWatermark,
        minOneBatch,
      });
      return {
        topicPartition: tp,
        error: 'NONE',
        highWatermark: read.highWatermark,
        lastStableOffset: read.highWatermark,
        logStartOffset: read.logStartOffset,
        records: read.records,
        leaderLogEndOffset,
      };
    } catch (error) {
      if (error instanceof KafkaError) return failed(error.type, error.message);
      this.log.error(`Error processing fetch of partition ${partition.name}: ${describe(error)}`);
      return failed('UNKNOWN_SERVER_ERROR', describe(error));
    }
  }

  /** A follower's fetch tells the leader the follower's log end offset (Kafka's rule). */
  private updateFollowerFetchState(
    params: FetchParams,
    results: LocalReadResult[],
    fetchTimeMs: number,
  ): void {
    for (let i = 0; i < results.length; i++) {
      const result = results[i];
      if (result.error !== 'NONE') continue;
      const position = params.partitions[i];
      const partition = this.getPartition(position.topicPartition);
      if (partition === undefined) continue;
      const known = partition.updateFollowerFetchState(
        params.replicaId,
        position.fetchOffset,
        position.logStartOffset ?? -1,
        fetchTimeMs,
        result.leaderLogEndOffset,
      );
      if (!known) {
        this.log.warn(
          `Leader ${this.brokerId} failed to record follower ${params.replicaId}'s position ${position.fetchOffset} ` +
            `since the replica is not recognized to be one of the assigned replicas ${partition.replicas.join(',')} ` +
            `for partition ${partition.name}. Empty records will be returned for this partition.`,
        );
        result.records = EMPTY;
        continue;
      }
      const hw = partition.localLogOrUndefined?.highWatermark;
      if (hw !== undefined) {
        result.highWatermark = hw;
        result.lastStableOffset = hw;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ListOffsets / OffsetsForLeaderEpoch

  /**
   * ListOffsets for one partition (Kafka's fetchOffsetForTimestamp): -1 (latest) is the high
   * watermark for consumers (`isolation` given) and the log end offset for replicas; -2
   * (earliest) the log start offset; a timestamp the first record at or after it, if below the
   * readable end. A new leader whose high watermark has not reached its epoch's start answers
   * consumers OFFSET_NOT_AVAILABLE (KIP-207).
   */
  async fetchOffsetForTimestamp(
    tp: TopicPartition,
    timestamp: number,
    isolation: 'read_uncommitted' | 'read_committed' | undefined,
    currentLeaderEpoch: number,
    leaderOnly: boolean,
  ): Promise<OffsetForTimestamp> {
    const failed = (error: ErrorName, message?: string): OffsetForTimestamp => ({
      error,
      errorMessage: message,
      timestamp: -1,
      offset: -1,
      leaderEpoch: -1,
    });
    const partition = this.partitionOrError(tp);
    if (typeof partition === 'string') return failed(partition);
    try {
      const log = partition.localLogFor(currentLeaderEpoch, leaderOnly);
      const lastFetchable = isolation === undefined ? log.logEndOffset : log.highWatermark;
      const epochStart = partition.leaderEpochStartOffset;
      const notAvailable =
        isolation !== undefined && epochStart !== undefined && epochStart > log.highWatermark;
      const notAvailableError = (): OffsetForTimestamp =>
        failed(
          'OFFSET_NOT_AVAILABLE',
          `Failed to fetch offsets for partition ${partition.name} with leader epoch ${partition.leaderEpoch} ` +
            `as this partition's high watermark (${log.highWatermark}) is lagging behind the start offset ` +
            `from the beginning of this epoch (${epochStart}).`,
        );
      if (timestamp === LATEST_TIMESTAMP) {
        if (notAvailable) return notAvailableError();
        return {
          error: 'NONE',
          timestamp: -1,
          offset: lastFetchable,
          leaderEpoch: partition.leaderEpoch,
        };
      }
      const found = await log.fetchOffsetByTimestamp(timestamp);
      if (
        found !== undefined &&
        (timestamp === EARLIEST_TIMESTAMP || found.offset < lastFetchable)
      ) {
        return {
          error: 'NONE',
          timestamp: found.timestamp,
          offset: found.offset,
          leaderEpoch: found.leaderEpoch ?? -1,
        };
      }
      if (notAvailable) return notAvailableError();
      return { error: 'NONE', timestamp: -1, offset: -1, leaderEpoch: -1 };
    } catch (error) {
      if (error instanceof KafkaError) return failed(error.type, error.message);
      throw error;
    }
  }

  /** OffsetsForLeaderEpoch for one partition: the largest epoch ≤ `leaderEpoch` and its end. */
  lastOffsetForLeaderEpoch(
    tp: TopicPartition,
    currentLeaderEpoch: number,
    leaderEpoch: number,
    leaderOnly: boolean,
  ): EpochEndOffsetResult {
    const partition = this.partitionOrError(tp);
    if (typeof partition === 'string') return { error: partition, leaderEpoch: -1, endOffset: -1 };
    try {
      const log = partition.localLogFor(currentLeaderEpoch, leaderOnly);
      const found = log.endOffsetForEpoch(leaderEpoch);
      return found === undefined
        ? { error: 'NONE', leaderEpoch: -1, endOffset: -1 }
        : { error: 'NONE', leaderEpoch: found.epoch, endOffset: found.endOffset };
    } catch (error) {
      if (error instanceof KafkaError) return { error: error.type, leaderEpoch: -1, endOffset: -1 };
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ISR expiration

  /** Runs the ISR shrink check on every partition this broker leads. */
  async maybeShrinkIsrs(): Promise<void> {
    await Promise.all(
      [...this.partitions.values()].filter((p) => p.isLeader).map((p) => p.maybeShrinkIsr()),
    );
  }
}

function strip(result: LocalReadResult): FetchPartitionData {
  return {
    topicPartition: result.topicPartition,
    error: result.error,
    errorMessage: result.errorMessage,
    highWatermark: result.highWatermark,
    lastStableOffset: result.lastStableOffset,
    logStartOffset: result.logStartOffset,
    records: result.records,
  };
}
