/**
 * `KafkaServer`: one broker process, started and stopped in Kafka 2.8's order
 * (`KafkaServer.startup` / `shutdown`; reference: kafka-zk-mode.md section 0.1).
 *
 * Startup:
 *  1. connect to ZooKeeper (`zookeeper.connect`; the chroot is created when missing) and create
 *     the persistent top-level paths;
 *  2. read or create `/cluster/id`;
 *  3. work out `broker.id` (configured, else from `meta.properties`, else generated through
 *     `/brokers/seqid` above `reserved.broker.max.id`) and check/write `meta.properties` in every
 *     log dir (a different cluster id there is InconsistentClusterId: a one-line error);
 *  4. start the log manager (topic configs read from `/config/topics/<t>` for existing topics);
 *  5. build the metadata cache, replica manager, controller module and group coordinator, register
 *     the API handlers and bind the listeners (port 0 picks a free port), then start the replica
 *     manager (LeaderAndIsr may already make the group coordinator load `__consumer_offsets`
 *     partitions from here on);
 *  6. register `/brokers/ids/<id>` (checked ephemeral; its czxid is the broker epoch). Another
 *     live session owning it — a duplicate broker.id, or this broker's previous process whose
 *     session has not expired yet — fails startup with one line explaining which;
 *  7. start the controller module (watch `/controller`, try to become controller);
 *  8. start the group coordinator (it takes the partition count of an existing
 *     `__consumer_offsets` from ZooKeeper and starts expiring offsets), then the dynamic config
 *     manager (topic config changes from `/config/changes`, applied to the live logs and to the
 *     replica manager's min.insync.replicas);
 *  9. only now process client requests (broker-socket-server.ts: listeners bind in 5, requests
 *     wait until here; controller requests are served from 5 on, as Kafka's control plane).
 *
 * ZooKeeper session expiry (KAFKA-3083, KAFKA-7165): on the client's `expired` event the
 * controller module resigns at once (`onSessionExpired`); on the next `sessionEstablished` the
 * broker registers again (a new broker epoch; a leftover node of the old session is deleted and
 * re-created) and the controller re-arms its watches and runs for election (`onNewSession`).
 * Both run in order on one queue. Losing the broker id to another live broker at that point is
 * fatal: `onFatal` is called.
 *
 * Shutdown: a controlled shutdown first (controlled-shutdown.ts) when
 * `controlled.shutdown.enable` and the broker got as far as running; then stop the dynamic config
 * manager, the listeners, the group coordinator, the replica manager, the controller module, the
 * log manager (which writes the clean-shutdown marker) and close the ZooKeeper session, which
 * removes `/brokers/ids/<id>`. Each step runs even if an earlier one failed; the failures are
 * logged, and the first is rethrown at the end. A shutdown during startup stops it at the next step.
 */
import { promises as fs } from 'node:fs';
import { SamsaError } from '../../client/errors';
import { logger, Logger } from '../../client/logging';
import { Connection } from '../../client/network/connection';
import { ApiKey } from '../../client/protocol/apis';
import { ZkClient, ZkError } from '../../zk-schema/client';
import type { Endpoint } from '../config/listeners';
import type { KafkaConfig } from '../config/kafka-config';
import { allTopics, fetchTopicAssignment } from '../admin/admin-zk';
import { DynamicConfigManager } from '../admin/dynamic-config-manager';
import { topicLogConfig } from '../admin/topic-log-config';
import { registerAdminHandlers } from '../handlers/admin';
import { registerDataHandlers } from '../handlers/data';
import { registerGroupHandlers } from '../handlers/group';
import {
  type GroupCoordinator,
  brokerGroupCoordinator,
} from '../coordinator/group/group-coordinator';
import { GROUP_METADATA_TOPIC_NAME } from '../coordinator/group/group-partition';
import type { LogConfig } from '../log/log-config';
import { LogManager } from '../log/log-manager';
import { checkAndWriteMetaProperties, readMetaProperties } from '../log/meta-properties';
import { KafkaController } from '../controller/kafka-controller';
import { MetadataCache } from '../metadata/metadata-cache';
import { ReplicaManager } from '../replica/replica-manager';
import {
  BrokerIdInUseError,
  createOrGetClusterId,
  createTopLevelPaths,
  generateBrokerId,
  readBrokerRegistration,
  readControllerId,
  registerBroker,
} from '../zk/broker-zk';
import { chooseBrokerId } from './broker-id';
import { brokerRegistrationInfo } from './broker-registration-info';
import type { BrokerServices } from './broker-services';
import { BrokerSocketServer } from './broker-socket-server';
import { ControlledShutdownReply, controlledShutdown } from './controlled-shutdown';
import { logManagerConfig } from './log-manager-config';

/** Kafka's BrokerState names. */
export type BrokerState =
  | 'NotRunning'
  | 'Starting'
  | 'RunningAsBroker'
  | 'PendingControlledShutdown'
  | 'BrokerShuttingDown';

export interface KafkaServerOptions {
  /**
   * Called when the running broker cannot go on (its registration was lost to another live
   * broker after a session expiry, or ZooKeeper refused its credentials). The owner shuts it
   * down and exits with an error.
   */
  readonly onFatal?: (error: Error) => void;
}

/** Thrown by startup when shutdown() was called before startup finished. */
export class StartupAbortedError extends SamsaError {
  constructor() {
    super('startup aborted by shutdown');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class KafkaServer {
  private log: Logger;
  private currentState: BrokerState = 'NotRunning';
  private id: number;
  private cluster = '';
  private epoch = -1;
  private zkClient: ZkClient | undefined;
  private logManager: LogManager | undefined;
  private metadataCache: MetadataCache | undefined;
  private replicaManager: ReplicaManager | undefined;
  private controller: KafkaController | undefined;
  private groupCoordinator: GroupCoordinator | undefined;
  private dynamicConfigManager: DynamicConfigManager | undefined;
  private socketServer: BrokerSocketServer | undefined;
  private boundEndpoints: readonly Endpoint[] = [];
  private registered = false;
  private controllerStarted = false;
  private startup_: Promise<void> | undefined;
  private shutdown_: Promise<void> | undefined;
  private aborted = false;
  /** Session events, handled one at a time in arrival order. */
  private sessionQueue: Promise<void> = Promise.resolve();

  constructor(
    readonly config: KafkaConfig,
    private readonly options: KafkaServerOptions = {},
  ) {
    this.id = config.brokerId;
    this.log = logger(`KafkaServer id=${this.id}`);
  }

  get state(): BrokerState {
    return this.currentState;
  }

  /** The broker id in use (the configured one until startup has worked it out). */
  get brokerId(): number {
    return this.id;
  }

  /** Starts the broker; on failure everything started is stopped again and the error rethrown. */
  startup(): Promise<void> {
    this.startup_ ??= this.runStartup();
    return this.startup_;
  }

  /** Stops the broker (controlled shutdown first when enabled). Safe to call more than once. */
  shutdown(): Promise<void> {
    this.shutdown_ ??= this.runShutdown();
    return this.shutdown_;
  }

  private async runStartup(): Promise<void> {
    this.currentState = 'Starting';
    this.log.info('starting');
    try {
      await this.startServices();
    } catch (error) {
      this.aborted = true;
      await this.stopServices().catch((stopError: unknown) =>
        this.log.error(`Error while stopping after a failed startup: ${messageOf(stopError)}`),
      );
      this.currentState = 'NotRunning';
      throw error;
    }
    this.currentState = 'RunningAsBroker';
    this.log.info('started');
  }

  private checkNotAborted(): void {
    if (this.aborted) throw new StartupAbortedError();
  }

  private async startServices(): Promise<void> {
    const config = this.config;
    if (config.zookeeperSetAcl) {
      throw new SamsaError(
        'zookeeper.set.acl is true, but samsa brokers do not authenticate to ZooKeeper yet: ' +
          'set zookeeper.set.acl=false.',
      );
    }

    // 1. ZooKeeper.
    const connect = config.get('zookeeper.connect');
    this.log.info(`Connecting to zookeeper on ${connect}`);
    try {
      this.zkClient = await ZkClient.connect(connect, {
        sessionTimeoutMs: config.zookeeperSessionTimeoutMs,
        connectTimeoutMs: config.zookeeperConnectionTimeoutMs,
        name: `broker ${config.brokerId}`,
      });
    } catch (error) {
      if (error instanceof ZkError && error.code === 'CONNECTION_LOSS') {
        throw new SamsaError(
          `Timed out waiting for connection to ZooKeeper at ${connect} ` +
            `(zookeeper.connection.timeout.ms=${config.zookeeperConnectionTimeoutMs})`,
          { cause: error },
        );
      }
      throw error;
    }
    const zk = this.zkClient;
    this.watchSession(zk);
    this.checkNotAborted();
    await createTopLevelPaths(zk);

    // 2. Cluster id.
    this.cluster = await createOrGetClusterId(zk);
    this.log.info(`Cluster ID = ${this.cluster}`);
    this.checkNotAborted();

    // 3. Broker id and meta.properties.
    await Promise.all(config.logDirs.map((dir) => fs.mkdir(dir, { recursive: true })));
    const stored = await Promise.all(config.logDirs.map((dir) => readMetaProperties(dir)));
    const choice = chooseBrokerId(
      config.brokerId,
      config.brokerIdGenerationEnable,
      stored.flatMap((m) => (m === undefined ? [] : [m.brokerId])),
    );
    this.id =
      choice.kind === 'use'
        ? choice.brokerId
        : await generateBrokerId(zk, config.reservedBrokerMaxId);
    this.log = logger(`KafkaServer id=${this.id}`);
    await checkAndWriteMetaProperties(config.logDirs, this.id, this.cluster);
    this.checkNotAborted();

    // 4. Log manager, with the configs of the topics that exist (Kafka reads them here too).
    const topicLogConfigs = new Map<string, LogConfig>();
    for (const topic of await allTopics(zk)) {
      topicLogConfigs.set(topic, await topicLogConfig({ zk, config }, topic));
    }
    this.logManager = new LogManager(logManagerConfig(config, topicLogConfigs));
    await this.logManager.startup();
    this.checkNotAborted();

    // 5. Metadata cache, replica manager, controller module, handlers, listeners.
    const brokerId = this.id;
    const zkOf = (): ZkClient => zk;
    const metadataCache = new MetadataCache();
    const replicaManager = new ReplicaManager({
      config,
      brokerId,
      logManager: this.logManager,
      metadataCache,
      zk: zkOf,
    });
    const controller = new KafkaController({
      config,
      brokerId,
      zk: zkOf,
      brokerEpoch: () => this.epoch,
    });
    const groupCoordinator = brokerGroupCoordinator({
      config,
      brokerId,
      replicaManager,
      existingPartitionCount: async () =>
        (await fetchTopicAssignment(zk, GROUP_METADATA_TOPIC_NAME))?.partitions.size,
    });
    this.metadataCache = metadataCache;
    this.replicaManager = replicaManager;
    this.controller = controller;
    this.groupCoordinator = groupCoordinator;
    const services: BrokerServices = {
      config,
      brokerId,
      clusterId: this.cluster,
      zk,
      brokerEpoch: () => this.epoch,
      logManager: this.logManager,
      metadataCache,
      replicaManager,
      controller,
      groupCoordinator,
    };
    const socketServer = new BrokerSocketServer({
      listeners: config.listeners,
      brokerId,
      socketRequestMaxBytes: config.socketRequestMaxBytes,
      queuedMaxRequests: config.queuedMaxRequests,
    });
    this.socketServer = socketServer;
    registerAdminHandlers(socketServer, services);
    registerDataHandlers(socketServer, services);
    registerGroupHandlers(socketServer, services);
    this.boundEndpoints = await socketServer.start();
    await replicaManager.startup();
    this.checkNotAborted();

    // 6. Registration.
    await this.register();
    this.registered = true;
    this.checkNotAborted();

    // 7. Controller module. It counts as started as soon as its event loop runs, before its
    // Startup event is done: a session that expires during the election or the failover must
    // still make it resign and run again on the new session.
    const controllerStartup = controller.startup();
    this.controllerStarted = true;
    await controllerStartup;
    this.checkNotAborted();

    // 8. Group coordinator, then dynamic topic configs (/config/changes notifications applied to
    // the live logs).
    await groupCoordinator.startup();
    this.checkNotAborted();
    this.dynamicConfigManager = new DynamicConfigManager({
      zk,
      config,
      logManager: this.logManager,
      brokerId,
    });
    this.dynamicConfigManager.onTopicConfigChange((topic, topicConfig) =>
      replicaManager.updateTopicConfig(topic, topicConfig),
    );
    await this.dynamicConfigManager.startup();
    this.checkNotAborted();

    // 9. Client traffic.
    socketServer.openForClients();
  }

  /** Writes /brokers/ids/<id> with a fresh timestamp; sets the broker epoch. */
  private async register(): Promise<void> {
    const zk = this.zkClient as ZkClient;
    const info = brokerRegistrationInfo(this.config, this.boundEndpoints, Date.now());
    this.epoch = await registerBroker(zk, this.id, info);
    const addresses = info.endpoints
      .map((e) => `${e.listenerName}://${e.host}:${e.port}`)
      .join(',');
    this.log.info(
      `Registered broker ${this.id} at path /brokers/ids/${this.id} with addresses: ` +
        `${addresses}, czxid (broker epoch): ${this.epoch}`,
    );
  }

  private watchSession(zk: ZkClient): void {
    zk.on('expired', (info) =>
      this.onSessionEvent(async () => {
        const why =
          info.reason === 'server'
            ? 'reported by the server'
            : 'no server answered within the session timeout';
        this.log.warn(
          `ZooKeeper session ${info.sessionId} expired (${why}); resigning as controller if ` +
            'active and registering again once a new session is up',
        );
        if (this.controllerStarted) await this.controller?.onSessionExpired();
      }),
    );
    zk.on('sessionEstablished', (info) =>
      this.onSessionEvent(async () => {
        if (!this.registered || this.shutdown_ !== undefined) return;
        this.log.info(
          `New ZooKeeper session ${info.sessionId} (previous ${info.previousSessionId ?? 'none'}); ` +
            `re-registering broker ${this.id}`,
        );
        await this.reRegister(info.sessionId);
        if (this.controllerStarted) await this.controller?.onNewSession();
      }),
    );
    zk.on('closed', (error) => {
      if (error !== null) this.fatal(error);
    });
  }

  private onSessionEvent(handler: () => Promise<void>): void {
    this.sessionQueue = this.sessionQueue.then(handler).catch((error: unknown) => {
      this.fatal(error instanceof Error ? error : new Error(String(error)));
    });
  }

  /**
   * Registers again in the session `sessionId`. Connection trouble within that session is retried;
   * if the session itself is gone, the next sessionEstablished event registers instead.
   */
  private async reRegister(sessionId: string): Promise<void> {
    const zk = this.zkClient as ZkClient;
    for (let attempt = 0; ; attempt++) {
      if (this.shutdown_ !== undefined || zk.sessionId !== sessionId) return;
      try {
        await this.register();
        return;
      } catch (error) {
        if (
          error instanceof BrokerIdInUseError ||
          !(error instanceof ZkError) ||
          !error.retriable
        ) {
          if (error instanceof ZkError && error.code === 'SESSION_EXPIRED') return;
          throw error;
        }
        this.log.warn(`Re-registration attempt ${attempt + 1} failed, retrying: ${error.message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
      }
    }
  }

  /** Hands a fatal error to the owner (which reports it), or logs it when there is none. */
  private fatal(error: Error): void {
    if (this.options.onFatal) this.options.onFatal(error);
    else this.log.error(`Fatal error: ${error.message}`);
  }

  private async runShutdown(): Promise<void> {
    if (this.startup_ !== undefined && this.currentState === 'Starting') {
      this.aborted = true;
      await this.startup_.catch(() => undefined);
      return;
    }
    this.log.info('shutting down');
    if (this.currentState === 'RunningAsBroker' && this.config.controlledShutdownEnable) {
      this.currentState = 'PendingControlledShutdown';
      await controlledShutdown({
        brokerId: this.id,
        brokerEpoch: () => this.epoch,
        maxRetries: this.config.controlledShutdownMaxRetries,
        retryBackoffMs: this.config.controlledShutdownRetryBackoffMs,
        send: (brokerId, brokerEpoch) => this.sendControlledShutdown(brokerId, brokerEpoch),
        log: this.log,
      });
    }
    this.currentState = 'BrokerShuttingDown';
    try {
      await this.stopServices();
    } finally {
      this.currentState = 'NotRunning';
    }
    this.log.info('shut down completed');
  }

  /** ControlledShutdown to the active controller, over its inter-broker listener. */
  private async sendControlledShutdown(
    brokerId: number,
    brokerEpoch: number,
  ): Promise<ControlledShutdownReply> {
    const zk = this.zkClient as ZkClient;
    const listener = this.config.interBrokerListenerName;
    // The metadata cache knows the controller once it has sent UpdateMetadata; before that (or
    // when it has moved since), ZooKeeper does.
    let controllerId = this.metadataCache?.controllerId() ?? -1;
    let endpoint =
      controllerId < 0 ? undefined : this.metadataCache?.aliveEndpoint(controllerId, listener);
    if (endpoint === undefined) {
      controllerId = await readControllerId(zk);
      if (controllerId < 0) throw new SamsaError('no controller is known');
      const registration = await readBrokerRegistration(zk, controllerId);
      endpoint = registration?.endpoints.find((e) => e.listenerName === listener);
    }
    if (endpoint === undefined) {
      throw new SamsaError(`controller ${controllerId} has no registered ${listener} endpoint`);
    }
    const timeoutMs = this.config.controllerSocketTimeoutMs;
    const connection = new Connection({
      host: endpoint.host,
      port: endpoint.port,
      brokerId: controllerId,
      clientId: `broker-${brokerId}-controlled-shutdown`,
      connectTimeoutMs: timeoutMs,
      requestTimeoutMs: timeoutMs,
    });
    try {
      const response = await connection.request(ApiKey.ControlledShutdown, {
        brokerId,
        brokerEpoch,
      });
      return {
        errorCode: response.errorCode,
        remaining: response.remainingPartitions.map((p) => ({
          topic: p.topicName,
          partition: p.partitionIndex,
        })),
      };
    } finally {
      connection.close();
    }
  }

  /** Stops whatever was started, in Kafka's order; rethrows the first failure at the end. */
  private async stopServices(): Promise<void> {
    const failures: unknown[] = [];
    const step = async (name: string, stop: (() => Promise<void>) | undefined): Promise<void> => {
      if (stop === undefined) return;
      try {
        await stop();
      } catch (error) {
        failures.push(error);
        this.log.error(`Error while shutting down the ${name}: ${messageOf(error)}`);
      }
    };
    const {
      dynamicConfigManager,
      socketServer,
      groupCoordinator,
      replicaManager,
      controller,
      logManager,
      zkClient,
    } = this;
    await step(
      'dynamic config manager',
      dynamicConfigManager && (() => dynamicConfigManager.shutdown()),
    );
    await step('socket server', socketServer && (() => socketServer.stop()));
    await step('group coordinator', groupCoordinator && (() => groupCoordinator.shutdown()));
    await step('replica manager', replicaManager && (() => replicaManager.shutdown()));
    await step(
      'controller',
      controller && this.controllerStarted ? () => controller.shutdown() : undefined,
    );
    await step('log manager', logManager && (() => logManager.shutdown()));
    await this.sessionQueue;
    await step('ZooKeeper client', zkClient && (() => zkClient.close()));
    this.registered = false;
    this.epoch = -1;
    if (failures.length > 0) throw failures[0];
  }
}
