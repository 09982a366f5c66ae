/**
 * `TopicDeletionManager` (Kafka's): deletes the topics queued under `/admin/delete_topics`.
 *
 * For each topic that can go ahead (queued, no replica deletion in flight, not ineligible):
 * 1. its partitions → OfflinePartition → NonExistentPartition, and every broker gets
 *    UpdateMetadata with leader -2 ("being deleted") so it stops serving the topic;
 * 2. replicas on dead brokers → ReplicaDeletionIneligible (the topic waits for them: deletion
 *    cannot finish while a replica's broker is down, and resumes when it returns);
 * 3. live replicas → OfflineReplica (StopReplica, out of the ISR) → ReplicaDeletionStarted
 *    (StopReplica with delete_partition=true: the broker deletes the log);
 * 4. StopReplica responses: replicas deleted → ReplicaDeletionSuccessful; failed ones →
 *    ReplicaDeletionIneligible, retried later;
 * 5. all replicas successful → forget them, then delete (fenced) `/brokers/topics/<t>` with its
 *    partition states, `/config/topics/<t>` and `/admin/delete_topics/<t>`.
 * With `delete.topic.enable=false` deletion requests are removed at once.
 */
import { Logger } from '../../client/logging';
import { ControllerZk } from '../zk/controller-zk';
import { ControllerContext } from './controller-context';
import { ControllerRequestBatch } from './controller-request-batch';
import { PartitionStateMachine } from './partition-state-machine';
import { ReplicaStateMachine } from './replica-state-machine';
import { PartitionReplica, TopicPartition } from './topic-partition';

export interface TopicDeletionManagerDeps {
  readonly deleteTopicEnable: boolean;
  readonly context: ControllerContext;
  readonly zk: ControllerZk;
  readonly batch: ControllerRequestBatch;
  readonly partitionStateMachine: PartitionStateMachine;
  readonly replicaStateMachine: ReplicaStateMachine;
  readonly fence: () => number;
  readonly log: () => Logger;
}

export class TopicDeletionManager {
  constructor(private readonly deps: TopicDeletionManagerDeps) {}

  /** Failover: queue what `/admin/delete_topics` holds (or drop it all when deletion is off). */
  async init(toDelete: Set<string>, ineligible: Set<string>): Promise<void> {
    const { context } = this.deps;
    if (this.deps.deleteTopicEnable) {
      context.queueTopicDeletion(toDelete);
      for (const topic of ineligible) {
        if (context.topicsToBeDeleted.has(topic)) context.topicsIneligibleForDeletion.add(topic);
      }
    } else {
      await this.deps.zk.deleteTopicDeletions(toDelete, this.deps.fence());
    }
  }

  /** Starts whatever deletion can start (after failover). */
  async tryTopicDeletion(): Promise<void> {
    if (this.deps.deleteTopicEnable) await this.resumeDeletions();
  }

  async enqueueTopicsForDeletion(topics: Set<string>): Promise<void> {
    if (!this.deps.deleteTopicEnable) return;
    this.deps.context.queueTopicDeletion(topics);
    await this.resumeDeletions();
  }

  /** A broker hosting replicas of these topics returned: try again. */
  async resumeDeletionForTopics(topics: Set<string>): Promise<void> {
    const { context } = this.deps;
    const resume = [...topics].filter((t) => context.topicsToBeDeleted.has(t));
    for (const topic of resume) context.topicsIneligibleForDeletion.delete(topic);
    if (resume.length > 0) await this.resumeDeletions();
  }

  /** Replicas that could not be deleted (broker down, or an error in StopReplica). */
  async failReplicaDeletion(replicas: PartitionReplica[]): Promise<void> {
    if (!this.deps.deleteTopicEnable) return;
    const failed = replicas.filter((r) => this.isTopicQueuedUpForDeletion(r.tp.topic));
    if (failed.length === 0) return;
    const topics = new Set(failed.map((r) => r.tp.topic));
    this.deps
      .log()
      .debug(`Deletion failed for replicas ${failed.length} of topics ${[...topics].join(',')}`);
    await this.deps.replicaStateMachine.handleStateChanges(failed, 'ReplicaDeletionIneligible');
    this.markTopicIneligibleForDeletion(topics, 'replica deletion failure');
    await this.resumeDeletions();
  }

  /** Replicas whose broker answered StopReplica(delete=true) without error. */
  async completeReplicaDeletion(replicas: PartitionReplica[]): Promise<void> {
    const deleted = replicas.filter((r) => this.isTopicQueuedUpForDeletion(r.tp.topic));
    await this.deps.replicaStateMachine.handleStateChanges(deleted, 'ReplicaDeletionSuccessful');
    await this.resumeDeletions();
  }

  markTopicIneligibleForDeletion(topics: Iterable<string>, reason: string): void {
    if (!this.deps.deleteTopicEnable) return;
    const { context } = this.deps;
    const halted = [...topics].filter((t) => context.topicsToBeDeleted.has(t));
    for (const topic of halted) context.topicsIneligibleForDeletion.add(topic);
    if (halted.length > 0) {
      this.deps.log().info(`Halted deletion of topics ${halted.join(',')} due to ${reason}`);
    }
  }

  isTopicQueuedUpForDeletion(topic: string): boolean {
    return this.deps.deleteTopicEnable && this.deps.context.topicsToBeDeleted.has(topic);
  }

  private isTopicIneligibleForDeletion(topic: string): boolean {
    return this.deps.deleteTopicEnable && this.deps.context.topicsIneligibleForDeletion.has(topic);
  }

  private isTopicDeletionInProgress(topic: string): boolean {
    return (
      this.deps.deleteTopicEnable &&
      this.deps.context.isAnyReplicaInState(topic, 'ReplicaDeletionStarted')
    );
  }

  private isTopicEligibleForDeletion(topic: string): boolean {
    return (
      this.isTopicQueuedUpForDeletion(topic) &&
      !this.isTopicDeletionInProgress(topic) &&
      !this.isTopicIneligibleForDeletion(topic)
    );
  }

  private async resumeDeletions(): Promise<void> {
    const { context } = this.deps;
    const queued = [...context.topicsToBeDeleted];
    const eligibleForRetry = new Set<string>();
    const eligible = new Set<string>();
    for (const topic of queued) {
      if (context.areAllReplicasInState(topic, 'ReplicaDeletionSuccessful')) {
        await this.completeDeleteTopic(topic);
        this.deps.log().info(`Deletion of topic ${topic} successfully completed`);
      } else if (!context.isAnyReplicaInState(topic, 'ReplicaDeletionStarted')) {
        if (context.isAnyReplicaInState(topic, 'ReplicaDeletionIneligible')) {
          eligibleForRetry.add(topic);
        }
      }
      if (this.isTopicEligibleForDeletion(topic)) {
        this.deps.log().info(`Deletion of topic ${topic} (re)started`);
        eligible.add(topic);
      }
    }
    if (eligibleForRetry.size > 0) {
      const failed = [...eligibleForRetry].flatMap((t) =>
        context.replicasInState(t, 'ReplicaDeletionIneligible'),
      );
      await this.deps.replicaStateMachine.handleStateChanges(failed, 'OfflineReplica');
    }
    if (eligible.size > 0) await this.onTopicDeletion(eligible);
  }

  private async completeDeleteTopic(topic: string): Promise<void> {
    const { context } = this.deps;
    const replicas = context.replicasInState(topic, 'ReplicaDeletionSuccessful');
    await this.deps.replicaStateMachine.handleStateChanges(replicas, 'NonExistentReplica');
    await this.deps.zk.deleteTopicZNodes(topic, this.deps.fence());
    context.removeTopic(topic);
  }

  private async onTopicDeletion(topics: Set<string>): Promise<void> {
    const { context, partitionStateMachine, batch } = this.deps;
    const unseen = [...topics].filter((t) => !context.topicsWithDeletionStarted.has(t));
    if (unseen.length > 0) {
      const partitions = unseen.flatMap((t) => context.partitionsForTopic(t));
      await partitionStateMachine.handleStateChanges(partitions, 'OfflinePartition');
      await partitionStateMachine.handleStateChanges(partitions, 'NonExistentPartition');
      context.beginTopicDeletion(unseen);
    }
    const allPartitions: TopicPartition[] = [...topics].flatMap((t) =>
      context.partitionsForTopic(t),
    );
    batch.addUpdateMetadataRequestForBrokers(context.liveOrShuttingDownBrokerIds(), allPartitions);
    await this.onPartitionDeletion(topics);
  }

  private async onPartitionDeletion(topics: Set<string>): Promise<void> {
    const { context, replicaStateMachine } = this.deps;
    const dead: PartitionReplica[] = [];
    const retry: PartitionReplica[] = [];
    const ineligible = new Set<string>();
    for (const topic of topics) {
      const replicas = context.replicasForTopic(topic);
      for (const r of replicas) {
        if (!context.isReplicaOnline(r.replica)) {
          dead.push(r);
          ineligible.add(topic);
        } else if (context.replicaState(r) !== 'ReplicaDeletionSuccessful') {
          retry.push(r);
        }
      }
    }
    await replicaStateMachine.handleStateChanges(dead, 'ReplicaDeletionIneligible');
    await replicaStateMachine.handleStateChanges(retry, 'OfflineReplica');
    await replicaStateMachine.handleStateChanges(retry, 'ReplicaDeletionStarted');
    if (ineligible.size > 0) this.markTopicIneligibleForDeletion(ineligible, 'offline replicas');
  }
}
