/**
 * The partition leader's ISR writes to ZooKeeper (Kafka before IBP 2.7-IV2, section 2.8 of the
 * reference): a conditional set of `/brokers/topics/<t>/partitions/<p>/state` on the zkVersion
 * the leader holds, with the znode's JSON built by zk-schema's partition-state codec. The leader
 * keeps `leader` and `leader_epoch`, and the `controller_epoch` of the LeaderAndIsr that made it
 * leader; only the ISR and the zkVersion change.
 *
 * A BAD_VERSION (or a write whose outcome is unknown) re-reads the znode:
 * - it holds exactly what we wrote → our write went through (its reply was lost): success;
 * - it still names us leader with the same leader epoch → retry with the znode's version, at most
 *   `MAX_ATTEMPTS` writes in all;
 * - otherwise the controller has moved on: `stale`, and the leader stops writing until newer
 *   state reaches it in a LeaderAndIsr (never loop for ever on a stale version, KAFKA-2729).
 */
import type { ZkClient } from '../../zk-schema/client';
import { ZkError } from '../../zk-schema/client';
import * as partitionState from '../../zk-schema/znodes/partition-state';
import type { TopicPartition } from '../log/log-files';

export type IsrWriteResult =
  | { readonly kind: 'written'; readonly zkVersion: number }
  | {
      readonly kind: 'stale';
      readonly current: partitionState.PartitionState | null;
      readonly zkVersion: number;
    };

/** Writes a partition's leader and ISR; a Partition leader's only way to change its ISR. */
export interface IsrWriter {
  writeLeaderAndIsr(
    tp: TopicPartition,
    state: partitionState.PartitionState,
    expectedZkVersion: number,
  ): Promise<IsrWriteResult>;
}

/** Writes allowed per ISR change (the first plus retries after a BAD_VERSION). */
export const MAX_ATTEMPTS = 3;

function sameState(a: partitionState.PartitionState, b: partitionState.PartitionState): boolean {
  return (
    a.leader === b.leader &&
    a.leaderEpoch === b.leaderEpoch &&
    a.controllerEpoch === b.controllerEpoch &&
    a.isr.length === b.isr.length &&
    a.isr.every((id) => b.isr.includes(id))
  );
}

export class ZkIsrWriter implements IsrWriter {
  constructor(private readonly zk: () => ZkClient) {}

  async writeLeaderAndIsr(
    tp: TopicPartition,
    state: partitionState.PartitionState,
    expectedZkVersion: number,
  ): Promise<IsrWriteResult> {
    const path = partitionState.path(tp.topic, tp.partition);
    const data = partitionState.encode(state);
    let version = expectedZkVersion;
    for (let attempt = 1; ; attempt++) {
      try {
        const stat = await this.zk().setData(path, data, version);
        return { kind: 'written', zkVersion: stat.version };
      } catch (error) {
        if (
          !(error instanceof ZkError) ||
          !(error.code === 'BAD_VERSION' || error.outcomeUnknown)
        ) {
          throw error;
        }
      }
      const { data: raw, stat } = await this.zk().getData(path);
      const current = raw === null ? null : partitionState.decode(raw, path);
      if (current !== null && sameState(current, state)) {
        return { kind: 'written', zkVersion: stat.version };
      }
      const stillOurs =
        current !== null &&
        current.leader === state.leader &&
        current.leaderEpoch === state.leaderEpoch;
      if (!stillOurs || attempt >= MAX_ATTEMPTS) {
        return { kind: 'stale', current, zkVersion: stat.version };
      }
      version = stat.version;
    }
  }
}
