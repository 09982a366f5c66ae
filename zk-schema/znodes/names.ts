/**
 * The names that become znode path segments: topic names (Kafka's rules), sanitized user and
 * client names (Kafka's `Sanitizer`: URL encoding), broker and partition ids, and the generic
 * ZooKeeper node-name rules every other segment must follow. Path builders call these so that
 * no name can escape its parent (`a/b`, `..`) or be refused by ZooKeeper.
 */
import { KafkaError } from '../../client/errors';
import { ZkDataError, describeValue } from '../json';

/** Kafka's longest legal topic name (`Topic.MAX_NAME_LENGTH`). */
export const MAX_TOPIC_NAME_LENGTH = 249;

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Why `name` is not a legal Kafka topic name, or undefined when it is legal. */
export function topicNameProblem(name: string): string | undefined {
  if (typeof name !== 'string') return `topic name must be a string, got ${describeValue(name)}`;
  if (name.length === 0) return 'topic name is illegal: it is empty';
  if (name === '.' || name === '..') return `topic name ${JSON.stringify(name)} is illegal`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `topic name is illegal: longer than ${MAX_TOPIC_NAME_LENGTH} characters (${name.length})`;
  }
  if (!LEGAL_TOPIC_NAME.test(name)) {
    return (
      `topic name ${JSON.stringify(name)} is illegal: it contains a character other than ` +
      `ASCII alphanumerics, '.', '_' and '-'`
    );
  }
  return undefined;
}

/** Throws INVALID_TOPIC_EXCEPTION unless `name` is a legal topic name; returns it. */
export function validateTopicName(name: string): string {
  const problem = topicNameProblem(name);
  if (problem !== undefined) throw new KafkaError('INVALID_TOPIC_EXCEPTION', problem);
  return name;
}

/** Why ZooKeeper would refuse `name` as one path segment, or undefined when it is fine. */
export function nodeNameProblem(name: string): string | undefined {
  if (typeof name !== 'string') return `expected a string, got ${describeValue(name)}`;
  if (name.length === 0) return 'empty name';
  if (name === '.' || name === '..') return `${JSON.stringify(name)} is not a znode name`;
  if (name.includes('/')) return `${JSON.stringify(name)} contains '/'`;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // ZooKeeper's PathUtils.validatePath refuses these code units.
    if (
      c <= 0x1f ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      return `${JSON.stringify(name)} contains a character ZooKeeper refuses (U+${c.toString(16).toUpperCase().padStart(4, '0')})`;
    }
  }
  return undefined;
}

/** Throws a ZkDataError unless `name` is a valid single znode name; returns it. */
export function validateNodeName(name: string, what: string): string {
  const problem = nodeNameProblem(name);
  if (problem !== undefined) throw new ZkDataError(`invalid ${what}: ${problem}`);
  return name;
}

/** Throws a ZkDataError unless `id` is an integer in [0, 2^31-1]; returns it. */
export function validateId(id: number, what: string): number {
  if (!Number.isInteger(id) || id < 0 || id > 2147483647) {
    throw new ZkDataError(
      `invalid ${what}: expected an integer in [0, 2147483647], got ${describeValue(id)}`,
    );
  }
  return id;
}

/** True when `text` is a canonical decimal id: no sign, no leading zeros, at most 2^31-1. */
export function isCanonicalId(text: string): boolean {
  return /^(0|[1-9][0-9]{0,9})$/.test(text) && Number(text) <= 2147483647;
}

/**
 * Parses a znode child name that must be a canonical decimal id (`/brokers/ids/<id>`,
 * `partitions/<p>`): no sign, no leading zeros, at most 2^31-1.
 */
export function parseIdName(name: string, what: string): number {
  if (!isCanonicalId(name)) {
    throw new ZkDataError(`invalid ${what}: ${describeValue(name)} is not a canonical id`);
  }
  return Number(name);
}

const UNRESERVED = /^[A-Za-z0-9._-]$/;

/**
 * Kafka's `Sanitizer.sanitize`: URL-encodes a user principal or client id for use as a znode
 * name. Java's URLEncoder keeps `[A-Za-z0-9._-*]` and writes space as `+`; Kafka then replaces
 * `*` by `%2A` and `+` by `%20`. The net effect: every UTF-8 byte outside `[A-Za-z0-9._-]`
 * becomes `%XX` (upper-case hex). `User:alice@EXAMPLE.COM` → `User%3Aalice%40EXAMPLE.COM`.
 */
export function sanitize(name: string): string {
  let out = '';
  for (const ch of name) {
    if (UNRESERVED.test(ch)) {
      out += ch;
    } else {
      for (const byte of Buffer.from(ch, 'utf8')) {
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      }
    }
  }
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Kafka's `Sanitizer.desanitize` (Java's URLDecoder): `%XX` sequences are UTF-8 bytes and `+` is
 * a space. A malformed escape or invalid UTF-8 is a ZkDataError naming `what`.
 */
export function desanitize(sanitized: string, what: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < sanitized.length;) {
    const c = sanitized[i];
    if (c === '%') {
      const hex = sanitized.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new ZkDataError(`invalid ${what}: malformed escape in ${describeValue(sanitized)}`);
      }
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const cp = sanitized.codePointAt(i)!;
      const ch = c === '+' ? ' ' : String.fromCodePoint(cp);
      for (const byte of Buffer.from(ch, 'utf8')) bytes.push(byte);
      i += cp > 0xffff ? 2 : 1;
    }
  }
  try {
    return strictUtf8.decode(Uint8Array.from(bytes));
  } catch (e) {
    throw new ZkDataError(`invalid ${what}: ${describeValue(sanitized)} escapes invalid UTF-8`, e);
  }
}
