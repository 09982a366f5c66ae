import {
  PARTITION_STATES,
  PartitionState,
  REPLICA_STATES,
  ReplicaState,
  isValidPartitionStateChange,
  isValidReplicaStateChange,
} from '../../../broker/controller/controller-states';

const partitionStates = Object.keys(PARTITION_STATES) as PartitionState[];
const replicaStates = Object.keys(REPLICA_STATES) as ReplicaState[];

function validPairs<S extends string>(states: S[], valid: (from: S, to: S) => boolean): string[] {
  const pairs: string[] = [];
  for (const from of states)
    for (const to of states) if (valid(from, to)) pairs.push(`${from}->${to}`);
  return pairs.sort();
}

describe('controller state machines: valid transitions (Kafka 2.8 tables)', () => {
  it("partition state codes are Kafka's", () => {
    expect(Object.fromEntries(partitionStates.map((s) => [s, PARTITION_STATES[s].code]))).toEqual({
      NewPartition: 0,
      OnlinePartition: 1,
      OfflinePartition: 2,
      NonExistentPartition: 3,
    });
  });

  it('allows exactly the partition transitions of PartitionStateMachine.scala', () => {
    expect(validPairs(partitionStates, isValidPartitionStateChange)).toEqual(
      [
        'NonExistentPartition->NewPartition',
        'NewPartition->OnlinePartition',
        'OnlinePartition->OnlinePartition',
        'OfflinePartition->OnlinePartition',
        'NewPartition->OfflinePartition',
        'OnlinePartition->OfflinePartition',
        'OfflinePartition->OfflinePartition',
        'OfflinePartition->NonExistentPartition',
      ].sort(),
    );
  });

  it('allows exactly the replica transitions of ReplicaStateMachine.scala', () => {
    const online = ['NewReplica', 'OnlineReplica', 'OfflineReplica', 'ReplicaDeletionIneligible'];
    expect(validPairs(replicaStates, isValidReplicaStateChange)).toEqual(
      [
        'NonExistentReplica->NewReplica',
        ...online.map((s) => `${s}->OnlineReplica`),
        ...online.map((s) => `${s}->OfflineReplica`),
        'OfflineReplica->ReplicaDeletionStarted',
        'ReplicaDeletionStarted->ReplicaDeletionSuccessful',
        'OfflineReplica->ReplicaDeletionIneligible',
        'ReplicaDeletionStarted->ReplicaDeletionIneligible',
        'ReplicaDeletionSuccessful->NonExistentReplica',
      ].sort(),
    );
  });

  it('refuses shortcuts such as deleting an online replica or reviving a deleted partition', () => {
    expect(isValidReplicaStateChange('OnlineReplica', 'ReplicaDeletionStarted')).toBe(false);
    expect(isValidReplicaStateChange('ReplicaDeletionSuccessful', 'OnlineReplica')).toBe(false);
    expect(isValidPartitionStateChange('NonExistentPartition', 'OnlinePartition')).toBe(false);
    expect(isValidPartitionStateChange('OnlinePartition', 'NonExistentPartition')).toBe(false);
  });
});
