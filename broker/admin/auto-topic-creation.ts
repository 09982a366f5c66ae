/**
 * Topic auto-creation (Kafka 2.8's AutoTopicCreationManager, ZooKeeper mode): when a Metadata
 * request names topics this broker does not know, allows auto-creation, and the broker has
 * `auto.create.topics.enable=true`, the broker that received the request creates them itself in
 * ZooKeeper (admin-zk.ts; no need to be the controller) and answers at once:
 * - created, or already existing (created meanwhile by someone else) → LEADER_NOT_AVAILABLE: the
 *   controller has yet to elect leaders, and the client asks again;
 * - an illegal name → INVALID_TOPIC_EXCEPTION; fewer live brokers than the replication factor →
 *   INVALID_REPLICATION_FACTOR (nothing is written); a topic this broker is already creating →
 *   UNKNOWN_TOPIC_OR_PARTITION.
 * Ordinary topics get `num.partitions` and `default.replication.factor`; the internal topics get
 * their own settings: `__consumer_offsets` (offsets.topic.num.partitions / .replication.factor,
 * compacted, offsets.topic.segment.bytes) and `__transaction_state`
 * (transaction.state.log.num.partitions / .replication.factor / .min.isr / .segment.bytes).
 * `__consumer_offsets` is also created by FindCoordinator (the group coordinator needs it); with
 * fewer live brokers than offsets.topic.replication.factor it is created with as many replicas as
 * there are live brokers, and a warning, rather than not at all.
 */
import { KafkaError } from '../../client/errors';
import { logger } from '../../client/logging';
import { errorByName } from '../../client/protocol/error-codes';
import { topicNameProblem } from '../../zk-schema/znodes/names';
import type { KafkaConfig } from '../config/kafka-config';
import {
  INTERNAL_TOPICS,
  type MetadataCache,
  type MetadataTopic,
} from '../metadata/metadata-cache';
import { createTopic, type AdminZkContext } from './admin-zk';

const log = logger('AutoTopicCreationManager');

/** Partition count, replication factor and configs of an auto-created topic. */
export interface AutoCreatedTopicSpec {
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly configs: ReadonlyMap<string, string>;
}

/** How `topic` is created by auto-creation on a broker with `config`. */
export function autoCreatedTopicSpec(config: KafkaConfig, topic: string): AutoCreatedTopicSpec {
  switch (topic) {
    case '__consumer_offsets':
      return {
        numPartitions: config.offsetsTopicNumPartitions,
        replicationFactor: config.offsetsTopicReplicationFactor,
        configs: new Map([
          ['cleanup.policy', 'compact'],
          ['compression.type', 'producer'],
          ['segment.bytes', String(config.offsetsTopicSegmentBytes)],
        ]),
      };
    case '__transaction_state':
      return {
        numPartitions: config.transactionStateLogNumPartitions,
        replicationFactor: config.transactionStateLogReplicationFactor,
        configs: new Map([
          ['cleanup.policy', 'compact'],
          ['min.insync.replicas', String(config.transactionStateLogMinIsr)],
          ['segment.bytes', String(config.transactionStateLogSegmentBytes)],
          ['unclean.leader.election.enable', 'false'],
        ]),
      };
    default:
      return {
        numPartitions: config.numPartitions,
        replicationFactor: config.defaultReplicationFactor,
        configs: new Map(),
      };
  }
}

const code = (name: Parameters<typeof errorByName>[0]): number => errorByName(name).code;

/**
 * The replication factor `topic` is created with when `liveBrokers` brokers are alive: the
 * spec's, except that `__consumer_offsets` settles for the live brokers (with a warning to log).
 */
export function effectiveReplicationFactor(
  topic: string,
  spec: AutoCreatedTopicSpec,
  liveBrokers: number,
): { replicationFactor: number; warning?: string } {
  if (topic !== '__consumer_offsets' || liveBrokers >= spec.replicationFactor || liveBrokers < 1) {
    return { replicationFactor: spec.replicationFactor };
  }
  return {
    replicationFactor: liveBrokers,
    warning:
      `Creating topic ${topic} with replication factor ${liveBrokers} instead of ` +
      `offsets.topic.replication.factor=${spec.replicationFactor}: only ${liveBrokers} ` +
      `live broker${liveBrokers === 1 ? ' is' : 's are'} available. Committed offsets survive fewer ` +
      'broker failures than configured.',
  };
}

export class AutoTopicCreationManager {
  private readonly inflight = new Set<string>();

  constructor(
    private readonly ctx: AdminZkContext,
    private readonly metadataCache: MetadataCache,
  ) {}

  /** Creates the topics (see the module comment); one Metadata topic entry each, in order. */
  async createTopics(topics: readonly string[]): Promise<MetadataTopic[]> {
    return Promise.all(topics.map((topic) => this.createTopic(topic)));
  }

  private async createTopic(topic: string): Promise<MetadataTopic> {
    const entry = (errorCode: number): MetadataTopic => ({
      errorCode,
      name: topic,
      isInternal: INTERNAL_TOPICS.has(topic),
      partitions: [],
    });
    if (topicNameProblem(topic) !== undefined) return entry(code('INVALID_TOPIC_EXCEPTION'));
    if (this.inflight.has(topic)) return entry(code('UNKNOWN_TOPIC_OR_PARTITION'));
    this.inflight.add(topic);
    try {
      const spec = autoCreatedTopicSpec(this.ctx.config, topic);
      const liveBrokers = this.metadataCache.aliveBrokers().map((b) => b.id);
      const { replicationFactor, warning } = effectiveReplicationFactor(
        topic,
        spec,
        liveBrokers.length,
      );
      if (warning !== undefined) log.warn(warning);
      await createTopic(
        this.ctx,
        topic,
        { numPartitions: spec.numPartitions, replicationFactor },
        spec.configs,
        liveBrokers,
      );
      log.info(
        `Auto-created topic ${topic} (${spec.numPartitions} partitions, RF ${replicationFactor}).`,
      );
      return entry(code('LEADER_NOT_AVAILABLE'));
    } catch (error) {
      if (error instanceof KafkaError) {
        if (error.type === 'TOPIC_ALREADY_EXISTS') return entry(code('LEADER_NOT_AVAILABLE'));
        log.info(`Auto-creation of topic ${topic} failed: ${error.message}`);
        return entry(error.code);
      }
      log.error(
        `Auto-creation of topic ${topic} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return entry(code('UNKNOWN_SERVER_ERROR'));
    } finally {
      this.inflight.delete(topic);
    }
  }
}
