/**
 * One consumer-group member speaking the group protocol with raw requests (JoinGroup, SyncGroup,
 * Heartbeat, OffsetCommit, OffsetFetch, LeaveGroup), for the group coordinator's cluster tests.
 * Each member has its own connections (its own Cluster), as separate consumers would: a JoinGroup
 * waiting for a rebalance must not hold up another member's requests. The coordinator is found
 * with client/cluster's GroupCoordinators, which looks it up again when it moves.
 */
import { Cluster } from '../../client/cluster/cluster';
import { GroupCoordinators } from '../../client/cluster/group-coordinator';
import { ApiKey, type ResponseBody } from '../../client/protocol/apis';
import { type ErrorName, errorByCode } from '../../client/protocol/error-codes';

/** A ConsumerProtocol Subscription v0 for `topics` (what Kafka consumers send as metadata). */
export function subscription(topics: readonly string[]): Buffer {
  const parts = [Buffer.from([0, 0]), Buffer.alloc(4)];
  parts[1].writeInt32BE(topics.length);
  for (const topic of topics) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(Buffer.byteLength(topic));
    parts.push(length, Buffer.from(topic));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

const nameOf = (code: number): ErrorName => errorByCode(code).name;

export class GroupMember {
  readonly cluster: Cluster;
  readonly coordinators: GroupCoordinators;
  memberId = '';
  generationId = -1;
  private heartbeats: NodeJS.Timeout | undefined;
  /** Heartbeat answers seen by the background heartbeats, latest last. */
  readonly heartbeatErrors: ErrorName[] = [];

  constructor(
    brokers: readonly string[],
    readonly clientId: string,
    readonly groupId: string,
    readonly sessionTimeoutMs: number,
    readonly rebalanceTimeoutMs = 20000,
  ) {
    this.cluster = new Cluster({
      clientId,
      brokers,
      requestTimeout: 40000,
      retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.coordinators = new GroupCoordinators(this.cluster);
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
  }

  /** The node id of the group's coordinator. */
  coordinator(): Promise<number> {
    return this.coordinators.find(this.groupId);
  }

  /**
   * JoinGroup until a generation is joined (a first MEMBER_ID_REQUIRED is answered by joining
   * again with the id given); resolves to the final response.
   */
  async join(topics: readonly string[] = ['t']): Promise<ResponseBody<typeof ApiKey.JoinGroup>> {
    for (;;) {
      const { response } = await this.coordinators.request(
        this.groupId,
        ApiKey.JoinGroup,
        {
          groupId: this.groupId,
          sessionTimeoutMs: this.sessionTimeoutMs,
          rebalanceTimeoutMs: this.rebalanceTimeoutMs,
          memberId: this.memberId,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: subscription(topics) }],
        },
        (r) => r.errorCode,
      );
      const error = nameOf(response.errorCode);
      if (error === 'MEMBER_ID_REQUIRED') {
        this.memberId = response.memberId;
        continue;
      }
      if (error !== 'NONE') throw new Error(`JoinGroup of ${this.clientId} failed: ${error}`);
      this.memberId = response.memberId;
      this.generationId = response.generationId;
      return response;
    }
  }

  /** SyncGroup (the leader passes every member's assignment); resolves to this member's. */
  async sync(assignments: ReadonlyMap<string, Buffer> = new Map()): Promise<Buffer> {
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.SyncGroup,
      {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [...assignments].map(([memberId, assignment]) => ({ memberId, assignment })),
      },
      (r) => r.errorCode,
    );
    const error = nameOf(response.errorCode);
    if (error !== 'NONE') throw new Error(`SyncGroup of ${this.clientId} failed: ${error}`);
    return Buffer.from(response.assignment);
  }

  async heartbeat(): Promise<ErrorName> {
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.Heartbeat,
      { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId },
      (r) => r.errorCode,
    );
    return nameOf(response.errorCode);
  }

  /** Heartbeats every `intervalMs` in the background until stopHeartbeats(). */
  startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    let busy = false;
    this.heartbeats = setInterval(() => {
      if (busy) return;
      busy = true;
      this.heartbeat()
        .then((error) => this.heartbeatErrors.push(error))
        .catch(() => this.heartbeatErrors.push('NETWORK_EXCEPTION'))
        .finally(() => {
          busy = false;
        });
    }, intervalMs);
  }

  stopHeartbeats(): void {
    if (this.heartbeats !== undefined) clearInterval(this.heartbeats);
    this.heartbeats = undefined;
  }

  async commit(topic: string, offsets: readonly number[]): Promise<ErrorName[]> {
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
            partitions: offsets.map((committedOffset, partitionIndex) => ({
              partitionIndex,
              committedOffset,
              committedLeaderEpoch: -1,
            })),
          },
        ],
      },
      (r) => r.topics[0]?.partitions[0]?.errorCode ?? 0,
    );
    return response.topics[0].partitions.map((p) => nameOf(p.errorCode));
  }

  /** The group's committed offsets of `topic` partitions 0..count-1 (-1: none). */
  async fetch(topic: string, count: number): Promise<number[]> {
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.OffsetFetch,
      {
        groupId: this.groupId,
        topics: [{ name: topic, partitionIndexes: [...Array(count).keys()] }],
      },
      (r) => r.errorCode,
    );
    const error = nameOf(response.errorCode);
    if (error !== 'NONE') throw new Error(`OffsetFetch failed: ${error}`);
    return response.topics[0].partitions.map((p) => p.committedOffset);
  }

  async describe(): Promise<ResponseBody<typeof ApiKey.DescribeGroups>['groups'][number]> {
    const { response } = await this.coordinators.request(
      this.groupId,
      ApiKey.DescribeGroups,
      { groups: [this.groupId] },
      (r) => r.groups[0]?.errorCode ?? 0,
    );
    return response.groups[0];
  }

  async close(): Promise<void> {
    this.stopHeartbeats();
    await this.cluster.disconnect();
  }
}
