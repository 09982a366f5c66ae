/**
 * The client's view of the cluster, as Metadata responses describe it: brokers by node id, the
 * controller, the cluster id, and per topic its partitions with leader, replicas and ISR (field
 * names as KafkaJS's `fetchTopicMetadata` returns them). Also which errors mean that this view is
 * stale and must be refreshed before a retry.
 */
import { KafkaError } from '../errors';
import type { ResponseBody } from '../protocol/apis';
import type { ApiKey } from '../protocol/apis';
import type { ErrorName } from '../protocol/error-codes';

export interface BrokerMetadata {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly rack: string | null;
}

export interface PartitionMetadata {
  readonly partitionErrorCode: number;
  readonly partitionId: number;
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
}

export interface TopicMetadata {
  readonly name: string;
  /** NONE (0), or the topic-level error (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE...). */
  readonly errorCode: number;
  readonly isInternal: boolean;
  /** Sorted by partitionId; Kafka numbers partitions 0..n-1, so index = partition id. */
  readonly partitions: readonly PartitionMetadata[];
}

type MetadataResponse = ResponseBody<typeof ApiKey.Metadata>;

export function brokersOf(response: MetadataResponse): BrokerMetadata[] {
  return response.brokers.map((broker) => ({
    nodeId: broker.nodeId,
    host: broker.host,
    port: broker.port,
    rack: broker.rack ?? null,
  }));
}

export function topicOf(topic: MetadataResponse['topics'][number]): TopicMetadata {
  const partitions = topic.partitions
    .map((partition): PartitionMetadata => ({
      partitionErrorCode: partition.errorCode,
      partitionId: partition.partitionIndex,
      leader: partition.leaderId,
      leaderEpoch: partition.leaderEpoch,
      replicas: partition.replicaNodes,
      isr: partition.isrNodes,
      offlineReplicas: partition.offlineReplicas,
    }))
    .sort((a, b) => a.partitionId - b.partitionId);
  return { name: topic.name, errorCode: topic.errorCode, isInternal: topic.isInternal, partitions };
}

/**
 * Errors after which the client's metadata is probably wrong (leadership moved, a topic was
 * created or deleted, a broker went away, the controller moved): refresh before retrying.
 */
const STALE_METADATA: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'NOT_LEADER_OR_FOLLOWER',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'REPLICA_NOT_AVAILABLE',
  'KAFKA_STORAGE_ERROR',
  'NOT_CONTROLLER',
  'NETWORK_EXCEPTION',
]);

export function isStaleMetadataError(error: unknown): boolean {
  return error instanceof KafkaError && STALE_METADATA.has(error.type);
}
