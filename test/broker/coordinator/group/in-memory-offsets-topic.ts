/**
 * `__consumer_offsets` in memory for coordinator tests: per partition, the batches appended (base
 * offsets stamped in place, as a leader does), a leader flag, injectable append failures and an
 * optional gate that holds reads or appends until released.
 */
import type { ErrorName } from '../../../../client/protocol/error-codes';
import { setBaseOffset } from '../../../../client/record/batch-header';
import { iterateBatches } from '../../../../client/record/batch-validation';
import { type DecodedRecord, decodeRecordBatchSync } from '../../../../client/record/record-batch';
import type {
  OffsetsPartitionLog,
  OffsetsTopicAppendResult,
  OffsetsTopicStorage,
} from '../../../../broker/coordinator/group/offsets-topic-storage';

interface PartitionLog {
  batches: { baseOffset: number; lastOffset: number; bytes: Buffer }[];
  nextOffset: number;
}

export interface AppendCall {
  readonly partition: number;
  readonly requiredAcks: number;
  readonly timeoutMs: number;
}

export class InMemoryOffsetsTopic implements OffsetsTopicStorage {
  private readonly logs = new Map<number, PartitionLog>();
  private readonly leading = new Set<number>();
  /** Errors the next appends return (one per append), instead of appending. */
  readonly failures: ErrorName[] = [];
  /** Every append asked for. */
  readonly appends: AppendCall[] = [];
  /** While set, appends wait for it. */
  appendGate: Promise<void> | undefined;
  /** While set, reads wait for it. */
  readGate: Promise<void> | undefined;

  private logOf(partition: number): PartitionLog {
    let log = this.logs.get(partition);
    if (log === undefined) {
      log = { batches: [], nextOffset: 0 };
      this.logs.set(partition, log);
    }
    return log;
  }

  lead(partition: number): void {
    this.leading.add(partition);
    this.logOf(partition);
  }

  follow(partition: number): void {
    this.leading.delete(partition);
  }

  /** Appends a batch directly (as a record written by an earlier leader). */
  write(partition: number, batch: Buffer): number {
    const log = this.logOf(partition);
    const bytes = Buffer.from(batch);
    setBaseOffset(bytes, 0, log.nextOffset);
    const [{ header }] = [...iterateBatches(bytes)];
    const baseOffset = log.nextOffset;
    log.batches.push({ baseOffset, lastOffset: baseOffset + header.lastOffsetDelta, bytes });
    log.nextOffset = baseOffset + header.lastOffsetDelta + 1;
    return baseOffset;
  }

  async append(
    partition: number,
    batch: Buffer,
    requiredAcks: number,
    timeoutMs: number,
  ): Promise<OffsetsTopicAppendResult> {
    this.appends.push({ partition, requiredAcks, timeoutMs });
    if (this.appendGate !== undefined) await this.appendGate;
    if (!this.leading.has(partition)) return { error: 'NOT_LEADER_OR_FOLLOWER', baseOffset: -1 };
    const failure = this.failures.shift();
    if (failure !== undefined) return { error: failure, baseOffset: -1 };
    return { error: 'NONE', baseOffset: this.write(partition, batch) };
  }

  leaderLog(partition: number): OffsetsPartitionLog | undefined {
    if (!this.leading.has(partition)) return undefined;
    const log = this.logOf(partition);
    return {
      logStartOffset: 0,
      get logEndOffset() {
        return log.nextOffset;
      },
      read: async (offset, maxBytes) => {
        if (this.readGate !== undefined) await this.readGate;
        const chosen: Buffer[] = [];
        let size = 0;
        for (const b of log.batches) {
          if (b.lastOffset < offset) continue;
          if (chosen.length > 0 && size + b.bytes.length > maxBytes) break;
          chosen.push(b.bytes);
          size += b.bytes.length;
        }
        return Buffer.concat(chosen);
      },
    };
  }

  /** Every record of the partition, decoded, in log order. */
  records(partition: number): DecodedRecord[] {
    return this.logOf(partition).batches.flatMap((b) => decodeRecordBatchSync(b.bytes).records);
  }
}

/** A promise and the function that resolves it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
