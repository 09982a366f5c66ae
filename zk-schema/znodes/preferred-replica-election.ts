/**
 * `/admin/preferred_replica_election` (persistent, transient): a ZooKeeper-delivered request to
 * move leadership back to the preferred replicas (2.4+ tools use ElectLeaders, KIP-460).
 * Kafka: `PreferredReplicaElectionZNode`.
 *
 * Payload, version 1:
 *   {"version":1,"partitions":[{"topic":"orders","partition":0}]}
 * Written (create) by the `--zookeeper` preferred-election tool. The controller keeps an
 * exists-watch on it and, after the elections, deletes it (fenced by the `/controller_epoch`
 * zkVersion) and re-arms the watch.
 */
import { encodeVerified, parseJsonObject } from '../json';
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

export interface PreferredReplicaElectionRequest {
  partitions: TopicPartition[];
}

/** `/admin/preferred_replica_election`. */
export function path(): string {
  return `${adminPath()}/preferred_replica_election`;
}

export function encode(value: PreferredReplicaElectionRequest): Buffer {
  return encodeVerified(
    { version: VERSION, partitions: value.partitions.map(topicPartitionJson) },
    path(),
    decode,
  );
}

export function decode(bytes: Buffer, where = path()): PreferredReplicaElectionRequest {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  return { partitions: readDistinct(json.get('partitions'), readTopicPartition) };
}
