/**
 * One consumer group as its coordinator holds it (Kafka's GroupMetadata): the state machine
 * (group-state.ts), generation, chosen protocol type and protocol, leader, members (by member id),
 * static members (group.instance.id → member id), pending members (KIP-394: given a member id by
 * MEMBER_ID_REQUIRED, not joined yet), the protocol votes, and the committed offsets (with the
 * commits being written).
 *
 * Pure bookkeeping: no timers fire here and nothing is written; the coordinator
 * (group-coordinator.ts) drives it. Invariants kept here: `awaitingJoin` counts the
 * members with an outstanding JoinGroup; `protocolVotes` counts, per protocol name, the
 * members that support it; the leader is a member (or undefined when there are none).
 */
import { randomUUID } from 'node:crypto';
import type { CoordinatorTimer } from './coordinator-timers';
import { type GroupState, isValidTransition } from './group-state';
import {
  type GroupOverview,
  type GroupSummary,
  type JoinCallback,
  type JoinGroupMember,
  type JoinGroupResult,
  type SyncGroupResult,
  joinError,
  syncError,
} from './group-results';
import { MemberMetadata, type MemberProtocol } from './member-metadata';
import {
  type CommitRecordMetadataAndOffset,
  type GroupTopicPartition,
  type OffsetAndMetadata,
  parseTopicPartitionKey,
  topicPartitionKey,
} from './offset-and-metadata';
import { subscribedTopicsOf } from './subscribed-topics';

/** The protocol type of Kafka's consumers. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/** Separates the client id (or group.instance.id) from the UUID in generated member ids. */
export const MEMBER_ID_DELIMITER = '-';

/** The rebalance a group is waiting on (Kafka's DelayedJoin / InitialDelayedJoin). */
export interface DelayedJoinState {
  /** 'initial': the group.initial.rebalance.delay.ms wait of an Empty group; never ends early. */
  readonly kind: 'initial' | 'rebalance';
  timer: CoordinatorTimer | undefined;
  /** For 'initial': how much of the rebalance timeout is left after this delay. */
  readonly remainingMs: number;
}

export class GroupMetadata {
  readonly groupId: string;
  private state: GroupState;
  /** Wall-clock time of the last state change; undefined when unknown (loaded from old records). */
  currentStateTimestamp: number | undefined;
  protocolType: string | undefined;
  protocolName: string | undefined;
  generationId = 0;
  private leader: string | undefined;
  private readonly members = new Map<string, MemberMetadata>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingMembers = new Map<string, CoordinatorTimer | undefined>();
  private awaitingJoin = 0;
  private readonly protocolVotes = new Map<string, number>();
  /** Set when a member joins a brand-new group during its initial delay (extends the delay). */
  newMemberAdded = false;
  /** The topics the members subscribe to (consumer groups); undefined when not known. */
  subscribedTopics: ReadonlySet<string> | undefined;
  private readonly offsets = new Map<string, CommitRecordMetadataAndOffset>();
  private readonly pendingOffsetCommits = new Map<string, OffsetAndMetadata>();
  /** The rebalance being waited on, while PreparingRebalance. */
  delayedJoin: DelayedJoinState | undefined;

  constructor(groupId: string, initialState: GroupState, wallClockMs: number) {
    this.groupId = groupId;
    this.state = initialState;
    this.currentStateTimestamp = wallClockMs;
  }

  // ---------------------------------------------------------------------------------------------
  // State

  get currentState(): GroupState {
    return this.state;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  /** Whether a rebalance may start from the current state. */
  get canRebalance(): boolean {
    return isValidTransition(this.state, 'PreparingRebalance');
  }

  /** Moves to `state`; an illegal transition is a programming error. */
  transitionTo(state: GroupState, wallClockMs: number): void {
    if (!isValidTransition(this.state, state)) {
      throw new Error(
        `Group ${this.groupId} should be in one of the states that precede ${state} ` +
          `before moving to it, but is ${this.state}`,
      );
    }
    this.state = state;
    this.currentStateTimestamp = wallClockMs;
  }

  get isConsumerGroup(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  // ---------------------------------------------------------------------------------------------
  // Members

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata {
    const member = this.members.get(memberId);
    if (member === undefined) {
      throw new Error(`member ${memberId} is not in group ${this.groupId}`);
    }
    return member;
  }

  get size(): number {
    return this.members.size;
  }

  allMembers(): MemberMetadata[] {
    return [...this.members.values()];
  }

  get leaderId(): string | undefined {
    return this.leader;
  }

  isLeader(memberId: string): boolean {
    return this.leader === memberId;
  }

  get numAwaitingJoin(): number {
    return this.awaitingJoin;
  }

  /** Adds a member with its outstanding JoinGroup (if any); the first one sets the protocol type. */
  add(member: MemberMetadata, callback: JoinCallback | undefined): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.protocolType !== member.protocolType) {
      throw new Error(
        `member ${member.memberId} has protocol type ${member.protocolType}, the group ${this.protocolType}`,
      );
    }
    if (this.leader === undefined) this.leader = member.memberId;
    this.members.set(member.memberId, member);
    for (const protocol of member.supportedProtocols) this.vote(protocol.name, 1);
    member.awaitingJoinCallback = callback;
    if (member.isAwaitingJoin) this.awaitingJoin++;
  }

  /** Removes a member; a removed leader is succeeded by any remaining member. */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      for (const protocol of member.supportedProtocols) this.vote(protocol.name, -1);
      if (member.isAwaitingJoin) this.awaitingJoin--;
    }
    if (this.leader === memberId) {
      this.leader = this.members.keys().next().value;
    }
  }

  private vote(protocol: string, delta: number): void {
    const count = (this.protocolVotes.get(protocol) ?? 0) + delta;
    if (count === 0) this.protocolVotes.delete(protocol);
    else this.protocolVotes.set(protocol, count);
  }

  /** Replaces a member's protocols and outstanding JoinGroup. */
  updateMember(
    member: MemberMetadata,
    protocols: readonly MemberProtocol[],
    callback: JoinCallback | undefined,
  ): void {
    for (const protocol of member.supportedProtocols) this.vote(protocol.name, -1);
    for (const protocol of protocols) this.vote(protocol.name, 1);
    member.supportedProtocols = protocols;
    if (callback !== undefined && !member.isAwaitingJoin) this.awaitingJoin++;
    else if (callback === undefined && member.isAwaitingJoin) this.awaitingJoin--;
    member.awaitingJoinCallback = callback;
  }

  /** Answers the member's outstanding JoinGroup, if it has one. */
  maybeInvokeJoinCallback(member: MemberMetadata, result: JoinGroupResult): void {
    const callback = member.awaitingJoinCallback;
    if (callback === undefined) return;
    member.awaitingJoinCallback = undefined;
    this.awaitingJoin--;
    callback(result);
  }

  /** Answers the member's outstanding SyncGroup, if it has one; returns whether it had one. */
  maybeInvokeSyncCallback(member: MemberMetadata, result: SyncGroupResult): boolean {
    const callback = member.awaitingSyncCallback;
    if (callback === undefined) return false;
    member.awaitingSyncCallback = undefined;
    callback(result);
    return true;
  }

  /** A new member id: `<clientId or group.instance.id>-<UUID>`. */
  generateMemberId(clientId: string, groupInstanceId: string | null): string {
    return `${groupInstanceId ?? clientId}${MEMBER_ID_DELIMITER}${randomUUID()}`;
  }

  /** The largest rebalance timeout among the members (0 without members). */
  get rebalanceTimeoutMs(): number {
    let timeout = 0;
    for (const member of this.members.values()) {
      timeout = Math.max(timeout, member.rebalanceTimeoutMs);
    }
    return timeout;
  }

  /** Every member has an outstanding JoinGroup and no pending member is still to join. */
  get hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoin && this.pendingMembers.size === 0;
  }

  /** Members without an outstanding JoinGroup. */
  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => !m.isAwaitingJoin);
  }

  /**
   * Makes sure the leader is a member that has rejoined, choosing another one if the leader has
   * not; false when no member has rejoined (or there is no leader).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leader === undefined) return false;
    if (this.get(this.leader).isAwaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.isAwaitingJoin) {
        this.leader = member.memberId;
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // Pending members (KIP-394) and static members (KIP-345)

  addPendingMember(memberId: string, expiration: CoordinatorTimer | undefined): void {
    this.pendingMembers.set(memberId, expiration);
  }

  /** Forgets a pending member and cancels its expiration. */
  removePendingMember(memberId: string): void {
    this.pendingMembers.get(memberId)?.cancel();
    this.pendingMembers.delete(memberId);
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  get numPending(): number {
    return this.pendingMembers.size;
  }

  /** Cancels every pending member's expiration (the group is being unloaded). */
  cancelPendingMemberTimers(): void {
    for (const timer of this.pendingMembers.values()) timer?.cancel();
  }

  hasStaticMember(groupInstanceId: string | null): boolean {
    return groupInstanceId !== null && this.staticMembers.has(groupInstanceId);
  }

  getStaticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  addStaticMember(groupInstanceId: string, memberId: string): void {
    this.staticMembers.set(groupInstanceId, memberId);
  }

  removeStaticMember(groupInstanceId: string | null): void {
    if (groupInstanceId !== null) this.staticMembers.delete(groupInstanceId);
  }

  /**
   * A request naming a group.instance.id that belongs to another member id comes from a fenced
   * duplicate of a static member (FENCED_INSTANCE_ID).
   */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = this.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  /**
   * Gives a static member a new member id (it rejoined without one). An outstanding JoinGroup or
   * SyncGroup of the old member id is answered FENCED_INSTANCE_ID at once.
   */
  replaceStaticMember(
    groupInstanceId: string,
    oldMemberId: string,
    newMemberId: string,
  ): MemberMetadata {
    const member = this.get(oldMemberId);
    this.maybeInvokeJoinCallback(member, joinError(oldMemberId, 'FENCED_INSTANCE_ID'));
    this.maybeInvokeSyncCallback(member, syncError('FENCED_INSTANCE_ID'));
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.leader === oldMemberId) this.leader = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  // ---------------------------------------------------------------------------------------------
  // Protocols and generations

  /** Protocols every member supports. */
  candidateProtocols(): Set<string> {
    const all = new Set<string>();
    for (const [protocol, count] of this.protocolVotes) {
      if (count === this.members.size) all.add(protocol);
    }
    return all;
  }

  /**
   * Whether a member with this protocol type and these protocols may join: any non-empty type and
   * protocol list for an Empty group; otherwise the group's type and at least one protocol every
   * current member supports.
   */
  supportsProtocols(memberProtocolType: string, memberProtocols: readonly string[]): boolean {
    if (this.is('Empty')) return memberProtocolType !== '' && memberProtocols.length > 0;
    return (
      this.protocolType === memberProtocolType &&
      memberProtocols.some((p) => this.protocolVotes.get(p) === this.members.size)
    );
  }

  /**
   * The group's protocol: each member votes for its most preferred protocol among those all
   * members support, and the one with the most votes wins (ties: the first to get that count in
   * member order).
   */
  selectProtocol(): string {
    if (this.members.size === 0)
      throw new Error(`cannot select a protocol for empty group ${this.groupId}`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    let best = '';
    let bestVotes = 0;
    for (const member of this.members.values()) {
      const choice = member.vote(candidates);
      const count = (votes.get(choice) ?? 0) + 1;
      votes.set(choice, count);
      if (count > bestVotes) {
        best = choice;
        bestVotes = count;
      }
    }
    return best;
  }

  /** Starts the next generation: CompletingRebalance with a protocol, or Empty without members. */
  initNextGeneration(wallClockMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', wallClockMs);
    } else {
      this.protocolName = undefined;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', wallClockMs);
    }
  }

  /** Every member with its metadata for the chosen protocol (the leader's JoinGroup answer). */
  currentMemberMetadata(): JoinGroupMember[] {
    const protocol = this.protocolName;
    if (protocol === undefined || this.is('Dead') || this.is('PreparingRebalance')) {
      throw new Error(
        `cannot list the member metadata of group ${this.groupId} in state ${this.state}`,
      );
    }
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadata(protocol),
    }));
  }

  /** The topics a consumer group's members subscribe to, when every subscription decodes. */
  computeSubscribedTopics(): ReadonlySet<string> | undefined {
    if (!this.isConsumerGroup) return undefined;
    if (this.members.size === 0) return new Set();
    const protocol = this.protocolName;
    if (protocol === undefined) return undefined;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const subscribed = subscribedTopicsOf(member.metadata(protocol));
      if (subscribed === undefined) return undefined;
      for (const topic of subscribed) topics.add(topic);
    }
    return topics;
  }

  /** DescribeGroups' view of the group. */
  summary(): GroupSummary {
    if (this.is('Stable')) {
      const protocol = this.protocolName;
      if (protocol === undefined) throw new Error(`stable group ${this.groupId} has no protocol`);
      return {
        state: this.state,
        protocolType: this.protocolType ?? '',
        protocol,
        members: [...this.members.values()].map((m) => m.summary(protocol)),
      };
    }
    return {
      state: this.state,
      protocolType: this.protocolType ?? '',
      protocol: '',
      members: [...this.members.values()].map((m) => m.summaryNoMetadata()),
    };
  }

  /** ListGroups' view of the group. */
  overview(): GroupOverview {
    return { groupId: this.groupId, protocolType: this.protocolType ?? '', state: this.state };
  }

  // ---------------------------------------------------------------------------------------------
  // Offsets

  /** Installs the offsets read from the log (coordinator failover). */
  initializeOffsets(offsets: ReadonlyMap<string, CommitRecordMetadataAndOffset>): void {
    for (const [key, value] of offsets) this.offsets.set(key, value);
  }

  /** Marks commits as being written: they are not visible until onOffsetCommitAppend. */
  prepareOffsetCommit(offsets: ReadonlyMap<string, OffsetAndMetadata>): void {
    for (const [key, value] of offsets) this.pendingOffsetCommits.set(key, value);
  }

  /** A commit was written at log offset `appendedBatchOffset`: it becomes the committed offset. */
  onOffsetCommitAppend(key: string, committed: CommitRecordMetadataAndOffset): void {
    const staged = this.pendingOffsetCommits.get(key);
    if (staged !== undefined) {
      const current = this.offsets.get(key);
      if (
        current === undefined ||
        (current.appendedBatchOffset ?? -1) < (committed.appendedBatchOffset ?? -1)
      ) {
        this.offsets.set(key, committed);
      }
      if (staged === committed.offsetAndMetadata) this.pendingOffsetCommits.delete(key);
    }
  }

  /** A commit could not be written: forget it (the previous committed offset stays). */
  failPendingOffsetWrite(key: string, offset: OffsetAndMetadata): void {
    if (this.pendingOffsetCommits.get(key) === offset) this.pendingOffsetCommits.delete(key);
  }

  offset(topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(topicPartitionKey(topic, partition))?.offsetAndMetadata;
  }

  /** Every partition with a committed offset. */
  allOffsets(): GroupTopicPartition[] {
    return [...this.offsets.keys()].map(parseTopicPartitionKey);
  }

  get numOffsets(): number {
    return this.offsets.size;
  }

  get hasOffsets(): boolean {
    return this.offsets.size > 0 || this.pendingOffsetCommits.size > 0;
  }

  hasPendingOffsetCommit(topic: string, partition: number): boolean {
    return this.pendingOffsetCommits.has(topicPartitionKey(topic, partition));
  }

  /** Removes the offsets of these partitions (committed and pending); returns the removed keys. */
  removeOffsets(keys: Iterable<string>): string[] {
    const removed: string[] = [];
    for (const key of keys) {
      this.pendingOffsetCommits.delete(key);
      if (this.offsets.delete(key)) removed.push(key);
    }
    return removed;
  }

  /** Removes every committed offset; returns the removed keys. */
  removeAllOffsets(): string[] {
    return this.removeOffsets([...this.offsets.keys()]);
  }

  /**
   * Removes the offsets past retention (Kafka's removeExpiredOffsets) and returns their keys:
   * - Empty group with a protocol type: `retentionMs` after the group became Empty (or after the
   *   commit, when that time is unknown);
   * - consumer group with members and known subscriptions: offsets of topics nobody subscribes
   *   to, `retentionMs` after their commit;
   * - no protocol type (offsets committed by standalone consumers): `retentionMs` after the commit.
   * Offsets being written are never expired; v1 records with an explicit expire timestamp expire
   * then.
   */
  removeExpiredOffsets(wallClockMs: number, retentionMs: number): string[] {
    const expired = (
      base: (c: CommitRecordMetadataAndOffset) => number,
      subscribed: ReadonlySet<string> = new Set(),
    ): string[] => {
      const keys: string[] = [];
      for (const [key, committed] of this.offsets) {
        if (this.pendingOffsetCommits.has(key)) continue;
        if (subscribed.has(parseTopicPartitionKey(key).topic)) continue;
        const expire = committed.offsetAndMetadata.expireTimestamp;
        const due =
          expire === undefined
            ? wallClockMs - base(committed) >= retentionMs
            : wallClockMs >= expire;
        if (due) keys.push(key);
      }
      return keys;
    };
    let keys: string[] = [];
    if (this.protocolType !== undefined && this.is('Empty')) {
      const since = this.currentStateTimestamp;
      keys = expired((c) => since ?? c.offsetAndMetadata.commitTimestamp);
    } else if (this.isConsumerGroup && this.subscribedTopics !== undefined) {
      keys = expired((c) => c.offsetAndMetadata.commitTimestamp, this.subscribedTopics);
    } else if (this.protocolType === undefined) {
      keys = expired((c) => c.offsetAndMetadata.commitTimestamp);
    }
    return this.removeOffsets(keys);
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  /** A group as read back from its GroupMetadataValue: Stable with members, else Empty. */
  static loaded(
    groupId: string,
    record: {
      protocolType: string;
      generation: number;
      protocol: string | null;
      leader: string | null;
      currentStateTimestamp: number;
      members: readonly {
        memberId: string;
        groupInstanceId: string | null;
        clientId: string;
        clientHost: string;
        rebalanceTimeoutMs: number;
        sessionTimeoutMs: number;
        subscription: Buffer;
        assignment: Buffer;
      }[];
    },
    wallClockMs: number,
  ): GroupMetadata {
    const group = new GroupMetadata(
      groupId,
      record.members.length === 0 ? 'Empty' : 'Stable',
      wallClockMs,
    );
    group.currentStateTimestamp =
      record.currentStateTimestamp >= 0 ? record.currentStateTimestamp : undefined;
    group.generationId = record.generation;
    group.protocolName = record.protocol ?? undefined;
    for (const m of record.members) {
      const member = new MemberMetadata({
        memberId: m.memberId,
        groupId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        protocolType: record.protocolType,
        supportedProtocols:
          record.protocol === null ? [] : [{ name: record.protocol, metadata: m.subscription }],
      });
      member.assignment = m.assignment;
      group.add(member, undefined);
      if (m.groupInstanceId !== null) group.addStaticMember(m.groupInstanceId, m.memberId);
    }
    group.protocolType = record.protocolType === '' ? undefined : record.protocolType;
    group.leader = record.leader ?? undefined;
    group.subscribedTopics = group.computeSubscribedTopics();
    return group;
  }
}
