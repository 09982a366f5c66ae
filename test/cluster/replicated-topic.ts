/**
 * A replicated topic on a TestCluster (3 partitions, RF 3) and its partition states as the
 * controller and leaders write them in ZooKeeper, for the cluster and fault tests.
 */
import { Samsa } from '../../client';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import { waitFor } from '../harness';
import type { TestCluster } from './cluster-harness';

export const PARTITIONS = 3;

/** Creates `topic` (3 partitions, RF 3, with `configs`) and waits for full ISRs. */
export async function createReplicatedTopic(
  cluster: TestCluster,
  topic: string,
  configs: Record<string, string> = {},
): Promise<void> {
  const admin = new Samsa({ clientId: 'test-admin', brokers: cluster.bootstrapServers() }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        {
          topic,
          numPartitions: PARTITIONS,
          replicationFactor: 3,
          configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
        },
      ],
      timeout: 20000,
    });
  } finally {
    await admin.disconnect();
  }
  await waitForIsr(cluster, topic, (isr) => isr.length === 3, 'full ISRs');
}

/** Every partition's state in ZooKeeper. */
export async function partitionStates(
  cluster: TestCluster,
  topic: string,
): Promise<partitionState.PartitionState[]> {
  return Promise.all(
    [...Array(PARTITIONS).keys()].map(async (p) => {
      const { data } = await cluster.zk.getData(partitionState.path(topic, p));
      return partitionState.decode(data ?? Buffer.alloc(0));
    }),
  );
}

/** Waits until the ISR of every partition satisfies `accept`. */
export async function waitForIsr(
  cluster: TestCluster,
  topic: string,
  accept: (isr: readonly number[], state: partitionState.PartitionState) => boolean,
  what: string,
  timeoutMs = 30000,
): Promise<partitionState.PartitionState[]> {
  try {
    return await waitFor(
      async () => {
        const all = await partitionStates(cluster, topic);
        return all.every((s) => accept(s.isr, s)) ? all : null;
      },
      { timeoutMs, what },
    );
  } catch (error) {
    const now = await partitionStates(cluster, topic);
    throw new Error(
      `${(error as Error).message}; states: ${JSON.stringify(now)}\n${cluster.describeBrokers()}`,
    );
  }
}
