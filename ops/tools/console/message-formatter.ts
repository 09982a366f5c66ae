/**
 * Kafka's DefaultMessageFormatter: how `samsa console-consumer` prints one record, from the
 * `--property` settings. Columns, in this order, each only when enabled, joined by
 * `key.separator` (default TAB) and ended by `line.separator` (default `\n`):
 *
 *   CreateTime:1617000000000⇥Partition:0⇥Offset:42⇥h1:v1,h2:v2⇥<key>⇥<value>
 *
 * - `print.timestamp` (`CreateTime:<ms>` or `LogAppendTime:<ms>`, `NO_TIMESTAMP` when the record
 *   has none), `print.partition`, `print.offset`, `print.headers` (`k:v` joined by
 *   `headers.separator`, default `,`; `NO_HEADERS` when there are none), `print.key`: off by
 *   default; `print.value`: on by default.
 * - A null key, value or header value prints as `null.literal` (default `null`).
 * - Keys and values are written as their bytes (the StringDeserializer shows the same text).
 * Boolean properties are true when their value is `true` in any case.
 */
import { UsageError } from './command-line';

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** null when the record has no timestamp (Kafka's NO_TIMESTAMP_TYPE). */
  timestampType: TimestampType | null;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly { key: string; value: Buffer | null }[];
}

export interface FormatterSettings {
  printTimestamp: boolean;
  printKey: boolean;
  printValue: boolean;
  printPartition: boolean;
  printOffset: boolean;
  printHeaders: boolean;
  keySeparator: Buffer;
  lineSeparator: Buffer;
  headersSeparator: Buffer;
  nullLiteral: Buffer;
}

/** Deserializers whose text equals the raw bytes printed here. */
const TEXT_DESERIALIZERS = new Set(['org.apache.kafka.common.serialization.StringDeserializer']);

/** The formatter settings from `--property` values. */
export function formatterSettings(properties: ReadonlyMap<string, string>): FormatterSettings {
  const flag = (name: string, fallback: boolean): boolean => {
    const value = properties.get(name);
    return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
  };
  const bytes = (name: string, fallback: string): Buffer =>
    Buffer.from(properties.get(name) ?? fallback, 'utf8');
  for (const name of ['key.deserializer', 'value.deserializer', 'headers.deserializer']) {
    const value = properties.get(name);
    if (value !== undefined && !TEXT_DESERIALIZERS.has(value.trim())) {
      throw new UsageError(
        `${name}=${value} is not supported: samsa console-consumer prints keys, values and headers as text (StringDeserializer)`,
      );
    }
  }
  return {
    printTimestamp: flag('print.timestamp', false),
    printKey: flag('print.key', false),
    printValue: flag('print.value', true),
    printPartition: flag('print.partition', false),
    printOffset: flag('print.offset', false),
    printHeaders: flag('print.headers', false),
    keySeparator: bytes('key.separator', '\t'),
    lineSeparator: bytes('line.separator', '\n'),
    headersSeparator: bytes('headers.separator', ','),
    nullLiteral: bytes('null.literal', 'null'),
  };
}

/** The bytes printed for one record. */
export function formatRecord(record: ConsumedRecord, s: FormatterSettings): Buffer {
  const parts: Buffer[] = [];
  const text = (value: string): void => {
    parts.push(Buffer.from(value, 'utf8'));
  };
  const separator = (moreColumns: boolean): void => {
    parts.push(moreColumns ? s.keySeparator : s.lineSeparator);
  };
  if (s.printTimestamp) {
    text(
      record.timestampType === null
        ? 'NO_TIMESTAMP'
        : `${record.timestampType}:${record.timestamp}`,
    );
    separator(s.printOffset || s.printPartition || s.printHeaders || s.printKey || s.printValue);
  }
  if (s.printPartition) {
    text(`Partition:${record.partition}`);
    separator(s.printOffset || s.printHeaders || s.printKey || s.printValue);
  }
  if (s.printOffset) {
    text(`Offset:${record.offset}`);
    separator(s.printHeaders || s.printKey || s.printValue);
  }
  if (s.printHeaders) {
    if (record.headers.length === 0) {
      text('NO_HEADERS');
    } else {
      record.headers.forEach((header, i) => {
        text(`${header.key}:`);
        parts.push(header.value ?? s.nullLiteral);
        if (i < record.headers.length - 1) parts.push(s.headersSeparator);
      });
    }
    separator(s.printKey || s.printValue);
  }
  if (s.printKey) {
    parts.push(record.key ?? s.nullLiteral);
    separator(s.printValue);
  }
  if (s.printValue) {
    parts.push(record.value ?? s.nullLiteral);
    parts.push(s.lineSeparator);
  }
  return Buffer.concat(parts);
}
