/**
 * A GroupCoordinator on an in-memory `__consumer_offsets` (one partition unless told otherwise,
 * led here) and a hand-driven clock, with helpers that walk members through the group protocol.
 */
import {
  GroupCoordinator,
  type JoinGroupParams,
} from '../../../../broker/coordinator/group/group-coordinator';
import type { JoinGroupResult } from '../../../../broker/coordinator/group/group-results';
import type { MemberProtocol } from '../../../../broker/coordinator/group/member-metadata';
import { InMemoryOffsetsTopic } from './in-memory-offsets-topic';
import { ManualClock, flush } from './manual-clock';

export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;
export const MIN_SESSION_MS = 1_000;
export const MAX_SESSION_MS = 60_000;
export const RETENTION_MS = 600_000;
export const RETENTION_CHECK_MS = 60_000;
export const MAX_METADATA = 10;

/** A ConsumerProtocol Subscription v0: version, topics, null user data. */
export function subscription(topics: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0]), Buffer.alloc(4)];
  parts[1].writeInt32BE(topics.length);
  for (const topic of topics) {
    const length = Buffer.alloc(2);
    length.writeInt16BE(Buffer.byteLength(topic));
    parts.push(length, Buffer.from(topic));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

export function protocols(names: readonly string[] = ['range'], topics = ['t']): MemberProtocol[] {
  return names.map((name) => ({ name, metadata: subscription(topics) }));
}

export interface Fixture {
  readonly clock: ManualClock;
  readonly storage: InMemoryOffsetsTopic;
  readonly coordinator: GroupCoordinator;
}

export interface FixtureOptions {
  readonly initialDelayMs?: number;
  readonly partitionCount?: number;
  readonly storage?: InMemoryOffsetsTopic;
  readonly clock?: ManualClock;
  /** Leader epoch of the election of partition 0 (default 0). */
  readonly epoch?: number;
  /** Skip startup (the coordinator is then not active). */
  readonly start?: boolean;
}

export function newCoordinator(
  storage: InMemoryOffsetsTopic,
  clock: ManualClock,
  options: FixtureOptions = {},
): GroupCoordinator {
  return new GroupCoordinator({
    brokerId: 1,
    groupConfig: {
      groupMinSessionTimeoutMs: MIN_SESSION_MS,
      groupMaxSessionTimeoutMs: MAX_SESSION_MS,
      groupInitialRebalanceDelayMs: options.initialDelayMs ?? 0,
    },
    offsetConfig: {
      maxMetadataSize: MAX_METADATA,
      loadBufferSize: 256,
      offsetsRetentionMs: RETENTION_MS,
      offsetsRetentionCheckIntervalMs: RETENTION_CHECK_MS,
      offsetCommitTimeoutMs: 5000,
      offsetCommitRequiredAcks: -1,
    },
    partitionCount: options.partitionCount ?? 1,
    storage,
    clock,
  });
}

/** A started coordinator that leads (and has loaded) partition 0. */
export async function fixture(options: FixtureOptions = {}): Promise<Fixture> {
  const clock = options.clock ?? new ManualClock();
  const storage = options.storage ?? new InMemoryOffsetsTopic();
  const coordinator = newCoordinator(storage, clock, options);
  storage.lead(0);
  coordinator.onElection(0, options.epoch ?? 0);
  await flush();
  if (options.start ?? true) await coordinator.startup();
  return { clock, storage, coordinator };
}

export function joinParams(overrides: Partial<JoinGroupParams> = {}): JoinGroupParams {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    requireKnownMemberId: (overrides.groupInstanceId ?? null) === null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: REBALANCE_MS,
    sessionTimeoutMs: SESSION_MS,
    protocolType: 'consumer',
    protocols: protocols(),
    ...overrides,
  };
}

/** A first join (KIP-394): resolves to the member id the coordinator hands out. */
export async function memberIdFor(
  f: Fixture,
  clientId: string,
  overrides: Partial<JoinGroupParams> = {},
): Promise<string> {
  const result = await f.coordinator.joinGroup(joinParams({ clientId, ...overrides }));
  expect(result.error).toBe('MEMBER_ID_REQUIRED');
  return result.memberId;
}

/** A promise with a flag saying whether it has settled yet. */
export function tracked<T>(promise: Promise<T>): { promise: Promise<T>; done: () => boolean } {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, done: () => settled };
}

export interface StableGroup {
  readonly memberIds: string[];
  readonly joins: JoinGroupResult[];
}

/**
 * Members `clientIds` join group `groupId` together and the first (the leader) syncs an
 * assignment naming each member: the group is then Stable in generation 1.
 */
export async function stableGroup(
  f: Fixture,
  clientIds: readonly string[],
  groupId = 'g',
): Promise<StableGroup> {
  const memberIds: string[] = [];
  for (const clientId of clientIds) memberIds.push(await memberIdFor(f, clientId, { groupId }));
  const pending = memberIds.map((memberId, i) =>
    f.coordinator.joinGroup(joinParams({ groupId, memberId, clientId: clientIds[i] })),
  );
  f.clock.advance(0);
  const joins = await Promise.all(pending);
  const leader = joins.find((j) => j.leaderId === j.memberId);
  if (leader === undefined) throw new Error('no leader');
  const generationId = leader.generationId;
  const syncs = joins.map((j) =>
    f.coordinator.syncGroup({
      groupId,
      generationId,
      memberId: j.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments:
        j.memberId === leader.memberId
          ? new Map(memberIds.map((id) => [id, Buffer.from(`assigned:${id}`)]))
          : new Map(),
    }),
  );
  await flush();
  for (const sync of await Promise.all(syncs)) expect(sync.error).toBe('NONE');
  return { memberIds, joins };
}
