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
 */
import { TopicPartition } from './topic-partition';

export interface ControlledShutdownResult {
  /** 0, or a Kafka error code (NOT_CONTROLLER, STALE_BROKER_EPOCH, BROKER_NOT_AVAILABLE, ...). */
  readonly errorCode: number;
  /** Partitions the broker still leads. */
  readonly remaining: TopicPartition[];
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
  | { readonly kind: 'AutoPreferredReplicaLeaderElection' };

export type ControllerEventKind = ControllerEvent['kind'];
