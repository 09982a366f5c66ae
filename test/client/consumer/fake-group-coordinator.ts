/**
 * A fake group coordinator for the client's unit tests, served by the brokers of a FakeCluster
 * (test/client/fake-broker.ts), from in-memory groups: FindCoordinator, JoinGroup, SyncGroup,
 * Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch with Kafka's group state machine in small:
 *
 * - `coordinatorId` is the broker that coordinates every group; the others answer NOT_COORDINATOR
 *   (a test moves it, or makes FindCoordinator answer COORDINATOR_NOT_AVAILABLE).
 * - JoinGroup without a member id answers MEMBER_ID_REQUIRED with a new id (KIP-394); a static
 *   member (group.instance.id) gets its id at once and fences the previous holder of the instance
 *   id. A join moves the group to PreparingRebalance; it completes when every member has joined
 *   (members that do not rejoin within the rebalance timeout are dropped), with a new generation,
 *   the first member as leader (the previous leader if it is still in), and the first protocol of
 *   the leader that every member offers.
 * - SyncGroup from the leader stores every assignment and makes the group Stable; the others wait
 *   for it. REBALANCE_IN_PROGRESS / ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID / FENCED_INSTANCE_ID as
 *   Kafka's coordinator answers them, also for Heartbeat and OffsetCommit (a commit with
 *   generation -1 and no member id is accepted while the group is Empty).
 * - A member not heard from within its session timeout is dropped (checked every 10 ms).
 * - `intercept(apiKey, fn)` answers a request its own way first (undefined: default handling);
 *   every group request is recorded in `requests`.
 */
import { ApiKey, RequestBody, ResponseInit } from '../../../client/protocol/apis';
import { ErrorName, errorByName } from '../../../client/protocol/error-codes';
import type { SocketServer } from '../../../broker/network/socket-server';
import type { RequestContext } from '../../../broker/network/server-connection';
import type { FakeCluster } from '../fake-broker';

type GroupApi =
  | typeof ApiKey.FindCoordinator
  | typeof ApiKey.JoinGroup
  | typeof ApiKey.SyncGroup
  | typeof ApiKey.Heartbeat
  | typeof ApiKey.LeaveGroup
  | typeof ApiKey.OffsetCommit
  | typeof ApiKey.OffsetFetch;

type Interceptor<K extends GroupApi> = (
  broker: number,
  request: RequestBody<K>,
) => ResponseInit<K> | undefined | Promise<ResponseInit<K> | undefined>;

export interface FakeGroupRequest {
  readonly broker: number;
  readonly apiKey: GroupApi;
  readonly body: unknown;
}

type JoinResponse = ResponseInit<typeof ApiKey.JoinGroup>;
type SyncResponse = ResponseInit<typeof ApiKey.SyncGroup>;

export interface FakeMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: { name: string; metadata: Buffer }[];
  lastSeen: number;
  assignment: Buffer;
  joinWaiter?: (response: JoinResponse) => void;
  syncWaiter?: (response: SyncResponse) => void;
}

export interface FakeGroup {
  readonly groupId: string;
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';
  generationId: number;
  leaderId: string;
  protocolName: string | null;
  readonly members: Map<string, FakeMember>;
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. */
  readonly pending: Set<string>;
  /** Member ids that lost their group.instance.id to a newer member. */
  readonly fenced: Set<string>;
  readonly offsets: Map<string, number>;
  rebalanceTimer?: NodeJS.Timeout;
}

const code = (name: ErrorName): number => errorByName(name).code;

export class FakeGroupCoordinator {
  coordinatorId: number;
  /** FindCoordinator answers COORDINATOR_NOT_AVAILABLE while false. */
  available = true;
  readonly groups = new Map<string, FakeGroup>();
  readonly requests: FakeGroupRequest[] = [];
  private readonly interceptors = new Map<GroupApi, Interceptor<GroupApi>[]>();
  private readonly sweeper: NodeJS.Timeout;
  private nextMemberNumber = 0;

  private constructor(private readonly cluster: FakeCluster) {
    this.coordinatorId = cluster.brokerIds[0];
    this.sweeper = setInterval(() => this.expireSessions(), 10);
  }

  /** Serves the group APIs on every broker of `cluster` (before any client connects). */
  static attach(cluster: FakeCluster): FakeGroupCoordinator {
    const coordinator = new FakeGroupCoordinator(cluster);
    for (const [id, server] of coordinator.servers()) coordinator.serve(id, server);
    return coordinator;
  }

  /** Restarts a broker of the cluster with the group APIs. */
  async restartBroker(id: number): Promise<void> {
    await this.cluster.restartBroker(id);
    const server = this.servers().get(id);
    if (server !== undefined) this.serve(id, server);
  }

  /** Stops the session sweeper and answers every parked request (the coordinator "moved"). */
  stop(): void {
    clearInterval(this.sweeper);
    for (const group of this.groups.values()) {
      clearTimeout(group.rebalanceTimer);
      for (const member of group.members.values()) this.release(member, 'NOT_COORDINATOR');
    }
  }

  group(groupId: string): FakeGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = {
        groupId,
        state: 'Empty',
        generationId: 0,
        leaderId: '',
        protocolName: null,
        members: new Map(),
        pending: new Set(),
        fenced: new Set(),
        offsets: new Map(),
      };
      this.groups.set(groupId, group);
    }
    return group;
  }

  /** Answers requests of `apiKey` with `fn` first (last registered runs first). */
  intercept<K extends GroupApi>(apiKey: K, fn: Interceptor<K>): () => void {
    const list = this.interceptors.get(apiKey) ?? [];
    list.unshift(fn as unknown as Interceptor<GroupApi>);
    this.interceptors.set(apiKey, list);
    return () => {
      const index = list.indexOf(fn as unknown as Interceptor<GroupApi>);
      if (index >= 0) list.splice(index, 1);
    };
  }

  requestsOf<K extends GroupApi>(apiKey: K): RequestBody<K>[] {
    return this.requests
      .filter((request) => request.apiKey === apiKey)
      .map((request) => request.body as RequestBody<K>);
  }

  /** Makes the group rebalance, as a member joining would. */
  triggerRebalance(groupId: string): void {
    this.prepareRebalance(this.group(groupId));
  }

  /**
   * FakeCluster registers only its own APIs and keeps its servers private; the group APIs are
   * added to the same servers (fake-broker.ts is shared test infrastructure this file does not
   * change).
   */
  private servers(): Map<number, SocketServer> {
    return (this.cluster as unknown as { servers: Map<number, SocketServer> }).servers;
  }

  private serve(broker: number, server: SocketServer): void {
    const on = <K extends GroupApi>(
      apiKey: K,
      handle: (
        request: RequestBody<K>,
        context: RequestContext,
      ) => Promise<ResponseInit<K>> | ResponseInit<K>,
    ): void => {
      server.handle(apiKey, async (request, context) => {
        this.requests.push({ broker, apiKey, body: request });
        for (const interceptor of this.interceptors.get(apiKey) ?? []) {
          const answer = await (interceptor as unknown as Interceptor<K>)(broker, request);
          if (answer !== undefined) return answer;
        }
        return handle(request, context);
      });
    };
    on(ApiKey.FindCoordinator, () => this.findCoordinator());
    on(ApiKey.JoinGroup, (request, context) =>
      this.coordinates(broker)
        ? this.join(request, context.clientId)
        : { errorCode: code('NOT_COORDINATOR') },
    );
    on(ApiKey.SyncGroup, (request) =>
      this.coordinates(broker) ? this.sync(request) : { errorCode: code('NOT_COORDINATOR') },
    );
    on(ApiKey.Heartbeat, (request) => ({
      errorCode: this.coordinates(broker) ? this.heartbeat(request) : code('NOT_COORDINATOR'),
    }));
    on(ApiKey.LeaveGroup, (request) =>
      this.coordinates(broker) ? this.leave(request) : { errorCode: code('NOT_COORDINATOR') },
    );
    on(ApiKey.OffsetCommit, (request) => this.commit(broker, request));
    on(ApiKey.OffsetFetch, (request) =>
      this.coordinates(broker)
        ? this.fetchOffsets(request)
        : { errorCode: code('NOT_COORDINATOR') },
    );
  }

  private coordinates(broker: number): boolean {
    return broker === this.coordinatorId;
  }

  private findCoordinator(): ResponseInit<typeof ApiKey.FindCoordinator> {
    if (!this.available) {
      return { errorCode: code('COORDINATOR_NOT_AVAILABLE'), nodeId: -1, host: '', port: -1 };
    }
    return {
      errorCode: 0,
      nodeId: this.coordinatorId,
      host: '127.0.0.1',
      port: this.cluster.ports.get(this.coordinatorId) as number,
    };
  }

  private join(
    request: RequestBody<typeof ApiKey.JoinGroup>,
    clientId: string,
  ): Promise<JoinResponse> | JoinResponse {
    const group = this.group(request.groupId);
    const fail = (name: ErrorName): JoinResponse => ({
      errorCode: code(name),
      generationId: -1,
      memberId: request.memberId,
    });
    if (request.protocolType !== 'consumer' || request.protocols.length === 0) {
      return fail('INCONSISTENT_GROUP_PROTOCOL');
    }
    let memberId = request.memberId;
    if (group.fenced.has(memberId)) return fail('FENCED_INSTANCE_ID');
    if (memberId === '') {
      memberId = `${clientId}-${++this.nextMemberNumber}`;
      if (request.groupInstanceId === null) {
        group.pending.add(memberId);
        return { errorCode: code('MEMBER_ID_REQUIRED'), generationId: -1, memberId };
      }
      for (const member of [...group.members.values()]) {
        if (member.groupInstanceId === request.groupInstanceId) {
          group.members.delete(member.memberId);
          group.fenced.add(member.memberId);
          this.release(member, 'FENCED_INSTANCE_ID');
        }
      }
    } else if (!group.members.has(memberId) && !group.pending.delete(memberId)) {
      return fail('UNKNOWN_MEMBER_ID');
    }
    return new Promise<JoinResponse>((resolve) => {
      const existing = group.members.get(memberId);
      const member: FakeMember = existing ?? {
        memberId,
        groupInstanceId: request.groupInstanceId,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        protocols: [],
        lastSeen: performance.now(),
        assignment: Buffer.alloc(0),
      };
      member.protocols = request.protocols.map((protocol) => ({
        name: protocol.name,
        metadata: Buffer.from(protocol.metadata),
      }));
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
      member.lastSeen = performance.now();
      member.joinWaiter?.(fail('UNKNOWN_MEMBER_ID'));
      member.joinWaiter = resolve;
      group.members.set(memberId, member);
      if (group.state !== 'PreparingRebalance') this.prepareRebalance(group);
      this.tryCompleteJoin(group);
    });
  }

  private prepareRebalance(group: FakeGroup): void {
    for (const member of group.members.values()) {
      if (member.syncWaiter !== undefined) {
        const waiter = member.syncWaiter;
        member.syncWaiter = undefined;
        waiter({ errorCode: code('REBALANCE_IN_PROGRESS') });
      }
    }
    if (group.members.size === 0) {
      group.state = 'Empty';
      return;
    }
    group.state = 'PreparingRebalance';
    clearTimeout(group.rebalanceTimer);
    const timeout = Math.max(...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    group.rebalanceTimer = setTimeout(() => {
      for (const member of [...group.members.values()]) {
        if (member.joinWaiter === undefined) group.members.delete(member.memberId);
      }
      this.completeJoin(group);
    }, timeout);
  }

  private tryCompleteJoin(group: FakeGroup): void {
    if (group.state !== 'PreparingRebalance') return;
    for (const member of group.members.values()) if (member.joinWaiter === undefined) return;
    this.completeJoin(group);
  }

  private completeJoin(group: FakeGroup): void {
    clearTimeout(group.rebalanceTimer);
    group.generationId++;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.leaderId = '';
      return;
    }
    const members = [...group.members.values()];
    if (!group.members.has(group.leaderId)) group.leaderId = members[0].memberId;
    const leader = group.members.get(group.leaderId) as FakeMember;
    const protocol = leader.protocols.find((candidate) =>
      members.every((member) => member.protocols.some((p) => p.name === candidate.name)),
    );
    if (protocol === undefined) {
      for (const member of members) this.release(member, 'INCONSISTENT_GROUP_PROTOCOL');
      group.members.clear();
      group.state = 'Empty';
      return;
    }
    group.protocolName = protocol.name;
    group.state = 'CompletingRebalance';
    for (const member of members) {
      const waiter = member.joinWaiter as (response: JoinResponse) => void;
      member.joinWaiter = undefined;
      member.lastSeen = performance.now();
      waiter({
        errorCode: 0,
        generationId: group.generationId,
        protocolType: 'consumer',
        protocolName: protocol.name,
        leader: group.leaderId,
        memberId: member.memberId,
        members:
          member.memberId === group.leaderId
            ? members.map((m) => ({
                memberId: m.memberId,
                groupInstanceId: m.groupInstanceId,
                metadata: (
                  m.protocols.find((p) => p.name === protocol.name) as { metadata: Buffer }
                ).metadata,
              }))
            : [],
      });
    }
  }

  /** The error a member's request gets, if any (fenced, unknown, wrong generation). */
  private memberError(
    group: FakeGroup,
    memberId: string,
    generationId: number,
  ): ErrorName | undefined {
    if (group.fenced.has(memberId)) return 'FENCED_INSTANCE_ID';
    const member = group.members.get(memberId);
    if (member === undefined) return 'UNKNOWN_MEMBER_ID';
    member.lastSeen = performance.now();
    if (generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    return undefined;
  }

  private sync(
    request: RequestBody<typeof ApiKey.SyncGroup>,
  ): Promise<SyncResponse> | SyncResponse {
    const group = this.group(request.groupId);
    const error = this.memberError(group, request.memberId, request.generationId);
    if (error !== undefined) return { errorCode: code(error) };
    if (group.state === 'PreparingRebalance') return { errorCode: code('REBALANCE_IN_PROGRESS') };
    const member = group.members.get(request.memberId) as FakeMember;
    const answer = (m: FakeMember): SyncResponse => ({
      errorCode: 0,
      protocolType: 'consumer',
      protocolName: group.protocolName,
      assignment: m.assignment,
    });
    if (group.state === 'Stable') return answer(member);
    if (request.memberId === group.leaderId) {
      for (const m of group.members.values()) m.assignment = Buffer.alloc(0);
      for (const entry of request.assignments) {
        const target = group.members.get(entry.memberId);
        if (target !== undefined) target.assignment = Buffer.from(entry.assignment);
      }
      group.state = 'Stable';
      for (const m of group.members.values()) {
        if (m.syncWaiter !== undefined) {
          const waiter = m.syncWaiter;
          m.syncWaiter = undefined;
          waiter(answer(m));
        }
      }
      return answer(member);
    }
    return new Promise((resolve) => {
      member.syncWaiter = resolve;
    });
  }

  private heartbeat(request: RequestBody<typeof ApiKey.Heartbeat>): number {
    const group = this.group(request.groupId);
    const error = this.memberError(group, request.memberId, request.generationId);
    if (error !== undefined) return code(error);
    if (group.state === 'PreparingRebalance') return code('REBALANCE_IN_PROGRESS');
    return 0;
  }

  private leave(
    request: RequestBody<typeof ApiKey.LeaveGroup>,
  ): ResponseInit<typeof ApiKey.LeaveGroup> {
    const group = this.group(request.groupId);
    const members = request.members.map((entry) => {
      const member = group.members.get(entry.memberId);
      if (member === undefined) return { ...entry, errorCode: code('UNKNOWN_MEMBER_ID') };
      group.members.delete(entry.memberId);
      this.release(member, 'UNKNOWN_MEMBER_ID');
      return { ...entry, errorCode: 0 };
    });
    if (members.some((member) => member.errorCode === 0)) {
      this.prepareRebalance(group);
      this.tryCompleteJoin(group);
    }
    return { errorCode: 0, members };
  }

  private commit(
    broker: number,
    request: RequestBody<typeof ApiKey.OffsetCommit>,
  ): ResponseInit<typeof ApiKey.OffsetCommit> {
    const group = this.group(request.groupId);
    let error: ErrorName | undefined;
    if (!this.coordinates(broker)) error = 'NOT_COORDINATOR';
    else if (request.generationId < 0 && request.memberId === '' && group.state === 'Empty') {
      error = undefined;
    } else if (group.state === 'CompletingRebalance') error = 'REBALANCE_IN_PROGRESS';
    else error = this.memberError(group, request.memberId, request.generationId);
    return {
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((partition) => {
          if (error === undefined) {
            group.offsets.set(
              `${topic.name}-${partition.partitionIndex}`,
              partition.committedOffset,
            );
          }
          return {
            partitionIndex: partition.partitionIndex,
            errorCode: error === undefined ? 0 : code(error),
          };
        }),
      })),
    };
  }

  private fetchOffsets(
    request: RequestBody<typeof ApiKey.OffsetFetch>,
  ): ResponseInit<typeof ApiKey.OffsetFetch> {
    const group = this.group(request.groupId);
    return {
      errorCode: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          committedOffset: group.offsets.get(`${topic.name}-${partitionIndex}`) ?? -1,
          committedLeaderEpoch: -1,
          metadata: '',
          errorCode: 0,
        })),
      })),
    };
  }

  private expireSessions(): void {
    const now = performance.now();
    for (const group of this.groups.values()) {
      let expired = false;
      for (const member of [...group.members.values()]) {
        if (member.joinWaiter !== undefined) continue;
        if (now - member.lastSeen > member.sessionTimeoutMs) {
          group.members.delete(member.memberId);
          this.release(member, 'UNKNOWN_MEMBER_ID');
          expired = true;
        }
      }
      if (expired) {
        this.prepareRebalance(group);
        this.tryCompleteJoin(group);
      }
    }
  }

  /** Answers a member's parked JoinGroup / SyncGroup with an error. */
  private release(member: FakeMember, error: ErrorName): void {
    const join = member.joinWaiter;
    const sync = member.syncWaiter;
    member.joinWaiter = undefined;
    member.syncWaiter = undefined;
    join?.({ errorCode: code(error), generationId: -1, memberId: member.memberId });
    sync?.({ errorCode: code(error) });
  }
}
