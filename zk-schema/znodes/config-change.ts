/**
 * `/config/changes/config_change_<seq>` (PERSISTENT_SEQUENTIAL): "the configs of this entity
 * changed, re-read them". Kafka: `ConfigEntityChangeNotificationZNode`,
 * `ConfigEntityChangeNotificationSequenceZNode`.
 *
 * Payload versions (both decoded; samsa writes v2):
 *   v2  {"version":2,"entity_path":"users/User%3Aalice/clients/app-1"}   (sanitized, see
 *       `entity-config.ts`)
 *   v1  {"version":1,"entity_type":"topics","entity_name":"orders"}      (topics and clients only)
 *
 * Written by any broker or tool right after it sets `/config/<type>/<name>` (no condition). Every
 * broker keeps a child watch on `/config/changes` (DynamicConfigManager), handles children whose
 * sequence number is above the last one it handled (all of them after a restart), and deletes
 * notifications older than 15 minutes. The notification is only a trigger: the data is in the
 * entity znode.
 */
import { encodeVerified, parseJsonObject } from '../json';
import { ConfigEntity, configPath, entityPath, parseEntityPath } from './entity-config';
import { ZnodeMode } from './mode';
import { SequentialStore } from './sequential';

export const MODE: ZnodeMode = 'persistent-sequential';
export const VERSION = 2;
export const ACCEPTED_VERSIONS: readonly number[] = [1, 2];

/** `/config/changes`, children `config_change_<seq>`. */
export const STORE: SequentialStore = { root: `${configPath()}/changes`, prefix: 'config_change_' };

export interface ConfigChangeNotification {
  entity: ConfigEntity;
}

/** `/config/changes` (no data). */
export function changesPath(): string {
  return STORE.root;
}

export function encode(value: ConfigChangeNotification): Buffer {
  return encodeVerified(
    { version: VERSION, entity_path: entityPath(value.entity) },
    '/config/changes/config_change_<seq>',
    decode,
  );
}

export function decode(
  bytes: Buffer,
  where = '/config/changes/config_change_<seq>',
): ConfigChangeNotification {
  const json = parseJsonObject(bytes, where);
  if (json.version(ACCEPTED_VERSIONS) === 2) {
    return { entity: parseEntityPath(json.get('entity_path').string(), where) };
  }
  const typeField = json.get('entity_type');
  const type = typeField.string();
  if (type !== 'topics' && type !== 'clients') {
    throw typeField.error(
      `version 1 notifications only name topics or clients, got ${JSON.stringify(type)}`,
    );
  }
  return { entity: parseEntityPath(`${type}/${json.get('entity_name').string()}`, where) };
}
