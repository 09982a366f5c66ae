/**
 * Kafka's RoundRobinAssignor ('roundrobin'): every partition of every subscribed topic, sorted by
 * topic then partition, is dealt in turn to the members sorted in MemberInfo order, going round
 * in a circle and skipping a member that does not subscribe to the partition's topic. E.g. t0 and
 * t1 with 3 partitions each, members C0 and C1 subscribing to both: C0 gets t0-0, t0-2, t1-1 and
 * C1 gets t0-1, t1-0, t1-2.
 */
import {
  AssignorMember,
  GroupAssignment,
  PartitionAssignor,
  compareMembers,
  compareStrings,
  emptyAssignment,
} from './assignor';

export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = 'roundrobin';

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    members: readonly AssignorMember[],
  ): GroupAssignment {
    const assignment = emptyAssignment(members);
    if (members.length === 0) return assignment;
    const sorted = [...members].sort(compareMembers);
    const subscribed = sorted.map((member) => new Set(member.subscription.topics));
    const topics = new Set<string>();
    for (const set of subscribed) for (const topic of set) topics.add(topic);
    let next = 0;
    for (const topic of [...topics].sort(compareStrings)) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      for (let partition = 0; partition < count; partition++) {
        while (!subscribed[next].has(topic)) next = (next + 1) % sorted.length;
        assignment.get(sorted[next].memberId)?.push({ topic, partition });
        next = (next + 1) % sorted.length;
      }
    }
    return assignment;
  }
}
