/**
 * The partition state machine (Kafka's `ZkPartitionStateMachine`): moves partitions between
 * NewPartition, OnlinePartition, OfflinePartition and NonExistentPartition (the transition table
 * is in controller-states.ts), writing leaders and ISRs to ZooKeeper and queueing LeaderAndIsr /
 * UpdateMetadata in the event's request batch.
 *
 * - New → Online (*initialize*): leader = the first live replica in assignment order, ISR = the
 *   live replicas, leader epoch 0; the `state` znode is created (fenced); LeaderAndIsr(isNew) goes
 *   to the ISR. A partition without a live replica stays New, to be retried when a broker joins.
 * - Online/Offline → Online (*elect*): re-read the `state` znode, abort when its controller_epoch is
 *   newer than ours (a newer controller wrote it), run the election strategy, write the result
 *   conditionally on the partition zkVersion (fenced), retrying BAD_VERSION after a re-read;
 *   LeaderAndIsr goes to the strategy's recipients.
 * - → Offline, → NonExistent: bookkeeping only.
 * The offline strategy reads `unclean.leader.election.enable` (topic override, else the broker's)
 * only for partitions that have no live ISR member.
 */
import { KafkaConfig } from '../config/kafka-config';
import { topicConfig } from '../config/topic-config';
import { Logger } from '../../client/logging';
import { ControllerZk } from '../zk/controller-zk';
import { ControllerContext } from './controller-context';
import { ControllerRequestBatch } from './controller-request-batch';
import { PARTITION_STATES, PartitionState, isValidPartitionStateChange } from './controller-states';
import { ControllerMovedError, StateChangeFailedError } from './controller-errors';
import {
  ElectionResult,
  ElectionView,
  PartitionLeaderElectionStrategy,
  leaderForControlledShutdown,
  leaderForOffline,
  leaderForPreferredReplica,
  leaderForReassign,
  strategyName,
} from './election';
import {
  INITIAL_LEADER_EPOCH,
  INITIAL_ZK_VERSION,
  LeaderAndIsr,
  LeaderIsrAndControllerEpoch,
} from './leader-and-isr';
import { TopicPartition, TpMap, tpString } from './topic-partition';

/** Per partition: the new leadership, or why the change failed. */
export type PartitionStateChangeResults = TpMap<LeaderAndIsr | Error>;

/** A safety net for the re-read/retry loop of conditional writes. */
const MAX_ELECTION_ROUNDS = 20;

export interface PartitionStateMachineDeps {
  readonly config: KafkaConfig;
  readonly context: ControllerContext;
  readonly zk: ControllerZk;
  readonly batch: ControllerRequestBatch;
  /** The `/controller_epoch` zkVersion to fence writes with; throws when no longer active. */
  readonly fence: () => number;
  readonly log: () => Logger;
  /** Counts unclean elections (Kafka's UncleanLeaderElectionsPerSec). */
  readonly onUncleanElection: (tp: TopicPartition) => void;
}

export class PartitionStateMachine {
  constructor(private readonly deps: PartitionStateMachineDeps) {}

  /** Classifies every known partition (failover): no leadership → New; live leader → Online; else Offline. */
  initializePartitionState(): void {
    const { context } = this.deps;
    for (const tp of context.allPartitions()) {
      const leadership = context.partitionLeadershipInfo.get(tp);
      if (leadership === undefined) context.putPartitionState(tp, 'NewPartition');
      else if (context.isReplicaOnline(leadership.leaderAndIsr.leader)) {
        context.putPartitionState(tp, 'OnlinePartition');
      } else context.putPartitionState(tp, 'OfflinePartition');
    }
  }

  /** Elects leaders for every New or Offline partition whose topic is not being deleted. */
  async triggerOnlinePartitionStateChange(topic?: string): Promise<PartitionStateChangeResults> {
    const { context } = this.deps;
    const partitions = context
      .partitionsInStates('NewPartition', 'OfflinePartition')
      .filter((tp) => !context.isTopicQueuedUpForDeletion(tp.topic))
      .filter((tp) => topic === undefined || tp.topic === topic);
    return this.handleStateChanges(partitions, 'OnlinePartition', {
      kind: 'offline',
      allowUnclean: false,
    });
  }

  async handleStateChanges(
    partitions: readonly TopicPartition[],
    target: PartitionState,
    strategy?: PartitionLeaderElectionStrategy,
  ): Promise<PartitionStateChangeResults> {
    const results: PartitionStateChangeResults = new TpMap();
    if (partitions.length === 0) return results;
    const { context } = this.deps;
    const valid: TopicPartition[] = [];
    for (const tp of partitions) {
      const current = context.partitionState(tp);
      if (isValidPartitionStateChange(current, target)) valid.push(tp);
      else {
        const error = new StateChangeFailedError(
          `Partition ${tpString(tp)} should be in one of ` +
            `[${validPreviousStatesOf(target)}] states before moving to ${target} state. ` +
            `Instead it is in ${current} state`,
        );
        this.deps.log().error(error.message);
        results.set(tp, error);
      }
    }
    switch (target) {
      case 'NewPartition':
        for (const tp of valid) context.putPartitionState(tp, 'NewPartition');
        return results;
      case 'OnlinePartition': {
        const uninitialized = valid.filter((tp) => context.partitionState(tp) === 'NewPartition');
        const toElect = valid.filter((tp) => context.partitionState(tp) !== 'NewPartition');
        if (uninitialized.length > 0) {
          for (const [tp, outcome] of await this.initializeLeaderAndIsrForPartitions(
            uninitialized,
          )) {
            if (!(outcome instanceof Error)) context.putPartitionState(tp, 'OnlinePartition');
            results.set(tp, outcome);
          }
        }
        if (toElect.length > 0) {
          const elected = await this.electLeaderForPartitions(
            toElect,
            strategy ?? { kind: 'offline', allowUnclean: false },
          );
          for (const [tp, outcome] of elected) {
            if (!(outcome instanceof Error)) context.putPartitionState(tp, 'OnlinePartition');
            results.set(tp, outcome);
          }
        }
        return results;
      }
      case 'OfflinePartition':
      case 'NonExistentPartition':
        for (const tp of valid) context.putPartitionState(tp, target);
        return results;
    }
  }

  private async initializeLeaderAndIsrForPartitions(
    partitions: TopicPartition[],
  ): Promise<TpMap<LeaderAndIsr | Error>> {
    const { context, zk, batch } = this.deps;
    const results = new TpMap<LeaderAndIsr | Error>();
    const toCreate = new TpMap<LeaderIsrAndControllerEpoch>();
    for (const tp of partitions) {
      const live = context.partitionReplicaAssignment(tp).filter((r) => context.isReplicaOnline(r));
      if (live.length === 0) {
        const error = new StateChangeFailedError(
          `Controller failed to initialize partition ${tpString(tp)}: no replica is live ` +
            `(assigned replicas ${context.partitionReplicaAssignment(tp).join(',')})`,
        );
        this.deps.log().error(error.message);
        results.set(tp, error);
        continue;
      }
      toCreate.set(tp, {
        leaderAndIsr: {
          leader: live[0],
          leaderEpoch: INITIAL_LEADER_EPOCH,
          isr: live,
          zkVersion: INITIAL_ZK_VERSION,
        },
        controllerEpoch: context.epoch,
      });
    }
    if (toCreate.size === 0) return results;
    const created = await zk.createPartitionStates(toCreate, this.deps.fence());
    for (const [tp, error] of created) {
      const leadership = toCreate.get(tp) as LeaderIsrAndControllerEpoch;
      if (error !== null) {
        if (error instanceof ControllerMovedError) throw error;
        this.deps
          .log()
          .error(
            `Controller failed to create the state znode of ${tpString(tp)}: ${error.message}`,
          );
        results.set(tp, error);
        continue;
      }
      context.partitionLeadershipInfo.set(tp, leadership);
      batch.addLeaderAndIsrRequestForBrokers(
        leadership.leaderAndIsr.isr,
        tp,
        leadership,
        context.partitionFullReplicaAssignment(tp),
        true,
      );
      results.set(tp, leadership.leaderAndIsr);
    }
    return results;
  }

  private async electLeaderForPartitions(
    partitions: TopicPartition[],
    strategy: PartitionLeaderElectionStrategy,
  ): Promise<TpMap<LeaderAndIsr | Error>> {
    const results = new TpMap<LeaderAndIsr | Error>();
    let remaining = partitions;
    for (let round = 0; remaining.length > 0; round += 1) {
      if (round >= MAX_ELECTION_ROUNDS) {
        for (const tp of remaining) {
          results.set(
            tp,
            new StateChangeFailedError(
              `Gave up electing a leader for ${tpString(tp)} after ${round} conflicting writes`,
            ),
          );
        }
        break;
      }
      const { finished, retry } = await this.doElectLeaderForPartitions(remaining, strategy);
      for (const [tp, outcome] of finished) results.set(tp, outcome);
      remaining = retry;
    }
    const failed = [...results].filter(([, o]) => o instanceof Error);
    if (failed.length > 0) {
      this.deps.log().warn(
        `Failed to elect leaders under ${strategyName(strategy)} for ${failed.length} ` +
          `partitions: ${failed
            .slice(0, 10)
            .map(([tp, e]) => `${tpString(tp)} (${(e as Error).message})`)
            .join('; ')}`,
      );
    }
    return results;
  }

  private async doElectLeaderForPartitions(
    partitions: TopicPartition[],
    strategy: PartitionLeaderElectionStrategy,
  ): Promise<{ finished: TpMap<LeaderAndIsr | Error>; retry: TopicPartition[] }> {
    const { context, zk, batch } = this.deps;
    const finished = new TpMap<LeaderAndIsr | Error>();
    const current = new TpMap<LeaderAndIsr>();
    for (const [tp, read] of await zk.getPartitionStates(partitions)) {
      if (read === null) {
        finished.set(
          tp,
          new StateChangeFailedError(`The state znode of ${tpString(tp)} is missing`),
        );
      } else if (read instanceof Error) {
        finished.set(tp, read);
      } else if (read.controllerEpoch > context.epoch) {
        finished.set(
          tp,
          new StateChangeFailedError(
            `Aborted leader election for partition ${tpString(tp)} since the LeaderAndIsr path ` +
              `was already written by another controller. This probably means that the current ` +
              `controller went through a soft failure and another controller was elected with ` +
              `epoch ${read.controllerEpoch}.`,
          ),
        );
      } else {
        current.set(tp, read.leaderAndIsr);
      }
    }
    const elections = await this.runElections(current, strategy);
    const updates = new TpMap<LeaderAndIsr>();
    for (const [tp, election] of elections) {
      if (election instanceof Error) finished.set(tp, election);
      else if (election.leaderAndIsr === null) {
        finished.set(
          tp,
          new StateChangeFailedError(
            `Failed to elect leader for partition ${tpString(tp)} under strategy ` +
              strategyName(strategy),
          ),
        );
      } else updates.set(tp, election.leaderAndIsr);
    }
    if (updates.size === 0) return { finished, retry: [] };
    const written = await zk.updateLeaderAndIsr(updates, context.epoch, this.deps.fence());
    for (const [tp, outcome] of written.finished) {
      if (!outcome.ok) {
        finished.set(tp, outcome.error);
        continue;
      }
      const leadership = { leaderAndIsr: outcome.leaderAndIsr, controllerEpoch: context.epoch };
      context.partitionLeadershipInfo.set(tp, leadership);
      const election = elections.get(tp) as ElectionResult;
      if (election.unclean) this.deps.onUncleanElection(tp);
      batch.addLeaderAndIsrRequestForBrokers(
        election.recipients,
        tp,
        leadership,
        context.partitionFullReplicaAssignment(tp),
        false,
      );
      finished.set(tp, outcome.leaderAndIsr);
    }
    return { finished, retry: written.retry };
  }

  private async runElections(
    current: TpMap<LeaderAndIsr>,
    strategy: PartitionLeaderElectionStrategy,
  ): Promise<TpMap<ElectionResult | Error>> {
    const { context } = this.deps;
    const view: ElectionView = {
      isLive: (id) => context.isReplicaOnline(id),
      isLiveOrShuttingDown: (id) => context.isReplicaOnline(id, true),
      shuttingDownBrokers: context.shuttingDownBrokerIds,
    };
    const results = new TpMap<ElectionResult | Error>();
    const uncleanAllowed =
      strategy.kind === 'offline' ? await this.uncleanElectionState(current, strategy) : null;
    for (const [tp, leaderAndIsr] of current) {
      const assignment = context.partitionReplicaAssignment(tp);
      switch (strategy.kind) {
        case 'offline': {
          const allowed = uncleanAllowed?.get(tp);
          if (allowed instanceof Error) results.set(tp, allowed);
          else results.set(tp, leaderForOffline(leaderAndIsr, assignment, allowed === true, view));
          break;
        }
        case 'reassign': {
          const full = context.partitionFullReplicaAssignment(tp);
          const target = full.replicas.filter((r) => !full.removingReplicas.includes(r));
          results.set(tp, leaderForReassign(leaderAndIsr, target, view));
          break;
        }
        case 'preferred':
          results.set(tp, leaderForPreferredReplica(leaderAndIsr, assignment, view));
          break;
        case 'controlledShutdown':
          results.set(tp, leaderForControlledShutdown(leaderAndIsr, assignment, view));
          break;
      }
    }
    return results;
  }

  /**
   * Whether an unclean election is allowed, per partition: only partitions without a live ISR
   * member need to know; their topics' configs are read from ZooKeeper.
   */
  private async uncleanElectionState(
    current: TpMap<LeaderAndIsr>,
    strategy: { kind: 'offline'; allowUnclean: boolean },
  ): Promise<TpMap<boolean | Error>> {
    const { context, zk, config } = this.deps;
    const result = new TpMap<boolean | Error>();
    const needConfig = new Set<string>();
    for (const [tp, l] of current) {
      const liveInIsr = l.isr.some((r) => context.isReplicaOnline(r));
      if (liveInIsr) result.set(tp, false);
      else if (strategy.allowUnclean) result.set(tp, true);
      else needConfig.add(tp.topic);
    }
    const topicUnclean = new Map<string, boolean | Error>();
    await Promise.all(
      [...needConfig].map(async (topic) => {
        try {
          const overrides = await zk.getTopicConfig(topic);
          topicUnclean.set(topic, topicConfig(config, overrides).uncleanLeaderElectionEnable);
        } catch (error) {
          if (error instanceof ControllerMovedError) throw error;
          topicUnclean.set(
            topic,
            new StateChangeFailedError(
              `Cannot read the config of topic ${topic}: ${String(error)}`,
            ),
          );
        }
      }),
    );
    for (const [tp] of current) {
      if (!result.has(tp)) result.set(tp, topicUnclean.get(tp.topic) ?? false);
    }
    return result;
  }
}

function validPreviousStatesOf(target: PartitionState): string {
  return PARTITION_STATES[target].validPreviousStates.join(',');
}
