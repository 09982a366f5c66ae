import net from 'net';
import { Cluster } from '../../../client/cluster/cluster';
import { parseBrokerAddress } from '../../../client/cluster/broker-address';
import { RetriesExhaustedError } from '../../../client/cluster/retry';
import { KafkaError, SamsaError } from '../../../client/errors';
import { ApiKey } from '../../../client/protocol/apis';
import { FAST_RETRY, eventually, startFakeCluster, useFakeClusters } from './helpers';

useFakeClusters();

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.disconnect();
});

function clusterFor(brokers: string[], retries = FAST_RETRY.retries): Cluster {
  const cluster = new Cluster({
    clientId: 'test',
    brokers,
    retry: { ...FAST_RETRY, retries },
  });
  clusters.push(cluster);
  return cluster;
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Cluster bootstrap', () => {
  test('bootstraps from any reachable broker of the list and learns every broker and the controller', async () => {
    const fake = await startFakeCluster({ brokers: 3, controller: 3 });
    const dead = await deadPort();
    const cluster = clusterFor([`127.0.0.1:${dead}`, fake.bootstrap[1]]);
    await cluster.connect();
    expect(cluster.brokers().map((broker) => broker.nodeId)).toEqual([1, 2, 3]);
    expect(cluster.controllerId).toBe(3);
    expect(cluster.clusterId).toBe('fake-cluster-id');
    // the bootstrap connection is closed; brokers are then reached by node id
    expect(fake.requestsOf(ApiKey.Metadata, 2)).toHaveLength(1);
  });

  test('when no seed broker answers, connect fails naming every address tried', async () => {
    const [a, b] = [await deadPort(), await deadPort()];
    const cluster = clusterFor([`127.0.0.1:${a}`, `127.0.0.1:${b}`], 1);
    const error = await cluster.connect().catch((e) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.cause).toBeInstanceOf(KafkaError);
    expect(error.cause.type).toBe('NETWORK_EXCEPTION');
    expect(error.message).toContain(`127.0.0.1:${a}`);
    expect(error.message).toContain(`127.0.0.1:${b}`);
  });

  test('a bad broker address is a clear error', () => {
    expect(() => clusterFor(['localhost'])).toThrow(
      'broker address "localhost" is not of the form host:port',
    );
    expect(() => clusterFor(['h:70000'])).toThrow(
      'broker address "h:70000" has port 70000, not in 1..65535',
    );
    expect(() => clusterFor([])).toThrow('brokers must name at least one');
    expect(parseBrokerAddress('[::1]:9092')).toEqual({ host: '::1', port: 9092 });
  });

  test('brokers may be given by a function, called at bootstrap', async () => {
    const fake = await startFakeCluster();
    let calls = 0;
    const cluster = new Cluster({
      clientId: 'test',
      brokers: async () => {
        calls++;
        return fake.bootstrap;
      },
      retry: FAST_RETRY,
    });
    clusters.push(cluster);
    await cluster.connect();
    expect(calls).toBe(1);
    expect(cluster.brokers()).toHaveLength(1);
  });
});

describe('Cluster connections and metadata', () => {
  test('one connection per broker, reused by every request', async () => {
    const fake = await startFakeCluster({ brokers: 2 });
    const cluster = clusterFor(fake.bootstrap);
    await cluster.connect();
    const first = cluster.connection(1);
    await Promise.all([
      cluster.request(1, ApiKey.Metadata, { topics: [] }),
      cluster.request(1, ApiKey.Metadata, { topics: [] }),
    ]);
    expect(cluster.connection(1)).toBe(first);
    expect(cluster.connection(2)).not.toBe(first);
  });

  test('a closed connection is replaced on the next request (reconnect on close)', async () => {
    const fake = await startFakeCluster();
    const cluster = clusterFor(fake.bootstrap);
    await cluster.connect();
    const first = cluster.connection(1);
    await cluster.request(1, ApiKey.Metadata, { topics: [] });
    first.close();
    await eventually(() => first.state === 'closed', 'the connection is closed');
    await cluster.request(1, ApiKey.Metadata, { topics: [] });
    expect(cluster.connection(1)).not.toBe(first);
  });

  test('a connection failure names the broker', async () => {
    const fake = await startFakeCluster({ brokers: 2 });
    const cluster = clusterFor(fake.bootstrap);
    await cluster.connect();
    await fake.stopBroker(2);
    const error = await cluster.request(2, ApiKey.Metadata, { topics: [] }).catch((e) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({ type: 'NETWORK_EXCEPTION', broker: 2, retriable: true });
    expect(error.message).toContain(`127.0.0.1:${fake.ports.get(2)}`);
  });

  test('an unknown node id is a retriable error naming it', async () => {
    const fake = await startFakeCluster();
    const cluster = clusterFor(fake.bootstrap);
    await cluster.connect();
    expect(() => cluster.connection(9)).toThrow('broker 9 is not in the cluster metadata');
  });

  test('refreshMetadata asks for every target topic; concurrent refreshes share one request', async () => {
    const fake = await startFakeCluster();
    fake.createTopic('a', 2);
    fake.createTopic('b', 1);
    const cluster = clusterFor(fake.bootstrap);
    await cluster.connect();
    cluster.addTargetTopics(['a', 'b']);
    const before = fake.requestsOf(ApiKey.Metadata).length;
    await Promise.all([
      cluster.refreshMetadata(),
      cluster.refreshMetadata(),
      cluster.refreshMetadata(),
    ]);
    const requests = fake.requestsOf(ApiKey.Metadata).slice(before);
    expect(requests).toHaveLength(1);
    expect(requests[0].topics.map((t) => t.name)).toEqual(['a', 'b']);
    expect(cluster.leaderFor('a', 1)).toBe(1);
    expect(cluster.topic('a')?.partitions).toHaveLength(2);
  });

  test('a refresh asked during another one for a new topic waits for a second request', async () => {
    const fake = await startFakeCluster();
    fake.createTopic('a', 1);
    fake.createTopic('b', 1);
    const cluster = clusterFor(fake.bootstrap);
    await cluster.connect();
    cluster.addTargetTopics(['a']);
    const first = cluster.refreshMetadata();
    cluster.addTargetTopics(['b']);
    await Promise.all([first, cluster.refreshMetadata()]);
    expect(cluster.topic('b')).toBeDefined();
  });

  test('ensureTopics waits while the topic is being created, then fails for good on a fatal error', async () => {
    const fake = await startFakeCluster();
    let pending = 2;
    fake.intercept(ApiKey.Metadata, (_broker, request) => {
      if (!request.topics.some((t) => t.name === 'soon')) return undefined;
      if (pending-- > 0) {
        return { brokers: [], controllerId: 1, topics: [{ name: 'soon', errorCode: 5 }] };
      }
      fake.createTopic('soon', 1);
      return undefined;
    });
    const cluster = clusterFor(fake.bootstrap);
    await cluster.connect();
    await cluster.ensureTopics(['soon']);
    expect(cluster.topic('soon')?.partitions).toHaveLength(1);

    fake.intercept(ApiKey.Metadata, (_broker, request) =>
      request.topics.some((t) => t.name === 'bad!')
        ? { brokers: [], controllerId: 1, topics: [{ name: 'bad!', errorCode: 17 }] }
        : undefined,
    );
    await expect(cluster.ensureTopics(['bad!'])).rejects.toMatchObject({
      type: 'INVALID_TOPIC_EXCEPTION',
      topic: 'bad!',
    });
  });

  test('clientId and brokers are checked', () => {
    expect(() => new Cluster({ clientId: '', brokers: ['a:1'] })).toThrow(SamsaError);
  });
});
