/**
 * Topic administration through ZooKeeper (Kafka's AdminZkClient): create a topic, add partitions,
 * mark a topic for deletion, change a topic's configs. These functions only write ZooKeeper, the
 * way Kafka does; the controller notices through its watches and does the rest (partition state,
 * leaders, LeaderAndIsr / UpdateMetadata / StopReplica). Every znode is read and written through
 * its zk-schema module.
 *
 * Creating topic `orders` with 3 partitions and replication factor 2 on brokers 1, 2, 3:
 * 1. check the name (legal characters and length; '.'/'_' collision with existing topics), the
 *    partition count and replication factor (INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR when
 *    there are fewer live brokers than replicas), the configs (INVALID_CONFIG), that the topic is
 *    not being deleted and does not exist (TOPIC_ALREADY_EXISTS);
 * 2. compute the replica assignment with Kafka's rack-unaware algorithm
 *    (broker/controller/replica-assignment.ts), e.g. {"0":[2,3],"1":[3,1],"2":[1,2]};
 * 3. write `/config/topics/orders` = {"version":1,"config":{...}} (set, or create when missing;
 *    written even when empty) — first, so the topic never exists without its configs;
 * 4. create `/brokers/topics/orders` = {"version":2,"partitions":{...},"adding_replicas":{},
 *    "removing_replicas":{}}; the create fails if it exists (TOPIC_ALREADY_EXISTS). The two writes
 *    are not one transaction, as in Kafka.
 * The controller's child watch on `/brokers/topics` then fires, and it creates the partition
 * state znodes and elects the leaders.
 *
 * Adding partitions rewrites `/brokers/topics/<t>` unconditionally with old plus new partitions.
 * Deleting creates `/admin/delete_topics/<t>`. A config change sets `/config/topics/<t>` and then
 * creates the sequential notification `/config/changes/config_change_<seq>` =
 * {"version":2,"entity_path":"topics/<t>"}, which every broker's DynamicConfigManager sees.
 */
import { KafkaError } from '../../client/errors';
import { logger } from '../../client/logging';
import { ZkError, type ZkClient } from '../../zk-schema/client';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import * as configChange from '../../zk-schema/znodes/config-change';
import * as deleteTopics from '../../zk-schema/znodes/delete-topics';
import * as entityConfig from '../../zk-schema/znodes/entity-config';
import { validateTopicName } from '../../zk-schema/znodes/names';
import { createPath } from '../../zk-schema/znodes/sequential';
import * as topicAssignment from '../../zk-schema/znodes/topic-assignment';
import { ConfigError } from '../config/config-error';
import type { KafkaConfig } from '../config/kafka-config';
import { topicConfig, type TopicConfig } from '../config/topic-config';
import { assignReplicasToBrokers } from '../controller/replica-assignment';
import { effectiveTopicConfig, fetchTopicOverrides } from './topic-log-config';
import {
  Assignment,
  COLLISION_WARNING,
  checkCollisions,
  hasCollisionChars,
  validateNewPartitionsAssignment,
  validateTopicAssignment,
} from './topic-validation';

export type { Assignment } from './topic-validation';
export { fetchTopicOverrides } from './topic-log-config';

const log = logger('AdminZkClient');

/** What the admin functions need: a ZooKeeper client and the broker's configuration. */
export interface AdminZkContext {
  readonly zk: ZkClient;
  readonly config: KafkaConfig;
}

/** How to lay out a new topic: a partition count and factor, or an explicit assignment. */
export type TopicLayout =
  { numPartitions: number; replicationFactor: number } | { replicaAssignment: Assignment };

export interface CreatedTopic {
  readonly assignment: Assignment;
  /** The topic's effective configuration. */
  readonly config: TopicConfig;
  /** Warnings for the user (Kafka's '.'/'_' collision warning). */
  readonly warnings: string[];
}

type Overrides = ReadonlyMap<string, string>;

/**
 * Creates a topic (see the module comment), or with `validateOnly` only runs every check.
 * `liveBrokers`: the ids the assignment may use. Throws a KafkaError: INVALID_TOPIC_EXCEPTION,
 * INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG,
 * TOPIC_ALREADY_EXISTS; a ZkError when ZooKeeper fails.
 */
export async function createTopic(
  ctx: AdminZkContext,
  name: string,
  layout: TopicLayout,
  configs: Overrides,
  liveBrokers: readonly number[],
  options: { validateOnly?: boolean } = {},
): Promise<CreatedTopic> {
  validateTopicName(name);
  let assignment: Assignment;
  if ('replicaAssignment' in layout) {
    assignment = new Map([...layout.replicaAssignment].map(([p, r]) => [p, [...r]]));
    validateTopicAssignment(assignment, new Set(liveBrokers));
  } else {
    assignment = assignReplicasToBrokers(
      liveBrokers,
      layout.numPartitions,
      layout.replicationFactor,
    );
  }
  const config = validateTopicConfigs(ctx.config, configs);
  if (await isTopicMarkedForDeletion(ctx.zk, name)) {
    throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic "${name}" is marked for deletion.`);
  }
  const warnings: string[] = [];
  if (hasCollisionChars(name)) {
    warnings.push(COLLISION_WARNING);
    const existing = await allTopics(ctx.zk);
    if (existing.includes(name)) throw topicExists(name);
    checkCollisions(name, existing);
  } else if (await topicExistsInZk(ctx.zk, name)) {
    throw topicExists(name);
  }
  if (options.validateOnly === true) return { assignment, config, warnings };

  log.info(
    `Creating topic ${name} with configuration ${formatConfigs(configs)} and initial partition ` +
      `assignment ${formatAssignment(assignment)}`,
  );
  await setOrCreateTopicConfig(ctx.zk, name, configs);
  const assignmentPath = topicAssignment.path(name);
  try {
    await ctx.zk.create(
      assignmentPath,
      topicAssignment.encode({ partitions: withEmpty(assignment) }),
      {
        createParents: true,
      },
    );
  } catch (error) {
    if (error instanceof ZkError && error.code === 'NODE_EXISTS') throw topicExists(name);
    throw error;
  }
  return { assignment, config, warnings };
}

export interface AddPartitionsOptions {
  /** Replicas of each new partition, in partition order; absent: computed as Kafka does. */
  replicaAssignment?: readonly (readonly number[])[];
  validateOnly?: boolean;
}

/**
 * Raises a topic's partition count to `totalPartitions`, rewriting `/brokers/topics/<topic>`
 * with the old and the new partitions. `brokers`: the ids new replicas may use (Kafka uses every
 * registered broker, `registeredBrokerIds`). Returns the whole new assignment. Throws
 * UNKNOWN_TOPIC_OR_PARTITION, REASSIGNMENT_IN_PROGRESS, INVALID_PARTITIONS (not an increase),
 * INVALID_REPLICA_ASSIGNMENT, INVALID_REPLICATION_FACTOR.
 */
export async function addPartitions(
  ctx: AdminZkContext,
  topic: string,
  totalPartitions: number,
  brokers: readonly number[],
  options: AddPartitionsOptions = {},
): Promise<Assignment> {
  const existing = await fetchTopicAssignment(ctx.zk, topic);
  if (existing === undefined) {
    throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${topic}' does not exist.`);
  }
  for (const a of existing.partitions.values()) {
    if (a.addingReplicas.length > 0 || a.removingReplicas.length > 0) {
      throw new KafkaError(
        'REASSIGNMENT_IN_PROGRESS',
        `A partition reassignment is in progress for the topic '${topic}'.`,
      );
    }
  }
  const current = existing.partitions.size;
  const partition0 = existing.partitions.get(0)?.replicas;
  if (partition0 === undefined) {
    throw new KafkaError(
      'UNKNOWN_SERVER_ERROR',
      `Unexpected existing replica assignment for topic '${topic}', partition id 0 is missing.`,
    );
  }
  const toAdd = totalPartitions - current;
  if (toAdd < 0) {
    throw new KafkaError(
      'INVALID_PARTITIONS',
      `Topic currently has ${current} partitions, which is higher than the requested ${totalPartitions}.`,
    );
  }
  if (toAdd === 0) {
    throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partitions.`);
  }
  let added: Assignment;
  if (options.replicaAssignment !== undefined) {
    if (options.replicaAssignment.length !== toAdd) {
      throw new KafkaError(
        'INVALID_REPLICA_ASSIGNMENT',
        `Increasing the number of partitions by ${toAdd} but ${options.replicaAssignment.length} assignments provided.`,
      );
    }
    added = new Map(options.replicaAssignment.map((replicas, i) => [current + i, [...replicas]]));
    validateNewPartitionsAssignment(added, partition0.length, current, new Set(brokers));
  } else {
    const sorted = [...new Set(brokers)].sort((a, b) => a - b);
    const startIndex = Math.max(
      0,
      sorted.findIndex((id) => id >= partition0[0]),
    );
    added = assignReplicasToBrokers(sorted, toAdd, partition0.length, startIndex, current);
  }
  const result: Assignment = new Map();
  for (const [p, a] of existing.partitions) result.set(p, [...a.replicas]);
  for (const [p, replicas] of added) result.set(p, replicas);
  if (options.validateOnly === true) return result;

  log.info(
    `Creating ${toAdd} partitions for '${topic}' with the following replica assignment: ` +
      `${formatAssignment(added)}.`,
  );
  const partitions = new Map(existing.partitions);
  for (const [p, replicas] of added) {
    partitions.set(p, { replicas, addingReplicas: [], removingReplicas: [] });
  }
  const value: topicAssignment.TopicAssignment = { partitions };
  if (existing.topicId !== undefined) value.topicId = existing.topicId;
  await ctx.zk.setData(topicAssignment.path(topic), topicAssignment.encode(value));
  return result;
}

/**
 * Asks the controller to delete `topic` by creating `/admin/delete_topics/<topic>`. Throws
 * TOPIC_DELETION_DISABLED when delete.topic.enable=false and UNKNOWN_TOPIC_OR_PARTITION when the
 * topic does not exist; `alreadyMarked` is true when the request was already there.
 */
export async function markTopicForDeletion(
  ctx: AdminZkContext,
  topic: string,
): Promise<{ alreadyMarked: boolean }> {
  validateTopicName(topic);
  if (!ctx.config.deleteTopicEnable) {
    throw new KafkaError(
      'TOPIC_DELETION_DISABLED',
      'Topic deletion is disabled (delete.topic.enable=false).',
    );
  }
  if (!(await topicExistsInZk(ctx.zk, topic))) {
    throw new KafkaError(
      'UNKNOWN_TOPIC_OR_PARTITION',
      `Topic \`${topic}\` to delete does not exist`,
    );
  }
  try {
    await ctx.zk.create(deleteTopics.path(topic), deleteTopics.encode(), { createParents: true });
  } catch (error) {
    if (error instanceof ZkError && error.code === 'NODE_EXISTS') return { alreadyMarked: true };
    throw error;
  }
  log.info(`Topic ${topic} marked for deletion.`);
  return { alreadyMarked: false };
}

/**
 * Replaces the overrides of an existing topic with `configs` (as Kafka's AlterConfigs does: keys
 * not given go back to the broker's values) and announces the change with a
 * `/config/changes/config_change_<seq>` notification. With `validateOnly`, only checks. Throws
 * UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG (the ConfigError is the cause).
 */
export async function changeTopicConfig(
  ctx: AdminZkContext,
  topic: string,
  configs: Overrides,
  options: { validateOnly?: boolean } = {},
): Promise<TopicConfig> {
  validateTopicName(topic);
  if (!(await topicExistsInZk(ctx.zk, topic))) {
    throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist.`);
  }
  const config = validateTopicConfigs(ctx.config, configs);
  if (options.validateOnly === true) return config;
  log.info(`Updating topic ${topic} with new configuration : ${formatConfigs(configs)}`);
  await setOrCreateTopicConfig(ctx.zk, topic, configs);
  const notification = configChange.encode({ entity: { type: 'topics', name: topic } });
  await ctx.zk.create(createPath(configChange.STORE), notification, {
    mode: 'persistent_sequential',
    createParents: true,
  });
  return config;
}

/** A topic's effective configuration: the broker's, with its overrides from ZooKeeper. */
export async function fetchTopicConfig(ctx: AdminZkContext, topic: string): Promise<TopicConfig> {
  validateTopicName(topic);
  return effectiveTopicConfig(ctx.config, topic, await fetchTopicOverrides(ctx.zk, topic));
}

/** The topic's assignment from `/brokers/topics/<topic>`, or undefined when it does not exist. */
export async function fetchTopicAssignment(
  zk: ZkClient,
  topic: string,
): Promise<topicAssignment.TopicAssignment | undefined> {
  const path = topicAssignment.path(topic);
  try {
    const { data } = await zk.getData(path);
    return topicAssignment.decode(data ?? Buffer.alloc(0), path);
  } catch (error) {
    if (error instanceof ZkError && error.code === 'NO_NODE') return undefined;
    throw error;
  }
}

/** Every topic in `/brokers/topics`, sorted. */
export async function allTopics(zk: ZkClient): Promise<string[]> {
  try {
    const { children } = await zk.getChildren(topicAssignment.topicsPath());
    return children.map(topicAssignment.parseChildName).sort();
  } catch (error) {
    if (error instanceof ZkError && error.code === 'NO_NODE') return [];
    throw error;
  }
}

/** The ids of every broker registered in `/brokers/ids`, ascending. */
export async function registeredBrokerIds(zk: ZkClient): Promise<number[]> {
  const { children } = await zk.getChildren(brokerRegistration.idsPath());
  return children.map(brokerRegistration.parseChildName).sort((a, b) => a - b);
}

export async function topicExistsInZk(zk: ZkClient, topic: string): Promise<boolean> {
  return (await zk.exists(topicAssignment.path(topic))) !== null;
}

export async function isTopicMarkedForDeletion(zk: ZkClient, topic: string): Promise<boolean> {
  return (await zk.exists(deleteTopics.path(topic))) !== null;
}

/** Validates overrides against the broker's configuration; INVALID_CONFIG on failure. */
export function validateTopicConfigs(broker: KafkaConfig, configs: Overrides): TopicConfig {
  try {
    return topicConfig(broker, configs);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new KafkaError('INVALID_CONFIG', error.message, {}, error);
    }
    throw error;
  }
}

/** Sets `/config/topics/<topic>`, creating it when missing (Kafka's setOrCreateEntityConfigs). */
async function setOrCreateTopicConfig(
  zk: ZkClient,
  topic: string,
  configs: Overrides,
): Promise<void> {
  const path = entityConfig.path({ type: 'topics', name: topic });
  const data = entityConfig.encode(new Map(configs));
  for (let round = 0; ; round++) {
    try {
      await zk.setData(path, data);
      return;
    } catch (error) {
      if (!(error instanceof ZkError) || error.code !== 'NO_NODE') throw error;
    }
    try {
      await zk.create(path, data, { createParents: true });
      return;
    } catch (error) {
      // Created meanwhile by someone else: set it (last writer wins, as in Kafka).
      if (!(error instanceof ZkError) || error.code !== 'NODE_EXISTS' || round >= 2) throw error;
    }
  }
}

function withEmpty(assignment: Assignment): Map<number, topicAssignment.ReplicaAssignment> {
  return new Map(
    [...assignment].map(([p, replicas]) => [
      p,
      { replicas, addingReplicas: [], removingReplicas: [] },
    ]),
  );
}

function topicExists(name: string): KafkaError {
  return new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`);
}

/** `0:[1,2],1:[2,3]` */
export function formatAssignment(assignment: Assignment): string {
  return [...assignment]
    .sort(([a], [b]) => a - b)
    .map(([p, replicas]) => `${p}:[${replicas.join(',')}]`)
    .join(',');
}

function formatConfigs(configs: Overrides): string {
  return `{${[...configs].map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}
