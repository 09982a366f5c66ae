/**
 * A consumer's life in its consumer group: Kafka 2.8's ConsumerCoordinator (on top of its
 * AbstractCoordinator) with the eager rebalance protocol, for a consumer made with a `groupId`.
 *
 * Subscribing (`subscribe`): the topics are names, or RegExps matched (RegExp.test) against the
 * cluster's non-internal topics when joining and every `metadataMaxAge` ms after; a change in the
 * matched topics makes the member rejoin, as does (for the leader) a change in the partition count
 * of any topic the group subscribes to, as Kafka's metadata-change rejoin does.
 *
 * A rebalance (the first join, or a rejoin after a heartbeat, commit or sync answered
 * REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID, or a metadata change):
 * 1. handing records to the application stops once the handler in progress returns;
 * 2. with `autoCommit`, the positions of what was handed out are committed; then
 *    `onPartitionsRevoked(assignment)` runs and the assignment is dropped, so records of revoked
 *    partitions still in flight are never handed out (eager: every partition is revoked);
 * 3. JoinGroup (protocol type "consumer", one protocol per assignor in the order of
 *    `partitionAssigners`, each with this member's Subscription in Kafka's ConsumerProtocol
 *    format); MEMBER_ID_REQUIRED (KIP-394) is answered by joining again with the given member id,
 *    UNKNOWN_MEMBER_ID by joining again without one;
 * 4. the leader decodes every member's Subscription, reads the partition counts of all their
 *    topics, runs the assignor the group chose and sends every assignment in SyncGroup; the others
 *    send an empty SyncGroup; REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID start
 *    the join again;
 * 5. the member's assignment is applied: each partition starts at the group's committed offset
 *    (OffsetFetch, read by the fetch manager before fetching), else at the earliest/latest offset
 *    per `fromBeginning` of its subscription or `autoOffsetReset` ('none' stops the consumer with
 *    NoOffsetForPartitionError); the `consumer.group_join` event is emitted, then
 *    `onPartitionsAssigned(assignment)` runs, then records flow again.
 *
 * While a member holds a generation it heartbeats every `heartbeatInterval` ms in the background
 * (also while the application is busy, and during step 2, until JoinGroup is sent).
 * FENCED_INSTANCE_ID (another consumer took this static member's group.instance.id) stops the
 * consumer; a coordinator that moved or is unreachable (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE,
 * a lost connection) is looked up again and the member carries on; retriable failures of a join
 * are retried with backoff for as long as the consumer runs, as Kafka's poll() does. Group requests
 * go over connections of their own (a separate Cluster), so a JoinGroup parked at the coordinator
 * never holds up fetches, as Kafka's separate coordinator connection does.
 *
 * Offsets: a commit carries the generation id, member id and group instance id (-1 / "" for a
 * consumer that assigns its partitions itself) and a leader epoch of -1. With `autoCommit` (the
 * default) the positions of records already handed to the application (the offset after the last
 * message handled) are committed every `autoCommitInterval` ms, after `autoCommitThreshold`
 * messages if set, before a rebalance and when the consumer stops; only partitions whose position
 * moved since the last commit are sent. `commitOffsets` commits given offsets (or every position).
 * Retriable commit errors are retried with backoff; UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION make
 * the member rejoin and fail the commit (Kafka's CommitFailedException, as a KafkaError with the
 * code); REBALANCE_IN_PROGRESS makes it rejoin and fails the commit as well. Commits are sent one
 * at a time, in order.
 *
 * Stopping commits (autoCommit), runs `onPartitionsRevoked`, and sends LeaveGroup so the others
 * take over at once, except for a static member (`groupInstanceId`), which keeps its partitions
 * until its session times out, as in Kafka.
 */
import { AsyncLocalStorage } from 'async_hooks';
import type { Cluster } from '../cluster/cluster';
import { GroupCoordinators } from '../cluster/group-coordinator';
import { isStaleMetadataError } from '../cluster/metadata';
import { ResolvedRetryOptions, backoffDelay, retry } from '../cluster/retry';
import { KafkaError, SamsaError } from '../errors';
import type { Logger } from '../logging';
import { ApiKey, ResponseBody } from '../protocol/apis';
import { ErrorName, errorByCode } from '../protocol/error-codes';
import { AssignorMember, PartitionAssignor, compareStrings } from './assignors/assignor';
import { isTransient } from './consumer-errors';
import { ConsumerEventPayloads, ConsumerEvents, ConsumerEventType } from './consumer-events';
import {
  MemberAssignment,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  groupByTopic,
} from './consumer-protocol';
import type { CommittedOffsets } from './fetch-manager';
import type { OffsetReset, SubscriptionState, TopicPartition } from './subscription-state';

export type RebalanceListener = (assignment: TopicPartition[]) => Promise<void> | void;

export interface ConsumerGroupConfig {
  readonly groupId: string;
  readonly sessionTimeout: number;
  readonly rebalanceTimeout: number;
  readonly heartbeatInterval: number;
  readonly groupInstanceId: string | null;
  readonly assignors: readonly PartitionAssignor[];
  readonly autoCommit: boolean;
  readonly autoCommitInterval: number;
  readonly autoCommitThreshold: number | null;
  /** How often a regex subscription and the leader's topics are checked for changes. */
  readonly metadataMaxAge: number;
  readonly autoOffsetReset: OffsetReset;
  readonly retry: ResolvedRetryOptions;
  readonly requestTimeout: number;
  readonly onPartitionsAssigned?: RebalanceListener;
  readonly onPartitionsRevoked?: RebalanceListener;
}

/** What the group needs of its consumer. */
export interface GroupHost {
  readonly subscriptions: SubscriptionState;
  /** The consumer's cluster (topic metadata). */
  readonly cluster: Cluster;
  /** Replaces the assignment with the group's; positions start from committed offsets. */
  assignFromGroup(
    partitions: readonly TopicPartition[],
    reset: (topic: string) => OffsetReset,
  ): void;
  /** Stops handing records to the handler; waits for the handler in progress when `wait`. */
  holdDeliveries(wait: boolean): Promise<void>;
  releaseDeliveries(): void;
  emit<T extends ConsumerEventType>(type: T, payload: ConsumerEventPayloads[T]): void;
  /** Stops the consumer because of `error`. */
  crash(error: Error): void;
}

export interface OffsetToCommit extends TopicPartition {
  /** The next offset to read. */
  readonly offset: number;
}

type JoinGroupResponse = ResponseBody<typeof ApiKey.JoinGroup>;

interface Generation {
  readonly id: number;
  readonly memberId: string;
  readonly protocol: string;
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

const PROTOCOL_TYPE = 'consumer';
/** Kafka's JOIN_GROUP_TIMEOUT_LAPSE_MS: a JoinGroup may wait the rebalance timeout, plus this. */
const JOIN_GROUP_TIMEOUT_LAPSE = 5000;
const COORDINATOR_ERRORS = new Set<ErrorName>([
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
]);
const COMMIT_FAILED =
  'Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member: this member is no longer in the current generation, and the records handed out since the last commit may be delivered again to the new owner';
const COMMIT_DURING_REBALANCE =
  'Offset commit cannot be completed since the consumer is undergoing a rebalance for auto partition assignment: commit again once the rebalance completes';

export class ConsumerGroup implements CommittedOffsets {
  readonly groupId: string;
  private readonly coordinators: GroupCoordinators;
  private readonly topics = new Map<string, boolean | undefined>();
  private readonly patterns: { pattern: RegExp; fromBeginning: boolean | undefined }[] = [];
  private readonly insideListener = new AsyncLocalStorage<true>();
  private memberId = '';
  private generation: Generation | null = null;
  private leaderId = '';
  private stable = false;
  private rejoinNeeded = true;
  /** Started and not stopped: the loop and timers run. */
  private active = false;
  /** Started and not yet shut down (leave, revoke) — outlives `active` after a crash. */
  private started = false;
  private joining = false;
  private loop: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private firstJoin: Deferred | undefined;
  private rebalanceStartedAt = 0;
  private assigned: TopicPartition[] = [];
  private joinedTopics: string[] = [];
  /** Leader only: the group's topics and their partition counts when it last assigned. */
  private groupTopics: string[] = [];
  private assignmentSnapshot: Map<string, number> | undefined;
  private readonly lastCommitted = new Map<string, number>();
  private uncommittedMessages = 0;
  private commits: Promise<unknown> = Promise.resolve();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private autoCommitTimer: NodeJS.Timeout | undefined;
  private metadataTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: ConsumerGroupConfig,
    private readonly host: GroupHost,
    /** The Cluster whose connections carry the group's requests. */
    private readonly coordinatorCluster: Cluster,
    private readonly log: Logger,
  ) {
    this.groupId = config.groupId;
    this.coordinators = new GroupCoordinators(coordinatorCluster);
  }

  /** True once topics are subscribed (the consumer then takes its partitions from the group). */
  get subscribed(): boolean {
    return this.topics.size > 0 || this.patterns.length > 0;
  }

  get isRunning(): boolean {
    return this.active;
  }

  subscribe(topics: readonly (string | RegExp)[], fromBeginning: boolean | undefined): void {
    for (const topic of topics) {
      if (typeof topic === 'string') {
        this.topics.set(topic, fromBeginning);
      } else {
        // A copy without the g / y flags, whose lastIndex would make test() stateful.
        const pattern = new RegExp(topic.source, topic.flags.replace(/[gy]/g, ''));
        this.patterns.push({ pattern, fromBeginning });
      }
    }
  }

  /**
   * Starts the membership: a subscribed consumer joins (resolving after its first assignment, or
   * rejecting if it cannot join); a consumer that assigns partitions itself only commits.
   */
  start(): Promise<void> {
    if (this.active) return Promise.resolve();
    this.active = true;
    this.started = true;
    this.scheduleAutoCommit();
    if (!this.subscribed) return Promise.resolve();
    this.rejoinNeeded = true;
    const first = deferred();
    this.firstJoin = first;
    this.loop = this.runLoop();
    this.scheduleMetadataCheck();
    return first.promise;
  }

  /**
   * Commits (with autoCommit), revokes, leaves the group. `waitForHandler` false when called from
   * inside a handler, which cannot be waited for.
   */
  stop(waitForHandler: boolean): Promise<void> {
    this.stopping ??= this.shutdown(waitForHandler).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  /** Where a partition without a committed offset starts, from its subscription. */
  resetFor(topic: string): OffsetReset {
    const fromBeginning = this.topics.has(topic)
      ? this.topics.get(topic)
      : this.patterns.find(({ pattern }) => pattern.test(topic))?.fromBeginning;
    if (fromBeginning === undefined) return this.config.autoOffsetReset;
    return fromBeginning ? 'earliest' : 'latest';
  }

  /** The group's committed offsets (OffsetFetch), by `topic-partition`; -1: none. */
  async fetchCommitted(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.OffsetFetch,
      {
        groupId: this.groupId,
        topics: [...groupByTopic(partitions)].map(([name, partitionIndexes]) => ({
          name,
          partitionIndexes,
        })),
        allTopics: false,
        requireStable: false,
      },
      (answer) => answer.errorCode,
    );
    if (response.errorCode !== 0) {
      throw KafkaError.fromCode(response.errorCode, undefined, { groupId: this.groupId });
    }
    const offsets = new Map<string, number>();
    for (const topic of response.topics) {
      for (const partition of topic.partitions) {
        if (partition.errorCode !== 0) {
          throw KafkaError.fromCode(partition.errorCode, undefined, {
            groupId: this.groupId,
            topic: topic.name,
            partition: partition.partitionIndex,
          });
        }
        const key = `${topic.name}-${partition.partitionIndex}`;
        offsets.set(key, partition.committedOffset);
        if (partition.committedOffset >= 0) this.lastCommitted.set(key, partition.committedOffset);
      }
    }
    return offsets;
  }

  /** Commits `offsets`, or every position that moved since it was last committed. */
  commit(offsets?: readonly OffsetToCommit[]): Promise<void> {
    const run = this.commits.then(() => this.commitNow(offsets ?? this.consumedOffsets()));
    this.commits = run.catch(() => undefined);
    return run;
  }

  /** Counts messages handled, for autoCommitThreshold. */
  async onDelivered(messages: number): Promise<void> {
    const threshold = this.config.autoCommitThreshold;
    if (!this.config.autoCommit || threshold === null) return;
    this.uncommittedMessages += messages;
    if (this.uncommittedMessages < threshold || !this.canAutoCommit()) return;
    await this.commit().catch((error: Error) => {
      this.log.warn(`Auto-commit of offsets failed: ${error.message}`);
    });
  }

  /** Makes the member rejoin the group (revoking its partitions first). */
  private requestRejoin(reason: string): void {
    if (!this.rejoinNeeded) this.log.info(`Request joining group due to: ${reason}`);
    this.rejoinNeeded = true;
    this.wake();
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    while (this.active) {
      if (!this.rejoinNeeded) {
        await this.sleep(Infinity);
        continue;
      }
      try {
        await this.rebalance();
        failures = 0;
      } catch (error) {
        if (!this.active) break;
        if (!isTransient(error)) {
          this.fail(error as Error);
          break;
        }
        failures++;
        // The failed attempt cleared rejoinNeeded; without a generation nothing else sets it again.
        this.rejoinNeeded = true;
        const delay = backoffDelay(this.config.retry, failures);
        this.log.warn(
          `Joining the group failed (attempt ${failures}), trying again in ${delay} ms: ${(error as Error).message}`,
        );
        await this.sleep(delay);
      }
    }
  }

  private async rebalance(): Promise<void> {
    if (this.rebalanceStartedAt === 0) this.rebalanceStartedAt = performance.now();
    if (this.stable) {
      this.stable = false;
      this.host.emit(ConsumerEvents.REBALANCING, {
        groupId: this.groupId,
        memberId: this.memberId,
      });
    }
    await this.host.holdDeliveries(true);
    if (!this.active) return;
    if (this.assigned.length > 0 || this.generation !== null) await this.revoke();
    if (!this.active) return;
    const topics = await this.subscribedTopics();
    this.joinedTopics = topics;
    this.rejoinNeeded = false;
    for (;;) {
      if (!this.active) return;
      this.stopHeartbeats();
      this.generation = null;
      const joined = await this.join(topics);
      if (joined === null) continue;
      const assignments =
        joined.leader === joined.memberId ? await this.assignAsLeader(joined) : [];
      const assignment = await this.sync(joined, assignments);
      if (assignment === null) continue;
      if (!this.active) return;
      await this.completeJoin(joined, topics, assignment);
      return;
    }
  }

  /** Commits what was handed out (autoCommit), runs onPartitionsRevoked, drops the assignment. */
  private async revoke(): Promise<void> {
    const revoked = this.assigned;
    if (this.config.autoCommit && this.generation !== null) {
      await this.commit().catch((error: Error) => {
        this.log.warn(`Offset commit before rebalancing failed: ${error.message}`);
      });
    }
    this.log.info(`Revoking previously assigned partitions ${describePartitions(revoked)}`);
    await this.callListener('onPartitionsRevoked', revoked);
    this.assigned = [];
    this.host.assignFromGroup([], (topic) => this.resetFor(topic));
  }

  private async join(topics: readonly string[]): Promise<JoinGroupResponse | null> {
    const protocols = this.config.assignors.map((assignor) => ({
      name: assignor.name,
      metadata: encodeSubscription({
        topics,
        userData: assignor.subscriptionUserData?.(topics) ?? null,
        ownedPartitions: [],
      }),
    }));
    const coordinator = await this.coordinators.find(this.groupId);
    this.log.info(`(Re-)joining group at coordinator ${coordinator}`);
    let response: JoinGroupResponse;
    this.joining = true;
    try {
      response = await this.coordinatorCluster.request(
        coordinator,
        ApiKey.JoinGroup,
        {
          groupId: this.groupId,
          sessionTimeoutMs: this.config.sessionTimeout,
          rebalanceTimeoutMs: this.config.rebalanceTimeout,
          memberId: this.memberId,
          groupInstanceId: this.config.groupInstanceId,
          protocolType: PROTOCOL_TYPE,
          protocols,
        },
        {
          timeoutMs: Math.max(
            this.config.requestTimeout,
            this.config.rebalanceTimeout + JOIN_GROUP_TIMEOUT_LAPSE,
          ),
        },
      );
    } catch (error) {
      if (isStaleMetadataError(error)) this.coordinators.forget(this.groupId);
      throw error;
    } finally {
      this.joining = false;
    }
    if (response.errorCode === 0) return response;
    const error = errorByCode(response.errorCode).name;
    const context = { groupId: this.groupId, broker: coordinator };
    switch (error) {
      case 'MEMBER_ID_REQUIRED':
        this.log.info(
          `The coordinator gave this member the id ${response.memberId}: joining again`,
        );
        this.memberId = response.memberId;
        return null;
      case 'UNKNOWN_MEMBER_ID':
        this.log.info(
          `JoinGroup failed: member id ${this.memberId} is unknown; joining as a new member`,
        );
        this.memberId = '';
        return null;
      case 'REBALANCE_IN_PROGRESS':
        throw new SamsaError(`JoinGroup answered REBALANCE_IN_PROGRESS (group ${this.groupId})`, {
          retriable: true,
        });
      case 'NOT_COORDINATOR':
      case 'COORDINATOR_NOT_AVAILABLE':
        this.coordinators.forget(this.groupId);
        throw new KafkaError(error, undefined, context);
      case 'FENCED_INSTANCE_ID':
        throw this.fencedError();
      default:
        throw new KafkaError(error, undefined, context);
    }
  }

  /** The leader's part: every member's assignment, encoded. */
  private async assignAsLeader(
    joined: JoinGroupResponse,
  ): Promise<{ memberId: string; assignment: Buffer }[]> {
    const name = joined.protocolName ?? '';
    const assignor = this.config.assignors.find((candidate) => candidate.name === name);
    if (assignor === undefined) {
      throw new SamsaError(
        `the group chose the assignor "${name}", which this consumer does not have (it has ${this.config.assignors.map((a) => a.name).join(', ')})`,
      );
    }
    const members: AssignorMember[] = joined.members.map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId ?? null,
      subscription: decodeSubscription(toBuffer(member.metadata)),
    }));
    const topicSet = new Set<string>();
    for (const member of members)
      for (const topic of member.subscription.topics) topicSet.add(topic);
    const topics = [...topicSet].sort(compareStrings);
    const counts = await this.partitionCounts(topics);
    const assignment = assignor.assign(counts, members);
    this.groupTopics = topics;
    this.assignmentSnapshot = counts;
    this.log.info(
      `Finished assignment for group at generation ${joined.generationId}: ${members
        .map(
          (member) =>
            `${member.memberId}=[${describePartitions(assignment.get(member.memberId) ?? [])}]`,
        )
        .join(', ')}`,
    );
    return members.map((member) => ({
      memberId: member.memberId,
      assignment: encodeAssignment({
        partitions: assignment.get(member.memberId) ?? [],
        userData: null,
      }),
    }));
  }

  private async sync(
    joined: JoinGroupResponse,
    assignments: { memberId: string; assignment: Buffer }[],
  ): Promise<MemberAssignment | null> {
    const { coordinator, response } = await this.coordinators.request(
      this.groupId,
      ApiKey.SyncGroup,
      {
        groupId: this.groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
        groupInstanceId: this.config.groupInstanceId,
        protocolType: PROTOCOL_TYPE,
        protocolName: joined.protocolName,
        assignments,
      },
      (answer) => answer.errorCode,
    );
    if (response.errorCode === 0) return decodeAssignment(toBuffer(response.assignment));
    const error = errorByCode(response.errorCode).name;
    switch (error) {
      case 'REBALANCE_IN_PROGRESS':
        this.log.info('SyncGroup failed: the group began another rebalance; joining again');
        return null;
      case 'UNKNOWN_MEMBER_ID':
        this.log.info(`SyncGroup failed: member id ${joined.memberId} is unknown; joining again`);
        this.memberId = '';
        return null;
      case 'ILLEGAL_GENERATION':
        this.log.info(
          `SyncGroup failed: generation ${joined.generationId} is not current; joining again`,
        );
        return null;
      case 'FENCED_INSTANCE_ID':
        throw this.fencedError();
      default:
        throw new KafkaError(error, undefined, { groupId: this.groupId, broker: coordinator });
    }
  }

  private async completeJoin(
    joined: JoinGroupResponse,
    topics: readonly string[],
    assignment: MemberAssignment,
  ): Promise<void> {
    const protocol = joined.protocolName ?? '';
    this.memberId = joined.memberId;
    this.generation = { id: joined.generationId, memberId: joined.memberId, protocol };
    this.leaderId = joined.leader;
    const isLeader = joined.leader === joined.memberId;
    if (!isLeader) {
      this.groupTopics = [];
      this.assignmentSnapshot = undefined;
    }
    const subscribed = new Set(topics);
    const partitions = assignment.partitions.filter(({ topic }) => subscribed.has(topic));
    if (partitions.length < assignment.partitions.length) {
      this.requestRejoin(
        `the assignment names topics this member does not subscribe to (${describePartitions(assignment.partitions)})`,
      );
    }
    this.config.assignors
      .find((assignor) => assignor.name === protocol)
      ?.onAssignment?.(assignment, joined.generationId);
    this.assigned = partitions.map(({ topic, partition }) => ({ topic, partition }));
    this.host.assignFromGroup(this.assigned, (topic) => this.resetFor(topic));
    this.stable = true;
    this.scheduleHeartbeat();
    this.log.info(
      `Successfully joined group with generation ${joined.generationId} as member ${joined.memberId}${isLeader ? ' (leader)' : ''}, protocol ${protocol}; assigned partitions: ${describePartitions(this.assigned)}`,
    );
    const memberAssignment: Record<string, number[]> = {};
    for (const [topic, numbers] of groupByTopic(this.assigned)) memberAssignment[topic] = numbers;
    this.host.emit(ConsumerEvents.GROUP_JOIN, {
      groupId: this.groupId,
      memberId: joined.memberId,
      leaderId: joined.leader,
      isLeader,
      memberAssignment,
      groupProtocol: protocol,
      duration: Math.round(performance.now() - this.rebalanceStartedAt),
    });
    this.rebalanceStartedAt = 0;
    await this.callListener('onPartitionsAssigned', this.assigned);
    if (!this.active) return;
    this.host.releaseDeliveries();
    this.firstJoin?.resolve();
    this.firstJoin = undefined;
  }

  /** The topics to join with: the names, and the cluster's topics the patterns match. */
  private async subscribedTopics(): Promise<string[]> {
    const names = new Set(this.topics.keys());
    if (this.patterns.length > 0) {
      const response = await this.host.cluster.fetchMetadata({ allTopics: true });
      for (const topic of response.topics) {
        if (topic.isInternal || topic.errorCode !== 0) continue;
        if (this.patterns.some(({ pattern }) => pattern.test(topic.name))) names.add(topic.name);
      }
    }
    return [...names].sort(compareStrings);
  }

  /** Partition counts of the topics that exist among `topics`. */
  private async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (topics.length === 0) return counts;
    const response = await retry(
      () => this.host.cluster.fetchMetadata({ topics }),
      this.config.retry,
    );
    for (const topic of response.topics) {
      if (topic.errorCode === 0 && topic.partitions.length > 0) {
        counts.set(topic.name, topic.partitions.length);
      }
    }
    return counts;
  }

  private scheduleHeartbeat(): void {
    clearTimeout(this.heartbeatTimer);
    if (!this.active || this.generation === null) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), this.config.heartbeatInterval);
  }

  private stopHeartbeats(): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async heartbeat(): Promise<void> {
    const generation = this.generation;
    if (!this.active || generation === null || this.joining) return;
    let code: number;
    try {
      const { response } = await this.coordinators.request(
        this.groupId,
        ApiKey.Heartbeat,
        {
          groupId: this.groupId,
          generationId: generation.id,
          memberId: generation.memberId,
          groupInstanceId: this.config.groupInstanceId,
        },
        (answer) => answer.errorCode,
      );
      code = response.errorCode;
    } catch (error) {
      if (this.generation !== generation || !this.active) return;
      if (!isTransient(error)) {
        this.fail(error as Error);
        return;
      }
      this.log.warn(`Heartbeat failed, will retry: ${(error as Error).message}`);
      this.scheduleHeartbeat();
      return;
    }
    if (this.generation !== generation || !this.active) return;
    if (code === 0) {
      this.host.emit(ConsumerEvents.HEARTBEAT, {
        groupId: this.groupId,
        memberId: generation.memberId,
        groupGenerationId: generation.id,
      });
      this.scheduleHeartbeat();
      return;
    }
    const error = errorByCode(code).name;
    switch (error) {
      case 'REBALANCE_IN_PROGRESS':
        // Heartbeats go on (they keep the session alive) until JoinGroup is sent.
        this.requestRejoin('the group is rebalancing (heartbeat answered REBALANCE_IN_PROGRESS)');
        this.scheduleHeartbeat();
        return;
      case 'ILLEGAL_GENERATION':
        this.generation = null;
        this.requestRejoin(`heartbeat: generation ${generation.id} is not current`);
        return;
      case 'UNKNOWN_MEMBER_ID':
        this.generation = null;
        this.memberId = '';
        this.requestRejoin(`heartbeat: member id ${generation.memberId} is not known`);
        return;
      case 'FENCED_INSTANCE_ID':
        this.fail(this.fencedError());
        return;
      default: {
        const failure = new KafkaError(error, undefined, { groupId: this.groupId });
        if (!failure.retriable) {
          this.fail(failure);
          return;
        }
        this.log.warn(`Heartbeat failed, will retry: ${failure.message}`);
        this.scheduleHeartbeat();
      }
    }
  }

  private scheduleAutoCommit(): void {
    clearTimeout(this.autoCommitTimer);
    if (!this.active || !this.config.autoCommit) return;
    this.autoCommitTimer = setTimeout(() => {
      const commit = this.canAutoCommit()
        ? this.commit().catch((error: Error) => {
            this.log.warn(`Auto-commit of offsets failed: ${error.message}`);
          })
        : Promise.resolve();
      void commit.then(() => this.scheduleAutoCommit());
    }, this.config.autoCommitInterval);
  }

  private canAutoCommit(): boolean {
    return this.active && (!this.subscribed || (this.stable && this.generation !== null));
  }

  private scheduleMetadataCheck(): void {
    clearTimeout(this.metadataTimer);
    if (!this.active) return;
    this.metadataTimer = setTimeout(() => {
      void this.checkMetadata().then(() => this.scheduleMetadataCheck());
    }, this.config.metadataMaxAge);
  }

  /** Rejoins when a pattern matches other topics, or (leader) a topic's partitions changed. */
  private async checkMetadata(): Promise<void> {
    if (!this.stable || this.rejoinNeeded) return;
    try {
      if (this.patterns.length > 0) {
        const topics = await this.subscribedTopics();
        if (topics.join('\n') !== this.joinedTopics.join('\n')) {
          this.requestRejoin(
            `the subscribed topics changed from [${this.joinedTopics.join(', ')}] to [${topics.join(', ')}]`,
          );
          return;
        }
      }
      const snapshot = this.assignmentSnapshot;
      if (snapshot !== undefined && this.generation?.memberId === this.leaderId) {
        const counts = await this.partitionCounts(this.groupTopics);
        if (!sameCounts(counts, snapshot)) {
          this.requestRejoin(
            `the partitions of the group's topics changed since the assignment (${describeCounts(snapshot)} → ${describeCounts(counts)})`,
          );
        }
      }
    } catch (error) {
      this.log.warn(`Checking the group's topics for changes failed: ${(error as Error).message}`);
    }
  }

  /** Positions that moved since they were last committed. */
  private consumedOffsets(): OffsetToCommit[] {
    const offsets: OffsetToCommit[] = [];
    for (const state of this.host.subscriptions.all()) {
      if (state.position < 0) continue;
      if (this.lastCommitted.get(`${state.topic}-${state.partition}`) === state.position) continue;
      offsets.push({ topic: state.topic, partition: state.partition, offset: state.position });
    }
    return offsets;
  }

  private async commitNow(offsets: readonly OffsetToCommit[]): Promise<void> {
    const counted = this.uncommittedMessages;
    if (offsets.length === 0) return;
    await retry(() => this.commitOnce(offsets), this.config.retry);
    this.uncommittedMessages = Math.max(0, this.uncommittedMessages - counted);
  }

  private async commitOnce(offsets: readonly OffsetToCommit[]): Promise<void> {
    const subscribed = this.subscribed;
    const generation = subscribed ? this.generation : { id: -1, memberId: '', protocol: '' };
    if (generation === null) {
      throw new KafkaError('REBALANCE_IN_PROGRESS', COMMIT_DURING_REBALANCE, {
        groupId: this.groupId,
      });
    }
    const byTopic = new Map<string, Map<number, number>>();
    for (const { topic, partition, offset } of offsets) {
      let partitions = byTopic.get(topic);
      if (partitions === undefined) {
        partitions = new Map();
        byTopic.set(topic, partitions);
      }
      partitions.set(partition, offset);
    }
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.OffsetCommit,
      {
        groupId: this.groupId,
        generationId: generation.id,
        memberId: generation.memberId,
        groupInstanceId: subscribed ? this.config.groupInstanceId : null,
        topics: [...byTopic].map(([name, partitions]) => ({
          name,
          partitions: [...partitions].map(([partitionIndex, committedOffset]) => ({
            partitionIndex,
            committedOffset,
            committedLeaderEpoch: -1,
            committedMetadata: '',
          })),
        })),
      },
      (answer) => {
        for (const topic of answer.topics) {
          for (const partition of topic.partitions) {
            if (COORDINATOR_ERRORS.has(errorByCode(partition.errorCode).name)) {
              return partition.errorCode;
            }
          }
        }
        return 0;
      },
    );
    const failures: { topic: string; partition: number; error: ErrorName }[] = [];
    const committed: { topic: string; partitions: { partition: number; offset: number }[] }[] = [];
    for (const topic of response.topics) {
      const sent = byTopic.get(topic.name);
      const done: { partition: number; offset: number }[] = [];
      for (const partition of topic.partitions) {
        const offset = sent?.get(partition.partitionIndex);
        if (offset === undefined) continue;
        if (partition.errorCode === 0) {
          this.lastCommitted.set(`${topic.name}-${partition.partitionIndex}`, offset);
          done.push({ partition: partition.partitionIndex, offset });
        } else {
          failures.push({
            topic: topic.name,
            partition: partition.partitionIndex,
            error: errorByCode(partition.errorCode).name,
          });
        }
      }
      if (done.length > 0) committed.push({ topic: topic.name, partitions: done });
    }
    if (committed.length > 0) {
      this.host.emit(ConsumerEvents.COMMIT_OFFSETS, {
        groupId: this.groupId,
        memberId: generation.memberId,
        groupGenerationId: generation.id,
        topics: committed,
      });
    }
    if (failures.length === 0) return;
    this.onCommitFailures(failures, generation, subscribed);
  }

  private onCommitFailures(
    failures: { topic: string; partition: number; error: ErrorName }[],
    generation: Generation,
    subscribed: boolean,
  ): never {
    const errors = new Set(failures.map((failure) => failure.error));
    if (errors.has('FENCED_INSTANCE_ID')) {
      const error = this.fencedError();
      this.fail(error);
      throw error;
    }
    for (const type of ['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION'] as const) {
      if (!errors.has(type)) continue;
      if (subscribed && this.generation === generation) {
        this.generation = null;
        if (type === 'UNKNOWN_MEMBER_ID') this.memberId = '';
        this.requestRejoin(`offset commit answered ${type}`);
      }
      throw new KafkaError(type, COMMIT_FAILED, { groupId: this.groupId });
    }
    if (errors.has('REBALANCE_IN_PROGRESS')) {
      if (subscribed) this.requestRejoin('offset commit answered REBALANCE_IN_PROGRESS');
      throw new KafkaError('REBALANCE_IN_PROGRESS', COMMIT_DURING_REBALANCE, {
        groupId: this.groupId,
      });
    }
    const [first] = failures;
    throw new KafkaError(first.error, undefined, {
      groupId: this.groupId,
      topic: first.topic,
      partition: first.partition,
    });
  }

  private async shutdown(waitForHandler: boolean): Promise<void> {
    if (!this.started) return;
    this.active = false;
    clearTimeout(this.autoCommitTimer);
    clearTimeout(this.metadataTimer);
    this.stopHeartbeats();
    this.wake();
    // A JoinGroup parked at the coordinator would hold up the LeaveGroup behind it.
    if (this.joining) await this.coordinatorCluster.disconnect();
    if (waitForHandler && this.insideListener.getStore() !== true) await this.loop;
    await this.host.holdDeliveries(waitForHandler);
    if (this.config.autoCommit && (!this.subscribed || this.generation !== null)) {
      await this.commit().catch((error: Error) => {
        this.log.warn(`Offset commit while stopping failed: ${error.message}`);
      });
    }
    if (this.subscribed) {
      const revoked = this.assigned;
      if (revoked.length > 0) {
        this.log.info(`Revoking previously assigned partitions ${describePartitions(revoked)}`);
        await this.callListener('onPartitionsRevoked', revoked).catch((error: Error) => {
          this.log.error(error.message);
        });
      }
      this.assigned = [];
      this.host.assignFromGroup([], (topic) => this.resetFor(topic));
      await this.leave();
    }
    this.generation = null;
    this.stable = false;
    this.firstJoin?.resolve();
    this.firstJoin = undefined;
    this.started = false;
  }

  private async leave(): Promise<void> {
    const memberId = this.memberId;
    if (memberId === '') return;
    if (this.config.groupInstanceId !== null) {
      this.log.info(
        `Static member ${this.config.groupInstanceId} does not leave the group: its partitions stay assigned to it until its session times out`,
      );
      return;
    }
    this.log.info(
      `Member ${memberId} sending LeaveGroup request to coordinator due to the consumer is being closed`,
    );
    this.memberId = '';
    try {
      const { response } = await this.coordinators.request(
        this.groupId,
        ApiKey.LeaveGroup,
        { groupId: this.groupId, members: [{ memberId, groupInstanceId: null }] },
        (answer) => answer.errorCode,
      );
      const code =
        response.errorCode !== 0
          ? response.errorCode
          : (response.members.find((member) => member.errorCode !== 0)?.errorCode ?? 0);
      if (code !== 0) this.log.warn(`LeaveGroup request failed: ${errorByCode(code).name}`);
    } catch (error) {
      this.log.warn(`LeaveGroup request failed: ${(error as Error).message}`);
    }
  }

  /** Stops the membership and the consumer because of `error`. */
  private fail(error: Error): void {
    if (!this.active) return;
    this.active = false;
    if (error instanceof KafkaError && error.type === 'FENCED_INSTANCE_ID') {
      // A fenced member must not act for the group any more (no commit while stopping).
      this.generation = null;
    }
    clearTimeout(this.autoCommitTimer);
    clearTimeout(this.metadataTimer);
    this.stopHeartbeats();
    this.wake();
    this.firstJoin?.reject(error);
    this.firstJoin = undefined;
    this.host.crash(error);
  }

  private fencedError(): KafkaError {
    return new KafkaError(
      'FENCED_INSTANCE_ID',
      `another consumer joined with group.instance.id ${JSON.stringify(this.config.groupInstanceId)}, so this one is fenced and stops`,
      { groupId: this.groupId },
    );
  }

  private async callListener(
    name: 'onPartitionsAssigned' | 'onPartitionsRevoked',
    partitions: readonly TopicPartition[],
  ): Promise<void> {
    const listener = this.config[name];
    if (listener === undefined) return;
    try {
      await this.insideListener.run(true, () =>
        listener(partitions.map(({ topic, partition }) => ({ topic, partition }))),
      );
    } catch (error) {
      throw new SamsaError(`${name} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === Infinity ? undefined : setTimeout(() => this.wake(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // The consumer awaits it in run(); a rejection nobody awaits any more is not an unhandled one.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function describePartitions(partitions: readonly TopicPartition[]): string {
  return partitions.map(({ topic, partition }) => `${topic}-${partition}`).join(', ');
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [topic, count] of a) if (b.get(topic) !== count) return false;
  return true;
}

function describeCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([topic, count]) => `${topic}:${count}`).join(', ') || 'none';
}
