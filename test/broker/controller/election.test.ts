import {
  ElectionView,
  controlledShutdownPartitionLeaderElection,
  leaderForControlledShutdown,
  leaderForOffline,
  leaderForPreferredReplica,
  leaderForReassign,
  offlinePartitionLeaderElection,
  preferredReplicaPartitionLeaderElection,
  reassignPartitionLeaderElection,
} from '../../../broker/controller/election';
import { LeaderAndIsr } from '../../../broker/controller/leader-and-isr';

function view(live: number[], shuttingDown: number[] = []): ElectionView {
  return {
    isLive: (id) => live.includes(id) && !shuttingDown.includes(id),
    isLiveOrShuttingDown: (id) => live.includes(id),
    shuttingDownBrokers: new Set(shuttingDown),
  };
}

const state = (leader: number, isr: number[]): LeaderAndIsr => ({
  leader,
  leaderEpoch: 7,
  isr,
  zkVersion: 3,
});

describe('leader election algorithms (Kafka PartitionLeaderElectionAlgorithms)', () => {
  it('offline: the first assigned replica that is live and in the ISR', () => {
    expect(offlinePartitionLeaderElection([2, 4], [2, 4], new Set([4]), false)).toEqual({
      leader: 4,
      unclean: false,
    });
    expect(offlinePartitionLeaderElection([4, 2, 3], [2, 3], new Set([2, 3, 4]), false)).toEqual({
      leader: 2,
      unclean: false,
    });
  });

  it('offline: no live ISR member and unclean election disabled elects nobody', () => {
    expect(offlinePartitionLeaderElection([2, 4], [2], new Set([4]), false)).toBeNull();
  });

  it('offline: no live ISR member and unclean election enabled elects the first live replica', () => {
    expect(offlinePartitionLeaderElection([2, 4, 5], [2], new Set([5, 4]), true)).toEqual({
      leader: 4,
      unclean: true,
    });
    expect(offlinePartitionLeaderElection([2, 4], [2], new Set<number>(), true)).toBeNull();
  });

  it('reassign: the first target replica that is live and in the ISR', () => {
    expect(reassignPartitionLeaderElection([2, 4], [2, 4], new Set([2, 4]))).toBe(2);
    expect(reassignPartitionLeaderElection([2, 4], [], new Set([2, 4]))).toBeNull();
    expect(reassignPartitionLeaderElection([], [2, 4], new Set([2, 4]))).toBeNull();
  });

  it('preferred: only the first assigned replica, if live and in the ISR', () => {
    expect(preferredReplicaPartitionLeaderElection([2, 4], [2, 4], new Set([2, 4]))).toBe(2);
    expect(preferredReplicaPartitionLeaderElection([2, 4], [2, 4], new Set([4]))).toBeNull();
    expect(preferredReplicaPartitionLeaderElection([2, 4], [4], new Set([2, 4]))).toBeNull();
  });

  it('controlled shutdown: skips brokers shutting down; none left elects nobody', () => {
    expect(
      controlledShutdownPartitionLeaderElection([2, 4], [2, 4], new Set([2, 4]), new Set()),
    ).toBe(2);
    expect(
      controlledShutdownPartitionLeaderElection([2, 4], [2, 4], new Set([2, 4]), new Set([2])),
    ).toBe(4);
    expect(
      controlledShutdownPartitionLeaderElection([2, 4], [2], new Set([2, 4]), new Set([2])),
    ).toBeNull();
    expect(
      controlledShutdownPartitionLeaderElection([2, 4], [2, 4], new Set([2, 4]), new Set([2, 4])),
    ).toBeNull();
  });
});

describe('per-partition elections (Election.scala)', () => {
  it('offline clean election keeps the live part of the ISR and bumps only the leader epoch', () => {
    const result = leaderForOffline(state(1, [1, 2, 3]), [1, 2, 3], false, view([2, 3]));
    expect(result.leaderAndIsr).toEqual({ leader: 2, leaderEpoch: 8, isr: [2, 3], zkVersion: 3 });
    expect(result.recipients).toEqual([2, 3]);
    expect(result.unclean).toBe(false);
  });

  it('offline unclean election makes the new leader the whole ISR', () => {
    const result = leaderForOffline(state(1, [1]), [1, 2, 3], true, view([3, 2]));
    expect(result.leaderAndIsr).toEqual({ leader: 2, leaderEpoch: 8, isr: [2], zkVersion: 3 });
    expect(result.unclean).toBe(true);
  });

  it('offline election never picks a broker that is shutting down', () => {
    const result = leaderForOffline(state(1, [1, 2, 3]), [1, 2, 3], false, view([2, 3], [2]));
    expect(result.leaderAndIsr?.leader).toBe(3);
    expect(result.leaderAndIsr?.isr).toEqual([3]);
  });

  it('offline election without a live ISR member fails and names the live replicas', () => {
    const result = leaderForOffline(state(1, [1]), [1, 2], false, view([2]));
    expect(result.leaderAndIsr).toBeNull();
    expect(result.recipients).toEqual([2]);
  });

  it('controlled shutdown election drops every shutting-down broker from the ISR', () => {
    const result = leaderForControlledShutdown(
      state(1, [1, 2, 3]),
      [1, 2, 3],
      view([1, 2, 3], [1]),
    );
    expect(result.leaderAndIsr).toEqual({ leader: 2, leaderEpoch: 8, isr: [2, 3], zkVersion: 3 });
    expect(result.recipients).toEqual([1, 2, 3]);
  });

  it('preferred election keeps the ISR and tells all assigned replicas', () => {
    const result = leaderForPreferredReplica(state(2, [2, 1]), [1, 2, 3], view([1, 2]));
    expect(result.leaderAndIsr).toEqual({ leader: 1, leaderEpoch: 8, isr: [2, 1], zkVersion: 3 });
    expect(result.recipients).toEqual([1, 2, 3]);
    expect(leaderForPreferredReplica(state(2, [2]), [1, 2], view([1, 2])).leaderAndIsr).toBeNull();
  });

  it('reassign election picks from the target replicas and keeps the ISR', () => {
    const result = leaderForReassign(state(1, [1, 4, 5]), [4, 5], view([1, 4, 5]));
    expect(result.leaderAndIsr).toEqual({
      leader: 4,
      leaderEpoch: 8,
      isr: [1, 4, 5],
      zkVersion: 3,
    });
    expect(result.recipients).toEqual([4, 5]);
  });
});
