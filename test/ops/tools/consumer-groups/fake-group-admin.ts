/**
 * An in-memory ConsumerGroupAdmin for the consumer-groups tool's unit tests: groups with a state,
 * a coordinator, members (their assignment encoded in Kafka's ConsumerProtocol format) and
 * committed offsets; topics with each partition's log start / end offsets and first offsets by
 * timestamp. `setOffsets` behaves as a coordinator does for a commit outside any generation: it
 * is refused (UNKNOWN_MEMBER_ID) while the group has members. Every mutating call is recorded.
 */
import {
  CommittedTopicOffsets,
  DeleteGroupResult,
  DeleteGroupsError,
  GroupDescription,
  GroupOverview,
  SetOffsetsOptions,
} from '../../../../client/admin/group-admin';
import { KafkaError } from '../../../../client/errors';
import { errorByName } from '../../../../client/protocol/error-codes';
import type { ErrorName } from '../../../../client/protocol/error-codes';
import type { ConsumerGroupAdmin } from '../../../../ops/tools/consumer-groups/group-client';

/** Kafka's ConsumerProtocol Assignment (version 0) of `topics`. */
export function encodeAssignment(topics: Record<string, number[]>, version = 0): Buffer {
  const parts: Buffer[] = [];
  const int16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return b;
  };
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  parts.push(int16(version), int32(Object.keys(topics).length));
  for (const [topic, partitions] of Object.entries(topics)) {
    const name = Buffer.from(topic, 'utf8');
    parts.push(int16(name.length), name, int32(partitions.length), ...partitions.map(int32));
  }
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

export interface FakeMember {
  memberId: string;
  clientId?: string;
  clientHost?: string;
  groupInstanceId?: string | null;
  assignment?: Record<string, number[]>;
}

export interface FakeGroup {
  state: string;
  protocolType: string;
  protocol: string;
  members: FakeMember[];
  /** `topic-partition` → committed offset. */
  offsets: Map<string, number>;
  coordinator: number;
  deleteError?: ErrorName;
}

export interface FakeTopicPartition {
  start: number;
  end: number;
  /** [timestamp, offset] of the first record at or after each timestamp listed, ascending. */
  times?: [number, number][];
}

export class FakeGroupAdmin implements ConsumerGroupAdmin {
  readonly groups = new Map<string, FakeGroup>();
  readonly topics = new Map<string, FakeTopicPartition[]>();
  readonly calls: string[] = [];
  readonly brokers = new Map([
    [1, { host: 'broker-1', port: 9092 }],
    [2, { host: 'broker-2', port: 9092 }],
  ]);
  connected = false;

  addGroup(groupId: string, group: Partial<FakeGroup> = {}): FakeGroup {
    const full: FakeGroup = {
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
      members: [],
      offsets: new Map(),
      coordinator: 1,
      ...group,
    };
    this.groups.set(groupId, full);
    return full;
  }

  addTopic(topic: string, partitions: FakeTopicPartition[]): void {
    this.topics.set(topic, partitions);
  }

  async connect(): Promise<void> {
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  async listGroups(options?: { states?: string[] }): Promise<{ groups: GroupOverview[] }> {
    const states = options?.states ?? [];
    return {
      groups: [...this.groups]
        .filter(([, group]) => states.length === 0 || states.includes(group.state))
        .map(([groupId, group]) => ({
          groupId,
          protocolType: group.protocolType,
          groupState: group.state,
        })),
    };
  }

  async describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    return {
      groups: groupIds.map((groupId) => {
        const group = this.groups.get(groupId);
        const coordinator = group?.coordinator ?? 1;
        const broker = this.brokers.get(coordinator) as { host: string; port: number };
        return {
          groupId,
          state: group?.state ?? 'Dead',
          protocolType: group?.protocolType ?? '',
          protocol: group?.protocol ?? '',
          members: (group?.members ?? []).map((member) => ({
            memberId: member.memberId,
            clientId: member.clientId ?? 'consumer-1',
            clientHost: member.clientHost ?? '/127.0.0.1',
            groupInstanceId: member.groupInstanceId ?? null,
            memberMetadata: Buffer.alloc(0),
            memberAssignment:
              member.assignment === undefined
                ? Buffer.alloc(0)
                : encodeAssignment(member.assignment),
          })),
          errorCode: 0,
          coordinator: { nodeId: coordinator, ...broker },
        };
      }),
    };
  }

  async deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]> {
    this.calls.push(`deleteGroups ${groupIds.join(',')}`);
    const results = groupIds.map((groupId): DeleteGroupResult => {
      const group = this.groups.get(groupId);
      const error: ErrorName | undefined =
        group === undefined
          ? 'GROUP_ID_NOT_FOUND'
          : (group.deleteError ?? (group.members.length > 0 ? 'NON_EMPTY_GROUP' : undefined));
      if (error === undefined) {
        this.groups.delete(groupId);
        return { groupId, errorCode: 0 };
      }
      return {
        groupId,
        errorCode: errorByName(error).code,
        error: new KafkaError(error, undefined, { groupId }),
      };
    });
    if (results.some((result) => result.error !== undefined)) throw new DeleteGroupsError(results);
    return results;
  }

  async fetchOffsets(options: { groupId: string }): Promise<CommittedTopicOffsets[]> {
    const group = this.groups.get(options.groupId);
    const byTopic = new Map<string, { partition: number; offset: number; metadata: null }[]>();
    for (const [key, offset] of group?.offsets ?? []) {
      const dash = key.lastIndexOf('-');
      const topic = key.slice(0, dash);
      const list = byTopic.get(topic) ?? [];
      list.push({ partition: Number(key.slice(dash + 1)), offset, metadata: null });
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  async setOffsets(options: SetOffsetsOptions): Promise<void> {
    this.calls.push(
      `setOffsets ${options.groupId} ${options.topic} ${options.partitions
        .map((p) => `${p.partition}=${p.offset}`)
        .join(',')}`,
    );
    let group = this.groups.get(options.groupId);
    if (group !== undefined && group.members.length > 0) {
      throw new KafkaError('UNKNOWN_MEMBER_ID', undefined, { groupId: options.groupId });
    }
    group ??= this.addGroup(options.groupId, { state: 'Empty', protocolType: '', protocol: '' });
    for (const { partition, offset } of options.partitions) {
      group.offsets.set(`${options.topic}-${partition}`, offset);
    }
  }

  private partitions(topic: string): FakeTopicPartition[] {
    const partitions = this.topics.get(topic);
    if (partitions === undefined) {
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', undefined, { topic });
    }
    return partitions;
  }

  async fetchTopicOffsets(
    topic: string,
  ): Promise<{ partition: number; offset: number; high: number; low: number }[]> {
    return this.partitions(topic).map((p, partition) => ({
      partition,
      offset: p.end,
      high: p.end,
      low: p.start,
    }));
  }

  async fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: number }[]> {
    this.calls.push(`fetchTopicOffsetsByTimestamp ${topic} ${timestamp}`);
    return this.partitions(topic).map((p, partition) => ({
      partition,
      offset: p.times?.find(([time]) => time >= timestamp)?.[1] ?? -1,
    }));
  }
}
