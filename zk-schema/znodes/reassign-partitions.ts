/**
 * `/admin/reassign_partitions` (persistent, transient): a ZooKeeper-delivered reassignment
 * request, deprecated since 2.4 in favour of AlterPartitionReassignments (KIP-455).
 * Kafka: `ReassignPartitionsZNode`.
 *
 * Payload, version 1:
 *   {"version":1,"partitions":[{"topic":"orders","partition":0,"replicas":[4,5,6]}]}
 * Written (create; fails if a reassignment is pending) by `reassign-partitions --zookeeper`. The
 * controller keeps an exists-watch on it; as partitions complete it rewrites the node without
 * them and deletes it when none are left, both fenced by the `/controller_epoch` zkVersion.
 */
import { JsonObject, NON_NEGATIVE_INT32, encodeVerified, parseJsonObject } from '../json';
import { adminPath } from './delete-topics';
import { ZnodeMode } from './mode';
import {
  TopicPartition,
  readDistinct,
  readTopicPartition,
  topicPartitionJson,
} from './topic-partition';

export const MODE: ZnodeMode = 'persistent';
export const VERSION = 1;

export interface PartitionReassignment extends TopicPartition {
  /** The target replicas, preferred leader first. */
  replicas: number[];
}

export interface ReassignmentRequest {
  partitions: PartitionReassignment[];
}

/** `/admin/reassign_partitions`. */
export function path(): string {
  return `${adminPath()}/reassign_partitions`;
}

export function encode(value: ReassignmentRequest): Buffer {
  return encodeVerified(
    {
      version: VERSION,
      partitions: value.partitions.map((p) => ({ ...topicPartitionJson(p), replicas: p.replicas })),
    },
    path(),
    decode,
  );
}

export function decode(bytes: Buffer, where = path()): ReassignmentRequest {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  return { partitions: readDistinct(json.get('partitions'), readReassignment) };
}

function readReassignment(entry: JsonObject): PartitionReassignment {
  const replicas = entry.get('replicas');
  const list = replicas.distinctIntArray(NON_NEGATIVE_INT32);
  if (list.length === 0) throw replicas.error('empty replica list');
  return { ...readTopicPartition(entry), replicas: list };
}
