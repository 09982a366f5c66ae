/**
 * The group protocol on one coordinator, time driven by hand: KIP-394 member ids, joins and
 * rebalances, SyncGroup, heartbeats and session expiry, the initial rebalance delay, LeaveGroup,
 * static membership, and the errors Kafka answers.
 */
import { partitionForGroup } from '../../../../broker/coordinator/group/group-partition';
import {
  MAX_SESSION_MS,
  MIN_SESSION_MS,
  REBALANCE_MS,
  SESSION_MS,
  fixture,
  joinParams,
  memberIdFor,
  protocols,
  stableGroup,
  tracked,
} from './coordinator-fixture';
import { gate } from './in-memory-offsets-topic';
import { flush } from './manual-clock';
import { setLogLevel } from '../../../../client/logging';

// The error paths these tests take log warnings on purpose.
setLogLevel('error');

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function heartbeat(
  f: Awaited<ReturnType<typeof fixture>>,
  memberId: string,
  generationId: number,
  groupInstanceId: string | null = null,
): string {
  return f.coordinator.heartbeat({ groupId: 'g', memberId, generationId, groupInstanceId });
}

describe('joining a group', () => {
  test('a first join without a member id gets MEMBER_ID_REQUIRED with a new id <clientId>-<uuid>', async () => {
    const f = await fixture();
    const result = await f.coordinator.joinGroup(joinParams({ clientId: 'consumer-1' }));
    expect(result).toMatchObject({ error: 'MEMBER_ID_REQUIRED', generationId: -1, leaderId: '' });
    expect(result.memberId.startsWith('consumer-1-')).toBe(true);
    expect(result.memberId).toMatch(UUID);
    expect(f.coordinator.describeGroup('g').summary).toMatchObject({ state: 'Empty', members: [] });
  });

  test('two members join and sync: one generation, the leader gets every member, each its own assignment', async () => {
    const f = await fixture();
    const a = await memberIdFor(f, 'a');
    const b = await memberIdFor(f, 'b');
    const joinA = f.coordinator.joinGroup(joinParams({ memberId: a, clientId: 'a' }));
    const joinB = f.coordinator.joinGroup(joinParams({ memberId: b, clientId: 'b' }));
    expect(f.coordinator.describeGroup('g').summary.state).toBe('PreparingRebalance');
    f.clock.advance(0);
    const [ja, jb] = await Promise.all([joinA, joinB]);
    expect(ja).toMatchObject({ error: 'NONE', generationId: 1, leaderId: a, memberId: a });
    expect(ja.protocolName).toBe('range');
    expect(ja.protocolType).toBe('consumer');
    expect(ja.members.map((m) => m.memberId).sort()).toEqual([a, b].sort());
    expect(jb).toMatchObject({
      error: 'NONE',
      generationId: 1,
      leaderId: a,
      memberId: b,
      members: [],
    });
    expect(f.coordinator.describeGroup('g').summary.state).toBe('CompletingRebalance');

    const syncB = tracked(
      f.coordinator.syncGroup({
        groupId: 'g',
        generationId: 1,
        memberId: b,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: new Map(),
      }),
    );
    await flush();
    expect(syncB.done()).toBe(false);
    const syncA = f.coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: new Map([
        [a, Buffer.from('for-a')],
        [b, Buffer.from('for-b')],
      ]),
    });
    expect((await syncA).assignment.toString()).toBe('for-a');
    expect(await syncB.promise).toMatchObject({ error: 'NONE', protocolName: 'range' });
    expect((await syncB.promise).assignment.toString()).toBe('for-b');
    const summary = f.coordinator.describeGroup('g').summary;
    expect(summary).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(summary.members.map((m) => m.clientId).sort()).toEqual(['a', 'b']);
    expect(f.storage.appends).toEqual([{ partition: 0, requiredAcks: -1, timeoutMs: 5000 }]);
  });

  test('a third member joining a Stable group starts a rebalance that ends in generation 2 once all rejoin', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const [a, b] = memberIds;
    const c = await memberIdFor(f, 'c');
    const joinC = tracked(f.coordinator.joinGroup(joinParams({ memberId: c, clientId: 'c' })));
    expect(f.coordinator.describeGroup('g').summary.state).toBe('PreparingRebalance');
    expect(heartbeat(f, a, 1)).toBe('REBALANCE_IN_PROGRESS');
    expect(heartbeat(f, b, 1)).toBe('REBALANCE_IN_PROGRESS');
    const joinA = f.coordinator.joinGroup(joinParams({ memberId: a, clientId: 'a' }));
    await flush();
    expect(joinC.done()).toBe(false);
    const joinB = f.coordinator.joinGroup(joinParams({ memberId: b, clientId: 'b' }));
    const results = await Promise.all([joinA, joinB, joinC.promise]);
    expect(results.map((r) => r.generationId)).toEqual([2, 2, 2]);
    expect(results.map((r) => r.error)).toEqual(['NONE', 'NONE', 'NONE']);
    expect(results[0].members).toHaveLength(3);
    expect(heartbeat(f, a, 1)).toBe('ILLEGAL_GENERATION');
    expect(heartbeat(f, a, 2)).toBe('NONE');
  });

  test('SyncGroup during a rebalance is REBALANCE_IN_PROGRESS; an old generation is ILLEGAL_GENERATION', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const sync = (generationId: number): Promise<{ error: string }> =>
      f.coordinator.syncGroup({
        groupId: 'g',
        generationId,
        memberId: memberIds[1],
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: new Map(),
      });
    expect((await sync(0)).error).toBe('ILLEGAL_GENERATION');
    expect((await sync(1)).error).toBe('NONE');
    void f.coordinator.joinGroup(joinParams({ memberId: memberIds[0], clientId: 'a' }));
    expect((await sync(1)).error).toBe('REBALANCE_IN_PROGRESS');
  });

  test('a leader sync writes the assignment with offsets.commit acks and timeout before answering', async () => {
    const f = await fixture();
    const held = gate();
    f.storage.appendGate = held.promise;
    const a = await memberIdFor(f, 'a');
    const join = f.coordinator.joinGroup(joinParams({ memberId: a, clientId: 'a' }));
    f.clock.advance(0);
    const j = await join;
    const sync = tracked(
      f.coordinator.syncGroup({
        groupId: 'g',
        generationId: j.generationId,
        memberId: a,
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: new Map([[a, Buffer.from('x')]]),
      }),
    );
    await flush();
    expect(sync.done()).toBe(false);
    expect(f.coordinator.describeGroup('g').summary.state).toBe('CompletingRebalance');
    held.open();
    expect((await sync.promise).assignment.toString()).toBe('x');
    expect(f.storage.records(0)).toHaveLength(1);
  });

  test('a failed assignment write answers every member and starts another rebalance', async () => {
    const f = await fixture();
    const a = await memberIdFor(f, 'a');
    const join = f.coordinator.joinGroup(joinParams({ memberId: a, clientId: 'a' }));
    f.clock.advance(0);
    await join;
    f.storage.failures.push('NOT_ENOUGH_REPLICAS');
    const sync = await f.coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: a,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: new Map([[a, Buffer.from('x')]]),
    });
    expect(sync.error).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(f.coordinator.describeGroup('g').summary.state).toBe('PreparingRebalance');
  });
});

describe('the initial rebalance delay (group.initial.rebalance.delay.ms)', () => {
  test('an Empty group waits the delay, again while new members arrive, within the rebalance timeout', async () => {
    const f = await fixture({ initialDelayMs: 3000 });
    const a = await memberIdFor(f, 'a');
    const b = await memberIdFor(f, 'b');
    const joinA = tracked(
      f.coordinator.joinGroup(
        joinParams({ memberId: a, clientId: 'a', rebalanceTimeoutMs: 10_000 }),
      ),
    );
    f.clock.advance(1000);
    const joinB = f.coordinator.joinGroup(joinParams({ memberId: b, clientId: 'b' }));
    f.clock.advance(2000);
    await flush();
    expect(joinA.done()).toBe(false); // a member arrived during the first delay: wait again
    f.clock.advance(2999);
    await flush();
    expect(joinA.done()).toBe(false);
    f.clock.advance(1);
    const [ja, jb] = await Promise.all([joinA.promise, joinB]);
    expect([ja.generationId, jb.generationId]).toEqual([1, 1]);
    expect(ja.members).toHaveLength(2);
  });

  test('never waits past the rebalance timeout while members keep arriving', async () => {
    const f = await fixture({ initialDelayMs: 3000 });
    const ids = [];
    for (const c of ['a', 'b', 'c', 'd', 'e']) ids.push(await memberIdFor(f, c));
    const first = tracked(
      f.coordinator.joinGroup(joinParams({ memberId: ids[0], rebalanceTimeoutMs: 5000 })),
    );
    for (const id of ids.slice(1)) {
      f.clock.advance(1000);
      void f.coordinator.joinGroup(joinParams({ memberId: id, rebalanceTimeoutMs: 5000 }));
    }
    f.clock.advance(1000); // t = 5000: 3000 + min(3000, 2000)
    expect((await first.promise).members).toHaveLength(5);
  });
});

describe('heartbeats and session expiry', () => {
  test('heartbeats keep a member in the group; one that stops is removed after its session timeout', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const [a, b] = memberIds;
    for (let i = 0; i < 3; i++) {
      f.clock.advance(SESSION_MS - 1000);
      expect(heartbeat(f, a, 1)).toBe('NONE');
      expect(heartbeat(f, b, 1)).toBe('NONE');
    }
    expect(f.coordinator.describeGroup('g').summary.state).toBe('Stable');
    for (let i = 0; i < 3; i++) {
      f.clock.advance(SESSION_MS / 2);
      heartbeat(f, a, 1);
    }
    expect(f.coordinator.describeGroup('g').summary.members.map((m) => m.memberId)).toEqual([a]);
    expect(heartbeat(f, a, 1)).toBe('REBALANCE_IN_PROGRESS');
    expect(heartbeat(f, b, 1)).toBe('UNKNOWN_MEMBER_ID');
    const rejoin = await f.coordinator.joinGroup(joinParams({ memberId: a, clientId: 'a' }));
    expect(rejoin).toMatchObject({ error: 'NONE', generationId: 2, leaderId: a });
    expect(rejoin.members).toHaveLength(1);
  });

  test('heartbeats only move a deadline: one timer per member, however many heartbeats', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const timers = f.clock.pendingTimers;
    for (let i = 0; i < 500; i++) {
      f.clock.advance(10);
      for (const id of memberIds) expect(heartbeat(f, id, 1)).toBe('NONE');
    }
    expect(f.clock.pendingTimers).toBe(timers);
  });

  test('a member that does not rejoin within the rebalance timeout is removed; the others go on', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const [a, b] = memberIds;
    const join = tracked(f.coordinator.joinGroup(joinParams({ memberId: a, clientId: 'a' })));
    for (let t = 0; t < REBALANCE_MS - 2000; t += 2000) {
      f.clock.advance(2000);
      expect(heartbeat(f, b, 1)).toBe('REBALANCE_IN_PROGRESS');
    }
    await flush();
    expect(join.done()).toBe(false);
    f.clock.advance(2000);
    const result = await join.promise;
    expect(result).toMatchObject({ error: 'NONE', generationId: 2 });
    expect(result.members.map((m) => m.memberId)).toEqual([a]);
    expect(heartbeat(f, b, 2)).toBe('UNKNOWN_MEMBER_ID');
  });

  test('a pending member (MEMBER_ID_REQUIRED, never joined) holds a rebalance only for its session timeout', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a']);
    await memberIdFor(f, 'late', { sessionTimeoutMs: 5000 });
    const join = tracked(f.coordinator.joinGroup(joinParams({ memberId: memberIds[0] })));
    f.clock.advance(4999);
    await flush();
    expect(join.done()).toBe(false);
    f.clock.advance(1);
    expect(await join.promise).toMatchObject({ error: 'NONE', generationId: 2 });
  });

  test('heartbeat errors: unknown member, old generation, unknown group', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a']);
    expect(heartbeat(f, 'nobody', 1)).toBe('UNKNOWN_MEMBER_ID');
    expect(heartbeat(f, memberIds[0], 7)).toBe('ILLEGAL_GENERATION');
    expect(
      f.coordinator.heartbeat({
        groupId: 'other',
        memberId: 'x',
        generationId: 1,
        groupInstanceId: null,
      }),
    ).toBe('UNKNOWN_MEMBER_ID');
  });
});

describe('leaving', () => {
  test('LeaveGroup removes the member at once and the rest rebalance; the last one leaves the group Empty', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const [a, b] = memberIds;
    const left = f.coordinator.leaveGroup('g', [{ memberId: b, groupInstanceId: null }]);
    expect(left).toEqual({
      error: 'NONE',
      members: [{ memberId: b, groupInstanceId: null, error: 'NONE' }],
    });
    expect(heartbeat(f, a, 1)).toBe('REBALANCE_IN_PROGRESS');
    expect((await f.coordinator.joinGroup(joinParams({ memberId: a }))).generationId).toBe(2);
    f.coordinator.leaveGroup('g', [{ memberId: a, groupInstanceId: null }]);
    f.clock.advance(REBALANCE_MS);
    await flush();
    expect(f.coordinator.describeGroup('g').summary).toMatchObject({ state: 'Empty', members: [] });
    expect(
      f.coordinator.leaveGroup('g', [{ memberId: 'ghost', groupInstanceId: null }]).members[0]
        .error,
    ).toBe('UNKNOWN_MEMBER_ID');
  });
});

describe('static membership (group.instance.id)', () => {
  test('a static member joins without MEMBER_ID_REQUIRED; its restart takes over without a rebalance and fences the old id', async () => {
    const f = await fixture();
    const first = f.coordinator.joinGroup(
      joinParams({ clientId: 'c', groupInstanceId: 'instance-1', requireKnownMemberId: false }),
    );
    f.clock.advance(0);
    const joined = await first;
    expect(joined).toMatchObject({ error: 'NONE', generationId: 1 });
    expect(joined.memberId.startsWith('instance-1-')).toBe(true);
    const old = joined.memberId;
    await f.coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: old,
      groupInstanceId: 'instance-1',
      protocolType: null,
      protocolName: null,
      assignments: new Map([[old, Buffer.from('p0')]]),
    });
    const restart = await f.coordinator.joinGroup(
      joinParams({ clientId: 'c', groupInstanceId: 'instance-1', requireKnownMemberId: false }),
    );
    expect(restart).toMatchObject({ error: 'NONE', generationId: 1, leaderId: old });
    expect(restart.memberId).not.toBe(old);
    const summary = f.coordinator.describeGroup('g').summary;
    expect(summary.state).toBe('Stable');
    expect(summary.members.map((m) => m.memberId)).toEqual([restart.memberId]);
    expect(heartbeat(f, old, 1, 'instance-1')).toBe('FENCED_INSTANCE_ID');
    expect(heartbeat(f, restart.memberId, 1, 'instance-1')).toBe('NONE');
    const sync = await f.coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: restart.memberId,
      groupInstanceId: 'instance-1',
      protocolType: null,
      protocolName: null,
      assignments: new Map(),
    });
    expect(sync.assignment.toString()).toBe('p0');
  });

  test("a duplicate instance's join answers the old member's outstanding JoinGroup FENCED_INSTANCE_ID", async () => {
    const f = await fixture();
    const joinS = f.coordinator.joinGroup(
      joinParams({ groupInstanceId: 'i', requireKnownMemberId: false }),
    );
    const d1 = await memberIdFor(f, 'd1');
    const d2 = await memberIdFor(f, 'd2');
    const joinD1 = f.coordinator.joinGroup(joinParams({ memberId: d1 }));
    const joinD2 = f.coordinator.joinGroup(joinParams({ memberId: d2 }));
    f.clock.advance(0);
    const [s] = await Promise.all([joinS, joinD1, joinD2]);
    expect(s.leaderId).toBe(s.memberId);
    await f.coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: s.memberId,
      groupInstanceId: 'i',
      protocolType: null,
      protocolName: null,
      assignments: new Map(),
    });
    // d1 subscribes to more topics: a rebalance; the static member rejoins and waits for d2.
    void f.coordinator.joinGroup(
      joinParams({ memberId: d1, protocols: protocols(['range'], ['t', 'u']) }),
    );
    const rejoinOld = f.coordinator.joinGroup(
      joinParams({ memberId: s.memberId, groupInstanceId: 'i', requireKnownMemberId: false }),
    );
    const duplicate = f.coordinator.joinGroup(
      joinParams({ groupInstanceId: 'i', requireKnownMemberId: false }),
    );
    expect(await rejoinOld).toMatchObject({ error: 'FENCED_INSTANCE_ID', memberId: s.memberId });
    void f.coordinator.joinGroup(joinParams({ memberId: d2 }));
    const taken = await duplicate;
    expect(taken).toMatchObject({ error: 'NONE', generationId: 2 });
    expect(taken.memberId).not.toBe(s.memberId);
    expect(heartbeat(f, s.memberId, 2, 'i')).toBe('FENCED_INSTANCE_ID');
  });

  test('a static member leaves by its instance id', async () => {
    const f = await fixture();
    const join = f.coordinator.joinGroup(
      joinParams({ groupInstanceId: 'i', requireKnownMemberId: false }),
    );
    f.clock.advance(0);
    await join;
    const left = f.coordinator.leaveGroup('g', [{ memberId: '', groupInstanceId: 'i' }]);
    expect(left.members[0].error).toBe('NONE');
    expect(f.coordinator.describeGroup('g').summary.members).toEqual([]);
  });
});

describe('errors', () => {
  test('session timeouts outside group.min/max.session.timeout.ms are INVALID_SESSION_TIMEOUT', async () => {
    const f = await fixture();
    for (const sessionTimeoutMs of [MIN_SESSION_MS - 1, MAX_SESSION_MS + 1]) {
      expect((await f.coordinator.joinGroup(joinParams({ sessionTimeoutMs }))).error).toBe(
        'INVALID_SESSION_TIMEOUT',
      );
    }
  });

  test('another protocol type, or no protocol in common, is INCONSISTENT_GROUP_PROTOCOL', async () => {
    const f = await fixture();
    await stableGroup(f, ['a']);
    expect((await f.coordinator.joinGroup(joinParams({ protocolType: 'connect' }))).error).toBe(
      'INCONSISTENT_GROUP_PROTOCOL',
    );
    expect(
      (await f.coordinator.joinGroup(joinParams({ protocols: protocols(['roundrobin']) }))).error,
    ).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect((await f.coordinator.joinGroup(joinParams({ protocols: [] }))).error).toBe(
      'INCONSISTENT_GROUP_PROTOCOL',
    );
  });

  test('an unknown member id is UNKNOWN_MEMBER_ID, in an existing group or none', async () => {
    const f = await fixture();
    await stableGroup(f, ['a']);
    expect((await f.coordinator.joinGroup(joinParams({ memberId: 'made-up' }))).error).toBe(
      'UNKNOWN_MEMBER_ID',
    );
    expect(
      (await f.coordinator.joinGroup(joinParams({ groupId: 'new', memberId: 'made-up' }))).error,
    ).toBe('UNKNOWN_MEMBER_ID');
  });

  test('an empty group id is INVALID_GROUP_ID for the membership APIs', async () => {
    const f = await fixture();
    expect((await f.coordinator.joinGroup(joinParams({ groupId: '' }))).error).toBe(
      'INVALID_GROUP_ID',
    );
    expect(
      f.coordinator.heartbeat({
        groupId: '',
        memberId: 'm',
        generationId: 1,
        groupInstanceId: null,
      }),
    ).toBe('INVALID_GROUP_ID');
  });

  test('before startup every request is COORDINATOR_NOT_AVAILABLE', async () => {
    const f = await fixture({ start: false });
    expect((await f.coordinator.joinGroup(joinParams())).error).toBe('COORDINATOR_NOT_AVAILABLE');
    expect(f.coordinator.listGroups([]).error).toBe('COORDINATOR_NOT_AVAILABLE');
  });

  test('a group of a partition not led here is NOT_COORDINATOR', async () => {
    const f = await fixture({ partitionCount: 2 });
    let other = 'x';
    for (let i = 0; partitionForGroup(other, 2) !== 1; i++) other = `x${i}`;
    expect((await f.coordinator.joinGroup(joinParams({ groupId: other }))).error).toBe(
      'NOT_COORDINATOR',
    );
    expect(f.coordinator.fetchOffsets(other, false, undefined).error).toBe('NOT_COORDINATOR');
    expect(await f.coordinator.deleteGroups([other])).toEqual(
      new Map([[other, 'NOT_COORDINATOR']]),
    );
  });

  test('a JoinGroup replaced by a newer one of the same member is answered REBALANCE_IN_PROGRESS', async () => {
    const f = await fixture();
    const { memberIds } = await stableGroup(f, ['a', 'b']);
    const first = f.coordinator.joinGroup(joinParams({ memberId: memberIds[0] }));
    const second = tracked(f.coordinator.joinGroup(joinParams({ memberId: memberIds[0] })));
    expect((await first).error).toBe('REBALANCE_IN_PROGRESS');
    expect(second.done()).toBe(false);
  });
});
