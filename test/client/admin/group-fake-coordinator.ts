/**
 * Group APIs for test/client/fake-broker.ts's FakeCluster, for the GroupAdmin unit tests: each
 * group has a coordinator (a broker id, changeable to test re-lookup), a state, members and
 * committed offsets, kept in memory. The handlers answer as Kafka's coordinator does for what
 * the admin client asks: FindCoordinator; ListGroups (the groups the broker coordinates, filtered
 * by state); DescribeGroups (Dead for an unknown group); DeleteGroups (NON_EMPTY_GROUP,
 * GROUP_ID_NOT_FOUND); OffsetFetch; OffsetCommit outside any generation (refused with
 * UNKNOWN_MEMBER_ID while the group has members). A broker that does not coordinate the group
 * answers NOT_COORDINATOR. Requests are recorded per broker.
 */
import type { SocketServer } from '../../../broker/network/socket-server';
import { ApiKey, RequestBody, ResponseInit } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import type { ErrorName } from '../../../client/protocol/error-codes';
import type { FakeCluster } from '../fake-broker';

export interface FakeGroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  groupInstanceId?: string | null;
  metadata: Buffer;
  assignment: Buffer;
}

export interface FakeGroupState {
  coordinator: number;
  state: string;
  protocolType: string;
  protocol: string;
  members: FakeGroupMember[];
  /** `topic\0partition` → committed offset. */
  offsets: Map<string, number>;
}

const code = (name: ErrorName): number => errorByName(name).code;
const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class FakeGroupCoordinator {
  readonly groups = new Map<string, FakeGroupState>();
  readonly requests: { broker: number; apiKey: ApiKey; body: unknown }[] = [];
  /** Brokers whose ListGroups fails with this error. */
  readonly listGroupsErrors = new Map<number, ErrorName>();
  /** Where FindCoordinator sends groups it does not know (default: the first broker). */
  defaultCoordinator: number;

  private constructor(private readonly cluster: FakeCluster) {
    this.defaultCoordinator = cluster.brokerIds[0];
  }

  /**
   * Adds the group APIs to every broker of `cluster` (before any client connects: a client
   * learns a broker's APIs from ApiVersions when it connects).
   */
  static install(cluster: FakeCluster): FakeGroupCoordinator {
    const coordinator = new FakeGroupCoordinator(cluster);
    // FakeCluster serves the APIs it was written for; its socket servers take more handlers.
    const servers = (cluster as unknown as { servers: Map<number, SocketServer> }).servers;
    for (const [broker, server] of servers) coordinator.serve(broker, server);
    return coordinator;
  }

  addGroup(groupId: string, group: Partial<FakeGroupState> = {}): FakeGroupState {
    const state: FakeGroupState = {
      coordinator: this.defaultCoordinator,
      state: 'Empty',
      protocolType: 'consumer',
      protocol: '',
      members: [],
      offsets: new Map(),
      ...group,
    };
    this.groups.set(groupId, state);
    return state;
  }

  requestsOf<K extends ApiKey>(apiKey: K, broker?: number): RequestBody<K>[] {
    return this.requests
      .filter((r) => r.apiKey === apiKey && (broker === undefined || r.broker === broker))
      .map((r) => r.body as RequestBody<K>);
  }

  private coordinatorOf(groupId: string): number {
    return this.groups.get(groupId)?.coordinator ?? this.defaultCoordinator;
  }

  private serve(broker: number, server: SocketServer): void {
    const on = <K extends ApiKey>(
      apiKey: K,
      handle: (request: RequestBody<K>) => ResponseInit<K>,
    ): void => {
      server.handle(apiKey, async (request) => {
        this.requests.push({ broker, apiKey, body: request });
        return handle(request);
      });
    };
    on(ApiKey.FindCoordinator, (request) => {
      const nodeId = this.coordinatorOf(request.key);
      return {
        errorCode: 0,
        nodeId,
        host: '127.0.0.1',
        port: this.cluster.ports.get(nodeId) as number,
      };
    });
    on(ApiKey.ListGroups, (request) => {
      const error = this.listGroupsErrors.get(broker);
      if (error !== undefined) return { errorCode: code(error) };
      return {
        errorCode: 0,
        groups: [...this.groups]
          .filter(([, group]) => group.coordinator === broker)
          .filter(
            ([, group]) =>
              request.statesFilter.length === 0 || request.statesFilter.includes(group.state),
          )
          .map(([groupId, group]) => ({
            groupId,
            protocolType: group.protocolType,
            groupState: group.state,
          })),
      };
    });
    on(ApiKey.DescribeGroups, (request) => ({
      groups: request.groups.map((groupId) => {
        if (this.coordinatorOf(groupId) !== broker) {
          return { groupId, errorCode: code('NOT_COORDINATOR') };
        }
        const group = this.groups.get(groupId);
        if (group === undefined) return { groupId, errorCode: 0, groupState: 'Dead' };
        return {
          groupId,
          errorCode: 0,
          groupState: group.state,
          protocolType: group.protocolType,
          protocolData: group.protocol,
          members: group.members.map((member) => ({
            memberId: member.memberId,
            groupInstanceId: member.groupInstanceId ?? null,
            clientId: member.clientId,
            clientHost: member.clientHost,
            memberMetadata: member.metadata,
            memberAssignment: member.assignment,
          })),
        };
      }),
    }));
    on(ApiKey.DeleteGroups, (request) => ({
      results: request.groupsNames.map((groupId) => {
        if (this.coordinatorOf(groupId) !== broker) {
          return { groupId, errorCode: code('NOT_COORDINATOR') };
        }
        const group = this.groups.get(groupId);
        if (group === undefined) return { groupId, errorCode: code('GROUP_ID_NOT_FOUND') };
        if (group.members.length > 0) return { groupId, errorCode: code('NON_EMPTY_GROUP') };
        this.groups.delete(groupId);
        return { groupId, errorCode: 0 };
      }),
    }));
    on(ApiKey.OffsetFetch, (request) => {
      if (this.coordinatorOf(request.groupId) !== broker) {
        return { errorCode: code('NOT_COORDINATOR') };
      }
      const offsets = this.groups.get(request.groupId)?.offsets ?? new Map<string, number>();
      const topics = new Map<string, { partitionIndex: number; committedOffset: number }[]>();
      const add = (topic: string, partition: number, offset: number) => {
        const list = topics.get(topic) ?? [];
        list.push({ partitionIndex: partition, committedOffset: offset });
        topics.set(topic, list);
      };
      if (request.allTopics) {
        for (const [k, offset] of offsets) {
          const [topic, partition] = k.split('\u0000');
          add(topic, Number(partition), offset);
        }
      } else {
        for (const topic of request.topics) {
          for (const partition of topic.partitionIndexes) {
            add(topic.name, partition, offsets.get(key(topic.name, partition)) ?? -1);
          }
        }
      }
      return {
        errorCode: 0,
        topics: [...topics].map(([name, partitions]) => ({
          name,
          partitions: partitions.map((p) => ({ ...p, committedLeaderEpoch: -1, errorCode: 0 })),
        })),
      };
    });
    on(ApiKey.OffsetCommit, (request) => {
      const answer = (errorCode: number) => ({
        topics: request.topics.map((topic) => ({
          name: topic.name,
          partitions: topic.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode,
          })),
        })),
      });
      if (this.coordinatorOf(request.groupId) !== broker) return answer(code('NOT_COORDINATOR'));
      let group = this.groups.get(request.groupId);
      if (group !== undefined && group.members.length > 0 && request.generationId < 0) {
        return answer(code('UNKNOWN_MEMBER_ID'));
      }
      group ??= this.addGroup(request.groupId, { protocolType: '', coordinator: broker });
      for (const topic of request.topics) {
        for (const p of topic.partitions) {
          group.offsets.set(key(topic.name, p.partitionIndex), p.committedOffset);
        }
      }
      return answer(0);
    });
  }
}
