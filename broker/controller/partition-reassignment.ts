/**
 * Partition reassignment in the controller (KIP-455 as in Kafka 2.8: the reassignment half of
 * `KafkaController.scala`). The arithmetic (ORS, TRS, RS, AR, RR) is in reassignment.ts.
 *
 * Requests come from the AlterPartitionReassignments API (`onApiReassignment`; null targets
 * cancel), from `/admin/reassign_partitions` (`onZkReassignment`; an API request for a partition
 * takes it out of that znode, the latest request wins), and are resumed after a controller
 * failover (from the znode first, then from the adding/removing replicas recorded in
 * `/brokers/topics/<t>`) and when a broker of a target replica set starts.
 *
 * Per partition (`onPartitionReassignment`, Kafka's phases):
 * - U: when the assignment changes, write RS/AR/RR to `/brokers/topics/<t>` first (the only
 *   durable record of ORS), then memory; replicas no longer needed (a replaced reassignment's
 *   adding replicas) are stopped and deleted. Watch the partition's `state` znode: its leader
 *   writes ISR changes there.
 * - A (TRS not all in the ISR): bump the leader epoch (fenced conditional write), LeaderAndIsr
 *   with the new RS/AR/RR to ORS and, with isNew, to AR; AR → NewReplica. Then wait for ISR
 *   changes (the state watch, or ISR-change notifications).
 * - B (TRS in the ISR): AR → OnlineReplica; RS = TRS in memory; a leader outside TRS (or dead)
 *   is replaced by the reassign election (first live TRS member in the ISR), otherwise the epoch
 *   is bumped and TRS get LeaderAndIsr; RR → OfflineReplica (out of the ISR) → deletion
 *   (StopReplica with delete) → NonExistentReplica; write RS = TRS with no adding/removing to
 *   ZooKeeper last; drop the partition from the znode request and from memory; UpdateMetadata to
 *   every broker; resume a topic deletion waiting for it.
 * While a topic has a reassignment in progress it cannot be deleted.
 */
import { Logger } from '../../client/logging';
import { ControllerZk, ZkPartitionReassignment } from '../zk/controller-zk';
import { ReplicaAssignment } from '../../zk-schema/znodes/topic-assignment';
import { ControllerContext } from './controller-context';
import { ControllerMovedError } from './controller-errors';
import { API_SUCCESS, ApiOutcome } from './controller-events';
import { ControllerRequestBatch } from './controller-request-batch';
import {
  LeaderIsrAndControllerEpoch,
  NO_LEADER,
  leaderAndIsrString,
  newLeaderAndIsr,
} from './leader-and-isr';
import { PartitionStateMachine } from './partition-state-machine';
import {
  buildReassignment,
  invalidReplicasMessage,
  isBeingReassigned,
  isReassignmentComplete,
  originReplicas,
  sameAssignment,
  sameReplicas,
  simpleAssignment,
  targetReplicas,
} from './reassignment';
import { PARTITION_DOES_NOT_EXIST } from './replica-election';
import { ReplicaStateMachine } from './replica-state-machine';
import { TopicDeletionManager } from './topic-deletion-manager';
import { PartitionReplica, TopicPartition, TpMap, tpString } from './topic-partition';

/** A safety net for the re-read/retry loop of the epoch bump. */
const MAX_EPOCH_BUMP_ROUNDS = 20;

export interface PartitionReassignmentDeps {
  readonly context: ControllerContext;
  readonly zk: ControllerZk;
  readonly batch: ControllerRequestBatch;
  readonly partitionStateMachine: PartitionStateMachine;
  readonly replicaStateMachine: ReplicaStateMachine;
  readonly topicDeletionManager: TopicDeletionManager;
  readonly fence: () => number;
  readonly log: () => Logger;
  /** Reads `/admin/reassign_partitions`, arming its exists-watch (ZkPartitionReassignment). */
  readonly readZkReassignments: () => Promise<ZkPartitionReassignment[] | null>;
  /** Arms the watch on a partition's `state` znode (PartitionReassignmentIsrChange). */
  readonly watchIsr: (tp: TopicPartition) => Promise<void>;
}

export class PartitionReassignments {
  constructor(private readonly deps: PartitionReassignmentDeps) {}

  /** Failover: partitions whose loaded assignment has adding or removing replicas. */
  markReassigningPartitions(): void {
    const { context } = this.deps;
    for (const tp of context.allPartitions()) {
      if (isBeingReassigned(context.partitionFullReplicaAssignment(tp))) {
        context.partitionsBeingReassigned.set(tp, true);
      }
    }
  }

  /** Failover: `/admin/reassign_partitions` first, then the reassignments recorded in the topics. */
  async initializePartitionReassignments(): Promise<void> {
    const fromZk = await this.onZkReassignment(true);
    await this.resumeReassignments((tp) => !fromZk.has(tp));
  }

  /** Brokers started: resume the reassignments whose target replicas include one of them. */
  async onBrokerStartup(newBrokers: readonly number[]): Promise<void> {
    await this.resumeReassignments((_, assignment) =>
      targetReplicas(assignment).some((r) => newBrokers.includes(r)),
    );
  }

  /**
   * AlterPartitionReassignments (Kafka's processApiPartitionReassignment): target replicas per
   * partition, null to cancel. Resolves to each partition's outcome once the reassignments are
   * recorded and started (not when they complete).
   */
  async onApiReassignment(
    reassignments: TpMap<readonly number[] | null>,
  ): Promise<TpMap<ApiOutcome>> {
    const { context } = this.deps;
    const results = new TpMap<ApiOutcome>();
    const toReassign = new TpMap<ReplicaAssignment>();
    const live = context.liveBrokerIds();
    for (const [tp, target] of reassignments) {
      const current = context.partitionFullReplicaAssignment(tp);
      const invalid = target === null ? null : invalidReplicasMessage(current, target, live);
      if (invalid !== null) {
        results.set(tp, { error: 'INVALID_REPLICA_ASSIGNMENT', message: invalid });
        continue;
      }
      const reassignment = buildReassignment(current, target);
      if (reassignment === null) {
        results.set(tp, { error: 'NO_REASSIGNMENT_IN_PROGRESS', message: null });
      } else toReassign.set(tp, reassignment);
    }
    // The latest request wins: an API request replaces one from the znode.
    await this.maybeRemoveFromZkReassignment((tp) => toReassign.has(tp));
    for (const [tp, outcome] of await this.maybeTriggerPartitionReassignment(toReassign)) {
      results.set(tp, outcome);
    }
    return results;
  }

  /**
   * `/admin/reassign_partitions` (Kafka's processZkPartitionReassignment): starts what it lists
   * and removes from it what cannot be started. A partition already being reassigned to the same
   * target is left alone unless `resumeAll` (failover), so that the controller's own rewrites of
   * the znode do not restart anything. Resolves to the partitions it started.
   */
  async onZkReassignment(resumeAll: boolean): Promise<TpMap<true>> {
    const { context } = this.deps;
    const started = new TpMap<true>();
    const entries = await this.deps.readZkReassignments();
    if (entries === null) return started;
    const toReassign = new TpMap<ReplicaAssignment>();
    for (const entry of entries) {
      const tp = { topic: entry.topic, partition: entry.partition };
      const current = context.partitionFullReplicaAssignment(tp);
      const inProgress =
        context.partitionsBeingReassigned.has(tp) &&
        sameReplicas(targetReplicas(current), entry.replicas);
      if (inProgress && !resumeAll) continue;
      toReassign.set(tp, buildReassignment(current, entry.replicas) as ReplicaAssignment);
    }
    const failed = new TpMap<ApiOutcome>();
    for (const [tp, outcome] of await this.maybeTriggerPartitionReassignment(toReassign)) {
      if (outcome.error === 'NONE') started.set(tp, true);
      else failed.set(tp, outcome);
    }
    if (failed.size > 0) {
      this.deps
        .log()
        .warn(
          `Failed reassignment through zk with the following errors: ${[...failed]
            .map(
              ([tp, o]) =>
                `${tpString(tp)}: ${o.error}${o.message === null ? '' : ` (${o.message})`}`,
            )
            .join(', ')}`,
        );
      await this.maybeRemoveFromZkReassignment((tp) => failed.has(tp));
    }
    return started;
  }

  /** The state znode of a partition being reassigned changed: maybe its TRS is in the ISR now. */
  async onPartitionIsrChange(tp: TopicPartition): Promise<void> {
    if (!this.deps.context.partitionsBeingReassigned.has(tp)) return;
    await this.deps.watchIsr(tp);
    await this.maybeCompleteReassignment(tp);
  }

  /** Completes the reassignment of `tp` if every target replica is in its ISR. */
  async maybeCompleteReassignment(tp: TopicPartition): Promise<void> {
    const { context } = this.deps;
    if (!context.partitionsBeingReassigned.has(tp)) return;
    const reassignment = context.partitionFullReplicaAssignment(tp);
    if (await this.isReassignmentComplete(tp, reassignment)) {
      this.deps
        .log()
        .info(
          `Target replicas ${targetReplicas(reassignment).join(',')} have all caught up with ` +
            `the leader for reassigning partition ${tpString(tp)}`,
        );
      await this.onPartitionReassignment(tp, reassignment);
    }
  }

  /** ListPartitionReassignments: the given partitions (or all) that are being reassigned. */
  list(partitions: readonly TopicPartition[] | null): TpMap<ReplicaAssignment> {
    const { context } = this.deps;
    const result = new TpMap<ReplicaAssignment>();
    for (const tp of partitions ?? [...context.partitionsBeingReassigned.keys()]) {
      const assignment = context.partitionFullReplicaAssignment(tp);
      if (isBeingReassigned(assignment)) result.set(tp, assignment);
    }
    return result;
  }

  // ---- the algorithm ---------------------------------------------------------------------------

  private async resumeReassignments(
    shouldResume: (tp: TopicPartition, assignment: ReplicaAssignment) => boolean,
  ): Promise<void> {
    const { context } = this.deps;
    for (const tp of [...context.partitionsBeingReassigned.keys()]) {
      const assignment = context.partitionFullReplicaAssignment(tp);
      if (!shouldResume(tp, assignment)) continue;
      try {
        await this.onPartitionReassignment(tp, assignment);
      } catch (error) {
        if (error instanceof ControllerMovedError) throw error;
        this.deps
          .log()
          .error(
            `Error resuming the reassignment of partition ${tpString(tp)}: ${describe(error)}`,
          );
      }
    }
  }

  private async maybeTriggerPartitionReassignment(
    reassignments: TpMap<ReplicaAssignment>,
  ): Promise<TpMap<ApiOutcome>> {
    const { context, topicDeletionManager } = this.deps;
    const results = new TpMap<ApiOutcome>();
    for (const [tp, reassignment] of reassignments) {
      if (topicDeletionManager.isTopicQueuedUpForDeletion(tp.topic)) {
        this.deps
          .log()
          .info(
            `Unable to reassign partition ${tpString(tp)} since the topic is currently queued up for deletion`,
          );
        results.set(tp, { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: PARTITION_DOES_NOT_EXIST });
      } else if (context.partitionReplicaAssignment(tp).length === 0) {
        results.set(tp, { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: PARTITION_DOES_NOT_EXIST });
      } else {
        try {
          await this.onPartitionReassignment(tp, reassignment);
          results.set(tp, API_SUCCESS);
        } catch (error) {
          if (error instanceof ControllerMovedError) throw error;
          this.deps
            .log()
            .error(
              `Error completing reassignment of partition ${tpString(tp)}: ${describe(error)}`,
            );
          results.set(tp, { error: 'UNKNOWN_SERVER_ERROR', message: null });
        }
      }
    }
    return results;
  }

  private async onPartitionReassignment(
    tp: TopicPartition,
    reassignment: ReplicaAssignment,
  ): Promise<void> {
    const { context, topicDeletionManager, replicaStateMachine, batch } = this.deps;
    topicDeletionManager.markTopicIneligibleForDeletion(
      [tp.topic],
      'topic reassignment in progress',
    );
    await this.updateCurrentReassignment(tp, reassignment);
    if (!(await this.isReassignmentComplete(tp, reassignment))) {
      // A1: the new RS/AR/RR to every replica, with a new leader epoch; A2: start AR.
      await this.updateLeaderEpochAndSendRequest(tp, reassignment);
      const toStart = reassignment.addingReplicas
        .map((replica) => ({ tp, replica }))
        .filter((r) => context.replicaState(r) === 'NonExistentReplica');
      await replicaStateMachine.handleStateChanges(toStart, 'NewReplica');
      return;
    }
    // B1 .. B8
    await replicaStateMachine.handleStateChanges(
      reassignment.addingReplicas.map((replica) => ({ tp, replica })),
      'OnlineReplica',
    );
    const completed = simpleAssignment(targetReplicas(reassignment));
    context.updatePartitionFullReplicaAssignment(tp, completed);
    await this.moveReassignedPartitionLeaderIfRequired(tp, completed);
    await this.stopRemovedReplicas(tp, reassignment.removingReplicas);
    await this.deps.zk.updatePartitionReplicaAssignment(tp, completed, this.deps.fence());
    await this.removePartitionFromReassigningPartitions(tp, completed);
    batch.addUpdateMetadataRequestForBrokers(context.liveOrShuttingDownBrokerIds(), [tp]);
    this.deps
      .log()
      .info(
        `Completed the reassignment of partition ${tpString(tp)}: replicas ${completed.replicas.join(',')}`,
      );
    await topicDeletionManager.resumeDeletionForTopics(new Set([tp.topic]));
  }

  /** Phase U: record the new assignment (ZooKeeper first), stop unneeded replicas, watch the ISR. */
  private async updateCurrentReassignment(
    tp: TopicPartition,
    reassignment: ReplicaAssignment,
  ): Promise<void> {
    const { context } = this.deps;
    const current = context.partitionFullReplicaAssignment(tp);
    if (!sameAssignment(current, reassignment)) {
      this.deps
        .log()
        .debug(
          `Updating assignment of partition ${tpString(tp)} from ${assignmentString(current)} ` +
            `to ${assignmentString(reassignment)}`,
        );
      await this.deps.zk.updatePartitionReplicaAssignment(tp, reassignment, this.deps.fence());
      context.updatePartitionFullReplicaAssignment(tp, reassignment);
      // A replaced reassignment may leave adding replicas nobody needs any more.
      const unneeded = current.replicas.filter((r) => !reassignment.replicas.includes(r));
      if (unneeded.length > 0) await this.stopRemovedReplicas(tp, unneeded);
    }
    await this.deps.watchIsr(tp);
    context.partitionsBeingReassigned.set(tp, true);
  }

  /** Reads the partition's state znode (refreshing the cache) and checks TRS ⊆ ISR. */
  private async isReassignmentComplete(
    tp: TopicPartition,
    assignment: ReplicaAssignment,
  ): Promise<boolean> {
    if (!isBeingReassigned(assignment)) return true;
    const read = (await this.deps.zk.getPartitionStates([tp])).get(tp);
    if (read === undefined || read === null || read instanceof Error) return false;
    this.deps.context.partitionLeadershipInfo.set(tp, read);
    return isReassignmentComplete(assignment, read.leaderAndIsr.isr);
  }

  /** B3: move the leadership into TRS if needed, else just bump the epoch and tell TRS. */
  private async moveReassignedPartitionLeaderIfRequired(
    tp: TopicPartition,
    completed: ReplicaAssignment,
  ): Promise<void> {
    const { context } = this.deps;
    const leader = context.partitionLeadershipInfo.get(tp)?.leaderAndIsr.leader ?? NO_LEADER;
    const replicas = completed.replicas.join(',');
    if (!completed.replicas.includes(leader)) {
      this.deps
        .log()
        .info(
          `Leader ${leader} for partition ${tpString(tp)} being reassigned, is not in the new ` +
            `list of replicas ${replicas}. Re-electing leader`,
        );
      await this.electReassignLeader(tp);
    } else if (context.isReplicaOnline(leader)) {
      this.deps
        .log()
        .info(
          `Leader ${leader} for partition ${tpString(tp)} being reassigned, is already in the ` +
            `new list of replicas ${replicas} and is alive`,
        );
      await this.updateLeaderEpochAndSendRequest(tp, completed);
    } else {
      this.deps
        .log()
        .info(
          `Leader ${leader} for partition ${tpString(tp)} being reassigned, is already in the ` +
            `new list of replicas ${replicas} but is dead`,
        );
      await this.electReassignLeader(tp);
    }
  }

  private async electReassignLeader(tp: TopicPartition): Promise<void> {
    const results = await this.deps.partitionStateMachine.handleStateChanges(
      [tp],
      'OnlinePartition',
      { kind: 'reassign' },
    );
    const outcome = results.get(tp);
    if (outcome instanceof Error) {
      this.deps
        .log()
        .error(
          `Failed to move the leader of reassigned partition ${tpString(tp)}: ${outcome.message}`,
        );
    }
  }

  /** B4, B5: removed replicas out of the ISR, then deleted. */
  private async stopRemovedReplicas(tp: TopicPartition, removed: readonly number[]): Promise<void> {
    const { context, replicaStateMachine } = this.deps;
    const replicas: PartitionReplica[] = removed
      .map((replica) => ({ tp, replica }))
      .filter((r) => context.replicaState(r) !== 'NonExistentReplica');
    if (replicas.length === 0) return;
    await replicaStateMachine.handleStateChanges(replicas, 'OfflineReplica');
    await replicaStateMachine.handleStateChanges(replicas, 'ReplicaDeletionStarted');
    await replicaStateMachine.handleStateChanges(replicas, 'ReplicaDeletionSuccessful');
    await replicaStateMachine.handleStateChanges(replicas, 'NonExistentReplica');
  }

  /** A bump of the leader epoch (same leader and ISR) and LeaderAndIsr to ORS and, isNew, AR. */
  private async updateLeaderEpochAndSendRequest(
    tp: TopicPartition,
    assignment: ReplicaAssignment,
  ): Promise<void> {
    const updated = await this.updateLeaderEpoch(tp);
    if (updated === null) {
      this.deps
        .log()
        .error(
          `Failed to send LeaderAndIsr request with new replica assignment ` +
            `${assignmentString(assignment)} to leader for partition being reassigned ${tpString(tp)}`,
        );
      return;
    }
    const { batch } = this.deps;
    batch.addLeaderAndIsrRequestForBrokers(
      originReplicas(assignment),
      tp,
      updated,
      assignment,
      false,
    );
    batch.addLeaderAndIsrRequestForBrokers(
      assignment.addingReplicas,
      tp,
      updated,
      assignment,
      true,
    );
    this.deps
      .log()
      .info(
        `Sent LeaderAndIsr request ${leaderAndIsrString(updated.leaderAndIsr)} with new replica ` +
          `assignment ${assignmentString(assignment)} to leader ${updated.leaderAndIsr.leader} ` +
          `for partition being reassigned ${tpString(tp)}`,
      );
  }

  /** Leader epoch + 1, leader and ISR unchanged: re-read, conditional write, again on conflict. */
  private async updateLeaderEpoch(tp: TopicPartition): Promise<LeaderIsrAndControllerEpoch | null> {
    const { context, zk } = this.deps;
    for (let round = 0; round < MAX_EPOCH_BUMP_ROUNDS; round++) {
      const read = (await zk.getPartitionStates([tp])).get(tp);
      if (read === undefined || read === null || read instanceof Error) return null;
      if (read.controllerEpoch > context.epoch) {
        this.deps
          .log()
          .error(
            `Aborted leader epoch update for partition ${tpString(tp)} since the LeaderAndIsr ` +
              `path was already written by another controller (epoch ${read.controllerEpoch})`,
          );
        return null;
      }
      const l = read.leaderAndIsr;
      const written = await zk.updateLeaderAndIsr(
        new TpMap<typeof l>().set(tp, newLeaderAndIsr(l, l.leader, l.isr)),
        context.epoch,
        this.deps.fence(),
      );
      const outcome = written.finished.get(tp);
      if (outcome === undefined) continue;
      if (!outcome.ok) {
        this.deps
          .log()
          .error(`Failed to bump the leader epoch of ${tpString(tp)}: ${outcome.error.message}`);
        return null;
      }
      const leadership = { leaderAndIsr: outcome.leaderAndIsr, controllerEpoch: context.epoch };
      context.partitionLeadershipInfo.set(tp, leadership);
      return leadership;
    }
    return null;
  }

  /** B7: forget the partition's reassignment, and drop it from the znode if it asked for this. */
  private async removePartitionFromReassigningPartitions(
    tp: TopicPartition,
    completed: ReplicaAssignment,
  ): Promise<void> {
    await this.maybeRemoveFromZkReassignment(
      (p, replicas) =>
        p.topic === tp.topic &&
        p.partition === tp.partition &&
        sameReplicas(replicas, completed.replicas),
    );
    this.deps.context.partitionsBeingReassigned.delete(tp);
  }

  /** Rewrites `/admin/reassign_partitions` without the matching entries (deleting it if empty). */
  private async maybeRemoveFromZkReassignment(
    shouldRemove: (tp: TopicPartition, replicas: readonly number[]) => boolean,
  ): Promise<void> {
    const { zk } = this.deps;
    const entries = await zk.getPartitionReassignment();
    if (entries === null) return;
    const keep = entries.filter((e) => !shouldRemove(e, e.replicas));
    if (keep.length === entries.length) return;
    this.deps.log().info(
      `Removing partitions ${entries
        .filter((e) => !keep.includes(e))
        .map(tpString)
        .join(',')} from the list of reassigned partitions in zookeeper`,
    );
    if (keep.length === 0) {
      this.deps
        .log()
        .info(
          'No more partitions need to be reassigned. Deleting zk path /admin/reassign_partitions',
        );
    }
    await zk.setOrDeletePartitionReassignment(keep, this.deps.fence());
  }
}

/** `RS=[2,3,1], AR=[3], RR=[1]`, for log lines. */
function assignmentString(a: ReplicaAssignment): string {
  return `RS=[${a.replicas.join(',')}], AR=[${a.addingReplicas.join(',')}], RR=[${a.removingReplicas.join(',')}]`;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
