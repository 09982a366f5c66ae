/**
 * `/brokers/topics/<topic>/partitions/<p>/state` (persistent): a partition's leader and ISR.
 * Kafka: `TopicPartitionsZNode`, `TopicPartitionZNode`, `TopicPartitionStateZNode`.
 *
 * Payload, version 1 in all of 2.x:
 *   {"controller_epoch":7,"leader":1,"version":1,"leader_epoch":12,"isr":[1,3]}
 * - `leader`: a broker id, or -1 (`NO_LEADER`) for an offline partition. When the last ISR member
 *   goes offline the controller keeps it in `isr` and writes leader -1.
 * - `leader_epoch`: +1 on every controller decision (new leader, controller ISR shrink,
 *   reassignment step); ISR changes made by the leader keep it.
 * - `controller_epoch`: the epoch of the controller whose leadership decision is in force.
 * - `isr`: in-sync replica ids; their order carries no meaning.
 * The znode's **zkVersion** is the compare-and-set token of every leader/ISR change and is shipped
 * to brokers in LeaderAndIsr/UpdateMetadata. The controller creates `partitions`, `partitions/<p>`
 * (no data) and `state` fenced by the `/controller_epoch` zkVersion, and sets `state` with both
 * the partition zkVersion and the epoch check in one multi; leaders (IBP < 2.7-IV2) set it with
 * the partition zkVersion only. Brokers never watch it.
 */
import { BROKER_ID_OR_NONE, NON_NEGATIVE_INT32, encodeVerified, parseJsonObject } from '../json';
import { path as topicPath } from './topic-assignment';
import { ZnodeMode } from './mode';
import { parseIdName, validateId } from './names';

export const MODE: ZnodeMode = 'persistent';
export const VERSION = 1;

/** `leader` of a partition that has none. */
export const NO_LEADER = -1;

export interface PartitionState {
  /** Broker id of the leader, or -1 (`NO_LEADER`). */
  leader: number;
  leaderEpoch: number;
  isr: number[];
  controllerEpoch: number;
}

/** `/brokers/topics/<topic>/partitions` (no data). */
export function partitionsPath(topic: string): string {
  return `${topicPath(topic)}/partitions`;
}

/** `/brokers/topics/<topic>/partitions/<p>` (no data). */
export function partitionPath(topic: string, partition: number): string {
  return `${partitionsPath(topic)}/${validateId(partition, 'partition')}`;
}

/** `/brokers/topics/<topic>/partitions/<p>/state`. */
export function path(topic: string, partition: number): string {
  return `${partitionPath(topic, partition)}/state`;
}

/** The partition id of a child of `/brokers/topics/<topic>/partitions`. */
export function parseChildName(name: string): number {
  return parseIdName(name, 'partition znode name');
}

export function encode(value: PartitionState): Buffer {
  return encodeVerified(
    {
      controller_epoch: value.controllerEpoch,
      leader: value.leader,
      version: VERSION,
      leader_epoch: value.leaderEpoch,
      isr: value.isr,
    },
    '/brokers/topics/<topic>/partitions/<p>/state',
    decode,
  );
}

export function decode(
  bytes: Buffer,
  where = '/brokers/topics/<topic>/partitions/<p>/state',
): PartitionState {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  return {
    leader: json.get('leader').int(BROKER_ID_OR_NONE),
    leaderEpoch: json.get('leader_epoch').int(NON_NEGATIVE_INT32),
    isr: json.get('isr').distinctIntArray(NON_NEGATIVE_INT32),
    controllerEpoch: json.get('controller_epoch').int(NON_NEGATIVE_INT32),
  };
}
