/**
 * ACL resource znodes of the ZooKeeper-backed authorizer (persistent): one znode per resource
 * pattern, holding every ACL of that pattern. Kafka: `ZkAclStore`, `LiteralAclStore`,
 * `ExtendedAclStore`, `ResourceZNode`, `AclEntry`.
 *
 * Layout:
 *   /kafka-acl/<ResourceType>/<name>                       LITERAL patterns (`*` = wildcard)
 *   /kafka-acl-extended/prefixed/<ResourceType>/<prefix>   PREFIXED patterns (KIP-290)
 * `<ResourceType>` is PascalCase (`Topic`, `Group`, `Cluster`, `TransactionalId`,
 * `DelegationToken`); the cluster resource is named `kafka-cluster`; the pattern-type segment is
 * lower case. Resource names are used as they are (not sanitized), so a name ZooKeeper cannot
 * hold as one segment (one with `/`, say) is refused.
 *
 * Payload, version 1 (the only version):
 *   {"version":1,"acls":[
 *     {"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"},
 *     {"principal":"User:*","permissionType":"Deny","operation":"Write","host":"198.51.100.3"}]}
 * Written PascalCase; decoding accepts any case and Java's upper-snake names (`CLUSTER_ACTION`).
 *
 * Writers: any broker (CreateAcls/DeleteAcls) or the acls tool: read-modify-write guarded by
 * the zkVersion (set at the version read, or create if absent; retry with backoff on conflict),
 * deleted (conditionally) when its last ACL goes, then a change notification (`acl-change.ts`).
 * The authorizer creates every root and `<root>/<ResourceType>` at startup. Nobody watches the
 * resource znodes: brokers re-read one when a change notification names it.
 */
import {
  JsonObject,
  JsonValue,
  ZkDataError,
  describeValue,
  encodeVerified,
  parseJsonObject,
} from '../json';
import { ZnodeMode } from './mode';
import { validateNodeName } from './names';

export const MODE: ZnodeMode = 'persistent';
export const VERSION = 1;

export const RESOURCE_TYPES = [
  'Topic',
  'Group',
  'Cluster',
  'TransactionalId',
  'DelegationToken',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export const OPERATIONS = [
  'All',
  'Read',
  'Write',
  'Create',
  'Delete',
  'Alter',
  'Describe',
  'ClusterAction',
  'DescribeConfigs',
  'AlterConfigs',
  'IdempotentWrite',
] as const;
export type AclOperation = (typeof OPERATIONS)[number];

export const PERMISSION_TYPES = ['Allow', 'Deny'] as const;
export type AclPermissionType = (typeof PERMISSION_TYPES)[number];

/** The pattern types stored in ZooKeeper (MATCH and ANY exist only in filters). */
export const PATTERN_TYPES = ['LITERAL', 'PREFIXED'] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

/** The name of the one Cluster resource. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** The literal resource name that matches every resource of its type. */
export const WILDCARD_RESOURCE = '*';
export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';

export interface ResourcePattern {
  resourceType: ResourceType;
  name: string;
  patternType: PatternType;
}

export interface AclEntry {
  /** `<PrincipalType>:<name>`, e.g. `User:alice`; `User:*` is every principal. */
  principal: string;
  permissionType: AclPermissionType;
  operation: AclOperation;
  /** An IP address, or `*`. */
  host: string;
}

export interface ResourceAcls {
  acls: AclEntry[];
}

/** `/kafka-acl`: root of the literal store. */
export function literalRoot(): string {
  return '/kafka-acl';
}

/** `/kafka-acl-extended` (no data): parent of the non-literal stores. */
export function extendedRoot(): string {
  return '/kafka-acl-extended';
}

/** The root of a pattern type's store: `/kafka-acl` or `/kafka-acl-extended/prefixed`. */
export function storeRoot(patternType: PatternType): string {
  switch (patternType) {
    case 'LITERAL':
      return literalRoot();
    case 'PREFIXED':
      return `${extendedRoot()}/prefixed`;
    default:
      throw new ZkDataError(`unknown ACL pattern type ${describeValue(patternType)}`);
  }
}

/** `<store root>/<ResourceType>` (no data), created by the authorizer at startup. */
export function resourceTypePath(patternType: PatternType, resourceType: ResourceType): string {
  if (!RESOURCE_TYPES.includes(resourceType)) {
    throw new ZkDataError(`unknown ACL resource type ${describeValue(resourceType)}`);
  }
  return `${storeRoot(patternType)}/${resourceType}`;
}

/** `<store root>/<ResourceType>/<name>`: the znode holding a pattern's ACLs. */
export function path(pattern: ResourcePattern): string {
  const parent = resourceTypePath(pattern.patternType, pattern.resourceType);
  return `${parent}/${validateNodeName(pattern.name, 'ACL resource name')}`;
}

/** Every node the authorizer creates at startup: the store roots and their type children. */
export function authorizerPaths(): string[] {
  const paths: string[] = [];
  for (const patternType of PATTERN_TYPES) {
    paths.push(storeRoot(patternType));
    for (const type of RESOURCE_TYPES) paths.push(resourceTypePath(patternType, type));
  }
  return paths;
}

/** Canonical form for case- and underscore-insensitive matching of Kafka's enum names. */
function fold(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

function lookup<T extends string>(names: readonly T[], text: string): T | undefined {
  const folded = fold(text);
  return names.find((n) => fold(n) === folded);
}

/** A resource type from `Topic`, `TOPIC`, `TransactionalId` or `TRANSACTIONAL_ID` (any case). */
export function parseResourceType(text: string): ResourceType | undefined {
  return lookup(RESOURCE_TYPES, text);
}

/** A pattern type from `LITERAL`/`PREFIXED` in any case. */
export function parsePatternType(text: string): PatternType | undefined {
  return lookup(PATTERN_TYPES, text);
}

/** Java's enum spelling (`TRANSACTIONAL_ID`), written in change notifications by Kafka 2.5+. */
export function upperSnakeName(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function encode(value: ResourceAcls): Buffer {
  return encodeVerified(
    {
      version: VERSION,
      acls: value.acls.map((acl) => ({
        principal: acl.principal,
        permissionType: acl.permissionType,
        operation: acl.operation,
        host: acl.host,
      })),
    },
    '/kafka-acl/<ResourceType>/<name>',
    decode,
  );
}

export function decode(bytes: Buffer, where = '/kafka-acl/<ResourceType>/<name>'): ResourceAcls {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  return {
    acls: json
      .get('acls')
      .array()
      .map((item) => readAcl(item.object())),
  };
}

function readAcl(entry: JsonObject): AclEntry {
  const principalField = entry.get('principal');
  const principal = principalField.string();
  const colon = principal.indexOf(':');
  if (colon <= 0) {
    throw principalField.error(
      `expected "<PrincipalType>:<name>", got ${describeValue(principal)}`,
    );
  }
  const hostField = entry.get('host');
  const host = hostField.string();
  if (host.length === 0) throw hostField.error('empty host');
  return {
    principal,
    permissionType: readName(entry.get('permissionType'), PERMISSION_TYPES, 'permission type'),
    operation: readName(entry.get('operation'), OPERATIONS, 'operation'),
    host,
  };
}

function readName<T extends string>(field: JsonValue, names: readonly T[], what: string): T {
  const text = field.string();
  const found = lookup(names, text);
  if (found === undefined) throw field.error(`unknown ${what} ${JSON.stringify(text)}`);
  return found;
}
