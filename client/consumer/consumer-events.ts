/**
 * The consumer's instrumentation events (KafkaJS's names and payload shapes, offsets as numbers):
 * listeners registered with `consumer.on(type, listener)` get `{ type, timestamp, payload }`.
 */
export const ConsumerEvents = {
  CONNECT: 'consumer.connect',
  DISCONNECT: 'consumer.disconnect',
  /** The consumer joined its group (after every rebalance), with its new assignment. */
  GROUP_JOIN: 'consumer.group_join',
  /** The group is rebalancing: this member revokes its partitions and rejoins. */
  REBALANCING: 'consumer.rebalancing',
  HEARTBEAT: 'consumer.heartbeat',
  /** Offsets were committed (automatically or by commitOffsets). */
  COMMIT_OFFSETS: 'consumer.commit_offsets',
  STOP: 'consumer.stop',
  /** The consumer stopped because of an error. */
  CRASH: 'consumer.crash',
} as const;

export type ConsumerEventType = (typeof ConsumerEvents)[keyof typeof ConsumerEvents];

export interface GroupJoinPayload {
  groupId: string;
  memberId: string;
  leaderId: string;
  isLeader: boolean;
  /** This member's partitions by topic. */
  memberAssignment: Record<string, number[]>;
  /** The assignor the group chose ('range', 'roundrobin', 'sticky'). */
  groupProtocol: string;
  /** Milliseconds from the start of the rebalance to the assignment. */
  duration: number;
}

export interface CommittedOffsetsPayload {
  groupId: string;
  memberId: string;
  /** -1 for a consumer that assigns its partitions itself. */
  groupGenerationId: number;
  topics: { topic: string; partitions: { partition: number; offset: number }[] }[];
}

export interface ConsumerEventPayloads {
  'consumer.connect': Record<string, never>;
  'consumer.disconnect': Record<string, never>;
  'consumer.group_join': GroupJoinPayload;
  'consumer.rebalancing': { groupId: string; memberId: string };
  'consumer.heartbeat': { groupId: string; memberId: string; groupGenerationId: number };
  'consumer.commit_offsets': CommittedOffsetsPayload;
  'consumer.stop': Record<string, never>;
  'consumer.crash': { error: Error; groupId?: string };
}

/** An event as listeners receive it; `ConsumerEvent` alone is any of them. */
export type ConsumerEvent<T extends ConsumerEventType = ConsumerEventType> = {
  [K in T]: { type: K; timestamp: number; payload: ConsumerEventPayloads[K] };
}[T];
