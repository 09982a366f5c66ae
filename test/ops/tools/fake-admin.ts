/**
 * An in-memory stand-in for samsa's Admin (the operations the topics and configs tools use), for
 * the tools' unit tests: topics with partition states and config overrides, a broker list, and a
 * record of the calls that change something.
 */
import { KafkaError } from '../../../client/errors';
import type {
  ConfigResourceResult,
  ConfigResourceType,
} from '../../../ops/tools/console/admin-types';
import type { ConfigAdmin } from '../../../ops/tools/configs/config-command';
import type { TopicAdmin } from '../../../ops/tools/topics/topic-command';

export interface FakePartition {
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface FakeTopic {
  partitions: FakePartition[];
  overrides: Map<string, string>;
}

/** Broker-level values every topic config falls back to (source STATIC or DEFAULT). */
const BROKER_CONFIG: [string, string, number][] = [
  ['segment.bytes', '1073741824', 4],
  ['retention.ms', '604800000', 5],
  ['min.insync.replicas', '1', 5],
];

export class FakeAdmin implements TopicAdmin, ConfigAdmin {
  readonly topics = new Map<string, FakeTopic>();
  brokers = [1, 2, 3];
  readonly calls: string[] = [];
  connected = false;

  addTopic(name: string, partitions: FakePartition[], overrides: Record<string, string> = {}) {
    this.topics.set(name, { partitions, overrides: new Map(Object.entries(overrides)) });
  }

  async connect(): Promise<void> {
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
  }

  async listTopics(): Promise<string[]> {
    return [...this.topics.keys()];
  }

  async fetchTopicMetadata(options: { topics: string[] }) {
    return {
      topics: options.topics.map((name) => {
        const topic = this.topics.get(name);
        if (topic === undefined)
          throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', undefined, { topic: name });
        return { name, partitions: topic.partitions };
      }),
    };
  }

  /** Reassignments in progress, by `topic-partition`. */
  readonly reassignments = new Map<
    string,
    { addingReplicas: number[]; removingReplicas: number[] }
  >();

  async listPartitionReassignments(options: { topics: { topic: string; partitions: number[] }[] }) {
    return {
      topics: options.topics.map(({ topic, partitions }) => ({
        topic,
        partitions: partitions.flatMap((partition) => {
          const found = this.reassignments.get(`${topic}-${partition}`);
          return found === undefined ? [] : [{ partition, ...found }];
        }),
      })),
    };
  }

  async describeCluster() {
    return { brokers: this.brokers.map((nodeId) => ({ nodeId })) };
  }

  async describeConfigs(options: {
    resources: { type: ConfigResourceType; name: string }[];
    includeSynonyms: boolean;
  }): Promise<{ resources: ConfigResourceResult[] }> {
    return {
      resources: options.resources.map((resource) => {
        if (resource.type === 4) {
          return {
            errorCode: 0,
            errorMessage: null,
            resourceType: 4,
            resourceName: resource.name,
            configEntries: [
              {
                configName: 'log.segment.bytes',
                configValue: '1073741824',
                configSource: 4,
                isSensitive: false,
                readOnly: true,
                configSynonyms: options.includeSynonyms
                  ? [
                      {
                        configName: 'log.segment.bytes',
                        configValue: '1073741824',
                        configSource: 4,
                      },
                    ]
                  : [],
              },
            ],
          };
        }
        const topic = this.topics.get(resource.name);
        if (topic === undefined) {
          return {
            errorCode: 3,
            errorMessage: `Topic ${resource.name} does not exist`,
            resourceType: 2,
            resourceName: resource.name,
            configEntries: [],
          };
        }
        return {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: resource.name,
          configEntries: BROKER_CONFIG.map(([name, value, source]) => {
            const override = topic.overrides.get(name);
            const brokerSynonym = {
              configName: `log.${name}`,
              configValue: value,
              configSource: source,
            };
            return {
              configName: name,
              configValue: override ?? value,
              configSource: override === undefined ? source : 1,
              isSensitive: false,
              readOnly: false,
              configSynonyms: options.includeSynonyms
                ? [
                    ...(override === undefined
                      ? []
                      : [{ configName: name, configValue: override, configSource: 1 }]),
                    brokerSynonym,
                  ]
                : [],
            };
          }),
        };
      }),
    };
  }

  async createTopics(options: {
    topics: {
      topic: string;
      numPartitions?: number;
      replicationFactor?: number;
      replicaAssignment?: { partition: number; replicas: number[] }[];
      configEntries?: { name: string; value: string }[];
    }[];
  }): Promise<boolean> {
    this.calls.push(`createTopics ${JSON.stringify(options.topics)}`);
    const [spec] = options.topics;
    if (this.topics.has(spec.topic)) return false;
    const partitions =
      spec.replicaAssignment?.map((a) => ({
        partitionId: a.partition,
        leader: a.replicas[0],
        replicas: a.replicas,
        isr: a.replicas,
      })) ??
      Array.from({ length: spec.numPartitions === -1 ? 1 : (spec.numPartitions ?? 1) }, (_, i) => ({
        partitionId: i,
        leader: 1,
        replicas: [1],
        isr: [1],
      }));
    this.addTopic(
      spec.topic,
      partitions,
      Object.fromEntries((spec.configEntries ?? []).map((e) => [e.name, e.value])),
    );
    return true;
  }

  async createPartitions(options: {
    topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
  }): Promise<void> {
    this.calls.push(`createPartitions ${JSON.stringify(options.topicPartitions)}`);
  }

  async deleteTopics(options: { topics: string[] }): Promise<void> {
    this.calls.push(`deleteTopics ${JSON.stringify(options.topics)}`);
  }

  async alterConfigs(options: {
    resources: {
      type: ConfigResourceType;
      name: string;
      configEntries: { name: string; value: string }[];
    }[];
  }): Promise<void> {
    this.calls.push(`alterConfigs ${JSON.stringify(options.resources)}`);
    for (const resource of options.resources) {
      const topic = this.topics.get(resource.name);
      if (topic !== undefined) {
        topic.overrides = new Map(resource.configEntries.map((e) => [e.name, e.value]));
      }
    }
  }
}
