/**
 * Safe reading and writing of znode payloads: every znode codec in `znodes/` goes through here.
 *
 * Decoding is defensive because anything with ZooKeeper write access (a tool, a misbehaving
 * broker, an attacker on an open ensemble) can put arbitrary bytes in a znode:
 * - the payload size is checked before anything is decoded (`MAX_ZNODE_DATA_BYTES`, ZooKeeper's
 *   default `jute.maxbuffer`);
 * - bytes must be valid UTF-8 and valid JSON; nesting deeper than `MAX_JSON_DEPTH` is refused;
 * - the keys `__proto__`, `constructor` and `prototype` are refused at any depth, and readers only
 *   look at own properties and build `Map`s, so a payload can never reach an object prototype;
 * - typed readers (`int`, `string`, `intArray`, `stringMap`, ...) check types and ranges: integers
 *   must be integers inside their range (int32 unless stated), never floats, `1e400` or 2^63.
 * Unknown fields are ignored, as Kafka ignores them.
 *
 * Every failure is a `ZkDataError` (not retriable) with a one-line message naming the znode (its
 * path, or its path pattern such as `/brokers/ids/<id>`) and the field, e.g.
 * `/brokers/ids/1: field "endpoints[0]": expected a string, got number 5`.
 *
 * Encoders build plain JSON values and pass them to `encodeVerified`, which serializes them and
 * decodes the result once more: samsa never writes a payload that it (or Kafka) could not read.
 */
import { SamsaError } from '../client/errors';

/** A znode payload that is malformed, of an unknown version, out of range, or hostile. */
export class ZkDataError extends SamsaError {
  constructor(message: string, cause?: unknown) {
    super(oneLine(message), { retriable: false, cause });
  }
}

/** ZooKeeper's default `jute.maxbuffer` (0xfffff bytes): no znode payload can be larger. */
export const MAX_ZNODE_DATA_BYTES = 0xfffff;

/** Deepest nesting of arrays and objects accepted in a payload (Kafka's go 3 levels deep). */
export const MAX_JSON_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** An inclusive integer range. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

export const INT32: IntRange = { min: -2147483648, max: 2147483647 };
/** A broker id (`broker.id`), a partition id, an epoch: 0 .. 2^31-1. */
export const NON_NEGATIVE_INT32: IntRange = { min: 0, max: 2147483647 };
/** A broker id where -1 means "none" (the leader of an offline partition). */
export const BROKER_ID_OR_NONE: IntRange = { min: -1, max: 2147483647 };
/** A port, or -1 for "none" (top-level `port` without a PLAINTEXT listener, `jmx_port`). */
export const PORT_OR_NONE: IntRange = { min: -1, max: 65535 };
/** A Java long that a JavaScript number holds exactly (timestamps, producer ids). */
export const NON_NEGATIVE_SAFE_LONG: IntRange = { min: 0, max: Number.MAX_SAFE_INTEGER };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * True for a znode without data. ZooKeeper stores a node created with null data as null, which
 * clients may hand over as undefined, null or an empty buffer.
 */
export function isEmptyData(bytes: Buffer | null | undefined): boolean {
  return bytes === null || bytes === undefined || (Buffer.isBuffer(bytes) && bytes.length === 0);
}

/** Decodes a payload as strict UTF-8 text, after checking its size. */
export function readText(bytes: Buffer, where: string, maxBytes = MAX_ZNODE_DATA_BYTES): string {
  if (!Buffer.isBuffer(bytes)) {
    throw new ZkDataError(`${where}: expected a byte buffer, got ${describeValue(bytes)}`);
  }
  if (bytes.length > maxBytes) {
    throw new ZkDataError(`${where}: payload of ${bytes.length} bytes exceeds ${maxBytes} bytes`);
  }
  try {
    return utf8.decode(bytes);
  } catch (e) {
    throw new ZkDataError(`${where}: payload is not valid UTF-8`, e);
  }
}

/**
 * Parses a payload that must be a JSON object, checking size, encoding, nesting and forbidden keys
 * before any field is read.
 */
export function parseJsonObject(
  bytes: Buffer,
  where: string,
  maxBytes = MAX_ZNODE_DATA_BYTES,
): JsonObject {
  const text = readText(bytes, where, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ZkDataError(`${where}: payload is not valid JSON (${(e as Error).message})`, e);
  }
  checkStructure(parsed, where);
  return new JsonValue(parsed, where, '').object();
}

/** Walks the parsed tree without recursion, refusing deep nesting and prototype keys. */
function checkStructure(root: unknown, where: string): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) {
      throw new ZkDataError(`${where}: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    }
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new ZkDataError(`${where}: forbidden key ${JSON.stringify(key)} in payload`);
      }
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
}

/** One JSON value found at `field` (a path like `partitions.0[1]`) inside a znode payload. */
export class JsonValue {
  constructor(
    readonly value: unknown,
    readonly where: string,
    readonly field: string,
  ) {}

  /** A ZkDataError naming the znode and this field. */
  error(problem: string): ZkDataError {
    const at = this.field === '' ? '' : `field ${JSON.stringify(this.field)}: `;
    return new ZkDataError(`${this.where}: ${at}${problem}`);
  }

  int(range: IntRange = INT32): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < range.min || v > range.max) {
      throw this.error(
        `expected an integer in [${range.min}, ${range.max}], got ${describeValue(v)}`,
      );
    }
    return v;
  }

  string(): string {
    if (typeof this.value !== 'string') {
      throw this.error(`expected a string, got ${describeValue(this.value)}`);
    }
    return this.value;
  }

  /** A string holding a decimal integer, as Kafka writes timestamps and producer-id bounds. */
  decimalString(range: IntRange): number {
    const text = this.string();
    if (!/^-?[0-9]{1,16}$/.test(text)) {
      throw this.error(`expected a decimal integer in a string, got ${describeValue(text)}`);
    }
    const n = Number(text);
    if (n < range.min || n > range.max) {
      throw this.error(`expected an integer in [${range.min}, ${range.max}], got ${text}`);
    }
    return n;
  }

  object(): JsonObject {
    const v = this.value;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw this.error(`expected a JSON object, got ${describeValue(v)}`);
    }
    return new JsonObject(v as Record<string, unknown>, this.where, this.field);
  }

  array(): JsonValue[] {
    if (!Array.isArray(this.value)) {
      throw this.error(`expected a JSON array, got ${describeValue(this.value)}`);
    }
    return this.value.map((item, i) => new JsonValue(item, this.where, `${this.field}[${i}]`));
  }

  intArray(range: IntRange = INT32): number[] {
    return this.array().map((item) => item.int(range));
  }

  /** An array of distinct integers (replica lists, ISRs). */
  distinctIntArray(range: IntRange = INT32): number[] {
    const ints = this.intArray(range);
    const seen = new Set<number>();
    for (const n of ints) {
      if (seen.has(n)) throw this.error(`duplicate entry ${n}`);
      seen.add(n);
    }
    return ints;
  }

  stringArray(): string[] {
    return this.array().map((item) => item.string());
  }

  /** An object whose values are all strings, as a Map (never a plain object). */
  stringMap(): Map<string, string> {
    const result = new Map<string, string>();
    for (const [key, value] of this.object().entries()) result.set(key, value.string());
    return result;
  }
}

/** A JSON object inside a znode payload; reads own properties only. */
export class JsonObject {
  constructor(
    private readonly fields: Record<string, unknown>,
    readonly where: string,
    readonly field: string,
  ) {}

  private childField(key: string): string {
    return this.field === '' ? key : `${this.field}.${key}`;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.fields, key);
  }

  /** A required field: a ZkDataError names it when it is missing. */
  get(key: string): JsonValue {
    if (!this.has(key)) {
      throw new ZkDataError(`${this.where}: missing field ${JSON.stringify(this.childField(key))}`);
    }
    return new JsonValue(this.fields[key], this.where, this.childField(key));
  }

  /** An optional field: undefined when absent or null. */
  opt(key: string): JsonValue | undefined {
    if (!this.has(key) || this.fields[key] === null) return undefined;
    return new JsonValue(this.fields[key], this.where, this.childField(key));
  }

  entries(): Array<[string, JsonValue]> {
    return Object.keys(this.fields).map((key) => [
      key,
      new JsonValue(this.fields[key], this.where, this.childField(key)),
    ]);
  }

  /** The integer `version` field, which must be one of `accepted`. */
  version(accepted: readonly number[]): number {
    const value = this.get('version');
    const v = value.value;
    if (typeof v !== 'number' || !accepted.includes(v)) {
      throw value.error(
        `unsupported version ${describeValue(v)} (accepted: ${accepted.join(', ')})`,
      );
    }
    return v;
  }
}

/**
 * Serializes a JSON value and checks that `decode` reads it back, so a bad value (a float broker
 * id, a negative partition, an oversize payload) is refused before it reaches ZooKeeper.
 */
export function encodeVerified(
  json: unknown,
  where: string,
  decode: (bytes: Buffer, where: string) => unknown,
): Buffer {
  return verify(Buffer.from(JSON.stringify(json), 'utf8'), where, decode);
}

/** Checks that `decode` reads `bytes` back (for plain-text payloads); returns `bytes`. */
export function verify(
  bytes: Buffer,
  where: string,
  decode: (bytes: Buffer, where: string) => unknown,
): Buffer {
  try {
    decode(bytes, where);
  } catch (e) {
    if (e instanceof ZkDataError) throw new ZkDataError(`refusing to write ${e.message}`, e);
    throw e;
  }
  return bytes;
}

/** A short, one-line description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string': {
      const quoted = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
      return `string ${quoted}`;
    }
    case 'number':
      return `number ${String(value)}`;
    case 'boolean':
      return `boolean ${String(value)}`;
    case 'undefined':
      return 'nothing';
    case 'object':
      return Buffer.isBuffer(value) ? 'a buffer' : 'an object';
    default:
      return typeof value;
  }
}

function oneLine(message: string): string {
  return message.replace(/[\r\n]+/g, ' ');
}
