/**
 * The controller's events (Kafka's `ControllerEvent`s, KafkaController.scala): one kind per
 * trigger. ZooKeeper watchers, broker responses and API calls only *enqueue* one of these; the
 * single event loop processes them in order (controller-event-manager.ts), so controller state
 * is never touched concurrently.
 *
 * | kind                                     | enqueued by                                        |
 * |------------------------------------------|----------------------------------------------------|
 * | Startup                                  | `startup()`                                        |
 * | ControllerChange                         | `/controller` created or changed                   |
 * | Reelect                                  | `/controller` deleted                              |
 * | Expire                                   | `onSessionExpired()` (clears the queue first)      |
 * | RegisterBrokerAndReelect                 | `onNewSession()`, after the broker re-registered   |
 * | BrokerChange                             | children of `/brokers/ids` changed                 |
 * | BrokerModifications                      | data of `/brokers/ids/<id>` changed                |
 * | TopicChange                              | children of `/brokers/topics` changed              |
 * | PartitionModifications                   | data of `/brokers/topics/<t>` changed              |
 * | TopicDeletion                            | children of `/admin/delete_topics` changed         |
 * | IsrChangeNotification                    | children of `/isr_change_notification` changed     |
 * | ConfigChangeNotification                 | children of `/config/changes` changed (Kafka's     |
 * |                                          | TopicUncleanLeaderElectionEnable comes from there) |
 * | TopicDeletionStopReplicaResponseReceived | a broker answered StopReplica(delete=true)         |
 * | ControlledShutdown                       | `controlledShutdown()` (the ControlledShutdown API)|
 * | AutoPreferredReplicaLeaderElection       | the leader-imbalance timer                         |
 * | ReplicaLeaderElection                    | `electLeaders()` (the ElectLeaders API), or        |
 * |                                          | `/admin/preferred_replica_election` created        |
 * | ApiPartitionReassignment                 | `alterPartitionReassignments()` (the API)          |
 * | ZkPartitionReassignment                  | `/admin/reassign_partitions` created or changed    |
 * | PartitionReassignmentIsrChange           | the `state` znode of a partition being reassigned  |
 * |                                          | changed (its leader wrote a new ISR)               |
 * | ListPartitionReassignments               | `listPartitionReassignments()` (the API)           |
 *
 * Events that carry a callback always get it called exactly once: with the result, or with
 * NOT_CONTROLLER when the event is dropped or this broker is (or stops being) not the controller.
 */
import { ErrorName } from '../../client/protocol/error-codes';
import { ReplicaAssignment } from '../../zk-schema/znodes/topic-assignment';
import { ElectionOutcome, ElectionType } from './replica-election';
import { TopicPartition, TpMap } from './topic-partition';

export interface ControlledShutdownResult {
  /** 0, or a Kafka error code (NOT_CONTROLLER, STALE_BROKER_EPOCH, BROKER_NOT_AVAILABLE, ...). */
  readonly errorCode: number;
  /** Partitions the broker still leads. */
  readonly remaining: TopicPartition[];
}

/** A result as an API response carries it: Kafka's error name (NONE: success) and message. */
export interface ApiOutcome {
  readonly error: ErrorName;
  readonly message: string | null;
}

export const API_SUCCESS: ApiOutcome = { error: 'NONE', message: null };
export const NOT_CONTROLLER: ApiOutcome = { error: 'NOT_CONTROLLER', message: null };

export interface AlterReassignmentsResult {
  /** NOT_CONTROLLER, or NONE with one outcome per partition asked about. */
  readonly error: ApiOutcome;
  readonly partitions: TpMap<ApiOutcome>;
}

export interface ListReassignmentsResult {
  /** NOT_CONTROLLER, or NONE with the partitions being reassigned. */
  readonly error: ApiOutcome;
  readonly reassignments: TpMap<ReplicaAssignment>;
}

export type ControllerEvent =
  | { readonly kind: 'Startup' }
  | { readonly kind: 'ControllerChange' }
  | { readonly kind: 'Reelect' }
  | { readonly kind: 'Expire' }
  | { readonly kind: 'RegisterBrokerAndReelect' }
  | { readonly kind: 'BrokerChange' }
  | { readonly kind: 'BrokerModifications'; readonly brokerId: number }
  | { readonly kind: 'TopicChange' }
  | { readonly kind: 'PartitionModifications'; readonly topic: string }
  | { readonly kind: 'TopicDeletion' }
  | { readonly kind: 'IsrChangeNotification' }
  | { readonly kind: 'ConfigChangeNotification' }
  | {
      readonly kind: 'TopicDeletionStopReplicaResponseReceived';
      readonly brokerId: number;
      readonly outcomes: ReadonlyArray<{ readonly tp: TopicPartition; readonly errorCode: number }>;
    }
  | {
      readonly kind: 'ControlledShutdown';
      readonly brokerId: number;
      readonly brokerEpoch: number;
      readonly callback: (result: ControlledShutdownResult) => void;
    }
  | { readonly kind: 'AutoPreferredReplicaLeaderElection' }
  | {
      readonly kind: 'ReplicaLeaderElection';
      readonly electionType: ElectionType;
      /** The partitions asked for (ElectLeaders), or null: read `/admin/preferred_replica_election`. */
      readonly partitions: readonly TopicPartition[] | null;
      readonly callback?: (results: TpMap<ElectionOutcome>) => void;
    }
  | {
      readonly kind: 'ApiPartitionReassignment';
      /** Target replicas per partition; null cancels the partition's reassignment. */
      readonly reassignments: TpMap<readonly number[] | null>;
      readonly callback: (result: AlterReassignmentsResult) => void;
    }
  | { readonly kind: 'ZkPartitionReassignment' }
  | { readonly kind: 'PartitionReassignmentIsrChange'; readonly tp: TopicPartition }
  | {
      readonly kind: 'ListPartitionReassignments';
      /** The partitions asked about, or null for every partition being reassigned. */
      readonly partitions: readonly TopicPartition[] | null;
      readonly callback: (result: ListReassignmentsResult) => void;
    };

export type ControllerEventKind = ControllerEvent['kind'];
