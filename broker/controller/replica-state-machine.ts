/**
 * The replica state machine (Kafka's `ZkReplicaStateMachine`): moves each replica (a partition on
 * one broker) between the states of controller-states.ts and queues what that broker must hear.
 *
 * - → NewReplica: if the partition has a leader (and it is not this replica), LeaderAndIsr with
 *   isNew to this replica.
 * - → OnlineReplica: from New, only make sure the replica is in the assignment; otherwise send it
 *   the partition's current LeaderAndIsr (this is how a returning broker, or every broker after a
 *   controller failover, learns its role).
 * - → OfflineReplica: StopReplica(delete=false) to it; remove it from the ISR in ZooKeeper (re-read,
 *   conditional write, fenced, leader epoch + 1): if it led, the leader becomes -1; an ISR of one
 *   is kept as it is (the "last ISR member" rule, so a clean election can resume when it returns);
 *   LeaderAndIsr with the new ISR to the other replicas.
 * - → ReplicaDeletionStarted: StopReplica(delete=true).
 * - → ReplicaDeletionSuccessful / Ineligible: bookkeeping. → NonExistentReplica: dropped from the
 *   assignment.
 */
import { Logger } from '../../client/logging';
import { ControllerZk } from '../zk/controller-zk';
import { ControllerContext } from './controller-context';
import { ControllerRequestBatch } from './controller-request-batch';
import { REPLICA_STATES, ReplicaState, isValidReplicaStateChange } from './controller-states';
import { StateChangeFailedError } from './controller-errors';
import {
  LeaderAndIsr,
  LeaderIsrAndControllerEpoch,
  NO_LEADER,
  newLeaderAndIsr,
} from './leader-and-isr';
import {
  PartitionReplica,
  TopicPartition,
  TpMap,
  replicaString,
  tpString,
} from './topic-partition';

const MAX_REMOVAL_ROUNDS = 20;

export interface ReplicaStateMachineDeps {
  readonly context: ControllerContext;
  readonly zk: ControllerZk;
  readonly batch: ControllerRequestBatch;
  readonly fence: () => number;
  readonly log: () => Logger;
}

export class ReplicaStateMachine {
  constructor(private readonly deps: ReplicaStateMachineDeps) {}

  /**
   * Failover: replicas on live brokers → OnlineReplica (each is sent its LeaderAndIsr); replicas
   * on dead brokers start as ReplicaDeletionIneligible, then → OfflineReplica (out of the ISR).
   */
  async startup(): Promise<void> {
    const { context } = this.deps;
    const online: PartitionReplica[] = [];
    const offline: PartitionReplica[] = [];
    for (const r of context.replicasForPartitions(context.allPartitions())) {
      if (context.isReplicaOnline(r.replica)) {
        context.putReplicaState(r, 'OnlineReplica');
        online.push(r);
      } else {
        context.putReplicaState(r, 'ReplicaDeletionIneligible');
        offline.push(r);
      }
    }
    await this.handleStateChanges(online, 'OnlineReplica');
    await this.handleStateChanges(offline, 'OfflineReplica');
  }

  async handleStateChanges(
    replicas: readonly PartitionReplica[],
    target: ReplicaState,
  ): Promise<void> {
    const byBroker = new Map<number, PartitionReplica[]>();
    for (const r of replicas) {
      const list = byBroker.get(r.replica) ?? [];
      list.push(r);
      byBroker.set(r.replica, list);
    }
    for (const [replicaId, list] of byBroker) {
      await this.doHandleStateChanges(replicaId, list, target);
    }
  }

  private async doHandleStateChanges(
    replicaId: number,
    replicas: PartitionReplica[],
    target: ReplicaState,
  ): Promise<void> {
    const { context, batch } = this.deps;
    const valid: PartitionReplica[] = [];
    for (const r of replicas) {
      const current = context.replicaState(r);
      if (isValidReplicaStateChange(current, target)) valid.push(r);
      else {
        this.deps
          .log()
          .error(
            `Replica ${replicaString(r)} should be in one of ` +
              `[${REPLICA_STATES[target].validPreviousStates.join(',')}] states before moving to ` +
              `${target} state. Instead it is in ${current} state`,
          );
      }
    }
    switch (target) {
      case 'NewReplica':
        for (const r of valid) {
          const leadership = context.partitionLeadershipInfo.get(r.tp);
          if (leadership !== undefined && leadership.leaderAndIsr.leader === replicaId) {
            this.deps
              .log()
              .error(
                `Replica ${replicaId} for partition ${tpString(r.tp)} cannot be moved to ` +
                  'NewReplica state as it is being requested to become leader',
              );
            continue;
          }
          if (leadership !== undefined) {
            batch.addLeaderAndIsrRequestForBrokers(
              [replicaId],
              r.tp,
              leadership,
              context.partitionFullReplicaAssignment(r.tp),
              true,
            );
          }
          context.putReplicaState(r, 'NewReplica');
        }
        return;
      case 'OnlineReplica':
        for (const r of valid) {
          if (context.replicaState(r) === 'NewReplica') {
            const assignment = context.partitionFullReplicaAssignment(r.tp);
            if (!assignment.replicas.includes(replicaId)) {
              this.deps
                .log()
                .error(
                  `Adding replica (${replicaId}) that is not part of the assignment of ${tpString(r.tp)}`,
                );
              context.updatePartitionFullReplicaAssignment(r.tp, {
                ...assignment,
                replicas: [...assignment.replicas, replicaId],
              });
            }
          } else {
            const leadership = context.partitionLeadershipInfo.get(r.tp);
            if (leadership !== undefined) {
              batch.addLeaderAndIsrRequestForBrokers(
                [replicaId],
                r.tp,
                leadership,
                context.partitionFullReplicaAssignment(r.tp),
                false,
              );
            }
          }
          context.putReplicaState(r, 'OnlineReplica');
        }
        return;
      case 'OfflineReplica': {
        for (const r of valid) batch.addStopReplicaRequestForBrokers([replicaId], r.tp, false);
        const withLeadership = valid.filter((r) => context.partitionLeadershipInfo.has(r.tp));
        const without = valid.filter((r) => !context.partitionLeadershipInfo.has(r.tp));
        const updated = await this.removeReplicasFromIsr(
          replicaId,
          withLeadership.map((r) => r.tp),
        );
        for (const [tp, leadership] of updated) {
          if (!context.isTopicQueuedUpForDeletion(tp.topic)) {
            const recipients = context
              .partitionReplicaAssignment(tp)
              .filter((id) => id !== replicaId);
            batch.addLeaderAndIsrRequestForBrokers(
              recipients,
              tp,
              leadership,
              context.partitionFullReplicaAssignment(tp),
              false,
            );
          }
          context.putReplicaState({ tp, replica: replicaId }, 'OfflineReplica');
        }
        for (const r of without) {
          batch.addUpdateMetadataRequestForBrokers(context.liveOrShuttingDownBrokerIds(), [r.tp]);
          context.putReplicaState(r, 'OfflineReplica');
        }
        return;
      }
      case 'ReplicaDeletionStarted':
        for (const r of valid) {
          batch.addStopReplicaRequestForBrokers([replicaId], r.tp, true);
          context.putReplicaState(r, target);
        }
        return;
      case 'ReplicaDeletionIneligible':
      case 'ReplicaDeletionSuccessful':
        for (const r of valid) context.putReplicaState(r, target);
        return;
      case 'NonExistentReplica':
        for (const r of valid) {
          const assignment = context.partitionFullReplicaAssignment(r.tp);
          context.updatePartitionFullReplicaAssignment(r.tp, {
            replicas: assignment.replicas.filter((id) => id !== replicaId),
            addingReplicas: assignment.addingReplicas.filter((id) => id !== replicaId),
            removingReplicas: assignment.removingReplicas.filter((id) => id !== replicaId),
          });
          context.removeReplicaState(r);
        }
        return;
    }
  }

  /**
   * Removes `replicaId` from the ISR of `partitions` in ZooKeeper; resolves to the new leadership
   * of each partition done (including those whose ISR did not contain it).
   */
  private async removeReplicasFromIsr(
    replicaId: number,
    partitions: TopicPartition[],
  ): Promise<TpMap<LeaderIsrAndControllerEpoch>> {
    const results = new TpMap<LeaderIsrAndControllerEpoch>();
    let remaining = partitions;
    for (let round = 0; remaining.length > 0; round += 1) {
      if (round >= MAX_REMOVAL_ROUNDS) {
        this.deps
          .log()
          .error(
            `Gave up removing replica ${replicaId} from the ISR of ${remaining.map(tpString).join(',')} ` +
              `after ${round} conflicting writes`,
          );
        break;
      }
      const { finished, retry } = await this.doRemoveReplicasFromIsr(replicaId, remaining);
      for (const [tp, outcome] of finished) {
        if (outcome instanceof Error) {
          this.deps
            .log()
            .error(
              `Failed to move replica ${replicaString({ tp, replica: replicaId })} to ` +
                `OfflineReplica: ${outcome.message}`,
            );
        } else results.set(tp, outcome);
      }
      remaining = retry;
    }
    return results;
  }

  private async doRemoveReplicasFromIsr(
    replicaId: number,
    partitions: TopicPartition[],
  ): Promise<{ finished: TpMap<LeaderIsrAndControllerEpoch | Error>; retry: TopicPartition[] }> {
    const { context, zk } = this.deps;
    const finished = new TpMap<LeaderIsrAndControllerEpoch | Error>();
    const adjusted = new TpMap<LeaderAndIsr>();
    for (const [tp, read] of await zk.getPartitionStates(partitions)) {
      if (read === null) {
        if (!context.isTopicQueuedUpForDeletion(tp.topic)) {
          finished.set(
            tp,
            new StateChangeFailedError(
              `Failed to change state of replica ${replicaId} for partition ${tpString(tp)} ` +
                'since the leader and isr path in zookeeper is empty',
            ),
          );
        }
      } else if (read instanceof Error) {
        finished.set(tp, read);
      } else if (read.controllerEpoch > context.epoch) {
        finished.set(
          tp,
          new StateChangeFailedError(
            'Leader and isr path written by another controller. This probably means the current ' +
              `controller with epoch ${context.epoch} went through a soft failure and another ` +
              `controller was elected with epoch ${read.controllerEpoch}. Aborting state change ` +
              'by this controller',
          ),
        );
      } else if (!read.leaderAndIsr.isr.includes(replicaId)) {
        const leadership = { leaderAndIsr: read.leaderAndIsr, controllerEpoch: context.epoch };
        context.partitionLeadershipInfo.set(tp, leadership);
        finished.set(tp, leadership);
      } else {
        const l = read.leaderAndIsr;
        const leader = l.leader === replicaId ? NO_LEADER : l.leader;
        const isr = l.isr.length === 1 ? l.isr : l.isr.filter((id) => id !== replicaId);
        adjusted.set(tp, newLeaderAndIsr(l, leader, isr));
      }
    }
    if (adjusted.size === 0) return { finished, retry: [] };
    const written = await zk.updateLeaderAndIsr(adjusted, context.epoch, this.deps.fence());
    for (const [tp, outcome] of written.finished) {
      if (!outcome.ok) {
        finished.set(tp, outcome.error);
        continue;
      }
      const leadership = { leaderAndIsr: outcome.leaderAndIsr, controllerEpoch: context.epoch };
      context.partitionLeadershipInfo.set(tp, leadership);
      finished.set(tp, leadership);
    }
    return { finished, retry: written.retry };
  }
}
