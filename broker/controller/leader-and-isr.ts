/**
 * A partition's leadership as the controller holds it (Kafka's `LeaderAndIsr` and
 * `LeaderIsrAndControllerEpoch`): leader, leader epoch, ISR and the zkVersion of the partition's
 * `state` znode (the compare-and-set token of the next write), plus the epoch of the controller
 * whose decision it is. The sentinels are Kafka's.
 */

/** `leader` of a partition without a leader (offline). */
export const NO_LEADER = -1;
/** `leader` sent in UpdateMetadata for a partition of a topic being deleted. */
export const LEADER_DURING_DELETE = -2;
/** StopReplica leader epoch when the epoch is unknown. */
export const NO_EPOCH = -1;
/** StopReplica leader epoch for a topic being deleted: overrides any epoch on the broker. */
export const EPOCH_DURING_DELETE = -2;
/** Leader epoch of a newly created partition. */
export const INITIAL_LEADER_EPOCH = 0;
/** zkVersion of a newly created `state` znode. */
export const INITIAL_ZK_VERSION = 0;

export interface LeaderAndIsr {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  /** The zkVersion of the `state` znode this was read from or written as. */
  readonly zkVersion: number;
}

export interface LeaderIsrAndControllerEpoch {
  readonly leaderAndIsr: LeaderAndIsr;
  /** The epoch of the controller that made this leadership decision. */
  readonly controllerEpoch: number;
}

/** A new leadership decision on top of `current`: leader epoch + 1, same zkVersion to write at. */
export function newLeaderAndIsr(
  current: LeaderAndIsr,
  leader: number,
  isr: readonly number[],
): LeaderAndIsr {
  return {
    leader,
    leaderEpoch: current.leaderEpoch + 1,
    isr: [...isr],
    zkVersion: current.zkVersion,
  };
}

/** `(Leader:1,ISR:1,2,LeaderEpoch:3,ZkVersion:4)`, as Kafka prints it. */
export function leaderAndIsrString(l: LeaderAndIsr): string {
  return `(Leader:${l.leader},ISR:${l.isr.join(',')},LeaderEpoch:${l.leaderEpoch},ZkVersion:${l.zkVersion})`;
}
