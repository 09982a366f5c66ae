/**
 * `KafkaController`: the controller module every broker runs (Kafka's `KafkaController.scala`).
 * One broker at a time is the *active* controller: the one whose session holds the ephemeral
 * `/controller`. It watches ZooKeeper, decides leaders and ISRs, writes them (every write fenced
 * by the `/controller_epoch` zkVersion) and tells brokers with LeaderAndIsr / UpdateMetadata /
 * StopReplica (controller-request-batch.ts, controller-channel-manager.ts).
 *
 * Everything happens on one event queue (controller-event-manager.ts): ZooKeeper watchers only
 * enqueue an event (controller-events.ts), and `process` handles one event at a time with one
 * exhaustive switch. Requests collected while handling an event go out at its end, at most one
 * LeaderAndIsr / UpdateMetadata / StopReplica per broker (failover and broker startup send their
 * UpdateMetadata first, as Kafka does, so brokers know the live brokers before any LeaderAndIsr).
 *
 * Election: every broker watches `/controller`; when it is missing, `elect()` creates it and bumps
 * `/controller_epoch` in one multi (broker/zk/controller-zk.ts). The winner runs
 * `onControllerFailover`: arm the controller watches, delete pending ISR-change notifications,
 * load brokers (with their epochs = czxid), topics, assignments and every partition state,
 * send UpdateMetadata to all, then LeaderAndIsr for every replica on a live broker, elect leaders
 * for partitions that have none, and resume topic deletions. A `ControllerMovedError` (a fenced
 * write found a newer epoch) makes it resign; any other failover error deletes `/controller`
 * (fenced) so another broker takes over.
 *
 * Reactions (Kafka's): broker joins (UpdateMetadata to all, LeaderAndIsr to it, elections for
 * offline partitions), leaves (offline election from the live ISR; with unclean election off, a
 * partition whose ISR is all dead gets leader -1 and keeps its last ISR member), bounces (a higher
 * czxid: failure then startup); new topics and partitions (state znodes, LeaderAndIsr with isNew);
 * topic deletion (topic-deletion-manager.ts); ISR-change notifications (refresh + UpdateMetadata);
 * topic configs turning `unclean.leader.election.enable` on (`/config/changes`); controlled
 * shutdown (leadership moved away, ISRs shrunk, the partitions still led returned); the periodic
 * preferred-leader rebalance (`auto.leader.rebalance.enable`).
 *
 * Admin requests: replica leader elections (ElectLeaders, preferred or unclean, and
 * `/admin/preferred_replica_election`; replica-election.ts decides who gets one and what each
 * partition is answered) share `onReplicaElection` with the periodic rebalance; partition
 * reassignments (AlterPartitionReassignments, ListPartitionReassignments and
 * `/admin/reassign_partitions`) are partition-reassignment.ts, resumed at failover and when a
 * target broker starts, and completed when ISR changes show every target replica in sync.
 *
 * Session expiry (called by the broker): `onSessionExpired()` stops acting at once (no more writes
 * or requests), clears the queue and resigns; `onNewSession()` re-arms the `/controller` watch and
 * tries to become controller again.
 *
 * Metrics (plain getters): ActiveControllerCount, OfflinePartitionsCount,
 * PreferredReplicaImbalanceCount, GlobalTopicCount, GlobalPartitionCount, TopicsToDeleteCount,
 * EventQueueSize, EventQueueTimeMs, ControllerState, UncleanLeaderElections.
 */
import { KafkaError } from '../../client/errors';
import { Logger, logger } from '../../client/logging';
import { errorByName } from '../../client/protocol/error-codes';
import { ZkClient, ZkWatcher } from '../../zk-schema/client';
import * as partitionStateZnode from '../../zk-schema/znodes/partition-state';
import { KafkaConfig } from '../config/kafka-config';
import { topicConfig } from '../config/topic-config';
import { BrokerAndEpoch, ControllerZk } from '../zk/controller-zk';
import { diffBrokers } from './broker-change';
import { ControllerChannelManager } from './controller-channel-manager';
import { ControllerContext, LiveBroker } from './controller-context';
import { ControllerMovedError } from './controller-errors';
import { ControllerEventManager } from './controller-event-manager';
import {
  API_SUCCESS,
  AlterReassignmentsResult,
  ApiOutcome,
  ControlledShutdownResult,
  ControllerEvent,
  ListReassignmentsResult,
  NOT_CONTROLLER,
} from './controller-events';
import { ControllerRequestBatch, endpointFor } from './controller-request-batch';
import { preferredReplicaPartitionLeaderElection } from './election';
import { NO_LEADER } from './leader-and-isr';
import { PartitionReassignments } from './partition-reassignment';
import { PartitionStateMachine } from './partition-state-machine';
import {
  ElectionOutcome,
  ElectionTrigger,
  ElectionType,
  electionFailure,
  electionStrategy,
  planElection,
} from './replica-election';
import { ReplicaStateMachine } from './replica-state-machine';
import { TopicDeletionManager } from './topic-deletion-manager';
import { PartitionReplica, TopicPartition, TpMap, tpString } from './topic-partition';
import { WatchRegistry } from './watch-registry';

export interface KafkaControllerOptions {
  readonly config: KafkaConfig;
  readonly brokerId: number;
  /** The broker's current ZooKeeper client (replaced after a session expiry). */
  readonly zk: () => ZkClient;
  /**
   * This broker's epoch (czxid of its registration), as the BrokerServices contract passes it.
   * The controller reads every broker's epoch, its own included, from `/brokers/ids` instead.
   */
  readonly brokerEpoch: () => number;
}

/** Kafka's delay before the first preferred-leader rebalance check after failover. */
const FIRST_REBALANCE_CHECK_DELAY_MS = 5000;

const WATCH = {
  controller: 'exists:/controller',
  brokers: 'children:/brokers/ids',
  broker: (id: number) => `data:/brokers/ids/${id}`,
  topics: 'children:/brokers/topics',
  topic: (topic: string) => `data:/brokers/topics/${topic}`,
  deleteTopics: 'children:/admin/delete_topics',
  isrChanges: 'children:/isr_change_notification',
  configChanges: 'children:/config/changes',
  reassignPartitions: 'exists:/admin/reassign_partitions',
  preferredReplicaElection: 'exists:/admin/preferred_replica_election',
  partitionState: (tp: TopicPartition) =>
    `exists:${partitionStateZnode.path(tp.topic, tp.partition)}`,
};

function assertNever(value: never): never {
  throw new Error(`unhandled controller event ${JSON.stringify(value)}`);
}

export class KafkaController {
  private readonly config: KafkaConfig;
  private readonly brokerId: number;
  private readonly zk: ControllerZk;
  private readonly context = new ControllerContext();
  private readonly eventManager: ControllerEventManager;
  private readonly channelManager: ControllerChannelManager;
  private readonly batch: ControllerRequestBatch;
  private readonly partitionStateMachine: PartitionStateMachine;
  private readonly replicaStateMachine: ReplicaStateMachine;
  private readonly topicDeletionManager: TopicDeletionManager;
  private readonly reassignments: PartitionReassignments;
  /** The `/controller` watch: held by every broker, controller or not. */
  private readonly brokerWatches = new WatchRegistry();
  /** Watches held only while active. */
  private readonly controllerWatches = new WatchRegistry();
  /** The controller's broker id as last read from `/controller` (-1: none). */
  private activeId = -1;
  /** True from winning an election until resigning: this broker holds the role. */
  private elected = false;
  private rebalanceTimer: NodeJS.Timeout | null = null;
  private lastConfigChangeSequence = -1;
  private uncleanElections = 0;
  private cachedLog: Logger | null = null;
  private cachedLogEpoch = -1;

  constructor(options: KafkaControllerOptions) {
    this.config = options.config;
    this.brokerId = options.brokerId;
    this.zk = new ControllerZk(options.zk);
    const log = (): Logger => this.log();
    const fence = (): number => this.fence();
    this.eventManager = new ControllerEventManager(
      { process: (e) => this.process(e), preempt: (e) => this.preempt(e) },
      log,
    );
    this.channelManager = new ControllerChannelManager({
      controllerId: this.brokerId,
      listenerName: this.config.controlPlaneListenerName ?? this.config.interBrokerListenerName,
      requestTimeoutMs: this.config.controllerSocketTimeoutMs,
      log,
    });
    this.batch = new ControllerRequestBatch({
      context: this.context,
      controllerId: this.brokerId,
      interBrokerListenerName: this.config.interBrokerListenerName,
      send: (brokerId, apiKey, body, onResponse) => {
        if (this.isActive()) this.channelManager.sendRequest(brokerId, apiKey, body, onResponse);
      },
      onStopReplicaDeletionResponse: (brokerId, outcomes) => {
        void this.eventManager.put({
          kind: 'TopicDeletionStopReplicaResponseReceived',
          brokerId,
          outcomes,
        });
      },
      log,
    });
    this.partitionStateMachine = new PartitionStateMachine({
      config: this.config,
      context: this.context,
      zk: this.zk,
      batch: this.batch,
      fence,
      log,
      onUncleanElection: (tp) => {
        this.uncleanElections += 1;
        this.log().warn(`Unclean leader election for partition ${tpString(tp)}`);
      },
    });
    this.replicaStateMachine = new ReplicaStateMachine({
      context: this.context,
      zk: this.zk,
      batch: this.batch,
      fence,
      log,
    });
    this.topicDeletionManager = new TopicDeletionManager({
      deleteTopicEnable: this.config.deleteTopicEnable,
      context: this.context,
      zk: this.zk,
      batch: this.batch,
      partitionStateMachine: this.partitionStateMachine,
      replicaStateMachine: this.replicaStateMachine,
      fence,
      log,
    });
    this.reassignments = new PartitionReassignments({
      context: this.context,
      zk: this.zk,
      batch: this.batch,
      partitionStateMachine: this.partitionStateMachine,
      replicaStateMachine: this.replicaStateMachine,
      topicDeletionManager: this.topicDeletionManager,
      fence,
      log,
      readZkReassignments: () =>
        this.watched(WATCH.reassignPartitions, { kind: 'ZkPartitionReassignment' }, (w) =>
          this.zk.getPartitionReassignment(w),
        ),
      watchIsr: async (tp) => {
        await this.watched(
          WATCH.partitionState(tp),
          { kind: 'PartitionReassignmentIsrChange', tp },
          (w) => (w === undefined ? Promise.resolve(true) : this.zk.watchPartitionState(tp, w)),
        );
      },
    });
  }

  // ---- public API --------------------------------------------------------------------------------

  /** Starts the event loop, watches `/controller` and tries to become controller. */
  async startup(): Promise<void> {
    this.eventManager.start();
    await this.eventManager.put({ kind: 'Startup' });
  }

  /** Stops the event loop and resigns (the broker closes its session afterwards). */
  async shutdown(): Promise<void> {
    await this.eventManager.close();
    this.activeId = -1;
    this.onControllerResignation();
    this.brokerWatches.reset();
  }

  isActive(): boolean {
    return this.elected && this.activeId === this.brokerId;
  }

  /** The controller's broker id as last seen, -1 when unknown. */
  activeControllerId(): number {
    return this.activeId;
  }

  /** The controller epoch this broker holds (or last held). */
  epoch(): number {
    return this.context.epoch;
  }

  /** The session expired: stop acting now, drop pending events and resign. */
  async onSessionExpired(): Promise<void> {
    // At once, even while an event is still running: no more fenced writes (fence() throws), no
    // more requests to brokers, no watch of the old session counts.
    if (this.elected) this.log().info('ZooKeeper session expired: resigning as the controller');
    this.activeId = -1;
    this.elected = false;
    this.channelManager.shutdown();
    this.brokerWatches.reset();
    this.controllerWatches.reset();
    await this.eventManager.clearAndPut({ kind: 'Expire' });
  }

  /** The broker re-registered in a new session: watch `/controller` again and try to elect. */
  async onNewSession(): Promise<void> {
    await this.eventManager.put({ kind: 'RegisterBrokerAndReelect' });
  }

  /**
   * ControlledShutdown: moves leadership off `brokerId` and takes it out of ISRs; resolves to the
   * partitions it still leads (errorCode NOT_CONTROLLER when this broker is not the controller).
   */
  controlledShutdown(brokerId: number, brokerEpoch: number): Promise<ControlledShutdownResult> {
    return new Promise((resolve) => {
      void this.eventManager.put({
        kind: 'ControlledShutdown',
        brokerId,
        brokerEpoch,
        callback: resolve,
      });
    });
  }

  /**
   * ElectLeaders: a preferred or unclean election for each of `partitions`; resolves to each
   * partition's new leader or error (NOT_CONTROLLER for all when this broker is not the
   * controller).
   */
  electLeaders(
    partitions: readonly TopicPartition[],
    electionType: ElectionType,
  ): Promise<TpMap<ElectionOutcome>> {
    return new Promise((resolve) => {
      void this.eventManager.put({
        kind: 'ReplicaLeaderElection',
        electionType,
        partitions,
        callback: resolve,
      });
    });
  }

  /**
   * AlterPartitionReassignments: target replicas per partition (null cancels); resolves once the
   * reassignments are recorded and started.
   */
  alterPartitionReassignments(
    reassignments: TpMap<readonly number[] | null>,
  ): Promise<AlterReassignmentsResult> {
    return new Promise((resolve) => {
      void this.eventManager.put({
        kind: 'ApiPartitionReassignment',
        reassignments,
        callback: resolve,
      });
    });
  }

  /** ListPartitionReassignments: the given partitions (null: all) that are being reassigned. */
  listPartitionReassignments(
    partitions: readonly TopicPartition[] | null,
  ): Promise<ListReassignmentsResult> {
    return new Promise((resolve) => {
      void this.eventManager.put({
        kind: 'ListPartitionReassignments',
        partitions,
        callback: resolve,
      });
    });
  }

  // ---- metrics -----------------------------------------------------------------------------------

  get activeControllerCount(): number {
    return this.isActive() ? 1 : 0;
  }

  get offlinePartitionsCount(): number {
    return this.isActive() ? this.context.offlinePartitionCount : 0;
  }

  get preferredReplicaImbalanceCount(): number {
    return this.isActive() ? this.context.preferredReplicaImbalanceCount() : 0;
  }

  get globalTopicCount(): number {
    return this.isActive() ? this.context.allTopics.size : 0;
  }

  get globalPartitionCount(): number {
    return this.isActive() ? this.context.partitionCount() : 0;
  }

  get topicsToDeleteCount(): number {
    return this.isActive() ? this.context.topicsToBeDeleted.size : 0;
  }

  get eventQueueSize(): number {
    return this.eventManager.queueSize;
  }

  get eventQueueTimeMs(): number {
    return this.eventManager.lastQueueTimeMs;
  }

  get controllerState(): string {
    return this.eventManager.state;
  }

  get uncleanLeaderElections(): number {
    return this.uncleanElections;
  }

  /** Requests waiting per broker in the controller's send queues. */
  brokerQueueSizes(): Map<number, number> {
    return this.channelManager.queueSizes();
  }

  // ---- event processing --------------------------------------------------------------------------

  private async process(event: ControllerEvent): Promise<void> {
    this.batch.clear();
    try {
      switch (event.kind) {
        case 'Startup':
          await this.processStartup();
          break;
        case 'ControllerChange':
          await this.maybeResign();
          break;
        case 'Reelect':
        case 'RegisterBrokerAndReelect':
          await this.processReelect();
          break;
        case 'Expire':
          this.processExpire();
          break;
        case 'BrokerChange':
          await this.processBrokerChange();
          break;
        case 'BrokerModifications':
          await this.processBrokerModifications(event.brokerId);
          break;
        case 'TopicChange':
          await this.processTopicChange();
          break;
        case 'PartitionModifications':
          await this.processPartitionModifications(event.topic);
          break;
        case 'TopicDeletion':
          await this.processTopicDeletion();
          break;
        case 'IsrChangeNotification':
          await this.processIsrChangeNotification();
          break;
        case 'ConfigChangeNotification':
          await this.processConfigChanges();
          break;
        case 'TopicDeletionStopReplicaResponseReceived':
          await this.processTopicDeletionStopReplicaResponseReceived(
            event.brokerId,
            event.outcomes,
          );
          break;
        case 'ControlledShutdown':
          await this.processControlledShutdown(event);
          break;
        case 'AutoPreferredReplicaLeaderElection':
          await this.processAutoPreferredReplicaLeaderElection();
          break;
        case 'ReplicaLeaderElection':
          await answering(
            event.callback,
            () => this.processReplicaLeaderElection(event),
            (failure) => uniformOutcomes(event.partitions ?? [], failure),
          );
          break;
        case 'ApiPartitionReassignment':
          await answering(
            event.callback,
            () => this.processApiPartitionReassignment(event.reassignments),
            (failure) => ({ error: failure, partitions: new TpMap<ApiOutcome>() }),
          );
          break;
        case 'ZkPartitionReassignment':
          if (this.isActive()) await this.reassignments.onZkReassignment(false);
          break;
        case 'PartitionReassignmentIsrChange':
          if (this.isActive()) await this.reassignments.onPartitionIsrChange(event.tp);
          break;
        case 'ListPartitionReassignments':
          await answering(
            event.callback,
            async (): Promise<ListReassignmentsResult> =>
              this.isActive()
                ? { error: API_SUCCESS, reassignments: this.reassignments.list(event.partitions) }
                : { error: NOT_CONTROLLER, reassignments: new TpMap() },
            (failure): ListReassignmentsResult => ({ error: failure, reassignments: new TpMap() }),
          );
          break;
        default:
          assertNever(event);
      }
      this.flush();
    } catch (error) {
      if (error instanceof ControllerMovedError) {
        this.log().info(
          `Controller moved to another broker while processing ${event.kind}: ${error.message}`,
        );
        this.batch.clear();
        await this.maybeResign();
        return;
      }
      this.log().error(`Error processing event ${event.kind}: ${describe(error)}`);
      this.flush();
    }
  }

  private preempt(event: ControllerEvent): void {
    switch (event.kind) {
      case 'ControlledShutdown':
        event.callback({ errorCode: errorByName('NOT_CONTROLLER').code, remaining: [] });
        break;
      case 'ReplicaLeaderElection':
        event.callback?.(uniformOutcomes(event.partitions ?? [], NOT_CONTROLLER));
        break;
      case 'ApiPartitionReassignment':
        event.callback({ error: NOT_CONTROLLER, partitions: new TpMap() });
        break;
      case 'ListPartitionReassignments':
        event.callback({ error: NOT_CONTROLLER, reassignments: new TpMap() });
        break;
      default:
        break;
    }
  }

  /** Sends the requests collected so far (only while active). */
  private flush(): void {
    if (this.isActive() && !this.batch.isEmpty()) {
      this.batch.sendRequestsToBrokers(this.context.epoch);
    } else {
      this.batch.clear();
    }
  }

  private sendUpdateMetadataRequest(
    brokers: Iterable<number>,
    partitions: Iterable<TopicPartition>,
  ): void {
    this.flush();
    this.batch.addUpdateMetadataRequestForBrokers(brokers, partitions);
    this.flush();
  }

  private fence(): number {
    if (!this.isActive()) {
      throw new ControllerMovedError(`Broker ${this.brokerId} is no longer the controller`);
    }
    return this.context.epochZkVersion;
  }

  private log(): Logger {
    if (this.cachedLog === null || this.cachedLogEpoch !== this.context.epoch) {
      this.cachedLogEpoch = this.context.epoch;
      this.cachedLog = logger(`Controller id=${this.brokerId} epoch=${this.context.epoch}`);
    }
    return this.cachedLog;
  }

  // ---- watches -----------------------------------------------------------------------------------

  private controllerWatcher(): ZkWatcher | undefined {
    return this.brokerWatches.watcher(WATCH.controller, (event) => {
      void this.eventManager.put({
        kind: event.type === 'NODE_DELETED' ? 'Reelect' : 'ControllerChange',
      });
    });
  }

  private watch(key: string, event: ControllerEvent): ZkWatcher | undefined {
    return this.controllerWatches.watcher(key, () => {
      void this.eventManager.put(event);
    });
  }

  /** Runs a watched read; when it fails, the watch was not set: forget it. */
  private async watched<T>(
    key: string,
    event: ControllerEvent,
    read: (watcher: ZkWatcher | undefined) => Promise<T>,
  ): Promise<T> {
    const watcher = this.watch(key, event);
    try {
      return await read(watcher);
    } catch (error) {
      if (watcher !== undefined) this.controllerWatches.disarm(key);
      throw error;
    }
  }

  // ---- election and failover ---------------------------------------------------------------------

  private async processStartup(): Promise<void> {
    await this.elect();
  }

  private async processReelect(): Promise<void> {
    await this.maybeResign();
    await this.elect();
  }

  private processExpire(): void {
    this.activeId = -1;
    this.onControllerResignation();
  }

  private async elect(): Promise<void> {
    this.activeId = await this.readControllerId();
    if (this.activeId === this.brokerId && !this.elected) {
      // `/controller` names this broker, but not from an election won in its current role: it
      // was left by an earlier session (it goes when ZooKeeper expires that session, and the
      // watch brings us back here) or by this session before it resigned (delete it now).
      if (await this.zk.deleteControllerIfOwnedByCurrentSession()) {
        this.log().info('Deleted /controller left by this session before it resigned');
      } else {
        this.log().info(
          '/controller was left by an earlier session of this broker; waiting for it to expire',
        );
      }
      return;
    }
    if (this.activeId !== -1) {
      this.log().debug(
        `Broker ${this.activeId} has been elected as the controller, so stopping the election process.`,
      );
      return;
    }
    try {
      const { epoch, epochZkVersion } = await this.zk.registerControllerAndIncrementControllerEpoch(
        this.brokerId,
      );
      this.context.epoch = epoch;
      this.context.epochZkVersion = epochZkVersion;
      this.activeId = this.brokerId;
      this.elected = true;
      this.log().info(
        `${this.brokerId} successfully elected as the controller. Epoch incremented to ${epoch} ` +
          `and epoch zk version is now ${epochZkVersion}`,
      );
      await this.onControllerFailover();
    } catch (error) {
      if (error instanceof ControllerMovedError) {
        await this.maybeResign();
        if (this.activeId !== -1) {
          this.log().debug(
            `Broker ${this.activeId} was elected as controller instead of broker ${this.brokerId}`,
          );
        } else {
          this.log().warn(
            `A controller has been elected but just resigned, this will result in another round of election: ${error.message}`,
          );
        }
        return;
      }
      this.log().error(
        `Error while electing or becoming controller on broker ${this.brokerId}. ` +
          `Trigger controller movement immediately: ${describe(error)}`,
      );
      await this.triggerControllerMove();
    }
  }

  private async readControllerId(): Promise<number> {
    const watcher = this.controllerWatcher();
    try {
      return await this.zk.getControllerId(watcher);
    } catch (error) {
      if (watcher !== undefined) this.brokerWatches.disarm(WATCH.controller);
      throw error;
    }
  }

  /** Re-reads `/controller` (re-arming the watch) and resigns if this broker lost the role. */
  private async maybeResign(): Promise<void> {
    const wasActive = this.isActive();
    try {
      this.activeId = await this.readControllerId();
    } catch (error) {
      this.log().error(`Cannot read /controller: ${describe(error)}`);
      this.activeId = -1;
    }
    if (wasActive && !this.isActive()) this.onControllerResignation();
  }

  private async triggerControllerMove(): Promise<void> {
    this.activeId = await this.readControllerId();
    if (!this.isActive()) {
      this.log().warn('Controller has already moved when trying to trigger controller movement');
      return;
    }
    const expected = this.context.epochZkVersion;
    this.activeId = -1;
    this.onControllerResignation();
    await this.zk.deleteController(expected);
  }

  private onControllerResignation(): void {
    const wasElected = this.elected;
    this.elected = false;
    this.controllerWatches.reset();
    if (this.rebalanceTimer !== null) clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = null;
    this.batch.clear();
    this.channelManager.shutdown();
    this.context.reset();
    if (wasElected) this.log().info('Resigned as the controller');
  }

  private async onControllerFailover(): Promise<void> {
    this.log().info('Registering handlers and loading the cluster state');
    const isrChanges = await this.watched(
      WATCH.isrChanges,
      { kind: 'IsrChangeNotification' },
      (w) => this.zk.getIsrChangeNotifications(w),
    );
    await this.zk.deleteIsrChangeNotifications(isrChanges, this.fence());
    const configChanges = await this.watched(
      WATCH.configChanges,
      { kind: 'ConfigChangeNotification' },
      (w) => this.zk.getConfigChangeNotifications(w),
    );
    this.lastConfigChangeSequence =
      configChanges.length > 0 ? configChanges[configChanges.length - 1].sequence : -1;
    await this.initializeControllerContext();

    const toDelete = await this.watched(WATCH.deleteTopics, { kind: 'TopicDeletion' }, (w) =>
      this.zk.getTopicDeletions(w),
    );
    const ineligible = new Set(
      [...this.context.allTopics].filter((topic) =>
        this.context.replicasForTopic(topic).some((r) => !this.context.isReplicaOnline(r.replica)),
      ),
    );
    for (const tp of this.context.partitionsBeingReassigned.keys()) ineligible.add(tp.topic);
    await this.topicDeletionManager.init(toDelete, ineligible);

    this.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), []);
    await this.replicaStateMachine.startup();
    this.partitionStateMachine.initializePartitionState();
    await this.partitionStateMachine.triggerOnlinePartitionStateChange();
    await this.reassignments.initializePartitionReassignments();
    await this.topicDeletionManager.tryTopicDeletion();
    await this.processReplicaLeaderElection({
      kind: 'ReplicaLeaderElection',
      electionType: 'PREFERRED',
      partitions: null,
    });
    if (this.config.autoLeaderRebalanceEnable) {
      this.scheduleAutoLeaderRebalance(FIRST_REBALANCE_CHECK_DELAY_MS);
    }
    this.log().info(
      `Ready: ${this.context.liveOrShuttingDownBrokerIds().size} live brokers, ` +
        `${this.context.allTopics.size} topics, ${this.context.partitionCount()} partitions, ` +
        `${this.context.offlinePartitionCount} offline`,
    );
  }

  private async initializeControllerContext(): Promise<void> {
    const brokers = await this.readBrokers();
    this.context.addLiveBrokers(brokers.values());
    const topics = await this.watched(WATCH.topics, { kind: 'TopicChange' }, (w) =>
      this.zk.getAllTopics(w),
    );
    this.context.setAllTopics(topics);
    await this.loadAssignments(topics);
    this.reassignments.markReassigningPartitions();
    this.context.shuttingDownBrokerIds.clear();
    await this.updateLeaderAndIsrCache(this.context.allPartitions());
    this.channelManager.startup(this.context.liveOrShuttingDownBrokers());
  }

  /** Reads every registered broker, arming the children watch and one data watch per broker. */
  private async readBrokers(): Promise<Map<number, BrokerAndEpoch>> {
    const armed: number[] = [];
    const brokers = await this.watched(WATCH.brokers, { kind: 'BrokerChange' }, (w) =>
      this.zk.getAllBrokersAndEpochs(w, (id) => {
        const watcher = this.watch(WATCH.broker(id), { kind: 'BrokerModifications', brokerId: id });
        if (watcher !== undefined) armed.push(id);
        return watcher;
      }),
    );
    // A broker gone between the list and its read left no data watch behind.
    for (const id of armed) if (!brokers.has(id)) this.controllerWatches.disarm(WATCH.broker(id));
    return brokers;
  }

  /** Reads the assignments of `topics` (arming their data watches) into the context. */
  private async loadAssignments(topics: Iterable<string>): Promise<TopicPartition[]> {
    const list = [...topics];
    const assignments = await Promise.all(
      list.map((topic) =>
        this.watched(WATCH.topic(topic), { kind: 'PartitionModifications', topic }, (w) =>
          this.zk.getTopicAssignment(topic, w),
        ),
      ),
    );
    const added: TopicPartition[] = [];
    list.forEach((topic, i) => {
      const assignment = assignments[i];
      if (assignment === null) {
        this.controllerWatches.disarm(WATCH.topic(topic));
        this.context.allTopics.delete(topic);
        return;
      }
      for (const [partition, replicas] of assignment.partitions) {
        const tp = { topic, partition };
        this.context.updatePartitionFullReplicaAssignment(tp, replicas);
        added.push(tp);
      }
    });
    return added;
  }

  /** Re-reads the state znodes of `partitions` into the leadership cache. */
  private async updateLeaderAndIsrCache(partitions: TopicPartition[]): Promise<void> {
    for (const [tp, read] of await this.zk.getPartitionStates(partitions)) {
      if (read instanceof Error) {
        this.log().error(`Cannot read the state of ${tpString(tp)}: ${read.message}`);
      } else if (read !== null) {
        this.context.partitionLeadershipInfo.set(tp, read);
      }
    }
  }

  // ---- brokers -----------------------------------------------------------------------------------

  private async processBrokerChange(): Promise<void> {
    if (!this.isActive()) return;
    const current = await this.readBrokers();
    const known = new Map(this.context.liveOrShuttingDownBrokers().map((b) => [b.id, b.epoch]));
    const {
      newBrokerIds: newIds,
      deadBrokerIds: deadIds,
      bouncedBrokerIds: bouncedIds,
    } = diffBrokers(new Map([...current].map(([id, b]) => [id, b.epoch])), known);
    this.log().info(
      `Newly added brokers: ${newIds.join(',')}, deleted brokers: ${deadIds.join(',')}, ` +
        `bounced brokers: ${bouncedIds.join(',')}, all live brokers: ${[...current.keys()].sort((a, b) => a - b).join(',')}`,
    );
    const asLive = (id: number): LiveBroker => current.get(id) as BrokerAndEpoch;
    for (const id of newIds) this.channelManager.addBroker(asLive(id));
    for (const id of bouncedIds) {
      this.channelManager.removeBroker(id);
      this.channelManager.addBroker(asLive(id));
    }
    for (const id of deadIds) this.channelManager.removeBroker(id);
    if (newIds.length > 0) {
      this.context.addLiveBrokers(newIds.map(asLive));
      await this.onBrokerStartup(newIds);
    }
    if (bouncedIds.length > 0) {
      this.context.removeLiveBrokers(bouncedIds);
      await this.onBrokerFailure(bouncedIds);
      this.context.addLiveBrokers(bouncedIds.map(asLive));
      await this.onBrokerStartup(bouncedIds);
    }
    if (deadIds.length > 0) {
      this.context.removeLiveBrokers(deadIds);
      await this.onBrokerFailure(deadIds);
    }
  }

  private async onBrokerStartup(newBrokers: number[]): Promise<void> {
    this.log().info(`New broker startup callback for ${newBrokers.join(',')}`);
    const newSet = new Set(newBrokers);
    const existing = [...this.context.liveOrShuttingDownBrokerIds()].filter(
      (id) => !newSet.has(id),
    );
    this.sendUpdateMetadataRequest(existing, []);
    this.sendUpdateMetadataRequest(newBrokers, this.context.partitionsWithLeaders());
    const replicas = this.context.replicasOnBrokers(newSet);
    await this.replicaStateMachine.handleStateChanges(replicas, 'OnlineReplica');
    await this.partitionStateMachine.triggerOnlinePartitionStateChange();
    await this.reassignments.onBrokerStartup(newBrokers);
    const toResume = new Set(
      replicas
        .map((r) => r.tp.topic)
        .filter((t) => this.topicDeletionManager.isTopicQueuedUpForDeletion(t)),
    );
    if (toResume.size > 0) await this.topicDeletionManager.resumeDeletionForTopics(toResume);
  }

  private async onBrokerFailure(deadBrokers: number[]): Promise<void> {
    this.log().info(`Broker failure callback for ${deadBrokers.join(',')}`);
    const replicas = this.context.replicasOnBrokers(new Set(deadBrokers));
    await this.onReplicasBecomeOffline(replicas);
  }

  private async onReplicasBecomeOffline(replicas: PartitionReplica[]): Promise<void> {
    const forDeletion = replicas.filter((r) =>
      this.topicDeletionManager.isTopicQueuedUpForDeletion(r.tp.topic),
    );
    const notForDeletion = replicas.filter(
      (r) => !this.topicDeletionManager.isTopicQueuedUpForDeletion(r.tp.topic),
    );
    const withOfflineLeader = this.context.partitionsWithOfflineLeader();
    await this.partitionStateMachine.handleStateChanges(withOfflineLeader, 'OfflinePartition');
    await this.partitionStateMachine.triggerOnlinePartitionStateChange();
    await this.replicaStateMachine.handleStateChanges(notForDeletion, 'OfflineReplica');
    if (forDeletion.length > 0) await this.topicDeletionManager.failReplicaDeletion(forDeletion);
    if (withOfflineLeader.length === 0) {
      this.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), []);
    }
  }

  private async processBrokerModifications(brokerId: number): Promise<void> {
    if (!this.isActive()) return;
    const key = WATCH.broker(brokerId);
    const updated = await this.watched(key, { kind: 'BrokerModifications', brokerId }, (w) =>
      this.zk.getBroker(brokerId, w),
    );
    if (updated === null) {
      this.controllerWatches.disarm(key);
      return;
    }
    const old = this.context.liveOrShuttingDownBroker(brokerId);
    if (old === undefined) return;
    const sameEndpoints =
      JSON.stringify(old.registration.endpoints) === JSON.stringify(updated.registration.endpoints);
    const sameFeatures =
      JSON.stringify([...old.registration.features]) ===
      JSON.stringify([...updated.registration.features]);
    if (sameEndpoints && sameFeatures) return;
    this.log().info(`Updated broker ${brokerId} endpoints or features`);
    const merged: LiveBroker = { ...old, registration: updated.registration };
    this.context.updateBrokerMetadata(merged);
    const listener = this.config.controlPlaneListenerName ?? this.config.interBrokerListenerName;
    if (
      JSON.stringify(endpointFor(old, listener)) !== JSON.stringify(endpointFor(merged, listener))
    ) {
      this.channelManager.removeBroker(brokerId);
      this.channelManager.addBroker(merged);
    }
    this.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), []);
  }

  // ---- topics ------------------------------------------------------------------------------------

  private async processTopicChange(): Promise<void> {
    if (!this.isActive()) return;
    const topics = await this.watched(WATCH.topics, { kind: 'TopicChange' }, (w) =>
      this.zk.getAllTopics(w),
    );
    const newTopics = [...topics].filter((t) => !this.context.allTopics.has(t));
    const deleted = [...this.context.allTopics].filter((t) => !topics.has(t));
    this.context.setAllTopics(topics);
    for (const topic of deleted) this.context.removeTopic(topic);
    const added = await this.loadAssignments(newTopics);
    if (newTopics.length > 0 || deleted.length > 0) {
      this.log().info(
        `New topics: [${newTopics.join(',')}], deleted topics: [${deleted.join(',')}]`,
      );
    }
    if (added.length > 0) await this.onNewPartitionCreation(added);
  }

  private async processPartitionModifications(topic: string): Promise<void> {
    if (!this.isActive() || !this.context.allTopics.has(topic)) return;
    const key = WATCH.topic(topic);
    const assignment = await this.watched(key, { kind: 'PartitionModifications', topic }, (w) =>
      this.zk.getTopicAssignment(topic, w),
    );
    if (assignment === null) {
      this.controllerWatches.disarm(key);
      return;
    }
    const toAdd = [...assignment.partitions].filter(
      ([partition]) => this.context.partitionReplicaAssignment({ topic, partition }).length === 0,
    );
    if (toAdd.length === 0) return;
    if (this.topicDeletionManager.isTopicQueuedUpForDeletion(topic)) {
      this.log().warn(
        `Skipping adding partitions ${toAdd.map(([p]) => p).join(',')} for topic ${topic} since ` +
          'it is currently being deleted; restoring its assignment',
      );
      const known = new Map(
        [...assignment.partitions].filter(
          ([partition]) => this.context.partitionReplicaAssignment({ topic, partition }).length > 0,
        ),
      );
      await this.zk.setTopicAssignment(
        topic,
        { topicId: assignment.topicId, partitions: known },
        this.fence(),
      );
      return;
    }
    const added: TopicPartition[] = [];
    for (const [partition, replicas] of toAdd) {
      const tp = { topic, partition };
      this.context.updatePartitionFullReplicaAssignment(tp, replicas);
      added.push(tp);
    }
    this.log().info(`New partitions to be added ${added.map(tpString).join(',')}`);
    await this.onNewPartitionCreation(added);
  }

  private async onNewPartitionCreation(partitions: TopicPartition[]): Promise<void> {
    this.log().info(`New partition creation callback for ${partitions.map(tpString).join(',')}`);
    const replicas = (): PartitionReplica[] => this.context.replicasForPartitions(partitions);
    await this.partitionStateMachine.handleStateChanges(partitions, 'NewPartition');
    await this.replicaStateMachine.handleStateChanges(replicas(), 'NewReplica');
    await this.partitionStateMachine.handleStateChanges(partitions, 'OnlinePartition', {
      kind: 'offline',
      allowUnclean: false,
    });
    await this.replicaStateMachine.handleStateChanges(replicas(), 'OnlineReplica');
  }

  private async processTopicDeletion(): Promise<void> {
    if (!this.isActive()) return;
    const requested = await this.watched(WATCH.deleteTopics, { kind: 'TopicDeletion' }, (w) =>
      this.zk.getTopicDeletions(w),
    );
    const nonExistent = [...requested].filter((t) => !this.context.allTopics.has(t));
    if (nonExistent.length > 0) {
      this.log().warn(`Ignoring request to delete non-existing topics ${nonExistent.join(',')}`);
      await this.zk.deleteTopicDeletions(nonExistent, this.fence());
    }
    const toDelete = new Set([...requested].filter((t) => this.context.allTopics.has(t)));
    if (toDelete.size === 0) return;
    if (this.config.deleteTopicEnable) {
      this.log().info(`Starting topic deletion for topics ${[...toDelete].join(',')}`);
      const reassigning = new Set(
        [...this.context.partitionsBeingReassigned.keys()]
          .map((tp) => tp.topic)
          .filter((t) => toDelete.has(t)),
      );
      // Queued first, so that marking them ineligible holds them until the reassignment ends.
      this.context.queueTopicDeletion(reassigning);
      this.topicDeletionManager.markTopicIneligibleForDeletion(
        reassigning,
        'topic reassignment in progress',
      );
      await this.topicDeletionManager.enqueueTopicsForDeletion(toDelete);
    } else {
      this.log().info(`Removing ${[...toDelete].join(',')} since delete topic is disabled`);
      await this.zk.deleteTopicDeletions(toDelete, this.fence());
    }
  }

  private async processTopicDeletionStopReplicaResponseReceived(
    brokerId: number,
    outcomes: ReadonlyArray<{ tp: TopicPartition; errorCode: number }>,
  ): Promise<void> {
    if (!this.isActive()) return;
    const failed = outcomes
      .filter((o) => o.errorCode !== 0)
      .map((o) => ({ tp: o.tp, replica: brokerId }));
    const deleted = outcomes
      .filter((o) => o.errorCode === 0)
      .map((o) => ({ tp: o.tp, replica: brokerId }));
    if (failed.length > 0) await this.topicDeletionManager.failReplicaDeletion(failed);
    if (deleted.length > 0) await this.topicDeletionManager.completeReplicaDeletion(deleted);
  }

  private async processIsrChangeNotification(): Promise<void> {
    if (!this.isActive()) return;
    const names = await this.watched(WATCH.isrChanges, { kind: 'IsrChangeNotification' }, (w) =>
      this.zk.getIsrChangeNotifications(w),
    );
    if (names.length === 0) return;
    try {
      const partitions = (await this.zk.getPartitionsFromIsrChangeNotifications(names)).filter(
        (tp) => this.context.partitionReplicaAssignment(tp).length > 0,
      );
      if (partitions.length > 0) {
        await this.updateLeaderAndIsrCache(partitions);
        this.sendUpdateMetadataRequest(this.context.liveOrShuttingDownBrokerIds(), partitions);
        for (const tp of partitions) await this.reassignments.maybeCompleteReassignment(tp);
      }
    } finally {
      await this.zk.deleteIsrChangeNotifications(names, this.fence());
    }
  }

  /**
   * New `/config/changes` notifications: a topic whose effective config now allows unclean leader
   * election gets an election for its offline partitions (Kafka's
   * TopicUncleanLeaderElectionEnable). Other configs are applied by every broker's own config
   * manager, not here.
   */
  private async processConfigChanges(): Promise<void> {
    if (!this.isActive()) return;
    const children = await this.watched(
      WATCH.configChanges,
      { kind: 'ConfigChangeNotification' },
      (w) => this.zk.getConfigChangeNotifications(w),
    );
    const fresh = children.filter((c) => c.sequence > this.lastConfigChangeSequence);
    if (fresh.length === 0) return;
    this.lastConfigChangeSequence = fresh[fresh.length - 1].sequence;
    const topics = new Set<string>();
    for (const child of fresh) {
      const entity = await this.zk.getConfigChangeEntity(child.name);
      if (entity?.type === 'topics' && this.context.allTopics.has(entity.name)) {
        topics.add(entity.name);
      }
    }
    for (const topic of topics) {
      let unclean: boolean;
      try {
        unclean = topicConfig(
          this.config,
          await this.zk.getTopicConfig(topic),
        ).uncleanLeaderElectionEnable;
      } catch (error) {
        this.log().warn(`Cannot read the config of topic ${topic}: ${describe(error)}`);
        continue;
      }
      if (unclean && !this.topicDeletionManager.isTopicQueuedUpForDeletion(topic)) {
        this.log().info(`Unclean leader election has been enabled for topic ${topic}`);
        await this.partitionStateMachine.triggerOnlinePartitionStateChange(topic);
      }
    }
  }

  // ---- controlled shutdown -----------------------------------------------------------------------

  private async processControlledShutdown(
    event: Extract<ControllerEvent, { kind: 'ControlledShutdown' }>,
  ): Promise<void> {
    try {
      const remaining = await this.doControlledShutdown(event.brokerId, event.brokerEpoch);
      event.callback({ errorCode: 0, remaining });
    } catch (error) {
      if (error instanceof ControllerMovedError) {
        event.callback({ errorCode: errorByName('NOT_CONTROLLER').code, remaining: [] });
        throw error;
      }
      if (error instanceof KafkaError) {
        this.log().info(
          `Controlled shutdown of broker ${event.brokerId} refused: ${error.message}`,
        );
        event.callback({ errorCode: error.code, remaining: [] });
        return;
      }
      event.callback({ errorCode: errorByName('UNKNOWN_SERVER_ERROR').code, remaining: [] });
      throw error;
    }
  }

  private async doControlledShutdown(id: number, brokerEpoch: number): Promise<TopicPartition[]> {
    if (!this.isActive()) {
      throw new ControllerMovedError(
        'Controller moved to another broker. Aborting controlled shutdown',
      );
    }
    const cachedEpoch = this.context.liveBrokerEpoch(id);
    if (cachedEpoch === undefined) {
      throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker id ${id} does not exist.`);
    }
    if (brokerEpoch !== -1 && brokerEpoch < cachedEpoch) {
      throw new KafkaError(
        'STALE_BROKER_EPOCH',
        `Received controlled shutdown request from an old broker epoch ${brokerEpoch} for ` +
          `broker ${id}. Current broker epoch is ${cachedEpoch}.`,
      );
    }
    this.log().info(`Shutting down broker ${id}`);
    this.context.shuttingDownBrokerIds.add(id);
    const toActOn = this.context
      .partitionsOnBroker(id)
      .filter(
        (tp) =>
          this.context.partitionReplicaAssignment(tp).length > 1 &&
          this.context.partitionLeadershipInfo.has(tp) &&
          !this.topicDeletionManager.isTopicQueuedUpForDeletion(tp.topic),
      );
    const led = toActOn.filter(
      (tp) => this.context.partitionLeadershipInfo.get(tp)?.leaderAndIsr.leader === id,
    );
    const followed = toActOn.filter(
      (tp) => this.context.partitionLeadershipInfo.get(tp)?.leaderAndIsr.leader !== id,
    );
    await this.partitionStateMachine.handleStateChanges(led, 'OnlinePartition', {
      kind: 'controlledShutdown',
    });
    for (const tp of followed) this.batch.addStopReplicaRequestForBrokers([id], tp, false);
    await this.replicaStateMachine.handleStateChanges(
      followed.map((tp) => ({ tp, replica: id })),
      'OfflineReplica',
    );
    return this.context.partitionLeadersOnBroker(id);
  }

  // ---- preferred leader rebalance ----------------------------------------------------------------

  private scheduleAutoLeaderRebalance(delayMs: number): void {
    if (this.rebalanceTimer !== null) clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => {
      this.rebalanceTimer = null;
      void this.eventManager.put({ kind: 'AutoPreferredReplicaLeaderElection' });
    }, delayMs);
    this.rebalanceTimer.unref();
  }

  private async processAutoPreferredReplicaLeaderElection(): Promise<void> {
    if (!this.isActive()) return;
    try {
      await this.checkAndTriggerAutoLeaderRebalance();
    } finally {
      if (this.isActive() && this.config.autoLeaderRebalanceEnable) {
        this.scheduleAutoLeaderRebalance(this.config.leaderImbalanceCheckIntervalSeconds * 1000);
      }
    }
  }

  /**
   * For each broker B: among the partitions whose preferred replica is B, if more than
   * `leader.imbalance.per.broker.percentage` are led elsewhere, run preferred elections for those
   * that can move (B live and in the ISR).
   */
  private async checkAndTriggerAutoLeaderRebalance(): Promise<void> {
    const { context } = this;
    // Kafka leaves leadership alone while any reassignment is in progress.
    if (context.partitionsBeingReassigned.size > 0) return;
    const byPreferred = new Map<number, TopicPartition[]>();
    for (const tp of context.allPartitions()) {
      if (this.topicDeletionManager.isTopicQueuedUpForDeletion(tp.topic)) continue;
      const preferred = context.partitionReplicaAssignment(tp)[0];
      if (preferred === undefined) continue;
      const list = byPreferred.get(preferred) ?? [];
      list.push(tp);
      byPreferred.set(preferred, list);
    }
    const toElect = new TpMap<true>();
    for (const [broker, partitions] of byPreferred) {
      const notPreferred = partitions.filter((tp) => {
        const leadership = context.partitionLeadershipInfo.get(tp);
        return leadership !== undefined && leadership.leaderAndIsr.leader !== broker;
      });
      const ratio = notPreferred.length / partitions.length;
      if (ratio <= this.config.leaderImbalancePerBrokerPercentage / 100) continue;
      for (const tp of notPreferred) {
        const assignment = context.partitionReplicaAssignment(tp);
        const live = new Set(assignment.filter((r) => context.isReplicaOnline(r)));
        const isr = context.partitionLeadershipInfo.get(tp)?.leaderAndIsr.isr ?? [];
        if (
          context.isReplicaOnline(broker) &&
          context.allTopics.has(tp.topic) &&
          preferredReplicaPartitionLeaderElection(assignment, isr, live) !== null
        ) {
          toElect.set(tp, true);
        }
      }
    }
    if (toElect.size === 0) return;
    const partitions = [...toElect.keys()];
    await this.onReplicaElection(partitions, 'PREFERRED', 'AutoTriggered');
    this.logPreferredElectionResults(partitions);
  }

  // ---- replica leader elections (ElectLeaders, /admin/preferred_replica_election) ---------------

  /**
   * An ElectLeaders request (`partitions` given) or the `/admin/preferred_replica_election` znode
   * (`partitions` null: read it, arming its exists-watch; delete it once handled). Partitions
   * that are unknown, being deleted or already led as asked are answered without an election.
   */
  private async processReplicaLeaderElection(
    event: Extract<ControllerEvent, { kind: 'ReplicaLeaderElection' }>,
  ): Promise<TpMap<ElectionOutcome>> {
    if (!this.isActive()) return uniformOutcomes(event.partitions ?? [], NOT_CONTROLLER);
    const trigger: ElectionTrigger =
      event.partitions === null ? 'ZkTriggered' : 'AdminClientTriggered';
    const partitions =
      event.partitions ??
      (await this.watched(WATCH.preferredReplicaElection, event, (w) =>
        this.zk.getPreferredReplicaElection(w),
      ));
    const results = new TpMap<ElectionOutcome>();
    if (partitions === null) return results;
    const { context } = this;
    const plan = planElection(partitions, event.electionType, {
      assignment: (tp) =>
        context.allTopics.has(tp.topic) ? context.partitionReplicaAssignment(tp) : undefined,
      leader: (tp) => context.partitionLeadershipInfo.get(tp)?.leaderAndIsr.leader ?? NO_LEADER,
      isTopicQueuedUpForDeletion: (topic) =>
        this.topicDeletionManager.isTopicQueuedUpForDeletion(topic),
      isLive: (id) => context.isReplicaOnline(id),
    });
    for (const [tp, outcome] of plan.answered) {
      if ('error' in outcome && outcome.error === 'UNKNOWN_TOPIC_OR_PARTITION') {
        this.log().info(
          `Skipping replica leader election (${event.electionType}) for partition ${tpString(tp)} ` +
            `by ${trigger} since it doesn't exist.`,
        );
      } else if ('error' in outcome && outcome.error === 'INVALID_TOPIC_EXCEPTION') {
        this.log().warn(
          `Skipping replica leader election (${event.electionType}) for partition ${tpString(tp)} ` +
            `by ${trigger} since the respective topics are being deleted`,
        );
      }
      results.set(tp, outcome);
    }
    try {
      for (const [tp, outcome] of await this.onReplicaElection(
        plan.electable,
        event.electionType,
        trigger,
      )) {
        results.set(tp, outcome);
      }
    } finally {
      if (trigger === 'ZkTriggered') {
        this.logPreferredElectionResults(plan.electable);
        await this.zk.deletePreferredReplicaElection(this.fence());
      }
    }
    return results;
  }

  /**
   * Runs the elections (Kafka's onReplicaElection): the preferred strategy, or for UNCLEAN the
   * offline strategy, unclean only when the admin client asked. Failures of elections not asked
   * for by the admin client are logged.
   */
  private async onReplicaElection(
    partitions: readonly TopicPartition[],
    electionType: ElectionType,
    trigger: ElectionTrigger,
  ): Promise<TpMap<ElectionOutcome>> {
    const results = new TpMap<ElectionOutcome>();
    if (partitions.length === 0) return results;
    this.log().info(
      `Starting replica leader election (${electionType}) for partitions ` +
        `${partitions.map(tpString).join(',')} triggered by ${trigger}`,
    );
    const changes = await this.partitionStateMachine.handleStateChanges(
      partitions,
      'OnlinePartition',
      electionStrategy(electionType, trigger),
    );
    for (const [tp, outcome] of changes) {
      if (outcome instanceof Error) {
        if (trigger !== 'AdminClientTriggered') {
          this.log().error(
            `Error completing replica leader election (${electionType}) for partition ` +
              `${tpString(tp)}: ${outcome.message}`,
          );
        }
        results.set(tp, electionFailure(electionType, outcome));
      } else results.set(tp, { leader: outcome.leader });
    }
    return results;
  }

  private logPreferredElectionResults(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) {
      const leader = this.context.partitionLeadershipInfo.get(tp)?.leaderAndIsr.leader;
      const preferred = this.context.partitionReplicaAssignment(tp)[0];
      if (leader === preferred) {
        this.log().info(
          `Partition ${tpString(tp)} completed preferred replica leader election. New leader is ${preferred}`,
        );
      } else {
        this.log().warn(
          `Partition ${tpString(tp)} failed to complete preferred replica leader election to ` +
            `${preferred}. Leader is still ${leader ?? NO_LEADER}`,
        );
      }
    }
  }

  // ---- partition reassignment --------------------------------------------------------------------

  private async processApiPartitionReassignment(
    reassignments: TpMap<readonly number[] | null>,
  ): Promise<AlterReassignmentsResult> {
    if (!this.isActive()) return { error: NOT_CONTROLLER, partitions: new TpMap() };
    return {
      error: API_SUCCESS,
      partitions: await this.reassignments.onApiReassignment(reassignments),
    };
  }
}

/** Every partition answered with the same outcome (NOT_CONTROLLER, ...). */
function uniformOutcomes(
  partitions: readonly TopicPartition[],
  outcome: ApiOutcome,
): TpMap<ElectionOutcome> {
  const results = new TpMap<ElectionOutcome>();
  for (const tp of partitions) results.set(tp, { error: outcome.error, message: outcome.message });
  return results;
}

/**
 * Runs an event that answers a caller: the callback gets the result, or, when the event fails,
 * NOT_CONTROLLER (the controller moved) or UNKNOWN_SERVER_ERROR before the error goes on to the
 * event loop (which logs it, or resigns).
 */
async function answering<R>(
  callback: ((result: R) => void) | undefined,
  run: () => Promise<R>,
  onFailure: (failure: ApiOutcome) => R,
): Promise<void> {
  let result: R;
  try {
    result = await run();
  } catch (error) {
    callback?.(
      onFailure(
        error instanceof ControllerMovedError
          ? NOT_CONTROLLER
          : { error: 'UNKNOWN_SERVER_ERROR', message: null },
      ),
    );
    throw error;
  }
  callback?.(result);
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
