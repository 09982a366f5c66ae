/**
 * Consumer group administration (KafkaJS's admin names and result shapes, offsets as numbers):
 * list, describe and delete groups, read a group's committed offsets and set or reset them.
 *
 * Routing, as Kafka's AdminClient does it:
 * - `listGroups` asks every broker (ListGroups: each broker lists the groups it coordinates) and
 *   merges the answers; a broker that fails makes the call fail with an error naming it.
 * - everything about one group goes to the group's coordinator (GroupCoordinators: FindCoordinator,
 *   then the request, looked up again on NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE, retried
 *   while the coordinator is loading the group). Groups are asked one request each, in parallel.
 * - `setOffsets` commits with generation -1 and an empty member id, as a standalone consumer does:
 *   the coordinator accepts that only while the group has no members (Empty, or a new group);
 *   otherwise it answers UNKNOWN_MEMBER_ID (or REBALANCE_IN_PROGRESS), thrown as a KafkaError.
 *
 * Errors a broker reports are thrown as KafkaErrors naming the group (and topic/partition);
 * `deleteGroups` reports per group: when any group could not be deleted it throws a
 * DeleteGroupsError whose `groups` lists every group's result (KafkaJS's KafkaJSDeleteGroupsError).
 */
import { Cluster } from '../cluster/cluster';
import type { GroupCoordinators } from '../cluster/group-coordinator';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from '../cluster/list-offsets';
import { retry } from '../cluster/retry';
import { KafkaError, SamsaError } from '../errors';
import { ApiKey } from '../protocol/apis';
import { errorByCode, errorByName } from '../protocol/error-codes';

export interface GroupOverview {
  groupId: string;
  /** `consumer` for consumer groups; empty for a group that only stores offsets. */
  protocolType: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead. */
  groupState: string;
}

export interface GroupMemberDescription {
  memberId: string;
  clientId: string;
  /** As the coordinator saw the member's connection, e.g. `/127.0.0.1`. */
  clientHost: string;
  /** The static member id (`group.instance.id`), null for a dynamic member. */
  groupInstanceId: string | null;
  /** The member's subscription (ConsumerProtocol Subscription bytes for consumer groups). */
  memberMetadata: Buffer;
  /** The member's assignment (ConsumerProtocol Assignment bytes: client/consumer/consumer-protocol.ts). */
  memberAssignment: Buffer;
}

export interface GroupDescription {
  groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable, or Dead (no such group). */
  state: string;
  protocolType: string;
  /** The assignor the group chose (`range`, ...); empty unless the group is Stable. */
  protocol: string;
  members: GroupMemberDescription[];
  errorCode: number;
  /** The broker that coordinates the group (an addition to KafkaJS's shape). */
  coordinator: { nodeId: number; host: string; port: number };
}

export interface DeleteGroupResult {
  groupId: string;
  errorCode: number;
  /** The group's error, when it could not be deleted. */
  error?: KafkaError;
}

/** Some groups could not be deleted; `groups` has every group's result. */
export class DeleteGroupsError extends SamsaError {
  constructor(readonly groups: DeleteGroupResult[]) {
    const failed = groups.filter((group) => group.error !== undefined);
    super(
      `could not delete ${failed.length === 1 ? 'group' : 'groups'} ${failed
        .map((group) => `${group.groupId} (${errorByCode(group.errorCode).name})`)
        .join(', ')}`,
    );
  }
}

export interface CommittedPartitionOffset {
  partition: number;
  /** The committed offset (the next offset to read), -1 when the group has none. */
  offset: number;
  metadata: string | null;
}

export interface CommittedTopicOffsets {
  topic: string;
  partitions: CommittedPartitionOffset[];
}

export interface SetOffsetsOptions {
  groupId: string;
  topic: string;
  partitions: { partition: number; offset: number }[];
}

export class GroupAdmin {
  constructor(
    private readonly cluster: Cluster,
    private readonly coordinators: GroupCoordinators,
  ) {}

  /**
   * Every group of every broker (only those in `states`, when given). Sorted by group id.
   */
  async listGroups(options: { states?: string[] } = {}): Promise<{ groups: GroupOverview[] }> {
    this.checkConnected();
    const states = options.states ?? [];
    await this.cluster.fetchMetadata({ topics: [] });
    const brokers = this.cluster.brokers();
    const answers = await Promise.all(
      brokers.map(({ nodeId }) =>
        retry(async () => {
          const response = await this.cluster.request(nodeId, ApiKey.ListGroups, {
            statesFilter: states,
          });
          if (response.errorCode !== 0) {
            throw KafkaError.fromCode(response.errorCode, undefined, { broker: nodeId });
          }
          return response.groups;
        }, this.cluster.retryOptions),
      ),
    );
    const groups = new Map<string, GroupOverview>();
    for (const list of answers) {
      for (const group of list) {
        groups.set(group.groupId, {
          groupId: group.groupId,
          protocolType: group.protocolType,
          groupState: group.groupState,
        });
      }
    }
    return {
      groups: [...groups.values()].sort((a, b) => compareStrings(a.groupId, b.groupId)),
    };
  }

  /** State, protocol and members of each group (a group that does not exist is Dead). */
  async describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    this.checkConnected();
    checkGroupIds(groupIds, 'describeGroups');
    const groups = await Promise.all(
      groupIds.map(async (groupId): Promise<GroupDescription> => {
        const { coordinator, response } = await this.coordinators.request(
          groupId,
          ApiKey.DescribeGroups,
          { groups: [groupId] },
          (body) => body.groups[0]?.errorCode ?? 0,
        );
        const group = response.groups.find((g) => g.groupId === groupId) ?? response.groups[0];
        if (group === undefined) {
          throw new KafkaError('UNKNOWN_SERVER_ERROR', 'the DescribeGroups response is empty', {
            groupId,
            broker: coordinator,
          });
        }
        if (group.errorCode !== 0) {
          throw KafkaError.fromCode(group.errorCode, undefined, { groupId, broker: coordinator });
        }
        const broker = this.cluster.broker(coordinator);
        return {
          groupId,
          state: group.groupState,
          protocolType: group.protocolType,
          protocol: group.protocolData,
          members: group.members.map((member) => ({
            memberId: member.memberId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            groupInstanceId: member.groupInstanceId ?? null,
            memberMetadata: Buffer.from(member.memberMetadata),
            memberAssignment: Buffer.from(member.memberAssignment),
          })),
          errorCode: group.errorCode,
          coordinator: { nodeId: coordinator, host: broker?.host ?? '', port: broker?.port ?? -1 },
        };
      }),
    );
    return { groups };
  }

  /**
   * Deletes groups (each must be Empty, or Dead) with their committed offsets; resolves to every
   * group's result, or throws a DeleteGroupsError listing them when any failed.
   */
  async deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]> {
    this.checkConnected();
    checkGroupIds(groupIds, 'deleteGroups');
    const results = await Promise.all(
      groupIds.map(async (groupId): Promise<DeleteGroupResult> => {
        const { coordinator, response } = await this.coordinators.request(
          groupId,
          ApiKey.DeleteGroups,
          { groupsNames: [groupId] },
          (body) => body.results.find((r) => r.groupId === groupId)?.errorCode ?? 0,
        );
        const result = response.results.find((r) => r.groupId === groupId);
        if (result === undefined) {
          return {
            groupId,
            errorCode: errorByName('UNKNOWN_SERVER_ERROR').code,
            error: new KafkaError(
              'UNKNOWN_SERVER_ERROR',
              'the DeleteGroups response has no answer',
              {
                groupId,
                broker: coordinator,
              },
            ),
          };
        }
        if (result.errorCode === 0) return { groupId, errorCode: 0 };
        return {
          groupId,
          errorCode: result.errorCode,
          error: KafkaError.fromCode(result.errorCode, undefined, { groupId, broker: coordinator }),
        };
      }),
    );
    if (results.some((result) => result.error !== undefined)) throw new DeleteGroupsError(results);
    return results;
  }

  /**
   * The group's committed offsets: for `topics`, every partition of each (-1 where the group has
   * committed nothing); without `topics`, every partition the group has committed.
   */
  async fetchOffsets(options: {
    groupId: string;
    topics?: string[];
  }): Promise<CommittedTopicOffsets[]> {
    this.checkConnected();
    const groupId = checkGroupId(options?.groupId, 'fetchOffsets');
    const topics =
      options.topics === undefined ? undefined : checkTopics(options.topics, 'fetchOffsets');
    const asked =
      topics === undefined
        ? undefined
        : await Promise.all(
            topics.map(async (topic) => ({
              name: topic,
              partitionIndexes: await this.partitionsOf(topic),
            })),
          );
    const { coordinator, response } = await this.coordinators.request(
      groupId,
      ApiKey.OffsetFetch,
      { groupId, topics: asked ?? [], allTopics: asked === undefined, requireStable: false },
      (body) => body.errorCode || firstPartitionError(body.topics),
    );
    if (response.errorCode !== 0) {
      throw KafkaError.fromCode(response.errorCode, undefined, { groupId, broker: coordinator });
    }
    const committed = new Map<string, Map<number, CommittedPartitionOffset>>();
    for (const topic of response.topics) {
      const partitions = new Map<number, CommittedPartitionOffset>();
      for (const partition of topic.partitions) {
        if (partition.errorCode !== 0) {
          throw KafkaError.fromCode(partition.errorCode, undefined, {
            groupId,
            broker: coordinator,
            topic: topic.name,
            partition: partition.partitionIndex,
          });
        }
        partitions.set(partition.partitionIndex, {
          partition: partition.partitionIndex,
          offset: partition.committedOffset,
          metadata: partition.metadata ?? null,
        });
      }
      committed.set(topic.name, partitions);
    }
    if (asked === undefined) {
      return [...committed]
        .sort(([a], [b]) => compareStrings(a, b))
        .map(([topic, partitions]) => ({
          topic,
          partitions: [...partitions.values()].sort((a, b) => a.partition - b.partition),
        }));
    }
    return asked.map(({ name, partitionIndexes }) => ({
      topic: name,
      partitions: partitionIndexes.map(
        (partition) =>
          committed.get(name)?.get(partition) ?? { partition, offset: -1, metadata: null },
      ),
    }));
  }

  /**
   * Commits `offset` (the next offset to read) for each partition, outside any generation: works
   * only while the group has no active members.
   */
  async setOffsets(options: SetOffsetsOptions): Promise<void> {
    this.checkConnected();
    const groupId = checkGroupId(options?.groupId, 'setOffsets');
    const [topic] = checkTopics([options.topic], 'setOffsets');
    if (!Array.isArray(options.partitions) || options.partitions.length === 0) {
      throw new SamsaError('setOffsets needs partitions: [{ partition, offset }]');
    }
    for (const entry of options.partitions) {
      if (!Number.isInteger(entry?.partition) || entry.partition < 0) {
        throw new SamsaError(
          `setOffsets: partition must be an integer >= 0, got ${JSON.stringify(entry?.partition)}`,
        );
      }
      if (!Number.isSafeInteger(entry.offset) || entry.offset < 0) {
        throw new SamsaError(
          `setOffsets: offset of partition ${entry.partition} must be an integer >= 0, got ${JSON.stringify(entry.offset)}`,
        );
      }
    }
    const { coordinator, response } = await this.coordinators.request(
      groupId,
      ApiKey.OffsetCommit,
      {
        groupId,
        generationId: -1,
        memberId: '',
        topics: [
          {
            name: topic,
            partitions: options.partitions.map((entry) => ({
              partitionIndex: entry.partition,
              committedOffset: entry.offset,
              committedLeaderEpoch: -1,
            })),
          },
        ],
      },
      (body) => firstPartitionError(body.topics),
    );
    for (const answer of response.topics) {
      for (const partition of answer.partitions) {
        if (partition.errorCode !== 0) {
          throw KafkaError.fromCode(partition.errorCode, undefined, {
            groupId,
            broker: coordinator,
            topic: answer.name,
            partition: partition.partitionIndex,
          });
        }
      }
    }
  }

  /**
   * Moves the group's offsets of every partition of `topic` to the log end (default) or, with
   * `earliest`, to the log start; like setOffsets, only while the group has no active members.
   * Resolves to the offsets committed.
   */
  async resetOffsets(options: {
    groupId: string;
    topic: string;
    earliest?: boolean;
  }): Promise<{ partition: number; offset: number }[]> {
    this.checkConnected();
    const groupId = checkGroupId(options?.groupId, 'resetOffsets');
    const [topic] = checkTopics([options.topic], 'resetOffsets');
    const partitions = await this.partitionsOf(topic);
    const timestamp = options.earliest === true ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    const answers = await listOffsets(
      this.cluster,
      partitions.map((partition) => ({ topic, partition, timestamp })),
    );
    const offsets = answers.map((answer) => ({
      partition: answer.partition,
      offset: answer.offset,
    }));
    await this.setOffsets({ groupId, topic, partitions: offsets });
    return offsets;
  }

  private checkConnected(): void {
    if (!this.cluster.isConnected) {
      throw new SamsaError('the admin client is not connected: call await admin.connect() first');
    }
  }

  /** The partition numbers of a topic (metadata retried while the topic propagates). */
  private async partitionsOf(topic: string): Promise<number[]> {
    return retry(async () => {
      const response = await this.cluster.fetchMetadata({ topics: [topic] });
      const metadata = response.topics.find((t) => t.name === topic);
      if (metadata === undefined) {
        throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'no metadata for the topic', { topic });
      }
      if (metadata.errorCode !== 0)
        throw KafkaError.fromCode(metadata.errorCode, undefined, { topic });
      return metadata.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
    }, this.cluster.retryOptions);
  }
}

function firstPartitionError(
  topics: readonly { partitions: readonly { errorCode: number }[] }[],
): number {
  for (const topic of topics) {
    for (const partition of topic.partitions) {
      if (partition.errorCode !== 0) return partition.errorCode;
    }
  }
  return 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkGroupId(groupId: unknown, operation: string): string {
  if (typeof groupId !== 'string' || groupId === '') {
    throw new SamsaError(`${operation} needs a groupId (a non-empty string)`);
  }
  return groupId;
}

function checkGroupIds(groupIds: unknown, operation: string): string[] {
  if (!Array.isArray(groupIds) || groupIds.length === 0) {
    throw new SamsaError(`${operation} needs a non-empty list of group ids`);
  }
  for (const groupId of groupIds) checkGroupId(groupId, operation);
  if (new Set(groupIds).size !== groupIds.length) {
    throw new SamsaError(`${operation}: a group is named twice`);
  }
  return groupIds as string[];
}

function checkTopics(topics: unknown, operation: string): string[] {
  if (!Array.isArray(topics) || topics.length === 0) {
    throw new SamsaError(`${operation} needs a non-empty list of topic names`);
  }
  for (const topic of topics) {
    if (typeof topic !== 'string' || topic === '') {
      throw new SamsaError(
        `${operation}: topic names must be non-empty strings, got ${JSON.stringify(topic)}`,
      );
    }
  }
  return topics as string[];
}
