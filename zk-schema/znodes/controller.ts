/**
 * `/controller` (EPHEMERAL, owned by the controller's session): which broker is the controller.
 * Kafka: `ControllerZNode`.
 *
 * Payload, version 1 (the only version); the timestamp is a *string* of milliseconds:
 *   {"version":1,"brokerid":2,"timestamp":"1620000000123"}
 *
 * Written by the broker that wins the election, in one multi with the `/controller_epoch` set
 * (see `controller-epoch.ts`). Every broker watches it (exists + data): created or changed →
 * re-read the id; deleted → try to become controller.
 */
import {
  NON_NEGATIVE_INT32,
  NON_NEGATIVE_SAFE_LONG,
  encodeVerified,
  parseJsonObject,
} from '../json';
import { ZnodeMode } from './mode';

export const MODE: ZnodeMode = 'ephemeral';
export const VERSION = 1;

export interface ControllerRegistration {
  brokerId: number;
  /** When the controller was elected, in ms since the epoch. */
  timestamp: number;
}

/** `/controller`. */
export function path(): string {
  return '/controller';
}

export function encode(value: ControllerRegistration): Buffer {
  return encodeVerified(
    { version: VERSION, brokerid: value.brokerId, timestamp: String(value.timestamp) },
    path(),
    decode,
  );
}

export function decode(bytes: Buffer, where = path()): ControllerRegistration {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  return {
    brokerId: json.get('brokerid').int(NON_NEGATIVE_INT32),
    timestamp: json.get('timestamp').decimalString(NON_NEGATIVE_SAFE_LONG),
  };
}
