/**
 * One realistic request and response for every API of the registry, with every field set (so a
 * round trip through the codecs checks every field). The mapped type makes a missing API a
 * compile error.
 */
import { ApiKey, RequestInit, ResponseInit } from '../../../client/protocol/apis';
import { samsa } from '../../../client/protocol/generated/messages';

export type ApiSamples = {
  [K in ApiKey]: { readonly request: RequestInit<K>; readonly response: ResponseInit<K> };
};

/** A few bytes standing for a record batch (the protocol never looks inside). */
export const RECORDS = Buffer.from('00000000000000050000003d00000000024a3b2c1d', 'hex');

export const samples: ApiSamples = {
  [ApiKey.Produce]: {
    request: {
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 'orders', partitionData: [{ index: 2, records: RECORDS }] }],
    },
    response: {
      responses: [
        {
          name: 'orders',
          partitionResponses: [
            {
              index: 2,
              errorCode: 0,
              baseOffset: 9007199254740991,
              logAppendTimeMs: -1,
              logStartOffset: 0,
              errorMessage: 'none',
            },
          ],
        },
      ],
    },
  },
  [ApiKey.Fetch]: {
    request: {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52428800,
      isolationLevel: samsa.IsolationLevel.READ_COMMITTED,
      topics: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 7,
              fetchOffset: 1234567890123,
              logStartOffset: -1,
              partitionMaxBytes: 1048576,
            },
          ],
        },
      ],
      rackId: 'rack-a',
    },
    response: {
      errorCode: 0,
      responses: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              errorCode: 0,
              highWatermark: 1234567890200,
              lastStableOffset: 1234567890190,
              logStartOffset: 100,
              preferredReadReplica: -1,
              records: RECORDS,
            },
          ],
        },
      ],
    },
  },
  [ApiKey.ListOffsets]: {
    request: {
      replicaId: -1,
      isolationLevel: samsa.IsolationLevel.READ_UNCOMMITTED,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2 },
            { partitionIndex: 1, currentLeaderEpoch: 3, timestamp: 1700000000000 },
          ],
        },
      ],
    },
    response: {
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 0, leaderEpoch: 4 },
            {
              partitionIndex: 1,
              errorCode: 6,
              timestamp: 1700000000000,
              offset: 42,
              leaderEpoch: -1,
            },
          ],
        },
      ],
    },
  },
  [ApiKey.Metadata]: {
    request: {
      topics: [{ name: 'orders' }, { name: 'payments' }],
      allTopics: false,
      allowAutoTopicCreation: true,
    },
    response: {
      brokers: [
        { nodeId: 1, host: 'broker-1', port: 9092, rack: 'rack-a' },
        { nodeId: 2, host: 'broker-2', port: 9093, rack: null },
      ],
      clusterId: 'vS6Bv0DFQz2hVd9h3Hh6Xw',
      controllerId: -1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 5,
              replicaNodes: [1, 2],
              isrNodes: [1],
              offlineReplicas: [2],
            },
          ],
        },
        { errorCode: 3, name: 'payments', isInternal: false, partitions: [] },
      ],
    },
  },
  [ApiKey.LeaderAndIsr]: {
    request: {
      controllerId: 1,
      controllerEpoch: 3,
      brokerEpoch: 4294967396,
      type: 0,
      topicStates: [
        {
          topicName: 'orders',
          partitionStates: [
            {
              partitionIndex: 0,
              controllerEpoch: 3,
              leader: 2,
              leaderEpoch: 6,
              isr: [2, 3],
              zkVersion: 11,
              replicas: [2, 3, 1],
              addingReplicas: [1],
              removingReplicas: [4],
              isNew: true,
            },
          ],
        },
      ],
      liveLeaders: [{ brokerId: 2, hostName: 'broker-2', port: 9093 }],
    },
    response: {
      errorCode: 0,
      partitionErrors: [{ topicName: 'orders', partitionIndex: 0, errorCode: 11 }],
    },
  },
  [ApiKey.StopReplica]: {
    request: {
      controllerId: 1,
      controllerEpoch: 3,
      brokerEpoch: 4294967396,
      topicStates: [
        {
          topicName: 'orders',
          partitionStates: [
            { partitionIndex: 0, leaderEpoch: -2, deletePartition: true },
            { partitionIndex: 1, leaderEpoch: 6, deletePartition: false },
          ],
        },
      ],
    },
    response: {
      errorCode: 0,
      partitionErrors: [{ topicName: 'orders', partitionIndex: 1, errorCode: 74 }],
    },
  },
  [ApiKey.UpdateMetadata]: {
    request: {
      controllerId: 1,
      controllerEpoch: 3,
      brokerEpoch: 4294967396,
      topicStates: [
        {
          topicName: 'orders',
          partitionStates: [
            {
              partitionIndex: 0,
              controllerEpoch: 3,
              leader: -2,
              leaderEpoch: 6,
              isr: [2],
              zkVersion: 11,
              replicas: [2, 3],
              offlineReplicas: [3],
            },
          ],
        },
      ],
      liveBrokers: [
        {
          id: 2,
          endpoints: [
            {
              port: 9093,
              host: 'broker-2',
              listener: 'PLAINTEXT',
              securityProtocol: samsa.SecurityProtocol.PLAINTEXT,
            },
            {
              port: 9094,
              host: 'broker-2',
              listener: 'SECURE',
              securityProtocol: samsa.SecurityProtocol.SASL_SSL,
            },
          ],
          rack: 'rack-b',
        },
      ],
    },
    response: { errorCode: 77 },
  },
  [ApiKey.ControlledShutdown]: {
    request: { brokerId: 2, brokerEpoch: 4294967396 },
    response: {
      errorCode: 0,
      remainingPartitions: [{ topicName: 'orders', partitionIndex: 3 }],
    },
  },
  [ApiKey.ApiVersions]: {
    request: { clientSoftwareName: 'samsa', clientSoftwareVersion: '0.1.0' },
    response: {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 0, maxVersion: 0 },
        { apiKey: 18, minVersion: 0, maxVersion: 0 },
      ],
    },
  },
  [ApiKey.CreateTopics]: {
    request: {
      topics: [
        {
          name: 'orders',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [
            { partitionIndex: 0, brokerIds: [1, 2] },
            { partitionIndex: 1, brokerIds: [2, 3] },
          ],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
      ],
      timeoutMs: 60000,
      validateOnly: true,
    },
    response: {
      topics: [
        {
          name: 'orders',
          errorCode: 36,
          errorMessage: "Topic 'orders' already exists.",
          numPartitions: 2,
          replicationFactor: 2,
          configs: [
            {
              name: 'cleanup.policy',
              value: 'compact',
              readOnly: false,
              configSource: samsa.ConfigSource.CONFIG_SOURCE_TOPIC_CONFIG,
              isSensitive: false,
            },
          ],
        },
      ],
    },
  },
  [ApiKey.DeleteTopics]: {
    request: { topicNames: ['orders', 'payments'], timeoutMs: 30000 },
    response: {
      responses: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'payments', errorCode: 3, errorMessage: 'unknown topic' },
      ],
    },
  },
  [ApiKey.OffsetsForLeaderEpoch]: {
    request: {
      replicaId: 2,
      topics: [
        {
          topic: 'orders',
          partitions: [{ partition: 0, currentLeaderEpoch: 7, leaderEpoch: 5 }],
        },
      ],
    },
    response: {
      topics: [
        {
          topic: 'orders',
          partitions: [{ errorCode: 0, partition: 0, leaderEpoch: 5, endOffset: 8589934592 }],
        },
      ],
    },
  },
  [ApiKey.DescribeConfigs]: {
    request: {
      resources: [
        {
          resourceType: samsa.ConfigResourceType.CONFIG_RESOURCE_TOPIC,
          resourceName: 'orders',
          configurationKeys: ['retention.ms'],
        },
        {
          resourceType: samsa.ConfigResourceType.CONFIG_RESOURCE_BROKER,
          resourceName: '1',
          configurationKeys: [],
        },
      ],
      includeSynonyms: true,
      includeDocumentation: true,
    },
    response: {
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: samsa.ConfigResourceType.CONFIG_RESOURCE_TOPIC,
          resourceName: 'orders',
          configs: [
            {
              name: 'retention.ms',
              value: '604800000',
              readOnly: false,
              configSource: samsa.ConfigSource.CONFIG_SOURCE_DEFAULT_CONFIG,
              isSensitive: false,
              synonyms: [
                {
                  name: 'log.retention.hours',
                  value: '168',
                  source: samsa.ConfigSource.CONFIG_SOURCE_STATIC_BROKER_CONFIG,
                },
              ],
              configType: samsa.ConfigType.CONFIG_TYPE_LONG,
              documentation: 'How long to keep a log segment.',
            },
            {
              name: 'sasl.jaas.config',
              value: null,
              readOnly: true,
              configSource: samsa.ConfigSource.CONFIG_SOURCE_STATIC_BROKER_CONFIG,
              isSensitive: true,
              synonyms: [],
              configType: samsa.ConfigType.CONFIG_TYPE_PASSWORD,
              documentation: null,
            },
          ],
        },
      ],
    },
  },
  [ApiKey.AlterConfigs]: {
    request: {
      resources: [
        {
          resourceType: samsa.ConfigResourceType.CONFIG_RESOURCE_TOPIC,
          resourceName: 'orders',
          configs: [{ name: 'retention.ms', value: '1000' }],
        },
      ],
      validateOnly: false,
    },
    response: {
      responses: [
        {
          errorCode: 40,
          errorMessage: 'Invalid value',
          resourceType: samsa.ConfigResourceType.CONFIG_RESOURCE_TOPIC,
          resourceName: 'orders',
        },
      ],
    },
  },
  [ApiKey.CreatePartitions]: {
    request: {
      topics: [
        { name: 'orders', count: 4, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }] },
      ],
      timeoutMs: 30000,
      validateOnly: false,
    },
    response: {
      results: [
        { name: 'orders', errorCode: 37, errorMessage: 'Number of partitions is below 1.' },
      ],
    },
  },
  [ApiKey.OffsetCommit]: {
    request: {
      groupId: 'billing',
      generationId: 4,
      memberId: 'consumer-1-5f3c',
      groupInstanceId: 'host-a',
      topics: [
        {
          name: 'orders',
          partitions: [
            {
              partitionIndex: 2,
              committedOffset: 9007199254740991,
              committedLeaderEpoch: -1,
              committedMetadata: 'checkpoint',
            },
          ],
        },
      ],
    },
    response: { topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, errorCode: 22 }] }] },
  },
  [ApiKey.OffsetFetch]: {
    request: {
      groupId: 'billing',
      topics: [{ name: 'orders', partitionIndexes: [0, 2] }],
      allTopics: true,
      requireStable: true,
    },
    response: {
      topics: [
        {
          name: 'orders',
          partitions: [
            {
              partitionIndex: 2,
              committedOffset: 42,
              committedLeaderEpoch: 3,
              metadata: '',
              errorCode: 0,
            },
          ],
        },
      ],
      errorCode: 14,
    },
  },
  [ApiKey.FindCoordinator]: {
    request: { key: 'billing', keyType: 1 },
    response: {
      errorCode: 15,
      errorMessage: 'The coordinator is not available.',
      nodeId: -1,
      host: 'broker-2',
      port: -1,
    },
  },
  [ApiKey.JoinGroup]: {
    request: {
      groupId: 'billing',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 300000,
      memberId: 'consumer-1-5f3c',
      groupInstanceId: 'host-a',
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from([0, 1, 0, 0]) }],
    },
    response: {
      errorCode: 79,
      generationId: -1,
      protocolType: 'consumer',
      protocolName: 'range',
      leader: 'consumer-1-5f3c',
      memberId: 'consumer-2-77aa',
      members: [
        { memberId: 'consumer-1-5f3c', groupInstanceId: 'host-a', metadata: Buffer.from([1]) },
      ],
    },
  },
  [ApiKey.Heartbeat]: {
    request: {
      groupId: 'billing',
      generationId: 4,
      memberId: 'consumer-1-5f3c',
      groupInstanceId: 'host-a',
    },
    response: { errorCode: 27 },
  },
  [ApiKey.LeaveGroup]: {
    request: {
      groupId: 'billing',
      members: [{ memberId: 'consumer-1-5f3c', groupInstanceId: 'host-a' }],
    },
    response: {
      errorCode: 0,
      members: [{ memberId: 'consumer-1-5f3c', groupInstanceId: 'host-a', errorCode: 25 }],
    },
  },
  [ApiKey.SyncGroup]: {
    request: {
      groupId: 'billing',
      generationId: 4,
      memberId: 'consumer-1-5f3c',
      groupInstanceId: 'host-a',
      protocolType: 'consumer',
      protocolName: 'sticky',
      assignments: [{ memberId: 'consumer-1-5f3c', assignment: Buffer.from([0, 1, 2]) }],
    },
    response: {
      errorCode: 0,
      protocolType: 'consumer',
      protocolName: 'sticky',
      assignment: Buffer.from([0, 1, 2]),
    },
  },
  [ApiKey.DescribeGroups]: {
    request: { groups: ['billing', 'audit'] },
    response: {
      groups: [
        {
          errorCode: 0,
          groupId: 'billing',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [
            {
              memberId: 'consumer-1-5f3c',
              groupInstanceId: 'host-a',
              clientId: 'consumer-1',
              clientHost: '/127.0.0.1',
              memberMetadata: Buffer.from([0, 1]),
              memberAssignment: Buffer.from([0, 2]),
            },
          ],
        },
      ],
    },
  },
  [ApiKey.ListGroups]: {
    request: { statesFilter: ['Stable', 'Empty'] },
    response: {
      errorCode: 0,
      groups: [{ groupId: 'billing', protocolType: 'consumer', groupState: 'Stable' }],
    },
  },
  [ApiKey.DeleteGroups]: {
    request: { groupsNames: ['billing', 'audit'] },
    response: { results: [{ groupId: 'billing', errorCode: 68 }] },
  },
  [ApiKey.ElectLeaders]: {
    request: {
      electionType: 1,
      topicPartitions: [{ topic: 'orders', partitions: [0, 2] }],
      allPartitions: true,
      timeoutMs: 60000,
    },
    response: {
      errorCode: 0,
      replicaElectionResults: [
        {
          topic: 'orders',
          partitionResult: [
            { partitionId: 2, errorCode: 84, errorMessage: 'Leader election not needed' },
          ],
        },
      ],
    },
  },
  [ApiKey.AlterPartitionReassignments]: {
    request: {
      timeoutMs: 30000,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 1, replicas: [3, 1], cancel: true }] },
      ],
    },
    response: {
      errorCode: 0,
      errorMessage: 'none',
      responses: [
        {
          name: 'orders',
          partitions: [{ partitionIndex: 1, errorCode: 85, errorMessage: 'no reassignment' }],
        },
      ],
    },
  },
  [ApiKey.ListPartitionReassignments]: {
    request: {
      timeoutMs: 30000,
      topics: [{ name: 'orders', partitionIndexes: [1] }],
      allTopics: true,
    },
    response: {
      errorCode: 0,
      errorMessage: 'none',
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 1, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [2] },
          ],
        },
      ],
    },
  },
};
