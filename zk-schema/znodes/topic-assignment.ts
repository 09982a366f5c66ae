/**
 * `/brokers/topics/<topic>` (persistent): a topic's replica assignment. Kafka: `TopicsZNode`,
 * `TopicZNode`.
 *
 * Created (fails if it exists) by topic creation: the controller broker for CreateTopics, any
 * broker for auto-creation, or a tool; `/config/topics/<topic>` is written first. Adding
 * partitions rewrites it unconditionally; the controller's own writes (reassignment bookkeeping,
 * topic ids) are fenced by the `/controller_epoch` zkVersion. The controller watches the children
 * of `/brokers/topics` (TopicChange) and each topic's data (PartitionModifications).
 *
 * Payload versions (all decoded):
 *   v1 (2.0-2.3)  {"version":1,"partitions":{"0":[3,1,2],"1":[1,2,3]}}
 *   v2 (2.4-2.7)  + "adding_replicas":{...},"removing_replicas":{...}  (same shape; {} when idle)
 *   v3 (2.8)      + "topic_id":"<22-char base64 uuid>"                 (KIP-516)
 * samsa writes v2, or v3 when the topic has an id (Kafka 2.8 with IBP >= 2.8). A replica list
 * is ordered: the first replica is the preferred leader. Missing adding/removing maps mean empty;
 * entries for partitions not in `partitions` are ignored, as Kafka ignores them.
 */
import {
  JsonObject,
  JsonValue,
  NON_NEGATIVE_INT32,
  encodeVerified,
  parseJsonObject,
} from '../json';
import { brokersPath } from './broker-registration';
import { isBase64Uuid } from './base64-uuid';
import { ZnodeMode } from './mode';
import { isCanonicalId, validateTopicName } from './names';

export const MODE: ZnodeMode = 'persistent';
export const ACCEPTED_VERSIONS: readonly number[] = [1, 2, 3];

/** One partition's replicas; during a reassignment `replicas` is the union of old and new. */
export interface ReplicaAssignment {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface TopicAssignment {
  /** The topic id (22-char base64 UUID), when the topic has one (v3). */
  topicId?: string;
  /** Partition id → assignment. */
  partitions: Map<number, ReplicaAssignment>;
}

/** `/brokers/topics` (no data): its children are the topics. */
export function topicsPath(): string {
  return `${brokersPath()}/topics`;
}

/** `/brokers/topics/<topic>`. */
export function path(topic: string): string {
  return `${topicsPath()}/${validateTopicName(topic)}`;
}

/** The topic named by a child of `/brokers/topics` (INVALID_TOPIC_EXCEPTION if illegal). */
export function parseChildName(name: string): string {
  return validateTopicName(name);
}

export function encode(value: TopicAssignment): Buffer {
  const entries = [...value.partitions].sort(([a], [b]) => a - b);
  const json: Record<string, unknown> = {
    version: value.topicId === undefined ? 2 : 3,
    partitions: Object.fromEntries(entries.map(([p, a]) => [String(p), a.replicas])),
    adding_replicas: Object.fromEntries(
      entries
        .filter(([, a]) => a.addingReplicas.length > 0)
        .map(([p, a]) => [String(p), a.addingReplicas]),
    ),
    removing_replicas: Object.fromEntries(
      entries
        .filter(([, a]) => a.removingReplicas.length > 0)
        .map(([p, a]) => [String(p), a.removingReplicas]),
    ),
  };
  if (value.topicId !== undefined) json.topic_id = value.topicId;
  return encodeVerified(json, '/brokers/topics/<topic>', decode);
}

export function decode(bytes: Buffer, where = '/brokers/topics/<topic>'): TopicAssignment {
  const json = parseJsonObject(bytes, where);
  json.version(ACCEPTED_VERSIONS);
  const adding = optionalReplicaMap(json, 'adding_replicas');
  const removing = optionalReplicaMap(json, 'removing_replicas');
  const partitions = new Map<number, ReplicaAssignment>();
  for (const [key, replicas] of json.get('partitions').object().entries()) {
    const partition = partitionId(key, replicas);
    const list = replicas.distinctIntArray(NON_NEGATIVE_INT32);
    if (list.length === 0) throw replicas.error('empty replica list');
    partitions.set(partition, {
      replicas: list,
      addingReplicas: adding.get(key) ?? [],
      removingReplicas: removing.get(key) ?? [],
    });
  }
  const result: TopicAssignment = { partitions };
  const topicId = json.opt('topic_id');
  if (topicId !== undefined) {
    const id = topicId.string();
    if (!isBase64Uuid(id))
      throw topicId.error(`expected a 22-character base64 UUID, got ${JSON.stringify(id)}`);
    result.topicId = id;
  }
  return result;
}

function optionalReplicaMap(json: JsonObject, key: string): Map<string, number[]> {
  const result = new Map<string, number[]>();
  const field = json.opt(key);
  if (field === undefined) return result;
  for (const [partition, replicas] of field.object().entries()) {
    partitionId(partition, replicas);
    result.set(partition, replicas.distinctIntArray(NON_NEGATIVE_INT32));
  }
  return result;
}

function partitionId(key: string, field: JsonValue): number {
  if (!isCanonicalId(key))
    throw field.error(`partition id ${JSON.stringify(key)} is not a canonical id`);
  return Number(key);
}
