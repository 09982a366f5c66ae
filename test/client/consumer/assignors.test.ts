/**
 * The partition assignors against the examples of Kafka's documentation (RangeAssignor,
 * RoundRobinAssignor and StickyAssignor javadoc) and, with fast-check, the properties every
 * assignment must have: each partition of a subscribed topic goes to exactly one member, and only
 * to a member subscribed to its topic; range and roundrobin depend only on the members and topics
 * (not on the order they are listed in); sticky is balanced (max - min <= 1 when every member
 * subscribes to the same topics) and sticky (members that stay keep their partitions up to their
 * fair share).
 */
import fc from 'fast-check';
import type {
  AssignorMember,
  GroupAssignment,
  PartitionAssignor,
} from '../../../client/consumer/assignors/assignor';
import { RangeAssignor } from '../../../client/consumer/assignors/range';
import { RoundRobinAssignor } from '../../../client/consumer/assignors/round-robin';
import { StickyAssignor, encodeStickyUserData } from '../../../client/consumer/assignors/sticky';
import type { TopicPartition } from '../../../client/consumer/subscription-state';

function member(
  memberId: string,
  topics: string[],
  options: { groupInstanceId?: string; userData?: Buffer | null } = {},
): AssignorMember {
  return {
    memberId,
    groupInstanceId: options.groupInstanceId ?? null,
    subscription: { topics, userData: options.userData ?? null, ownedPartitions: [] },
  };
}

/** `t0p1` names, as Kafka's javadoc writes them. */
function names(assignment: GroupAssignment): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [memberId, partitions] of assignment) {
    result[memberId] = partitions.map(({ topic, partition }) => `${topic}p${partition}`);
  }
  return result;
}

function sortedNames(assignment: GroupAssignment): Record<string, string[]> {
  const result = names(assignment);
  for (const key of Object.keys(result)) result[key].sort();
  return result;
}

const counts = (entries: [string, number][]): Map<string, number> => new Map(entries);

/** The member data a sticky member sends after receiving `partitions` in `generation`. */
function stickyData(partitions: readonly TopicPartition[], generation: number): Buffer {
  return encodeStickyUserData({ partitions, generation });
}

describe('RangeAssignor', () => {
  test("Kafka's example: t0 and t1 with 3 partitions, C0 and C1", () => {
    const assignment = new RangeAssignor().assign(
      counts([
        ['t0', 3],
        ['t1', 3],
      ]),
      [member('C1', ['t0', 't1']), member('C0', ['t0', 't1'])],
    );
    expect(names(assignment)).toEqual({
      C0: ['t0p0', 't0p1', 't1p0', 't1p1'],
      C1: ['t0p2', 't1p2'],
    });
  });

  test('per topic, only its subscribers share it; the first ones get one more', () => {
    const assignment = new RangeAssignor().assign(
      counts([
        ['a', 5],
        ['b', 2],
      ]),
      [member('m1', ['a']), member('m2', ['a', 'b']), member('m3', ['a', 'b', 'missing'])],
    );
    expect(names(assignment)).toEqual({
      m1: ['ap0', 'ap1'],
      m2: ['ap2', 'ap3', 'bp0'],
      m3: ['ap4', 'bp1'],
    });
  });

  test('static members come first, by group.instance.id, then the others by member id', () => {
    const assignment = new RangeAssignor().assign(counts([['t', 3]]), [
      member('a-dynamic', ['t']),
      member('z-static', ['t'], { groupInstanceId: 'instance-2' }),
      member('y-static', ['t'], { groupInstanceId: 'instance-1' }),
    ]);
    expect(names(assignment)).toEqual({
      'y-static': ['tp0'],
      'z-static': ['tp1'],
      'a-dynamic': ['tp2'],
    });
  });
});

describe('RoundRobinAssignor', () => {
  test("Kafka's example: t0 and t1 with 3 partitions, C0 and C1", () => {
    const assignment = new RoundRobinAssignor().assign(
      counts([
        ['t0', 3],
        ['t1', 3],
      ]),
      [member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])],
    );
    expect(names(assignment)).toEqual({
      C0: ['t0p0', 't0p2', 't1p1'],
      C1: ['t0p1', 't1p0', 't1p2'],
    });
  });

  test("Kafka's example with different subscriptions: t0, t1, t2 with 1, 2, 3 partitions", () => {
    const assignment = new RoundRobinAssignor().assign(
      counts([
        ['t0', 1],
        ['t1', 2],
        ['t2', 3],
      ]),
      [member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])],
    );
    expect(names(assignment)).toEqual({
      C0: ['t0p0'],
      C1: ['t1p0'],
      C2: ['t1p1', 't2p0', 't2p1', 't2p2'],
    });
  });
});

describe('StickyAssignor', () => {
  test("Kafka's example 1: 3 members over t0..t3 (2 partitions each), then C1 leaves", () => {
    const topics = ['t0', 't1', 't2', 't3'];
    const partitions = counts(topics.map((topic) => [topic, 2]));
    const first = new StickyAssignor().assign(partitions, [
      member('C0', topics),
      member('C1', topics),
      member('C2', topics),
    ]);
    expect(names(first)).toEqual({
      C0: ['t0p0', 't1p1', 't3p0'],
      C1: ['t0p1', 't2p0', 't3p1'],
      C2: ['t1p0', 't2p1'],
    });
    const second = new StickyAssignor().assign(partitions, [
      member('C0', topics, { userData: stickyData(first.get('C0') ?? [], 1) }),
      member('C2', topics, { userData: stickyData(first.get('C2') ?? [], 1) }),
    ]);
    // Nothing moves but C1's partitions, and both end up with 4.
    expect(second.get('C0')?.slice(0, 3)).toEqual(first.get('C0'));
    expect(second.get('C2')?.slice(0, 2)).toEqual(first.get('C2'));
    expect(second.get('C0')).toHaveLength(4);
    expect(second.get('C2')).toHaveLength(4);
  });

  test("Kafka's example 2: t0, t1, t2 with 1, 2, 3 partitions and nested subscriptions, then C0 leaves", () => {
    const partitions = counts([
      ['t0', 1],
      ['t1', 2],
      ['t2', 3],
    ]);
    const first = new StickyAssignor().assign(partitions, [
      member('C0', ['t0']),
      member('C1', ['t0', 't1']),
      member('C2', ['t0', 't1', 't2']),
    ]);
    expect(sortedNames(first)).toEqual({
      C0: ['t0p0'],
      C1: ['t1p0', 't1p1'],
      C2: ['t2p0', 't2p1', 't2p2'],
    });
    const second = new StickyAssignor().assign(partitions, [
      member('C1', ['t0', 't1'], { userData: stickyData(first.get('C1') ?? [], 1) }),
      member('C2', ['t0', 't1', 't2'], { userData: stickyData(first.get('C2') ?? [], 1) }),
    ]);
    expect(sortedNames(second)).toEqual({
      C1: ['t0p0', 't1p0', 't1p1'],
      C2: ['t2p0', 't2p1', 't2p2'],
    });
  });

  test('only members reporting the highest generation keep what they claim', () => {
    const assignment = new StickyAssignor().assign(counts([['t', 4]]), [
      member('old', ['t'], {
        userData: stickyData(
          [
            { topic: 't', partition: 0 },
            { topic: 't', partition: 1 },
          ],
          3,
        ),
      }),
      member('new', ['t'], {
        userData: stickyData(
          [
            { topic: 't', partition: 0 },
            { topic: 't', partition: 3 },
          ],
          5,
        ),
      }),
    ]);
    expect(sortedNames(assignment)).toEqual({ new: ['tp0', 'tp3'], old: ['tp1', 'tp2'] });
  });

  test('the member remembers its assignment and generation for its next subscription', () => {
    const assignor = new StickyAssignor();
    expect(assignor.subscriptionUserData()).toBeNull();
    assignor.onAssignment({ partitions: [{ topic: 't', partition: 1 }], userData: null }, 7);
    expect(assignor.subscriptionUserData()).toEqual(stickyData([{ topic: 't', partition: 1 }], 7));
  });

  test('unreadable user data names the member', () => {
    expect(() =>
      new StickyAssignor().assign(counts([['t', 1]]), [
        member('m1', ['t'], { userData: Buffer.from([0, 0, 0, 9]) }),
      ]),
    ).toThrow(
      /member m1 sent unreadable sticky assignor data: malformed sticky assignor user data/,
    );
  });
});

/** Random groups: topics with partition counts and members subscribing to some of them. */
const groups = fc
  .record({
    topicCounts: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }),
    memberCount: fc.integer({ min: 1, max: 6 }),
    sameTopics: fc.boolean(),
    seed: fc.array(fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), {
      minLength: 6,
      maxLength: 6,
    }),
  })
  .map(({ topicCounts, memberCount, sameTopics, seed }) => {
    const topics = topicCounts.map((_, index) => `topic-${index}`);
    const partitions = new Map(topics.map((topic, index) => [topic, topicCounts[index]]));
    const members = Array.from({ length: memberCount }, (_, index) => {
      const subscribed = sameTopics ? topics : topics.filter((_, t) => seed[index][t]);
      return member(`member-${index}`, subscribed.length > 0 ? subscribed : [topics[0]]);
    });
    return { partitions, members };
  });

/** Every partition of a subscribed topic exactly once, only to a subscriber. */
function checkValid(
  partitions: ReadonlyMap<string, number>,
  members: readonly AssignorMember[],
  assignment: GroupAssignment,
): void {
  expect([...assignment.keys()].sort()).toEqual(members.map((m) => m.memberId).sort());
  const owners = new Map<string, string>();
  for (const [memberId, list] of assignment) {
    const subscribed = new Set(members.find((m) => m.memberId === memberId)?.subscription.topics);
    for (const { topic, partition } of list) {
      const key = `${topic}-${partition}`;
      expect(owners.has(key)).toBe(false);
      owners.set(key, memberId);
      expect(subscribed.has(topic)).toBe(true);
      expect(partition).toBeLessThan(partitions.get(topic) ?? 0);
    }
  }
  for (const [topic, count] of partitions) {
    const hasSubscriber = members.some((m) => m.subscription.topics.includes(topic));
    for (let partition = 0; partition < count; partition++) {
      expect(owners.has(`${topic}-${partition}`)).toBe(hasSubscriber);
    }
  }
}

function spread(assignment: GroupAssignment): number {
  const sizes = [...assignment.values()].map((list) => list.length);
  return Math.max(...sizes) - Math.min(...sizes);
}

const makers: [string, () => PartitionAssignor][] = [
  ['range', () => new RangeAssignor()],
  ['roundrobin', () => new RoundRobinAssignor()],
  ['sticky', () => new StickyAssignor()],
];

describe.each(makers)('%s assignor properties', (_name, make) => {
  test('every partition of a subscribed topic is assigned exactly once, only to a subscriber', () => {
    fc.assert(
      fc.property(groups, ({ partitions, members }) => {
        checkValid(partitions, members, make().assign(partitions, members));
      }),
    );
  });

  test('the result does not depend on the order members are listed in', () => {
    fc.assert(
      fc.property(groups, fc.integer({ min: 1, max: 5 }), ({ partitions, members }, shift) => {
        const rotated = [
          ...members.slice(shift % members.length),
          ...members.slice(0, shift % members.length),
        ];
        expect(sortedNames(make().assign(partitions, rotated))).toEqual(
          sortedNames(make().assign(partitions, members)),
        );
      }),
    );
  });
});

describe('sticky assignor properties', () => {
  test('balanced: with the same subscriptions, member sizes differ by at most one', () => {
    fc.assert(
      fc.property(groups, ({ partitions, members }) => {
        const same = members.map((m) => member(m.memberId, [...partitions.keys()]));
        expect(spread(new StickyAssignor().assign(partitions, same))).toBeLessThanOrEqual(1);
      }),
    );
  });

  test('balanced after members come and go from any previous assignment', () => {
    fc.assert(
      fc.property(
        groups,
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        ({ partitions }, leaving, joining) => {
          const topics = [...partitions.keys()];
          const initial = Array.from({ length: 5 }, (_, index) => member(`m${index}`, topics));
          const first = new StickyAssignor().assign(partitions, initial);
          const next = [
            ...initial
              .filter((_, index) => index >= leaving)
              .map((m) =>
                member(m.memberId, topics, {
                  userData: stickyData(first.get(m.memberId) ?? [], 1),
                }),
              ),
            ...Array.from({ length: joining }, (_, index) => member(`n${index}`, topics)),
          ];
          if (next.length === 0) return;
          const second = new StickyAssignor().assign(partitions, next);
          checkValid(partitions, next, second);
          expect(spread(second)).toBeLessThanOrEqual(1);
          const total = [...partitions.values()].reduce((a, b) => a + b, 0);
          const fairShare = Math.floor(total / next.length);
          for (const m of next) {
            const before = new Set(
              (first.get(m.memberId) ?? []).map((tp) => `${tp.topic}-${tp.partition}`),
            );
            const kept = (second.get(m.memberId) ?? []).filter((tp) =>
              before.has(`${tp.topic}-${tp.partition}`),
            );
            // A member that stays keeps what it had, up to its fair share.
            expect(kept.length).toBeGreaterThanOrEqual(Math.min(before.size, fairShare));
          }
        },
      ),
    );
  });

  test('sticky: an unchanged group gets the same assignment again, whatever the subscriptions', () => {
    fc.assert(
      fc.property(groups, ({ partitions, members }) => {
        const first = new StickyAssignor().assign(partitions, members);
        const again = new StickyAssignor().assign(
          partitions,
          members.map((m) =>
            member(m.memberId, [...m.subscription.topics], {
              userData: stickyData(first.get(m.memberId) ?? [], 2),
            }),
          ),
        );
        expect(sortedNames(again)).toEqual(sortedNames(first));
      }),
    );
  });

  test('with different subscriptions, moves from a previous assignment stay valid and end balanced where possible', () => {
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 5 }), ({ partitions, members }, leaving) => {
        const first = new StickyAssignor().assign(partitions, members);
        const stay = members.filter(
          (_, index) => index !== leaving % members.length || members.length === 1,
        );
        const next = stay.map((m) =>
          member(m.memberId, [...m.subscription.topics], {
            userData: stickyData(first.get(m.memberId) ?? [], 1),
          }),
        );
        const second = new StickyAssignor().assign(partitions, next);
        checkValid(partitions, next, second);
        // Nobody could take a partition from a member holding 2 or more than itself.
        const owner = new Map<string, string>();
        for (const [memberId, list] of second) {
          for (const tp of list) owner.set(`${tp.topic}-${tp.partition}`, memberId);
        }
        for (const m of next) {
          const size = second.get(m.memberId)?.length ?? 0;
          for (const topic of m.subscription.topics) {
            for (let p = 0; p < (partitions.get(topic) ?? 0); p++) {
              const other = owner.get(`${topic}-${p}`) as string;
              expect((second.get(other)?.length ?? 0) - size).toBeLessThanOrEqual(1);
            }
          }
        }
      }),
    );
  });
});
