/**
 * What a partition assignor is (Kafka's ConsumerPartitionAssignor): the group leader runs the
 * assignor the group chose over every member's Subscription and the partition counts of the topics
 * they subscribe to, and sends each member its share in SyncGroup. The name is the JoinGroup
 * protocol name ('range', 'roundrobin', 'sticky', as in Kafka, so mixed groups agree).
 *
 * Also the orderings the assignors share, which must be Java's: strings compare by UTF-16 code
 * units (String.compareTo, which JavaScript's `<` also does; never localeCompare), and members by
 * Kafka's MemberInfo order (static members first, by group.instance.id; then by member id).
 */
import type { MemberAssignment, Subscription } from '../consumer-protocol';
import type { TopicPartition } from '../subscription-state';

export interface AssignorMember {
  readonly memberId: string;
  /** Static membership's group.instance.id; null for a dynamic member. */
  readonly groupInstanceId: string | null;
  readonly subscription: Subscription;
}

/** Member id → its partitions. Every member of the input has an entry (maybe empty). */
export type GroupAssignment = Map<string, TopicPartition[]>;

export interface PartitionAssignor {
  /** The protocol name offered in JoinGroup. */
  readonly name: string;
  /**
   * Assigns the partitions of `partitionsPerTopic` (the subscribed topics that exist, with their
   * partition counts) to `members`.
   */
  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    members: readonly AssignorMember[],
  ): GroupAssignment;
  /** The user data of this member's next Subscription (null: none). */
  subscriptionUserData?(topics: readonly string[]): Buffer | null;
  /** Called with this member's assignment once a rebalance completes. */
  onAssignment?(assignment: MemberAssignment, generationId: number): void;
}

/** Java's String.compareTo: UTF-16 code unit order. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Kafka's MemberInfo order: static members first (by instance id), then by member id. */
export function compareMembers(a: AssignorMember, b: AssignorMember): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) {
    return compareStrings(a.groupInstanceId, b.groupInstanceId);
  }
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/** By topic, then partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}

/** An empty assignment for every member. */
export function emptyAssignment(members: readonly AssignorMember[]): GroupAssignment {
  return new Map(members.map((member) => [member.memberId, []]));
}

/** `topic-partition`, a map key. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}
