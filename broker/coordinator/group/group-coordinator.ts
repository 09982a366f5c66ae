/**
 * The group coordinator (Kafka 2.8's GroupCoordinator): consumer-group membership and committed
 * offsets for the groups whose `__consumer_offsets` partition this broker leads.
 *
 * Membership (the state machine is in group-state.ts; each group's bookkeeping in
 * group-metadata.ts):
 * - JoinGroup. A first join without a member id is given one (`<clientId>-<uuid>`) and answered
 *   MEMBER_ID_REQUIRED (KIP-394); the member then joins with it. A join adds or updates the
 *   member and, from Empty / Stable / CompletingRebalance, starts a rebalance
 *   (PreparingRebalance). The answers wait until every known member has rejoined or the
 *   rebalance timeout (the largest of the members') passes; members that did not rejoin are
 *   removed. An Empty group first waits `group.initial.rebalance.delay.ms`, again as long as new
 *   members keep arriving, within the rebalance timeout (InitialDelayedJoin). Then the next
 *   generation starts (CompletingRebalance) with the protocol the members vote for; the leader's
 *   answer lists every member's metadata.
 * - SyncGroup. The leader sends the assignment; it is written to `__consumer_offsets` and then
 *   every member's SyncGroup is answered with its own part (Stable).
 * - Heartbeat. Resets the member's session timer; REBALANCE_IN_PROGRESS while a rebalance is
 *   preparing. A member that sends nothing for its session timeout is removed (a rebalance
 *   starts); members waiting in a rebalance are held by the rebalance timeout instead; a member
 *   that joined but never completed a rebalance is removed after 5 minutes.
 * - LeaveGroup removes members at once.
 * - Static members (group.instance.id, KIP-345): a rejoin of a known instance without a member id
 *   takes over the old member (new member id, no rebalance if the chosen protocol stays the same);
 *   the old member id gets FENCED_INSTANCE_ID, at once for an outstanding JoinGroup/SyncGroup and
 *   on every later request.
 * - Session timeouts outside group.min/max.session.timeout.ms are INVALID_SESSION_TIMEOUT.
 *
 * Offsets: OffsetCommit from a member of the current generation (Stable or PreparingRebalance),
 * or with generation -1 for an Empty group (standalone consumers); ILLEGAL_GENERATION,
 * UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS otherwise. Written before being answered
 * (group-metadata-manager.ts). OffsetFetch answers what is committed.
 *
 * Every request first checks the group id (INVALID_GROUP_ID), that the coordinator is running
 * (COORDINATOR_NOT_AVAILABLE), that the group's partition is not loading
 * (COORDINATOR_LOAD_IN_PROGRESS) and is led here (NOT_COORDINATOR).
 *
 * Failover: `onElection` (this broker became leader of a `__consumer_offsets` partition) loads
 * the partition's groups and offsets; `onResignation` (follower, or replica stopped) unloads them,
 * answering outstanding JoinGroup/SyncGroup requests NOT_COORDINATOR. Both ignore leader epochs
 * older than the last seen for the partition.
 *
 * Timers: one per member (its session; heartbeats only move a deadline, the timer re-arms itself
 * when it fires early), one per pending member, one per rebalance.
 *
 * Two small additions to Kafka's rules keep every request answered: a JoinGroup or SyncGroup that
 * a newer one from the same member replaces is answered REBALANCE_IN_PROGRESS, and a removed
 * member's outstanding SyncGroup is answered UNKNOWN_MEMBER_ID.
 */
import type { Logger } from '../../../client/logging';
import { logger } from '../../../client/logging';
import type { ErrorName } from '../../../client/protocol/error-codes';
import type { KafkaConfig } from '../../config/kafka-config';
import type { ReplicaManager } from '../../replica/replica-manager';
import { type CoordinatorClock, SYSTEM_CLOCK } from './coordinator-timers';
import { type DelayedJoinState, GroupMetadata } from './group-metadata';
import {
  type FetchedOffset,
  GroupMetadataManager,
  type OffsetConfig,
} from './group-metadata-manager';
import { GROUP_METADATA_TOPIC_NAME } from './group-partition';
import {
  type GroupOverview,
  type GroupSummary,
  type JoinCallback,
  type JoinGroupResult,
  type SyncCallback,
  type SyncGroupResult,
  joinError,
  syncError,
} from './group-results';
import { MemberMetadata, type MemberProtocol } from './member-metadata';
import { type OffsetAndMetadata, topicPartitionKey } from './offset-and-metadata';
import { type OffsetsTopicStorage, replicaManagerStorage } from './offsets-topic-storage';

/** The group.* settings (Kafka's GroupConfig). */
export interface GroupConfig {
  readonly groupMinSessionTimeoutMs: number;
  readonly groupMaxSessionTimeoutMs: number;
  readonly groupInitialRebalanceDelayMs: number;
}

/** How long a member that joined may wait for its first rebalance to complete. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

/** The APIs whose group id may be empty (Kafka's isValidGroupId). */
type GroupApi =
  'join' | 'sync' | 'heartbeat' | 'leave' | 'commit' | 'fetch' | 'describe' | 'delete';
const EMPTY_GROUP_ID_ALLOWED: ReadonlySet<GroupApi> = new Set([
  'commit',
  'fetch',
  'describe',
  'delete',
]);

export interface JoinGroupParams {
  readonly groupId: string;
  /** "" on a member's first join. */
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** KIP-394: answer a first join MEMBER_ID_REQUIRED (dynamic members). */
  readonly requireKnownMemberId: boolean;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
}

export interface SyncGroupParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  /** From the leader: member id → assignment. */
  readonly assignments: ReadonlyMap<string, Buffer>;
}

export interface HeartbeatParams {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeavingMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveGroupResult {
  readonly error: ErrorName;
  readonly members: readonly (LeavingMember & { readonly error: ErrorName })[];
}

export interface OffsetCommitParams {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** -1 for commits from outside any generation. */
  readonly generationId: number;
  readonly offsets: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly offset: number;
    readonly leaderEpoch: number;
    readonly metadata: string;
  }[];
}

export interface GroupCoordinatorOptions {
  readonly brokerId: number;
  readonly groupConfig: GroupConfig;
  readonly offsetConfig: OffsetConfig;
  /** offsets.topic.num.partitions */
  readonly partitionCount: number;
  readonly storage: OffsetsTopicStorage;
  /** The partition count of an existing `__consumer_offsets` (read at startup). */
  readonly existingPartitionCount?: () => Promise<number | undefined>;
  readonly clock?: CoordinatorClock;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class GroupCoordinator {
  readonly brokerId: number;
  private readonly groupConfig: GroupConfig;
  private readonly clock: CoordinatorClock;
  private readonly log: Logger;
  private readonly manager: GroupMetadataManager;
  private readonly existingPartitionCount: () => Promise<number | undefined>;
  private readonly epochs = new Map<number, number>();
  private active = false;

  constructor(options: GroupCoordinatorOptions) {
    this.brokerId = options.brokerId;
    this.groupConfig = options.groupConfig;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.log = logger(`GroupCoordinator ${options.brokerId}`);
    this.existingPartitionCount = options.existingPartitionCount ?? (async () => undefined);
    this.manager = new GroupMetadataManager({
      brokerId: options.brokerId,
      config: options.offsetConfig,
      partitionCount: options.partitionCount,
      storage: options.storage,
      clock: this.clock,
      log: logger(`GroupMetadataManager brokerId=${options.brokerId}`),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  async startup(): Promise<void> {
    this.log.info('Starting up.');
    this.manager.startup(await this.existingPartitionCount());
    this.active = true;
    this.log.info('Startup complete.');
  }

  /** Stops answering, unloads every group (answering outstanding requests) and stops the tasks. */
  async shutdown(): Promise<void> {
    this.log.info('Shutting down.');
    this.active = false;
    for (const partition of this.manager.partitionsInUse()) {
      this.manager.removeGroupsForPartition(partition, (group) => this.onGroupUnloaded(group));
    }
    await this.manager.shutdown();
    this.log.info('Shutdown complete.');
  }

  get isActive(): boolean {
    return this.active;
  }

  /** The `__consumer_offsets` partition of a group. */
  partitionFor(groupId: string): number {
    return this.manager.partitionFor(groupId);
  }

  /** Whether this broker coordinates the group now (its partition is loaded here). */
  isCoordinatorFor(groupId: string): boolean {
    return this.manager.isGroupLocal(groupId);
  }

  // ---------------------------------------------------------------------------------------------
  // Leadership of __consumer_offsets partitions

  /** This broker became leader of `__consumer_offsets-<partition>` in `leaderEpoch`. */
  onElection(partition: number, leaderEpoch: number): void {
    const current = this.epochs.get(partition);
    if (current !== undefined && leaderEpoch <= current) {
      this.log.warn(
        `Ignored election as group coordinator for partition ${partition} in epoch ${leaderEpoch} ` +
          `since current epoch is ${current}`,
      );
      return;
    }
    this.epochs.set(partition, leaderEpoch);
    this.log.info(
      `Elected as the group coordinator for partition ${partition} in epoch ${leaderEpoch}`,
    );
    this.manager.scheduleLoadGroupAndOffsets(partition, (group) => this.onGroupLoaded(group));
  }

  /**
   * This broker stopped leading `__consumer_offsets-<partition>`; `leaderEpoch` is the new epoch
   * (undefined when unknown, e.g. the partition was deleted).
   */
  onResignation(partition: number, leaderEpoch: number | undefined): void {
    const current = this.epochs.get(partition);
    if (current !== undefined && leaderEpoch !== undefined && leaderEpoch <= current) {
      this.log.warn(
        `Ignored resignation as group coordinator for partition ${partition} in epoch ${leaderEpoch} ` +
          `since current epoch is ${current}`,
      );
      return;
    }
    if (leaderEpoch !== undefined) this.epochs.set(partition, leaderEpoch);
    if (!this.manager.partitionsInUse().includes(partition)) return;
    this.log.info(
      `Resigned as the group coordinator for partition ${partition} in epoch ${leaderEpoch ?? 'unknown'}`,
    );
    this.manager.removeGroupsForPartition(partition, (group) => this.onGroupUnloaded(group));
  }

  private onGroupLoaded(group: GroupMetadata): void {
    this.log.info(
      `Loading group metadata for ${group.groupId} with generation ${group.generationId}`,
    );
    for (const member of group.allMembers())
      this.completeAndScheduleNextHeartbeatExpiration(group, member);
  }

  private onGroupUnloaded(group: GroupMetadata): void {
    this.log.info(
      `Unloading group metadata for ${group.groupId} with generation ${group.generationId}`,
    );
    group.transitionTo('Dead', this.clock.wallClock());
    this.cancelJoin(group);
    group.cancelPendingMemberTimers();
    for (const member of group.allMembers()) {
      member.expirationTimer?.cancel();
      member.expirationTimer = undefined;
      group.maybeInvokeJoinCallback(member, joinError(member.memberId, 'NOT_COORDINATOR'));
      group.maybeInvokeSyncCallback(member, syncError('NOT_COORDINATOR'));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Validation

  private validateGroupStatus(groupId: string, api: GroupApi): ErrorName | undefined {
    if (groupId === '' && !EMPTY_GROUP_ID_ALLOWED.has(api)) return 'INVALID_GROUP_ID';
    if (!this.active) return 'COORDINATOR_NOT_AVAILABLE';
    if (this.manager.isGroupLoading(groupId)) return 'COORDINATOR_LOAD_IN_PROGRESS';
    if (!this.manager.isGroupLocal(groupId)) return 'NOT_COORDINATOR';
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // JoinGroup

  /** JoinGroup; resolves when the member's join completes (or fails). */
  joinGroup(params: JoinGroupParams): Promise<JoinGroupResult> {
    return new Promise((resolve) => this.handleJoinGroup(params, resolve));
  }

  private handleJoinGroup(p: JoinGroupParams, callback: JoinCallback): void {
    const error = this.validateGroupStatus(p.groupId, 'join');
    if (error !== undefined) return callback(joinError(p.memberId, error));
    if (
      p.sessionTimeoutMs < this.groupConfig.groupMinSessionTimeoutMs ||
      p.sessionTimeoutMs > this.groupConfig.groupMaxSessionTimeoutMs
    ) {
      return callback(joinError(p.memberId, 'INVALID_SESSION_TIMEOUT'));
    }
    const isUnknownMember = p.memberId === '';
    let group = this.manager.getGroup(p.groupId);
    if (group === undefined) {
      if (!isUnknownMember) return callback(joinError(p.memberId, 'UNKNOWN_MEMBER_ID'));
      group = this.manager.addGroup(new GroupMetadata(p.groupId, 'Empty', this.clock.wallClock()));
    }
    if (isUnknownMember) this.doUnknownJoinGroup(group, p, callback);
    else this.doJoinGroup(group, p, callback);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  private doUnknownJoinGroup(
    group: GroupMetadata,
    p: JoinGroupParams,
    callback: JoinCallback,
  ): void {
    if (group.is('Dead')) return callback(joinError('', 'COORDINATOR_NOT_AVAILABLE'));
    const names = p.protocols.map((protocol) => protocol.name);
    if (!group.supportsProtocols(p.protocolType, names)) {
      return callback(joinError('', 'INCONSISTENT_GROUP_PROTOCOL'));
    }
    const newMemberId = group.generateMemberId(p.clientId, p.groupInstanceId);
    if (p.groupInstanceId !== null && group.hasStaticMember(p.groupInstanceId)) {
      this.updateStaticMemberAndRebalance(
        group,
        newMemberId,
        p.groupInstanceId,
        p.protocols,
        callback,
      );
    } else if (p.requireKnownMemberId) {
      group.addPendingMember(
        newMemberId,
        this.clock.schedule(p.sessionTimeoutMs, () =>
          this.onExpirePendingMember(group, newMemberId),
        ),
      );
      this.log.debug(
        `Dynamic member with unknown member id joins group ${group.groupId} in ${group.currentState} state. ` +
          `Created a new member id ${newMemberId} and request the member to rejoin with this id.`,
      );
      callback(joinError(newMemberId, 'MEMBER_ID_REQUIRED'));
    } else {
      this.log.info(
        `${p.groupInstanceId === null ? 'Dynamic' : 'Static'} member with unknown member id joins group ` +
          `${group.groupId} in ${group.currentState} state. Created a new member id ${newMemberId} for this ` +
          'member and add to the group.',
      );
      this.addMemberAndRebalance(group, newMemberId, p, callback);
    }
  }

  private doJoinGroup(group: GroupMetadata, p: JoinGroupParams, callback: JoinCallback): void {
    const memberId = p.memberId;
    if (group.is('Dead')) return callback(joinError(memberId, 'COORDINATOR_NOT_AVAILABLE'));
    const names = p.protocols.map((protocol) => protocol.name);
    if (!group.supportsProtocols(p.protocolType, names)) {
      return callback(joinError(memberId, 'INCONSISTENT_GROUP_PROTOCOL'));
    }
    if (group.isPendingMember(memberId)) {
      if (p.groupInstanceId !== null) {
        throw new Error(
          `the static member ${p.groupInstanceId} was not expected to be a pending member (${memberId})`,
        );
      }
      this.addMemberAndRebalance(group, memberId, p, callback);
      return;
    }
    if (group.isStaticMemberFenced(memberId, p.groupInstanceId)) {
      return callback(joinError(memberId, 'FENCED_INSTANCE_ID'));
    }
    const instanceNotFound =
      p.groupInstanceId !== null && !group.hasStaticMember(p.groupInstanceId);
    if (!group.has(memberId) || instanceNotFound) {
      return callback(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
    }
    const member = group.get(memberId);
    switch (group.currentState) {
      case 'PreparingRebalance':
        this.updateMemberAndRebalance(
          group,
          member,
          p.protocols,
          `Member ${memberId} joining group during PreparingRebalance`,
          callback,
        );
        return;
      case 'CompletingRebalance':
        if (member.matches(p.protocols)) {
          // The member missed the answer to its join: the same generation again.
          return callback(this.joinAnswer(group, member));
        }
        this.updateMemberAndRebalance(
          group,
          member,
          p.protocols,
          `Updating metadata for member ${memberId} during CompletingRebalance`,
          callback,
        );
        return;
      case 'Stable':
        if (group.isLeader(memberId)) {
          // The leader rejoining asks for a rebalance (e.g. the topics it assigns changed).
          this.updateMemberAndRebalance(
            group,
            member,
            p.protocols,
            `leader ${memberId} re-joining group during Stable`,
            callback,
          );
        } else if (!member.matches(p.protocols)) {
          this.updateMemberAndRebalance(
            group,
            member,
            p.protocols,
            `Updating metadata for member ${memberId} during Stable`,
            callback,
          );
        } else {
          // A follower with unchanged metadata: the current generation, so it can SyncGroup.
          callback(this.joinAnswer(group, member));
        }
        return;
      case 'Empty':
      case 'Dead':
        this.log.warn(
          `Attempt to add rejoining member ${memberId} of group ${group.groupId} in unexpected group state ${group.currentState}`,
        );
        callback(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
        return;
    }
  }

  /** The current generation's JoinGroup answer for `member` (the leader gets every member). */
  private joinAnswer(group: GroupMetadata, member: MemberMetadata): JoinGroupResult {
    return {
      members: group.isLeader(member.memberId) ? group.currentMemberMetadata() : [],
      memberId: member.memberId,
      generationId: group.generationId,
      protocolType: group.protocolType ?? null,
      protocolName: group.protocolName ?? null,
      leaderId: group.leaderId ?? '',
      error: 'NONE',
    };
  }

  private addMemberAndRebalance(
    group: GroupMetadata,
    memberId: string,
    p: JoinGroupParams,
    callback: JoinCallback,
  ): void {
    const member = new MemberMetadata({
      memberId,
      groupId: group.groupId,
      groupInstanceId: p.groupInstanceId,
      clientId: p.clientId,
      clientHost: p.clientHost,
      rebalanceTimeoutMs: p.rebalanceTimeoutMs,
      sessionTimeoutMs: p.sessionTimeoutMs,
      protocolType: p.protocolType,
      supportedProtocols: p.protocols,
    });
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, callback);
    // A new member cannot heartbeat before it has its first generation: the longer join timeout
    // keeps defunct members (e.g. a client that gave up waiting) from staying forever.
    this.completeAndScheduleNextExpiration(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    if (p.groupInstanceId !== null) {
      this.log.info(
        `Adding new static member ${p.groupInstanceId} to group ${group.groupId} with member id ${memberId}.`,
      );
      group.addStaticMember(p.groupInstanceId, memberId);
    } else {
      group.removePendingMember(memberId);
    }
    this.maybePrepareRebalance(
      group,
      `Adding new member ${memberId} with group instance id ${p.groupInstanceId ?? 'None'}`,
    );
  }

  private updateStaticMemberAndRebalance(
    group: GroupMetadata,
    newMemberId: string,
    groupInstanceId: string,
    protocols: readonly MemberProtocol[],
    callback: JoinCallback,
  ): void {
    const oldMemberId = group.getStaticMemberId(groupInstanceId) as string;
    this.log.info(
      `Static member ${groupInstanceId} of group ${group.groupId} with unknown member id rejoins, assigning ` +
        `new member id ${newMemberId}, while old member id ${oldMemberId} will be removed.`,
    );
    const currentLeader = group.leaderId ?? '';
    const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId);
    // The old member id's timer finds it gone; the new id gets its own.
    this.completeAndScheduleNextHeartbeatExpiration(group, member);
    const oldProtocols = member.supportedProtocols;
    group.updateMember(member, protocols, callback);
    switch (group.currentState) {
      case 'Stable': {
        if (group.selectProtocol() !== group.protocolName) {
          this.maybePrepareRebalance(
            group,
            `Group's selectedProtocol will change because static member ${newMemberId} with instance id ` +
              `${groupInstanceId} joined with change of protocol`,
          );
          return;
        }
        this.log.info(
          "Static member which joins during Stable stage and doesn't affect selectProtocol will not trigger rebalance.",
        );
        const assignment = new Map(group.allMembers().map((m) => [m.memberId, m.assignment]));
        this.manager.storeGroup(group, assignment).then(
          (error) =>
            this.onStaticMemberStored(
              group,
              member,
              groupInstanceId,
              oldMemberId,
              oldProtocols,
              currentLeader,
              callback,
              error,
            ),
          (error: unknown) => {
            this.log.error(`Failed to write group ${group.groupId}: ${describe(error)}`);
            this.onStaticMemberStored(
              group,
              member,
              groupInstanceId,
              oldMemberId,
              oldProtocols,
              currentLeader,
              callback,
              'UNKNOWN_SERVER_ERROR',
            );
          },
        );
        return;
      }
      case 'CompletingRebalance':
        // The leader may already be assigning with the old member id: start over.
        this.prepareRebalance(
          group,
          `Updating metadata for static member ${newMemberId} with instance id ${groupInstanceId}`,
        );
        return;
      case 'PreparingRebalance':
        return;
      case 'Empty':
      case 'Dead':
        throw new Error(
          `Group ${group.groupId} was not supposed to be in the state ${group.currentState} when the ` +
            `unknown static member ${groupInstanceId} rejoins.`,
        );
    }
  }

  private onStaticMemberStored(
    group: GroupMetadata,
    member: MemberMetadata,
    groupInstanceId: string,
    oldMemberId: string,
    oldProtocols: readonly MemberProtocol[],
    currentLeader: string,
    callback: JoinCallback,
    error: ErrorName,
  ): void {
    const newMemberId = member.memberId;
    if (error !== 'NONE') {
      this.log.warn(`Failed to persist metadata for group ${group.groupId}: ${error}`);
      if (!group.is('Dead') && group.has(newMemberId) && group.get(newMemberId) === member) {
        // The new member id was not written: the old one stays.
        group.updateMember(member, oldProtocols, undefined);
        const oldMember = group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId);
        this.completeAndScheduleNextHeartbeatExpiration(group, oldMember);
      }
      callback({
        members: [],
        memberId: '',
        generationId: group.generationId,
        protocolType: group.protocolType ?? null,
        protocolName: group.protocolName ?? null,
        leaderId: currentLeader,
        error,
      });
      return;
    }
    // The old leader id keeps the current leader from assigning again: a Stable group would not
    // hand out a new assignment anyway.
    group.maybeInvokeJoinCallback(member, {
      members: [],
      memberId: newMemberId,
      generationId: group.generationId,
      protocolType: group.protocolType ?? null,
      protocolName: group.protocolName ?? null,
      leaderId: currentLeader,
      error: 'NONE',
    });
  }

  private updateMemberAndRebalance(
    group: GroupMetadata,
    member: MemberMetadata,
    protocols: readonly MemberProtocol[],
    reason: string,
    callback: JoinCallback,
  ): void {
    this.supersedeJoin(group, member);
    group.updateMember(member, protocols, callback);
    this.maybePrepareRebalance(group, reason);
  }

  /** Answers a JoinGroup of `member` that a newer one replaces. */
  private supersedeJoin(group: GroupMetadata, member: MemberMetadata): void {
    group.maybeInvokeJoinCallback(member, joinError(member.memberId, 'REBALANCE_IN_PROGRESS'));
  }

  private maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.canRebalance) this.prepareRebalance(group, reason);
  }

  private prepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.is('CompletingRebalance')) {
      this.resetAndPropagateAssignmentError(group, 'REBALANCE_IN_PROGRESS');
    }
    const initial = group.is('Empty');
    group.transitionTo('PreparingRebalance', this.clock.wallClock());
    this.log.info(
      `Preparing to rebalance group ${group.groupId} in state PreparingRebalance with old generation ` +
        `${group.generationId} (${GROUP_METADATA_TOPIC_NAME}-${this.partitionFor(group.groupId)}) (reason: ${reason})`,
    );
    if (initial) {
      const delay = this.groupConfig.groupInitialRebalanceDelayMs;
      this.scheduleInitialJoin(group, delay, Math.max(group.rebalanceTimeoutMs - delay, 0));
    } else {
      this.scheduleJoin(group, group.rebalanceTimeoutMs);
    }
  }

  private cancelJoin(group: GroupMetadata): void {
    group.delayedJoin?.timer?.cancel();
    group.delayedJoin = undefined;
  }

  /** Waits up to `timeoutMs` for every member to rejoin (Kafka's DelayedJoin); may complete now. */
  private scheduleJoin(group: GroupMetadata, timeoutMs: number): void {
    this.cancelJoin(group);
    const state: DelayedJoinState = { kind: 'rebalance', timer: undefined, remainingMs: 0 };
    group.delayedJoin = state;
    state.timer = this.clock.schedule(timeoutMs, () => {
      if (group.delayedJoin !== state) return;
      group.delayedJoin = undefined;
      this.onCompleteJoin(group);
    });
    this.tryCompleteJoin(group);
  }

  /**
   * The initial delay of an Empty group (Kafka's InitialDelayedJoin): waits `delayMs`, then again
   * (at most the configured delay, within `remainingMs`) while new members keep arriving.
   */
  private scheduleInitialJoin(group: GroupMetadata, delayMs: number, remainingMs: number): void {
    this.cancelJoin(group);
    const state: DelayedJoinState = { kind: 'initial', timer: undefined, remainingMs };
    group.delayedJoin = state;
    state.timer = this.clock.schedule(delayMs, () => {
      if (group.delayedJoin !== state) return;
      group.delayedJoin = undefined;
      if (group.newMemberAdded && remainingMs !== 0) {
        group.newMemberAdded = false;
        const delay = Math.min(this.groupConfig.groupInitialRebalanceDelayMs, remainingMs);
        this.scheduleInitialJoin(group, delay, Math.max(remainingMs - delayMs, 0));
      } else {
        this.onCompleteJoin(group);
      }
    });
  }

  /** Completes the rebalance now if every member has rejoined (not during the initial delay). */
  private tryCompleteJoin(group: GroupMetadata): void {
    const pending = group.delayedJoin;
    if (pending?.kind !== 'rebalance' || !group.hasAllMembersJoined) return;
    this.cancelJoin(group);
    this.onCompleteJoin(group);
  }

  private onCompleteJoin(group: GroupMetadata): void {
    const notRejoined = group.notYetRejoinedMembers().filter((m) => !m.isStaticMember);
    if (notRejoined.length > 0) {
      this.log.info(
        `Group ${group.groupId} remove dynamic members who haven't joined: ${notRejoined.map((m) => m.memberId).join(', ')}`,
      );
      for (const member of notRejoined) {
        this.removeHeartbeatForLeavingMember(member);
        this.answerRemovedMemberSync(group, member);
        group.remove(member.memberId);
      }
    }
    if (group.is('Dead')) {
      this.log.info(`Group ${group.groupId} is dead, skipping rebalance stage`);
      return;
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that have not rejoined remain: wait again until their sessions end.
      this.log.error(
        `Group ${group.groupId} could not complete rebalance because no members rejoined`,
      );
      this.scheduleJoin(group, group.rebalanceTimeoutMs);
      return;
    }
    group.initNextGeneration(this.clock.wallClock());
    const partition = `${GROUP_METADATA_TOPIC_NAME}-${this.partitionFor(group.groupId)}`;
    if (group.is('Empty')) {
      this.log.info(
        `Group ${group.groupId} with generation ${group.generationId} is now empty (${partition})`,
      );
      this.manager.storeGroup(group, new Map()).then(
        (error) => {
          // A lost write only brings back the previous generation (without live members) after a
          // failover, where it times out.
          if (error !== 'NONE') {
            this.log.warn(`Failed to write empty metadata for group ${group.groupId}: ${error}`);
          }
        },
        (error: unknown) =>
          this.log.error(
            `Failed to write empty metadata for group ${group.groupId}: ${describe(error)}`,
          ),
      );
      return;
    }
    this.log.info(
      `Stabilized group ${group.groupId} generation ${group.generationId} (${partition}) with ${group.size} members`,
    );
    for (const member of group.allMembers()) {
      group.maybeInvokeJoinCallback(member, this.joinAnswer(group, member));
      this.completeAndScheduleNextHeartbeatExpiration(group, member);
      member.isNew = false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Member expiration

  private completeAndScheduleNextHeartbeatExpiration(
    group: GroupMetadata,
    member: MemberMetadata,
  ): void {
    this.completeAndScheduleNextExpiration(group, member, member.sessionTimeoutMs);
  }

  /**
   * Moves the member's deadline to `timeoutMs` from now. The armed timer is kept when it fires no
   * later than the new deadline (it re-arms itself then), so a heartbeat allocates nothing.
   */
  private completeAndScheduleNextExpiration(
    group: GroupMetadata,
    member: MemberMetadata,
    timeoutMs: number,
  ): void {
    const deadline = this.clock.now() + timeoutMs;
    member.heartbeatDeadline = deadline;
    if (member.expirationTimer !== undefined) {
      if (member.expirationFiresAt <= deadline) return;
      member.expirationTimer.cancel();
    }
    this.armExpiration(group, member, timeoutMs);
  }

  private armExpiration(group: GroupMetadata, member: MemberMetadata, delayMs: number): void {
    member.expirationFiresAt = this.clock.now() + delayMs;
    member.expirationTimer = this.clock.schedule(delayMs, () => {
      member.expirationTimer = undefined;
      this.onExpirationTimer(group, member);
    });
  }

  private onExpirationTimer(group: GroupMetadata, member: MemberMetadata): void {
    if (group.is('Dead') || member.isLeaving) return;
    if (!group.has(member.memberId) || group.get(member.memberId) !== member) return;
    const now = this.clock.now();
    if (now < member.heartbeatDeadline) {
      this.armExpiration(group, member, member.heartbeatDeadline - now);
      return;
    }
    // A member waiting in a rebalance is alive until the rebalance ends (its deadline is set anew
    // then); a new member gets no such grace.
    if (!member.isNew && (member.isAwaitingJoin || member.isAwaitingSync)) return;
    this.log.info(
      `Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group`,
    );
    this.removeMemberAndUpdateGroup(
      group,
      member,
      `removing member ${member.memberId} on heartbeat expiration`,
    );
  }

  private onExpirePendingMember(group: GroupMetadata, memberId: string): void {
    if (group.is('Dead') || !group.isPendingMember(memberId)) return;
    this.log.info(
      `Pending member ${memberId} in group ${group.groupId} has been removed after session timeout expiration.`,
    );
    this.removePendingMemberAndUpdateGroup(group, memberId);
  }

  private removeHeartbeatForLeavingMember(member: MemberMetadata): void {
    member.isLeaving = true;
    member.expirationTimer?.cancel();
    member.expirationTimer = undefined;
  }

  private answerRemovedMemberSync(group: GroupMetadata, member: MemberMetadata): void {
    group.maybeInvokeSyncCallback(member, syncError('UNKNOWN_MEMBER_ID'));
  }

  private removeMemberAndUpdateGroup(
    group: GroupMetadata,
    member: MemberMetadata,
    reason: string,
  ): void {
    // A new member may still wait for its join: it learns it is gone and may join again.
    group.maybeInvokeJoinCallback(member, joinError('', 'UNKNOWN_MEMBER_ID'));
    this.answerRemovedMemberSync(group, member);
    member.expirationTimer?.cancel();
    member.expirationTimer = undefined;
    group.remove(member.memberId);
    group.removeStaticMember(member.groupInstanceId);
    switch (group.currentState) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        return;
      case 'PreparingRebalance':
        this.tryCompleteJoin(group);
        return;
      case 'Empty':
      case 'Dead':
        return;
    }
  }

  private removePendingMemberAndUpdateGroup(group: GroupMetadata, memberId: string): void {
    group.removePendingMember(memberId);
    if (group.is('PreparingRebalance')) this.tryCompleteJoin(group);
  }

  // ---------------------------------------------------------------------------------------------
  // SyncGroup

  /** SyncGroup; resolves when the member's assignment is known (or on error). */
  syncGroup(params: SyncGroupParams): Promise<SyncGroupResult> {
    return new Promise((resolve) => this.handleSyncGroup(params, resolve));
  }

  private handleSyncGroup(p: SyncGroupParams, callback: SyncCallback): void {
    const error = this.validateGroupStatus(p.groupId, 'sync');
    if (error === 'COORDINATOR_LOAD_IN_PROGRESS') {
      // The rebalance in progress was lost with the old coordinator: the member must join again.
      return callback(syncError('REBALANCE_IN_PROGRESS'));
    }
    if (error !== undefined) return callback(syncError(error));
    const group = this.manager.getGroup(p.groupId);
    if (group === undefined) return callback(syncError('UNKNOWN_MEMBER_ID'));
    if (group.is('Dead')) return callback(syncError('COORDINATOR_NOT_AVAILABLE'));
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) {
      return callback(syncError('FENCED_INSTANCE_ID'));
    }
    if (!group.has(p.memberId)) return callback(syncError('UNKNOWN_MEMBER_ID'));
    if (p.generationId !== group.generationId) return callback(syncError('ILLEGAL_GENERATION'));
    if (
      (p.protocolType !== null && p.protocolType !== group.protocolType) ||
      (p.protocolName !== null && p.protocolName !== group.protocolName)
    ) {
      return callback(syncError('INCONSISTENT_GROUP_PROTOCOL'));
    }
    const member = group.get(p.memberId);
    switch (group.currentState) {
      case 'Empty':
        return callback(syncError('UNKNOWN_MEMBER_ID'));
      case 'PreparingRebalance':
        return callback(syncError('REBALANCE_IN_PROGRESS'));
      case 'CompletingRebalance':
        group.maybeInvokeSyncCallback(member, syncError('REBALANCE_IN_PROGRESS'));
        member.awaitingSyncCallback = callback;
        if (group.isLeader(p.memberId)) this.storeLeaderAssignment(group, p);
        return;
      case 'Stable':
        callback({
          protocolType: group.protocolType ?? null,
          protocolName: group.protocolName ?? null,
          assignment: member.assignment,
          error: 'NONE',
        });
        this.completeAndScheduleNextHeartbeatExpiration(group, member);
        return;
      case 'Dead':
        throw new Error(`Reached unexpected condition for Dead group ${group.groupId}`);
    }
  }

  private storeLeaderAssignment(group: GroupMetadata, p: SyncGroupParams): void {
    const generation = group.generationId;
    this.log.info(
      `Assignment received from leader for group ${group.groupId} for generation ${generation}`,
    );
    const assignment = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const member of group.allMembers()) {
      const given = p.assignments.get(member.memberId);
      if (given === undefined) missing.push(member.memberId);
      assignment.set(member.memberId, given ?? Buffer.alloc(0));
    }
    if (missing.length > 0) {
      this.log.warn(
        `Setting empty assignments for members ${missing.join(', ')} of ${group.groupId} for generation ${generation}`,
      );
    }
    const onStored = (error: ErrorName): void => {
      // Another member may have joined meanwhile: act only on the same generation.
      if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
      if (error !== 'NONE') {
        this.resetAndPropagateAssignmentError(group, error);
        this.maybePrepareRebalance(
          group,
          `error when storing group assignment during SyncGroup (member: ${p.memberId})`,
        );
      } else {
        for (const member of group.allMembers()) {
          member.assignment = assignment.get(member.memberId) ?? Buffer.alloc(0);
        }
        this.propagateAssignment(group, 'NONE');
        group.transitionTo('Stable', this.clock.wallClock());
      }
    };
    this.manager.storeGroup(group, assignment).then(onStored, (error: unknown) => {
      this.log.error(`Failed to write group ${group.groupId}: ${describe(error)}`);
      onStored('UNKNOWN_SERVER_ERROR');
    });
  }

  private resetAndPropagateAssignmentError(group: GroupMetadata, error: ErrorName): void {
    for (const member of group.allMembers()) member.assignment = Buffer.alloc(0);
    this.propagateAssignment(group, error);
  }

  private propagateAssignment(group: GroupMetadata, error: ErrorName): void {
    for (const member of group.allMembers()) {
      if (member.assignment.length === 0 && error === 'NONE') {
        this.log.warn(
          `Sending empty assignment to member ${member.memberId} of ${group.groupId} for generation ` +
            `${group.generationId} with no errors`,
        );
      }
      const answered = group.maybeInvokeSyncCallback(member, {
        protocolType: error === 'NONE' ? (group.protocolType ?? null) : null,
        protocolName: error === 'NONE' ? (group.protocolName ?? null) : null,
        assignment: member.assignment,
        error,
      });
      // A session that ran out while the member waited counts from now.
      if (answered) this.completeAndScheduleNextHeartbeatExpiration(group, member);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Heartbeat and LeaveGroup

  heartbeat(p: HeartbeatParams): ErrorName {
    const error = this.validateGroupStatus(p.groupId, 'heartbeat');
    // While loading, the member cannot be checked: let it go on.
    if (error === 'COORDINATOR_LOAD_IN_PROGRESS') return 'NONE';
    if (error !== undefined) return error;
    const group = this.manager.getGroup(p.groupId);
    if (group === undefined) return 'UNKNOWN_MEMBER_ID';
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) return 'FENCED_INSTANCE_ID';
    if (!group.has(p.memberId)) return 'UNKNOWN_MEMBER_ID';
    if (p.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    const member = group.get(p.memberId);
    switch (group.currentState) {
      case 'Empty':
        return 'UNKNOWN_MEMBER_ID';
      case 'CompletingRebalance':
      case 'Stable':
        this.completeAndScheduleNextHeartbeatExpiration(group, member);
        return 'NONE';
      case 'PreparingRebalance':
        this.completeAndScheduleNextHeartbeatExpiration(group, member);
        return 'REBALANCE_IN_PROGRESS';
      case 'Dead':
        throw new Error(`Reached unexpected condition for Dead group ${p.groupId}`);
    }
  }

  leaveGroup(groupId: string, leaving: readonly LeavingMember[]): LeaveGroupResult {
    const error = this.validateGroupStatus(groupId, 'leave');
    if (error !== undefined) return { error, members: [] };
    const group = this.manager.getGroup(groupId);
    if (group === undefined) {
      return { error: 'NONE', members: leaving.map((m) => ({ ...m, error: 'UNKNOWN_MEMBER_ID' })) };
    }
    if (group.is('Dead')) return { error: 'COORDINATOR_NOT_AVAILABLE', members: [] };
    const members = leaving.map((m) => ({ ...m, error: this.removeLeavingMember(group, m) }));
    return { error: 'NONE', members };
  }

  private removeLeavingMember(group: GroupMetadata, leaving: LeavingMember): ErrorName {
    const { memberId, groupInstanceId } = leaving;
    if (memberId !== '' && group.isStaticMemberFenced(memberId, groupInstanceId)) {
      return 'FENCED_INSTANCE_ID';
    }
    if (group.isPendingMember(memberId)) {
      this.log.info(`Pending member ${memberId} is leaving group ${group.groupId}.`);
      this.removePendingMemberAndUpdateGroup(group, memberId);
      return 'NONE';
    }
    const staticMemberId =
      groupInstanceId === null ? undefined : group.getStaticMemberId(groupInstanceId);
    const id = staticMemberId ?? memberId;
    if (!group.has(id)) return 'UNKNOWN_MEMBER_ID';
    const member = group.get(id);
    this.removeHeartbeatForLeavingMember(member);
    this.log.info(
      `Member[group.instance.id ${member.groupInstanceId ?? 'None'}, member.id ${member.memberId}] in group ` +
        `${group.groupId} has left, removing it from the group`,
    );
    this.removeMemberAndUpdateGroup(group, member, `removing member ${memberId} on LeaveGroup`);
    return 'NONE';
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets

  /** OffsetCommit; resolves to each partition's error (by topicPartitionKey) once written. */
  async commitOffsets(p: OffsetCommitParams): Promise<Map<string, ErrorName>> {
    const keys = p.offsets.map((o) => topicPartitionKey(o.topic, o.partition));
    const all = (error: ErrorName): Map<string, ErrorName> => new Map(keys.map((k) => [k, error]));
    const error = this.validateGroupStatus(p.groupId, 'commit');
    if (error !== undefined) return all(error);
    let group = this.manager.getGroup(p.groupId);
    if (group === undefined) {
      // No group: only commits from outside group management (generation -1) create one.
      if (p.generationId >= 0) return all('ILLEGAL_GENERATION');
      group = this.manager.addGroup(new GroupMetadata(p.groupId, 'Empty', this.clock.wallClock()));
    }
    if (group.is('Dead')) return all('COORDINATOR_NOT_AVAILABLE');
    if (group.isStaticMemberFenced(p.memberId, p.groupInstanceId)) return all('FENCED_INSTANCE_ID');
    if (!(p.generationId < 0 && group.is('Empty'))) {
      if (!group.has(p.memberId)) return all('UNKNOWN_MEMBER_ID');
      if (p.generationId !== group.generationId) return all('ILLEGAL_GENERATION');
      if (group.is('CompletingRebalance')) return all('REBALANCE_IN_PROGRESS');
      this.completeAndScheduleNextHeartbeatExpiration(group, group.get(p.memberId));
    }
    const commitTimestamp = this.clock.wallClock();
    const offsets = new Map<string, OffsetAndMetadata>();
    p.offsets.forEach((o, i) => {
      offsets.set(keys[i], {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        commitTimestamp,
      });
    });
    return this.manager.storeOffsets(group, offsets);
  }

  /** OffsetFetch: every committed partition when `partitions` is undefined. */
  fetchOffsets(
    groupId: string,
    requireStable: boolean,
    partitions: readonly { topic: string; partition: number }[] | undefined,
  ): { error: ErrorName; offsets: FetchedOffset[] } {
    const error = this.validateGroupStatus(groupId, 'fetch');
    if (error !== undefined) return { error, offsets: [] };
    return { error: 'NONE', offsets: this.manager.getOffsets(groupId, requireStable, partitions) };
  }

  /**
   * Removes the committed offsets of deleted topic partitions from every group (for the
   * UpdateMetadata handler, with the partitions the metadata cache dropped). Never rejects: a
   * failure is logged, and the offsets then expire with retention.
   */
  async handleDeletedPartitions(
    partitions: readonly { topic: string; partition: number }[],
  ): Promise<void> {
    const names = partitions.map((p) => `${p.topic}-${p.partition}`).join(', ');
    try {
      const removed = await this.manager.removeOffsetsOfDeletedPartitions(partitions);
      this.log.info(`Removed ${removed} offsets associated with deleted partitions: ${names}.`);
    } catch (error) {
      this.log.error(
        `Failed to remove the offsets of deleted partitions ${names}: ${describe(error)}`,
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // ListGroups, DescribeGroups, DeleteGroups

  /** The groups coordinated here, in `states` (all when empty). */
  listGroups(states: readonly string[]): { error: ErrorName; groups: GroupOverview[] } {
    if (!this.active) return { error: 'COORDINATOR_NOT_AVAILABLE', groups: [] };
    const wanted = new Set(states);
    const groups = this.manager
      .currentGroups()
      .filter((g) => wanted.size === 0 || wanted.has(g.currentState))
      .map((g) => g.overview());
    return { error: this.manager.isLoading ? 'COORDINATOR_LOAD_IN_PROGRESS' : 'NONE', groups };
  }

  describeGroup(groupId: string): { error: ErrorName; summary: GroupSummary } {
    const error = this.validateGroupStatus(groupId, 'describe');
    if (error !== undefined) {
      return { error, summary: { state: '', protocolType: '', protocol: '', members: [] } };
    }
    const group = this.manager.getGroup(groupId);
    if (group === undefined) {
      return {
        error: 'NONE',
        summary: { state: 'Dead', protocolType: '', protocol: '', members: [] },
      };
    }
    return { error: 'NONE', summary: group.summary() };
  }

  /** Deletes Empty groups with their offsets; NON_EMPTY_GROUP for groups with members. */
  async deleteGroups(groupIds: readonly string[]): Promise<Map<string, ErrorName>> {
    const errors = new Map<string, ErrorName>();
    const eligible: GroupMetadata[] = [];
    for (const groupId of new Set(groupIds)) {
      const error = this.validateGroupStatus(groupId, 'delete');
      if (error !== undefined) {
        errors.set(groupId, error);
        continue;
      }
      const group = this.manager.getGroup(groupId);
      if (group === undefined || group.is('Dead')) {
        errors.set(
          groupId,
          this.manager.groupNotExists(groupId) ? 'GROUP_ID_NOT_FOUND' : 'NOT_COORDINATOR',
        );
      } else if (group.is('Empty')) {
        group.transitionTo('Dead', this.clock.wallClock());
        eligible.push(group);
      } else {
        errors.set(groupId, 'NON_EMPTY_GROUP');
      }
    }
    if (eligible.length > 0) {
      const removed = await this.manager.cleanupGroupMetadata(eligible, (g) =>
        g.removeAllOffsets(),
      );
      for (const group of eligible) errors.set(group.groupId, 'NONE');
      this.log.info(
        `The following groups were deleted: ${eligible.map((g) => g.groupId).join(', ')}. ` +
          `A total of ${removed} offsets were removed.`,
      );
    }
    return errors;
  }
}

/** The offsets.* settings of a broker configuration. */
export function offsetConfigOf(config: KafkaConfig): OffsetConfig {
  return {
    maxMetadataSize: config.offsetsMetadataMaxBytes,
    loadBufferSize: config.offsetsLoadBufferSize,
    offsetsRetentionMs: config.offsetsRetentionMinutes * 60 * 1000,
    offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
    offsetCommitTimeoutMs: config.offsetsCommitTimeoutMs,
    offsetCommitRequiredAcks: config.offsetsCommitRequiredAcks,
  };
}

/** The group.* settings of a broker configuration. */
export function groupConfigOf(config: KafkaConfig): GroupConfig {
  return {
    groupMinSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    groupMaxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    groupInitialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
  };
}

/** The broker's coordinator: storage through its ReplicaManager. */
export function brokerGroupCoordinator(options: {
  readonly config: KafkaConfig;
  readonly brokerId: number;
  readonly replicaManager: ReplicaManager;
  readonly existingPartitionCount: () => Promise<number | undefined>;
}): GroupCoordinator {
  return new GroupCoordinator({
    brokerId: options.brokerId,
    groupConfig: groupConfigOf(options.config),
    offsetConfig: offsetConfigOf(options.config),
    partitionCount: options.config.offsetsTopicNumPartitions,
    storage: replicaManagerStorage(options.replicaManager),
    existingPartitionCount: options.existingPartitionCount,
  });
}
