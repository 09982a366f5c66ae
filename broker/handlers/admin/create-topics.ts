/**
 * CreateTopics (api key 19), answered by the active controller only (NOT_CONTROLLER elsewhere,
 * as Kafka 2.8 in ZooKeeper mode). For each topic, in Kafka's order of checks:
 * - named twice in the request → INVALID_REQUEST; already in the metadata cache →
 *   TOPIC_ALREADY_EXISTS; a config without a value → INVALID_REQUEST; both a partition count or
 *   replication factor and an explicit assignment → INVALID_REQUEST;
 * - -1 partitions / replication factor mean `num.partitions` / `default.replication.factor`;
 * - then broker/admin/admin-zk.ts `createTopic` checks the rest (name, counts against the live
 *   brokers, assignment, configs) and writes `/config/topics/<t>` and `/brokers/topics/<t>`
 *   (nothing with `validate_only`).
 * A successful entry carries the partition count, replication factor and every topic config with
 * its source. The response then waits (Kafka's DelayedCreatePartitions) until the metadata cache
 * shows a leader for every new partition, at most `timeout_ms`; topics still without leaders get
 * REQUEST_TIMED_OUT — they are created all the same, the controller just has not finished.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey, type RequestBody } from '../../../client/protocol/apis';
import type { samsa } from '../../../client/protocol/generated/messages';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { createTopic, type Assignment, type TopicLayout } from '../../admin/admin-zk';
import { ApiError, apiError, errorOf } from './api-error';
import { allHaveLeaders, awaitMetadata } from './await-metadata';
import { createTopicConfigEntries } from './config-response';

type Result = samsa.CreateTopicsResponse.Topic.$Properties;
type TopicRequest = RequestBody<typeof ApiKey.CreateTopics>['topics'][number];

/** Kafka's "use the broker default" for num_partitions and replication_factor. */
const DEFAULT = -1;

export function createTopicsHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.CreateTopics> {
  const cache = services.metadataCache;
  return async (request) => {
    if (!services.controller.isActive()) {
      return { topics: request.topics.map((t) => failed(t.name, errorOf('NOT_CONTROLLER'))) };
    }
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const created: { name: string; partitions: number[] }[] = [];
    const results: Result[] = [];
    for (const topic of request.topics) {
      if ((counts.get(topic.name) ?? 0) > 1) {
        results.push(
          failed(topic.name, errorOf('INVALID_REQUEST', 'Found multiple entries for this topic.')),
        );
        continue;
      }
      const result = await createOne(services, topic, request.validateOnly, log);
      results.push(result.response);
      if (result.partitions !== undefined) {
        created.push({ name: topic.name, partitions: result.partitions });
      }
    }
    if (request.validateOnly || created.length === 0) return { topics: results };

    const allLeaders = (): boolean =>
      created.every((t) => allHaveLeaders(cache, t.name, t.partitions));
    await awaitMetadata(cache, allLeaders, request.timeoutMs);
    for (const result of results) {
      const topic = created.find((t) => t.name === result.name);
      if (topic !== undefined && !allHaveLeaders(cache, topic.name, topic.partitions)) {
        Object.assign(result, errorOf('REQUEST_TIMED_OUT'));
      }
    }
    return { topics: results };
  };
}

async function createOne(
  services: BrokerServices,
  topic: TopicRequest,
  validateOnly: boolean,
  log: Logger,
): Promise<{ response: Result; partitions?: number[] }> {
  const name = topic.name;
  if (services.metadataCache.hasTopic(name)) {
    return {
      response: failed(name, errorOf('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`)),
    };
  }
  const nullConfigs = topic.configs.filter((c) => c.value === undefined || c.value === null);
  if (nullConfigs.length > 0) {
    const names = nullConfigs.map((c) => c.name).join(',');
    return {
      response: failed(
        name,
        errorOf('INVALID_REQUEST', `Null value not supported for topic configs : ${names}`),
      ),
    };
  }
  const hasAssignments = topic.assignments.length > 0;
  // With assignments, 0 counts as unset too: proto3 cannot tell an omitted field from 0, and 0
  // is never a valid count anyway.
  const unset = (n: number): boolean => n === DEFAULT || n === 0;
  if (hasAssignments && !(unset(topic.numPartitions) && unset(topic.replicationFactor))) {
    return {
      response: failed(
        name,
        errorOf(
          'INVALID_REQUEST',
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
        ),
      ),
    };
  }
  let layout: TopicLayout;
  if (hasAssignments) {
    const assignment: Assignment = new Map();
    for (const a of topic.assignments) {
      if (assignment.has(a.partitionIndex)) {
        return {
          response: failed(
            name,
            errorOf(
              'INVALID_REPLICA_ASSIGNMENT',
              `Partition ${a.partitionIndex} is assigned twice.`,
            ),
          ),
        };
      }
      assignment.set(a.partitionIndex, [...a.brokerIds]);
    }
    layout = { replicaAssignment: assignment };
  } else {
    layout = {
      numPartitions:
        topic.numPartitions === DEFAULT ? services.config.numPartitions : topic.numPartitions,
      replicationFactor:
        topic.replicationFactor === DEFAULT
          ? services.config.defaultReplicationFactor
          : topic.replicationFactor,
    };
  }
  const configs = new Map(topic.configs.map((c) => [c.name, c.value as string]));
  try {
    const liveBrokers = services.metadataCache.aliveBrokers().map((b) => b.id);
    const result = await createTopic(services, name, layout, configs, liveBrokers, {
      validateOnly,
    });
    return {
      response: {
        name,
        errorCode: 0,
        numPartitions: result.assignment.size,
        replicationFactor: result.assignment.get(0)?.length ?? DEFAULT,
        configs: createTopicConfigEntries(result.config.entries()),
      },
      partitions: [...result.assignment.keys()],
    };
  } catch (error) {
    return { response: failed(name, apiError(error, log, `CreateTopics for topic ${name}`)) };
  }
}

function failed(name: string, error: ApiError): Result {
  const result: Result = {
    name,
    errorCode: error.errorCode,
    numPartitions: DEFAULT,
    replicationFactor: DEFAULT,
    configs: [],
  };
  if (error.errorMessage !== null) result.errorMessage = error.errorMessage;
  return result;
}
