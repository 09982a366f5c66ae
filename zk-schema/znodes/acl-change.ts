/**
 * ACL change notifications (PERSISTENT_SEQUENTIAL): "the ACLs of this resource pattern changed,
 * re-read its znode". Kafka: `ZkAclChangeStore`, `LiteralAclChangeStore`,
 * `ExtendedAclChangeStore`, `ExtendedAclChangeEvent`.
 *
 * Two stores, both with children `acl_changes_<seq>`:
 *   /kafka-acl-changes           literal patterns; payload **plain text** `<ResourceType>:<name>`
 *                                (`Topic:orders` in 2.0-2.4, `TOPIC:orders` from 2.5; samsa
 *                                writes the 2.5+ upper-case form; decoding ignores case and
 *                                splits at the first `:`, so names may contain `:`)
 *   /kafka-acl-extended-changes  prefixed patterns; payload JSON, version 1:
 *                                {"version":1,"resourceType":"TOPIC","name":"orders-","patternType":"PREFIXED"}
 * Written by whoever changed the ACLs, after the resource znode, without condition. Every broker
 * running the authorizer keeps a child watch on both roots (registered before its initial load),
 * reloads the named resource, and deletes notifications older than 15 minutes.
 */
import {
  ZkDataError,
  describeValue,
  encodeVerified,
  parseJsonObject,
  readText,
  verify,
} from '../json';
import {
  PatternType,
  ResourcePattern,
  parsePatternType,
  parseResourceType,
  upperSnakeName,
} from './acl';
import { ZnodeMode } from './mode';
import { SequentialStore } from './sequential';

export const MODE: ZnodeMode = 'persistent-sequential';
export const PREFIX = 'acl_changes_';

/** A change store: where its notifications live and how their payload is written and read. */
export interface AclChangeStore extends SequentialStore {
  encode(pattern: ResourcePattern): Buffer;
  decode(bytes: Buffer, where?: string): ResourcePattern;
}

function decodeLiteral(
  bytes: Buffer,
  where = '/kafka-acl-changes/acl_changes_<seq>',
): ResourcePattern {
  const text = readText(bytes, where);
  const colon = text.indexOf(':');
  const resourceType = colon > 0 ? parseResourceType(text.slice(0, colon)) : undefined;
  if (resourceType === undefined) {
    throw new ZkDataError(`${where}: expected "<ResourceType>:<name>", got ${describeValue(text)}`);
  }
  return { resourceType, name: text.slice(colon + 1), patternType: 'LITERAL' };
}

function decodeExtended(
  bytes: Buffer,
  where = '/kafka-acl-extended-changes/acl_changes_<seq>',
): ResourcePattern {
  const json = parseJsonObject(bytes, where);
  json.version([1]);
  const typeField = json.get('resourceType');
  const resourceType = parseResourceType(typeField.string());
  if (resourceType === undefined) {
    throw typeField.error(`unknown resource type ${JSON.stringify(typeField.value)}`);
  }
  const patternField = json.get('patternType');
  const patternType = parsePatternType(patternField.string());
  if (patternType === undefined || patternType === 'LITERAL') {
    throw patternField.error(
      `expected a non-literal pattern type, got ${JSON.stringify(patternField.value)}`,
    );
  }
  return { resourceType, name: json.get('name').string(), patternType };
}

function expectPatternType(pattern: ResourcePattern, store: string, literal: boolean): void {
  if ((pattern.patternType === 'LITERAL') !== literal) {
    throw new ZkDataError(`${store}: cannot hold a ${pattern.patternType} pattern`);
  }
}

/** `/kafka-acl-changes`: notifications for literal patterns. */
export const LITERAL_CHANGES: AclChangeStore = {
  root: '/kafka-acl-changes',
  prefix: PREFIX,
  encode(pattern) {
    expectPatternType(pattern, this.root, true);
    const text = `${upperSnakeName(pattern.resourceType)}:${pattern.name}`;
    return verify(Buffer.from(text, 'utf8'), `${this.root}/${PREFIX}<seq>`, decodeLiteral);
  },
  decode: decodeLiteral,
};

/** `/kafka-acl-extended-changes`: notifications for prefixed patterns. */
export const EXTENDED_CHANGES: AclChangeStore = {
  root: '/kafka-acl-extended-changes',
  prefix: PREFIX,
  encode(pattern) {
    expectPatternType(pattern, this.root, false);
    return encodeVerified(
      {
        version: 1,
        resourceType: upperSnakeName(pattern.resourceType),
        name: pattern.name,
        patternType: pattern.patternType,
      },
      `${this.root}/${PREFIX}<seq>`,
      decodeExtended,
    );
  },
  decode: decodeExtended,
};

/** The change store that announces changes to patterns of `patternType`. */
export function changeStore(patternType: PatternType): AclChangeStore {
  return patternType === 'LITERAL' ? LITERAL_CHANGES : EXTENDED_CHANGES;
}
