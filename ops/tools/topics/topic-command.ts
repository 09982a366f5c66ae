/**
 * `samsa topics`: Kafka 2.8's TopicCommand over the admin client (`--bootstrap-server` mode).
 *
 * - `--create` creates one topic (partitions and replication factor, or an explicit replica
 *   assignment; `--config` overrides) and prints `Created topic <t>.`; with `--if-not-exists` an
 *   existing topic is not an error.
 * - `--list` prints the topic names, sorted, one per line (`--topic` filters with a regular
 *   expression, `--exclude-internal` drops internal topics).
 * - `--describe` prints the topic and partition lines of topic-description.ts.
 * - `--alter --partitions N [--replica-assignment ...]` adds partitions (it prints nothing, like
 *   Kafka's admin-client path); topic configs are altered with `samsa configs`.
 * - `--delete` marks the matching topics for deletion (it prints nothing, like Kafka).
 * A topic named with `--topic` that matches nothing fails with
 * `Topic '<t>' does not exist as expected` unless `--if-exists` is given.
 *
 * Failures after the command line was accepted are reported as Kafka does, on standard output:
 * `Error while executing topic command : <message>`, and the exit code is 1.
 */
import { KafkaError } from '../../../client/errors';
import { errorText } from '../console/command-line';
import type { ToolOutput } from '../console/output';
import type {
  ConfigResourceResult,
  ConfigResourceType,
  TopicMetadataView,
} from '../console/admin-types';
import { CONFIG_RESOURCE_TOPIC, CONFIG_SOURCE_DEFAULT } from '../console/admin-types';
import { describeLines, TopicState } from './topic-description';
import {
  TopicCommand,
  TopicCommandError,
  hasCollisionChars,
  isInternalTopic,
  parseReplicaAssignment,
  parseTopicConfigs,
  topicFilter,
} from './topic-options';

/** The admin operations `samsa topics` uses (KafkaJS names, as samsa's Admin has them). */
export interface TopicAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  listTopics(): Promise<string[]>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{ topics: TopicMetadataView[] }>;
  listPartitionReassignments(options: {
    topics: { topic: string; partitions: number[] }[];
  }): Promise<{
    topics: {
      topic: string;
      partitions: { partition: number; addingReplicas: number[]; removingReplicas: number[] }[];
    }[];
  }>;
  describeCluster(): Promise<{ brokers: { nodeId: number }[] }>;
  describeConfigs(options: {
    resources: { type: ConfigResourceType; name: string }[];
    includeSynonyms: boolean;
  }): Promise<{ resources: ConfigResourceResult[] }>;
  createTopics(options: {
    topics: {
      topic: string;
      numPartitions?: number;
      replicationFactor?: number;
      replicaAssignment?: { partition: number; replicas: number[] }[];
      configEntries?: { name: string; value: string }[];
    }[];
  }): Promise<boolean>;
  createPartitions(options: {
    topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
  }): Promise<unknown>;
  deleteTopics(options: { topics: string[] }): Promise<unknown>;
}

const MAX_REPLICATION_FACTOR = 32767;

/**
 * Connects, runs a validated command and disconnects; returns the exit code (0, or 1 after
 * printing the error).
 */
export async function runTopicCommand(
  command: TopicCommand,
  admin: TopicAdmin,
  output: ToolOutput,
): Promise<number> {
  try {
    await admin.connect();
    switch (command.action) {
      case 'create':
        await createTopic(command, admin, output);
        break;
      case 'list':
        await output.stdout(`${(await getTopics(command, admin)).join('\n')}\n`);
        break;
      case 'describe':
        await describeTopics(command, admin, output);
        break;
      case 'alter':
        await alterTopics(command, admin);
        break;
      case 'delete':
        await deleteTopics(command, admin);
        break;
    }
    return 0;
  } catch (error) {
    await output.stdout(`Error while executing topic command : ${errorText(error)}\n`);
    return 1;
  } finally {
    await admin.disconnect();
  }
}

async function createTopic(command: TopicCommand, admin: TopicAdmin, output: ToolOutput) {
  const name = command.topic as string;
  const configs = parseTopicConfigs(command.configs);
  const assignment =
    command.replicaAssignment === undefined
      ? undefined
      : parseReplicaAssignment(command.replicaAssignment);
  if (hasCollisionChars(name)) {
    await output.stdout(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\n",
    );
  }
  const rf = command.replicationFactor;
  if (rf !== undefined && (rf > MAX_REPLICATION_FACTOR || rf < 1)) {
    throw new TopicCommandError(
      `The replication factor must be between 1 and ${MAX_REPLICATION_FACTOR} inclusive`,
    );
  }
  if (command.partitions !== undefined && command.partitions < 1) {
    throw new TopicCommandError('The partitions must be greater than 0');
  }
  let created: boolean;
  try {
    created = await admin.createTopics({
      topics: [
        {
          topic: name,
          numPartitions: assignment === undefined ? (command.partitions ?? -1) : -1,
          replicationFactor: assignment === undefined ? (rf ?? -1) : -1,
          replicaAssignment: assignment?.map((replicas, partition) => ({ partition, replicas })),
          configEntries: [...configs].map(([key, value]) => ({ name: key, value })),
        },
      ],
    });
  } catch (error) {
    if (error instanceof KafkaError && error.type === 'TOPIC_ALREADY_EXISTS') {
      created = false;
    } else {
      throw error;
    }
  }
  if (!created) {
    if (command.ifNotExists) return;
    throw new TopicCommandError(`Topic '${name}' already exists.`);
  }
  await output.stdout(`Created topic ${name}.\n`);
}

/** The topic names the command is about, sorted (Kafka's getTopics). */
async function getTopics(command: TopicCommand, admin: TopicAdmin): Promise<string[]> {
  const all = [...(await admin.listTopics())].sort();
  const allowed = command.topic === undefined ? () => true : topicFilter(command.topic);
  return all.filter(
    (topic) => allowed(topic) && !(command.excludeInternal && isInternalTopic(topic)),
  );
}

function ensureTopicExists(found: string[], command: TopicCommand): void {
  if (command.topic !== undefined && !command.ifExists && found.length === 0) {
    throw new TopicCommandError(`Topic '${command.topic}' does not exist as expected`);
  }
}

async function describeTopics(command: TopicCommand, admin: TopicAdmin, output: ToolOutput) {
  const names = await getTopics(command, admin);
  ensureTopicExists(names, command);
  if (names.length === 0) return;
  const configs = await admin.describeConfigs({
    resources: names.map((name) => ({ type: CONFIG_RESOURCE_TOPIC, name })),
    includeSynonyms: false,
  });
  const cluster = await admin.describeCluster();
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const reassignments = await admin.listPartitionReassignments({
    topics: metadata.topics
      .filter((t) => names.includes(t.name))
      .map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionId) })),
  });
  const reassignmentOf = (topic: string, partition: number) => {
    const found = reassignments.topics
      .find((t) => t.topic === topic)
      ?.partitions.find((p) => p.partition === partition);
    return found === undefined
      ? {}
      : { reassignment: { adding: found.addingReplicas, removing: found.removingReplicas } };
  };
  const topics = names.map((name): TopicState => {
    const topic = metadata.topics.find((t) => t.name === name);
    if (topic === undefined)
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', undefined, { topic: name });
    if (topic.errorCode !== undefined && topic.errorCode !== 0) {
      throw KafkaError.fromCode(topic.errorCode, undefined, { topic: name });
    }
    const resource = configs.resources.find((r) => r.resourceName === name);
    if (resource === undefined) {
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', undefined, { topic: name });
    }
    if (resource.errorCode !== 0) {
      throw KafkaError.fromCode(resource.errorCode, resource.errorMessage ?? undefined, {
        topic: name,
      });
    }
    return {
      name,
      partitions: topic.partitions.map((p) => ({
        partition: p.partitionId,
        leader: p.leader < 0 ? null : p.leader,
        replicas: [...p.replicas],
        isr: [...p.isr],
        ...reassignmentOf(name, p.partitionId),
      })),
      configs: resource.configEntries.map((entry) => ({
        name: entry.configName,
        value: entry.configValue,
        isDefault: entry.configSource === CONFIG_SOURCE_DEFAULT,
      })),
    };
  });
  const lines = describeLines(
    topics,
    {
      underReplicated: command.reportUnderReplicated,
      unavailable: command.reportUnavailable,
      underMinIsr: command.reportUnderMinIsr,
      atMinIsr: command.reportAtMinIsr,
      overriddenConfigs: command.reportOverriddenConfigs,
    },
    new Set(cluster.brokers.map((b) => b.nodeId)),
  );
  for (const line of lines) await output.stdout(`${line}\n`);
}

async function alterTopics(command: TopicCommand, admin: TopicAdmin) {
  const assignment =
    command.replicaAssignment === undefined
      ? undefined
      : parseReplicaAssignment(command.replicaAssignment);
  const names = await getTopics(command, admin);
  ensureTopicExists(names, command);
  if (names.length === 0) return;
  const count = command.partitions as number;
  let current = new Map<string, number>();
  if (assignment !== undefined) {
    const metadata = await admin.fetchTopicMetadata({ topics: names });
    current = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  }
  await admin.createPartitions({
    topicPartitions: names.map((topic) => ({
      topic,
      count,
      assignments: assignment?.slice(current.get(topic) ?? 0),
    })),
  });
}

async function deleteTopics(command: TopicCommand, admin: TopicAdmin) {
  const names = await getTopics(command, admin);
  ensureTopicExists(names, command);
  if (names.length === 0) return;
  await admin.deleteTopics({ topics: names });
}
