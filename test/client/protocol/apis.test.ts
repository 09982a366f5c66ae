import {
  ApiKey,
  allApis,
  describeApiKey,
  negotiateVersions,
  versionRanges,
} from '../../../client/protocol/apis';
import { samsa } from '../../../client/protocol/generated/messages';

describe('API registry', () => {
  test("api keys are Kafka's numbers", () => {
    expect(ApiKey).toEqual({
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
    });
  });

  test('every API travels in the envelope body field numbered 100 + its api key', () => {
    const requestFields = samsa.Request as unknown as { prototype: object };
    for (const api of allApis()) {
      expect(api.bodyField in requestFields.prototype).toBe(true);
      const bytes = samsa.Request.encode({ [api.bodyField]: {} }).finish();
      const tag = (bytes[0] & 0x7f) | (bytes[1] << 7);
      expect(tag >>> 3).toBe(100 + api.key);
      const responseBytes = samsa.Response.encode({ [api.bodyField]: {} }).finish();
      expect(((responseBytes[0] & 0x7f) | (responseBytes[1] << 7)) >>> 3).toBe(100 + api.key);
    }
  });

  test('names unknown api keys in log text', () => {
    expect(describeApiKey(3)).toBe('Metadata');
    expect(describeApiKey(99)).toBe('api key 99');
  });

  test('version ranges list the requested APIs once, in api key order', () => {
    expect(versionRanges([ApiKey.Metadata, ApiKey.ApiVersions, ApiKey.Metadata])).toEqual([
      { apiKey: 3, minVersion: 0, maxVersion: 0 },
      { apiKey: 18, minVersion: 0, maxVersion: 0 },
    ]);
    expect(versionRanges()).toHaveLength(allApis().length);
  });

  test('negotiation picks the highest common version and drops APIs without one', () => {
    const versions = negotiateVersions([
      { apiKey: ApiKey.Produce, minVersion: 0, maxVersion: 7 },
      { apiKey: ApiKey.Fetch, minVersion: 1, maxVersion: 4 },
      { apiKey: 48, minVersion: 0, maxVersion: 5 },
    ]);
    expect([...versions]).toEqual([[ApiKey.Produce, 0]]);
  });
});
