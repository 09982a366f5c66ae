/**
 * The checks topic creation and partition addition make before anything is written to
 * ZooKeeper, worded as Kafka's AdminZkClient / ZkAdminManager word them:
 * - topic names, beyond the legal characters and length (zk-schema's `validateTopicName`):
 *   Kafka's metric-name collision rule — `.` and `_` are the same character in metric names, so
 *   `a.b` and `a_b` collide. A name using either character gets a warning; a name that collides
 *   with an existing topic is refused (INVALID_TOPIC_EXCEPTION);
 * - explicit replica assignments: partitions numbered 0, 1, ... without gaps, the same number of
 *   replicas for every partition, no broker twice in one partition, only known brokers →
 *   INVALID_REPLICA_ASSIGNMENT (Kafka's CreateTopics does not check that the brokers exist; samsa
 *   does, so a typo cannot create a partition that can never come online).
 */
import { KafkaError } from '../../client/errors';

/** Partition id → replica broker ids, preferred leader first. */
export type Assignment = Map<number, number[]>;

/** Kafka's warning (TopicCommand) for a name that uses '.' or '_'. */
export const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') " +
  'could collide. To avoid issues it is best to use either, but not both.';

/** True when the name has a character that may collide in metric names ('.' or '_'). */
export function hasCollisionChars(name: string): boolean {
  return name.includes('.') || name.includes('_');
}

/** True when two different names become the same metric name. */
export function collides(a: string, b: string): boolean {
  return a !== b && a.replace(/\./g, '_') === b.replace(/\./g, '_');
}

/** Throws INVALID_TOPIC_EXCEPTION when `name` collides with one of `existing`. */
export function checkCollisions(name: string, existing: Iterable<string>): void {
  const colliding = [...existing].filter((other) => collides(name, other)).sort();
  if (colliding.length > 0) {
    throw new KafkaError(
      'INVALID_TOPIC_EXCEPTION',
      `Topic '${name}' collides with existing topics: ${colliding.join(', ')}`,
    );
  }
}

/**
 * Checks an explicit assignment of a new topic: consecutive partition ids from 0, one
 * replication factor, distinct replicas, known brokers.
 */
export function validateTopicAssignment(
  assignment: Assignment,
  brokerIds: ReadonlySet<number>,
): void {
  if (assignment.size === 0) {
    throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'The replica assignment is empty.');
  }
  const factors = new Set([...assignment.values()].map((replicas) => replicas.length));
  if (factors.size !== 1) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      'All partitions should have the same number of replicas',
    );
  }
  for (const [partition, replicas] of assignment) {
    checkReplicas(partition, replicas, brokerIds);
  }
  checkConsecutive([...assignment.keys()], 0);
}

/**
 * Checks the assignment of partitions added to a topic (Kafka's `validateReplicaAssignment`):
 * ids continue from `firstNewPartition` without gaps, each partition has `replicationFactor`
 * distinct replicas on known brokers.
 */
export function validateNewPartitionsAssignment(
  assignment: Assignment,
  replicationFactor: number,
  firstNewPartition: number,
  brokerIds: ReadonlySet<number>,
): void {
  for (const [partition, replicas] of assignment) {
    checkReplicas(partition, replicas, brokerIds);
    if (replicas.length !== replicationFactor) {
      throw new KafkaError(
        'INVALID_REPLICA_ASSIGNMENT',
        `Inconsistent replication factor between partitions, partition 0 has ` +
          `${replicationFactor} while partition ${partition} has ${replicas.length} replicas.`,
      );
    }
  }
  checkConsecutive([...assignment.keys()], firstNewPartition);
}

function checkReplicas(
  partition: number,
  replicas: readonly number[],
  brokerIds: ReadonlySet<number>,
): void {
  if (replicas.length === 0) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      `Cannot have replication factor of 0 for partition id ${partition}.`,
    );
  }
  if (new Set(replicas).size !== replicas.length) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')} for partition id ${partition}.`,
    );
  }
  const unknown = replicas.filter((id) => !brokerIds.has(id));
  if (unknown.length > 0) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      `Unknown broker(s) in replica assignment for partition id ${partition}: ${unknown.join(', ')}. ` +
        `Available brokers: ${[...brokerIds].sort((a, b) => a - b).join(', ')}.`,
    );
  }
}

function checkConsecutive(partitions: number[], first: number): void {
  const sorted = [...partitions].sort((a, b) => a - b);
  if (sorted.some((p, i) => p !== first + i)) {
    throw new KafkaError(
      'INVALID_REPLICA_ASSIGNMENT',
      first === 0
        ? 'partitions should be a consecutive 0-based integer sequence'
        : `partitions should be a consecutive integer sequence starting at ${first}`,
    );
  }
}
