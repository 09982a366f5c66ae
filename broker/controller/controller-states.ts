/**
 * The states of the controller's two state machines and their valid transitions, as tables a
 * student can read next to Kafka's `PartitionStateMachine.scala` and `ReplicaStateMachine.scala`.
 * A transition to state S is valid only from one of S's `validPreviousStates`; the state machines
 * refuse (and log) anything else.
 *
 * Partition states (code = Kafka's state byte):
 *   NonExistentPartition 3 → NewPartition 0        assignment known, no leader yet
 *   New/Online/Offline     → OnlinePartition 1     a leader was initialized or elected
 *   New/Online/Offline     → OfflinePartition 2    its leader died
 *   Offline                → NonExistentPartition  the topic is being deleted
 *
 * Replica states:
 *   NonExistentReplica         → NewReplica                 created with a new partition
 *   New/Online/Offline/Inelig. → OnlineReplica              its broker is live and was told its role
 *   New/Online/Offline/Inelig. → OfflineReplica             its broker died or shut down: out of the ISR
 *   Offline                    → ReplicaDeletionStarted     StopReplica(delete) sent
 *   DeletionStarted            → ReplicaDeletionSuccessful  the broker deleted it
 *   Offline/DeletionStarted    → ReplicaDeletionIneligible  deletion cannot go on now (broker down)
 *   DeletionSuccessful         → NonExistentReplica         forgotten
 */

export type PartitionState =
  'NewPartition' | 'OnlinePartition' | 'OfflinePartition' | 'NonExistentPartition';

export const PARTITION_STATES: {
  readonly [S in PartitionState]: {
    readonly code: number;
    readonly validPreviousStates: readonly PartitionState[];
  };
} = {
  NewPartition: { code: 0, validPreviousStates: ['NonExistentPartition'] },
  OnlinePartition: {
    code: 1,
    validPreviousStates: ['NewPartition', 'OnlinePartition', 'OfflinePartition'],
  },
  OfflinePartition: {
    code: 2,
    validPreviousStates: ['NewPartition', 'OnlinePartition', 'OfflinePartition'],
  },
  NonExistentPartition: { code: 3, validPreviousStates: ['OfflinePartition'] },
};

export type ReplicaState =
  | 'NewReplica'
  | 'OnlineReplica'
  | 'OfflineReplica'
  | 'ReplicaDeletionStarted'
  | 'ReplicaDeletionSuccessful'
  | 'ReplicaDeletionIneligible'
  | 'NonExistentReplica';

export const REPLICA_STATES: {
  readonly [S in ReplicaState]: {
    readonly code: number;
    readonly validPreviousStates: readonly ReplicaState[];
  };
} = {
  NewReplica: { code: 1, validPreviousStates: ['NonExistentReplica'] },
  OnlineReplica: {
    code: 2,
    validPreviousStates: [
      'NewReplica',
      'OnlineReplica',
      'OfflineReplica',
      'ReplicaDeletionIneligible',
    ],
  },
  OfflineReplica: {
    code: 3,
    validPreviousStates: [
      'NewReplica',
      'OnlineReplica',
      'OfflineReplica',
      'ReplicaDeletionIneligible',
    ],
  },
  ReplicaDeletionStarted: { code: 4, validPreviousStates: ['OfflineReplica'] },
  ReplicaDeletionSuccessful: { code: 5, validPreviousStates: ['ReplicaDeletionStarted'] },
  ReplicaDeletionIneligible: {
    code: 6,
    validPreviousStates: ['OfflineReplica', 'ReplicaDeletionStarted'],
  },
  NonExistentReplica: { code: 7, validPreviousStates: ['ReplicaDeletionSuccessful'] },
};

export function isValidPartitionStateChange(from: PartitionState, to: PartitionState): boolean {
  return PARTITION_STATES[to].validPreviousStates.includes(from);
}

export function isValidReplicaStateChange(from: ReplicaState, to: ReplicaState): boolean {
  return REPLICA_STATES[to].validPreviousStates.includes(from);
}
