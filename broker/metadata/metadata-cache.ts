/**
 * The broker's MetadataCache (Kafka's ZkMetadataCache): what this broker knows of the cluster —
 * the live brokers with their endpoints, the active controller, and every partition's leader,
 * leader epoch, replicas, ISR and offline replicas — and the Metadata answers built from it.
 *
 * It is fed only by UpdateMetadata requests from the controller (the handler in
 * broker/handlers/admin/update-metadata.ts); the broker never reads partition state from
 * ZooKeeper. Every broker receives the same requests, so every broker gives the same answer.
 * How a request is applied (Kafka 2.8):
 * - `live_brokers` replaces the whole broker list, and `controller_id` the controller (-1 or
 *   below: none known);
 * - each partition state replaces that partition's state as a whole; partitions not named keep
 *   theirs (the controller sends every partition to a broker that just joined);
 * - a partition state with leader -2 (`LEADER_DURING_DELETE`, Kafka's
 *   LeaderAndIsr.LeaderDuringDelete) removes the partition: the controller sends it to every
 *   broker when it starts deleting a topic (its TopicDeletionManager), and a topic with no
 *   partition left is gone from the cache and from Metadata answers.
 *
 * Controller-epoch fencing lives here, in one place for the whole broker: `observeControllerEpoch`
 * accepts an epoch at least as high as the highest seen and remembers it; UpdateMetadata and the
 * ReplicaManager's LeaderAndIsr / StopReplica reject a lower one with STALE_CONTROLLER_EPOCH.
 *
 * Metadata answers (`topicMetadata`), per partition, for the listener the request came on:
 * - leader not alive (or -1)        → LEADER_NOT_AVAILABLE, leader_id -1;
 * - leader alive but without an endpoint on that listener → LISTENER_NOT_FOUND, leader_id -1;
 * - a replica or ISR member not alive (or without the listener) → REPLICA_NOT_AVAILABLE with the
 *   leader filled in (informational, as in Kafka: clients keep using the leader);
 * - otherwise NONE.
 * `replica_nodes` and `isr_nodes` are the full lists; `offline_replicas` are the replicas the
 * controller reported offline plus those on brokers that are not alive. Topics are sorted by
 * name and partitions by index, so the answer does not depend on update order.
 */
import type { SecurityProtocol } from '../config/listeners';
import type { RequestInit } from '../../client/protocol/apis';
import type { ApiKey } from '../../client/protocol/apis';
import { logger } from '../../client/logging';
import { errorByName } from '../../client/protocol/error-codes';
import type { samsa } from '../../client/protocol/generated/messages';

/** The leader of a partition that has none. */
export const NO_LEADER = -1;
/** The leader of a partition of a topic being deleted (LeaderAndIsr.LeaderDuringDelete). */
export const LEADER_DURING_DELETE = -2;

/** Kafka's internal topics: flagged `is_internal` in Metadata answers. */
export const INTERNAL_TOPICS: ReadonlySet<string> = new Set([
  '__consumer_offsets',
  '__transaction_state',
]);

export type UpdateMetadataRequest = RequestInit<typeof ApiKey.UpdateMetadata>;
export type MetadataTopic = samsa.MetadataResponse.Topic.$Properties;
export type MetadataBroker = samsa.MetadataResponse.Broker.$Properties;

export interface BrokerEndpoint {
  readonly listenerName: string;
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

/** A live broker as the controller announced it. */
export interface BrokerEndpoints {
  readonly id: number;
  readonly rack: string | null;
  readonly endpoints: readonly BrokerEndpoint[];
}

/** One partition's state, as the controller sent it. */
export interface CachedPartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Epoch of the controller that made the leadership decision. */
  readonly controllerEpoch: number;
  /** Broker id of the leader, or -1. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  /** The partition state znode's zkVersion. */
  readonly zkVersion: number;
  readonly replicas: readonly number[];
  /** Replicas the controller reported offline (log dir failures, dead brokers). */
  readonly offlineReplicas: readonly number[];
}

/** Kafka's SecurityProtocol ids (common.proto), as UpdateMetadata carries them. */
const SECURITY_PROTOCOL_BY_ID: Readonly<Record<number, SecurityProtocol>> = {
  0: 'PLAINTEXT',
  1: 'SSL',
  2: 'SASL_PLAINTEXT',
  3: 'SASL_SSL',
};

const log = logger('MetadataCache');

const NONE = errorByName('NONE').code;
const LEADER_NOT_AVAILABLE = errorByName('LEADER_NOT_AVAILABLE').code;
const LISTENER_NOT_FOUND = errorByName('LISTENER_NOT_FOUND').code;
const REPLICA_NOT_AVAILABLE = errorByName('REPLICA_NOT_AVAILABLE').code;

export class MetadataCache {
  private brokers = new Map<number, BrokerEndpoints>();
  private readonly partitions = new Map<string, Map<number, CachedPartitionState>>();
  private controller = -1;
  private highestControllerEpoch = -1;
  private readonly listeners = new Set<() => void>();

  /** The highest controller epoch seen in a controller request accepted by this broker. */
  controllerEpochSeen(): number {
    return this.highestControllerEpoch;
  }

  /**
   * True when `epoch` is at least the highest controller epoch seen (it then becomes the highest
   * seen); false when it is lower: the request comes from an old controller and must be refused
   * with STALE_CONTROLLER_EPOCH.
   */
  observeControllerEpoch(epoch: number): boolean {
    if (epoch < this.highestControllerEpoch) return false;
    this.highestControllerEpoch = epoch;
    return true;
  }

  /**
   * Applies an UpdateMetadata request (already fenced by the caller). Returns the partitions it
   * removed (topics being deleted). Listeners registered with `onUpdate` run afterwards.
   */
  update(request: UpdateMetadataRequest): { topic: string; partition: number }[] {
    const brokers = new Map<number, BrokerEndpoints>();
    for (const broker of request.liveBrokers ?? []) {
      const id = broker.id ?? 0;
      brokers.set(id, {
        id,
        rack: broker.rack ?? null,
        endpoints: (broker.endpoints ?? []).map((e) => ({
          listenerName: e.listener ?? '',
          host: e.host ?? '',
          port: e.port ?? 0,
          securityProtocol: SECURITY_PROTOCOL_BY_ID[e.securityProtocol ?? 0] ?? 'PLAINTEXT',
        })),
      });
    }
    this.brokers = brokers;
    const controllerId = request.controllerId ?? -1;
    this.controller = controllerId < 0 ? -1 : controllerId;

    const deleted: { topic: string; partition: number }[] = [];
    for (const topicState of request.topicStates ?? []) {
      const topic = topicState.topicName ?? '';
      let partitions = this.partitions.get(topic);
      for (const state of topicState.partitionStates ?? []) {
        const partition = state.partitionIndex ?? 0;
        if ((state.leader ?? 0) === LEADER_DURING_DELETE) {
          if (partitions?.delete(partition)) deleted.push({ topic, partition });
          continue;
        }
        if (partitions === undefined) {
          partitions = new Map();
          this.partitions.set(topic, partitions);
        }
        partitions.set(partition, {
          topic,
          partition,
          controllerEpoch: state.controllerEpoch ?? 0,
          leader: state.leader ?? NO_LEADER,
          leaderEpoch: state.leaderEpoch ?? 0,
          isr: [...(state.isr ?? [])],
          zkVersion: state.zkVersion ?? 0,
          replicas: [...(state.replicas ?? [])],
          offlineReplicas: [...(state.offlineReplicas ?? [])],
        });
      }
      if (partitions !== undefined && partitions.size === 0) this.partitions.delete(topic);
    }
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        log.error(
          `A metadata update listener failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return deleted;
  }

  /** Calls `listener` after every update; returns the function that unregisters it. */
  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The active controller's id as the last UpdateMetadata said, or -1. */
  controllerId(): number {
    return this.controller;
  }

  /** Every live broker, by id. */
  aliveBrokers(): BrokerEndpoints[] {
    return [...this.brokers.values()].sort((a, b) => a.id - b.id);
  }

  aliveBroker(id: number): BrokerEndpoints | undefined {
    return this.brokers.get(id);
  }

  /** A live broker's endpoint on `listenerName`, or undefined. */
  aliveEndpoint(id: number, listenerName: string): BrokerEndpoint | undefined {
    return this.brokers.get(id)?.endpoints.find((e) => e.listenerName === listenerName);
  }

  hasTopic(topic: string): boolean {
    return this.partitions.has(topic);
  }

  /** Every topic with at least one partition, sorted. */
  topics(): string[] {
    return [...this.partitions.keys()].sort();
  }

  partitionState(topic: string, partition: number): CachedPartitionState | undefined {
    return this.partitions.get(topic)?.get(partition);
  }

  /** A topic's partitions, by index (empty for an unknown topic). */
  partitionStates(topic: string): CachedPartitionState[] {
    const partitions = this.partitions.get(topic);
    if (partitions === undefined) return [];
    return [...partitions.values()].sort((a, b) => a.partition - b.partition);
  }

  /** How many partitions the topic has, or undefined for an unknown topic. */
  numPartitions(topic: string): number | undefined {
    return this.partitions.get(topic)?.size;
  }

  /** The live brokers that have an endpoint on `listenerName`, as Metadata lists them. */
  brokerMetadata(listenerName: string): MetadataBroker[] {
    const result: MetadataBroker[] = [];
    for (const broker of this.aliveBrokers()) {
      const endpoint = broker.endpoints.find((e) => e.listenerName === listenerName);
      if (endpoint === undefined) continue;
      const entry: MetadataBroker = { nodeId: broker.id, host: endpoint.host, port: endpoint.port };
      if (broker.rack !== null) entry.rack = broker.rack;
      result.push(entry);
    }
    return result;
  }

  /**
   * Metadata answers for `topics` (null: every topic) that this cache knows, in name order, for
   * a request received on `listenerName`. Unknown topics are left out: the caller decides
   * between UNKNOWN_TOPIC_OR_PARTITION and auto-creation.
   */
  topicMetadata(topics: readonly string[] | null, listenerName: string): MetadataTopic[] {
    const names = topics === null ? this.topics() : [...new Set(topics)].sort();
    const result: MetadataTopic[] = [];
    for (const name of names) {
      if (!this.partitions.has(name)) continue;
      result.push({
        errorCode: NONE,
        name,
        isInternal: INTERNAL_TOPICS.has(name),
        partitions: this.partitionStates(name).map((state) =>
          this.partitionMetadata(state, listenerName),
        ),
      });
    }
    return result;
  }

  private partitionMetadata(
    state: CachedPartitionState,
    listenerName: string,
  ): samsa.MetadataResponse.Partition.$Properties {
    const reachable = (id: number): boolean => this.aliveEndpoint(id, listenerName) !== undefined;
    const offline = new Set(state.offlineReplicas);
    for (const replica of state.replicas) if (!this.brokers.has(replica)) offline.add(replica);
    const base = {
      partitionIndex: state.partition,
      leaderEpoch: state.leaderEpoch,
      replicaNodes: [...state.replicas],
      isrNodes: [...state.isr],
      offlineReplicas: state.replicas.filter((r) => offline.has(r)),
    };
    if (!this.brokers.has(state.leader)) {
      return { ...base, errorCode: LEADER_NOT_AVAILABLE, leaderId: NO_LEADER };
    }
    if (!reachable(state.leader)) {
      return { ...base, errorCode: LISTENER_NOT_FOUND, leaderId: NO_LEADER };
    }
    const complete = state.replicas.every(reachable) && state.isr.every(reachable);
    return {
      ...base,
      errorCode: complete ? NONE : REPLICA_NOT_AVAILABLE,
      leaderId: state.leader,
    };
  }
}
