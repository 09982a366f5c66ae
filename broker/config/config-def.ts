/**
 * Typed configuration definitions in the style of Kafka's ConfigDef: each key has a type, a
 * default, an optional validator, an importance, a group and a documentation string, and a table
 * of keys parses string properties into typed values with Kafka's error wording.
 *
 * Values as strings (what a properties file holds) are parsed like ConfigDef.parseType: the string
 * is trimmed (Java's `String.trim`, which drops characters up to U+0020), then
 * - BOOLEAN: `true` / `false`, any case;
 * - INT / SHORT / LONG: optional sign and decimal digits, within Java's int / short / long range;
 *   a LONG is held as a JavaScript number, exact up to 2^53 (Long.MAX_VALUE, which Kafka uses as
 *   "never", is held as 2^63 and printed back as 9223372036854775807);
 * - DOUBLE: a decimal number with optional exponent (and Java's optional `d`/`f` suffix);
 * - LIST: comma-separated, whitespace around commas dropped, empty string = empty list;
 * - STRING: the trimmed string; PASSWORD: the same, wrapped so it never prints;
 * - CLASS: a Java binary class name (samsa loads no classes: validators name the ones it has).
 * A default is written as the string a properties file would hold; `null` means "no value" and an
 * absent default means the key is required.
 */
import { inspect } from 'node:util';
import { ConfigError } from './config-error';

export const CONFIG_TYPES = [
  'BOOLEAN',
  'STRING',
  'INT',
  'SHORT',
  'LONG',
  'DOUBLE',
  'LIST',
  'CLASS',
  'PASSWORD',
] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

/** The ids DescribeConfigs (v3+) uses for config types. */
export const CONFIG_TYPE_IDS: Readonly<Record<ConfigType, number>> = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
};

export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** A secret value: prints as `[hidden]` everywhere (logs, JSON, inspect); `value()` reveals it. */
export class Password {
  readonly #secret: string;

  constructor(secret: string) {
    this.#secret = secret;
  }

  value(): string {
    return this.#secret;
  }

  toString(): string {
    return '[hidden]';
  }

  toJSON(): string {
    return '[hidden]';
  }

  [inspect.custom](): string {
    return 'Password([hidden])';
  }
}

/** The TypeScript type each config type parses to. */
export interface TypeValues {
  BOOLEAN: boolean;
  STRING: string;
  INT: number;
  SHORT: number;
  LONG: number;
  DOUBLE: number;
  LIST: readonly string[];
  CLASS: string;
  PASSWORD: Password;
}

/** Checks a parsed value; throws a ConfigError naming the key. */
export interface Validator<V> {
  check(name: string, value: V): void;
  /** How Kafka's docs print the valid values: `[1,...]`, `[0,...,1]`, `[delete, compact]`. */
  readonly description: string;
}

/** One key of a definition table. D is the default as written: string, null, or undefined. */
export interface ConfigKey<
  T extends ConfigType = ConfigType,
  D extends string | null | undefined = string | null | undefined,
> {
  readonly type: T;
  readonly default: D;
  readonly validator?: Validator<TypeValues[T]>;
  readonly importance: Importance;
  /** A heading for documentation (the sample server.properties is grouped by it). */
  readonly group: string;
  readonly doc: string;
}

/** What `define` takes besides the type and the default. */
export interface KeySpec<T extends ConfigType> {
  validator?: Validator<TypeValues[T]>;
  importance: Importance;
  group?: string;
  doc: string;
}

/**
 * Defines one key: `define('INT', { default: '1', validator: atLeast(1), importance, doc })`.
 * `default: null` makes the value nullable; leaving `default` out makes the key required.
 */
export function define<T extends ConfigType, const D extends string | null>(
  type: T,
  spec: KeySpec<T> & { default: D },
): ConfigKey<T, D>;
export function define<T extends ConfigType>(type: T, spec: KeySpec<T>): ConfigKey<T, undefined>;
export function define<T extends ConfigType>(
  type: T,
  spec: KeySpec<T> & { default?: string | null },
): ConfigKey<T> {
  return {
    type,
    default: spec.default,
    validator: spec.validator,
    importance: spec.importance,
    group: spec.group ?? '',
    doc: spec.doc,
  };
}

/** Whether values of this type are secret (never printed, null in DescribeConfigs). */
export function isSensitive(type: ConfigType): boolean {
  return type === 'PASSWORD';
}

/** The parsed type of a key: nullable when its default is null. */
export type ConfigValue<K> =
  K extends ConfigKey<infer T, infer D>
    ? null extends D
      ? TypeValues[T] | null
      : TypeValues[T]
    : never;

export type ConfigSpec = Readonly<Record<string, ConfigKey>>;

export type ConfigValues<S extends ConfigSpec> = { readonly [K in keyof S]: ConfigValue<S[K]> };

/** `log.retention.ms` → `logRetentionMs`, at the type level. */
export type CamelCase<S extends string> = S extends `${infer Head}.${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** `log.retention.ms` → `logRetentionMs`. */
export function camelCase(name: string): string {
  return name.replace(/\.(.)/g, (_match, c: string) => c.toUpperCase());
}

/** A table of keys: parses, validates and prints values. */
export class ConfigDef<S extends ConfigSpec> {
  private readonly defaults = new Map<string, unknown>();

  constructor(readonly keys: S) {
    for (const [name, key] of Object.entries(keys)) {
      if (typeof key.default === 'string') {
        this.defaults.set(name, this.parseValue(name as keyof S & string, key.default));
      }
    }
  }

  names(): (keyof S & string)[] {
    return Object.keys(this.keys);
  }

  has(name: string): name is keyof S & string {
    return Object.prototype.hasOwnProperty.call(this.keys, name);
  }

  key<K extends keyof S & string>(name: K): S[K] {
    return this.keys[name];
  }

  /** Parses and validates one value given as a string. */
  parseValue<K extends keyof S & string>(name: K, raw: string): ConfigValue<S[K]> {
    const key = this.keys[name];
    const value = parseType(name, raw, key.type);
    key.validator?.check(name, value as never);
    return value as ConfigValue<S[K]>;
  }

  /** The parsed default; null when the default is null; a ConfigError when the key is required. */
  defaultValue<K extends keyof S & string>(name: K): ConfigValue<S[K]> {
    const key = this.keys[name];
    if (key.default === undefined) throw ConfigError.missing(name);
    return (key.default === null ? null : this.defaults.get(name)) as ConfigValue<S[K]>;
  }

  /**
   * Parses every key of the table from `props` (keys absent take their default) and lists the
   * keys of `props` the table does not know. Keys are checked in table order; the first bad one
   * throws.
   */
  parse(props: ReadonlyMap<string, string>): { values: ConfigValues<S>; unknown: string[] } {
    const values: Record<string, unknown> = {};
    for (const name of this.names()) {
      const raw = props.get(name);
      values[name] = raw === undefined ? this.defaultValue(name) : this.parseValue(name, raw);
    }
    const unknown = [...props.keys()].filter((name) => !this.has(name));
    return { values: values as ConfigValues<S>, unknown };
  }

  /** A value as Kafka's ConfigDef.convertToString prints it (null stays null). */
  format<K extends keyof S & string>(name: K, value: ConfigValue<S[K]> | null): string | null {
    return formatValue(value, this.keys[name].type);
  }
}

/** Parses a string as a value of `type`, throwing Kafka's ConfigException wording. */
export function parseType<T extends ConfigType>(name: string, raw: string, type: T): TypeValues[T] {
  const trimmed = javaTrim(raw);
  const parse = PARSERS[type] as (trimmed: string) => TypeValues[T] | undefined;
  const value = parse(trimmed);
  if (value !== undefined) return value;
  throw ConfigError.invalid(name, raw, failureReason(type, trimmed));
}

/** A parsed value as a string, as Kafka's ConfigDef.convertToString prints it. */
export function formatValue(value: unknown, type: ConfigType): string | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'LONG':
      return formatLong(value as number);
    case 'DOUBLE':
      return formatDouble(value as number);
    case 'LIST':
      return (value as readonly string[]).join(',');
    default:
      return String(value);
  }
}

/** Java's Long.MAX_VALUE as held in a JavaScript number (2^63): Kafka's "never" / "no limit". */
export const LONG_MAX_VALUE = 2 ** 63;
/** Java's Long.MAX_VALUE as written in a properties file (and as DescribeConfigs prints it). */
export const LONG_MAX_STRING = '9223372036854775807';

const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[dDfF]?$/;
const JAVA_CLASS_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*(\.[\p{L}_$][\p{L}\p{N}_$]*)*$/u;

const RANGES = {
  SHORT: [-(2n ** 15n), 2n ** 15n - 1n],
  INT: [-(2n ** 31n), 2n ** 31n - 1n],
  LONG: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

function parseInteger(type: keyof typeof RANGES): (s: string) => number | undefined {
  const [min, max] = RANGES[type];
  return (s) => {
    if (!INTEGER.test(s)) return undefined;
    const n = BigInt(s);
    return n < min || n > max ? undefined : Number(n);
  };
}

const PARSERS: { [T in ConfigType]: (trimmed: string) => TypeValues[T] | undefined } = {
  BOOLEAN: (s) => {
    const lower = s.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  },
  STRING: (s) => s,
  INT: parseInteger('INT'),
  SHORT: parseInteger('SHORT'),
  LONG: parseInteger('LONG'),
  DOUBLE: (s) => (DECIMAL.test(s) ? Number(s.replace(/[dDfF]$/, '')) : undefined),
  LIST: (s) => (s === '' ? [] : s.split(/\s*,\s*/)),
  CLASS: (s) => (JAVA_CLASS_NAME.test(s) ? s : undefined),
  PASSWORD: (s) => new Password(s),
};

function failureReason(type: ConfigType, trimmed: string): string {
  switch (type) {
    case 'BOOLEAN':
      return 'Expected value to be either true or false';
    case 'CLASS':
      return `Class ${trimmed} could not be found.`;
    default:
      return `Not a number of type ${type}`;
  }
}

/** Java's String.trim: drops leading and trailing characters up to U+0020. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

function formatLong(n: number): string {
  if (n >= LONG_MAX_VALUE) return LONG_MAX_STRING;
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** Java's Double.toString: `0.5`, `1.0`, `1.0E-5`, `1.5E7`. */
function formatDouble(n: number): string {
  const abs = Math.abs(n);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.replace('+', '')}`;
}

/** Kafka's Range.atLeast. */
export function atLeast(min: number): Validator<number> {
  return {
    description: `[${min},...]`,
    check(name, value) {
      if (value < min) throw ConfigError.invalid(name, value, `Value must be at least ${min}`);
    },
  };
}

/** Kafka's Range.between (both bounds inclusive). */
export function between(min: number, max: number): Validator<number> {
  return {
    description: `[${min},...,${max}]`,
    check(name, value) {
      if (value < min) throw ConfigError.invalid(name, value, `Value must be at least ${min}`);
      if (value > max) throw ConfigError.invalid(name, value, `Value must be no more than ${max}`);
    },
  };
}

/** Kafka's ValidString.in: the value must be one of these (case-sensitive). */
export function oneOf(...valid: string[]): Validator<string> {
  return {
    description: `[${valid.join(', ')}]`,
    check(name, value) {
      if (!valid.includes(value)) {
        throw ConfigError.invalid(name, value, `String must be one of: ${valid.join(', ')}`);
      }
    },
  };
}

/** Kafka's ValidList.in: every element must be one of these. */
export function eachOneOf(...valid: string[]): Validator<readonly string[]> {
  const element = oneOf(...valid);
  return {
    description: element.description,
    check(name, values) {
      for (const value of values) element.check(name, value);
    },
  };
}

/** A validator written in place (Kafka's LambdaValidator). `check` returns a reason, or nothing. */
export function validator<V>(
  description: string,
  check: (value: V) => string | undefined,
): Validator<V> {
  return {
    description,
    check(name, value) {
      const reason = check(value);
      if (reason !== undefined) throw ConfigError.invalid(name, value, reason);
    },
  };
}
