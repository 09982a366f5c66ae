/**
 * The lab's ZooKeeper, as the lab commands reach it: the ensemble's nodes and their modes (through
 * the launcher, whose record is `<dir>/zookeeper/ensemble.json`), and short ZooKeeper sessions to
 * read what the cluster looks like (cluster-view.ts) or to wait on a registration.
 */
import { ZkClient } from '../../zk-schema/client';
import { ensembleStatus, NodeStatus, readState as readEnsembleState } from '../zookeeper';
import { ClusterView, readClusterView } from './cluster-view';
import { LAB_SESSION_TIMEOUT_MS } from './server-properties';
import { zookeeperDir } from './settings';

const ZK_CONNECT_TIMEOUT_MS = 8000;

/** Runs `use` with a ZooKeeper session to `connect` (the brokers' connect string), then closes it. */
export async function withLabZk<T>(connect: string, use: (zk: ZkClient) => Promise<T>): Promise<T> {
  const zk = await ZkClient.connect(connect, {
    sessionTimeoutMs: LAB_SESSION_TIMEOUT_MS,
    connectTimeoutMs: ZK_CONNECT_TIMEOUT_MS,
    name: 'lab',
  });
  try {
    return await use(zk);
  } finally {
    await zk.close();
  }
}

/** Whether a node answers requests (leader, follower, observer or standalone). */
export function isServing(node: NodeStatus): boolean {
  return ['leader', 'follower', 'observer', 'standalone'].includes(node.mode);
}

/**
 * What ZooKeeper says, or why it cannot be read: a lab whose ensemble has no serving node is not
 * asked at all (a connection attempt would only time out).
 */
export async function clusterViewOrError(
  connect: string,
  nodes: NodeStatus[],
): Promise<ClusterView | { error: string }> {
  if (!nodes.some(isServing)) return { error: 'no ZooKeeper node is serving' };
  try {
    return await withLabZk(connect, readClusterView);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** The lab ensemble's nodes and modes; none before the ensemble was first started. */
export async function ensembleNodes(labDir: string): Promise<NodeStatus[]> {
  if ((await readEnsembleState(zookeeperDir(labDir))) === undefined) return [];
  return (await ensembleStatus(zookeeperDir(labDir))).nodes;
}
