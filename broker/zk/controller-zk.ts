/**
 * The controller's ZooKeeper access (Kafka: the controller half of `KafkaZkClient`): the election
 * multi, the `/controller_epoch` fence around every controller write, and the reads and writes of
 * brokers, topics, partition states and notifications the controller makes. Every znode goes
 * through its zk-schema codec; the ZkClient is taken from `zk()` on every call, because the broker
 * replaces it when its session expires.
 *
 * Fencing (KAFKA-6082): every write here is one multi whose first op is
 * `check /controller_epoch <epochZkVersion>`, the zkVersion this controller got when elected. A
 * deposed controller fails that check (BAD_VERSION) and gets `ControllerMovedError`; nothing it
 * asked for is applied. Reads are never fenced.
 *
 * Election (`registerControllerAndIncrementControllerEpoch`, Kafka 2.1+): read `/controller_epoch`
 * (create it as 0 when missing), then one multi creates the ephemeral `/controller` and sets the
 * epoch to +1 at the zkVersion just read. Either both happen or neither: two brokers can never both
 * believe they won.
 *
 * Admin requests through ZooKeeper: `/admin/reassign_partitions` and
 * `/admin/preferred_replica_election` are read with an exists-watch (it fires when they are
 * created); the controller rewrites or deletes them, fenced, as it handles them. A reassignment
 * step rewrites one partition's entry of `/brokers/topics/<t>` (read, modify, conditional set on
 * the topic znode's version, fenced), keeping the other partitions and the topic id as they are.
 */
import { logger } from '../../client/logging';
import { Op, ZkClient, ZkError, ZkOp, ZkOpResult, ZkStat, ZkWatcher } from '../../zk-schema/client';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import * as configChange from '../../zk-schema/znodes/config-change';
import * as controllerZnode from '../../zk-schema/znodes/controller';
import * as controllerEpochZnode from '../../zk-schema/znodes/controller-epoch';
import * as deleteTopics from '../../zk-schema/znodes/delete-topics';
import * as entityConfig from '../../zk-schema/znodes/entity-config';
import * as isrChange from '../../zk-schema/znodes/isr-change-notification';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import * as preferredReplicaElection from '../../zk-schema/znodes/preferred-replica-election';
import * as reassignPartitions from '../../zk-schema/znodes/reassign-partitions';
import { bySequence, childPath as sequentialChildPath } from '../../zk-schema/znodes/sequential';
import * as topicAssignment from '../../zk-schema/znodes/topic-assignment';
import { ControllerMovedError, StateChangeFailedError } from '../controller/controller-errors';
import { LeaderAndIsr, LeaderIsrAndControllerEpoch } from '../controller/leader-and-isr';
import { TopicPartition, TpMap, tpString } from '../controller/topic-partition';

const log = logger('ControllerZk');

/** A live broker as its registration znode shows it. */
export interface BrokerAndEpoch {
  readonly id: number;
  readonly registration: brokerRegistration.BrokerRegistration;
  /** The czxid of `/brokers/ids/<id>` (KIP-380 broker epoch). */
  readonly epoch: number;
}

/** The outcome of one conditional partition-state write. */
export type UpdateLeaderAndIsrOutcome =
  { ok: true; leaderAndIsr: LeaderAndIsr } | { ok: false; error: Error };

export interface UpdateLeaderAndIsrResult {
  /** Partitions written (with their new zkVersion) or failed for good. */
  readonly finished: TpMap<UpdateLeaderAndIsrOutcome>;
  /** Partitions whose zkVersion moved under us (BAD_VERSION): re-read and try again. */
  readonly retry: TopicPartition[];
}

/** A partition and its target replicas, as `/admin/reassign_partitions` lists them. */
export type ZkPartitionReassignment = reassignPartitions.PartitionReassignment;

/** Conflicting writes of a topic's assignment tolerated before giving up. */
const MAX_ASSIGNMENT_WRITE_ATTEMPTS = 10;

/** A config-change notification child: its name and sequence number. */
export interface SequencedChild {
  readonly name: string;
  readonly sequence: number;
}

/** The broker epoch (czxid) as a number; czxids stay far below 2^53 in practice. */
export function brokerEpochOf(stat: ZkStat): number {
  const epoch = Number(stat.czxid);
  if (!Number.isSafeInteger(epoch)) {
    throw new RangeError(`czxid ${stat.czxid} does not fit a broker epoch`);
  }
  return epoch;
}

function isZkError(error: unknown, ...codes: string[]): error is ZkError {
  return error instanceof ZkError && (codes.length === 0 || codes.includes(error.code));
}

export class ControllerZk {
  constructor(private readonly zk: () => ZkClient) {}

  // ---- election --------------------------------------------------------------------------------

  /**
   * The controller's broker id, or -1 when there is none. With `watcher`, arms an exists-watch on
   * `/controller`: it fires when the node is created, changed or deleted.
   */
  async getControllerId(watcher?: ZkWatcher): Promise<number> {
    const zk = this.zk();
    const stat = await zk.exists(controllerZnode.path(), watcher);
    if (stat === null) return -1;
    try {
      const { data } = await zk.getData(controllerZnode.path());
      return data === null ? -1 : controllerZnode.decode(data).brokerId;
    } catch (error) {
      if (isZkError(error, 'NO_NODE')) return -1;
      throw error;
    }
  }

  /** `/controller_epoch` and its zkVersion, or null when it does not exist. */
  async getControllerEpoch(): Promise<{ epoch: number; zkVersion: number } | null> {
    try {
      const { data, stat } = await this.zk().getData(controllerEpochZnode.path());
      return {
        epoch: controllerEpochZnode.decode(data ?? Buffer.alloc(0)),
        zkVersion: stat.version,
      };
    } catch (error) {
      if (isZkError(error, 'NO_NODE')) return null;
      throw error;
    }
  }

  /**
   * Tries to become controller: one multi creating `/controller` (ephemeral, this session) and
   * setting `/controller_epoch` to epoch + 1 at the zkVersion just read. Resolves to the new epoch
   * and epoch zkVersion; rejects with ControllerMovedError when another broker won.
   */
  async registerControllerAndIncrementControllerEpoch(
    brokerId: number,
  ): Promise<{ epoch: number; epochZkVersion: number }> {
    const zk = this.zk();
    let current = await this.getControllerEpoch();
    if (current === null) {
      try {
        await zk.create(
          controllerEpochZnode.path(),
          controllerEpochZnode.encode(controllerEpochZnode.INITIAL_CONTROLLER_EPOCH),
        );
      } catch (error) {
        if (!isZkError(error, 'NODE_EXISTS')) throw error;
      }
      current = await this.getControllerEpoch();
      if (current === null) {
        throw new ControllerMovedError('/controller_epoch vanished while electing the controller');
      }
    }
    const newEpoch = current.epoch + 1;
    try {
      const results = await zk.multi([
        Op.create(
          controllerZnode.path(),
          controllerZnode.encode({ brokerId, timestamp: Date.now() }),
          { mode: 'ephemeral' },
        ),
        Op.setData(
          controllerEpochZnode.path(),
          controllerEpochZnode.encode(newEpoch),
          current.zkVersion,
        ),
      ]);
      const set = results[1];
      if (set.type !== 'setData') throw new ZkError('MARSHALLING_ERROR', { detail: 'no stat' });
      return { epoch: newEpoch, epochZkVersion: set.stat.version };
    } catch (error) {
      const lost = isZkError(error) && error.outcomeUnknown;
      if (!isZkError(error, 'NODE_EXISTS', 'BAD_VERSION') && !lost) throw error;
      // The multi may have succeeded with its reply lost: check whether we hold both.
      const [controllerId, epoch] = await Promise.all([
        this.getControllerId(),
        this.getControllerEpoch(),
      ]);
      if (controllerId === brokerId && epoch !== null && epoch.epoch === newEpoch) {
        return { epoch: newEpoch, epochZkVersion: epoch.zkVersion };
      }
      throw new ControllerMovedError(
        `Broker ${brokerId} lost the controller election (controller ${controllerId}, ` +
          `epoch ${epoch?.epoch ?? 'none'})`,
        error,
      );
    }
  }

  /**
   * Deletes `/controller` if the current session owns it (a node this session created before it
   * resigned). Resolves to true when it did.
   */
  async deleteControllerIfOwnedByCurrentSession(): Promise<boolean> {
    const zk = this.zk();
    const stat = await zk.exists(controllerZnode.path());
    if (stat === null || stat.ephemeralOwner === null || stat.ephemeralOwner !== zk.sessionId) {
      return false;
    }
    try {
      await zk.delete(controllerZnode.path(), stat.version);
      return true;
    } catch (error) {
      if (isZkError(error, 'NO_NODE', 'BAD_VERSION')) return false;
      throw error;
    }
  }

  /** Deletes `/controller` (fenced): a forced controller move. */
  async deleteController(epochZkVersion: number): Promise<void> {
    try {
      await this.wrapWithControllerEpochCheck([Op.delete(controllerZnode.path())], epochZkVersion);
    } catch (error) {
      if (!isZkError(error, 'NO_NODE')) throw error;
    }
  }

  /**
   * Runs `ops` in one multi after `check /controller_epoch epochZkVersion`. A failed check is a
   * ControllerMovedError; any other failure is the ZkError of the failing op, with `opIndex`
   * counted in `ops` (the check not included). Resolves to the results of `ops`.
   */
  async wrapWithControllerEpochCheck(
    ops: readonly ZkOp[],
    epochZkVersion: number,
  ): Promise<ZkOpResult[]> {
    try {
      const results = await this.zk().multi([
        Op.check(controllerEpochZnode.path(), epochZkVersion),
        ...ops,
      ]);
      return results.slice(1);
    } catch (error) {
      if (!(error instanceof ZkError)) throw error;
      if (error.opIndex === 0 && (error.code === 'BAD_VERSION' || error.code === 'NO_NODE')) {
        throw new ControllerMovedError(
          `Controller epoch zkVersion ${epochZkVersion} is no longer current: the controller moved`,
          error,
        );
      }
      if (error.opIndex === undefined) throw error;
      throw new ZkError(error.code, {
        path: error.path,
        opIndex: error.opIndex - 1,
        detail: error.detail,
        outcomeUnknown: error.outcomeUnknown,
        cause: error,
      });
    }
  }

  // ---- brokers ---------------------------------------------------------------------------------

  /** Every registered broker with its registration and epoch; `watcher` on the children. */
  async getAllBrokersAndEpochs(
    watcher?: ZkWatcher,
    dataWatcher?: (brokerId: number) => ZkWatcher | undefined,
  ): Promise<Map<number, BrokerAndEpoch>> {
    const { children } = await this.zk().getChildren(brokerRegistration.idsPath(), watcher);
    const ids: number[] = [];
    for (const child of children) {
      try {
        ids.push(brokerRegistration.parseChildName(child));
      } catch (error) {
        log.warn(`Ignoring ${brokerRegistration.idsPath()}/${child}: ${String(error)}`);
      }
    }
    const brokers = await Promise.all(ids.map((id) => this.getBroker(id, dataWatcher?.(id))));
    const result = new Map<number, BrokerAndEpoch>();
    for (const broker of brokers) if (broker !== null) result.set(broker.id, broker);
    return result;
  }

  /** One broker's registration, or null when it is not registered (or unreadable). */
  async getBroker(brokerId: number, watcher?: ZkWatcher): Promise<BrokerAndEpoch | null> {
    const path = brokerRegistration.path(brokerId);
    try {
      const { data, stat } = await this.zk().getData(path, watcher);
      const registration = brokerRegistration.decode(data ?? Buffer.alloc(0), path);
      return { id: brokerId, registration, epoch: brokerEpochOf(stat) };
    } catch (error) {
      if (isZkError(error, 'NO_NODE')) return null;
      if (error instanceof ZkError) throw error;
      log.error(`Ignoring broker ${brokerId}: unreadable registration: ${String(error)}`);
      return null;
    }
  }

  // ---- topics ----------------------------------------------------------------------------------

  /** The topics under `/brokers/topics`; `watcher` on the children. */
  async getAllTopics(watcher?: ZkWatcher): Promise<Set<string>> {
    const { children } = await this.zk().getChildren(topicAssignment.topicsPath(), watcher);
    const topics = new Set<string>();
    for (const child of children) {
      try {
        topics.add(topicAssignment.parseChildName(child));
      } catch (error) {
        log.warn(`Ignoring ${topicAssignment.topicsPath()}/${child}: ${String(error)}`);
      }
    }
    return topics;
  }

  /**
   * A topic's assignment, or null when the topic znode is gone; `watcher` on its data. An
   * assignment that cannot be decoded is logged and read as no partitions: the watch stays set, so
   * a corrected assignment is picked up as added partitions.
   */
  async getTopicAssignment(
    topic: string,
    watcher?: ZkWatcher,
  ): Promise<topicAssignment.TopicAssignment | null> {
    const path = topicAssignment.path(topic);
    let data: Buffer | null;
    try {
      data = (await this.zk().getData(path, watcher)).data;
    } catch (error) {
      if (isZkError(error, 'NO_NODE')) return null;
      throw error;
    }
    try {
      return topicAssignment.decode(data ?? Buffer.alloc(0), path);
    } catch (error) {
      log.error(`Ignoring the unreadable assignment of topic ${topic}: ${String(error)}`);
      return { partitions: new Map() };
    }
  }

  /** Rewrites a topic's assignment (fenced, any data version). */
  async setTopicAssignment(
    topic: string,
    assignment: topicAssignment.TopicAssignment,
    epochZkVersion: number,
  ): Promise<void> {
    await this.wrapWithControllerEpochCheck(
      [Op.setData(topicAssignment.path(topic), topicAssignment.encode(assignment), -1)],
      epochZkVersion,
    );
  }

  /**
   * Sets one partition's full assignment (replicas, adding, removing) in `/brokers/topics/<t>`:
   * read, modify, then a fenced set conditional on the znode's version, again after a conflicting
   * write. A topic or partition that no longer exists is a StateChangeFailedError.
   */
  async updatePartitionReplicaAssignment(
    tp: TopicPartition,
    assignment: topicAssignment.ReplicaAssignment,
    epochZkVersion: number,
  ): Promise<void> {
    const path = topicAssignment.path(tp.topic);
    for (let attempt = 1; ; attempt++) {
      let read: { data: Buffer | null; stat: ZkStat };
      try {
        read = await this.zk().getData(path);
      } catch (error) {
        if (isZkError(error, 'NO_NODE')) {
          throw new StateChangeFailedError(`Topic ${tp.topic} does not exist`, error);
        }
        throw error;
      }
      const current = topicAssignment.decode(read.data ?? Buffer.alloc(0), path);
      if (!current.partitions.has(tp.partition)) {
        throw new StateChangeFailedError(`Partition ${tpString(tp)} does not exist`);
      }
      current.partitions.set(tp.partition, {
        replicas: [...assignment.replicas],
        addingReplicas: [...assignment.addingReplicas],
        removingReplicas: [...assignment.removingReplicas],
      });
      try {
        await this.wrapWithControllerEpochCheck(
          [Op.setData(path, topicAssignment.encode(current), read.stat.version)],
          epochZkVersion,
        );
        return;
      } catch (error) {
        if (!isZkError(error, 'BAD_VERSION') || attempt >= MAX_ASSIGNMENT_WRITE_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  /** A topic's config overrides from `/config/topics/<topic>` (empty when none). */
  async getTopicConfig(topic: string): Promise<Map<string, string>> {
    const path = entityConfig.path({ type: 'topics', name: topic });
    try {
      const { data } = await this.zk().getData(path);
      return entityConfig.decode(data ?? Buffer.alloc(0), path);
    } catch (error) {
      if (isZkError(error, 'NO_NODE')) return new Map();
      throw error;
    }
  }

  /** The topics queued for deletion under `/admin/delete_topics`; `watcher` on the children. */
  async getTopicDeletions(watcher?: ZkWatcher): Promise<Set<string>> {
    const { children } = await this.zk().getChildren(deleteTopics.deleteTopicsPath(), watcher);
    const topics = new Set<string>();
    for (const child of children) {
      try {
        topics.add(deleteTopics.parseChildName(child));
      } catch (error) {
        log.warn(`Ignoring ${deleteTopics.deleteTopicsPath()}/${child}: ${String(error)}`);
      }
    }
    return topics;
  }

  /** Removes deletion requests (fenced, one multi per topic; already gone is fine). */
  async deleteTopicDeletions(topics: Iterable<string>, epochZkVersion: number): Promise<void> {
    await Promise.all(
      [...topics].map((topic) => this.deleteFenced(deleteTopics.path(topic), epochZkVersion)),
    );
  }

  /**
   * Removes what is left of a deleted topic, each step fenced: `/brokers/topics/<t>` with
   * everything below it, `/config/topics/<t>`, then `/admin/delete_topics/<t>`.
   */
  async deleteTopicZNodes(topic: string, epochZkVersion: number): Promise<void> {
    try {
      await this.zk().deleteRecursive(topicAssignment.path(topic), {
        check: { path: controllerEpochZnode.path(), version: epochZkVersion },
      });
    } catch (error) {
      if (
        isZkError(error, 'BAD_VERSION', 'NO_NODE') &&
        error.path === controllerEpochZnode.path()
      ) {
        throw new ControllerMovedError('The controller moved while deleting a topic', error);
      }
      throw error;
    }
    await this.deleteFenced(entityConfig.path({ type: 'topics', name: topic }), epochZkVersion);
    await this.deleteFenced(deleteTopics.path(topic), epochZkVersion);
  }

  private async deleteFenced(path: string, epochZkVersion: number): Promise<void> {
    try {
      await this.wrapWithControllerEpochCheck([Op.delete(path)], epochZkVersion);
    } catch (error) {
      if (!isZkError(error, 'NO_NODE')) throw error;
    }
  }

  // ---- partition states ------------------------------------------------------------------------

  /**
   * Reads the `state` znodes of `partitions` (pipelined). Absent: no state znode. A state whose
   * JSON cannot be read is an Error for that partition.
   */
  async getPartitionStates(
    partitions: readonly TopicPartition[],
  ): Promise<TpMap<LeaderIsrAndControllerEpoch | null | Error>> {
    const zk = this.zk();
    const results = await Promise.all(
      partitions.map(async (tp): Promise<LeaderIsrAndControllerEpoch | null | Error> => {
        const path = partitionState.path(tp.topic, tp.partition);
        try {
          const { data, stat } = await zk.getData(path);
          const state = partitionState.decode(data ?? Buffer.alloc(0), path);
          return {
            leaderAndIsr: {
              leader: state.leader,
              leaderEpoch: state.leaderEpoch,
              isr: state.isr,
              zkVersion: stat.version,
            },
            controllerEpoch: state.controllerEpoch,
          };
        } catch (error) {
          if (isZkError(error, 'NO_NODE')) return null;
          if (error instanceof ZkError) throw error;
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
    const map = new TpMap<LeaderIsrAndControllerEpoch | null | Error>();
    partitions.forEach((tp, i) => map.set(tp, results[i]));
    return map;
  }

  /**
   * Creates the `state` znodes of new partitions (fenced), with their `partitions/` and
   * `partitions/<p>` parents when missing. Resolves to null per partition created, or the error
   * (NODE_EXISTS when a state znode is already there).
   */
  async createPartitionStates(
    states: TpMap<LeaderIsrAndControllerEpoch>,
    epochZkVersion: number,
  ): Promise<TpMap<Error | null>> {
    const topics = new Set([...states.keys()].map((tp) => tp.topic));
    await Promise.all(
      [...topics].map(async (topic) => {
        try {
          await this.wrapWithControllerEpochCheck(
            [Op.create(partitionState.partitionsPath(topic))],
            epochZkVersion,
          );
        } catch (error) {
          if (!isZkError(error, 'NODE_EXISTS')) throw error;
        }
      }),
    );
    const entries = [...states.entries()];
    const outcomes = await Promise.all(
      entries.map(async ([tp, state]): Promise<Error | null> => {
        const data = encodeState(state.leaderAndIsr, state.controllerEpoch);
        const statePath = partitionState.path(tp.topic, tp.partition);
        try {
          await this.wrapWithControllerEpochCheck(
            [
              Op.create(partitionState.partitionPath(tp.topic, tp.partition)),
              Op.create(statePath, data),
            ],
            epochZkVersion,
          );
          return null;
        } catch (error) {
          if (!isZkError(error, 'NODE_EXISTS') || error.opIndex !== 0) return asError(error);
        }
        try {
          await this.wrapWithControllerEpochCheck([Op.create(statePath, data)], epochZkVersion);
          return null;
        } catch (error) {
          return asError(error);
        }
      }),
    );
    const result = new TpMap<Error | null>();
    entries.forEach(([tp], i) => result.set(tp, outcomes[i]));
    return result;
  }

  /**
   * Writes new leaders/ISRs, each as a fenced conditional set at the zkVersion it carries, with
   * `controllerEpoch` as the decision's epoch. BAD_VERSION (or a write whose outcome is unknown)
   * goes to `retry`; the caller re-reads and recomputes those.
   */
  async updateLeaderAndIsr(
    updates: TpMap<LeaderAndIsr>,
    controllerEpoch: number,
    epochZkVersion: number,
  ): Promise<UpdateLeaderAndIsrResult> {
    const entries = [...updates.entries()];
    const outcomes = await Promise.all(
      entries.map(async ([tp, leaderAndIsr]): Promise<UpdateLeaderAndIsrOutcome | 'retry'> => {
        try {
          const [result] = await this.wrapWithControllerEpochCheck(
            [
              Op.setData(
                partitionState.path(tp.topic, tp.partition),
                encodeState(leaderAndIsr, controllerEpoch),
                leaderAndIsr.zkVersion,
              ),
            ],
            epochZkVersion,
          );
          if (result.type !== 'setData')
            throw new ZkError('MARSHALLING_ERROR', { detail: 'no stat' });
          return { ok: true, leaderAndIsr: { ...leaderAndIsr, zkVersion: result.stat.version } };
        } catch (error) {
          if (error instanceof ControllerMovedError) throw error;
          if (isZkError(error, 'BAD_VERSION') || (isZkError(error) && error.outcomeUnknown)) {
            return 'retry';
          }
          return { ok: false, error: asError(error) };
        }
      }),
    );
    const finished = new TpMap<UpdateLeaderAndIsrOutcome>();
    const retry: TopicPartition[] = [];
    entries.forEach(([tp], i) => {
      const outcome = outcomes[i];
      if (outcome === 'retry') retry.push(tp);
      else finished.set(tp, outcome);
    });
    return { finished, retry };
  }

  /**
   * Arms a watch on a partition's `state` znode (it fires when its data changes: the leader wrote
   * a new ISR). Resolves to false when the znode does not exist (the watch then fires when it is
   * created).
   */
  async watchPartitionState(tp: TopicPartition, watcher: ZkWatcher): Promise<boolean> {
    return (await this.zk().exists(partitionState.path(tp.topic, tp.partition), watcher)) !== null;
  }

  // ---- admin requests delivered through ZooKeeper ----------------------------------------------

  /**
   * The reassignments listed in `/admin/reassign_partitions`, or null when it does not exist;
   * `watcher` is an exists-watch. Unreadable JSON is logged and read as no reassignment (Kafka).
   */
  async getPartitionReassignment(watcher?: ZkWatcher): Promise<ZkPartitionReassignment[] | null> {
    const data = await this.readAdminRequest(reassignPartitions.path(), watcher);
    if (data === null) return null;
    try {
      return reassignPartitions.decode(data).partitions;
    } catch (error) {
      log.warn(`Ignoring partition reassignment due to invalid json: ${String(error)}`);
      return [];
    }
  }

  /** Rewrites `/admin/reassign_partitions` with `partitions` (fenced), or deletes it when empty. */
  async setOrDeletePartitionReassignment(
    partitions: readonly ZkPartitionReassignment[],
    epochZkVersion: number,
  ): Promise<void> {
    const path = reassignPartitions.path();
    if (partitions.length === 0) {
      await this.deleteFenced(path, epochZkVersion);
      return;
    }
    const data = reassignPartitions.encode({ partitions: [...partitions] });
    try {
      await this.wrapWithControllerEpochCheck([Op.setData(path, data)], epochZkVersion);
    } catch (error) {
      if (!isZkError(error, 'NO_NODE')) throw error;
      await this.wrapWithControllerEpochCheck([Op.create(path, data)], epochZkVersion);
    }
  }

  /**
   * The partitions listed in `/admin/preferred_replica_election`, or null when it does not exist;
   * `watcher` is an exists-watch. Unreadable JSON is logged and read as no partitions (the node is
   * deleted all the same once handled).
   */
  async getPreferredReplicaElection(watcher?: ZkWatcher): Promise<TopicPartition[] | null> {
    const data = await this.readAdminRequest(preferredReplicaElection.path(), watcher);
    if (data === null) return null;
    try {
      return preferredReplicaElection.decode(data).partitions;
    } catch (error) {
      log.warn(`Ignoring preferred replica election due to invalid json: ${String(error)}`);
      return [];
    }
  }

  /** Deletes `/admin/preferred_replica_election` (fenced; already gone is fine). */
  async deletePreferredReplicaElection(epochZkVersion: number): Promise<void> {
    await this.deleteFenced(preferredReplicaElection.path(), epochZkVersion);
  }

  /** The data of an `/admin/...` request node with an exists-watch; null when it is absent. */
  private async readAdminRequest(path: string, watcher?: ZkWatcher): Promise<Buffer | null> {
    const zk = this.zk();
    if ((await zk.exists(path, watcher)) === null) return null;
    try {
      return (await zk.getData(path)).data ?? Buffer.alloc(0);
    } catch (error) {
      if (isZkError(error, 'NO_NODE')) return null;
      throw error;
    }
  }

  // ---- notifications ---------------------------------------------------------------------------

  /** The children of `/isr_change_notification`, oldest first; `watcher` on the children. */
  async getIsrChangeNotifications(watcher?: ZkWatcher): Promise<string[]> {
    const { children } = await this.zk().getChildren(isrChange.rootPath(), watcher);
    return sortSequential(isrChange.STORE, children).map((c) => c.name);
  }

  /** The partitions named by ISR-change notifications (those already gone are skipped). */
  async getPartitionsFromIsrChangeNotifications(
    names: readonly string[],
  ): Promise<TopicPartition[]> {
    const zk = this.zk();
    const lists = await Promise.all(
      names.map(async (name) => {
        const path = sequentialChildPath(isrChange.STORE, name);
        try {
          const { data } = await zk.getData(path);
          return isrChange.decode(data ?? Buffer.alloc(0), path).partitions;
        } catch (error) {
          if (isZkError(error, 'NO_NODE')) return [];
          if (error instanceof ZkError) throw error;
          log.error(`Ignoring unreadable ${path}: ${String(error)}`);
          return [];
        }
      }),
    );
    const seen = new TpMap<true>();
    for (const list of lists) for (const tp of list) seen.set(tp, true);
    return [...seen.keys()];
  }

  /** Deletes ISR-change notifications (fenced; already gone is fine). */
  async deleteIsrChangeNotifications(
    names: readonly string[],
    epochZkVersion: number,
  ): Promise<void> {
    await Promise.all(
      names.map((name) =>
        this.deleteFenced(sequentialChildPath(isrChange.STORE, name), epochZkVersion),
      ),
    );
  }

  /** The children of `/config/changes`, oldest first; `watcher` on the children. */
  async getConfigChangeNotifications(watcher?: ZkWatcher): Promise<SequencedChild[]> {
    const { children } = await this.zk().getChildren(configChange.changesPath(), watcher);
    return sortSequential(configChange.STORE, children);
  }

  /** The entity a config-change notification names, or null when it is gone or unreadable. */
  async getConfigChangeEntity(name: string): Promise<entityConfig.ConfigEntity | null> {
    const path = sequentialChildPath(configChange.STORE, name);
    try {
      const { data } = await this.zk().getData(path);
      return configChange.decode(data ?? Buffer.alloc(0), path).entity;
    } catch (error) {
      if (isZkError(error, 'NO_NODE')) return null;
      if (error instanceof ZkError) throw error;
      log.warn(`Ignoring unreadable ${path}: ${String(error)}`);
      return null;
    }
  }
}

function encodeState(leaderAndIsr: LeaderAndIsr, controllerEpoch: number): Buffer {
  return partitionState.encode({
    leader: leaderAndIsr.leader,
    leaderEpoch: leaderAndIsr.leaderEpoch,
    isr: [...leaderAndIsr.isr],
    controllerEpoch,
  });
}

function sortSequential(
  store: { root: string; prefix: string },
  children: readonly string[],
): SequencedChild[] {
  const valid = children.filter((name) => {
    try {
      sequentialChildPath(store, name);
      return true;
    } catch (error) {
      log.warn(`Ignoring ${store.root}/${name}: ${String(error)}`);
      return false;
    }
  });
  return bySequence(store, valid);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** For log lines: `orders-0,orders-1`. */
export function partitionsString(partitions: Iterable<TopicPartition>): string {
  return [...partitions].map(tpString).join(',');
}
