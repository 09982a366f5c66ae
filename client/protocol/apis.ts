/**
 * The API registry of samsa's wire protocol: every API with its Kafka api key, name, the field of
 * the envelope's `body` oneof that carries it (its codec: client/protocol/proto/envelope.proto),
 * and the versions samsa speaks; plus the TypeScript types of each API's request and response and
 * the ApiVersions negotiation.
 *
 * Api keys are Kafka's own numbers.
 *
 * Versions are samsa's own, per API, starting at 0 (the fields of version 0 mirror the Kafka 2.8
 * version named in each .proto file). A client uses, per API, the highest version both sides
 * support (`negotiateVersions` over a broker's ApiVersions response).
 */
import { samsa } from './generated/messages';

/** Kafka's api key of every API samsa defines. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  LeaderAndIsr: 4,
  StopReplica: 5,
  UpdateMetadata: 6,
  ControlledShutdown: 7,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  OffsetsForLeaderEpoch: 23,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  CreatePartitions: 37,
  DeleteGroups: 42,
  ElectLeaders: 43,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];
export type ApiName = keyof typeof ApiKey;

/** The name of a field of the envelope's `body` oneof (`produce`, `listOffsets`, ...). */
export type BodyField = NonNullable<samsa.Request['body']>;

/**
 * Per API: `request`/`response` are the decoded messages (every field present, defaults filled
 * in); `requestInit`/`responseInit` are what an encoder accepts (every field optional).
 */
export interface ApiMessages {
  [ApiKey.Produce]: {
    request: samsa.ProduceRequest;
    requestInit: samsa.ProduceRequest.$Properties;
    response: samsa.ProduceResponse;
    responseInit: samsa.ProduceResponse.$Properties;
  };
  [ApiKey.Fetch]: {
    request: samsa.FetchRequest;
    requestInit: samsa.FetchRequest.$Properties;
    response: samsa.FetchResponse;
    responseInit: samsa.FetchResponse.$Properties;
  };
  [ApiKey.ListOffsets]: {
    request: samsa.ListOffsetsRequest;
    requestInit: samsa.ListOffsetsRequest.$Properties;
    response: samsa.ListOffsetsResponse;
    responseInit: samsa.ListOffsetsResponse.$Properties;
  };
  [ApiKey.Metadata]: {
    request: samsa.MetadataRequest;
    requestInit: samsa.MetadataRequest.$Properties;
    response: samsa.MetadataResponse;
    responseInit: samsa.MetadataResponse.$Properties;
  };
  [ApiKey.LeaderAndIsr]: {
    request: samsa.LeaderAndIsrRequest;
    requestInit: samsa.LeaderAndIsrRequest.$Properties;
    response: samsa.LeaderAndIsrResponse;
    responseInit: samsa.LeaderAndIsrResponse.$Properties;
  };
  [ApiKey.StopReplica]: {
    request: samsa.StopReplicaRequest;
    requestInit: samsa.StopReplicaRequest.$Properties;
    response: samsa.StopReplicaResponse;
    responseInit: samsa.StopReplicaResponse.$Properties;
  };
  [ApiKey.UpdateMetadata]: {
    request: samsa.UpdateMetadataRequest;
    requestInit: samsa.UpdateMetadataRequest.$Properties;
    response: samsa.UpdateMetadataResponse;
    responseInit: samsa.UpdateMetadataResponse.$Properties;
  };
  [ApiKey.ControlledShutdown]: {
    request: samsa.ControlledShutdownRequest;
    requestInit: samsa.ControlledShutdownRequest.$Properties;
    response: samsa.ControlledShutdownResponse;
    responseInit: samsa.ControlledShutdownResponse.$Properties;
  };
  [ApiKey.ApiVersions]: {
    request: samsa.ApiVersionsRequest;
    requestInit: samsa.ApiVersionsRequest.$Properties;
    response: samsa.ApiVersionsResponse;
    responseInit: samsa.ApiVersionsResponse.$Properties;
  };
  [ApiKey.CreateTopics]: {
    request: samsa.CreateTopicsRequest;
    requestInit: samsa.CreateTopicsRequest.$Properties;
    response: samsa.CreateTopicsResponse;
    responseInit: samsa.CreateTopicsResponse.$Properties;
  };
  [ApiKey.DeleteTopics]: {
    request: samsa.DeleteTopicsRequest;
    requestInit: samsa.DeleteTopicsRequest.$Properties;
    response: samsa.DeleteTopicsResponse;
    responseInit: samsa.DeleteTopicsResponse.$Properties;
  };
  [ApiKey.OffsetsForLeaderEpoch]: {
    request: samsa.OffsetsForLeaderEpochRequest;
    requestInit: samsa.OffsetsForLeaderEpochRequest.$Properties;
    response: samsa.OffsetsForLeaderEpochResponse;
    responseInit: samsa.OffsetsForLeaderEpochResponse.$Properties;
  };
  [ApiKey.DescribeConfigs]: {
    request: samsa.DescribeConfigsRequest;
    requestInit: samsa.DescribeConfigsRequest.$Properties;
    response: samsa.DescribeConfigsResponse;
    responseInit: samsa.DescribeConfigsResponse.$Properties;
  };
  [ApiKey.AlterConfigs]: {
    request: samsa.AlterConfigsRequest;
    requestInit: samsa.AlterConfigsRequest.$Properties;
    response: samsa.AlterConfigsResponse;
    responseInit: samsa.AlterConfigsResponse.$Properties;
  };
  [ApiKey.CreatePartitions]: {
    request: samsa.CreatePartitionsRequest;
    requestInit: samsa.CreatePartitionsRequest.$Properties;
    response: samsa.CreatePartitionsResponse;
    responseInit: samsa.CreatePartitionsResponse.$Properties;
  };
  [ApiKey.OffsetCommit]: {
    request: samsa.OffsetCommitRequest;
    requestInit: samsa.OffsetCommitRequest.$Properties;
    response: samsa.OffsetCommitResponse;
    responseInit: samsa.OffsetCommitResponse.$Properties;
  };
  [ApiKey.OffsetFetch]: {
    request: samsa.OffsetFetchRequest;
    requestInit: samsa.OffsetFetchRequest.$Properties;
    response: samsa.OffsetFetchResponse;
    responseInit: samsa.OffsetFetchResponse.$Properties;
  };
  [ApiKey.FindCoordinator]: {
    request: samsa.FindCoordinatorRequest;
    requestInit: samsa.FindCoordinatorRequest.$Properties;
    response: samsa.FindCoordinatorResponse;
    responseInit: samsa.FindCoordinatorResponse.$Properties;
  };
  [ApiKey.JoinGroup]: {
    request: samsa.JoinGroupRequest;
    requestInit: samsa.JoinGroupRequest.$Properties;
    response: samsa.JoinGroupResponse;
    responseInit: samsa.JoinGroupResponse.$Properties;
  };
  [ApiKey.Heartbeat]: {
    request: samsa.HeartbeatRequest;
    requestInit: samsa.HeartbeatRequest.$Properties;
    response: samsa.HeartbeatResponse;
    responseInit: samsa.HeartbeatResponse.$Properties;
  };
  [ApiKey.LeaveGroup]: {
    request: samsa.LeaveGroupRequest;
    requestInit: samsa.LeaveGroupRequest.$Properties;
    response: samsa.LeaveGroupResponse;
    responseInit: samsa.LeaveGroupResponse.$Properties;
  };
  [ApiKey.SyncGroup]: {
    request: samsa.SyncGroupRequest;
    requestInit: samsa.SyncGroupRequest.$Properties;
    response: samsa.SyncGroupResponse;
    responseInit: samsa.SyncGroupResponse.$Properties;
  };
  [ApiKey.DescribeGroups]: {
    request: samsa.DescribeGroupsRequest;
    requestInit: samsa.DescribeGroupsRequest.$Properties;
    response: samsa.DescribeGroupsResponse;
    responseInit: samsa.DescribeGroupsResponse.$Properties;
  };
  [ApiKey.ListGroups]: {
    request: samsa.ListGroupsRequest;
    requestInit: samsa.ListGroupsRequest.$Properties;
    response: samsa.ListGroupsResponse;
    responseInit: samsa.ListGroupsResponse.$Properties;
  };
  [ApiKey.DeleteGroups]: {
    request: samsa.DeleteGroupsRequest;
    requestInit: samsa.DeleteGroupsRequest.$Properties;
    response: samsa.DeleteGroupsResponse;
    responseInit: samsa.DeleteGroupsResponse.$Properties;
  };
  [ApiKey.ElectLeaders]: {
    request: samsa.ElectLeadersRequest;
    requestInit: samsa.ElectLeadersRequest.$Properties;
    response: samsa.ElectLeadersResponse;
    responseInit: samsa.ElectLeadersResponse.$Properties;
  };
  [ApiKey.AlterPartitionReassignments]: {
    request: samsa.AlterPartitionReassignmentsRequest;
    requestInit: samsa.AlterPartitionReassignmentsRequest.$Properties;
    response: samsa.AlterPartitionReassignmentsResponse;
    responseInit: samsa.AlterPartitionReassignmentsResponse.$Properties;
  };
  [ApiKey.ListPartitionReassignments]: {
    request: samsa.ListPartitionReassignmentsRequest;
    requestInit: samsa.ListPartitionReassignmentsRequest.$Properties;
    response: samsa.ListPartitionReassignmentsResponse;
    responseInit: samsa.ListPartitionReassignmentsResponse.$Properties;
  };
}

/** A decoded request body of API K. */
export type RequestBody<K extends ApiKey> = ApiMessages[K]['request'];
/** What to pass to encode a request body of API K. */
export type RequestInit<K extends ApiKey> = ApiMessages[K]['requestInit'];
/** A decoded response body of API K. */
export type ResponseBody<K extends ApiKey> = ApiMessages[K]['response'];
/** What to pass to encode a response body of API K. */
export type ResponseInit<K extends ApiKey> = ApiMessages[K]['responseInit'];

/** One API of the registry. */
export interface ApiSpec {
  readonly key: ApiKey;
  readonly name: ApiName;
  readonly bodyField: BodyField;
  readonly minVersion: number;
  readonly maxVersion: number;
}

const bodyFields: { readonly [N in ApiName]: BodyField } = {
  Produce: 'produce',
  Fetch: 'fetch',
  ListOffsets: 'listOffsets',
  Metadata: 'metadata',
  LeaderAndIsr: 'leaderAndIsr',
  StopReplica: 'stopReplica',
  UpdateMetadata: 'updateMetadata',
  ControlledShutdown: 'controlledShutdown',
  ApiVersions: 'apiVersions',
  CreateTopics: 'createTopics',
  DeleteTopics: 'deleteTopics',
  OffsetsForLeaderEpoch: 'offsetsForLeaderEpoch',
  DescribeConfigs: 'describeConfigs',
  AlterConfigs: 'alterConfigs',
  CreatePartitions: 'createPartitions',
  OffsetCommit: 'offsetCommit',
  OffsetFetch: 'offsetFetch',
  FindCoordinator: 'findCoordinator',
  JoinGroup: 'joinGroup',
  Heartbeat: 'heartbeat',
  LeaveGroup: 'leaveGroup',
  SyncGroup: 'syncGroup',
  DescribeGroups: 'describeGroups',
  ListGroups: 'listGroups',
  DeleteGroups: 'deleteGroups',
  ElectLeaders: 'electLeaders',
  AlterPartitionReassignments: 'alterPartitionReassignments',
  ListPartitionReassignments: 'listPartitionReassignments',
};

const specs = new Map<number, ApiSpec>();
for (const name of Object.keys(ApiKey) as ApiName[]) {
  specs.set(
    ApiKey[name],
    Object.freeze({
      key: ApiKey[name],
      name,
      bodyField: bodyFields[name],
      minVersion: 0,
      maxVersion: 0,
    }),
  );
}

/** The registry entry of an api key, or undefined for a key samsa does not define. */
export function apiSpec(key: number): ApiSpec | undefined {
  return specs.get(key);
}

/** Every API, in api key order. */
export function allApis(): ApiSpec[] {
  return [...specs.values()].sort((a, b) => a.key - b.key);
}

/** `Metadata` for a known api key, `api key 99` for an unknown one (for log lines). */
export function describeApiKey(key: number): string {
  return specs.get(key)?.name ?? `api key ${key}`;
}

/** One entry of an ApiVersions response. */
export interface ApiVersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/** The ApiVersions entries for `keys` (every API by default), in api key order. */
export function versionRanges(
  keys: Iterable<ApiKey> = specs.keys() as Iterable<ApiKey>,
): ApiVersionRange[] {
  const ranges: ApiVersionRange[] = [];
  for (const key of new Set(keys)) {
    const spec = specs.get(key);
    if (spec !== undefined) {
      ranges.push({ apiKey: key, minVersion: spec.minVersion, maxVersion: spec.maxVersion });
    }
  }
  return ranges.sort((a, b) => a.apiKey - b.apiKey);
}

/**
 * The version to use for each API both this client and a broker support: the highest version in
 * both ranges. An API the broker does not list, or whose ranges do not overlap, is absent.
 */
export function negotiateVersions(brokerRanges: Iterable<ApiVersionRange>): Map<ApiKey, number> {
  const versions = new Map<ApiKey, number>();
  for (const range of brokerRanges) {
    const spec = specs.get(range.apiKey);
    if (spec === undefined) continue;
    const version = Math.min(spec.maxVersion, range.maxVersion);
    if (version >= Math.max(spec.minVersion, range.minVersion)) versions.set(spec.key, version);
  }
  return versions;
}
