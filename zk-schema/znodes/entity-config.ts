/**
 * `/config/<type>/<name>` (persistent): dynamic configs of one entity — topic overrides, client
 * and user quotas, SCRAM credentials, dynamic broker configs, IP connection-rate quotas.
 * Kafka: `ConfigZNode`, `ConfigEntityTypeZNode`, `ConfigEntityZNode`.
 *
 * Payload, version 1 (the only version); **every value is a string**:
 *   {"version":1,"config":{"retention.ms":"86400000","cleanup.policy":"compact"}}
 * Empty data (a `/config/users/<u>` created only as the parent of `users/<u>/clients/<c>`) and
 * a missing `config` read as no configs, as in Kafka.
 *
 * Entities (`type`, in Kafka's `ConfigType.all` order: topics, clients, users, brokers, ips):
 *   /config/topics/<topic>                   a legal topic name
 *   /config/clients/<clientId>|<default>     client ids are sanitized (URL-encoded)
 *   /config/users/<user>|<default>           user principals are sanitized
 *   /config/users/<user>/clients/<clientId>  the nested user + client entity
 *   /config/brokers/<brokerId>|<default>     dynamic broker config (KIP-226)
 *   /config/ips/<ip>|<default>               2.8 (KIP-612)
 * The default entity is named literally `<default>` (`DEFAULT_ENTITY`) and is never sanitized.
 *
 * Writers: any broker or tool, unconditionally (last writer wins), followed by a
 * `/config/changes` notification (see `config-change.ts`); topic creation writes
 * `/config/topics/<t>` (even `{"version":1,"config":{}}`) before `/brokers/topics/<t>`. The
 * controller deletes `/config/topics/<t>` (fenced) when a topic deletion completes. Nobody
 * watches these nodes: brokers re-read them when a change notification arrives.
 * `/config/users` and `/config/brokers` are sensitive roots (creator-only ACLs when
 * `zookeeper.set.acl=true`).
 */
import { isIP } from 'node:net';
import { ZkDataError, describeValue, encodeVerified, isEmptyData, parseJsonObject } from '../json';
import { ZnodeMode } from './mode';
import { desanitize, isCanonicalId, sanitize, topicNameProblem } from './names';

export const MODE: ZnodeMode = 'persistent';
export const VERSION = 1;

/** Kafka's config entity types, in `ConfigType.all` order. */
export const ENTITY_TYPES = ['topics', 'clients', 'users', 'brokers', 'ips'] as const;
export type ConfigEntityType = (typeof ENTITY_TYPES)[number];

/** The name of the default entity of a type (`ConfigEntityName.Default`). */
export const DEFAULT_ENTITY = '<default>';

/** An entity with configs. `clientId` only exists for the nested users/<u>/clients/<c>. */
export interface ConfigEntity {
  type: ConfigEntityType;
  /** The plain (desanitized) name, or `DEFAULT_ENTITY`. */
  name: string;
  clientId?: string;
}

/** An entity's configs: name → value, all strings. */
export type EntityConfig = Map<string, string>;

/** `/config` (no data). */
export function configPath(): string {
  return '/config';
}

/** `/config/<type>` (no data), created at broker startup for every type. */
export function entityTypePath(type: ConfigEntityType): string {
  if (!ENTITY_TYPES.includes(type)) {
    throw new ZkDataError(`unknown config entity type ${describeValue(type)}`);
  }
  return `${configPath()}/${type}`;
}

/**
 * The entity's path below `/config`, sanitized: `topics/orders`, `users/User%3Aalice`,
 * `users/<default>/clients/app-1`. This is also the `entity_path` of a change notification.
 */
export function entityPath(entity: ConfigEntity): string {
  const type = entityTypePath(entity.type).slice(configPath().length + 1);
  if (entity.clientId !== undefined && entity.type !== 'users') {
    throw new ZkDataError(`config entity ${type}/${entity.name}: only users have nested clients`);
  }
  const base = `${type}/${segment(entity.type, entity.name)}`;
  return entity.clientId === undefined
    ? base
    : `${base}/clients/${segment('clients', entity.clientId)}`;
}

/** `/config/<type>/<name>[/clients/<clientId>]`. */
export function path(entity: ConfigEntity): string {
  return `${configPath()}/${entityPath(entity)}`;
}

function segment(type: ConfigEntityType, name: string): string {
  const problem = namingProblem(type, name);
  if (problem !== undefined)
    throw new ZkDataError(`invalid ${type} config entity name: ${problem}`);
  return name === DEFAULT_ENTITY || type === 'topics' || type === 'brokers' || type === 'ips'
    ? name
    : sanitize(name);
}

function namingProblem(type: ConfigEntityType, name: string): string | undefined {
  if (typeof name !== 'string') return `expected a string, got ${describeValue(name)}`;
  if (name === DEFAULT_ENTITY)
    return type === 'topics' ? 'topics have no default entity' : undefined;
  switch (type) {
    case 'topics':
      return topicNameProblem(name);
    case 'brokers':
      return isCanonicalId(name) ? undefined : `${describeValue(name)} is not a broker id`;
    case 'ips':
      return isIP(name) !== 0 ? undefined : `${describeValue(name)} is not an IP address`;
    default:
      return name.length === 0 ? 'empty name' : undefined;
  }
}

/**
 * Parses a sanitized entity path (`users/User%3Aalice/clients/app`), as found in a change
 * notification or built from a `/config/<type>` child name.
 */
export function parseEntityPath(text: string, where: string): ConfigEntity {
  const parts = text.split('/');
  const type = ENTITY_TYPES.find((t) => t === parts[0]);
  const bad = (problem: string) =>
    new ZkDataError(`${where}: invalid entity path ${describeValue(text)}: ${problem}`);
  if (type === undefined) {
    throw bad(`the type must be one of ${ENTITY_TYPES.join(', ')}`);
  }
  const nested = type === 'users' && parts.length === 4 && parts[2] === 'clients';
  if (parts.length !== 2 && !nested) throw bad('wrong number of segments');
  const read = (t: ConfigEntityType, raw: string): string => {
    let name = raw;
    if (raw !== DEFAULT_ENTITY && (t === 'clients' || t === 'users')) {
      try {
        name = desanitize(raw, 'name');
      } catch (e) {
        throw bad((e as Error).message);
      }
    }
    const problem = namingProblem(t, name);
    if (problem !== undefined) throw bad(problem);
    return name;
  };
  const entity: ConfigEntity = { type, name: read(type, parts[1]) };
  if (nested) entity.clientId = read('clients', parts[3]);
  return entity;
}

export function encode(config: EntityConfig): Buffer {
  return encodeVerified(
    { version: VERSION, config: Object.fromEntries(config) },
    '/config/<type>/<name>',
    decode,
  );
}

export function decode(bytes: Buffer, where = '/config/<type>/<name>'): EntityConfig {
  if (isEmptyData(bytes)) return new Map();
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  const config = json.opt('config');
  return config === undefined ? new Map() : config.stringMap();
}
