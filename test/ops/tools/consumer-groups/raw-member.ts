/**
 * A consumer group member driven by raw protocol requests, for the consumer-groups tool's
 * integration tests: JoinGroup (answering MEMBER_ID_REQUIRED by joining again with the id the
 * coordinator gave, as Kafka 2.8's consumer does), SyncGroup as the leader with a ConsumerProtocol
 * assignment it chooses itself, Heartbeats while it lives (failures are kept for the test to
 * check), OffsetCommit in its generation, and LeaveGroup. It lets a test put a group in exactly
 * the state it wants, independently of the consumer client.
 */
import { Cluster } from '../../../../client/cluster/cluster';
import { GroupCoordinators } from '../../../../client/cluster/group-coordinator';
import {
  encodeAssignment,
  encodeSubscription,
} from '../../../../client/consumer/consumer-protocol';
import { KafkaError } from '../../../../client/errors';
import { ApiKey } from '../../../../client/protocol/apis';
import { errorByCode } from '../../../../client/protocol/error-codes';

export class RawMember {
  readonly heartbeatErrors: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly cluster: Cluster,
    private readonly coordinators: GroupCoordinators,
    readonly groupId: string,
    readonly memberId: string,
    readonly generationId: number,
  ) {}

  /**
   * Joins `groupId` alone (it becomes the leader), assigns itself `assignment`
   * (`{ topic: partitions }`) under the protocol `protocol`, and heartbeats every second.
   */
  static async join(options: {
    bootstrap: string[];
    clientId: string;
    groupId: string;
    protocol: string;
    assignment: Record<string, number[]>;
  }): Promise<RawMember> {
    const cluster = new Cluster({ clientId: options.clientId, brokers: options.bootstrap });
    await cluster.connect();
    const coordinators = new GroupCoordinators(cluster);
    const { groupId } = options;
    const metadata = encodeSubscription({
      topics: Object.keys(options.assignment),
      userData: null,
      ownedPartitions: [],
    });
    const joinAs = (memberId: string) =>
      coordinators.request(
        groupId,
        ApiKey.JoinGroup,
        {
          groupId,
          sessionTimeoutMs: 30000,
          rebalanceTimeoutMs: 30000,
          memberId,
          protocolType: 'consumer',
          protocols: [{ name: options.protocol, metadata }],
        },
        (response) => response.errorCode,
      );
    let { response: joined } = await joinAs('');
    if (errorByCode(joined.errorCode).name === 'MEMBER_ID_REQUIRED') {
      ({ response: joined } = await joinAs(joined.memberId));
    }
    if (joined.errorCode !== 0)
      throw KafkaError.fromCode(joined.errorCode, 'JoinGroup', { groupId });
    const partitions = Object.entries(options.assignment).flatMap(([topic, list]) =>
      list.map((partition) => ({ topic, partition })),
    );
    const { response: synced } = await coordinators.request(
      groupId,
      ApiKey.SyncGroup,
      {
        groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
        protocolType: 'consumer',
        protocolName: options.protocol,
        assignments: [
          {
            memberId: joined.memberId,
            assignment: encodeAssignment({ partitions, userData: null }),
          },
        ],
      },
      (response) => response.errorCode,
    );
    if (synced.errorCode !== 0)
      throw KafkaError.fromCode(synced.errorCode, 'SyncGroup', { groupId });
    const member = new RawMember(
      cluster,
      coordinators,
      groupId,
      joined.memberId,
      joined.generationId,
    );
    member.timer = setInterval(() => void member.heartbeat(), 1000);
    return member;
  }

  /** Commits offsets (the next offsets to read) in the member's generation. */
  async commit(topic: string, offsets: Record<number, number>): Promise<void> {
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.OffsetCommit,
      {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        topics: [
          {
            name: topic,
            partitions: Object.entries(offsets).map(([partition, offset]) => ({
              partitionIndex: Number(partition),
              committedOffset: offset,
              committedLeaderEpoch: -1,
            })),
          },
        ],
      },
      () => 0,
    );
    for (const partition of response.topics.flatMap((t) => t.partitions)) {
      if (partition.errorCode !== 0) {
        throw KafkaError.fromCode(partition.errorCode, 'OffsetCommit', { groupId: this.groupId });
      }
    }
  }

  /** Leaves the group and closes the connections. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.LeaveGroup,
      { groupId: this.groupId, members: [{ memberId: this.memberId }] },
      (r) => r.errorCode,
    );
    await this.cluster.disconnect();
    if (response.errorCode !== 0) {
      throw KafkaError.fromCode(response.errorCode, 'LeaveGroup', { groupId: this.groupId });
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      const { response } = await this.coordinators.request(
        this.groupId,
        ApiKey.Heartbeat,
        { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId },
        (r) => r.errorCode,
      );
      if (response.errorCode !== 0) this.heartbeatErrors.push(errorByCode(response.errorCode).name);
    } catch (error) {
      this.heartbeatErrors.push(error instanceof Error ? error.message : String(error));
    }
  }
}
