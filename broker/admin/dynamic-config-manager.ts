/**
 * Every broker's DynamicConfigManager (Kafka's): keeps the topic configs of the live logs in step
 * with ZooKeeper, so that `AlterConfigs` / `samsa configs --alter` on any broker reaches every
 * broker without a restart.
 *
 * - At startup it applies every topic's overrides from `/config/topics/*` to that topic's logs,
 *   and starts a ZkNodeChangeNotificationListener (notification-listener.ts) on `/config/changes`,
 *   which handles every notification present (the last handled number starts at -1) and then each
 *   new one, re-arming its child watch on every event and every new session, and purging
 *   notifications older than 15 minutes.
 * - A notification (`{"version":2,"entity_path":"topics/orders"}`, or version 1) is only a
 *   trigger: the manager re-reads `/config/topics/orders` and gives every log of `orders` on this
 *   broker a new LogConfig (the broker's `log.*` settings plus the overrides;
 *   topic-log-config.ts), then tells the listeners registered with `onTopicConfigChange` (the
 *   replica manager's min.insync.replicas, for instance).
 * - Notifications for other entity types (clients, users, brokers, ips: quotas, credentials,
 *   dynamic broker configs) have no handler in samsa yet and are skipped with a debug line.
 */
import { logger, type Logger } from '../../client/logging';
import { ZkError, type ZkClient } from '../../zk-schema/client';
import * as configChange from '../../zk-schema/znodes/config-change';
import * as entityConfig from '../../zk-schema/znodes/entity-config';
import type { KafkaConfig } from '../config/kafka-config';
import type { TopicConfig } from '../config/topic-config';
import type { LogManager } from '../log/log-manager';
import { ZkNodeChangeNotificationListener } from './notification-listener';
import {
  effectiveTopicConfig,
  fetchTopicOverrides,
  logConfigFromTopicConfig,
} from './topic-log-config';

export interface DynamicConfigManagerOptions {
  readonly zk: ZkClient;
  readonly config: KafkaConfig;
  readonly logManager: Pick<LogManager, 'allLogs'>;
  /** Names the broker in log lines. */
  readonly brokerId?: number;
  /** Age after which notifications are purged. Default 15 minutes. */
  readonly changeExpirationMs?: number;
  /** Wall clock in ms (compared with znode ctimes). Default Date.now. */
  readonly now?: () => number;
}

export type TopicConfigListener = (topic: string, config: TopicConfig) => void;

export class DynamicConfigManager {
  private readonly log: Logger;
  private readonly listener: ZkNodeChangeNotificationListener;
  private readonly topicListeners = new Set<TopicConfigListener>();

  constructor(private readonly options: DynamicConfigManagerOptions) {
    this.log = logger(
      options.brokerId === undefined
        ? 'DynamicConfigManager'
        : `DynamicConfigManager broker=${options.brokerId}`,
    );
    this.listener = new ZkNodeChangeNotificationListener({
      zk: options.zk,
      store: configChange.STORE,
      handler: (data, path) => this.processNotification(data, path),
      changeExpirationMs: options.changeExpirationMs,
      now: options.now,
      log: this.log,
    });
  }

  /** The sequence number of the last `config_change_` handled (-1: none yet). */
  get lastExecutedChange(): number {
    return this.listener.lastExecutedChange;
  }

  /** Calls `listener` after a topic's new config is applied; returns the unregister function. */
  onTopicConfigChange(listener: TopicConfigListener): () => void {
    this.topicListeners.add(listener);
    return () => this.topicListeners.delete(listener);
  }

  /** Starts the `/config/changes` listener and applies every topic's stored overrides. */
  async startup(): Promise<void> {
    await this.listener.init();
    const topicsPath = entityConfig.entityTypePath('topics');
    let topics: string[] = [];
    try {
      topics = (await this.options.zk.getChildren(topicsPath)).children;
    } catch (error) {
      if (!(error instanceof ZkError) || error.code !== 'NO_NODE') throw error;
    }
    for (const topic of topics.sort()) {
      try {
        await this.applyTopicConfig(topic);
      } catch (error) {
        if (error instanceof ZkError) throw error;
        this.log.error(
          `Cannot apply the configs of topic ${topic}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  /** Resolves once pending notifications are handled (for tests and orderly shutdown). */
  idle(): Promise<void> {
    return this.listener.idle();
  }

  async shutdown(): Promise<void> {
    await this.listener.close();
  }

  private async processNotification(data: Buffer, path: string): Promise<void> {
    const { entity } = configChange.decode(data, path);
    if (entity.type !== 'topics') {
      this.log.debug(
        `No handler for ${entityConfig.entityPath(entity)} configs in samsa; notification ${path} skipped.`,
      );
      return;
    }
    await this.applyTopicConfig(entity.name);
  }

  /** Re-reads the topic's overrides and applies them to its logs on this broker. */
  private async applyTopicConfig(topic: string): Promise<void> {
    const overrides = await fetchTopicOverrides(this.options.zk, topic);
    const config = effectiveTopicConfig(this.options.config, topic, overrides);
    const logConfig = logConfigFromTopicConfig(config);
    const logs = this.options.logManager
      .allLogs()
      .filter(({ log }) => log.topicPartition.topic === topic);
    this.log.info(
      `Processing override for entityPath: topics/${topic} with config: ` +
        `{${[...overrides].map(([k, v]) => `${k}=${v}`).join(', ')}} (${logs.length} logs here)`,
    );
    for (const { log } of logs) log.updateConfig(logConfig);
    for (const listener of [...this.topicListeners]) {
      try {
        listener(topic, config);
      } catch (error) {
        this.log.error(
          `Topic config listener failed for ${topic}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
