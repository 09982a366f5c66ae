/**
 * An in-memory stand-in for the admin operations `samsa reassign-partitions` uses: topics with
 * their replica lists, the live brokers, the reassignments in progress, and a record of the
 * reassignment requests. An alter request for a partition named in `failures` is answered with
 * that error.
 */
import { KafkaError } from '../../../../client/errors';
import type {
  AlterPartitionReassignmentsOptions,
  ListPartitionReassignmentsResponse,
  PartitionReassignment,
  PartitionResult,
  TopicPartitionList,
} from '../../../../client/admin/admin';
import type { ReassignAdmin } from '../../../../ops/tools/reassign-partitions/reassign-command';

export class FakeReassignAdmin implements ReassignAdmin {
  readonly topics = new Map<string, number[][]>();
  brokers = [1, 2, 3];
  /** `t-0` → the reassignment in progress. */
  readonly ongoing = new Map<string, PartitionReassignment & { topic: string }>();
  readonly failures = new Map<string, KafkaError>();
  readonly alterRequests: AlterPartitionReassignmentsOptions['topics'][] = [];
  readonly listRequests: (TopicPartitionList[] | undefined)[] = [];
  connected = false;

  async connect(): Promise<void> {
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  async describeCluster(): Promise<{ brokers: { nodeId: number }[] }> {
    return { brokers: this.brokers.map((nodeId) => ({ nodeId })) };
  }

  async fetchTopicMetadata(options: { topics: string[] }) {
    return {
      topics: options.topics.map((name) => {
        const partitions = this.topics.get(name);
        if (partitions === undefined) {
          throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', undefined, { topic: name });
        }
        return {
          name,
          partitions: partitions.map((replicas, partitionId) => ({ partitionId, replicas })),
        };
      }),
    };
  }

  async listPartitionReassignments(
    options: { topics?: TopicPartitionList[] } = {},
  ): Promise<ListPartitionReassignmentsResponse> {
    this.listRequests.push(options.topics);
    const wanted = (topic: string, partition: number): boolean =>
      options.topics === undefined ||
      options.topics.some((t) => t.topic === topic && t.partitions.includes(partition));
    const byTopic = new Map<string, PartitionReassignment[]>();
    for (const r of this.ongoing.values()) {
      if (!wanted(r.topic, r.partition)) continue;
      const { topic, ...rest } = r;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), rest]);
    }
    return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
  }

  async alterPartitionReassignments(
    options: AlterPartitionReassignmentsOptions,
  ): Promise<PartitionResult[]> {
    this.alterRequests.push(options.topics);
    return options.topics.flatMap((t) =>
      t.partitionAssignment.map((p) => ({
        topic: t.topic,
        partition: p.partition,
        error: this.failures.get(`${t.topic}-${p.partition}`) ?? null,
      })),
    );
  }
}
