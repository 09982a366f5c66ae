import fc from 'fast-check';
import { KafkaError } from '../../../client/errors';
import { assignReplicasToBrokers } from '../../../broker/controller/replica-assignment';

function asObject(assignment: Map<number, number[]>): Record<number, number[]> {
  return Object.fromEntries(assignment);
}

describe('assignReplicasToBrokers (Kafka rack-unaware assignment)', () => {
  it("reproduces Kafka's AdminUtils example: 5 brokers, 10 partitions, RF 3, fixed start 0", () => {
    expect(asObject(assignReplicasToBrokers([0, 1, 2, 3, 4], 10, 3, 0))).toEqual({
      0: [0, 1, 2],
      1: [1, 2, 3],
      2: [2, 3, 4],
      3: [3, 4, 0],
      4: [4, 0, 1],
      5: [0, 2, 3],
      6: [1, 3, 4],
      7: [2, 4, 0],
      8: [3, 0, 1],
      9: [4, 1, 2],
    });
  });

  it('sorts the broker ids first, as AdminZkClient does', () => {
    expect(asObject(assignReplicasToBrokers([4, 2, 0, 3, 1], 10, 3, 0))).toEqual(
      asObject(assignReplicasToBrokers([0, 1, 2, 3, 4], 10, 3, 0)),
    );
    expect(asObject(assignReplicasToBrokers([103, 101, 102], 3, 2, 0))).toEqual({
      0: [101, 102],
      1: [102, 103],
      2: [103, 101],
    });
  });

  it('uses the fixed start index for both the first replica and the replica shift', () => {
    // start 2 on 3 brokers: first replicas 2,0,1,...; shift 2 → 1 + (2 % 2) = 1 → next broker.
    expect(asObject(assignReplicasToBrokers([0, 1, 2], 6, 3, 2))).toEqual({
      0: [2, 0, 1],
      1: [0, 1, 2],
      2: [1, 2, 0],
      3: [2, 1, 0],
      4: [0, 2, 1],
      5: [1, 0, 2],
    });
  });

  it('continues the numbering and the leader round-robin from startPartitionId', () => {
    // As AdminZkClient.createPartitions calls it: start index = partition 0's first broker.
    const added = assignReplicasToBrokers([0, 1, 2, 3, 4], 4, 3, 0, 6);
    expect(asObject(added)).toEqual({
      6: [1, 2, 3],
      7: [2, 3, 4],
      8: [3, 4, 0],
      9: [4, 0, 1],
    });
    // p10 wraps the broker list: the replica shift grows by one from there.
    expect(asObject(assignReplicasToBrokers([0, 1, 2, 3, 4], 2, 3, 0, 10))).toEqual({
      10: [0, 2, 3],
      11: [1, 3, 4],
    });
  });

  it("refuses bad arguments with Kafka's errors and wording", () => {
    const error = (f: () => unknown): KafkaError => {
      try {
        f();
      } catch (e) {
        return e as KafkaError;
      }
      throw new Error('expected an error');
    };
    expect(error(() => assignReplicasToBrokers([0, 1], 0, 1)).type).toBe('INVALID_PARTITIONS');
    expect(error(() => assignReplicasToBrokers([0, 1], 1, 0)).message).toContain(
      'Replication factor must be larger than 0.',
    );
    const tooMany = error(() => assignReplicasToBrokers([0, 1], 1, 3));
    expect(tooMany.type).toBe('INVALID_REPLICATION_FACTOR');
    expect(tooMany.message).toContain('Replication factor: 3 larger than available brokers: 2.');
    expect(error(() => assignReplicasToBrokers([1, 1], 1, 1)).type).toBe(
      'INVALID_REPLICA_ASSIGNMENT',
    );
  });

  it('always gives distinct replicas on existing brokers and spreads leaders evenly', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        (brokers, partitions, rfWanted) => {
          const rf = Math.min(rfWanted, brokers.length);
          const assignment = assignReplicasToBrokers(brokers, partitions, rf);
          expect(assignment.size).toBe(partitions);
          const leaders = new Map<number, number>();
          for (const replicas of assignment.values()) {
            expect(replicas).toHaveLength(rf);
            expect(new Set(replicas).size).toBe(rf);
            for (const r of replicas) expect(brokers).toContain(r);
            leaders.set(replicas[0], (leaders.get(replicas[0]) ?? 0) + 1);
          }
          const counts = [...leaders.values()];
          const most = Math.max(...counts);
          const least = leaders.size < brokers.length ? 0 : Math.min(...counts);
          expect(most - least).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});
