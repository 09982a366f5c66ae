/**
 * `/isr_change_notification/isr_change_<seq>` (PERSISTENT_SEQUENTIAL): partitions whose ISR a
 * leader changed, so the controller refreshes them and sends UpdateMetadata (IBP < 2.7-IV2; with
 * AlterIsr the controller makes ISR changes itself). Kafka: `IsrChangeNotificationZNode`,
 * `IsrChangeNotificationSequenceZNode`.
 *
 * Payload, version 1:
 *   {"version":1,"partitions":[{"topic":"orders","partition":0},{"topic":"orders","partition":3}]}
 * Written by partition leaders, batched, without condition. The controller keeps a child watch on
 * the root and deletes the children it handled (fenced by the `/controller_epoch` zkVersion); a
 * new controller deletes all of them before loading the cluster state.
 */
import { encodeVerified, parseJsonObject } from '../json';
import { ZnodeMode } from './mode';
import { SequentialStore } from './sequential';
import {
  TopicPartition,
  readDistinct,
  readTopicPartition,
  topicPartitionJson,
} from './topic-partition';

export const MODE: ZnodeMode = 'persistent-sequential';
export const VERSION = 1;

/** `/isr_change_notification`, children `isr_change_<seq>`. */
export const STORE: SequentialStore = { root: '/isr_change_notification', prefix: 'isr_change_' };

export interface IsrChangeNotification {
  partitions: TopicPartition[];
}

/** `/isr_change_notification` (no data), created at broker startup. */
export function rootPath(): string {
  return STORE.root;
}

export function encode(value: IsrChangeNotification): Buffer {
  return encodeVerified(
    { version: VERSION, partitions: value.partitions.map(topicPartitionJson) },
    '/isr_change_notification/isr_change_<seq>',
    decode,
  );
}

export function decode(
  bytes: Buffer,
  where = '/isr_change_notification/isr_change_<seq>',
): IsrChangeNotification {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  return { partitions: readDistinct(json.get('partitions'), readTopicPartition) };
}
