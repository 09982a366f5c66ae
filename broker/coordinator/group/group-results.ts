/**
 * What the coordinator answers to JoinGroup, SyncGroup and DescribeGroups (Kafka's
 * JoinGroupResult, SyncGroupResult, GroupSummary), before the handlers turn them into wire
 * messages.
 */
import type { ErrorName } from '../../../client/protocol/error-codes';

/** One member as the leader's JoinGroup response lists it. */
export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** The member's metadata for the chosen protocol. */
  readonly metadata: Buffer;
}

export interface JoinGroupResult {
  /** Every member (leader only; empty for the others and on errors). */
  readonly members: readonly JoinGroupMember[];
  readonly memberId: string;
  /** -1 on errors. */
  readonly generationId: number;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** "" when none. */
  readonly leaderId: string;
  readonly error: ErrorName;
}

export interface SyncGroupResult {
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly assignment: Buffer;
  readonly error: ErrorName;
}

/** One member as DescribeGroups shows it. */
export interface MemberSummary {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  /** Empty unless the group is Stable. */
  readonly metadata: Buffer;
  /** Empty unless the group is Stable. */
  readonly assignment: Buffer;
}

export interface GroupSummary {
  /** "" (unknown) or a GroupState name. */
  readonly state: string;
  readonly protocolType: string;
  /** The chosen protocol when Stable; "" otherwise. */
  readonly protocol: string;
  readonly members: readonly MemberSummary[];
}

/** One group as ListGroups shows it. */
export interface GroupOverview {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
}

export type JoinCallback = (result: JoinGroupResult) => void;
export type SyncCallback = (result: SyncGroupResult) => void;

const EMPTY = Buffer.alloc(0);

/** A JoinGroup error answer (Kafka's JoinGroupResult(memberId, error)). */
export function joinError(memberId: string, error: ErrorName): JoinGroupResult {
  return {
    members: [],
    memberId,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leaderId: '',
    error,
  };
}

/** A SyncGroup error answer. */
export function syncError(error: ErrorName): SyncGroupResult {
  return { protocolType: null, protocolName: null, assignment: EMPTY, error };
}
