/**
 * One partition hosted by this broker (Kafka's `Partition`): its local log, whether this broker
 * leads it or follows, and — as leader — the followers' positions, the ISR and the high
 * watermark.
 *
 * Leader state (makeLeader, from a LeaderAndIsr naming this broker):
 * - the new epoch's start offset (the log end offset at that moment) goes into the leader-epoch
 *   cache (KAFKA-7415) and is kept as `leaderEpochStartOffset`;
 * - ISR members count as caught up now; a broker that was not leader before also forgets the
 *   followers' positions (log end offsets unknown until they fetch);
 * - high watermark = min log end offset over the "maximal" ISR (the ISR plus a member whose
 *   addition is being written), only ever moving forward; it starts from the checkpointed value;
 * - a follower fetch records the follower's log end offset and caught-up time
 *   (follower-state.ts), may add it to the ISR (its LEO ≥ HW and ≥ the current epoch's start
 *   offset, KAFKA-7128) and may raise the HW;
 * - `maybeShrinkIsr` (run every replica.lag.time.max.ms / 2) removes ISR members whose log end
 *   offset differs from the leader's and that have not been caught up for
 *   replica.lag.time.max.ms;
 * - ISR changes are written to the partition state znode through an `IsrWriter` (conditional on
 *   the zkVersion) one at a time; the in-memory ISR changes only once the write succeeded. A
 *   write refused as stale stops ISR writes until the next LeaderAndIsr (KAFKA-2729).
 * Follower state (makeFollower): the leader id and epoch; an empty ISR (only leaders track it).
 * A leadership change first lets the leader appends under way finish and refuses new ones
 * meanwhile (NOT_LEADER_OR_FOLLOWER), as Kafka's leaderIsrUpdateLock does.
 *
 * Leader appends that arrive while one is being written are written together after it
 * (grouped-append.ts), and the latest appends stay in memory until every ISR follower has fetched
 * them (recent-appends.ts).
 *
 * The replica manager is told, through `PartitionListener`, when the high watermark rises
 * (delayed produce and fetch requests may complete) and when the ISR changed (for the batched
 * `/isr_change_notification`). All times are on the monotonic clock.
 */
import { KafkaError } from '../../client/errors';
import { type Logger, logger } from '../../client/logging';
import type { ErrorName } from '../../client/protocol/error-codes';
import type { Log, LogAppendInfo } from '../log/log';
import { type TopicPartition, topicPartitionName } from '../log/log-files';
import type { IsrWriter } from './isr-writer';
import { FollowerState } from './follower-state';
import { splitAppendInfo } from './grouped-append';
import { RecentAppends } from './recent-appends';

/** The fields of a LeaderAndIsr partition state the partition uses. */
export interface LeaderAndIsrState {
  /** Epoch of the controller that made this leadership decision. */
  readonly controllerEpoch: number;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly zkVersion: number;
  readonly replicas: readonly number[];
}

export interface PartitionListener {
  onHighWatermarkIncreased(partition: Partition): void;
  onIsrChanged(partition: Partition): void;
}

export interface PartitionOptions {
  readonly topicPartition: TopicPartition;
  readonly localBrokerId: number;
  /** Opens or creates the partition's log (LogManager.getOrCreateLog with the topic's config). */
  readonly getOrCreateLog: (tp: TopicPartition) => Promise<Log>;
  readonly isrWriter: IsrWriter;
  readonly listener: PartitionListener;
  /** Monotonic clock, ms. */
  readonly clock: () => number;
  /** replica.lag.time.max.ms */
  readonly replicaLagTimeMaxMs: number;
}

/** The leader's offsets as a delayed fetch checks them. */
export interface OffsetSnapshot {
  readonly logEndOffset: number;
  readonly highWatermark: number;
}

/** How far an acks=all append got. */
export interface ReplicationCheck {
  readonly done: boolean;
  readonly error: ErrorName;
}

/** A produce payload waiting to be appended as leader. */
interface QueuedAppend {
  readonly records: Buffer;
  readonly requiredAcks: number;
  readonly minInsyncReplicas: number;
  resolve(info: LogAppendInfo): void;
  reject(error: unknown): void;
}

/** Append sizes remembered for delayed-fetch byte estimates. */
const MAX_APPEND_MARKS = 2048;

/** Bytes of request buffers a leader keeps alive for followers at the log end (recent-appends.ts). */
const RECENT_APPENDS_MAX_BYTES = 4 * 1024 * 1024;

export class Partition {
  readonly topicPartition: TopicPartition;
  readonly name: string;
  private readonly localBrokerId: number;
  private readonly log: Logger;
  private localLog: Log | undefined;
  private assignment: number[] = [];
  private leader = -1;
  private epoch = -1;
  private epochStartOffset: number | undefined;
  private inSyncReplicas: number[] = [];
  private pendingIsr: number[] | undefined;
  private isrWrite: Promise<void> | undefined;
  private isrWritesStopped = false;
  private partitionZkVersion = 0;
  private decisionControllerEpoch = 0;
  private followers = new Map<number, FollowerState>();
  /** Bumped by every makeLeader/makeFollower/delete: results of older async work are dropped. */
  private generation = 0;
  /** Leader appends under way, and whether a leadership change is (so new ones are refused). */
  private readonly appendsInFlight = new Set<Promise<unknown>>();
  /** Leader appends waiting for the one being written, and whether one is. */
  private queuedAppends: QueuedAppend[] = [];
  private appending = false;
  private changingLeadership = false;
  private markEndOffsets: number[] = [];
  private markBytes: number[] = [];
  private appendedBytes = 0;
  /** Leader: the latest appends, for followers fetching at the log end. */
  private readonly recentAppends = new RecentAppends(RECENT_APPENDS_MAX_BYTES);

  constructor(private readonly options: PartitionOptions) {
    this.topicPartition = options.topicPartition;
    this.name = topicPartitionName(options.topicPartition);
    this.localBrokerId = options.localBrokerId;
    this.log = logger(`Partition ${this.name} broker=${options.localBrokerId}`);
  }

  // ---------------------------------------------------------------------------------------------
  // State

  get leaderId(): number {
    return this.leader;
  }

  get leaderEpoch(): number {
    return this.epoch;
  }

  get isLeader(): boolean {
    return this.leader === this.localBrokerId && this.localLog !== undefined;
  }

  /** The ISR as last written (leader only; empty on a follower). */
  get isr(): readonly number[] {
    return this.inSyncReplicas;
  }

  /** The ISR plus a member being added (the set the high watermark waits for). */
  get maximalIsr(): readonly number[] {
    if (this.pendingIsr === undefined) return this.inSyncReplicas;
    return [...new Set([...this.inSyncReplicas, ...this.pendingIsr])];
  }

  get replicas(): readonly number[] {
    return this.assignment;
  }

  get zkVersion(): number {
    return this.partitionZkVersion;
  }

  /** The first offset of the current leader epoch (leader only). */
  get leaderEpochStartOffset(): number | undefined {
    return this.epochStartOffset;
  }

  /** The local log, if this broker has one for the partition. */
  get localLogOrUndefined(): Log | undefined {
    return this.localLog;
  }

  /** The ISR write in flight, if any (tests and shutdown wait for it). */
  get pendingIsrWrite(): Promise<void> | undefined {
    return this.isrWrite;
  }

  /** A follower's state as the leader sees it. */
  followerState(brokerId: number): FollowerState | undefined {
    return this.followers.get(brokerId);
  }

  // ---------------------------------------------------------------------------------------------
  // Leadership changes

  /**
   * Makes this broker the leader (Kafka's makeLeader): creates the log if needed, records the
   * epoch's start offset in the leader-epoch cache, takes ISR, assignment, epochs and zkVersion
   * from the request, resets the followers' positions and tries to raise the high watermark.
   * Returns whether this broker was not the leader before.
   */
  async makeLeader(state: LeaderAndIsrState): Promise<boolean> {
    return this.changeLeadership(() => this.becomeLeader(state));
  }

  private async becomeLeader(state: LeaderAndIsrState): Promise<boolean> {
    const log = await this.options.getOrCreateLog(this.topicPartition);
    const startOffset = log.logEndOffset;
    await log.assignEpochStartOffset(state.leaderEpoch, startOffset);
    const wasLeader = this.leader === this.localBrokerId;
    const now = this.options.clock();
    this.generation++;
    this.localLog = log;
    this.decisionControllerEpoch = state.controllerEpoch;
    this.assignment = [...state.replicas];
    this.inSyncReplicas = [...state.isr];
    this.pendingIsr = undefined;
    this.isrWrite = undefined;
    this.isrWritesStopped = false;
    this.epoch = state.leaderEpoch;
    this.partitionZkVersion = state.zkVersion;
    this.epochStartOffset = startOffset;
    this.leader = this.localBrokerId;
    const followers = new Map<number, FollowerState>();
    for (const id of this.assignment) {
      if (id === this.localBrokerId) continue;
      const follower = (wasLeader ? this.followers.get(id) : undefined) ?? new FollowerState(id);
      follower.reset(startOffset, now, this.inSyncReplicas.includes(id), !wasLeader);
      followers.set(id, follower);
    }
    this.followers = followers;
    if (!wasLeader) {
      this.markEndOffsets = [];
      this.markBytes = [];
      this.appendedBytes = 0;
      this.recentAppends.clear();
    }
    this.log.info(
      `${wasLeader ? 'Leader epoch changed' : 'Became leader'}: epoch ${state.leaderEpoch} starting at offset ${startOffset}, ` +
        `ISR [${this.inSyncReplicas.join(',')}], replicas [${this.assignment.join(',')}], high watermark ${log.highWatermark}`,
    );
    if (this.maybeIncrementLeaderHW()) this.options.listener.onHighWatermarkIncreased(this);
    return !wasLeader;
  }

  /**
   * Makes this broker a follower of `state.leader` (Kafka's makeFollower): creates the log if
   * needed and takes assignment, epochs and zkVersion; the ISR is left empty. Returns whether the
   * leader or the leader epoch changed (the fetcher must then truncate again, KAFKA-7164).
   */
  async makeFollower(state: LeaderAndIsrState): Promise<boolean> {
    return this.changeLeadership(() => this.becomeFollower(state));
  }

  private async becomeFollower(state: LeaderAndIsrState): Promise<boolean> {
    const log = await this.options.getOrCreateLog(this.topicPartition);
    const changed = !(this.leader === state.leader && this.epoch === state.leaderEpoch);
    this.generation++;
    this.localLog = log;
    this.decisionControllerEpoch = state.controllerEpoch;
    this.assignment = [...state.replicas];
    this.inSyncReplicas = [];
    this.pendingIsr = undefined;
    this.isrWrite = undefined;
    this.epoch = state.leaderEpoch;
    this.partitionZkVersion = state.zkVersion;
    this.epochStartOffset = undefined;
    this.leader = state.leader;
    this.followers = new Map();
    this.recentAppends.clear();
    this.log.info(
      `Became follower of ${state.leader} in epoch ${state.leaderEpoch} ` +
        `(log end offset ${log.logEndOffset}, high watermark ${log.highWatermark})`,
    );
    return changed;
  }

  /**
   * Runs a leadership change once the leader appends under way are written, refusing new ones
   * meanwhile (NOT_LEADER_OR_FOLLOWER, retriable): the epoch start offset must be read after
   * the last append of the old epoch, and a follower's fetcher must find a log nobody else
   * appends to (Kafka holds the partition's leaderIsrUpdateLock for this).
   */
  private async changeLeadership<T>(change: () => Promise<T>): Promise<T> {
    this.changingLeadership = true;
    try {
      await Promise.allSettled([...this.appendsInFlight]);
      return await change();
    } finally {
      this.changingLeadership = false;
    }
  }

  /** Forgets everything about the partition (StopReplica with deletion); the log is not closed. */
  delete(): void {
    this.generation++;
    this.localLog = undefined;
    this.leader = -1;
    this.inSyncReplicas = [];
    this.pendingIsr = undefined;
    this.isrWrite = undefined;
    this.followers = new Map();
    this.epochStartOffset = undefined;
    this.recentAppends.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Leader epoch checks

  /**
   * The error for a request's current_leader_epoch (-1: not given): FENCED_LEADER_EPOCH when it
   * is older than ours, UNKNOWN_LEADER_EPOCH when newer.
   */
  leaderEpochError(currentLeaderEpoch: number): ErrorName | undefined {
    if (currentLeaderEpoch < 0 || currentLeaderEpoch === this.epoch) return undefined;
    return currentLeaderEpoch < this.epoch ? 'FENCED_LEADER_EPOCH' : 'UNKNOWN_LEADER_EPOCH';
  }

  /**
   * The local log when this broker may serve the request: the leader (or any replica when
   * `leaderOnly` is false) with a matching current leader epoch; otherwise throws the KafkaError.
   */
  localLogFor(currentLeaderEpoch: number, leaderOnly: boolean): Log {
    const log = this.localLog;
    if (log === undefined || (leaderOnly && this.leader !== this.localBrokerId)) {
      throw new KafkaError(
        'NOT_LEADER_OR_FOLLOWER',
        leaderOnly
          ? `Leader not local for partition ${this.name} on broker ${this.localBrokerId}`
          : `Broker ${this.localBrokerId} has no replica of ${this.name}`,
        this.topicPartition,
      );
    }
    const error = this.leaderEpochError(currentLeaderEpoch);
    if (error !== undefined) {
      throw new KafkaError(
        error,
        `request leader epoch ${currentLeaderEpoch}, current leader epoch ${this.epoch} of ${this.name}`,
        this.topicPartition,
      );
    }
    return log;
  }

  // ---------------------------------------------------------------------------------------------
  // Leader: appends, follower fetches, high watermark

  /**
   * Appends a produce payload as leader (Kafka's appendRecordsToLeader). For acks=all the ISR
   * must hold at least `minInsyncReplicas` members first (NOT_ENOUGH_REPLICAS: nothing appended).
   * Validation errors of the batches come from Log.appendAsLeader. Payloads that arrive while an
   * append is being written are appended together once it is done (grouped-append.ts), in
   * arrival order; each still gets its own result or error.
   */
  appendRecordsToLeader(
    records: Buffer,
    requiredAcks: number,
    minInsyncReplicas: number,
  ): Promise<LogAppendInfo> {
    try {
      this.checkLeaderAppend(requiredAcks, minInsyncReplicas);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<LogAppendInfo>((resolve, reject) => {
      this.queuedAppends.push({ records, requiredAcks, minInsyncReplicas, resolve, reject });
      if (!this.appending) this.appendQueued();
    });
  }

  /** Throws why a leader append cannot be taken now, if it cannot. */
  private checkLeaderAppend(requiredAcks: number, minInsyncReplicas: number): Log {
    const log = this.localLogFor(-1, true);
    if (this.changingLeadership) {
      throw new KafkaError(
        'NOT_LEADER_OR_FOLLOWER',
        `Leadership of ${this.name} is changing on broker ${this.localBrokerId}`,
        this.topicPartition,
      );
    }
    if (requiredAcks === -1 && this.inSyncReplicas.length < minInsyncReplicas) {
      throw new KafkaError(
        'NOT_ENOUGH_REPLICAS',
        `The size of the current ISR [${this.inSyncReplicas.join(',')}] is insufficient to satisfy ` +
          `the min.isr requirement of ${minInsyncReplicas} for partition ${this.name}`,
        this.topicPartition,
      );
    }
    return log;
  }

  /** Appends everything queued as one group; the next group starts when it is written. */
  private appendQueued(): void {
    const group = this.queuedAppends;
    this.queuedAppends = [];
    this.appending = true;
    const next = (): void => {
      this.appendsInFlight.delete(run);
      this.appending = false;
      if (this.queuedAppends.length > 0) this.appendQueued();
    };
    const run = this.appendGroup(group).then(next, (error: unknown) => {
      // Not expected (appendGroup settles every member itself): fail whoever is still waiting
      // rather than leave them, and every later append, hanging.
      this.log.error(`Error appending to ${this.name} as leader: ${(error as Error).message}`);
      for (const append of group) append.reject(error);
      next();
    });
    this.appendsInFlight.add(run);
  }

  /** One log append for the group (each member checked again first); settles every member. */
  private async appendGroup(group: readonly QueuedAppend[]): Promise<void> {
    const accepted: QueuedAppend[] = [];
    let log: Log | undefined;
    for (const append of group) {
      try {
        log = this.checkLeaderAppend(append.requiredAcks, append.minInsyncReplicas);
        accepted.push(append);
      } catch (error) {
        append.reject(error);
      }
    }
    if (log === undefined || accepted.length === 0) return;
    const generation = this.generation;
    const epoch = this.epoch;
    if (accepted.length === 1) {
      await this.appendAlone(log, accepted[0], generation, epoch);
      return;
    }
    const records = Buffer.concat(accepted.map((a) => a.records));
    let info: LogAppendInfo;
    try {
      info = await log.appendAsLeader(records, epoch);
    } catch {
      // Nothing was written. Some member is refused (a bad batch, a record without a key on a
      // compacted topic) or the group as a whole is too large: each on its own, so that only
      // what fails alone fails.
      for (const append of accepted) await this.appendAlone(log, append, generation, epoch);
      return;
    }
    this.leaderAppended(generation, info, records);
    const infos = splitAppendInfo(
      info,
      records,
      accepted.map((a) => a.records.length),
    );
    accepted.forEach((append, i) => append.resolve(infos[i]));
  }

  private async appendAlone(
    log: Log,
    append: QueuedAppend,
    generation: number,
    epoch: number,
  ): Promise<void> {
    try {
      const info = await log.appendAsLeader(append.records, epoch);
      this.leaderAppended(generation, info, append.records);
      append.resolve(info);
    } catch (error) {
      append.reject(error);
    }
  }

  /** After a leader append: the append size marks, the recent appends, the high watermark. */
  private leaderAppended(generation: number, info: LogAppendInfo, records: Buffer): void {
    if (generation !== this.generation || info.batchCount === 0) return;
    this.recordAppend(info.lastOffset + 1, info.validBytes);
    // Kept only for followers in sync, which fetch at the log end (the others read the log).
    if (this.inSyncReplicas.length > 1) {
      this.recentAppends.add(info.firstOffset, info.lastOffset + 1, records);
    }
    if (this.maybeIncrementLeaderHW()) this.options.listener.onHighWatermarkIncreased(this);
  }

  /**
   * Records a follower's fetch (Kafka's updateFollowerFetchState): its log end offset is the
   * fetch offset; may add it to the ISR and raise the high watermark. False when the broker is
   * not a follower replica of this partition.
   */
  updateFollowerFetchState(
    followerId: number,
    fetchOffset: number,
    followerStartOffset: number,
    fetchTimeMs: number,
    leaderEndOffset: number,
  ): boolean {
    const follower = this.followers.get(followerId);
    if (follower === undefined || !this.isLeader) return false;
    const previousEndOffset = follower.logEndOffset;
    follower.updateFetchState(fetchOffset, followerStartOffset, fetchTimeMs, leaderEndOffset);
    if (previousEndOffset !== follower.logEndOffset) this.releaseFetchedAppends();
    this.maybeExpandIsr(follower);
    if (previousEndOffset !== follower.logEndOffset && this.maybeIncrementLeaderHW()) {
      this.options.listener.onHighWatermarkIncreased(this);
    }
    return true;
  }

  /**
   * Raises the leader's high watermark to the smallest log end offset over itself and the
   * maximal ISR (followers whose position is unknown hold it where it is). Returns whether it
   * rose.
   */
  maybeIncrementLeaderHW(): boolean {
    const log = this.localLog;
    if (log === undefined || this.leader !== this.localBrokerId) return false;
    let newHw = log.logEndOffset;
    for (const id of this.maximalIsr) {
      const follower = this.followers.get(id);
      if (follower !== undefined && follower.logEndOffset < newHw) newHw = follower.logEndOffset;
    }
    const oldHw = log.highWatermark;
    if (newHw <= oldHw) return false;
    log.updateHighWatermark(newHw);
    this.log.debug(`High watermark updated from ${oldHw} to ${log.highWatermark}`);
    return log.highWatermark > oldHw;
  }

  /**
   * Whether an acks=all append ending before `requiredOffset` is done (Kafka's
   * checkEnoughReplicasReachOffset): once the high watermark reached it, with
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR meanwhile fell below `minInsyncReplicas`;
   * NOT_LEADER_OR_FOLLOWER when this broker no longer leads.
   */
  checkEnoughReplicasReachOffset(
    requiredOffset: number,
    minInsyncReplicas: number,
  ): ReplicationCheck {
    const log = this.localLog;
    if (log === undefined || this.leader !== this.localBrokerId) {
      return { done: true, error: 'NOT_LEADER_OR_FOLLOWER' };
    }
    if (log.highWatermark < requiredOffset) return { done: false, error: 'NONE' };
    return {
      done: true,
      error:
        this.maximalIsr.length >= minInsyncReplicas ? 'NONE' : 'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
    };
  }

  /** The leader's log end offset and high watermark for a delayed fetch (checks leadership). */
  fetchOffsetSnapshot(currentLeaderEpoch: number, leaderOnly: boolean): OffsetSnapshot {
    const log = this.localLogFor(currentLeaderEpoch, leaderOnly);
    return { logEndOffset: log.logEndOffset, highWatermark: log.highWatermark };
  }

  /**
   * Bytes appended as leader between offsets `from` and `to`, estimated from the sizes of the
   * appends (each append counts whole once `to` passed its end); offsets older than the appends
   * remembered count as 0, which overestimates — a delayed fetch then completes early.
   */
  appendedBytesBetween(from: number, to: number): number {
    return to <= from ? 0 : this.bytesBelow(to) - this.bytesBelow(from);
  }

  /**
   * As leader: the records of the latest appends from `fetchOffset` on (at most `maxBytes`),
   * when `fetchOffset` is where one of them starts and they are still held; undefined otherwise
   * (read the log). The bytes are exactly those in the log.
   */
  recentRecords(fetchOffset: number, maxBytes: number): Buffer | undefined {
    if (!this.isLeader) return undefined;
    return this.recentAppends.read(fetchOffset, maxBytes);
  }

  /** Drops the recent appends every ISR follower has fetched (all of them with no follower). */
  private releaseFetchedAppends(): void {
    let fetched = Infinity;
    for (const id of this.inSyncReplicas) {
      if (id === this.localBrokerId) continue;
      const follower = this.followers.get(id);
      fetched = Math.min(fetched, follower === undefined ? -1 : follower.logEndOffset);
    }
    if (fetched === Infinity) this.recentAppends.clear();
    else this.recentAppends.release(fetched);
  }

  // ---------------------------------------------------------------------------------------------
  // ISR changes

  /**
   * Removes from the ISR every follower that is out of sync (Kafka's maybeShrinkIsr); resolves
   * once the ZooKeeper write is done. Resolves to whether the ISR shrank.
   */
  async maybeShrinkIsr(): Promise<boolean> {
    const log = this.localLog;
    if (log === undefined || !this.canWriteIsr()) return false;
    const now = this.options.clock();
    const leaderEndOffset = log.logEndOffset;
    const outOfSync = this.inSyncReplicas.filter((id) => {
      if (id === this.localBrokerId) return false;
      const follower = this.followers.get(id);
      return (
        follower !== undefined &&
        follower.isOutOfSync(leaderEndOffset, now, this.options.replicaLagTimeMaxMs)
      );
    });
    if (outOfSync.length === 0) return false;
    const newIsr = this.inSyncReplicas.filter((id) => !outOfSync.includes(id));
    const lagging = outOfSync.map((id) => {
      const f = this.followers.get(id) as FollowerState;
      const since = Number.isFinite(f.lastCaughtUpTimeMs)
        ? `${Math.round(now - f.lastCaughtUpTimeMs)} ms`
        : 'ever';
      return `(brokerId: ${id}, endOffset: ${f.logEndOffset}, not caught up for ${since})`;
    });
    this.log.info(
      `Shrinking ISR from ${this.inSyncReplicas.join(',')} to ${newIsr.join(',')}. Leader: ` +
        `(highWatermark: ${log.highWatermark}, endOffset: ${leaderEndOffset}). Out of sync replicas: ${lagging.join(', ')}.`,
    );
    return this.updateIsr(newIsr);
  }

  private maybeExpandIsr(follower: FollowerState): void {
    const log = this.localLog;
    if (log === undefined || !this.canWriteIsr()) return;
    if (this.inSyncReplicas.includes(follower.brokerId)) return;
    if (!this.assignment.includes(follower.brokerId)) return;
    const atHighWatermark =
      follower.logEndOffset >= log.highWatermark &&
      this.epochStartOffset !== undefined &&
      follower.logEndOffset >= this.epochStartOffset;
    if (!atHighWatermark) return;
    const newIsr = [...this.inSyncReplicas, follower.brokerId];
    this.log.info(
      `Expanding ISR from ${this.inSyncReplicas.join(',')} to ${newIsr.join(',')} ` +
        `(follower ${follower.brokerId} at ${follower.logEndOffset}, high watermark ${log.highWatermark})`,
    );
    this.updateIsr(newIsr).catch((error: unknown) => {
      this.log.error(`ISR expansion failed: ${(error as Error).message}`);
    });
  }

  private canWriteIsr(): boolean {
    return this.isLeader && this.pendingIsr === undefined && !this.isrWritesStopped;
  }

  /** Writes `newIsr` to ZooKeeper; on success it becomes the ISR. Resolves to success. */
  private updateIsr(newIsr: number[]): Promise<boolean> {
    const generation = this.generation;
    this.pendingIsr = newIsr;
    const write = this.options.isrWriter
      .writeLeaderAndIsr(
        this.topicPartition,
        {
          leader: this.localBrokerId,
          leaderEpoch: this.epoch,
          isr: newIsr,
          controllerEpoch: this.decisionControllerEpoch,
        },
        this.partitionZkVersion,
      )
      .then(
        (result) => {
          if (generation !== this.generation) return false;
          this.pendingIsr = undefined;
          this.isrWrite = undefined;
          if (result.kind === 'stale') {
            this.isrWritesStopped = true;
            this.log.warn(
              `Cached zkVersion ${this.partitionZkVersion} not equal to that in zookeeper (${result.zkVersion}` +
                `${result.current ? `, leader ${result.current.leader}, leader epoch ${result.current.leaderEpoch}` : ''}), ` +
                `skip updating ISR until the controller sends newer state`,
            );
            return false;
          }
          this.inSyncReplicas = newIsr;
          this.partitionZkVersion = result.zkVersion;
          this.releaseFetchedAppends();
          this.log.info(
            `ISR updated to ${newIsr.join(',')} and zkVersion updated to [${result.zkVersion}]`,
          );
          this.options.listener.onIsrChanged(this);
          if (this.maybeIncrementLeaderHW()) this.options.listener.onHighWatermarkIncreased(this);
          return true;
        },
        (error: unknown) => {
          if (generation === this.generation) {
            this.pendingIsr = undefined;
            this.isrWrite = undefined;
          }
          this.log.warn(`Failed to update ISR to ${newIsr.join(',')}: ${(error as Error).message}`);
          return false;
        },
      );
    this.isrWrite = write.then(() => undefined);
    return write;
  }

  // ---------------------------------------------------------------------------------------------
  // Append size marks

  private recordAppend(endOffset: number, bytes: number): void {
    const last = this.markEndOffsets[this.markEndOffsets.length - 1];
    if (last !== undefined && endOffset <= last) return;
    this.appendedBytes += bytes;
    this.markEndOffsets.push(endOffset);
    this.markBytes.push(this.appendedBytes);
    if (this.markEndOffsets.length > MAX_APPEND_MARKS) {
      const drop = this.markEndOffsets.length - MAX_APPEND_MARKS / 2;
      this.markEndOffsets.splice(0, drop);
      this.markBytes.splice(0, drop);
    }
  }

  /** Cumulative bytes of the appends that ended at or before `offset`. */
  private bytesBelow(offset: number): number {
    const ends = this.markEndOffsets;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ends[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.markBytes[lo - 1];
  }
}
