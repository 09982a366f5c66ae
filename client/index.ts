/**
 * samsa's client library, the package's entry point (`require('samsa')`): the `Samsa` client
 * factory (KafkaJS's `Kafka`), its producer, consumer and admin clients, their types, the typed
 * errors, and the helpers tools need (CompressionTypes, ConfigResourceTypes, partitionForKey).
 *
 *   const samsa = new Samsa({ clientId: 'app', brokers: ['localhost:9092'] });
 *   const producer = samsa.producer({ acks: 'all', lingerMs: 5 });
 *   await producer.connect();
 *   await producer.send({ topic: 'orders', messages: [{ key: 'k', value: 'v' }] });
 *
 * Each client made here has its own connections (one per broker) and metadata.
 */
import type { BrokerList } from './cluster/cluster';
import type { RetryOptions } from './cluster/retry';
import { SamsaError } from './errors';
import { Admin, AdminConfig } from './admin/admin';
import { Consumer, ConsumerConfig } from './consumer/consumer';
import { Producer, ProducerConfig } from './producer/producer';
import { parseBrokerAddress } from './cluster/broker-address';

export interface SamsaConfig {
  /** Sent with every request (Kafka's client.id). Default 'samsa'. */
  clientId?: string;
  /** Bootstrap brokers, `host:port`, or a function returning them. */
  brokers: BrokerList;
  /** Time to open a connection and negotiate API versions, in ms. Default 10000. */
  connectionTimeout?: number;
  /** Default deadline of a request, in ms. Default 30000. */
  requestTimeout?: number;
  /** Default retry options of every client (each client may override them). */
  retry?: RetryOptions;
}

export class Samsa {
  private readonly config: Readonly<SamsaConfig> & { clientId: string };

  constructor(config: SamsaConfig) {
    if (config === null || typeof config !== 'object') {
      throw new SamsaError("new Samsa needs { brokers: ['host:port'], clientId? }");
    }
    if (Array.isArray(config.brokers)) {
      if (config.brokers.length === 0) {
        throw new SamsaError('brokers must list at least one "host:port"');
      }
      config.brokers.forEach(parseBrokerAddress);
    } else if (typeof config.brokers !== 'function') {
      throw new SamsaError('brokers must be a list of "host:port" strings (or a function)');
    }
    this.config = { ...config, clientId: config.clientId ?? 'samsa' };
  }

  producer(config: ProducerConfig = {}): Producer {
    return new Producer(this.clusterOptions(), {
      ...config,
      retry: config.retry ?? this.config.retry,
    });
  }

  /**
   * A consumer: with `groupId` it can `subscribe` as a member of that consumer group (and commit
   * offsets); without, it reads the partitions it `assign`s.
   */
  consumer(config: ConsumerConfig = {}): Consumer {
    return new Consumer(this.clusterOptions(), {
      ...config,
      retry: config.retry ?? this.config.retry,
    });
  }

  admin(config: AdminConfig = {}): Admin {
    return new Admin(this.clusterOptions(), {
      ...config,
      retry: config.retry ?? this.config.retry,
    });
  }

  private clusterOptions() {
    return {
      clientId: this.config.clientId,
      brokers: this.config.brokers,
      connectionTimeout: this.config.connectionTimeout,
      requestTimeout: this.config.requestTimeout,
    };
  }
}

export { Producer, Consumer, Admin };
export type { ProducerConfig, ConsumerConfig, AdminConfig, RetryOptions, BrokerList };

export type { Acks, ProducerRecord, ProducerBatchRecord } from './producer/producer';
export type {
  Message,
  MessageBytes,
  MessageHeaders,
  RecordMetadata,
  TopicMessages,
} from './producer/messages';
export type { Partitioner, PartitionerArgs, PartitionerFactory } from './producer/partitioner';
export type { SendCallback } from './producer/send-tracker';
export { CompressionTypes } from './producer/compression-types';
export type { CompressionType, CompressionName } from './producer/compression-types';

export { ConsumerEvents, PartitionAssigners } from './consumer/consumer';
export type {
  AssignedPartition,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  EachBatchPayload,
  EachMessagePayload,
  PartitionAssignerName,
  SeekOffset,
  TopicPartitionOffset,
} from './consumer/consumer';
export type {
  CommittedOffsetsPayload,
  ConsumerEvent,
  ConsumerEventPayloads,
  ConsumerEventType,
  GroupJoinPayload,
} from './consumer/consumer-events';
export type { RebalanceListener } from './consumer/consumer-group';
export type {
  AssignorMember,
  GroupAssignment,
  PartitionAssignor,
} from './consumer/assignors/assignor';
export type { MemberAssignment, Subscription } from './consumer/consumer-protocol';
export { NoOffsetForPartitionError } from './consumer/consumer-errors';
export { Batch } from './consumer/messages';
export type { IHeaders, KafkaMessage } from './consumer/messages';
export type { OffsetReset, TopicPartition, TopicPartitions } from './consumer/subscription-state';

export type {
  AlterConfigsResponse,
  ClusterDescription,
  ConfigEntry,
  ConfigSynonym,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  DescribeConfigResponse,
  IResourceConfig,
  ITopicConfig,
  ResourceConfigQuery,
  TopicOffsets,
  ElectionType,
  ElectLeadersOptions,
  PartitionResult,
  TopicPartitionList,
  AlterPartitionReassignmentsOptions,
  PartitionReassignment,
  ListPartitionReassignmentsResponse,
} from './admin/admin';
export { DeleteGroupsError } from './admin/group-admin';
export type {
  CommittedTopicOffsets,
  DeleteGroupResult,
  GroupDescription,
  GroupMemberDescription,
  GroupOverview,
  SetOffsetsOptions,
} from './admin/group-admin';
export { ConfigResourceTypes, ConfigSource, ConfigTypes } from './admin/config-resources';
export type { ConfigResourceType, ConfigSourceId, ConfigTypeId } from './admin/config-resources';

export type { BrokerMetadata, PartitionMetadata, TopicMetadata } from './cluster/metadata';
export { RetriesExhaustedError } from './cluster/retry';
export { KafkaError, SamsaError } from './errors';
export type { ErrorContext } from './errors';
export type { ErrorName } from './protocol/error-codes';
export { murmur2, partitionForKey } from './record/murmur2';
export { setLogLevel } from './logging';
