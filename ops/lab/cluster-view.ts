/**
 * What ZooKeeper says about the cluster, as `samsa lab status` shows it: the registered brokers
 * (children of `/brokers/ids`), the controller (`/controller`) and its epoch (`/controller_epoch`),
 * and every topic's partitions with their replicas (`/brokers/topics/<t>`), leader and ISR
 * (`/brokers/topics/<t>/partitions/<p>/state`), plus topics marked for deletion
 * (`/admin/delete_topics`). Every znode is read through its zk-schema/znodes codec.
 *
 * A partition's health, as the status table marks it:
 *   offline           no leader (-1), or its leader is not a registered broker: nobody serves it;
 *   under-replicated  it has a live leader, but its ISR is smaller than its replica list;
 *   no-state          the assignment exists but the controller has not written a state yet;
 *   ok                a live leader and every replica in sync.
 * Each partition gets exactly one of these, so the counts add up to the partition count.
 *
 * The reads are not one snapshot: a znode that disappears between listing and reading (a broker
 * that just died, a topic being deleted) is treated as absent.
 */
import { ZkClient, ZkError } from '../../zk-schema/client';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import * as controllerZnode from '../../zk-schema/znodes/controller';
import * as controllerEpochZnode from '../../zk-schema/znodes/controller-epoch';
import * as deleteTopics from '../../zk-schema/znodes/delete-topics';
import * as partitionStateZnode from '../../zk-schema/znodes/partition-state';
import type { PartitionState } from '../../zk-schema/znodes/partition-state';
import * as topicAssignment from '../../zk-schema/znodes/topic-assignment';

export type PartitionHealth = 'ok' | 'under-replicated' | 'offline' | 'no-state';

export interface PartitionView {
  partition: number;
  /** The assigned replicas, preferred leader first. */
  replicas: number[];
  /** Leader and ISR, or null before the controller has written them. */
  state: PartitionState | null;
}

export interface TopicView {
  name: string;
  /** Internal topics: `__consumer_offsets`, `__transaction_state`. */
  internal: boolean;
  markedForDeletion: boolean;
  partitions: PartitionView[];
}

export interface ClusterView {
  /** Ids of the brokers with a `/brokers/ids/<id>` znode, ascending. */
  registeredBrokers: number[];
  /** The broker named by `/controller`, or null when there is none. */
  controllerId: number | null;
  /** `/controller_epoch`, or null before the first election. */
  controllerEpoch: number | null;
  /** Topics by name. */
  topics: TopicView[];
}

export const INTERNAL_TOPICS: readonly string[] = ['__consumer_offsets', '__transaction_state'];

/** Runs a read; NO_NODE (the znode is absent or just went away) gives undefined. */
async function absentAsUndefined<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ZkError && error.code === 'NO_NODE') return undefined;
    throw error;
  }
}

async function children(zk: ZkClient, path: string): Promise<string[]> {
  return (await absentAsUndefined(() => zk.getChildren(path)))?.children ?? [];
}

async function data(zk: ZkClient, path: string): Promise<Buffer | undefined> {
  const node = await absentAsUndefined(() => zk.getData(path));
  return node?.data ?? undefined;
}

/** Ids of the registered brokers, ascending. */
export async function registeredBrokers(zk: ZkClient): Promise<number[]> {
  const names = await children(zk, brokerRegistration.idsPath());
  return names.map((n) => brokerRegistration.parseChildName(n)).sort((a, b) => a - b);
}

/** The controller's broker id, or null when `/controller` does not exist. */
export async function controllerId(zk: ZkClient): Promise<number | null> {
  const bytes = await data(zk, controllerZnode.path());
  return bytes === undefined ? null : controllerZnode.decode(bytes).brokerId;
}

/** `/controller_epoch`, or null when it does not exist yet. */
export async function controllerEpoch(zk: ZkClient): Promise<number | null> {
  const bytes = await data(zk, controllerEpochZnode.path());
  return bytes === undefined ? null : controllerEpochZnode.decode(bytes);
}

async function readPartition(
  zk: ZkClient,
  topic: string,
  partition: number,
  replicas: number[],
): Promise<PartitionView> {
  const path = partitionStateZnode.path(topic, partition);
  const bytes = await data(zk, path);
  const state = bytes === undefined ? null : partitionStateZnode.decode(bytes, path);
  return { partition, replicas, state };
}

async function readTopic(
  zk: ZkClient,
  name: string,
  markedForDeletion: boolean,
): Promise<TopicView | undefined> {
  const path = topicAssignment.path(name);
  const bytes = await data(zk, path);
  if (bytes === undefined) return undefined;
  const assignment = topicAssignment.decode(bytes, path);
  const partitions = await Promise.all(
    [...assignment.partitions.entries()]
      .sort(([a], [b]) => a - b)
      .map(([p, a]) => readPartition(zk, name, p, a.replicas)),
  );
  return { name, internal: INTERNAL_TOPICS.includes(name), markedForDeletion, partitions };
}

/** Reads everything the status shows (see the module comment). */
export async function readClusterView(zk: ZkClient): Promise<ClusterView> {
  const [registered, controller, epoch, topicNames, deleting] = await Promise.all([
    registeredBrokers(zk),
    controllerId(zk),
    controllerEpoch(zk),
    children(zk, topicAssignment.topicsPath()),
    children(zk, deleteTopics.deleteTopicsPath()),
  ]);
  const marked = new Set(deleting.map((n) => deleteTopics.parseChildName(n)));
  const topics = await Promise.all(
    topicNames
      .map((n) => topicAssignment.parseChildName(n))
      .sort()
      .map((name) => readTopic(zk, name, marked.has(name))),
  );
  return {
    registeredBrokers: registered,
    controllerId: controller,
    controllerEpoch: epoch,
    topics: topics.filter((t): t is TopicView => t !== undefined),
  };
}

/** A partition's health (see the module comment), given the registered brokers. */
export function partitionHealth(
  partition: PartitionView,
  registered: readonly number[],
): PartitionHealth {
  const { state } = partition;
  if (state === null) return 'no-state';
  if (state.leader === partitionStateZnode.NO_LEADER || !registered.includes(state.leader)) {
    return 'offline';
  }
  return state.isr.length < partition.replicas.length ? 'under-replicated' : 'ok';
}

export type HealthCounts = Record<PartitionHealth, number>;

/** How many partitions of `topics` are in each health. */
export function healthCounts(
  topics: readonly TopicView[],
  registered: readonly number[],
): HealthCounts {
  const counts: HealthCounts = { ok: 0, 'under-replicated': 0, offline: 0, 'no-state': 0 };
  for (const topic of topics) {
    for (const partition of topic.partitions) counts[partitionHealth(partition, registered)]++;
  }
  return counts;
}

/** The partitions whose leader is `brokerId`, as `topic-partition` names. */
export function partitionsLedBy(view: ClusterView, brokerId: number): string[] {
  return view.topics.flatMap((t) =>
    t.partitions.filter((p) => p.state?.leader === brokerId).map((p) => `${t.name}-${p.partition}`),
  );
}
