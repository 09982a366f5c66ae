/**
 * The groups this broker coordinates and their storage in `__consumer_offsets` (Kafka's
 * GroupMetadataManager).
 *
 * - Ownership: a group belongs to partition `partitionFor(groupId)` (group-partition.ts); the
 *   broker coordinates the groups of the partitions it leads. Becoming leader schedules a load of
 *   the partition (offsets-loader.ts); until it finishes the partition is "loading" (requests get
 *   COORDINATOR_LOAD_IN_PROGRESS), then "owned". A load that fails (an I/O error) is retried
 *   after a second for as long as the partition is still to be loaded. Losing leadership unloads
 *   the partition's groups at once (NOT_COORDINATOR afterwards); a load still running then is
 *   discarded.
 * - Writes: `storeGroup` (the group's metadata and assignment, after the leader's SyncGroup or
 *   when the group becomes Empty) and `storeOffsets` (a commit) append one batch each, as the
 *   partition leader, waiting for offsets.commit.required.acks (-1: every in-sync replica) at
 *   most offsets.commit.timeout.ms. A commit is visible (OffsetFetch) only once written.
 * - Cleanup: every offsets.retention.check.interval.ms, offsets past offsets.retention.minutes
 *   are removed (GroupMetadata.removeExpiredOffsets) and tombstones appended; a group left Empty
 *   without offsets becomes Dead and gets a metadata tombstone (unless it never had a generation).
 *   DeleteGroups uses the same path.
 */
import type { Logger } from '../../../client/logging';
import type { ErrorName } from '../../../client/protocol/error-codes';
import { type RecordInput, encodeRecordBatchSync } from '../../../client/record/record-batch';
import type { CoordinatorClock, CoordinatorTimer } from './coordinator-timers';
import { GroupMetadata } from './group-metadata';
import { GROUP_METADATA_TOPIC_NAME, partitionForGroup } from './group-partition';
import {
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
} from './group-records';
import {
  type OffsetAndMetadata,
  parseTopicPartitionKey,
  topicPartitionKey,
} from './offset-and-metadata';
import { loadGroupsAndOffsets } from './offsets-loader';
import type { OffsetsTopicStorage } from './offsets-topic-storage';

/** The offsets.* settings the manager works with (Kafka's OffsetConfig). */
export interface OffsetConfig {
  /** offsets.metadata.max.bytes */
  readonly maxMetadataSize: number;
  /** offsets.load.buffer.size */
  readonly loadBufferSize: number;
  /** offsets.retention.minutes, in ms */
  readonly offsetsRetentionMs: number;
  /** offsets.retention.check.interval.ms */
  readonly offsetsRetentionCheckIntervalMs: number;
  /** offsets.commit.timeout.ms */
  readonly offsetCommitTimeoutMs: number;
  /** offsets.commit.required.acks */
  readonly offsetCommitRequiredAcks: number;
}

/** One partition of an OffsetFetch answer. */
export interface FetchedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1 when nothing is committed. */
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly error: ErrorName;
}

/** Retry delay of a partition load that failed. */
const LOAD_RETRY_MS = 1000;

type PartitionOwnership = { readonly state: 'loading' | 'owned'; readonly token: number };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Kafka's mapping of a failed group-metadata append to the error a member sees. */
function storeGroupError(error: ErrorName): ErrorName {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return 'NOT_COORDINATOR';
    case 'REQUEST_TIMED_OUT':
      return 'REBALANCE_IN_PROGRESS';
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return 'UNKNOWN_SERVER_ERROR';
    default:
      return error;
  }
}

/** Kafka's mapping of a failed offset-commit append to the error a committer sees. */
function storeOffsetsError(error: ErrorName): ErrorName {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return 'NOT_COORDINATOR';
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return 'INVALID_COMMIT_OFFSET_SIZE';
    default:
      return error;
  }
}

export interface GroupMetadataManagerOptions {
  readonly brokerId: number;
  readonly config: OffsetConfig;
  /** offsets.topic.num.partitions until startup learns the topic's actual partition count. */
  readonly partitionCount: number;
  readonly storage: OffsetsTopicStorage;
  readonly clock: CoordinatorClock;
  readonly log: Logger;
}

export class GroupMetadataManager {
  private readonly config: OffsetConfig;
  private readonly storage: OffsetsTopicStorage;
  private readonly clock: CoordinatorClock;
  private readonly log: Logger;
  private readonly groups = new Map<string, GroupMetadata>();
  private readonly partitions = new Map<number, PartitionOwnership>();
  private nextToken = 0;
  private count: number;
  private expirationTimer: CoordinatorTimer | undefined;
  private expiration: Promise<void> | undefined;
  private shuttingDown = false;
  private readonly loads = new Set<Promise<void>>();

  constructor(options: GroupMetadataManagerOptions) {
    this.config = options.config;
    this.storage = options.storage;
    this.clock = options.clock;
    this.log = options.log;
    this.count = options.partitionCount;
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Takes the partition count of the existing topic (when it exists, it wins over
   * offsets.topic.num.partitions) and starts the offset expiration task.
   */
  startup(existingPartitionCount: number | undefined): void {
    if (existingPartitionCount !== undefined) this.count = existingPartitionCount;
    this.scheduleExpiration();
  }

  /** Stops the expiration task and waits for loads and cleanups in progress. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.expirationTimer?.cancel();
    await this.expiration;
    await Promise.allSettled([...this.loads]);
  }

  get partitionCount(): number {
    return this.count;
  }

  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.count);
  }

  // ---------------------------------------------------------------------------------------------
  // Ownership

  isPartitionOwned(partition: number): boolean {
    return this.partitions.get(partition)?.state === 'owned';
  }

  isPartitionLoading(partition: number): boolean {
    return this.partitions.get(partition)?.state === 'loading';
  }

  isGroupLocal(groupId: string): boolean {
    return this.isPartitionOwned(this.partitionFor(groupId));
  }

  isGroupLoading(groupId: string): boolean {
    return this.isPartitionLoading(this.partitionFor(groupId));
  }

  /** Whether any partition is loading. */
  get isLoading(): boolean {
    for (const ownership of this.partitions.values()) {
      if (ownership.state === 'loading') return true;
    }
    return false;
  }

  /** The partitions owned or loading. */
  partitionsInUse(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  getGroup(groupId: string): GroupMetadata | undefined {
    return this.groups.get(groupId);
  }

  /** Adds a group unless one with its id is cached; returns the cached one. */
  addGroup(group: GroupMetadata): GroupMetadata {
    const current = this.groups.get(group.groupId);
    if (current !== undefined) return current;
    this.groups.set(group.groupId, group);
    return group;
  }

  currentGroups(): GroupMetadata[] {
    return [...this.groups.values()];
  }

  /** The group is coordinated here and does not exist (or is Dead). */
  groupNotExists(groupId: string): boolean {
    if (!this.isGroupLocal(groupId)) return false;
    const group = this.groups.get(groupId);
    return group === undefined || group.is('Dead');
  }

  // ---------------------------------------------------------------------------------------------
  // Loading and unloading

  /**
   * Loads the partition's groups and offsets in the background; `onGroupLoaded` runs for each
   * group installed. Does nothing while the partition is already loading or owned.
   */
  scheduleLoadGroupAndOffsets(
    partition: number,
    onGroupLoaded: (group: GroupMetadata) => void,
  ): void {
    if (this.partitions.has(partition) || this.shuttingDown) return;
    const token = ++this.nextToken;
    this.partitions.set(partition, { state: 'loading', token });
    this.log.info(
      `Scheduling loading of offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition}`,
    );
    const load = this.loadPartition(partition, token, onGroupLoaded).finally(() =>
      this.loads.delete(load),
    );
    this.loads.add(load);
  }

  private stillLoading(partition: number, token: number): boolean {
    return !this.shuttingDown && this.partitions.get(partition)?.token === token;
  }

  private async loadPartition(
    partition: number,
    token: number,
    onGroupLoaded: (group: GroupMetadata) => void,
  ): Promise<void> {
    const name = `${GROUP_METADATA_TOPIC_NAME}-${partition}`;
    const started = this.clock.now();
    for (;;) {
      if (!this.stillLoading(partition, token)) return;
      const log = this.storage.leaderLog(partition);
      if (log === undefined) {
        this.log.warn(
          `Attempted to load offsets and group metadata from ${name}, but found no log`,
        );
        this.partitions.delete(partition);
        return;
      }
      try {
        const loaded = await loadGroupsAndOffsets(
          log,
          this.config.loadBufferSize,
          () => !this.stillLoading(partition, token),
          this.log,
        );
        if (loaded === undefined || !this.stillLoading(partition, token)) return;
        const now = this.clock.wallClock();
        const installed: GroupMetadata[] = [];
        for (const [groupId, record] of loaded.groups) {
          const group = GroupMetadata.loaded(groupId, record, now);
          group.initializeOffsets(loaded.offsets.get(groupId) ?? new Map());
          installed.push(group);
        }
        for (const [groupId, offsets] of loaded.offsets) {
          if (loaded.groups.has(groupId) || offsets.size === 0) continue;
          const group = new GroupMetadata(groupId, 'Empty', now);
          group.initializeOffsets(offsets);
          installed.push(group);
        }
        for (const group of installed) {
          if (this.addGroup(group) === group) onGroupLoaded(group);
        }
        this.partitions.set(partition, { state: 'owned', token });
        this.log.info(
          `Finished loading offsets and group metadata from ${name} in ${Math.round(this.clock.now() - started)} ms ` +
            `(${installed.length} groups)`,
        );
        return;
      } catch (error) {
        this.log.error(
          `Error loading offsets from ${name}, retrying in ${LOAD_RETRY_MS} ms: ${describe(error)}`,
        );
        await new Promise<void>((resolve) => this.clock.schedule(LOAD_RETRY_MS, resolve));
      }
    }
  }

  /** Unloads the partition's groups (`onGroupUnloaded` for each) and forgets the partition. */
  removeGroupsForPartition(
    partition: number,
    onGroupUnloaded: (group: GroupMetadata) => void,
  ): void {
    this.partitions.delete(partition);
    let groupsRemoved = 0;
    let offsetsRemoved = 0;
    for (const group of [...this.groups.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      onGroupUnloaded(group);
      this.groups.delete(group.groupId);
      groupsRemoved++;
      offsetsRemoved += group.numOffsets;
    }
    this.log.info(
      `Finished unloading ${GROUP_METADATA_TOPIC_NAME}-${partition}. Removed ${offsetsRemoved} cached offsets ` +
        `and ${groupsRemoved} cached groups.`,
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  private batch(records: RecordInput[]): Buffer {
    const now = this.clock.wallClock();
    return encodeRecordBatchSync(records, { now: () => now });
  }

  /**
   * Writes the group's metadata with `assignment` (member id → assignment); resolves to the error
   * members see (NONE once written).
   */
  async storeGroup(
    group: GroupMetadata,
    assignment: ReadonlyMap<string, Buffer>,
  ): Promise<ErrorName> {
    const partition = this.partitionFor(group.groupId);
    if (this.storage.leaderLog(partition) === undefined) return 'NOT_COORDINATOR';
    const protocol = group.protocolName ?? null;
    const members = group.allMembers().map((member) => {
      if (protocol === null) {
        throw new Error(
          `Attempted to write non-empty group ${group.groupId} with no defined protocol`,
        );
      }
      const memberAssignment = assignment.get(member.memberId);
      if (memberAssignment === undefined) {
        throw new Error(`no assignment for member ${member.memberId} of group ${group.groupId}`);
      }
      return {
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        rebalanceTimeoutMs: member.rebalanceTimeoutMs,
        sessionTimeoutMs: member.sessionTimeoutMs,
        subscription: member.metadata(protocol),
        assignment: memberAssignment,
      };
    });
    const value = groupMetadataValue({
      protocolType: group.protocolType ?? '',
      generation: group.generationId,
      protocol,
      leader: group.leaderId ?? null,
      currentStateTimestamp: group.currentStateTimestamp ?? -1,
      members,
    });
    const result = await this.storage.append(
      partition,
      this.batch([{ key: groupMetadataKey(group.groupId), value }]),
      this.config.offsetCommitRequiredAcks,
      this.config.offsetCommitTimeoutMs,
    );
    if (result.error === 'NONE') return 'NONE';
    const error = storeGroupError(result.error);
    this.log.warn(
      `Failed to write group metadata of ${group.groupId} in generation ${group.generationId} ` +
        `(${result.error}); answering ${error}`,
    );
    return error;
  }

  /** Whether a commit's metadata fits offsets.metadata.max.bytes. */
  validateOffsetMetadataLength(metadata: string): boolean {
    return metadata.length <= this.config.maxMetadataSize;
  }

  /**
   * Writes a commit (topicPartitionKey → offset) and resolves to each partition's error: NONE once
   * written, OFFSET_METADATA_TOO_LARGE for metadata over the limit (not written), or the append's
   * error mapped as Kafka maps it.
   */
  async storeOffsets(
    group: GroupMetadata,
    offsets: ReadonlyMap<string, OffsetAndMetadata>,
  ): Promise<Map<string, ErrorName>> {
    const valid = new Map<string, OffsetAndMetadata>();
    for (const [key, offset] of offsets) {
      if (this.validateOffsetMetadataLength(offset.metadata)) valid.set(key, offset);
    }
    const answer = (error: ErrorName): Map<string, ErrorName> => {
      const errors = new Map<string, ErrorName>();
      for (const key of offsets.keys()) {
        errors.set(key, valid.has(key) ? error : 'OFFSET_METADATA_TOO_LARGE');
      }
      return errors;
    };
    if (valid.size === 0) return answer('OFFSET_METADATA_TOO_LARGE');
    const partition = this.partitionFor(group.groupId);
    if (this.storage.leaderLog(partition) === undefined) return answer('NOT_COORDINATOR');
    const records: RecordInput[] = [];
    for (const [key, offset] of valid) {
      const { topic, partition: p } = parseTopicPartitionKey(key);
      records.push({
        key: offsetCommitKey(group.groupId, topic, p),
        value: offsetCommitValue(offset),
      });
    }
    group.prepareOffsetCommit(valid);
    const result = await this.storage.append(
      partition,
      this.batch(records),
      this.config.offsetCommitRequiredAcks,
      this.config.offsetCommitTimeoutMs,
    );
    if (result.error === 'NONE') {
      if (!group.is('Dead')) {
        for (const [key, offset] of valid) {
          group.onOffsetCommitAppend(key, {
            appendedBatchOffset: result.baseOffset,
            offsetAndMetadata: offset,
          });
        }
      }
      return answer('NONE');
    }
    if (!group.is('Dead')) {
      for (const [key, offset] of valid) group.failPendingOffsetWrite(key, offset);
    }
    const error = storeOffsetsError(result.error);
    this.log.debug(`Offset commit of group ${group.groupId} failed (${result.error}): ${error}`);
    return answer(error);
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /**
   * A group's committed offsets: of `partitions`, or every committed partition when undefined.
   * An unknown partition (or group) gets offset -1. With `requireStable`, a partition with a
   * commit being written gets UNSTABLE_OFFSET_COMMIT.
   */
  getOffsets(
    groupId: string,
    requireStable: boolean,
    partitions: readonly { topic: string; partition: number }[] | undefined,
  ): FetchedOffset[] {
    const none = (topic: string, partition: number, error: ErrorName = 'NONE'): FetchedOffset => ({
      topic,
      partition,
      offset: -1,
      leaderEpoch: -1,
      metadata: '',
      error,
    });
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) {
      return (partitions ?? []).map((p) => none(p.topic, p.partition));
    }
    return (partitions ?? group.allOffsets()).map(({ topic, partition }) => {
      if (requireStable && group.hasPendingOffsetCommit(topic, partition)) {
        return none(topic, partition, 'UNSTABLE_OFFSET_COMMIT');
      }
      const committed = group.offset(topic, partition);
      if (committed === undefined) return none(topic, partition);
      return {
        topic,
        partition,
        offset: committed.offset,
        leaderEpoch: committed.leaderEpoch,
        metadata: committed.metadata,
        error: 'NONE',
      };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Cleanup

  /**
   * Removes offsets chosen by `selector` from each group and appends their tombstones; a group
   * then Empty without offsets becomes Dead, leaves the cache and (if it ever had a generation)
   * gets a group tombstone. Tombstones need no acknowledgement: a lost one is written again by
   * the next cleanup. Resolves to the number of offsets removed.
   */
  async cleanupGroupMetadata(
    groups: Iterable<GroupMetadata>,
    selector: (group: GroupMetadata) => string[],
  ): Promise<number> {
    let offsetsRemoved = 0;
    for (const group of [...groups]) {
      const removed = selector(group);
      if (group.is('Empty') && !group.hasOffsets) {
        this.log.info(
          `Group ${group.groupId} transitioned to Dead in generation ${group.generationId}`,
        );
        group.transitionTo('Dead', this.clock.wallClock());
      }
      const partition = this.partitionFor(group.groupId);
      if (this.storage.leaderLog(partition) === undefined) {
        this.log.info(
          `Broker is no longer the coordinator of group ${group.groupId}; cleaning up the other groups`,
        );
        continue;
      }
      const tombstones: RecordInput[] = removed.map((key) => {
        const { topic, partition: p } = parseTopicPartitionKey(key);
        return { key: offsetCommitKey(group.groupId, topic, p), value: null };
      });
      if (group.is('Dead') && this.groups.get(group.groupId) === group) {
        this.groups.delete(group.groupId);
        if (group.generationId > 0)
          tombstones.push({ key: groupMetadataKey(group.groupId), value: null });
      }
      if (tombstones.length === 0) continue;
      const result = await this.storage.append(partition, this.batch(tombstones), 0, 0);
      if (result.error === 'NONE') {
        offsetsRemoved += removed.length;
      } else {
        this.log.warn(
          `Failed to append ${tombstones.length} tombstones to ${GROUP_METADATA_TOPIC_NAME}-${partition} ` +
            `for expired/deleted offsets and/or metadata of group ${group.groupId}: ${result.error}`,
        );
      }
    }
    return offsetsRemoved;
  }

  /** Removes the offsets of deleted topic partitions from every group (Kafka's handleDeletedPartitions). */
  async removeOffsetsOfDeletedPartitions(
    partitions: readonly { topic: string; partition: number }[],
  ): Promise<number> {
    const keys = partitions.map((p) => topicPartitionKey(p.topic, p.partition));
    return this.cleanupGroupMetadata(this.groups.values(), (group) => group.removeOffsets(keys));
  }

  private scheduleExpiration(): void {
    if (this.shuttingDown) return;
    this.expirationTimer = this.clock.schedule(this.config.offsetsRetentionCheckIntervalMs, () => {
      this.expiration = this.cleanupExpiredOffsets()
        .then(
          () => undefined,
          (error: unknown) => {
            this.log.error(`Offset expiration failed: ${describe(error)}`);
          },
        )
        .finally(() => {
          this.expiration = undefined;
          this.scheduleExpiration();
        });
    });
  }

  /** Removes every group's offsets past offsets.retention.minutes (the periodic task). */
  async cleanupExpiredOffsets(): Promise<number> {
    const started = this.clock.now();
    const now = this.clock.wallClock();
    const removed = await this.cleanupGroupMetadata(this.groups.values(), (group) =>
      group.removeExpiredOffsets(now, this.config.offsetsRetentionMs),
    );
    this.log.info(
      `Removed ${removed} expired offsets in ${Math.round(this.clock.now() - started)} milliseconds.`,
    );
    return removed;
  }
}
