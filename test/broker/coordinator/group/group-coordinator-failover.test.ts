/**
 * Coordinator failover without processes: a second coordinator becomes leader of the same
 * in-memory `__consumer_offsets` partition, loads it, and answers with the first one's groups and
 * offsets; loading, unloading and leader-epoch fencing of elections.
 */
import { encodeRecordBatchSync } from '../../../../client/record/record-batch';
import {
  offsetCommitKey,
  offsetCommitValue,
} from '../../../../broker/coordinator/group/group-records';
import { GroupCoordinator } from '../../../../broker/coordinator/group/group-coordinator';
import { partitionForGroup } from '../../../../broker/coordinator/group/group-partition';
import {
  SESSION_MS,
  fixture,
  joinParams,
  memberIdFor,
  newCoordinator,
  stableGroup,
  tracked,
} from './coordinator-fixture';
import { InMemoryOffsetsTopic, gate } from './in-memory-offsets-topic';
import { ManualClock, flush } from './manual-clock';
import { setLogLevel } from '../../../../client/logging';

// The error paths these tests take log warnings on purpose.
setLogLevel('error');

function offsetBatch(group: string, topic: string, partition: number, offset: number): Buffer {
  return encodeRecordBatchSync([
    {
      key: offsetCommitKey(group, topic, partition),
      value: offsetCommitValue({ offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1 }),
    },
  ]);
}

describe('coordinator failover', () => {
  test("the new leader of the partition loads the old coordinator's groups and offsets", async () => {
    const first = await fixture();
    const { memberIds } = await stableGroup(first, ['a', 'b']);
    const [a, b] = memberIds;
    await first.coordinator.commitOffsets({
      groupId: 'g',
      memberId: a,
      groupInstanceId: null,
      generationId: 1,
      offsets: [
        { topic: 't', partition: 0, offset: 41, leaderEpoch: 3, metadata: 'm' },
        { topic: 't', partition: 1, offset: 7, leaderEpoch: 3, metadata: '' },
      ],
    });
    await first.coordinator.commitOffsets({
      groupId: 'g',
      memberId: b,
      groupInstanceId: null,
      generationId: 1,
      offsets: [{ topic: 't', partition: 1, offset: 8, leaderEpoch: 3, metadata: '' }],
    });
    first.storage.follow(0);
    first.coordinator.onResignation(0, 1);

    const second = await fixture({ storage: first.storage, epoch: 2 });
    expect(second.coordinator.fetchOffsets('g', false, undefined)).toEqual({
      error: 'NONE',
      offsets: [
        { topic: 't', partition: 0, offset: 41, leaderEpoch: 3, metadata: 'm', error: 'NONE' },
        { topic: 't', partition: 1, offset: 8, leaderEpoch: 3, metadata: '', error: 'NONE' },
      ],
    });
    const summary = second.coordinator.describeGroup('g').summary;
    expect(summary).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'range' });
    expect(summary.members.map((m) => m.memberId).sort()).toEqual([a, b].sort());
    expect(summary.members.find((m) => m.memberId === a)?.assignment.toString()).toBe(
      `assigned:${a}`,
    );

    // The loaded members keep their generation and must heartbeat within their session.
    const beat = (): string =>
      second.coordinator.heartbeat({
        groupId: 'g',
        memberId: a,
        generationId: 1,
        groupInstanceId: null,
      });
    second.clock.advance(SESSION_MS * 0.4);
    expect(beat()).toBe('NONE');
    second.clock.advance(SESSION_MS * 0.4);
    expect(beat()).toBe('NONE');
    second.clock.advance(SESSION_MS * 0.4); // b has sent nothing for a whole session: removed
    expect(beat()).toBe('REBALANCE_IN_PROGRESS');
    expect(second.coordinator.describeGroup('g').summary.members.map((m) => m.memberId)).toEqual([
      a,
    ]);
  });

  test('while a partition loads its groups answer COORDINATOR_LOAD_IN_PROGRESS (heartbeats NONE, syncs REBALANCE_IN_PROGRESS)', async () => {
    const storage = new InMemoryOffsetsTopic();
    storage.lead(0);
    storage.write(0, offsetBatch('g', 't', 0, 3));
    const held = gate();
    storage.readGate = held.promise;
    const coordinator = newCoordinator(storage, new ManualClock());
    await coordinator.startup();
    coordinator.onElection(0, 5);
    await flush();
    const join = await coordinator.joinGroup(joinParams());
    expect(join.error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    expect(coordinator.fetchOffsets('g', false, undefined).error).toBe(
      'COORDINATOR_LOAD_IN_PROGRESS',
    );
    expect(
      coordinator.heartbeat({
        groupId: 'g',
        memberId: 'm',
        generationId: 1,
        groupInstanceId: null,
      }),
    ).toBe('NONE');
    const sync = await coordinator.syncGroup({
      groupId: 'g',
      generationId: 1,
      memberId: 'm',
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: new Map(),
    });
    expect(sync.error).toBe('REBALANCE_IN_PROGRESS');
    expect(coordinator.listGroups([]).error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    held.open();
    await flush();
    expect(coordinator.fetchOffsets('g', false, undefined).offsets[0].offset).toBe(3);
    expect(coordinator.listGroups([])).toEqual({
      error: 'NONE',
      groups: [{ groupId: 'g', protocolType: '', state: 'Empty' }],
    });
  });

  test('resigning unloads the groups: waiting joins get NOT_COORDINATOR, and so does every request after', async () => {
    const f = await fixture({ initialDelayMs: 3000 });
    const id = await memberIdFor(f, 'a');
    const waiting = f.coordinator.joinGroup(joinParams({ memberId: id }));
    f.coordinator.onResignation(0, 1);
    expect((await waiting).error).toBe('NOT_COORDINATOR');
    expect(f.coordinator.fetchOffsets('g', false, undefined).error).toBe('NOT_COORDINATOR');
    expect(f.coordinator.listGroups([]).groups).toEqual([]);
    expect(f.clock.pendingTimers).toBe(1); // only the offset expiration task
  });

  test('elections and resignations older than the last leader epoch seen are ignored', async () => {
    const f = await fixture({ epoch: 4 });
    await f.coordinator.commitOffsets({
      groupId: 'g',
      memberId: '',
      groupInstanceId: null,
      generationId: -1,
      offsets: [{ topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '' }],
    });
    f.coordinator.onResignation(0, 3);
    expect(f.coordinator.isCoordinatorFor('g')).toBe(true);
    f.coordinator.onResignation(0, 5);
    expect(f.coordinator.isCoordinatorFor('g')).toBe(false);
    f.coordinator.onElection(0, 5);
    await flush();
    expect(f.coordinator.isCoordinatorFor('g')).toBe(false);
    f.coordinator.onElection(0, 6);
    await flush();
    expect(f.coordinator.fetchOffsets('g', false, undefined).offsets[0].offset).toBe(1);
  });

  test('a load overtaken by a resignation is discarded', async () => {
    const storage = new InMemoryOffsetsTopic();
    storage.lead(0);
    storage.write(0, offsetBatch('g', 't', 0, 3));
    const held = gate();
    storage.readGate = held.promise;
    const coordinator = newCoordinator(storage, new ManualClock());
    await coordinator.startup();
    coordinator.onElection(0, 1);
    await flush();
    coordinator.onResignation(0, 2);
    held.open();
    await flush();
    expect(coordinator.isCoordinatorFor('g')).toBe(false);
    expect(coordinator.listGroups([]).groups).toEqual([]);
  });

  test('the partition count of an existing __consumer_offsets wins over offsets.topic.num.partitions', async () => {
    const storage = new InMemoryOffsetsTopic();
    const clock = new ManualClock();
    const coordinator = new GroupCoordinator({
      brokerId: 1,
      groupConfig: {
        groupMinSessionTimeoutMs: 1,
        groupMaxSessionTimeoutMs: 10,
        groupInitialRebalanceDelayMs: 0,
      },
      offsetConfig: {
        maxMetadataSize: 1,
        loadBufferSize: 1,
        offsetsRetentionMs: 1,
        offsetsRetentionCheckIntervalMs: 1000,
        offsetCommitTimeoutMs: 1,
        offsetCommitRequiredAcks: -1,
      },
      partitionCount: 50,
      storage,
      clock,
      existingPartitionCount: async () => 7,
    });
    expect(coordinator.partitionFor('my-group')).toBe(partitionForGroup('my-group', 50));
    await coordinator.startup();
    expect(coordinator.partitionFor('my-group')).toBe(partitionForGroup('my-group', 7));
    await coordinator.shutdown();
  });

  test('shutdown answers waiting members and cancels every timer', async () => {
    const f = await fixture({ initialDelayMs: 3000 });
    const id = await memberIdFor(f, 'a');
    const waiting = tracked(f.coordinator.joinGroup(joinParams({ memberId: id })));
    await f.coordinator.shutdown();
    expect((await waiting.promise).error).toBe('NOT_COORDINATOR');
    expect(f.clock.pendingTimers).toBe(0);
  });
});
