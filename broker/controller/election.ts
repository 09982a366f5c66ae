/**
 * Leader election algorithms (Kafka's `Election.scala` and `PartitionLeaderElectionAlgorithms`):
 * pure functions from a partition's assignment, ISR and the set of live brokers to a new leader and
 * ISR. The partition state machine re-reads the `state` znode, runs one of these, and writes the
 * result conditionally.
 *
 * | strategy           | leader                                                        | new ISR                       | LeaderAndIsr to            |
 * |--------------------|---------------------------------------------------------------|-------------------------------|----------------------------|
 * | offline (clean)    | first replica in assignment order that is live and in the ISR | old ISR filtered to live ones | live assigned replicas     |
 * | offline (unclean)  | no live ISR member, unclean allowed: first live replica       | [leader]                      | live assigned replicas     |
 * | reassign           | first target replica that is live and in the ISR              | unchanged                     | target replicas            |
 * | preferred          | the first assigned replica, if live and in the ISR            | unchanged                     | all assigned replicas      |
 * | controlled shutdown| first replica live, in the ISR and not shutting down          | ISR minus shutting-down ones  | live or shutting-down ones |
 *
 * Every successful election bumps the leader epoch by one. "Live" never includes brokers that are
 * shutting down, except where the controlled-shutdown strategy says so.
 */
import { LeaderAndIsr, newLeaderAndIsr } from './leader-and-isr';

export type PartitionLeaderElectionStrategy =
  | { readonly kind: 'offline'; readonly allowUnclean: boolean }
  | { readonly kind: 'reassign' }
  | { readonly kind: 'preferred' }
  | { readonly kind: 'controlledShutdown' };

/** `OfflinePartitionLeaderElectionStrategy(false)`, ... as Kafka prints them (Scala case classes). */
export function strategyName(strategy: PartitionLeaderElectionStrategy): string {
  switch (strategy.kind) {
    case 'offline':
      return `OfflinePartitionLeaderElectionStrategy(${strategy.allowUnclean})`;
    case 'reassign':
      return 'ReassignPartitionLeaderElectionStrategy';
    case 'preferred':
      return 'PreferredReplicaPartitionLeaderElectionStrategy';
    case 'controlledShutdown':
      return 'ControlledShutdownPartitionLeaderElectionStrategy';
  }
}

// ---- the algorithms ----------------------------------------------------------------------------

/** The offline leader (clean first, then unclean when enabled), or null. */
export function offlinePartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  liveReplicas: ReadonlySet<number>,
  uncleanLeaderElectionEnabled: boolean,
): { leader: number; unclean: boolean } | null {
  const clean = assignment.find((id) => liveReplicas.has(id) && isr.includes(id));
  if (clean !== undefined) return { leader: clean, unclean: false };
  if (!uncleanLeaderElectionEnabled) return null;
  const unclean = assignment.find((id) => liveReplicas.has(id));
  return unclean === undefined ? null : { leader: unclean, unclean: true };
}

export function reassignPartitionLeaderElection(
  reassignment: readonly number[],
  isr: readonly number[],
  liveReplicas: ReadonlySet<number>,
): number | null {
  return reassignment.find((id) => liveReplicas.has(id) && isr.includes(id)) ?? null;
}

export function preferredReplicaPartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  liveReplicas: ReadonlySet<number>,
): number | null {
  const preferred = assignment[0];
  return preferred !== undefined && liveReplicas.has(preferred) && isr.includes(preferred)
    ? preferred
    : null;
}

export function controlledShutdownPartitionLeaderElection(
  assignment: readonly number[],
  isr: readonly number[],
  liveReplicas: ReadonlySet<number>,
  shuttingDownBrokers: ReadonlySet<number>,
): number | null {
  return (
    assignment.find(
      (id) => liveReplicas.has(id) && isr.includes(id) && !shuttingDownBrokers.has(id),
    ) ?? null
  );
}

// ---- per-partition elections (Election.scala) --------------------------------------------------

export interface ElectionResult {
  /** The new leadership (leader epoch + 1), or null when no leader can be elected. */
  readonly leaderAndIsr: LeaderAndIsr | null;
  /** The brokers to send the LeaderAndIsr to. */
  readonly recipients: readonly number[];
  /** True when the leader came from outside the ISR. */
  readonly unclean: boolean;
}

/** What the elections need to know about the cluster. */
export interface ElectionView {
  /** Live and not shutting down. */
  isLive(brokerId: number): boolean;
  /** Live, shutting down or not. */
  isLiveOrShuttingDown(brokerId: number): boolean;
  readonly shuttingDownBrokers: ReadonlySet<number>;
}

export function leaderForOffline(
  current: LeaderAndIsr,
  assignment: readonly number[],
  uncleanLeaderElectionEnabled: boolean,
  view: ElectionView,
): ElectionResult {
  const liveReplicas = assignment.filter((id) => view.isLive(id));
  const chosen = offlinePartitionLeaderElection(
    assignment,
    current.isr,
    new Set(liveReplicas),
    uncleanLeaderElectionEnabled,
  );
  if (chosen === null) return { leaderAndIsr: null, recipients: liveReplicas, unclean: false };
  const isr = current.isr.includes(chosen.leader)
    ? current.isr.filter((id) => view.isLive(id))
    : [chosen.leader];
  return {
    leaderAndIsr: newLeaderAndIsr(current, chosen.leader, isr),
    recipients: liveReplicas,
    unclean: chosen.unclean,
  };
}

export function leaderForReassign(
  current: LeaderAndIsr,
  targetReplicas: readonly number[],
  view: ElectionView,
): ElectionResult {
  const live = new Set(targetReplicas.filter((id) => view.isLive(id)));
  const leader = reassignPartitionLeaderElection(targetReplicas, current.isr, live);
  return {
    leaderAndIsr: leader === null ? null : newLeaderAndIsr(current, leader, current.isr),
    recipients: targetReplicas,
    unclean: false,
  };
}

export function leaderForPreferredReplica(
  current: LeaderAndIsr,
  assignment: readonly number[],
  view: ElectionView,
): ElectionResult {
  const live = new Set(assignment.filter((id) => view.isLive(id)));
  const leader = preferredReplicaPartitionLeaderElection(assignment, current.isr, live);
  return {
    leaderAndIsr: leader === null ? null : newLeaderAndIsr(current, leader, current.isr),
    recipients: assignment,
    unclean: false,
  };
}

export function leaderForControlledShutdown(
  current: LeaderAndIsr,
  assignment: readonly number[],
  view: ElectionView,
): ElectionResult {
  const liveOrShuttingDown = assignment.filter((id) => view.isLiveOrShuttingDown(id));
  const leader = controlledShutdownPartitionLeaderElection(
    assignment,
    current.isr,
    new Set(liveOrShuttingDown),
    view.shuttingDownBrokers,
  );
  const isr = current.isr.filter((id) => !view.shuttingDownBrokers.has(id));
  return {
    leaderAndIsr: leader === null ? null : newLeaderAndIsr(current, leader, isr),
    recipients: liveOrShuttingDown,
    unclean: false,
  };
}
