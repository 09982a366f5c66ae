/**
 * One member of a group (Kafka's MemberMetadata): identity (member id, optional
 * group.instance.id for static members), where it connects from, its timeouts, the protocols it
 * supports in order of preference (name + metadata), its current assignment, and the JoinGroup /
 * SyncGroup request it has outstanding, if any.
 *
 * Liveness: `heartbeatDeadline` (monotonic ms) is pushed forward on every heartbeat without
 * allocating anything; the coordinator's one timer per member looks at it when it fires and
 * re-arms itself for the rest of the time (group-coordinator.ts).
 */
import type { JoinCallback, MemberSummary, SyncCallback } from './group-results';
import type { CoordinatorTimer } from './coordinator-timers';

/** A protocol a member supports: a name (the assignor) and its metadata (the subscription). */
export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface MemberMetadataInit {
  readonly memberId: string;
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly supportedProtocols: readonly MemberProtocol[];
}

const EMPTY = Buffer.alloc(0);

export class MemberMetadata {
  memberId: string;
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  supportedProtocols: readonly MemberProtocol[];
  assignment: Buffer = EMPTY;
  awaitingJoinCallback: JoinCallback | undefined;
  awaitingSyncCallback: SyncCallback | undefined;
  /** Joined in the current rebalance and not yet through it (the new-member join timeout applies). */
  isNew = false;
  /** Left the group (LeaveGroup) or removed; its expiration timer must not act any more. */
  isLeaving = false;
  /** Monotonic time after which the member counts as failed, unless a rebalance holds it. */
  heartbeatDeadline = 0;
  /** The member's expiration timer, while one is armed, and when it fires (monotonic ms). */
  expirationTimer: CoordinatorTimer | undefined;
  expirationFiresAt = 0;

  constructor(init: MemberMetadataInit) {
    this.memberId = init.memberId;
    this.groupId = init.groupId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocolType = init.protocolType;
    this.supportedProtocols = init.supportedProtocols;
  }

  get isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoinCallback !== undefined;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSyncCallback !== undefined;
  }

  /** The member's metadata for `protocol`; a protocol it does not support is a programming error. */
  metadata(protocol: string): Buffer {
    const found = this.supportedProtocols.find((p) => p.name === protocol);
    if (found === undefined) {
      throw new Error(`member ${this.memberId} does not support protocol ${protocol}`);
    }
    return found.metadata;
  }

  /** Whether `protocols` are exactly the ones this member supports (names, order and metadata). */
  matches(protocols: readonly MemberProtocol[]): boolean {
    if (protocols.length !== this.supportedProtocols.length) return false;
    return protocols.every((p, i) => {
      const mine = this.supportedProtocols[i];
      return p.name === mine.name && p.metadata.equals(mine.metadata);
    });
  }

  /** The member's vote: its most preferred protocol among `candidates`. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.supportedProtocols.find((p) => candidates.has(p.name));
    if (choice === undefined) {
      throw new Error(`member ${this.memberId} supports none of the candidate protocols`);
    }
    return choice.name;
  }

  /** DescribeGroups' view with the metadata of `protocol` and the assignment (Stable groups). */
  summary(protocol: string): MemberSummary {
    return {
      memberId: this.memberId,
      groupInstanceId: this.groupInstanceId,
      clientId: this.clientId,
      clientHost: this.clientHost,
      metadata: this.metadata(protocol),
      assignment: this.assignment,
    };
  }

  /** DescribeGroups' view without metadata or assignment (groups that are not Stable). */
  summaryNoMetadata(): MemberSummary {
    return {
      memberId: this.memberId,
      groupInstanceId: this.groupInstanceId,
      clientId: this.clientId,
      clientHost: this.clientHost,
      metadata: EMPTY,
      assignment: EMPTY,
    };
  }
}
