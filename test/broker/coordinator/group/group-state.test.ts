import {
  GROUP_STATES,
  type GroupState,
  isValidTransition,
} from '../../../../broker/coordinator/group/group-state';
import { GroupMetadata } from '../../../../broker/coordinator/group/group-metadata';

const LEGAL: ReadonlyArray<[GroupState, GroupState]> = [
  ['Empty', 'PreparingRebalance'],
  ['Stable', 'PreparingRebalance'],
  ['CompletingRebalance', 'PreparingRebalance'],
  ['PreparingRebalance', 'CompletingRebalance'],
  ['PreparingRebalance', 'Empty'],
  ['CompletingRebalance', 'Stable'],
  ['Empty', 'Dead'],
  ['PreparingRebalance', 'Dead'],
  ['CompletingRebalance', 'Dead'],
  ['Stable', 'Dead'],
  ['Dead', 'Dead'],
];

describe('group state transitions', () => {
  const all = GROUP_STATES.flatMap((from) => GROUP_STATES.map((to) => [from, to] as const));

  test.each(all)('%s → %s is legal exactly when Kafka allows it', (from, to) => {
    const legal = LEGAL.some(([f, t]) => f === from && t === to);
    expect(isValidTransition(from, to)).toBe(legal);
  });

  test('a group refuses an illegal transition and keeps its state', () => {
    const group = new GroupMetadata('g', 'Empty', 1);
    expect(() => group.transitionTo('Stable', 2)).toThrow('should be in one of the states');
    expect(group.currentState).toBe('Empty');
  });

  test('a transition records when it happened', () => {
    const group = new GroupMetadata('g', 'Empty', 1);
    group.transitionTo('PreparingRebalance', 5);
    expect(group.currentState).toBe('PreparingRebalance');
    expect(group.currentStateTimestamp).toBe(5);
    expect(group.canRebalance).toBe(false);
  });
});
