/**
 * What a producer is given (KafkaJS's message shape: `{ key, value, headers, partition,
 * timestamp }` with Buffer | string | null keys and values, headers as an object) and what it
 * resolves to (`RecordMetadata`), plus the conversion of one message into the record the batch
 * encoder takes (strings become UTF-8 Buffers, headers an ordered list).
 *
 * Offsets and timestamps are JavaScript numbers, not KafkaJS's strings: every offset and
 * millisecond timestamp Kafka can produce stays below 2^53.
 */
import { SamsaError } from '../errors';
import type { RecordHeader } from '../record';

/** A key, value or header value: Buffer, UTF-8 string, or null. */
export type MessageBytes = Buffer | string | null;

/** Header values by key; an array sends the key once per value, in order. */
export type MessageHeaders = Record<string, MessageBytes | readonly MessageBytes[] | undefined>;

export interface Message {
  key?: MessageBytes;
  /** null is a tombstone; undefined is refused. */
  value: MessageBytes;
  headers?: MessageHeaders;
  /** Sends to this partition instead of asking the partitioner. */
  partition?: number;
  /** Milliseconds since the epoch (number or decimal string); default: when send() is called. */
  timestamp?: number | string;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

/**
 * One entry of what `send` resolves to: where some of the messages went. There is one entry per
 * partition and batch: when the producer splits one send's messages for a partition over several
 * batches (batchSize), each batch gets its own entry. `baseOffset` is the offset of the first of
 * this send's messages in that batch (-1 with acks=0, which gets no answer); the following
 * messages of the send for that partition, in that batch, have the next offsets.
 */
export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  baseOffset: number;
  /** The broker's append time with LogAppendTime topics, else -1. */
  logAppendTime: number;
  logStartOffset: number;
}

function isBytes(value: unknown): boolean {
  return (
    Buffer.isBuffer(value) || typeof value === 'string' || value === null || value === undefined
  );
}

function badBytes(what: string, value: unknown): SamsaError {
  return new SamsaError(`${what} must be a Buffer, a string or null, got ${typeof value}`);
}

function checkedTimestamp(value: number | string): number {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : (value as number);
}

/** How errors name a message (built only when something is wrong, not per good message). */
function messageName(index: number, topic: string): string {
  return `message ${index} for topic ${topic}`;
}

/**
 * Checks message `index` of a send to `topic`; throws a one-line SamsaError naming the message
 * and what is wrong. toBytes / toHeaders / timestampOf then convert it without further checks.
 */
export function checkMessage(message: Message, topic: string, index: number): void {
  if (message === null || typeof message !== 'object') {
    throw new SamsaError(`${messageName(index, topic)} is not an object with a value`);
  }
  if (message.value === undefined) {
    throw new SamsaError(`${messageName(index, topic)} has no value (use null for a tombstone)`);
  }
  if (!isBytes(message.key)) throw badBytes(`${messageName(index, topic)} key`, message.key);
  if (!isBytes(message.value)) throw badBytes(`${messageName(index, topic)} value`, message.value);
  const headers = message.headers;
  if (headers !== undefined && headers !== null) {
    if (typeof headers !== 'object' || Array.isArray(headers)) {
      throw new SamsaError(
        `${messageName(index, topic)} headers must be an object of header values`,
      );
    }
    for (const key of Object.keys(headers)) {
      const value = headers[key];
      const values = Array.isArray(value) ? value : [value];
      for (const item of values) {
        if (!isBytes(item)) throw badBytes(`${messageName(index, topic)} header "${key}"`, item);
      }
    }
  }
  if (message.timestamp !== undefined) {
    const timestamp = checkedTimestamp(message.timestamp);
    if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) {
      throw new SamsaError(
        `${messageName(index, topic)} has timestamp ${String(message.timestamp)}: expected milliseconds since the epoch`,
      );
    }
  }
}

/** A checked key, value or header value as the batch takes it (strings become UTF-8). */
export function toBytes(value: MessageBytes | undefined): Buffer | null {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return value ?? null;
}

/** A checked message's headers as an ordered list, or undefined for none. */
export function toHeaders(headers: MessageHeaders | null | undefined): RecordHeader[] | undefined {
  if (headers === undefined || headers === null) return undefined;
  const list: RecordHeader[] = [];
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly MessageBytes[]) list.push({ key, value: toBytes(item) });
    } else {
      list.push({ key, value: toBytes(value as MessageBytes) });
    }
  }
  return list;
}

/** A checked message's timestamp; `now` for a message without one. */
export function timestampOf(message: Message, now: number): number {
  const timestamp = message.timestamp;
  if (timestamp === undefined) return now;
  return typeof timestamp === 'string' ? Number(timestamp) : timestamp;
}

/** A record's estimated size in a batch, varint overheads rounded up (compared with batchSize). */
export function recordSize(
  key: Buffer | null,
  value: Buffer | null,
  headers: readonly RecordHeader[] | undefined,
): number {
  let size = 21 + (key === null ? 0 : key.length);
  size += value === null ? 0 : value.length;
  if (headers !== undefined) {
    for (const header of headers) {
      size += 10 + header.key.length + (header.value === null ? 0 : header.value.length);
    }
  }
  return size;
}
