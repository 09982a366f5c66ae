/**
 * `ControllerRequestBatch` (Kafka's `ControllerBrokerRequestBatch`): collects, during one
 * controller event, what each broker must be told, and sends it as at most three requests per
 * broker, in this order: LeaderAndIsr → UpdateMetadata → StopReplica.
 *
 * - LeaderAndIsr: per broker, one entry per partition (a later entry for the same partition
 *   replaces the earlier one; `isNew` sticks once set). Adding one also queues the partition's
 *   UpdateMetadata for every live broker. `live_leaders` carries the inter-broker endpoint of each
 *   leader named, so followers can connect.
 * - UpdateMetadata: one set of brokers and one set of partition states, computed when added:
 *   every broker in the set gets every partition state (and the full live-broker list). A
 *   partition of a topic queued for deletion is sent with leader -2.
 * - StopReplica: per broker, per partition, with `delete_partition` (sticky once true) and the
 *   leader epoch (-2 for a topic queued for deletion, -1 when unknown).
 * Every request carries the controller id and epoch and the receiving broker's epoch as this
 * controller knows it (KIP-380). Brokers not live are skipped.
 */
import { ApiKey, RequestInit, ResponseBody } from '../../client/protocol/apis';
import { samsa } from '../../client/protocol/generated/messages';
import { Logger } from '../../client/logging';
import { ReplicaAssignment } from '../../zk-schema/znodes/topic-assignment';
import { ControllerContext, LiveBroker } from './controller-context';
import {
  EPOCH_DURING_DELETE,
  INITIAL_LEADER_EPOCH,
  INITIAL_ZK_VERSION,
  LEADER_DURING_DELETE,
  LeaderIsrAndControllerEpoch,
  NO_EPOCH,
} from './leader-and-isr';
import { TopicPartition, TpMap } from './topic-partition';

type LeaderAndIsrPartitionState = samsa.LeaderAndIsrRequest.PartitionState.$Properties;
type UpdateMetadataPartitionState = samsa.UpdateMetadataRequest.PartitionState.$Properties;

interface StopReplicaEntry {
  readonly leaderEpoch: number;
  readonly deletePartition: boolean;
}

/** Hands one request to the broker's send queue; `onResponse` runs when it is answered. */
export type SendRequest = <K extends ApiKey>(
  brokerId: number,
  apiKey: K,
  body: RequestInit<K>,
  onResponse: (response: ResponseBody<K>) => void,
) => void;

export interface ControllerRequestBatchOptions {
  readonly context: ControllerContext;
  readonly controllerId: number;
  /** The listener whose endpoints go into LeaderAndIsr's live_leaders. */
  readonly interBrokerListenerName: string;
  readonly send: SendRequest;
  /** Called with the per-partition outcome of StopReplica(delete=true) requests. */
  readonly onStopReplicaDeletionResponse: (
    brokerId: number,
    outcomes: Array<{ tp: TopicPartition; errorCode: number }>,
  ) => void;
  readonly log: () => Logger;
}

export class ControllerRequestBatch {
  private readonly leaderAndIsr = new Map<number, TpMap<LeaderAndIsrPartitionState>>();
  private readonly updateMetadataBrokers = new Set<number>();
  private readonly updateMetadataPartitions = new TpMap<UpdateMetadataPartitionState>();
  private readonly stopReplica = new Map<number, TpMap<StopReplicaEntry>>();

  constructor(private readonly options: ControllerRequestBatchOptions) {}

  isEmpty(): boolean {
    return (
      this.leaderAndIsr.size === 0 &&
      this.updateMetadataBrokers.size === 0 &&
      this.stopReplica.size === 0
    );
  }

  /** Drops whatever was collected (nothing is sent). */
  clear(): void {
    this.leaderAndIsr.clear();
    this.updateMetadataBrokers.clear();
    this.updateMetadataPartitions.clear();
    this.stopReplica.clear();
  }

  addLeaderAndIsrRequestForBrokers(
    brokerIds: Iterable<number>,
    tp: TopicPartition,
    leadership: LeaderIsrAndControllerEpoch,
    assignment: ReplicaAssignment,
    isNew: boolean,
  ): void {
    for (const brokerId of brokerIds) {
      if (brokerId < 0) continue;
      let partitions = this.leaderAndIsr.get(brokerId);
      if (partitions === undefined) {
        partitions = new TpMap();
        this.leaderAndIsr.set(brokerId, partitions);
      }
      const alreadyNew = partitions.get(tp)?.isNew === true;
      const l = leadership.leaderAndIsr;
      partitions.set(tp, {
        partitionIndex: tp.partition,
        controllerEpoch: leadership.controllerEpoch,
        leader: l.leader,
        leaderEpoch: l.leaderEpoch,
        isr: [...l.isr],
        zkVersion: l.zkVersion,
        replicas: [...assignment.replicas],
        addingReplicas: [...assignment.addingReplicas],
        removingReplicas: [...assignment.removingReplicas],
        isNew: isNew || alreadyNew,
      });
    }
    this.addUpdateMetadataRequestForBrokers(this.options.context.liveOrShuttingDownBrokerIds(), [
      tp,
    ]);
  }

  addUpdateMetadataRequestForBrokers(
    brokerIds: Iterable<number>,
    partitions: Iterable<TopicPartition>,
  ): void {
    const context = this.options.context;
    for (const brokerId of brokerIds) if (brokerId >= 0) this.updateMetadataBrokers.add(brokerId);
    for (const tp of partitions) {
      const leadership = context.partitionLeadershipInfo.get(tp);
      if (leadership === undefined) continue;
      const replicas = context.partitionReplicaAssignment(tp);
      const beingDeleted = context.isTopicQueuedUpForDeletion(tp.topic);
      const l = leadership.leaderAndIsr;
      this.updateMetadataPartitions.set(tp, {
        partitionIndex: tp.partition,
        controllerEpoch: leadership.controllerEpoch,
        leader: beingDeleted ? LEADER_DURING_DELETE : l.leader,
        leaderEpoch: beingDeleted ? INITIAL_LEADER_EPOCH : l.leaderEpoch,
        isr: [...l.isr],
        zkVersion: beingDeleted ? INITIAL_ZK_VERSION : l.zkVersion,
        replicas: [...replicas],
        offlineReplicas: replicas.filter((r) => !context.isReplicaOnline(r)),
      });
    }
  }

  addStopReplicaRequestForBrokers(
    brokerIds: Iterable<number>,
    tp: TopicPartition,
    deletePartition: boolean,
  ): void {
    const context = this.options.context;
    const leaderEpoch = context.isTopicQueuedUpForDeletion(tp.topic)
      ? EPOCH_DURING_DELETE
      : (context.partitionLeadershipInfo.get(tp)?.leaderAndIsr.leaderEpoch ?? NO_EPOCH);
    for (const brokerId of brokerIds) {
      if (brokerId < 0) continue;
      let partitions = this.stopReplica.get(brokerId);
      if (partitions === undefined) {
        partitions = new TpMap();
        this.stopReplica.set(brokerId, partitions);
      }
      const alreadyDelete = partitions.get(tp)?.deletePartition === true;
      partitions.set(tp, { leaderEpoch, deletePartition: alreadyDelete || deletePartition });
    }
  }

  /** Sends everything collected (LeaderAndIsr, then UpdateMetadata, then StopReplica) and clears. */
  sendRequestsToBrokers(controllerEpoch: number): void {
    try {
      this.sendLeaderAndIsrRequests(controllerEpoch);
      this.sendUpdateMetadataRequests(controllerEpoch);
      this.sendStopReplicaRequests(controllerEpoch);
    } finally {
      this.clear();
    }
  }

  private header(brokerId: number, controllerEpoch: number) {
    return {
      controllerId: this.options.controllerId,
      controllerEpoch,
      brokerEpoch: this.options.context.liveBrokerEpoch(brokerId) ?? -1,
    };
  }

  private sendLeaderAndIsrRequests(controllerEpoch: number): void {
    const context = this.options.context;
    for (const [brokerId, partitions] of this.leaderAndIsr) {
      if (!context.isReplicaOnline(brokerId, true)) continue;
      const leaderIds = new Set([...partitions.values()].map((p) => p.leader));
      const liveLeaders: samsa.LeaderAndIsrRequest.LiveLeader.$Properties[] = [];
      for (const leaderId of leaderIds) {
        const leader = context.liveOrShuttingDownBroker(leaderId as number);
        const endpoint = leader && endpointFor(leader, this.options.interBrokerListenerName);
        if (endpoint) {
          liveLeaders.push({ brokerId: leaderId, hostName: endpoint.host, port: endpoint.port });
        }
      }
      const body: RequestInit<typeof ApiKey.LeaderAndIsr> = {
        ...this.header(brokerId, controllerEpoch),
        type: 0,
        topicStates: groupByTopic(partitions),
        liveLeaders,
      };
      this.options
        .log()
        .debug(
          `Sending LeaderAndIsr request to broker ${brokerId} for ${partitions.size} partitions`,
        );
      this.options.send(brokerId, ApiKey.LeaderAndIsr, body, (response) => {
        const failed = response.partitionErrors.filter((p) => p.errorCode !== 0);
        if (response.errorCode !== 0 || failed.length > 0) {
          this.options.log().warn(
            `LeaderAndIsr response from broker ${brokerId}: error ${response.errorCode}, ` +
              `${failed.length} partition errors (${failed
                .slice(0, 5)
                .map((p) => `${p.topicName}-${p.partitionIndex}:${p.errorCode}`)
                .join(',')})`,
          );
        }
      });
    }
  }

  private sendUpdateMetadataRequests(controllerEpoch: number): void {
    const context = this.options.context;
    if (this.updateMetadataBrokers.size === 0) return;
    const liveBrokers = context.liveOrShuttingDownBrokers().map(toUpdateMetadataBroker);
    const topicStates = groupByTopic(this.updateMetadataPartitions);
    for (const brokerId of this.updateMetadataBrokers) {
      if (!context.isReplicaOnline(brokerId, true)) continue;
      const body: RequestInit<typeof ApiKey.UpdateMetadata> = {
        ...this.header(brokerId, controllerEpoch),
        topicStates,
        liveBrokers,
      };
      this.options.send(brokerId, ApiKey.UpdateMetadata, body, (response) => {
        if (response.errorCode !== 0) {
          this.options
            .log()
            .warn(`UpdateMetadata response from broker ${brokerId}: error ${response.errorCode}`);
        }
      });
    }
  }

  private sendStopReplicaRequests(controllerEpoch: number): void {
    const context = this.options.context;
    for (const [brokerId, partitions] of this.stopReplica) {
      if (!context.isReplicaOnline(brokerId, true)) continue;
      const deleting = [...partitions.entries()]
        .filter(([, entry]) => entry.deletePartition)
        .map(([tp]) => tp);
      const byTopic = new Map<string, samsa.StopReplicaRequest.PartitionState.$Properties[]>();
      for (const [tp, entry] of partitions) {
        const list = byTopic.get(tp.topic) ?? [];
        list.push({
          partitionIndex: tp.partition,
          leaderEpoch: entry.leaderEpoch,
          deletePartition: entry.deletePartition,
        });
        byTopic.set(tp.topic, list);
      }
      const body: RequestInit<typeof ApiKey.StopReplica> = {
        ...this.header(brokerId, controllerEpoch),
        topicStates: [...byTopic].map(([topicName, partitionStates]) => ({
          topicName,
          partitionStates,
        })),
      };
      this.options.send(brokerId, ApiKey.StopReplica, body, (response) => {
        if (deleting.length === 0) return;
        const errors = new TpMap<number>();
        for (const p of response.partitionErrors) {
          errors.set({ topic: p.topicName, partition: p.partitionIndex }, p.errorCode);
        }
        this.options.onStopReplicaDeletionResponse(
          brokerId,
          deleting.map((tp) => ({
            tp,
            errorCode: response.errorCode !== 0 ? response.errorCode : (errors.get(tp) ?? 0),
          })),
        );
      });
    }
  }
}

function groupByTopic<P extends { partitionIndex?: number | null }>(
  partitions: TpMap<P>,
): Array<{ topicName: string; partitionStates: P[] }> {
  const byTopic = new Map<string, P[]>();
  for (const [tp, state] of partitions) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(state);
    byTopic.set(tp.topic, list);
  }
  return [...byTopic].map(([topicName, partitionStates]) => ({ topicName, partitionStates }));
}

/** The broker's advertised endpoint for `listenerName`, if it has one. */
export function endpointFor(
  broker: LiveBroker,
  listenerName: string,
): { host: string; port: number } | undefined {
  return broker.registration.endpoints.find((e) => e.listenerName === listenerName);
}

function toUpdateMetadataBroker(
  broker: LiveBroker,
): samsa.UpdateMetadataRequest.Broker.$Properties {
  return {
    id: broker.id,
    endpoints: broker.registration.endpoints.map((e) => ({
      port: e.port,
      host: e.host,
      listener: e.listenerName,
      securityProtocol: samsa.SecurityProtocol[e.securityProtocol],
    })),
    rack: broker.registration.rack ?? null,
  };
}
