/**
 * Kafka's rack-unaware replica assignment (`AdminUtils.assignReplicasToBrokersRackUnaware`): which
 * brokers host the replicas of each new partition, preferred leader first. Used by whoever creates
 * a topic or adds partitions (broker/admin: CreateTopics, auto-creation, CreatePartitions); the
 * controller only reads the result from `/brokers/topics/<topic>`.
 *
 * The algorithm, over the broker ids sorted ascending (Kafka's AdminZkClient sorts them by id):
 * - the first replica of partition p is broker[(p + startIndex) % n]: leaders go round-robin from
 *   a random start, so leadership spreads evenly;
 * - the other replicas follow the first at a distance of `1 + (shift + j) % (n - 1)` (j = 0, 1,
 *   ...), where `shift` starts random and grows by one every time p wraps round the broker list
 *   (every n partitions), so the followers of one broker's partitions are spread as well.
 * `startIndex` and the initial `shift` are both random, or both `fixedStartIndex` when it is >= 0
 * (tests, and Kafka's documented examples). When partitions are added to an existing topic,
 * `startPartitionId` is the first new partition id and the numbering continues from it.
 *
 * Example from Kafka's AdminUtils, 5 brokers, 10 partitions, RF 3, fixed start 0:
 *   broker-0  broker-1  broker-2  broker-3  broker-4
 *   p0        p1        p2        p3        p4       (1st replica)
 *   p5        p6        p7        p8        p9       (1st replica)
 *   p4        p0        p1        p2        p3       (2nd replica)
 *   p8        p9        p5        p6        p7       (2nd replica)
 *   p3        p4        p0        p1        p2       (3rd replica)
 *   p7        p8        p9        p5        p6       (3rd replica)
 */
import { randomInt } from 'node:crypto';
import { KafkaError } from '../../client/errors';

/** Partition id → replica broker ids, preferred leader first. */
export type PartitionAssignment = Map<number, number[]>;

/**
 * Assigns `nPartitions` partitions of `replicationFactor` replicas over `brokerIds`. Throws a
 * KafkaError with Kafka's wording: INVALID_PARTITIONS for fewer than one partition,
 * INVALID_REPLICATION_FACTOR for a factor below one or above the number of brokers,
 * INVALID_REPLICA_ASSIGNMENT for a bad or duplicate broker id.
 */
export function assignReplicasToBrokers(
  brokerIds: readonly number[],
  nPartitions: number,
  replicationFactor: number,
  fixedStartIndex = -1,
  startPartitionId = -1,
): PartitionAssignment {
  if (!Number.isInteger(nPartitions) || nPartitions <= 0) {
    throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
  }
  if (!Number.isInteger(replicationFactor) || replicationFactor <= 0) {
    throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
  }
  if (replicationFactor > brokerIds.length) {
    throw new KafkaError(
      'INVALID_REPLICATION_FACTOR',
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokerIds.length}.`,
    );
  }
  const brokers = sortedDistinctIds(brokerIds);
  const n = brokers.length;
  const startIndex = fixedStartIndex >= 0 ? fixedStartIndex : randomInt(n);
  let shift = fixedStartIndex >= 0 ? fixedStartIndex : randomInt(n);
  let partition = Math.max(0, startPartitionId);
  const assignment: PartitionAssignment = new Map();
  for (let i = 0; i < nPartitions; i++) {
    if (partition > 0 && partition % n === 0) shift += 1;
    const first = (partition + startIndex) % n;
    const replicas = [brokers[first]];
    for (let j = 0; j < replicationFactor - 1; j++) {
      replicas.push(brokers[replicaIndex(first, shift, j, n)]);
    }
    assignment.set(partition, replicas);
    partition += 1;
  }
  return assignment;
}

/** The index of replica `j + 2` (j = 0 is the second replica) of a partition whose first is `first`. */
export function replicaIndex(
  first: number,
  secondReplicaShift: number,
  j: number,
  nBrokers: number,
): number {
  const shift = 1 + ((secondReplicaShift + j) % (nBrokers - 1));
  return (first + shift) % nBrokers;
}

function sortedDistinctIds(brokerIds: readonly number[]): number[] {
  const seen = new Set<number>();
  for (const id of brokerIds) {
    if (!Number.isInteger(id) || id < 0) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `invalid broker id ${String(id)}`);
    }
    if (seen.has(id)) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `broker id ${id} is listed twice`);
    }
    seen.add(id);
  }
  return [...seen].sort((a, b) => a - b);
}
