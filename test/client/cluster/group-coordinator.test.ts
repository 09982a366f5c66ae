/**
 * GroupCoordinators (client/cluster/group-coordinator.ts) against fake brokers that serve the group
 * APIs: the coordinator is looked up once and remembered, COORDINATOR_NOT_AVAILABLE is retried,
 * NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE answers and a lost connection make it look the
 * coordinator up again, COORDINATOR_LOAD_IN_PROGRESS is retried, and other errors are left to the
 * caller.
 */
import { Cluster } from '../../../client/cluster/cluster';
import { GroupCoordinators } from '../../../client/cluster/group-coordinator';
import { RetriesExhaustedError } from '../../../client/cluster/retry';
import { KafkaError } from '../../../client/errors';
import { ApiKey } from '../../../client/protocol/apis';
import { errorByName } from '../../../client/protocol/error-codes';
import { FakeGroupCoordinator } from '../consumer/fake-group-coordinator';
import type { FakeCluster } from '../fake-broker';
import { FAST_RETRY, startFakeCluster, track, useFakeClusters } from './helpers';

useFakeClusters();

const coordinatorsUsed: FakeGroupCoordinator[] = [];
afterEach(() => {
  for (const coordinator of coordinatorsUsed.splice(0)) coordinator.stop();
});

async function setUp(brokers = 2): Promise<{
  cluster: FakeCluster;
  fake: FakeGroupCoordinator;
  client: Cluster;
  groups: GroupCoordinators;
}> {
  const cluster = await startFakeCluster({ brokers });
  const fake = FakeGroupCoordinator.attach(cluster);
  coordinatorsUsed.push(fake);
  const client = track(
    new Cluster({ clientId: 'gc-test', brokers: cluster.bootstrap, retry: FAST_RETRY }),
  );
  await client.connect();
  return { cluster, fake, client, groups: new GroupCoordinators(client) };
}

/** A heartbeat that the fake answers (UNKNOWN_MEMBER_ID: no such member). */
function heartbeat(groups: GroupCoordinators, groupId = 'g') {
  return groups.request(
    groupId,
    ApiKey.Heartbeat,
    { groupId, generationId: 1, memberId: 'nobody', groupInstanceId: null },
    (response) => response.errorCode,
  );
}

describe('GroupCoordinators', () => {
  test('finds the coordinator with FindCoordinator (key type 0) and remembers it per group', async () => {
    const { fake, groups } = await setUp();
    fake.coordinatorId = 2;
    expect(await groups.find('g')).toBe(2);
    expect(await groups.find('g')).toBe(2);
    expect(fake.requestsOf(ApiKey.FindCoordinator)).toEqual([
      expect.objectContaining({ key: 'g', keyType: 0 }),
    ]);
    await groups.find('other');
    expect(fake.requestsOf(ApiKey.FindCoordinator)).toHaveLength(2);
  });

  test('retries COORDINATOR_NOT_AVAILABLE until the coordinator is there', async () => {
    const { fake, groups } = await setUp();
    fake.available = false;
    setTimeout(() => {
      fake.available = true;
    }, 60);
    expect(await groups.find('g')).toBe(1);
    expect(fake.requestsOf(ApiKey.FindCoordinator).length).toBeGreaterThan(1);
  });

  test('gives up with the last error once the retries run out', async () => {
    const { fake, groups } = await setUp();
    fake.available = false;
    const failure = await groups.find('g').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetriesExhaustedError);
    expect((failure as Error).message).toMatch(/COORDINATOR_NOT_AVAILABLE.*group g/);
  });

  test('a NOT_COORDINATOR answer makes it look the coordinator up again and resend', async () => {
    const { fake, groups } = await setUp();
    fake.coordinatorId = 1;
    await groups.find('g');
    fake.coordinatorId = 2;
    const { coordinator, response } = await heartbeat(groups);
    expect(coordinator).toBe(2);
    expect(response.errorCode).toBe(errorByName('UNKNOWN_MEMBER_ID').code);
    const sentTo = fake.requests
      .filter((request) => request.apiKey === ApiKey.Heartbeat)
      .map((request) => request.broker);
    expect(sentTo).toEqual([1, 2]);
    expect(fake.requestsOf(ApiKey.FindCoordinator)).toHaveLength(2);
  });

  test('a lost connection to the coordinator makes it look the coordinator up again', async () => {
    const { cluster, fake, groups } = await setUp();
    fake.coordinatorId = 2;
    await heartbeat(groups);
    await cluster.stopBroker(2);
    fake.coordinatorId = 1;
    const { coordinator } = await heartbeat(groups);
    expect(coordinator).toBe(1);
  });

  test('COORDINATOR_LOAD_IN_PROGRESS is retried at the same coordinator', async () => {
    const { fake, groups } = await setUp();
    let loading = 2;
    fake.intercept(ApiKey.Heartbeat, () =>
      loading-- > 0 ? { errorCode: errorByName('COORDINATOR_LOAD_IN_PROGRESS').code } : undefined,
    );
    const { response } = await heartbeat(groups);
    expect(response.errorCode).toBe(errorByName('UNKNOWN_MEMBER_ID').code);
    expect(fake.requestsOf(ApiKey.Heartbeat)).toHaveLength(3);
    expect(fake.requestsOf(ApiKey.FindCoordinator)).toHaveLength(1);
  });

  test('other errors are the caller’s: the response comes back as it is', async () => {
    const { fake, groups } = await setUp();
    fake.intercept(ApiKey.Heartbeat, () => ({
      errorCode: errorByName('REBALANCE_IN_PROGRESS').code,
    }));
    const { response } = await heartbeat(groups);
    expect(response.errorCode).toBe(errorByName('REBALANCE_IN_PROGRESS').code);
    expect(fake.requestsOf(ApiKey.Heartbeat)).toHaveLength(1);
  });

  test('a coordinator missing from the metadata is learnt with a metadata refresh', async () => {
    const cluster = await startFakeCluster({ brokers: 2 });
    await cluster.stopBroker(2);
    const fake = FakeGroupCoordinator.attach(cluster);
    coordinatorsUsed.push(fake);
    const client = track(
      new Cluster({
        clientId: 'gc-test',
        brokers: cluster.bootstrap.slice(0, 1),
        retry: FAST_RETRY,
      }),
    );
    await client.connect();
    expect(client.broker(2)).toBeUndefined();
    await fake.restartBroker(2);
    fake.coordinatorId = 2;
    const groups = new GroupCoordinators(client);
    expect(await groups.find('g')).toBe(2);
    expect(client.broker(2)).toBeDefined();
    const { coordinator } = await heartbeat(groups);
    expect(coordinator).toBe(2);
  });

  test('a FindCoordinator error that is not retriable fails at once, naming the group', async () => {
    const { fake, groups } = await setUp();
    fake.intercept(ApiKey.FindCoordinator, () => ({
      errorCode: errorByName('GROUP_AUTHORIZATION_FAILED').code,
      errorMessage: 'not allowed',
      nodeId: -1,
    }));
    const failure = await groups.find('g').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KafkaError);
    expect((failure as KafkaError).message).toBe(
      'GROUP_AUTHORIZATION_FAILED: not allowed (group g)',
    );
    expect(fake.requestsOf(ApiKey.FindCoordinator)).toHaveLength(1);
  });
});
