/**
 * Helpers for the client tests: a fake cluster and clients that are stopped after each test, fast
 * retry options, decoding what a fake partition stored, and waiting on a condition with a deadline.
 */
import { Samsa, SamsaConfig } from '../../../client';
import { RetryOptions } from '../../../client/cluster/retry';
import { DecodedRecord, decodeRecordBatch, iterateBatches } from '../../../client/record';
import { FakeCluster, FakeClusterOptions } from '../fake-broker';

export { eventually, deferred } from '../network/helpers';

/** Retries that keep tests fast: 5 retries from 10 ms, capped at 100 ms. */
export const FAST_RETRY: RetryOptions = {
  retries: 5,
  initialRetryTime: 10,
  maxRetryTime: 100,
  factor: 0.2,
  multiplier: 2,
};

interface Disconnectable {
  disconnect(): Promise<void>;
}

const clusters: FakeCluster[] = [];
const clients: Disconnectable[] = [];

/** Registers the afterEach that stops every fake cluster and client of the test. */
export function useFakeClusters(): void {
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.disconnect();
    await Promise.all(clusters.splice(0).map((cluster) => cluster.stop()));
  });
}

export async function startFakeCluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  const cluster = await FakeCluster.start(options);
  clusters.push(cluster);
  return cluster;
}

export function samsaFor(cluster: FakeCluster, config: Partial<SamsaConfig> = {}): Samsa {
  return new Samsa({ clientId: 'test', brokers: cluster.bootstrap, retry: FAST_RETRY, ...config });
}

/** Disconnects `client` after the test. */
export function track<T extends Disconnectable>(client: T): T {
  clients.push(client);
  return client;
}

/** Every record stored in a fake partition, decoded. */
export async function storedRecords(
  cluster: FakeCluster,
  topic: string,
  partition: number,
): Promise<DecodedRecord[]> {
  const log = cluster.log(topic, partition);
  const records: DecodedRecord[] = [];
  for (const location of iterateBatches(log)) {
    const batch = await decodeRecordBatch(
      log.subarray(location.offset, location.offset + location.size),
    );
    records.push(...batch.records);
  }
  return records;
}
