/**
 * The states of a consumer group and their legal transitions, as Kafka's GroupState:
 *
 *   Empty ──────────────┐          (no members; may still hold committed offsets)
 *     ▲                 ▼
 *     │         PreparingRebalance ◄──────────────┐   (waiting for members to (re)join)
 *     └─────────────────┤                         │
 *                       ▼                         │
 *              CompletingRebalance ───────────────┤   (waiting for the leader's assignment)
 *                       │                         │
 *                       ▼                         │
 *                     Stable ─────────────────────┘   (assignment handed out)
 *
 *   Dead: from any state (group deleted, expired, or unloaded when the coordinator moves).
 *
 * Each state lists the states it may be entered from; anything else is a programming error.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const GROUP_STATES: readonly GroupState[] = [
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
];

/** The states each state may be entered from (Kafka's validPreviousStates). */
export const VALID_PREVIOUS_STATES: Readonly<Record<GroupState, ReadonlySet<GroupState>>> = {
  PreparingRebalance: new Set<GroupState>(['Stable', 'CompletingRebalance', 'Empty']),
  CompletingRebalance: new Set<GroupState>(['PreparingRebalance']),
  Stable: new Set<GroupState>(['CompletingRebalance']),
  Dead: new Set<GroupState>([
    'Stable',
    'PreparingRebalance',
    'CompletingRebalance',
    'Empty',
    'Dead',
  ]),
  Empty: new Set<GroupState>(['PreparingRebalance']),
};

/** Whether a group in state `from` may move to state `to`. */
export function isValidTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS_STATES[to].has(from);
}
