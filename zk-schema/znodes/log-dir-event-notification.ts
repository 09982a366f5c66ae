/**
 * `/log_dir_event_notification/log_dir_event_<seq>` (PERSISTENT_SEQUENTIAL): a broker reports
 * that one of its log directories failed (JBOD, KIP-112), so the controller re-sends
 * LeaderAndIsr to find its offline replicas. Kafka: `LogDirEventNotificationZNode`,
 * `LogDirEventNotificationSequenceZNode`.
 *
 * Payload, version 1; `event` 1 = LogDirFailure, the only event:
 *   {"version":1,"broker":3,"event":1}
 * Written by the broker, without condition. The controller keeps a child watch on the root and
 * deletes the children it handled (fenced by the `/controller_epoch` zkVersion); a new
 * controller deletes all of them first.
 */
import { NON_NEGATIVE_INT32, encodeVerified, parseJsonObject } from '../json';
import { ZnodeMode } from './mode';
import { SequentialStore } from './sequential';

export const MODE: ZnodeMode = 'persistent-sequential';
export const VERSION = 1;
/** `event` value of a log-directory failure. */
export const LOG_DIR_FAILURE_EVENT = 1;

/** `/log_dir_event_notification`, children `log_dir_event_<seq>`. */
export const STORE: SequentialStore = {
  root: '/log_dir_event_notification',
  prefix: 'log_dir_event_',
};

export interface LogDirEventNotification {
  /** The broker with a failed log directory. */
  brokerId: number;
}

/** `/log_dir_event_notification` (no data), created at broker startup. */
export function rootPath(): string {
  return STORE.root;
}

export function encode(value: LogDirEventNotification): Buffer {
  return encodeVerified(
    { version: VERSION, broker: value.brokerId, event: LOG_DIR_FAILURE_EVENT },
    '/log_dir_event_notification/log_dir_event_<seq>',
    decode,
  );
}

export function decode(
  bytes: Buffer,
  where = '/log_dir_event_notification/log_dir_event_<seq>',
): LogDirEventNotification {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  const event = json.get('event');
  if (event.int() !== LOG_DIR_FAILURE_EVENT) {
    throw event.error(`unknown event ${String(event.value)} (1 = LogDirFailure)`);
  }
  return { brokerId: json.get('broker').int(NON_NEGATIVE_INT32) };
}
