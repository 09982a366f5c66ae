/**
 * Partition reassignment arithmetic (KIP-455, Kafka 2.4+; Kafka's `ReplicaAssignment` in
 * ControllerContext.scala): pure functions over a partition's full assignment
 * `{ replicas, addingReplicas, removingReplicas }` as `/brokers/topics/<t>` records it.
 *
 * Vocabulary: ORS = the original replicas (`replicas` minus adding, so in RS order: cancelling
 * [1,2] → [2,3] leaves [2,1], as in Kafka), TRS = the target replicas
 * (`replicas` minus removing), RS = the replica set while the reassignment runs = TRS followed by
 * the ORS members not in TRS, AR = TRS - ORS (adding), RR = ORS - TRS (removing). A partition is
 * being reassigned while AR or RR is not empty. A reassignment is complete when every TRS member
 * is in the ISR; cancelling one is reassigning back to ORS.
 */
import { ReplicaAssignment } from '../../zk-schema/znodes/topic-assignment';

/** The assignment of a partition that is not being reassigned. */
export function simpleAssignment(replicas: readonly number[]): ReplicaAssignment {
  return { replicas: [...replicas], addingReplicas: [], removingReplicas: [] };
}

/** ORS: the replicas the partition had before the reassignment started. */
export function originReplicas(assignment: ReplicaAssignment): number[] {
  return assignment.replicas.filter((r) => !assignment.addingReplicas.includes(r));
}

/** TRS: the replicas the partition will have when the reassignment completes. */
export function targetReplicas(assignment: ReplicaAssignment): number[] {
  return assignment.replicas.filter((r) => !assignment.removingReplicas.includes(r));
}

export function isBeingReassigned(assignment: ReplicaAssignment): boolean {
  return assignment.addingReplicas.length > 0 || assignment.removingReplicas.length > 0;
}

/**
 * The assignment of a reassignment from the current assignment's ORS to `target` (Kafka's
 * `reassignTo`): RS = target followed by the ORS members not in it.
 */
export function reassignTo(
  current: ReplicaAssignment,
  target: readonly number[],
): ReplicaAssignment {
  const origin = originReplicas(current);
  const full = [...new Set([...target, ...origin])];
  return {
    replicas: full,
    addingReplicas: full.filter((r) => !origin.includes(r)),
    removingReplicas: full.filter((r) => !target.includes(r)),
  };
}

/**
 * The reassignment an AlterPartitionReassignments entry (or a `/admin/reassign_partitions` entry)
 * asks for (Kafka's `maybeBuildReassignment`): `target` null means cancel, which reverts an
 * ongoing reassignment to ORS and is nothing to do (null) when none is in progress.
 */
export function buildReassignment(
  current: ReplicaAssignment,
  target: readonly number[] | null,
): ReplicaAssignment | null {
  if (target !== null) return reassignTo(current, target);
  return isBeingReassigned(current) ? reassignTo(current, originReplicas(current)) : null;
}

/**
 * Kafka's checks of a requested target replica list (`validateReplicas`): not empty, no
 * duplicates, no negative ids, and every replica being added on a live broker. Returns the
 * INVALID_REPLICA_ASSIGNMENT message, or null when the list is acceptable.
 */
export function invalidReplicasMessage(
  current: ReplicaAssignment,
  target: readonly number[],
  liveBrokerIds: ReadonlySet<number>,
): string | null {
  const list = `[${target.join(', ')}]`;
  if (target.length === 0) return 'Empty replica list specified in partition reassignment.';
  if (new Set(target).size !== target.length) {
    return `Duplicate replica ids in partition reassignment replica list: ${list}`;
  }
  if (target.some((r) => r < 0)) return `Invalid broker id in replica list: ${list}`;
  const adding = reassignTo(current, target).addingReplicas;
  if (adding.some((r) => !liveBrokerIds.has(r))) {
    return (
      `Replica assignment has brokers that are not alive. Replica list: [${adding.join(', ')}], ` +
      `live broker list: [${[...liveBrokerIds].sort((a, b) => a - b).join(', ')}]`
    );
  }
  return null;
}

/** True when every target replica is in the ISR (or nothing is being reassigned). */
export function isReassignmentComplete(
  assignment: ReplicaAssignment,
  isr: readonly number[],
): boolean {
  return !isBeingReassigned(assignment) || targetReplicas(assignment).every((r) => isr.includes(r));
}

export function sameReplicas(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

export function sameAssignment(a: ReplicaAssignment, b: ReplicaAssignment): boolean {
  return (
    sameReplicas(a.replicas, b.replicas) &&
    sameReplicas(a.addingReplicas, b.addingReplicas) &&
    sameReplicas(a.removingReplicas, b.removingReplicas)
  );
}
