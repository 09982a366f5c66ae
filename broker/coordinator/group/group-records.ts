/**
 * The records of `__consumer_offsets`, in Kafka's own formats (GroupMetadataManager's schemas:
 * OffsetCommitKey, OffsetCommitValue, GroupMetadataKey, GroupMetadataValue), so the topic reads
 * the same as Kafka's (`kafka-dump-log --offsets-decoder` style tools decode it). Types as in
 * schema-codec.ts; every key and value starts with an int16 schema version.
 *
 * Keys (the version tells the kind):
 *
 *   OffsetCommitKey, versions 0 and 1 (written: 1)      GroupMetadataKey, version 2
 *     int16  version                                       int16  version = 2
 *     string group                                         string group
 *     string topic
 *     int32  partition
 *
 * OffsetCommitValue (written: v3; read: v0-v3); a null value is a tombstone (offset deleted):
 *
 *   v0: int16 version, int64 offset, string metadata, int64 timestamp
 *   v1: int16 version, int64 offset, string metadata, int64 commit_timestamp, int64 expire_timestamp
 *   v2: int16 version, int64 offset, string metadata, int64 commit_timestamp
 *   v3: int16 version, int64 offset, int32 leader_epoch, string metadata, int64 commit_timestamp
 *
 * GroupMetadataValue (written: v3; read: v0-v3); a null value is a tombstone (group deleted):
 *
 *   int16           version
 *   string          protocol_type
 *   int32           generation
 *   nullable string protocol                  (the chosen protocol; null when none)
 *   nullable string leader                    (member id of the leader; null when none)
 *   int64           current_state_timestamp   (v2+; -1 when unknown)
 *   array           members, each:
 *     string          member_id
 *     nullable string group_instance_id       (v3+; null for a dynamic member)
 *     string          client_id
 *     string          client_host
 *     int32           rebalance_timeout       (v1+; v0 members use the session timeout)
 *     int32           session_timeout
 *     bytes           subscription            (the member's metadata for the chosen protocol)
 *     bytes           assignment
 *
 * Example, OffsetCommitKey v1 of group "g", topic "t", partition 0:
 *   00 01 | 00 01 67 | 00 01 74 | 00 00 00 00
 */
import { KafkaError } from '../../../client/errors';
import type { OffsetAndMetadata } from './offset-and-metadata';
import { SchemaReader, SchemaWriter } from './schema-codec';

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;
export const OFFSET_COMMIT_VALUE_VERSION = 3;
export const GROUP_METADATA_VALUE_VERSION = 3;

/** What a record key of `__consumer_offsets` names. */
export type GroupRecordKey =
  | {
      readonly kind: 'offset';
      readonly version: number;
      readonly group: string;
      readonly topic: string;
      readonly partition: number;
    }
  | { readonly kind: 'group'; readonly version: number; readonly group: string };

/** One member as GroupMetadataValue stores it. */
export interface MemberRecord {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly subscription: Buffer;
  readonly assignment: Buffer;
}

/** A group as GroupMetadataValue stores it. */
export interface GroupMetadataRecord {
  readonly protocolType: string;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  /** -1 when unknown (values before v2). */
  readonly currentStateTimestamp: number;
  readonly members: readonly MemberRecord[];
}

/** The key of a group's committed offset for one partition (OffsetCommitKey v1). */
export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return new SchemaWriter(64)
    .int16(OFFSET_COMMIT_KEY_VERSION)
    .string(group)
    .string(topic)
    .int32(partition)
    .finish();
}

/** The key of a group's metadata (GroupMetadataKey v2). */
export function groupMetadataKey(group: string): Buffer {
  return new SchemaWriter(32).int16(GROUP_METADATA_KEY_VERSION).string(group).finish();
}

/** Decodes a record key; an unknown key version is CORRUPT_MESSAGE. */
export function readMessageKey(key: Buffer): GroupRecordKey {
  const reader = new SchemaReader(key, '__consumer_offsets record key');
  const version = reader.int16('version');
  if (version === 0 || version === 1) {
    const group = reader.string('group');
    const topic = reader.string('topic');
    const partition = reader.int32('partition');
    return { kind: 'offset', version, group, topic, partition };
  }
  if (version === GROUP_METADATA_KEY_VERSION) {
    return { kind: 'group', version, group: reader.string('group') };
  }
  throw new KafkaError('CORRUPT_MESSAGE', `unknown __consumer_offsets key version ${version}`);
}

/** The value of a committed offset (OffsetCommitValue v3). */
export function offsetCommitValue(offset: OffsetAndMetadata): Buffer {
  return new SchemaWriter(32 + offset.metadata.length)
    .int16(OFFSET_COMMIT_VALUE_VERSION)
    .int64(offset.offset)
    .int32(offset.leaderEpoch)
    .string(offset.metadata)
    .int64(offset.commitTimestamp)
    .finish();
}

/** Decodes an OffsetCommitValue of versions 0-3. */
export function readOffsetMessageValue(value: Buffer): OffsetAndMetadata {
  const reader = new SchemaReader(value, 'OffsetCommitValue');
  const version = reader.int16('version');
  switch (version) {
    case 0:
    case 2: {
      const offset = reader.int64('offset');
      const metadata = reader.string('metadata');
      const commitTimestamp = reader.int64('commit_timestamp');
      return { offset, leaderEpoch: -1, metadata, commitTimestamp };
    }
    case 1: {
      const offset = reader.int64('offset');
      const metadata = reader.string('metadata');
      const commitTimestamp = reader.int64('commit_timestamp');
      const expireTimestamp = reader.int64('expire_timestamp');
      return { offset, leaderEpoch: -1, metadata, commitTimestamp, expireTimestamp };
    }
    case 3: {
      const offset = reader.int64('offset');
      const leaderEpoch = reader.int32('leader_epoch');
      const metadata = reader.string('metadata');
      const commitTimestamp = reader.int64('commit_timestamp');
      return { offset, leaderEpoch, metadata, commitTimestamp };
    }
    default:
      throw new KafkaError('CORRUPT_MESSAGE', `unknown OffsetCommitValue version ${version}`);
  }
}

/** The value of a group's metadata (GroupMetadataValue v3). */
export function groupMetadataValue(group: GroupMetadataRecord): Buffer {
  const writer = new SchemaWriter(256)
    .int16(GROUP_METADATA_VALUE_VERSION)
    .string(group.protocolType)
    .int32(group.generation)
    .nullableString(group.protocol)
    .nullableString(group.leader)
    .int64(group.currentStateTimestamp)
    .int32(group.members.length);
  for (const member of group.members) {
    writer
      .string(member.memberId)
      .nullableString(member.groupInstanceId)
      .string(member.clientId)
      .string(member.clientHost)
      .int32(member.rebalanceTimeoutMs)
      .int32(member.sessionTimeoutMs)
      .bytes(member.subscription)
      .bytes(member.assignment);
  }
  return writer.finish();
}

/** Smallest member entry of any version: three empty strings, one int32, two empty bytes. */
const MIN_MEMBER_BYTES = 3 * 2 + 4 + 2 * 4;

/** Decodes a GroupMetadataValue of versions 0-3. */
export function readGroupMetadataValue(value: Buffer): GroupMetadataRecord {
  const reader = new SchemaReader(value, 'GroupMetadataValue');
  const version = reader.int16('version');
  if (version < 0 || version > GROUP_METADATA_VALUE_VERSION) {
    throw new KafkaError('CORRUPT_MESSAGE', `unknown GroupMetadataValue version ${version}`);
  }
  const protocolType = reader.string('protocol_type');
  const generation = reader.int32('generation');
  const protocol = reader.nullableString('protocol');
  const leader = reader.nullableString('leader');
  const currentStateTimestamp = version >= 2 ? reader.int64('current_state_timestamp') : -1;
  const count = reader.arrayLength('members', MIN_MEMBER_BYTES);
  const members: MemberRecord[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = reader.string('member_id');
    const groupInstanceId = version >= 3 ? reader.nullableString('group_instance_id') : null;
    const clientId = reader.string('client_id');
    const clientHost = reader.string('client_host');
    const rebalanceTimeout = version >= 1 ? reader.int32('rebalance_timeout') : undefined;
    const sessionTimeoutMs = reader.int32('session_timeout');
    members.push({
      memberId,
      groupInstanceId,
      clientId,
      clientHost,
      rebalanceTimeoutMs: rebalanceTimeout ?? sessionTimeoutMs,
      sessionTimeoutMs,
      subscription: reader.bytes('subscription'),
      assignment: reader.bytes('assignment'),
    });
  }
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members };
}
