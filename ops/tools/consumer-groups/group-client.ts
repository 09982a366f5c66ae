/**
 * The cluster operations `samsa consumer-groups` needs (KafkaJS's admin names, as samsa's
 * GroupAdmin and Admin have them), and the client that provides them for one tool run: one
 * Cluster (one connection per broker) shared by the group operations (client/admin/group-admin.ts)
 * and the partition offset lookups (ListOffsets to each partition's leader).
 *
 * A topic that does not exist fails at once (UNKNOWN_TOPIC_OR_PARTITION), as Kafka's
 * describeTopics does, rather than being retried while it might propagate.
 */
import { Cluster } from '../../../client/cluster/cluster';
import { GroupCoordinators } from '../../../client/cluster/group-coordinator';
import { partitionHighAndLow, partitionOffsetsAt } from '../../../client/cluster/list-offsets';
import { KafkaError } from '../../../client/errors';
import { logger } from '../../../client/logging';
import {
  CommittedTopicOffsets,
  DeleteGroupResult,
  GroupAdmin,
  GroupDescription,
  GroupOverview,
  SetOffsetsOptions,
} from '../../../client/admin/group-admin';
import { bootstrapList } from '../console/client';

export interface ConsumerGroupAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listGroups(options?: { states?: string[] }): Promise<{ groups: GroupOverview[] }>;
  describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }>;
  /** Throws a DeleteGroupsError (with every group's result) when a group could not be deleted. */
  deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]>;
  fetchOffsets(options: { groupId: string }): Promise<CommittedTopicOffsets[]>;
  setOffsets(options: SetOffsetsOptions): Promise<void>;
  /** Per partition of the topic: log end (`high`) and log start (`low`) offsets. */
  fetchTopicOffsets(
    topic: string,
  ): Promise<{ partition: number; offset: number; high: number; low: number }[]>;
  /** Per partition: the first offset at or after `timestamp`, -1 when none. */
  fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: number }[]>;
}

export interface GroupClientOptions {
  bootstrapServer: string;
  clientId: string;
  /** Deadline of each request (the tool's --timeout). */
  requestTimeout: number;
}

export class ClusterGroupAdmin implements ConsumerGroupAdmin {
  private readonly cluster: Cluster;
  private readonly groups: GroupAdmin;

  constructor(options: GroupClientOptions) {
    this.cluster = new Cluster({
      clientId: options.clientId,
      brokers: bootstrapList(options.bootstrapServer),
      requestTimeout: options.requestTimeout,
      allowAutoTopicCreation: false,
      logger: logger(`ConsumerGroupCommand clientId=${options.clientId}`),
    });
    this.groups = new GroupAdmin(this.cluster, new GroupCoordinators(this.cluster));
  }

  connect(): Promise<void> {
    return this.cluster.connect();
  }

  disconnect(): Promise<void> {
    return this.cluster.disconnect();
  }

  listGroups(options?: { states?: string[] }): Promise<{ groups: GroupOverview[] }> {
    return this.groups.listGroups(options);
  }

  describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    return this.groups.describeGroups(groupIds);
  }

  deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]> {
    return this.groups.deleteGroups(groupIds);
  }

  fetchOffsets(options: { groupId: string }): Promise<CommittedTopicOffsets[]> {
    return this.groups.fetchOffsets(options);
  }

  setOffsets(options: SetOffsetsOptions): Promise<void> {
    return this.groups.setOffsets(options);
  }

  async fetchTopicOffsets(
    topic: string,
  ): Promise<{ partition: number; offset: number; high: number; low: number }[]> {
    return partitionHighAndLow(this.cluster, topic, await this.partitionsOf(topic));
  }

  async fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: number }[]> {
    return partitionOffsetsAt(this.cluster, topic, await this.partitionsOf(topic), timestamp);
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    this.cluster.addTargetTopics([topic]);
    const response = await this.cluster.fetchMetadata({ topics: [topic] });
    const metadata = response.topics.find((t) => t.name === topic);
    if (metadata === undefined) {
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', undefined, { topic });
    }
    if (metadata.errorCode !== 0) {
      throw KafkaError.fromCode(metadata.errorCode, undefined, { topic });
    }
    return metadata.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
  }
}
