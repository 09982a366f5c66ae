/**
 * What a consumer hands to `eachMessage` / `eachBatch` (KafkaJS's shapes, with offsets and
 * timestamps as numbers): one `KafkaMessage` per record, headers as an object (a key that occurs
 * several times gets an array of its values, in order), and a `Batch` per partition per fetch.
 */
import type { DecodedRecord, TimestampType } from '../record';

export type MessageHeaderValue = Buffer | null;

/** Header values by key; shared and frozen when a record has no headers. */
export type IHeaders = Readonly<Record<string, MessageHeaderValue | MessageHeaderValue[]>>;

export interface KafkaMessage {
  readonly offset: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly timestampType: TimestampType;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  /** Bytes of the record in its batch. */
  readonly size: number;
}

const NO_HEADERS: IHeaders = Object.freeze({});

export function toKafkaMessage(record: DecodedRecord, timestampType: TimestampType): KafkaMessage {
  let headers = NO_HEADERS;
  if (record.headers.length > 0) {
    const object: Record<string, MessageHeaderValue | MessageHeaderValue[]> = {};
    for (const header of record.headers) {
      const existing = object[header.key];
      if (existing === undefined) object[header.key] = header.value;
      else if (Array.isArray(existing)) existing.push(header.value);
      else object[header.key] = [existing, header.value];
    }
    headers = object;
  }
  return {
    offset: record.offset,
    timestamp: record.timestamp,
    timestampType,
    key: record.key,
    value: record.value,
    headers,
    size: record.sizeInBytes,
  };
}

/** The records of one partition from one fetch response. */
export class Batch {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** The partition's high watermark when the broker answered. */
    readonly highWatermark: number,
    readonly messages: KafkaMessage[],
  ) {}

  isEmpty(): boolean {
    return this.messages.length === 0;
  }

  /** Offset of the first message, or null when empty. */
  firstOffset(): number | null {
    return this.messages.length === 0 ? null : this.messages[0].offset;
  }

  /** Offset of the last message; the high watermark - 1 when empty (KafkaJS). */
  lastOffset(): number {
    return this.messages.length === 0
      ? this.highWatermark - 1
      : this.messages[this.messages.length - 1].offset;
  }

  /** Messages after this batch's last one, up to the high watermark. */
  offsetLag(): number {
    return Math.max(0, this.highWatermark - 1 - this.lastOffset());
  }

  /** Messages from this batch's first one to the high watermark. */
  offsetLagLow(): number {
    const first = this.firstOffset();
    return first === null ? 0 : Math.max(0, this.highWatermark - 1 - first);
  }
}
