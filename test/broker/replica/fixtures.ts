/**
 * Test helpers for the replication tests: record batches, a log manager in a temp folder, broker
 * configs, a hand-driven monotonic clock and an in-memory IsrWriter (the ISR znode writes are
 * tested against real ZooKeeper in the integration tests).
 */
import { encodeRecordBatchSync } from '../../../client/record/record-batch';
import { iterateBatches } from '../../../client/record/batch-validation';
import { KafkaConfig } from '../../../broker/config/kafka-config';
import { DEFAULT_LOG_MANAGER_CONFIG, LogManager } from '../../../broker/log/log-manager';
import type { Log } from '../../../broker/log/log';
import type { TopicPartition } from '../../../broker/log/log-files';
import type { IsrWriteResult, IsrWriter } from '../../../broker/replica/isr-writer';
import type { PartitionState } from '../../../zk-schema/znodes/partition-state';
import { tempDir } from '../../harness';

/** One uncompressed batch of `records` records with `valueSize`-byte values. */
export function batch(records = 1, valueSize = 100, fill = 'x'): Buffer {
  return encodeRecordBatchSync(
    Array.from({ length: records }, () => ({ value: Buffer.alloc(valueSize, fill) })),
  );
}

/** A started LogManager over one fresh log dir (no background tasks during a test). */
export async function startLogManager(logDir?: string): Promise<LogManager> {
  const manager = new LogManager({
    ...DEFAULT_LOG_MANAGER_CONFIG,
    logDirs: [logDir ?? (await tempDir('replica-logs'))],
    initialTaskDelayMs: 3_600_000,
  });
  await manager.startup();
  return manager;
}

/** A broker config with the given overrides (Kafka key names). */
export function brokerConfig(
  brokerId: number,
  overrides: Record<string, string> = {},
): KafkaConfig {
  return KafkaConfig.fromProperties(
    {
      'broker.id': String(brokerId),
      'zookeeper.connect': '127.0.0.1:2181',
      'log.dirs': '/tmp/unused',
      listeners: 'PLAINTEXT://127.0.0.1:0',
      ...overrides,
    },
    {},
    { hostname: 'localhost' },
  );
}

/** A monotonic clock moved by hand. */
export class ManualClock {
  constructor(public nowMs = 1_000) {}

  readonly now = (): number => this.nowMs;

  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** Records every ISR write; answers `written` with the next version unless told otherwise. */
export class RecordingIsrWriter implements IsrWriter {
  readonly writes: { tp: TopicPartition; state: PartitionState; expectedZkVersion: number }[] = [];
  /** Answers to give, oldest first; when empty, the write succeeds. */
  readonly answers: IsrWriteResult[] = [];

  async writeLeaderAndIsr(
    tp: TopicPartition,
    state: PartitionState,
    expectedZkVersion: number,
  ): Promise<IsrWriteResult> {
    this.writes.push({ tp, state: { ...state, isr: [...state.isr] }, expectedZkVersion });
    return this.answers.shift() ?? { kind: 'written', zkVersion: expectedZkVersion + 1 };
  }
}

/** The (baseOffset, lastOffset, leaderEpoch) of every batch of a log, read whole. */
export async function batchesOf(
  log: Log,
): Promise<{ baseOffset: number; lastOffset: number; epoch: number; bytes: string }[]> {
  const out: { baseOffset: number; lastOffset: number; epoch: number; bytes: string }[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = await log.read(offset, 1 << 20, { minOneBatch: true });
    if (records.length === 0) break;
    for (const b of iterateBatches(records)) {
      out.push({
        baseOffset: b.header.baseOffset,
        lastOffset: b.header.baseOffset + b.header.lastOffsetDelta,
        epoch: b.header.partitionLeaderEpoch,
        bytes: records.subarray(b.offset, b.offset + b.size).toString('base64'),
      });
      offset = b.header.baseOffset + b.header.lastOffsetDelta + 1;
    }
  }
  return out;
}

/** Waits for every pending promise callback (no timers involved). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
