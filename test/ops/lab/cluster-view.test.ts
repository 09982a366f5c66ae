import {
  ClusterView,
  healthCounts,
  partitionHealth,
  PartitionView,
  partitionsLedBy,
} from '../../../ops/lab/cluster-view';

function partition(
  replicas: number[],
  state: { leader: number; isr: number[] } | null,
  id = 0,
): PartitionView {
  return {
    partition: id,
    replicas,
    state: state === null ? null : { ...state, leaderEpoch: 0, controllerEpoch: 1 },
  };
}

describe('partition health', () => {
  const live = [1, 2, 3];

  it('is ok with a live leader and every replica in the ISR', () => {
    expect(partitionHealth(partition([1, 2, 3], { leader: 1, isr: [3, 1, 2] }), live)).toBe('ok');
  });

  it('is under-replicated when the ISR is smaller than the replica list', () => {
    expect(partitionHealth(partition([1, 2, 3], { leader: 1, isr: [1, 2] }), live)).toBe(
      'under-replicated',
    );
  });

  it('is offline without a leader, even with ISR members left', () => {
    expect(partitionHealth(partition([1, 2, 3], { leader: -1, isr: [3] }), live)).toBe('offline');
  });

  it('is offline when the leader is not a registered broker', () => {
    expect(partitionHealth(partition([1, 2], { leader: 2, isr: [1, 2] }), [1, 3])).toBe('offline');
  });

  it('has no state before the controller writes one', () => {
    expect(partitionHealth(partition([1, 2], null), live)).toBe('no-state');
  });

  it('counts every partition in exactly one health', () => {
    const topics = [
      {
        name: 'a',
        internal: false,
        markedForDeletion: false,
        partitions: [
          partition([1, 2], { leader: 1, isr: [1, 2] }, 0),
          partition([2, 3], { leader: 2, isr: [2] }, 1),
          partition([3, 1], { leader: -1, isr: [3] }, 2),
        ],
      },
      { name: 'b', internal: false, markedForDeletion: false, partitions: [partition([1], null)] },
    ];
    expect(healthCounts(topics, live)).toEqual({
      ok: 1,
      'under-replicated': 1,
      offline: 1,
      'no-state': 1,
    });
  });

  it('lists the partitions a broker leads as topic-partition', () => {
    const view: ClusterView = {
      registeredBrokers: [1, 2],
      controllerId: 1,
      controllerEpoch: 1,
      topics: [
        {
          name: 'demo',
          internal: false,
          markedForDeletion: false,
          partitions: [
            partition([1, 2], { leader: 1, isr: [1, 2] }, 0),
            partition([2, 1], { leader: 2, isr: [2, 1] }, 1),
            partition([1, 2], { leader: 1, isr: [1] }, 2),
          ],
        },
      ],
    };
    expect(partitionsLedBy(view, 1)).toEqual(['demo-0', 'demo-2']);
    expect(partitionsLedBy(view, 3)).toEqual([]);
  });
});
