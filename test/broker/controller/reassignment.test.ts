/**
 * Reassignment arithmetic (Kafka's ReplicaAssignment): RS = TRS then the ORS members not in it,
 * AR = TRS - ORS, RR = ORS - TRS; a replaced reassignment starts from ORS again; cancelling
 * reverts to ORS; Kafka's checks of a requested replica list; completion when TRS ⊆ ISR.
 */
import fc from 'fast-check';
import {
  buildReassignment,
  invalidReplicasMessage,
  isBeingReassigned,
  isReassignmentComplete,
  originReplicas,
  reassignTo,
  simpleAssignment,
  targetReplicas,
} from '../../../broker/controller/reassignment';

describe('reassignTo', () => {
  it("gives Kafka's RS, AR and RR for ORS=[1,2,3], TRS=[4,5,6] (target first)", () => {
    expect(reassignTo(simpleAssignment([1, 2, 3]), [4, 5, 6])).toEqual({
      replicas: [4, 5, 6, 1, 2, 3],
      addingReplicas: [4, 5, 6],
      removingReplicas: [1, 2, 3],
    });
  });

  it('moves [1,2] to [2,3]: RS [2,3,1], adding 3, removing 1', () => {
    const a = reassignTo(simpleAssignment([1, 2]), [2, 3]);
    expect(a).toEqual({ replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1] });
    // Kafka's originReplicas is RS minus AR: the original members, in RS order.
    expect(originReplicas(a)).toEqual([2, 1]);
    expect(targetReplicas(a)).toEqual([2, 3]);
    expect(isBeingReassigned(a)).toBe(true);
  });

  it('replacing an ongoing reassignment starts again from the original replicas', () => {
    const ongoing = reassignTo(simpleAssignment([1, 2]), [2, 3]);
    expect(reassignTo(ongoing, [4, 1])).toEqual({
      replicas: [4, 1, 2],
      addingReplicas: [4],
      removingReplicas: [2],
    });
  });

  it('a target equal to the current replicas is no reassignment', () => {
    expect(isBeingReassigned(reassignTo(simpleAssignment([3, 1]), [3, 1]))).toBe(false);
  });

  it('keeps the ORS members and gives TRS back in order, whatever the lists (property)', () => {
    const ids = fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(ids, ids, (origin, target) => {
        const a = reassignTo(simpleAssignment(origin), target);
        expect(targetReplicas(a)).toEqual(target);
        expect([...originReplicas(a)].sort()).toEqual([...origin].sort());
        expect(a.replicas.slice(0, target.length)).toEqual(target);
        expect(new Set(a.replicas).size).toBe(a.replicas.length);
      }),
    );
  });
});

describe('buildReassignment', () => {
  it('cancelling an ongoing reassignment reverts to the original replicas, in RS order (Kafka)', () => {
    const ongoing = reassignTo(simpleAssignment([1, 2]), [2, 3]);
    expect(buildReassignment(ongoing, null)).toEqual(simpleAssignment([2, 1]));
    const unordered = reassignTo(simpleAssignment([1, 2]), [3, 4]);
    expect(buildReassignment(unordered, null)).toEqual(simpleAssignment([1, 2]));
  });

  it('cancelling when nothing is in progress is nothing to do', () => {
    expect(buildReassignment(simpleAssignment([1, 2]), null)).toBeNull();
  });

  it('an unknown partition (no replicas) gets every target replica as adding', () => {
    expect(buildReassignment(simpleAssignment([]), [1, 2])).toEqual({
      replicas: [1, 2],
      addingReplicas: [1, 2],
      removingReplicas: [],
    });
  });
});

describe('invalidReplicasMessage', () => {
  const live = new Set([1, 2, 3]);
  const current = simpleAssignment([1, 2]);

  it('accepts a list whose new replicas are on live brokers', () => {
    expect(invalidReplicasMessage(current, [2, 3], live)).toBeNull();
  });

  it("refuses empty lists, duplicates, negative ids and dead new brokers with Kafka's messages", () => {
    expect(invalidReplicasMessage(current, [], live)).toBe(
      'Empty replica list specified in partition reassignment.',
    );
    expect(invalidReplicasMessage(current, [2, 2], live)).toBe(
      'Duplicate replica ids in partition reassignment replica list: [2, 2]',
    );
    expect(invalidReplicasMessage(current, [2, -1], live)).toBe(
      'Invalid broker id in replica list: [2, -1]',
    );
    expect(invalidReplicasMessage(current, [2, 4], live)).toBe(
      'Replica assignment has brokers that are not alive. Replica list: [4], live broker list: [1, 2, 3]',
    );
  });

  it('does not require the replicas it keeps to be alive', () => {
    expect(invalidReplicasMessage(simpleAssignment([5, 1]), [5, 2], live)).toBeNull();
  });
});

describe('isReassignmentComplete', () => {
  const a = reassignTo(simpleAssignment([1, 2]), [2, 3]);

  it('is complete once every target replica is in the ISR', () => {
    expect(isReassignmentComplete(a, [1, 2])).toBe(false);
    expect(isReassignmentComplete(a, [2, 1, 3])).toBe(true);
    expect(isReassignmentComplete(a, [3, 2])).toBe(true);
  });

  it('a partition not being reassigned is complete', () => {
    expect(isReassignmentComplete(simpleAssignment([1, 2]), [1])).toBe(true);
  });
});
