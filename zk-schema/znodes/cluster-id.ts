/**
 * `/cluster/id` (persistent): the cluster's id, created by the first broker that starts and read
 * by every broker at startup (no watch). Kafka: `ClusterIdZNode`.
 *
 * Payload, version "1" — the only znode whose version is a JSON *string*:
 *   {"version":"1","id":"wvXvRmMIQQa3Jmx4XbdhvA"}
 * The id is a random UUID in 22 characters of URL-safe base64 (`randomBase64Uuid`). Decoding
 * accepts the version as "1" or 1 and any non-empty id string (Kafka reads only `id`).
 */
import { describeValue, encodeVerified, parseJsonObject } from '../json';
import { randomBase64Uuid } from './base64-uuid';
import { ZnodeMode } from './mode';

export const MODE: ZnodeMode = 'persistent';

export interface ClusterId {
  id: string;
}

/** `/cluster` (no data). */
export function clusterPath(): string {
  return '/cluster';
}

/** `/cluster/id`. */
export function path(): string {
  return `${clusterPath()}/id`;
}

/** A new cluster id, as the first broker proposes it. */
export function generateClusterId(): string {
  return randomBase64Uuid();
}

export function encode(value: ClusterId): Buffer {
  return encodeVerified({ version: '1', id: value.id }, path(), decode);
}

export function decode(bytes: Buffer, where = path()): ClusterId {
  const json = parseJsonObject(bytes, where);
  const version = json.get('version');
  if (version.value !== '1' && version.value !== 1) {
    throw version.error(`unsupported version ${describeValue(version.value)} (accepted: "1")`);
  }
  const idField = json.get('id');
  const id = idField.string();
  if (id.length === 0) throw idField.error('empty cluster id');
  return { id };
}
