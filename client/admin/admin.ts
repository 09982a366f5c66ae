/**
 * The admin client (KafkaJS's names and result shapes, offsets as numbers): topics (create,
 * delete, list, metadata), partitions (create), configs (describe, alter), the cluster
 * (describeCluster), partition offsets (fetchTopicOffsets / ...ByTimestamp), leader elections
 * (electLeaders, Kafka's AdminClient.electLeaders) and partition reassignments
 * (alterPartitionReassignments, listPartitionReassignments).
 *
 * Routing, as Kafka's AdminClient does in ZooKeeper mode: CreateTopics, DeleteTopics,
 * CreatePartitions, ElectLeaders and the reassignment APIs go to the controller; NOT_CONTROLLER
 * (or a lost connection) refreshes the metadata to find the new controller and retries with
 * backoff. electLeaders and alterPartitionReassignments resolve to one result per partition,
 * with the error the controller reported for it (null when none) instead of throwing it. DescribeConfigs / AlterConfigs go
 * to the named broker for BROKER resources and to any broker for TOPIC resources. Errors the
 * broker reports for a topic or resource are thrown as KafkaErrors naming it (and the broker);
 * TOPIC_ALREADY_EXISTS from createTopics makes it resolve to false instead, like KafkaJS.
 */
import { performance } from 'perf_hooks';
import { setTimeout as sleep } from 'timers/promises';
import { Cluster, ClusterOptions } from '../cluster/cluster';
import { partitionHighAndLow, partitionOffsetsAt } from '../cluster/list-offsets';
import { PartitionMetadata, isStaleMetadataError } from '../cluster/metadata';
import { RetryOptions, retry } from '../cluster/retry';
import { GroupCoordinators } from '../cluster/group-coordinator';
import { ErrorContext, KafkaError, SamsaError } from '../errors';
import { logger } from '../logging';
import { ApiKey, RequestInit, ResponseBody } from '../protocol/apis';
import { errorByCode, errorByName } from '../protocol/error-codes';
import {
  ConfigResourceType,
  ConfigResourceTypes,
  ConfigSourceId,
  ConfigTypeId,
  isConfigResourceType,
} from './config-resources';
import {
  CommittedTopicOffsets,
  DeleteGroupResult,
  GroupAdmin,
  GroupDescription,
  GroupOverview,
  SetOffsetsOptions,
} from './group-admin';

export interface AdminConfig {
  retry?: RetryOptions;
}

export interface ITopicConfig {
  topic: string;
  /** Default: the broker's num.partitions (or the replicaAssignment's size). */
  numPartitions?: number;
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number;
  replicaAssignment?: { partition: number; replicas: number[] }[];
  configEntries?: { name: string; value: string | null }[];
}

export interface CreateTopicsOptions {
  topics: ITopicConfig[];
  validateOnly?: boolean;
  /** Wait until the metadata shows a leader for every partition. Default true. */
  waitForLeaders?: boolean;
  /** The controller's wait, and the wait for leaders, in ms. Default 5000. */
  timeout?: number;
}

export interface CreatePartitionsOptions {
  topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
  validateOnly?: boolean;
  timeout?: number;
}

export interface ResourceConfigQuery {
  type: ConfigResourceType;
  name: string;
  /** Every config when absent or empty. */
  configNames?: string[];
}

export interface ConfigSynonym {
  configName: string;
  configValue: string | null;
  configSource: ConfigSourceId;
}

export interface ConfigEntry {
  configName: string;
  /** null for sensitive configs. */
  configValue: string | null;
  readOnly: boolean;
  isDefault: boolean;
  configSource: ConfigSourceId;
  isSensitive: boolean;
  configType: ConfigTypeId;
  configSynonyms: ConfigSynonym[];
}

export interface DescribeConfigResponse {
  resources: {
    resourceType: ConfigResourceType;
    resourceName: string;
    errorCode: number;
    errorMessage: string | null;
    configEntries: ConfigEntry[];
  }[];
}

export interface IResourceConfig {
  type: ConfigResourceType;
  name: string;
  configEntries: { name: string; value: string | null }[];
}

export interface AlterConfigsResponse {
  resources: {
    resourceType: ConfigResourceType;
    resourceName: string;
    errorCode: number;
    errorMessage: string | null;
  }[];
}

export interface TopicOffsets {
  partition: number;
  /** The latest offset (= high). */
  offset: number;
  high: number;
  low: number;
}

export interface ClusterDescription {
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  controller: number | null;
  clusterId: string | null;
}

/** Kafka's ElectionType. */
export type ElectionType = 'PREFERRED' | 'UNCLEAN';

export interface TopicPartitionList {
  topic: string;
  partitions: number[];
}

export interface ElectLeadersOptions {
  electionType: ElectionType;
  /** Every partition of the cluster when absent. */
  topicPartitions?: TopicPartitionList[];
  /** How long the controller's broker waits for the new leaders to show in its metadata, ms. */
  timeout?: number;
}

/** A partition's outcome: null, or the error the controller reported for it. */
export interface PartitionResult {
  topic: string;
  partition: number;
  error: KafkaError | null;
}

export interface AlterPartitionReassignmentsOptions {
  topics: {
    topic: string;
    /** `replicas`: the target replicas, preferred leader first; null cancels the reassignment. */
    partitionAssignment: { partition: number; replicas: number[] | null }[];
  }[];
  timeout?: number;
}

export interface PartitionReassignment {
  partition: number;
  /** The full replica set during the reassignment: the target, then the replicas being removed. */
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface ListPartitionReassignmentsResponse {
  topics: { topic: string; partitions: PartitionReassignment[] }[];
}

const ELECTION_TYPE_IDS: Readonly<Record<ElectionType, number>> = { PREFERRED: 0, UNCLEAN: 1 };

export type AdminClusterOptions = Omit<ClusterOptions, 'retry' | 'allowAutoTopicCreation'>;

const NOT_CONTROLLER = errorByName('NOT_CONTROLLER').code;
const TOPIC_ALREADY_EXISTS = errorByName('TOPIC_ALREADY_EXISTS').code;

interface TopicResult {
  readonly name: string;
  readonly errorCode: number;
  readonly errorMessage?: string | null;
}

export class Admin {
  private readonly cluster: Cluster;
  private readonly groups: GroupAdmin;

  constructor(cluster: AdminClusterOptions, config: AdminConfig = {}) {
    this.cluster = new Cluster({
      ...cluster,
      retry: config.retry,
      allowAutoTopicCreation: false,
      logger: logger(`Admin clientId=${cluster.clientId}`),
    });
    this.groups = new GroupAdmin(this.cluster, new GroupCoordinators(this.cluster));
  }

  /** Every consumer group of every broker (group-admin.ts). */
  listGroups(options?: { states?: string[] }): Promise<{ groups: GroupOverview[] }> {
    return this.groups.listGroups(options);
  }

  /** State, protocol and members of groups, each asked of its coordinator. */
  describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    return this.groups.describeGroups(groupIds);
  }

  /** Deletes empty groups and their offsets; DeleteGroupsError lists every group's result. */
  deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]> {
    return this.groups.deleteGroups(groupIds);
  }

  /** A group's committed offsets (-1 where none). */
  fetchOffsets(options: { groupId: string; topics?: string[] }): Promise<CommittedTopicOffsets[]> {
    return this.groups.fetchOffsets(options);
  }

  /** Commits offsets for a group without active members. */
  setOffsets(options: SetOffsetsOptions): Promise<void> {
    return this.groups.setOffsets(options);
  }

  /** Moves a group's offsets of a topic to the log end, or with `earliest` to the log start. */
  resetOffsets(options: {
    groupId: string;
    topic: string;
    earliest?: boolean;
  }): Promise<{ partition: number; offset: number }[]> {
    return this.groups.resetOffsets(options);
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  /** Creates topics; resolves to false if one already existed (the others are created). */
  async createTopics(options: CreateTopicsOptions): Promise<boolean> {
    this.checkConnected();
    const topics = checkTopicConfigs(options);
    const timeout = timeoutOf(options.timeout);
    const validateOnly = options.validateOnly ?? false;
    const response = await this.controllerRequest(
      ApiKey.CreateTopics,
      {
        topics: topics.map((topic) => ({
          name: topic.topic,
          numPartitions: topic.numPartitions ?? -1,
          replicationFactor: topic.replicationFactor ?? -1,
          assignments: (topic.replicaAssignment ?? []).map((assignment) => ({
            partitionIndex: assignment.partition,
            brokerIds: assignment.replicas,
          })),
          configs: (topic.configEntries ?? []).map((entry) => ({
            name: entry.name,
            value: entry.value,
          })),
        })),
        timeoutMs: timeout,
        validateOnly,
      },
      (body) => body.topics,
    );
    const { controller, body } = response;
    throwTopicErrors(body.topics, controller, [TOPIC_ALREADY_EXISTS]);
    const existed = body.topics.some((topic) => topic.errorCode === TOPIC_ALREADY_EXISTS);
    const created = body.topics.filter((topic) => topic.errorCode === 0).map((topic) => topic.name);
    if (!validateOnly && (options.waitForLeaders ?? true) && created.length > 0) {
      await this.waitForLeaders(created, timeout);
    }
    return !existed;
  }

  /** Deletes topics (through the controller). */
  async deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void> {
    this.checkConnected();
    const topics = checkTopicNames(options?.topics, 'deleteTopics');
    const { controller, body } = await this.controllerRequest(
      ApiKey.DeleteTopics,
      { topicNames: topics, timeoutMs: timeoutOf(options.timeout) },
      (response) => response.responses,
    );
    this.cluster.removeTargetTopics(topics);
    throwTopicErrors(body.responses, controller, []);
  }

  /** Raises topics' partition counts (through the controller). */
  async createPartitions(options: CreatePartitionsOptions): Promise<void> {
    this.checkConnected();
    if (!Array.isArray(options?.topicPartitions) || options.topicPartitions.length === 0) {
      throw new SamsaError('createPartitions needs topicPartitions: [{ topic, count }]');
    }
    for (const entry of options.topicPartitions) {
      if (typeof entry?.topic !== 'string' || entry.topic === '') {
        throw new SamsaError('createPartitions needs a topic name in every entry');
      }
      if (!Number.isInteger(entry.count) || entry.count < 1) {
        throw new SamsaError(
          `createPartitions: count for topic ${entry.topic} must be a positive integer, got ${String(entry.count)}`,
        );
      }
    }
    const { controller, body } = await this.controllerRequest(
      ApiKey.CreatePartitions,
      {
        topics: options.topicPartitions.map((entry) => ({
          name: entry.topic,
          count: entry.count,
          assignments: (entry.assignments ?? []).map((brokerIds) => ({ brokerIds })),
        })),
        timeoutMs: timeoutOf(options.timeout),
        validateOnly: options.validateOnly ?? false,
      },
      (response) => response.results,
    );
    throwTopicErrors(body.results, controller, []);
    await this.cluster.refreshMetadata();
  }

  /**
   * Preferred or unclean leader elections (through the controller) for `topicPartitions`, or for
   * every partition (then only the partitions that had an election, or an error, are listed).
   */
  async electLeaders(options: ElectLeadersOptions): Promise<PartitionResult[]> {
    this.checkConnected();
    const electionType = options?.electionType;
    if (electionType !== 'PREFERRED' && electionType !== 'UNCLEAN') {
      throw new SamsaError(
        `electLeaders: electionType must be 'PREFERRED' or 'UNCLEAN', got ${String(electionType)}`,
      );
    }
    const topicPartitions =
      options.topicPartitions === undefined
        ? undefined
        : checkTopicPartitions(options.topicPartitions, 'electLeaders');
    const { controller, body } = await this.controllerRequest(
      ApiKey.ElectLeaders,
      {
        electionType: ELECTION_TYPE_IDS[electionType],
        topicPartitions: topicPartitions ?? [],
        allPartitions: topicPartitions === undefined,
        timeoutMs: timeoutOf(options.timeout),
      },
      (response) => [response],
    );
    throwTopLevelError(body, controller);
    return body.replicaElectionResults.flatMap((topic) =>
      topic.partitionResult.map((p) => ({
        topic: topic.topic,
        partition: p.partitionId,
        error: partitionError(p.errorCode, p.errorMessage, controller, topic.topic, p.partitionId),
      })),
    );
  }

  /**
   * Starts, changes or cancels (`replicas: null`) partition reassignments (through the
   * controller); resolves once the controller has started them, with each partition's outcome.
   */
  async alterPartitionReassignments(
    options: AlterPartitionReassignmentsOptions,
  ): Promise<PartitionResult[]> {
    this.checkConnected();
    const topics = checkReassignments(options);
    const { controller, body } = await this.controllerRequest(
      ApiKey.AlterPartitionReassignments,
      {
        timeoutMs: timeoutOf(options.timeout),
        topics: topics.map((t) => ({
          name: t.topic,
          partitions: t.partitionAssignment.map((p) => ({
            partitionIndex: p.partition,
            replicas: p.replicas ?? [],
            cancel: p.replicas === null,
          })),
        })),
      },
      (response) => [response],
    );
    throwTopLevelError(body, controller);
    return body.responses.flatMap((topic) =>
      topic.partitions.map((p) => ({
        topic: topic.name,
        partition: p.partitionIndex,
        error: partitionError(
          p.errorCode,
          p.errorMessage,
          controller,
          topic.name,
          p.partitionIndex,
        ),
      })),
    );
  }

  /** The reassignments in progress: all of them, or those of `topics`' partitions. */
  async listPartitionReassignments(
    options: { topics?: TopicPartitionList[]; timeout?: number } = {},
  ): Promise<ListPartitionReassignmentsResponse> {
    this.checkConnected();
    const topics =
      options.topics === undefined
        ? undefined
        : checkTopicPartitions(options.topics, 'listPartitionReassignments');
    const { controller, body } = await this.controllerRequest(
      ApiKey.ListPartitionReassignments,
      {
        timeoutMs: timeoutOf(options.timeout),
        topics: (topics ?? []).map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
        allTopics: topics === undefined,
      },
      (response) => [response],
    );
    throwTopLevelError(body, controller);
    return {
      topics: body.topics.map((topic) => ({
        topic: topic.name,
        partitions: topic.partitions.map((p) => ({
          partition: p.partitionIndex,
          replicas: [...p.replicas],
          addingReplicas: [...p.addingReplicas],
          removingReplicas: [...p.removingReplicas],
        })),
      })),
    };
  }

  /** Every topic's name, sorted. */
  async listTopics(): Promise<string[]> {
    this.checkConnected();
    const response = await this.cluster.fetchMetadata({ allTopics: true });
    return response.topics.map((topic) => topic.name).sort();
  }

  /** Partitions, leaders, replicas and ISR of `topics` (every topic when absent). */
  async fetchTopicMetadata(options: { topics?: string[] } = {}): Promise<{
    topics: { name: string; partitions: PartitionMetadata[] }[];
  }> {
    this.checkConnected();
    const topics =
      options.topics === undefined
        ? undefined
        : checkTopicNames(options.topics, 'fetchTopicMetadata');
    const response = await this.cluster.fetchMetadata(
      topics === undefined ? { allTopics: true } : { topics },
    );
    throwTopicErrors(response.topics, undefined, []);
    return {
      topics: response.topics.map((topic) => ({
        name: topic.name,
        partitions: (this.cluster.topic(topic.name)?.partitions ?? []).slice(),
      })),
    };
  }

  /** Brokers, controller and cluster id. */
  async describeCluster(): Promise<ClusterDescription> {
    this.checkConnected();
    const response = await this.cluster.fetchMetadata({ topics: [] });
    return {
      brokers: response.brokers
        .map((broker) => ({
          nodeId: broker.nodeId,
          host: broker.host,
          port: broker.port,
          rack: broker.rack ?? null,
        }))
        .sort((a, b) => a.nodeId - b.nodeId),
      controller: response.controllerId >= 0 ? response.controllerId : null,
      clusterId: response.clusterId ?? null,
    };
  }

  /** Per partition of `topic`: the latest offset (high watermark) and the earliest. */
  async fetchTopicOffsets(topic: string): Promise<TopicOffsets[]> {
    return partitionHighAndLow(this.cluster, topic, await this.partitionsOf(topic));
  }

  /** Per partition of `topic`: the first offset whose timestamp is at or after `timestamp`. */
  async fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: number }[]> {
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new SamsaError(`timestamp must be milliseconds since the epoch, got ${timestamp}`);
    }
    return partitionOffsetsAt(this.cluster, topic, await this.partitionsOf(topic), timestamp);
  }

  /** Configs of topics and brokers, with sources (and synonyms with includeSynonyms). */
  async describeConfigs(options: {
    resources: ResourceConfigQuery[];
    includeSynonyms?: boolean;
  }): Promise<DescribeConfigResponse> {
    this.checkConnected();
    const resources = checkResources(options?.resources, 'describeConfigs');
    const results = await this.perResourceBroker(resources, (list) =>
      this.requestResourceBroker(list, ApiKey.DescribeConfigs, {
        resources: list.map((resource) => ({
          resourceType: resource.type,
          resourceName: resource.name,
          configurationKeys: resource.configNames ?? [],
        })),
        includeSynonyms: options.includeSynonyms ?? false,
        includeDocumentation: false,
      }).then(({ broker, body }) => body.results.map((result) => ({ broker, result }))),
    );
    for (const { broker, result } of results) {
      throwResourceError(result, broker);
    }
    return {
      resources: results.map(({ result }) => ({
        resourceType: result.resourceType as number as ConfigResourceType,
        resourceName: result.resourceName,
        errorCode: result.errorCode,
        errorMessage: result.errorMessage ?? null,
        configEntries: result.configs.map((config) => ({
          configName: config.name,
          configValue: config.value ?? null,
          readOnly: config.readOnly,
          isDefault: (config.configSource as number) === 5,
          configSource: config.configSource as number as ConfigSourceId,
          isSensitive: config.isSensitive,
          configType: config.configType as number as ConfigTypeId,
          configSynonyms: config.synonyms.map((synonym) => ({
            configName: synonym.name,
            configValue: synonym.value ?? null,
            configSource: synonym.source as number as ConfigSourceId,
          })),
        })),
      })),
    };
  }

  /** Replaces the dynamic configs of topics and brokers. */
  async alterConfigs(options: {
    resources: IResourceConfig[];
    validateOnly?: boolean;
  }): Promise<AlterConfigsResponse> {
    this.checkConnected();
    const resources = checkResources(options?.resources, 'alterConfigs');
    for (const resource of resources) {
      if (!Array.isArray(resource.configEntries)) {
        throw new SamsaError(
          `alterConfigs: resource ${resource.name} needs configEntries: [{ name, value }]`,
        );
      }
    }
    const results = await this.perResourceBroker(resources, (list) =>
      this.requestResourceBroker(list, ApiKey.AlterConfigs, {
        resources: list.map((resource) => ({
          resourceType: resource.type,
          resourceName: resource.name,
          configs: resource.configEntries.map((entry) => ({
            name: entry.name,
            value: entry.value,
          })),
        })),
        validateOnly: options.validateOnly ?? false,
      }).then(({ broker, body }) => body.responses.map((result) => ({ broker, result }))),
    );
    for (const { broker, result } of results) throwResourceError(result, broker);
    return {
      resources: results.map(({ result }) => ({
        resourceType: result.resourceType as number as ConfigResourceType,
        resourceName: result.resourceName,
        errorCode: result.errorCode,
        errorMessage: result.errorMessage ?? null,
      })),
    };
  }

  private checkConnected(): void {
    if (!this.cluster.isConnected) {
      throw new SamsaError('the admin client is not connected: call await admin.connect() first');
    }
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    this.checkConnected();
    checkTopicNames([topic], 'fetchTopicOffsets');
    this.cluster.addTargetTopics([topic]);
    // A broker may not have the topic's metadata yet (just created: UpdateMetadata on its way):
    // UNKNOWN_TOPIC_OR_PARTITION and other retriable errors are retried with backoff.
    return retry(async () => {
      const response = await this.cluster.fetchMetadata({ topics: [topic] });
      throwTopicErrors(response.topics, undefined, []);
      const metadata = this.cluster.topic(topic);
      return (metadata?.partitions ?? []).map((partition) => partition.partitionId);
    }, this.cluster.retryOptions);
  }

  /**
   * Sends a request to the controller; NOT_CONTROLLER in `results` (or a lost connection, or no
   * controller known) refreshes the metadata and retries with backoff.
   */
  private async controllerRequest<K extends ApiKey>(
    apiKey: K,
    body: RequestInit<K>,
    results: (response: ResponseBody<K>) => readonly { readonly errorCode: number }[],
  ): Promise<{ controller: number; body: ResponseBody<K> }> {
    let refresh = false;
    return retry(
      async () => {
        if (refresh) {
          refresh = false;
          await this.cluster.refreshMetadata();
        }
        const controller = this.cluster.controllerId;
        if (controller < 0) {
          throw new KafkaError('NOT_CONTROLLER', 'no controller is known yet');
        }
        const response = await this.cluster.request(controller, apiKey, body);
        if (results(response).some((result) => result.errorCode === NOT_CONTROLLER)) {
          throw new KafkaError(
            'NOT_CONTROLLER',
            `broker ${controller} is no longer the controller`,
            {
              broker: controller,
            },
          );
        }
        return { controller, body: response };
      },
      this.cluster.retryOptions,
      {
        onRetry: (error) => {
          refresh = isStaleMetadataError(error);
        },
      },
    );
  }

  /** Splits resources by the broker that must answer for them, asks each, keeps input order. */
  private async perResourceBroker<R extends { type: ConfigResourceType; name: string }, T>(
    resources: readonly R[],
    ask: (list: R[]) => Promise<T[]>,
  ): Promise<T[]> {
    const groups = new Map<string, R[]>();
    for (const resource of resources) {
      const target =
        resource.type === ConfigResourceTypes.BROKER ||
        resource.type === ConfigResourceTypes.BROKER_LOGGER
          ? brokerIdOf(resource.name)
          : undefined;
      const groupKey = target === undefined ? 'any' : String(target);
      const list = groups.get(groupKey) ?? [];
      list.push(resource);
      groups.set(groupKey, list);
    }
    const answers = await Promise.all([...groups.values()].map(ask));
    const byResource = new Map<R, T>();
    [...groups.values()].forEach((list, index) => {
      list.forEach((resource, position) => byResource.set(resource, answers[index][position]));
    });
    return resources.map((resource) => byResource.get(resource) as T);
  }

  /** Sends to the broker named by the resources (all of one group), else to any broker. */
  private async requestResourceBroker<K extends ApiKey>(
    list: readonly { type: ConfigResourceType; name: string }[],
    apiKey: K,
    body: RequestInit<K>,
  ): Promise<{ broker: number | undefined; body: ResponseBody<K> }> {
    const first = list[0];
    const target =
      first.type === ConfigResourceTypes.BROKER || first.type === ConfigResourceTypes.BROKER_LOGGER
        ? brokerIdOf(first.name)
        : undefined;
    return retry(async () => {
      if (target !== undefined) {
        return { broker: target, body: await this.cluster.request(target, apiKey, body) };
      }
      return { broker: undefined, body: await this.cluster.requestAnyBroker(apiKey, body) };
    }, this.cluster.retryOptions);
  }

  /** Polls the metadata until every partition of `topics` has a leader, for up to `timeout`. */
  private async waitForLeaders(topics: string[], timeout: number): Promise<void> {
    const deadline = performance.now() + timeout;
    let pause = 20;
    for (;;) {
      const response = await this.cluster.fetchMetadata({ topics });
      let missing: ErrorContext | undefined;
      for (const topic of response.topics) {
        if (topic.errorCode !== 0 || topic.partitions.length === 0) {
          missing = { topic: topic.name };
          break;
        }
        const leaderless = topic.partitions.find((partition) => partition.leaderId < 0);
        if (leaderless !== undefined) {
          missing = { topic: topic.name, partition: leaderless.partitionIndex };
          break;
        }
      }
      if (missing === undefined) return;
      if (performance.now() + pause > deadline) {
        throw new KafkaError(
          'LEADER_NOT_AVAILABLE',
          `the new topic has no leader yet after ${timeout} ms`,
          missing,
        );
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 500);
    }
  }
}

function brokerIdOf(name: string): number | undefined {
  if (name === '') return undefined;
  if (!/^\d+$/.test(name)) {
    throw new SamsaError(`a BROKER config resource is named by a broker id, got "${name}"`);
  }
  return Number(name);
}

function timeoutOf(timeout: number | undefined): number {
  const value = timeout ?? 5000;
  if (!Number.isInteger(value) || value < 0) {
    throw new SamsaError(`timeout must be an integer number of ms >= 0, got ${String(timeout)}`);
  }
  return value;
}

function checkTopicNames(topics: unknown, operation: string): string[] {
  if (!Array.isArray(topics) || topics.length === 0) {
    throw new SamsaError(`${operation} needs a non-empty list of topic names`);
  }
  for (const topic of topics) {
    if (typeof topic !== 'string' || topic === '') {
      throw new SamsaError(
        `${operation}: topic names must be non-empty strings, got ${JSON.stringify(topic)}`,
      );
    }
  }
  if (new Set(topics).size !== topics.length) {
    throw new SamsaError(`${operation}: a topic is named twice`);
  }
  return topics as string[];
}

function checkTopicConfigs(options: CreateTopicsOptions): ITopicConfig[] {
  if (!Array.isArray(options?.topics) || options.topics.length === 0) {
    throw new SamsaError(
      'createTopics needs topics: [{ topic, numPartitions, replicationFactor }]',
    );
  }
  checkTopicNames(
    options.topics.map((topic) => topic?.topic),
    'createTopics',
  );
  for (const topic of options.topics) {
    for (const field of ['numPartitions', 'replicationFactor'] as const) {
      const value = topic[field];
      if (value !== undefined && value !== -1 && (!Number.isInteger(value) || value < 1)) {
        throw new SamsaError(
          `createTopics: ${field} of topic ${topic.topic} must be a positive integer, got ${String(value)}`,
        );
      }
    }
  }
  return options.topics;
}

/** Throws the first topic error other than the `allowed` codes, naming the others. */
function throwTopicErrors(
  results: readonly TopicResult[],
  broker: number | undefined,
  allowed: readonly number[],
): void {
  const failed = results.filter(
    (result) => result.errorCode !== 0 && !allowed.includes(result.errorCode),
  );
  if (failed.length === 0) return;
  const [first, ...others] = failed;
  const more =
    others.length === 0
      ? ''
      : `; also failed: ${others.map((other) => `${other.name} (${errorByCode(other.errorCode).name})`).join(', ')}`;
  throw KafkaError.fromCode(
    first.errorCode,
    `${first.errorMessage ?? errorByCode(first.errorCode).message}${more}`,
    { broker, topic: first.name },
  );
}

/** Throws a request-level error (the controller's answer for the whole request). */
function throwTopLevelError(
  body: { errorCode: number; errorMessage?: string | null },
  broker: number,
): void {
  if (body.errorCode !== 0) {
    throw KafkaError.fromCode(body.errorCode, body.errorMessage ?? undefined, { broker });
  }
}

function partitionError(
  code: number,
  message: string | null | undefined,
  broker: number,
  topic: string,
  partition: number,
): KafkaError | null {
  return code === 0
    ? null
    : KafkaError.fromCode(code, message ?? undefined, { broker, topic, partition });
}

function checkPartitionId(value: unknown, operation: string, topic: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) {
    throw new SamsaError(
      `${operation}: partitions of topic ${topic} must be integers >= 0, got ${JSON.stringify(value)}`,
    );
  }
  return value as number;
}

function checkTopicPartitions(list: unknown, operation: string): TopicPartitionList[] {
  if (!Array.isArray(list)) {
    throw new SamsaError(`${operation} needs topic partitions: [{ topic, partitions: [0, 1] }]`);
  }
  for (const entry of list as Partial<TopicPartitionList>[]) {
    if (typeof entry?.topic !== 'string' || entry.topic === '') {
      throw new SamsaError(`${operation}: every entry needs a topic name`);
    }
    if (!Array.isArray(entry.partitions)) {
      throw new SamsaError(`${operation}: topic ${entry.topic} needs partitions: [0, 1, ...]`);
    }
    for (const partition of entry.partitions) checkPartitionId(partition, operation, entry.topic);
  }
  return list as TopicPartitionList[];
}

function checkReassignments(
  options: AlterPartitionReassignmentsOptions,
): AlterPartitionReassignmentsOptions['topics'] {
  const operation = 'alterPartitionReassignments';
  if (!Array.isArray(options?.topics) || options.topics.length === 0) {
    throw new SamsaError(
      `${operation} needs topics: [{ topic, partitionAssignment: [{ partition, replicas }] }]`,
    );
  }
  for (const entry of options.topics) {
    if (typeof entry?.topic !== 'string' || entry.topic === '') {
      throw new SamsaError(`${operation}: every entry needs a topic name`);
    }
    if (!Array.isArray(entry.partitionAssignment)) {
      throw new SamsaError(`${operation}: topic ${entry.topic} needs partitionAssignment`);
    }
    for (const p of entry.partitionAssignment) {
      checkPartitionId(p?.partition, operation, entry.topic);
      const replicas: unknown = p.replicas;
      if (
        replicas !== null &&
        (!Array.isArray(replicas) || replicas.some((r) => !Number.isInteger(r)))
      ) {
        throw new SamsaError(
          `${operation}: replicas of ${entry.topic}-${p.partition} must be a list of broker ids, or null to cancel`,
        );
      }
    }
  }
  return options.topics;
}

function throwResourceError(
  result: {
    errorCode: number;
    errorMessage?: string | null;
    resourceType: number;
    resourceName: string;
  },
  broker: number | undefined,
): void {
  if (result.errorCode === 0) return;
  const context: ErrorContext =
    result.resourceType === ConfigResourceTypes.TOPIC
      ? { broker, topic: result.resourceName }
      : { broker: broker ?? result.resourceName };
  throw KafkaError.fromCode(result.errorCode, result.errorMessage ?? undefined, context);
}

function checkResources<R extends { type: ConfigResourceType; name: string }>(
  resources: R[] | undefined,
  operation: string,
): R[] {
  if (!Array.isArray(resources) || resources.length === 0) {
    throw new SamsaError(`${operation} needs resources: [{ type, name }]`);
  }
  for (const resource of resources) {
    if (!isConfigResourceType(resource?.type)) {
      throw new SamsaError(
        `${operation}: resource type must be ConfigResourceTypes.TOPIC, BROKER or BROKER_LOGGER, got ${String(resource?.type)}`,
      );
    }
    if (typeof resource.name !== 'string') {
      throw new SamsaError(`${operation}: every resource needs a name`);
    }
  }
  return resources;
}
