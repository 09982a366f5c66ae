/**
 * Kafka's StickyAssignor ('sticky', Kafka 2.8's AbstractStickyAssignor + StickyAssignor): an
 * assignment that is as balanced as possible and moves as few partitions as possible from one
 * rebalance to the next.
 *
 * Each member remembers its last assignment and generation and sends them as the user data of its
 * Subscription (eager rebalancing leaves `ownedPartitions` empty), in Kafka's layout:
 *
 *   StickyAssignorUserData v1 (v0 lacks `generation`)
 *     previous_assignment  [topic string, partitions [int32]]
 *     generation           int32
 *
 * The leader then takes one of two paths, as Kafka does:
 * - every member subscribes to the same topics ("constrained"): each member keeps what it owned
 *   (if its generation is the highest reported; at most ceil(P/M) partitions), members below
 *   floor(P/M) are filled from the unowned partitions in (topic, partition) order, then take a
 *   partition from members at the maximum if the unowned ran out, and remaining partitions go one
 *   each to members at the minimum. A partition claimed by two members of that generation is
 *   treated as unowned.
 * - otherwise ("general"): previous owners keep their partitions (by highest generation, the next
 *   highest being remembered as the previous owner), partitions that must move or are new go to
 *   the least loaded member that subscribes to them, then partitions are moved one at a time from
 *   a member with at least two more than another eligible member (to the previous owner first),
 *   undoing earlier moves of the same topic between the same two members where possible, until
 *   the assignment is balanced; if reassigning did not lower the balance score (the sum of the
 *   size differences over all member pairs), the assignment from before it is kept.
 *
 * Members are visited in member id order, so the result does not depend on the order of the
 * JoinGroup response.
 */
import { SamsaError } from '../../errors';
import { MemberAssignment, StructReader, StructWriter } from '../consumer-protocol';
import type { TopicPartition } from '../subscription-state';
import {
  AssignorMember,
  GroupAssignment,
  PartitionAssignor,
  compareStrings,
  compareTopicPartitions,
  emptyAssignment,
  partitionKey,
} from './assignor';

/** What a member reports of its previous assignment. */
export interface StickyMemberData {
  readonly partitions: readonly TopicPartition[];
  /** The generation of that assignment; null when the member did not say (v0 user data). */
  readonly generation: number | null;
}

const DEFAULT_GENERATION = -1;

export function encodeStickyUserData(data: StickyMemberData): Buffer {
  return new StructWriter()
    .topicPartitions(data.partitions)
    .int32(data.generation ?? DEFAULT_GENERATION)
    .toBuffer();
}

/** Reads v1 user data, or v0 when no generation follows the partitions. */
export function decodeStickyUserData(bytes: Buffer | null): StickyMemberData {
  if (bytes === null || bytes.length === 0) return { partitions: [], generation: null };
  const reader = new StructReader(bytes, 'sticky assignor user data');
  const partitions = reader.topicPartitions();
  const generation = reader.remaining >= 4 ? reader.int32() : null;
  return { partitions, generation };
}

export class StickyAssignor implements PartitionAssignor {
  readonly name = 'sticky';
  private memberAssignment: readonly TopicPartition[] | null = null;
  private generation = DEFAULT_GENERATION;

  subscriptionUserData(): Buffer | null {
    if (this.memberAssignment === null) return null;
    return encodeStickyUserData({
      partitions: this.memberAssignment,
      generation: this.generation,
    });
  }

  onAssignment(assignment: MemberAssignment, generationId: number): void {
    this.memberAssignment = [...assignment.partitions];
    this.generation = generationId;
  }

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    members: readonly AssignorMember[],
  ): GroupAssignment {
    if (members.length === 0) return new Map();
    const sorted = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
    // Only topics someone subscribes to (the leader passes exactly those; Kafka does too).
    const subscribed = new Set(sorted.flatMap((member) => member.subscription.topics));
    const partitions = new Map([...partitionsPerTopic].filter(([topic]) => subscribed.has(topic)));
    const data = new Map<string, StickyMemberData>();
    for (const member of sorted) {
      try {
        data.set(member.memberId, decodeStickyUserData(member.subscription.userData));
      } catch (error) {
        throw new SamsaError(
          `member ${member.memberId} sent unreadable sticky assignor data: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    if (allSubscriptionsEqual(sorted)) return constrainedAssign(partitions, sorted, data);
    return new GeneralAssignment(partitions, sorted, data).run();
  }
}

function allSubscriptionsEqual(members: readonly AssignorMember[]): boolean {
  const first = new Set(members[0].subscription.topics);
  return members.every((member) => {
    const topics = new Set(member.subscription.topics);
    return topics.size === first.size && [...topics].every((topic) => first.has(topic));
  });
}

function allPartitionsSorted(partitionsPerTopic: ReadonlyMap<string, number>): TopicPartition[] {
  const all: TopicPartition[] = [];
  for (const [topic, count] of partitionsPerTopic) {
    for (let partition = 0; partition < count; partition++) all.push({ topic, partition });
  }
  return all.sort(compareTopicPartitions);
}

function exists(partitionsPerTopic: ReadonlyMap<string, number>, tp: TopicPartition): boolean {
  const count = partitionsPerTopic.get(tp.topic);
  return (
    count !== undefined &&
    Number.isInteger(tp.partition) &&
    tp.partition >= 0 &&
    tp.partition < count
  );
}

/**
 * Per member, the partitions it owned and may keep: only members reporting the highest generation
 * count, only partitions that still exist, and a partition two of them claim is nobody's.
 */
function validOwnedPartitions(
  partitionsPerTopic: ReadonlyMap<string, number>,
  members: readonly AssignorMember[],
  data: ReadonlyMap<string, StickyMemberData>,
): Map<string, TopicPartition[]> {
  let highest = DEFAULT_GENERATION;
  for (const member of members) {
    highest = Math.max(highest, data.get(member.memberId)?.generation ?? DEFAULT_GENERATION);
  }
  const claims = new Map<string, number>();
  const owned = new Map<string, TopicPartition[]>();
  for (const member of members) {
    const memberData = data.get(member.memberId) as StickyMemberData;
    const list: TopicPartition[] = [];
    owned.set(member.memberId, list);
    if ((memberData.generation ?? DEFAULT_GENERATION) !== highest) continue;
    const seen = new Set<string>();
    for (const tp of memberData.partitions) {
      const key = partitionKey(tp.topic, tp.partition);
      if (!exists(partitionsPerTopic, tp) || seen.has(key)) continue;
      seen.add(key);
      claims.set(key, (claims.get(key) ?? 0) + 1);
      list.push({ topic: tp.topic, partition: tp.partition });
    }
  }
  for (const [memberId, list] of owned) {
    owned.set(
      memberId,
      list.filter((tp) => claims.get(partitionKey(tp.topic, tp.partition)) === 1),
    );
  }
  return owned;
}

/** Kafka's constrainedAssign: every member subscribes to the same topics. */
function constrainedAssign(
  partitionsPerTopic: ReadonlyMap<string, number>,
  members: readonly AssignorMember[],
  data: ReadonlyMap<string, StickyMemberData>,
): GroupAssignment {
  const owned = validOwnedPartitions(partitionsPerTopic, members, data);
  const all = allPartitionsSorted(partitionsPerTopic);
  const unassigned = new Map(all.map((tp) => [partitionKey(tp.topic, tp.partition), tp]));
  const minQuota = Math.floor(all.length / members.length);
  const maxQuota = Math.ceil(all.length / members.length);
  const assignment = emptyAssignment(members);
  const unfilled: string[] = [];
  const atMax: string[] = [];
  const atMin: string[] = [];

  for (const member of members) {
    const list = assignment.get(member.memberId) as TopicPartition[];
    const mine = owned.get(member.memberId) as TopicPartition[];
    for (const tp of mine.slice(0, maxQuota)) {
      list.push(tp);
      unassigned.delete(partitionKey(tp.topic, tp.partition));
    }
    if (mine.length < minQuota) {
      unfilled.push(member.memberId);
    } else {
      if (list.length === minQuota) atMin.push(member.memberId);
      if (list.length === maxQuota) atMax.push(member.memberId);
    }
  }

  // Fill members below the minimum from the unowned partitions, one each per round.
  const free = [...unassigned.values()];
  let nextFree = 0;
  let filling = unfilled.sort(compareStrings);
  while (filling.length > 0 && nextFree < free.length) {
    const stillUnfilled: string[] = [];
    for (const memberId of filling) {
      const list = assignment.get(memberId) as TopicPartition[];
      if (nextFree < free.length) list.push(free[nextFree++]);
      if (list.length === minQuota) atMin.push(memberId);
      else stillUnfilled.push(memberId);
    }
    filling = stillUnfilled;
  }

  // Out of unowned partitions: take from members at the maximum.
  for (const memberId of filling) {
    const list = assignment.get(memberId) as TopicPartition[];
    while (list.length < minQuota) {
      const overloaded = atMax.shift();
      if (overloaded === undefined) {
        throw new SamsaError(
          'sticky assignor: members are under their quota but every partition is assigned',
        );
      }
      list.push((assignment.get(overloaded) as TopicPartition[]).shift() as TopicPartition);
    }
    atMin.push(memberId);
  }

  // Partitions still unowned go one each to members at the minimum.
  for (const tp of free.slice(nextFree)) {
    const memberId = atMin.shift();
    if (memberId === undefined) {
      throw new SamsaError(
        'sticky assignor: partitions are left but every member is at its maximum',
      );
    }
    (assignment.get(memberId) as TopicPartition[]).push(tp);
  }
  return assignment;
}

/** Where one partition went during a rebalance, for undoing moves between the same members. */
interface Movement {
  readonly from: string;
  readonly to: string;
}

/** Kafka's PartitionMovements: net moves per partition and per topic and member pair. */
class PartitionMovements {
  private readonly byPartition = new Map<string, Movement>();
  private readonly byTopic = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly topicOf: (key: string) => string) {}

  /** The partition to move from `from` to `to` so that an opposite earlier move is undone. */
  partitionToMove(key: string, from: string, to: string): string {
    const pairs = this.byTopic.get(this.topicOf(key));
    if (pairs === undefined) return key;
    const source = this.byPartition.get(key)?.from ?? from;
    const reverse = pairs.get(pairKey(to, source));
    if (reverse === undefined) return key;
    return reverse.values().next().value as string;
  }

  move(key: string, from: string, to: string): void {
    const existing = this.byPartition.get(key);
    if (existing === undefined) {
      this.record(key, { from, to });
      return;
    }
    this.forget(key, existing);
    if (existing.from !== to) this.record(key, { from: existing.from, to });
  }

  private record(key: string, movement: Movement): void {
    this.byPartition.set(key, movement);
    const topic = this.topicOf(key);
    let pairs = this.byTopic.get(topic);
    if (pairs === undefined) {
      pairs = new Map();
      this.byTopic.set(topic, pairs);
    }
    const pair = pairKey(movement.from, movement.to);
    let set = pairs.get(pair);
    if (set === undefined) {
      set = new Set();
      pairs.set(pair, set);
    }
    set.add(key);
  }

  private forget(key: string, movement: Movement): void {
    this.byPartition.delete(key);
    const topic = this.topicOf(key);
    const pairs = this.byTopic.get(topic) as Map<string, Set<string>>;
    const pair = pairKey(movement.from, movement.to);
    const set = pairs.get(pair) as Set<string>;
    set.delete(key);
    if (set.size === 0) pairs.delete(pair);
    if (pairs.size === 0) this.byTopic.delete(topic);
  }
}

function pairKey(from: string, to: string): string {
  return JSON.stringify([from, to]);
}

/** Kafka's generalAssign: members subscribe to different topics. */
class GeneralAssignment {
  private readonly partitions = new Map<string, TopicPartition>();
  /** Partition → members subscribed to its topic. */
  private readonly potentialMembers = new Map<string, string[]>();
  /** Member → partitions of its topics. */
  private readonly potentialPartitions = new Map<string, Set<string>>();
  /** The assignment being built (members that can still change). */
  private current = new Map<string, string[]>();
  private owner = new Map<string, string>();
  /** The owner before the current one (next highest generation). */
  private readonly previous = new Map<string, string>();
  private readonly movements: PartitionMovements;
  private readonly memberIds: string[];

  constructor(
    partitionsPerTopic: ReadonlyMap<string, number>,
    members: readonly AssignorMember[],
    private readonly data: ReadonlyMap<string, StickyMemberData>,
  ) {
    this.memberIds = members.map((member) => member.memberId);
    for (const tp of allPartitionsSorted(partitionsPerTopic)) {
      const key = partitionKey(tp.topic, tp.partition);
      this.partitions.set(key, tp);
      this.potentialMembers.set(key, []);
    }
    for (const member of members) {
      const set = new Set<string>();
      this.potentialPartitions.set(member.memberId, set);
      for (const topic of new Set(member.subscription.topics)) {
        const count = partitionsPerTopic.get(topic);
        if (count === undefined) continue;
        for (let partition = 0; partition < count; partition++) {
          const key = partitionKey(topic, partition);
          set.add(key);
          this.potentialMembers.get(key)?.push(member.memberId);
        }
      }
    }
    this.movements = new PartitionMovements(
      (key) => (this.partitions.get(key) as TopicPartition).topic,
    );
  }

  run(): GroupAssignment {
    const claimed = this.prepopulate();
    for (const memberId of this.memberIds) this.current.set(memberId, claimed.get(memberId) ?? []);
    const sortedPartitions = [...this.partitions.keys()].sort(
      (a, b) =>
        this.potentialCount(a) - this.potentialCount(b) ||
        compareTopicPartitions(this.partition(a), this.partition(b)),
    );
    const kept = new Set<string>();
    let revocationRequired = false;
    for (const [memberId, list] of this.current) {
      const keep: string[] = [];
      for (const key of list) {
        if (!this.partitions.has(key)) {
          this.owner.delete(key);
        } else if (!(this.potentialPartitions.get(memberId) as Set<string>).has(key)) {
          revocationRequired = true;
        } else {
          keep.push(key);
          kept.add(key);
        }
      }
      this.current.set(memberId, keep);
    }
    const unassigned = sortedPartitions.filter((key) => !kept.has(key));
    this.balance(sortedPartitions, unassigned, revocationRequired);
    const result: GroupAssignment = new Map();
    for (const memberId of this.memberIds) {
      result.set(
        memberId,
        (this.current.get(memberId) as string[]).map((key) => this.partition(key)),
      );
    }
    return result;
  }

  /** Current owners from the members' previous assignments; remembers previous owners. */
  private prepopulate(): Map<string, string[]> {
    const byGeneration = new Map<string, Map<number, string>>();
    for (const memberId of this.memberIds) {
      const memberData = this.data.get(memberId) as StickyMemberData;
      const generation = memberData.generation ?? DEFAULT_GENERATION;
      for (const tp of memberData.partitions) {
        const key = partitionKey(tp.topic, tp.partition);
        let owners = byGeneration.get(key);
        if (owners === undefined) {
          owners = new Map();
          byGeneration.set(key, owners);
        }
        // Two members claiming a partition in the same generation: the first one keeps it.
        if (memberData.generation !== null && owners.has(generation)) continue;
        owners.set(generation, memberId);
      }
    }
    const claimed = new Map<string, string[]>();
    for (const [key, owners] of byGeneration) {
      const generations = [...owners.keys()].sort((a, b) => b - a);
      const current = owners.get(generations[0]) as string;
      let list = claimed.get(current);
      if (list === undefined) {
        list = [];
        claimed.set(current, list);
      }
      list.push(key);
      this.owner.set(key, current);
      if (generations.length > 1) this.previous.set(key, owners.get(generations[1]) as string);
    }
    return claimed;
  }

  private balance(
    sortedPartitions: string[],
    unassigned: string[],
    revocationRequired: boolean,
  ): void {
    const members = this.sortedMembers();
    const initializing = this.size(members[members.length - 1]) === 0;
    for (const key of unassigned) {
      if (this.potentialCount(key) === 0) continue;
      this.assignToLeastLoaded(key);
    }
    const reassignable = sortedPartitions.filter((key) => this.potentialCount(key) >= 2);
    const newlyAssigned = unassigned.filter((key) => this.potentialCount(key) >= 2);
    const fixed = new Map<string, string[]>();
    for (const memberId of this.memberIds) {
      if (!this.canParticipate(memberId)) {
        fixed.set(memberId, this.current.get(memberId) as string[]);
        this.current.delete(memberId);
      }
    }
    const before = copyAssignment(this.current);
    const ownersBefore = new Map(this.owner);
    if (!revocationRequired) this.performReassignments(newlyAssigned);
    const reassigned = this.performReassignments(reassignable);
    if (!initializing && reassigned && balanceScore(this.current) >= balanceScore(before)) {
      this.current = before;
      this.owner = ownersBefore;
    }
    for (const [memberId, list] of fixed) this.current.set(memberId, list);
  }

  private performReassignments(reassignable: readonly string[]): boolean {
    let reassigned = false;
    let modified: boolean;
    do {
      modified = false;
      for (const key of reassignable) {
        if (this.isBalanced()) break;
        const owner = this.owner.get(key);
        if (owner === undefined || !this.current.has(owner)) continue;
        const previous = this.previous.get(key);
        if (
          previous !== undefined &&
          this.current.has(previous) &&
          (this.potentialPartitions.get(previous) as Set<string>).has(key) &&
          this.size(owner) > this.size(previous) + 1
        ) {
          this.reassign(key, previous);
          reassigned = modified = true;
          continue;
        }
        for (const other of this.potentialMembers.get(key) as string[]) {
          if (this.current.has(other) && this.size(owner) > this.size(other) + 1) {
            const target = this.sortedMembers().find((memberId) =>
              (this.potentialPartitions.get(memberId) as Set<string>).has(key),
            ) as string;
            this.reassign(key, target);
            reassigned = modified = true;
            break;
          }
        }
      }
    } while (modified);
    return reassigned;
  }

  private reassign(key: string, to: string): void {
    const from = this.owner.get(key) as string;
    const moved = this.movements.partitionToMove(key, from, to);
    const movedFrom = this.owner.get(moved) as string;
    this.movements.move(moved, movedFrom, to);
    const list = this.current.get(movedFrom) as string[];
    list.splice(list.indexOf(moved), 1);
    (this.current.get(to) as string[]).push(moved);
    this.owner.set(moved, to);
  }

  /** Min and max differ by at most one, or no partition could move to a member with fewer. */
  private isBalanced(): boolean {
    const members = this.sortedMembers();
    if (members.length === 0) return true;
    const min = this.size(members[0]);
    const max = this.size(members[members.length - 1]);
    if (min >= max - 1) return true;
    for (const memberId of members) {
      const count = this.size(memberId);
      const potential = this.potentialPartitions.get(memberId) as Set<string>;
      if (count === potential.size) continue;
      const mine = new Set(this.current.get(memberId));
      for (const key of potential) {
        if (mine.has(key)) continue;
        const other = this.owner.get(key);
        if (other !== undefined && this.current.has(other) && count < this.size(other))
          return false;
      }
    }
    return true;
  }

  private canParticipate(memberId: string): boolean {
    const list = this.current.get(memberId) as string[];
    if (list.length < (this.potentialPartitions.get(memberId) as Set<string>).size) return true;
    return list.some((key) => this.potentialCount(key) >= 2);
  }

  private assignToLeastLoaded(key: string): void {
    for (const memberId of this.sortedMembers()) {
      if ((this.potentialPartitions.get(memberId) as Set<string>).has(key)) {
        (this.current.get(memberId) as string[]).push(key);
        this.owner.set(key, memberId);
        return;
      }
    }
  }

  /** Members that can change, fewest partitions first (ties by member id). */
  private sortedMembers(): string[] {
    return [...this.current.keys()].sort(
      (a, b) => this.size(a) - this.size(b) || compareStrings(a, b),
    );
  }

  private size(memberId: string): number {
    return (this.current.get(memberId) as string[]).length;
  }

  private potentialCount(key: string): number {
    return (this.potentialMembers.get(key) as string[]).length;
  }

  private partition(key: string): TopicPartition {
    return this.partitions.get(key) as TopicPartition;
  }
}

function copyAssignment(assignment: ReadonlyMap<string, string[]>): Map<string, string[]> {
  return new Map([...assignment].map(([memberId, list]) => [memberId, [...list]]));
}

/** The sum of the differences in partition count over every pair of members. */
function balanceScore(assignment: ReadonlyMap<string, string[]>): number {
  const sizes = [...assignment.values()].map((list) => list.length).sort((a, b) => a - b);
  let score = 0;
  let prefix = 0;
  sizes.forEach((size, index) => {
    score += size * index - prefix;
    prefix += size;
  });
  return score;
}
