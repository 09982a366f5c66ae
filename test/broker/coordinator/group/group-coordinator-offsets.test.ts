/**
 * Committed offsets on one coordinator: who may commit (generation, member, state), what is
 * written to `__consumer_offsets` and when the commit is answered, OffsetFetch, retention expiry
 * with tombstones, and ListGroups / DescribeGroups / DeleteGroups.
 */
import type { OffsetCommitParams } from '../../../../broker/coordinator/group/group-coordinator';
import {
  readMessageKey,
  readOffsetMessageValue,
} from '../../../../broker/coordinator/group/group-records';
import { topicPartitionKey } from '../../../../broker/coordinator/group/offset-and-metadata';
import {
  RETENTION_CHECK_MS,
  RETENTION_MS,
  SESSION_MS,
  fixture,
  joinParams,
  memberIdFor,
  stableGroup,
  tracked,
} from './coordinator-fixture';
import { gate } from './in-memory-offsets-topic';
import { WALL_CLOCK_START, flush } from './manual-clock';

function commit(overrides: Partial<OffsetCommitParams> = {}): OffsetCommitParams {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    generationId: -1,
    offsets: [{ topic: 't', partition: 0, offset: 5, leaderEpoch: 2, metadata: 'meta' }],
    ...overrides,
  };
}

const T0 = topicPartitionKey('t', 0);

describe('committing offsets', () => {
  test('a member of the current generation commits; the offset is written (v3) and then fetched', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a']);
    const appendsBefore = f.storage.appends.length;
    const errors = await f.coordinator.commitOffsets(
      commit({
        memberId: memberIds[0],
        generationId: 1,
        offsets: [
          { topic: 't', partition: 0, offset: 10, leaderEpoch: 4, metadata: '' },
          { topic: 't', partition: 1, offset: 20, leaderEpoch: -1, metadata: 'x' },
        ],
      }),
    );
    expect([...errors.values()]).toEqual(['NONE', 'NONE']);
    expect(f.storage.appends.slice(appendsBefore)).toEqual([
      { partition: 0, requiredAcks: -1, timeoutMs: 5000 },
    ]);
    const written = f.storage.records(0).slice(-2);
    expect(written.map((r) => readMessageKey(r.key as Buffer))).toEqual([
      { kind: 'offset', version: 1, group: 'g', topic: 't', partition: 0 },
      { kind: 'offset', version: 1, group: 'g', topic: 't', partition: 1 },
    ]);
    expect(readOffsetMessageValue(written[0].value as Buffer)).toEqual({
      offset: 10,
      leaderEpoch: 4,
      metadata: '',
      commitTimestamp: WALL_CLOCK_START,
    });
    expect(f.coordinator.fetchOffsets('g', false, undefined)).toEqual({
      error: 'NONE',
      offsets: [
        { topic: 't', partition: 0, offset: 10, leaderEpoch: 4, metadata: '', error: 'NONE' },
        { topic: 't', partition: 1, offset: 20, leaderEpoch: -1, metadata: 'x', error: 'NONE' },
      ],
    });
    expect(
      f.coordinator.fetchOffsets('g', false, [
        { topic: 't', partition: 1 },
        { topic: 'u', partition: 0 },
      ]).offsets,
    ).toEqual([
      { topic: 't', partition: 1, offset: 20, leaderEpoch: -1, metadata: 'x', error: 'NONE' },
      { topic: 'u', partition: 0, offset: -1, leaderEpoch: -1, metadata: '', error: 'NONE' },
    ]);
  });

  test('a commit is answered only once written, and is invisible until then (UNSTABLE_OFFSET_COMMIT with require_stable)', async () => {
    const f = await fixture();
    const held = gate();
    f.storage.appendGate = held.promise;
    const pending = tracked(f.coordinator.commitOffsets(commit()));
    await flush();
    expect(pending.done()).toBe(false);
    expect(
      f.coordinator.fetchOffsets('g', false, [{ topic: 't', partition: 0 }]).offsets[0].offset,
    ).toBe(-1);
    expect(
      f.coordinator.fetchOffsets('g', true, [{ topic: 't', partition: 0 }]).offsets[0].error,
    ).toBe('UNSTABLE_OFFSET_COMMIT');
    held.open();
    expect((await pending.promise).get(T0)).toBe('NONE');
    expect(
      f.coordinator.fetchOffsets('g', true, [{ topic: 't', partition: 0 }]).offsets[0].offset,
    ).toBe(5);
  });

  test('a standalone consumer (generation -1, no member id) commits to an Empty or unknown group', async () => {
    const f = await fixture();
    expect((await f.coordinator.commitOffsets(commit({ groupId: 'solo' }))).get(T0)).toBe('NONE');
    expect(f.coordinator.describeGroup('solo').summary).toMatchObject({
      state: 'Empty',
      protocolType: '',
    });
    expect(f.coordinator.fetchOffsets('solo', false, undefined).offsets[0].offset).toBe(5);
  });

  test('commits from outside the current generation are refused', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const [a, b] = memberIds;
    const errorOf = async (p: Partial<OffsetCommitParams>): Promise<string | undefined> =>
      (await f.coordinator.commitOffsets(commit(p))).get(T0);
    expect(await errorOf({ groupId: 'fresh', memberId: 'm', generationId: 3 })).toBe(
      'ILLEGAL_GENERATION',
    );
    expect(await errorOf({ memberId: a, generationId: 0 })).toBe('ILLEGAL_GENERATION');
    expect(await errorOf({ memberId: 'zombie', generationId: 1 })).toBe('UNKNOWN_MEMBER_ID');
    expect(await errorOf({ memberId: '', generationId: -1 })).toBe('UNKNOWN_MEMBER_ID');
    // PreparingRebalance: commits of the current generation still count.
    void f.coordinator.joinGroup(joinParams({ memberId: a }));
    expect(await errorOf({ memberId: b, generationId: 1 })).toBe('NONE');
    // CompletingRebalance (generation 2, no assignment yet): REBALANCE_IN_PROGRESS.
    void f.coordinator.joinGroup(joinParams({ memberId: b }));
    await flush();
    expect(f.coordinator.describeGroup('g').summary.state).toBe('CompletingRebalance');
    expect(await errorOf({ memberId: b, generationId: 2 })).toBe('REBALANCE_IN_PROGRESS');
    expect(await errorOf({ memberId: b, generationId: 1 })).toBe('ILLEGAL_GENERATION');
  });

  test('metadata longer than offsets.metadata.max.bytes is OFFSET_METADATA_TOO_LARGE; the rest is written', async () => {
    const f = await fixture();
    const errors = await f.coordinator.commitOffsets(
      commit({
        offsets: [
          { topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: 'x'.repeat(11) },
          { topic: 't', partition: 1, offset: 2, leaderEpoch: -1, metadata: 'x'.repeat(10) },
        ],
      }),
    );
    expect([...errors.values()]).toEqual(['OFFSET_METADATA_TOO_LARGE', 'NONE']);
    expect(f.storage.records(0)).toHaveLength(1);
  });

  test('a failed write is answered as Kafka maps it and the previous offset stays', async () => {
    const f = await fixture();
    await f.coordinator.commitOffsets(commit());
    f.storage.failures.push('NOT_ENOUGH_REPLICAS', 'REQUEST_TIMED_OUT', 'NOT_LEADER_OR_FOLLOWER');
    const next = commit({
      offsets: [{ topic: 't', partition: 0, offset: 9, leaderEpoch: -1, metadata: '' }],
    });
    expect((await f.coordinator.commitOffsets(next)).get(T0)).toBe('COORDINATOR_NOT_AVAILABLE');
    expect((await f.coordinator.commitOffsets(next)).get(T0)).toBe('REQUEST_TIMED_OUT');
    expect((await f.coordinator.commitOffsets(next)).get(T0)).toBe('NOT_COORDINATOR');
    expect(
      f.coordinator.fetchOffsets('g', true, [{ topic: 't', partition: 0 }]).offsets[0],
    ).toMatchObject({
      offset: 5,
      error: 'NONE',
    });
  });

  test("a deleted topic's offsets are removed from every group, with tombstones", async () => {
    const f = await fixture();
    await f.coordinator.commitOffsets(
      commit({
        offsets: [
          { topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' },
          { topic: 'gone', partition: 0, offset: 2, leaderEpoch: -1, metadata: '' },
        ],
      }),
    );
    await f.coordinator.handleDeletedPartitions([{ topic: 'gone', partition: 0 }]);
    expect(f.coordinator.fetchOffsets('g', false, undefined).offsets.map((o) => o.topic)).toEqual([
      't',
    ]);
    const last = f.storage.records(0).at(-1);
    expect(last?.value).toBeNull();
    expect(readMessageKey(last?.key as Buffer)).toMatchObject({ kind: 'offset', topic: 'gone' });
  });

  test('OffsetFetch of an unknown group answers -1 for the partitions asked, nothing for all topics', async () => {
    const f = await fixture();
    expect(
      f.coordinator.fetchOffsets('none', false, [{ topic: 't', partition: 3 }]).offsets,
    ).toEqual([
      { topic: 't', partition: 3, offset: -1, leaderEpoch: -1, metadata: '', error: 'NONE' },
    ]);
    expect(f.coordinator.fetchOffsets('none', false, undefined).offsets).toEqual([]);
  });
});

describe('offset retention (offsets.retention.minutes)', () => {
  test("a standalone group's offsets expire after retention; tombstones are written and the group goes away", async () => {
    const f = await fixture();
    await f.coordinator.commitOffsets(commit({ groupId: 'solo' }));
    f.clock.advance(RETENTION_MS - RETENTION_CHECK_MS);
    await flush();
    expect(f.coordinator.fetchOffsets('solo', false, undefined).offsets).toHaveLength(1);
    f.clock.advance(RETENTION_CHECK_MS);
    await flush();
    expect(f.coordinator.fetchOffsets('solo', false, undefined).offsets).toEqual([]);
    expect(f.coordinator.listGroups([]).groups).toEqual([]);
    const tombstone = f.storage.records(0).at(-1);
    expect(tombstone?.value).toBeNull();
    expect(readMessageKey(tombstone?.key as Buffer)).toMatchObject({
      kind: 'offset',
      group: 'solo',
    });
  });

  test('an Empty consumer group keeps its offsets for the retention time after it became Empty, then is deleted', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a']);
    await f.coordinator.commitOffsets(
      commit({
        memberId: memberIds[0],
        generationId: 1,
        offsets: [
          { topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '' },
          { topic: 'u', partition: 0, offset: 6, leaderEpoch: -1, metadata: '' },
        ],
      }),
    );
    // While the member is there, only offsets of topics it does not subscribe to (u) expire.
    for (let t = 0; t <= RETENTION_MS; t += SESSION_MS / 2) {
      f.clock.advance(SESSION_MS / 2);
      expect(
        f.coordinator.heartbeat({
          groupId: 'g',
          memberId: memberIds[0],
          generationId: 1,
          groupInstanceId: null,
        }),
      ).toBe('NONE');
      await flush();
    }
    expect(f.coordinator.fetchOffsets('g', false, undefined).offsets.map((o) => o.topic)).toEqual([
      't',
    ]);
    f.coordinator.leaveGroup('g', [{ memberId: memberIds[0], groupInstanceId: null }]);
    await flush();
    expect(f.coordinator.describeGroup('g').summary.state).toBe('Empty');
    f.clock.advance(RETENTION_MS - RETENTION_CHECK_MS);
    await flush();
    expect(f.coordinator.fetchOffsets('g', false, undefined).offsets).toHaveLength(1);
    f.clock.advance(2 * RETENTION_CHECK_MS);
    await flush();
    expect(f.coordinator.describeGroup('g').summary.state).toBe('Dead');
    const keys = f.storage
      .records(0)
      .filter((r) => r.value === null)
      .map((r) => readMessageKey(r.key as Buffer).kind);
    expect(keys).toEqual(['offset', 'offset', 'group']);
  });
});

describe('ListGroups, DescribeGroups, DeleteGroups', () => {
  test('ListGroups lists the groups here with their protocol type and state, filtered by state', async () => {
    const f = await fixture();
    await stableGroup(f, ['a']);
    await f.coordinator.commitOffsets(commit({ groupId: 'solo' }));
    await memberIdFor(f, 'x', { groupId: 'joining' });
    const all = f.coordinator.listGroups([]);
    expect(all.error).toBe('NONE');
    expect(all.groups).toEqual(
      expect.arrayContaining([
        { groupId: 'g', protocolType: 'consumer', state: 'Stable' },
        { groupId: 'solo', protocolType: '', state: 'Empty' },
        { groupId: 'joining', protocolType: '', state: 'Empty' },
      ]),
    );
    expect(f.coordinator.listGroups(['Stable']).groups.map((g) => g.groupId)).toEqual(['g']);
    expect(f.coordinator.listGroups(['PreparingRebalance']).groups).toEqual([]);
  });

  test('DescribeGroups shows members with client id and host; metadata and assignment only when Stable', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a']);
    const stable = f.coordinator.describeGroup('g');
    expect(stable.error).toBe('NONE');
    expect(stable.summary.members).toEqual([
      expect.objectContaining({
        memberId: memberIds[0],
        clientId: 'a',
        clientHost: '/127.0.0.1',
        groupInstanceId: null,
      }),
    ]);
    expect(stable.summary.members[0].assignment.toString()).toBe(`assigned:${memberIds[0]}`);
    expect(stable.summary.members[0].metadata.length).toBeGreaterThan(0);
    void f.coordinator.joinGroup(joinParams({ memberId: memberIds[0], clientId: 'a' }));
    f.clock.advance(0);
    await flush();
    const completing = f.coordinator.describeGroup('g').summary;
    expect(completing).toMatchObject({ state: 'CompletingRebalance', protocol: '' });
    expect(completing.members[0].assignment.length).toBe(0);
    expect(f.coordinator.describeGroup('unknown')).toEqual({
      error: 'NONE',
      summary: { state: 'Dead', protocolType: '', protocol: '', members: [] },
    });
  });

  test('DeleteGroups deletes Empty groups with tombstones, refuses groups with members, and knows unknown ones', async () => {
    const f = await fixture();
    await stableGroup(f, ['a']);
    await f.coordinator.commitOffsets(commit({ groupId: 'solo' }));
    const errors = await f.coordinator.deleteGroups(['g', 'solo', 'missing', 'solo']);
    expect(errors).toEqual(
      new Map([
        ['g', 'NON_EMPTY_GROUP'],
        ['solo', 'NONE'],
        ['missing', 'GROUP_ID_NOT_FOUND'],
      ]),
    );
    expect(f.coordinator.fetchOffsets('solo', false, undefined).offsets).toEqual([]);
    const last = f.storage.records(0).at(-1);
    expect(last?.value).toBeNull();
    expect(readMessageKey(last?.key as Buffer)).toMatchObject({ kind: 'offset', group: 'solo' });
    expect(await f.coordinator.deleteGroups(['solo'])).toEqual(
      new Map([['solo', 'GROUP_ID_NOT_FOUND']]),
    );
  });
});
