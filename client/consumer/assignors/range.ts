/**
 * Kafka's RangeAssignor ('range', Kafka 2.8's default): topic by topic, the members subscribed to
 * the topic are sorted (MemberInfo order) and the topic's partitions are split into consecutive
 * ranges in that order; with P partitions and M members each gets P / M and the first P % M get
 * one more. E.g. t0 and t1 with 3 partitions each, members C0 and C1: C0 gets t0-0, t0-1, t1-0,
 * t1-1 and C1 gets t0-2, t1-2.
 */
import {
  AssignorMember,
  GroupAssignment,
  PartitionAssignor,
  compareMembers,
  compareStrings,
  emptyAssignment,
} from './assignor';

export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range';

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    members: readonly AssignorMember[],
  ): GroupAssignment {
    const assignment = emptyAssignment(members);
    const membersPerTopic = new Map<string, AssignorMember[]>();
    for (const member of members) {
      for (const topic of new Set(member.subscription.topics)) {
        const list = membersPerTopic.get(topic);
        if (list === undefined) membersPerTopic.set(topic, [member]);
        else list.push(member);
      }
    }
    const topics = [...membersPerTopic.keys()].sort(compareStrings);
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      const consumers = (membersPerTopic.get(topic) as AssignorMember[]).sort(compareMembers);
      const perMember = Math.floor(count / consumers.length);
      const withExtra = count % consumers.length;
      consumers.forEach((member, index) => {
        const start = perMember * index + Math.min(index, withExtra);
        const length = perMember + (index < withExtra ? 1 : 0);
        const list = assignment.get(member.memberId) as { topic: string; partition: number }[];
        for (let partition = start; partition < start + length; partition++) {
          list.push({ topic, partition });
        }
      });
    }
    return assignment;
  }
}
