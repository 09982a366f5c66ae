/**
 * Kafka's ConsumerProtocol: the bytes a consumer group member puts in JoinGroup (its
 * Subscription, the metadata of each protocol it offers) and the bytes the leader sends each
 * member in SyncGroup (its Assignment). samsa writes Kafka 2.8's formats byte for byte, so a
 * group's member metadata and assignments decode with Kafka's own tools and clients.
 *
 * Both are Kafka "struct" encodings: big-endian, no tagged fields, strings as an int16 length and
 * UTF-8 bytes, arrays as an int32 count and their elements, nullable bytes as an int32 length
 * (-1 = null) and the bytes.
 *
 *   Subscription (version 1, what samsa writes)
 *     version            int16            1
 *     topics             [string]         the topics the member subscribes to
 *     user_data          nullable bytes   the assignor's data (sticky: its previous assignment)
 *     owned_partitions   [topic string, partitions [int32]]   (version 1+)
 *
 *   Assignment (version 1, what samsa writes; version 0 has the same fields)
 *     version              int16          1
 *     assigned_partitions  [topic string, partitions [int32]]
 *     user_data            nullable bytes
 *
 * Decoding follows Kafka's forward-compatibility rule: a version newer than 1 is read with the
 * version-1 layout and its later fields are ignored; a negative version is an error. Every length
 * is checked against the bytes that remain before anything is read. An empty SyncGroup assignment
 * (a member the leader gave nothing, as some coordinators send it) decodes as no partitions.
 */
import { SamsaError } from '../errors';
import type { TopicPartition } from './subscription-state';

export const SUBSCRIPTION_VERSION = 1;
export const ASSIGNMENT_VERSION = 1;

export interface Subscription {
  readonly topics: readonly string[];
  readonly userData: Buffer | null;
  readonly ownedPartitions: readonly TopicPartition[];
}

export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[];
  readonly userData: Buffer | null;
}

/** Appends Kafka struct fields to a growing buffer. */
export class StructWriter {
  private buffer = Buffer.alloc(64);
  private length = 0;

  int16(value: number): this {
    this.reserve(2).writeInt16BE(value, this.length);
    this.length += 2;
    return this;
  }

  int32(value: number): this {
    this.reserve(4).writeInt32BE(value, this.length);
    this.length += 4;
    return this;
  }

  string(value: string): this {
    const size = Buffer.byteLength(value, 'utf8');
    if (size > 0x7fff)
      throw new SamsaError(`string of ${size} bytes is too long for an int16 length`);
    this.int16(size);
    this.reserve(size).write(value, this.length, 'utf8');
    this.length += size;
    return this;
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    value.copy(this.reserve(value.length), this.length);
    this.length += value.length;
    return this;
  }

  /** `[topic string, partitions [int32]]`, topics in order of first appearance. */
  topicPartitions(partitions: readonly TopicPartition[]): this {
    const byTopic = groupByTopic(partitions);
    this.int32(byTopic.size);
    for (const [topic, numbers] of byTopic) {
      this.string(topic);
      this.int32(numbers.length);
      for (const partition of numbers) this.int32(partition);
    }
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }

  private reserve(size: number): Buffer {
    if (this.length + size > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + size));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    return this.buffer;
  }
}

/** Reads Kafka struct fields, checking each length against what remains. */
export class StructReader {
  private offset = 0;

  constructor(
    private readonly bytes: Buffer,
    /** Names the structure in errors ("consumer protocol subscription"). */
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  int16(): number {
    this.need(2, 'an int16');
    const value = this.bytes.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'an int32');
    const value = this.bytes.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  string(): string {
    const size = this.int16();
    if (size < 0) this.fail(`a string has the negative length ${size}`);
    this.need(size, `a string of ${size} bytes`);
    const value = this.bytes.toString('utf8', this.offset, this.offset + size);
    this.offset += size;
    return value;
  }

  nullableBytes(): Buffer | null {
    const size = this.int32();
    if (size === -1) return null;
    if (size < 0) this.fail(`a byte array has the negative length ${size}`);
    this.need(size, `${size} bytes`);
    const value = Buffer.from(this.bytes.subarray(this.offset, this.offset + size));
    this.offset += size;
    return value;
  }

  /** An array count, checked against the bytes left at `minElementSize` bytes per element. */
  count(minElementSize: number): number {
    const count = this.int32();
    if (count < 0) this.fail(`an array has the negative length ${count}`);
    if (count * minElementSize > this.remaining) {
      this.fail(`an array of ${count} elements does not fit in the ${this.remaining} bytes left`);
    }
    return count;
  }

  topicPartitions(): TopicPartition[] {
    const partitions: TopicPartition[] = [];
    const topics = this.count(6);
    for (let t = 0; t < topics; t++) {
      const topic = this.string();
      const count = this.count(4);
      for (let p = 0; p < count; p++) partitions.push({ topic, partition: this.int32() });
    }
    return partitions;
  }

  fail(detail: string): never {
    throw new SamsaError(`malformed ${this.what}: ${detail}`);
  }

  private need(size: number, what: string): void {
    if (size > this.remaining) {
      this.fail(`${what} at byte ${this.offset} runs past the end (${this.bytes.length} bytes)`);
    }
  }
}

export function encodeSubscription(subscription: Subscription): Buffer {
  const writer = new StructWriter().int16(SUBSCRIPTION_VERSION);
  writer.int32(subscription.topics.length);
  for (const topic of subscription.topics) writer.string(topic);
  return writer
    .nullableBytes(subscription.userData)
    .topicPartitions(subscription.ownedPartitions)
    .toBuffer();
}

export function decodeSubscription(bytes: Buffer): Subscription {
  const reader = new StructReader(bytes, 'consumer protocol subscription');
  const version = reader.int16();
  if (version < 0) reader.fail(`unsupported version ${version}`);
  const topics: string[] = [];
  const count = reader.count(2);
  for (let index = 0; index < count; index++) topics.push(reader.string());
  const userData = reader.nullableBytes();
  const ownedPartitions = version >= 1 ? reader.topicPartitions() : [];
  return { topics, userData, ownedPartitions };
}

export function encodeAssignment(assignment: MemberAssignment): Buffer {
  return new StructWriter()
    .int16(ASSIGNMENT_VERSION)
    .topicPartitions(assignment.partitions)
    .nullableBytes(assignment.userData)
    .toBuffer();
}

export function decodeAssignment(bytes: Buffer): MemberAssignment {
  if (bytes.length === 0) return { partitions: [], userData: null };
  const reader = new StructReader(bytes, 'consumer protocol assignment');
  const version = reader.int16();
  if (version < 0) reader.fail(`unsupported version ${version}`);
  const partitions = reader.topicPartitions();
  const userData = reader.nullableBytes();
  return { partitions, userData };
}

/** Partition numbers per topic, topics in order of first appearance. */
export function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic);
    if (list === undefined) byTopic.set(topic, [partition]);
    else list.push(partition);
  }
  return byTopic;
}
