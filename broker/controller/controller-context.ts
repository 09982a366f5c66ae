/**
 * `ControllerContext`: everything the active controller knows, in one mutable object (Kafka's
 * `ControllerContext.scala`). Only the controller's event loop touches it, so it needs no locks.
 *
 * - epoch and fencing: `epoch`, `epochZkVersion` (the `/controller_epoch` zkVersion every write
 *   checks);
 * - brokers: the live brokers with their registrations and epochs (czxid), and the brokers in
 *   controlled shutdown. "Live" in elections means live and not shutting down;
 * - topics: all topics, each partition's replica assignment (preferred leader first), each
 *   partition's leadership as last read or written (with the `state` znode zkVersion);
 * - the partition and replica state machines' states;
 * - topic deletion: topics queued, topics whose deletion started, topics that cannot progress now;
 * - reassignment: the partitions being reassigned (their full assignments hold ORS, TRS, AR, RR);
 * - derived counters: `offlinePartitionCount` (Kafka's OfflinePartitionsCount), kept up to date on
 *   every partition state change.
 */
import { BrokerRegistration } from '../../zk-schema/znodes/broker-registration';
import { ReplicaAssignment } from '../../zk-schema/znodes/topic-assignment';
import { PartitionState, ReplicaState } from './controller-states';
import { LeaderIsrAndControllerEpoch } from './leader-and-isr';
import { PartitionReplica, TopicPartition, TpMap } from './topic-partition';

export interface LiveBroker {
  readonly id: number;
  readonly registration: BrokerRegistration;
  /** Broker epoch: the czxid of its `/brokers/ids/<id>` znode. */
  readonly epoch: number;
}

const EMPTY_ASSIGNMENT: ReplicaAssignment = {
  replicas: [],
  addingReplicas: [],
  removingReplicas: [],
};

export class ControllerContext {
  epoch = 0;
  epochZkVersion = 0;

  private readonly liveBrokers = new Map<number, LiveBroker>();
  readonly shuttingDownBrokerIds = new Set<number>();

  readonly allTopics = new Set<string>();
  private readonly assignments = new TpMap<ReplicaAssignment>();
  readonly partitionLeadershipInfo = new TpMap<LeaderIsrAndControllerEpoch>();

  private readonly partitionStates = new TpMap<PartitionState>();
  private readonly replicaStates = new TpMap<Map<number, ReplicaState>>();

  readonly topicsToBeDeleted = new Set<string>();
  readonly topicsWithDeletionStarted = new Set<string>();
  readonly topicsIneligibleForDeletion = new Set<string>();

  /** Partitions with a reassignment in progress (Kafka's partitionsBeingReassigned). */
  readonly partitionsBeingReassigned = new TpMap<true>();

  private offlineCount = 0;

  // ---- brokers ---------------------------------------------------------------------------------

  addLiveBrokers(brokers: Iterable<LiveBroker>): void {
    for (const broker of brokers) this.liveBrokers.set(broker.id, broker);
  }

  removeLiveBrokers(ids: Iterable<number>): void {
    for (const id of ids) {
      this.liveBrokers.delete(id);
      this.shuttingDownBrokerIds.delete(id);
    }
  }

  updateBrokerMetadata(broker: LiveBroker): void {
    if (this.liveBrokers.has(broker.id)) this.liveBrokers.set(broker.id, broker);
  }

  /** Live brokers that are not shutting down. */
  liveBrokerIds(): Set<number> {
    const ids = new Set<number>();
    for (const id of this.liveBrokers.keys()) if (!this.shuttingDownBrokerIds.has(id)) ids.add(id);
    return ids;
  }

  liveOrShuttingDownBrokerIds(): Set<number> {
    return new Set(this.liveBrokers.keys());
  }

  liveOrShuttingDownBrokers(): LiveBroker[] {
    return [...this.liveBrokers.values()];
  }

  liveOrShuttingDownBroker(id: number): LiveBroker | undefined {
    return this.liveBrokers.get(id);
  }

  /** The broker's epoch as registered, or undefined for a broker that is not live. */
  liveBrokerEpoch(id: number): number | undefined {
    return this.liveBrokers.get(id)?.epoch;
  }

  /** Live (and, unless `includeShuttingDown`, not shutting down). */
  isReplicaOnline(brokerId: number, includeShuttingDown = false): boolean {
    if (!this.liveBrokers.has(brokerId)) return false;
    return includeShuttingDown || !this.shuttingDownBrokerIds.has(brokerId);
  }

  // ---- topics and assignments ------------------------------------------------------------------

  setAllTopics(topics: Iterable<string>): void {
    this.allTopics.clear();
    for (const topic of topics) this.allTopics.add(topic);
  }

  /** The replica list (preferred leader first); empty for an unknown partition. */
  partitionReplicaAssignment(tp: TopicPartition): readonly number[] {
    return this.assignments.get(tp)?.replicas ?? [];
  }

  partitionFullReplicaAssignment(tp: TopicPartition): ReplicaAssignment {
    return this.assignments.get(tp) ?? EMPTY_ASSIGNMENT;
  }

  updatePartitionFullReplicaAssignment(tp: TopicPartition, assignment: ReplicaAssignment): void {
    this.assignments.set(tp, assignment);
  }

  partitionsForTopic(topic: string): TopicPartition[] {
    return this.assignments.topicEntries(topic).map(([partition]) => ({ topic, partition }));
  }

  allPartitions(): TopicPartition[] {
    return [...this.assignments.keys()];
  }

  partitionCount(): number {
    return this.assignments.size;
  }

  /** Partitions with a replica on `brokerId`. */
  partitionsOnBroker(brokerId: number): TopicPartition[] {
    const result: TopicPartition[] = [];
    for (const [tp, a] of this.assignments) if (a.replicas.includes(brokerId)) result.push(tp);
    return result;
  }

  replicasOnBrokers(brokerIds: ReadonlySet<number>): PartitionReplica[] {
    const result: PartitionReplica[] = [];
    for (const [tp, a] of this.assignments) {
      for (const replica of a.replicas) if (brokerIds.has(replica)) result.push({ tp, replica });
    }
    return result;
  }

  replicasForTopic(topic: string): PartitionReplica[] {
    return this.replicasForPartitions(this.partitionsForTopic(topic));
  }

  replicasForPartitions(partitions: Iterable<TopicPartition>): PartitionReplica[] {
    const result: PartitionReplica[] = [];
    for (const tp of partitions) {
      for (const replica of this.partitionReplicaAssignment(tp)) result.push({ tp, replica });
    }
    return result;
  }

  /** Partitions led by `brokerId`, topics queued for deletion left out. */
  partitionLeadersOnBroker(brokerId: number): TopicPartition[] {
    const result: TopicPartition[] = [];
    for (const [tp, l] of this.partitionLeadershipInfo) {
      if (!this.topicsToBeDeleted.has(tp.topic) && l.leaderAndIsr.leader === brokerId) {
        result.push(tp);
      }
    }
    return result;
  }

  /** Partitions whose leader is not online, topics queued for deletion left out. */
  partitionsWithOfflineLeader(): TopicPartition[] {
    const result: TopicPartition[] = [];
    for (const [tp, l] of this.partitionLeadershipInfo) {
      if (!this.isReplicaOnline(l.leaderAndIsr.leader) && !this.topicsToBeDeleted.has(tp.topic)) {
        result.push(tp);
      }
    }
    return result;
  }

  /** Partitions with leadership info. */
  partitionsWithLeaders(): TopicPartition[] {
    return [...this.partitionLeadershipInfo.keys()];
  }

  /** Forgets a topic entirely (its deletion completed, or its znode vanished). */
  removeTopic(topic: string): void {
    for (const [partition, state] of this.partitionStates.topicEntries(topic)) {
      if (state === 'OfflinePartition' && !this.topicsWithDeletionStarted.has(topic)) {
        this.offlineCount -= 1;
      }
      this.partitionStates.delete({ topic, partition });
    }
    this.replicaStates.deleteTopic(topic);
    this.assignments.deleteTopic(topic);
    this.partitionLeadershipInfo.deleteTopic(topic);
    this.topicsToBeDeleted.delete(topic);
    this.topicsWithDeletionStarted.delete(topic);
    this.topicsIneligibleForDeletion.delete(topic);
    this.partitionsBeingReassigned.deleteTopic(topic);
    this.allTopics.delete(topic);
  }

  // ---- partition states ------------------------------------------------------------------------

  partitionState(tp: TopicPartition): PartitionState {
    return this.partitionStates.get(tp) ?? 'NonExistentPartition';
  }

  putPartitionState(tp: TopicPartition, state: PartitionState): void {
    const previous = this.partitionState(tp);
    if (!this.topicsWithDeletionStarted.has(tp.topic)) {
      if (previous !== 'OfflinePartition' && state === 'OfflinePartition') this.offlineCount += 1;
      else if (previous === 'OfflinePartition' && state !== 'OfflinePartition') {
        this.offlineCount -= 1;
      }
    }
    this.partitionStates.set(tp, state);
  }

  partitionsInStates(...states: PartitionState[]): TopicPartition[] {
    const result: TopicPartition[] = [];
    for (const [tp, state] of this.partitionStates) if (states.includes(state)) result.push(tp);
    return result;
  }

  /** Kafka's OfflinePartitionsCount: partitions without a live leader, deletions excluded. */
  get offlinePartitionCount(): number {
    return this.offlineCount;
  }

  // ---- replica states --------------------------------------------------------------------------

  replicaState(r: PartitionReplica): ReplicaState {
    return this.replicaStates.get(r.tp)?.get(r.replica) ?? 'NonExistentReplica';
  }

  putReplicaState(r: PartitionReplica, state: ReplicaState): void {
    let states = this.replicaStates.get(r.tp);
    if (states === undefined) {
      states = new Map();
      this.replicaStates.set(r.tp, states);
    }
    states.set(r.replica, state);
  }

  removeReplicaState(r: PartitionReplica): void {
    const states = this.replicaStates.get(r.tp);
    if (states === undefined) return;
    states.delete(r.replica);
    if (states.size === 0) this.replicaStates.delete(r.tp);
  }

  replicasInState(topic: string, state: ReplicaState): PartitionReplica[] {
    return this.replicasForTopic(topic).filter((r) => this.replicaState(r) === state);
  }

  isAnyReplicaInState(topic: string, state: ReplicaState): boolean {
    return this.replicasForTopic(topic).some((r) => this.replicaState(r) === state);
  }

  areAllReplicasInState(topic: string, state: ReplicaState): boolean {
    return this.replicasForTopic(topic).every((r) => this.replicaState(r) === state);
  }

  // ---- topic deletion --------------------------------------------------------------------------

  queueTopicDeletion(topics: Iterable<string>): void {
    for (const topic of topics) this.topicsToBeDeleted.add(topic);
  }

  beginTopicDeletion(topics: Iterable<string>): void {
    for (const topic of topics) this.topicsWithDeletionStarted.add(topic);
  }

  isTopicQueuedUpForDeletion(topic: string): boolean {
    return this.topicsToBeDeleted.has(topic);
  }

  // ---- metrics ---------------------------------------------------------------------------------

  /** Partitions led by a replica other than their preferred one (deletions excluded). */
  preferredReplicaImbalanceCount(): number {
    let count = 0;
    for (const [tp, l] of this.partitionLeadershipInfo) {
      if (this.topicsToBeDeleted.has(tp.topic)) continue;
      const preferred = this.partitionReplicaAssignment(tp)[0];
      if (preferred !== undefined && l.leaderAndIsr.leader !== preferred) count += 1;
    }
    return count;
  }

  /** Forgets everything (on resignation). */
  reset(): void {
    this.liveBrokers.clear();
    this.shuttingDownBrokerIds.clear();
    this.allTopics.clear();
    this.assignments.clear();
    this.partitionLeadershipInfo.clear();
    this.partitionStates.clear();
    this.replicaStates.clear();
    this.topicsToBeDeleted.clear();
    this.topicsWithDeletionStarted.clear();
    this.topicsIneligibleForDeletion.clear();
    this.partitionsBeingReassigned.clear();
    this.offlineCount = 0;
  }
}
