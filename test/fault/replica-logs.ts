/**
 * Replica log equality after recovery, read straight from each broker's log dir (the brokers keep
 * running: nothing is produced to the topic any more, so its files no longer change once the
 * replicas have caught up).
 *
 * On disk (Kafka's layout, broker/log): `<log.dir>/<topic>-<partition>/<20-digit base
 * offset>.log` segments, each a sequence of RecordBatch v2 batches (client/record/batch-header.ts:
 * baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8, crc uint32, ...,
 * lastOffsetDelta int32 at byte 23); files with other suffixes (indexes, `.deleted`, ...) are
 * not log data. A batch whose announced length runs past the end of the file is a torn tail.
 *
 * `waitForReplicaAgreement` waits until every partition's ISR holds every replica and every
 * replica's copy ends at the same offset with no torn tail (reading batch headers only), then
 * reads every batch in full and compares the copies offset by offset: same batches (base and last
 * offset, leader epoch, size, SHA-256 of the bytes), each with a valid CRC, offsets contiguous.
 * `appendTornBatch` writes into a stopped broker's copy what a crash in the middle of an append
 * leaves behind, for the torn-write fault test.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  BATCH_LENGTH_OFFSET,
  CRC_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  PARTITION_LEADER_EPOCH_OFFSET,
  RECORD_BATCH_OVERHEAD,
  isBatchCrcValid,
  readInt64,
  writeInt64,
} from '../../client/record/batch-header';
import { waitFor } from '../harness';
import type { TestCluster } from '../cluster/cluster-harness';
import { PARTITIONS, partitionStates } from '../cluster/replicated-topic';

/** One batch of a replica's copy, as found on disk. */
export interface ReplicaBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly leaderEpoch: number;
  readonly crc: number;
  /** 12 + batchLength. */
  readonly size: number;
  /** The segment file and the batch's byte position in it. */
  readonly segment: string;
  readonly position: number;
  /** Only when read in full: whether the CRC matches the bytes, and their SHA-256. */
  readonly crcValid?: boolean;
  readonly digest?: string;
}

/** One broker's copy of one partition. */
export interface ReplicaLog {
  readonly brokerId: number;
  /** Base offset of the first segment (0 when there is none). */
  readonly firstSegmentOffset: number;
  readonly logEndOffset: number;
  readonly batches: ReplicaBatch[];
  /** Bytes after the last complete batch of the last segment (a torn tail), 0 normally. */
  readonly tornTailBytes: number;
  /** Segments other than the last with bytes after their last complete batch. */
  readonly tornSegments: string[];
}

const SEGMENT_FILE = /^(\d{20})\.log$/;
const CHUNK_BYTES = 64 * 1024;

async function readAt(fh: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fh.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/**
 * Walks one segment file batch by batch: headers only, or (`full`) every batch's bytes too.
 * Returns the batches and the bytes left after the last complete one.
 */
async function scanSegment(
  file: string,
  full: boolean,
): Promise<{ batches: ReplicaBatch[]; trailingBytes: number }> {
  const batches: ReplicaBatch[] = [];
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    let position = 0;
    while (position < size) {
      const chunk = await readAt(fh, position, Math.min(CHUNK_BYTES, size - position));
      let at = 0;
      while (at + RECORD_BATCH_OVERHEAD <= chunk.length) {
        const batchSize = LOG_OVERHEAD + chunk.readInt32BE(at + BATCH_LENGTH_OFFSET);
        if (batchSize < RECORD_BATCH_OVERHEAD) {
          throw new Error(`${file}@${position + at}: batch length ${batchSize - LOG_OVERHEAD}`);
        }
        if (position + at + batchSize > size) break;
        const baseOffset = readInt64(chunk, at);
        let bytes: Buffer | undefined;
        if (full) {
          bytes =
            at + batchSize <= chunk.length
              ? chunk.subarray(at, at + batchSize)
              : await readAt(fh, position + at, batchSize);
        }
        batches.push({
          baseOffset,
          lastOffset: baseOffset + chunk.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
          leaderEpoch: chunk.readInt32BE(at + PARTITION_LEADER_EPOCH_OFFSET),
          crc: chunk.readUInt32BE(at + CRC_OFFSET),
          size: batchSize,
          segment: path.basename(file),
          position: position + at,
          crcValid: bytes === undefined ? undefined : isBatchCrcValid(bytes, 0, batchSize),
          digest:
            bytes === undefined ? undefined : createHash('sha256').update(bytes).digest('hex'),
        });
        at += batchSize;
      }
      if (at === 0) return { batches, trailingBytes: size - position };
      position += at;
    }
    return { batches, trailingBytes: 0 };
  } finally {
    await fh.close();
  }
}

/** Reads one broker's copy of `<topic>-<partition>` from its log dir. */
export async function readReplicaLog(
  brokerId: number,
  logDir: string,
  topic: string,
  partition: number,
  full: boolean,
): Promise<ReplicaLog> {
  const dir = path.join(logDir, `${topic}-${partition}`);
  const segments = (await fs.readdir(dir))
    .map((name) => ({ name, match: SEGMENT_FILE.exec(name) }))
    .filter((s) => s.match !== null)
    .map((s) => ({ name: s.name, base: Number(s.match?.[1]) }))
    .sort((a, b) => a.base - b.base);
  const batches: ReplicaBatch[] = [];
  const tornSegments: string[] = [];
  let tornTailBytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const scanned = await scanSegment(path.join(dir, segments[i].name), full);
    batches.push(...scanned.batches);
    if (scanned.trailingBytes > 0) {
      if (i === segments.length - 1) tornTailBytes = scanned.trailingBytes;
      else tornSegments.push(segments[i].name);
    }
  }
  const lastSegment = segments.length === 0 ? 0 : segments[segments.length - 1].base;
  const lastBatch = batches[batches.length - 1];
  return {
    brokerId,
    firstSegmentOffset: segments.length === 0 ? 0 : segments[0].base,
    logEndOffset: lastBatch === undefined ? lastSegment : lastBatch.lastOffset + 1,
    batches,
    tornTailBytes,
    tornSegments,
  };
}

function describeBatch(b: ReplicaBatch | undefined): string {
  if (b === undefined) return 'nothing';
  return `batch ${b.baseOffset}..${b.lastOffset} epoch ${b.leaderEpoch} crc ${b.crc} size ${b.size} at ${b.segment}@${b.position}`;
}

/**
 * Compares the copies of one partition (read in full) offset by offset; returns one line per
 * problem found (empty when the copies are identical and sound).
 */
export function compareReplicas(
  topic: string,
  partition: number,
  copies: readonly ReplicaLog[],
): string[] {
  const name = `${topic}-${partition}`;
  const problems: string[] = [];
  for (const copy of copies) {
    const broker = `${name} on broker ${copy.brokerId}`;
    if (copy.tornTailBytes > 0)
      problems.push(`${broker}: torn tail of ${copy.tornTailBytes} bytes`);
    for (const s of copy.tornSegments)
      problems.push(`${broker}: bytes after the last batch of ${s}`);
    copy.batches.forEach((b, i) => {
      if (b.crcValid === false) problems.push(`${broker}: CRC mismatch in ${describeBatch(b)}`);
      const previous = copy.batches[i - 1];
      if (previous !== undefined && b.baseOffset !== previous.lastOffset + 1) {
        problems.push(
          `${broker}: offsets not contiguous: ${describeBatch(previous)} then ${describeBatch(b)}`,
        );
      }
    });
  }
  const [reference, ...others] = copies;
  for (const other of others) {
    const count = Math.max(reference.batches.length, other.batches.length);
    for (let i = 0; i < count; i++) {
      const a = reference.batches[i];
      const b = other.batches[i];
      const same =
        a !== undefined &&
        b !== undefined &&
        a.baseOffset === b.baseOffset &&
        a.lastOffset === b.lastOffset &&
        a.leaderEpoch === b.leaderEpoch &&
        a.size === b.size &&
        a.digest === b.digest;
      if (!same) {
        problems.push(
          `${name}: replicas diverge at batch #${i} (offset ${(a ?? b)?.baseOffset}): broker ` +
            `${reference.brokerId} has ${describeBatch(a)}, broker ${other.brokerId} has ${describeBatch(b)}`,
        );
        break;
      }
    }
  }
  return problems;
}

/**
 * Leaves in a stopped broker's copy of a partition what a crash in the middle of an append leaves
 * on disk: the batch that would follow the last one (a copy of it with the next base offset),
 * either cut in half (`partial`: its length runs past the end of the file) or whole with a byte
 * of its records flipped (`corrupt`: its CRC no longer matches). Returns the bytes appended.
 */
export async function appendTornBatch(
  logDir: string,
  topic: string,
  partition: number,
  kind: 'partial' | 'corrupt',
): Promise<number> {
  const copy = await readReplicaLog(0, logDir, topic, partition, false);
  const last = copy.batches[copy.batches.length - 1];
  if (last === undefined)
    throw new Error(`${logDir}: ${topic}-${partition} has no batch to follow`);
  const file = path.join(logDir, `${topic}-${partition}`, last.segment);
  const fh = await fs.open(file, 'r+');
  try {
    const next = await readAt(fh, last.position, last.size);
    writeInt64(next, last.lastOffset + 1, 0);
    if (kind === 'corrupt') next[next.length - 1] ^= 0xff;
    const torn = kind === 'partial' ? next.subarray(0, Math.floor(next.length / 2)) : next;
    const { size } = await fh.stat();
    await fh.write(torn, 0, torn.length, size);
    return torn.length;
  } finally {
    await fh.close();
  }
}

export interface ReplicaAgreement {
  /** Per partition: the common log end offset and batch count. */
  readonly partitions: { partition: number; logEndOffset: number; batches: number }[];
  /** Every difference or defect found (empty: the replicas' logs are identical). */
  readonly problems: string[];
}

/**
 * Waits until every partition of `topic` has every broker of `cluster` in its ISR and every
 * broker's copy ends at the same offset with no torn tail, then compares the copies in full.
 * Call it once nothing is produced to the topic any more.
 */
export async function waitForReplicaAgreement(
  cluster: TestCluster,
  topic: string,
  timeoutMs = 30000,
): Promise<ReplicaAgreement> {
  const brokers = cluster.brokers;
  const readAll = (full: boolean): Promise<ReplicaLog[][]> =>
    Promise.all(
      [...Array(PARTITIONS).keys()].map((p) =>
        Promise.all(brokers.map((b) => readReplicaLog(b.id, b.logDir, topic, p, full))),
      ),
    );
  let lastSeen = 'nothing read yet';
  try {
    await waitFor(
      async () => {
        const states = await partitionStates(cluster, topic);
        // A segment renamed away while it is read (a follower truncating) throws: read again.
        const copies = await readAll(false);
        lastSeen = copies
          .map(
            (c, p) =>
              `p${p} isr [${states[p].isr.join(',')}] leader ${states[p].leader} log ends ` +
              c.map((r) => `${r.brokerId}:${r.logEndOffset}+${r.tornTailBytes}`).join(' '),
          )
          .join('; ');
        return copies.every(
          (c, p) =>
            states[p].isr.length === brokers.length &&
            c.every((r) => r.logEndOffset === c[0].logEndOffset && r.tornTailBytes === 0),
        );
      },
      {
        timeoutMs,
        intervalMs: 200,
        what: `every replica of ${topic} in the ISR and at one log end`,
      },
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; last seen: ${lastSeen}\n${cluster.describeBrokers()}`,
    );
  }
  const copies = await readAll(true);
  return {
    partitions: copies.map((c, p) => ({
      partition: p,
      logEndOffset: c[0].logEndOffset,
      batches: c[0].batches.length,
    })),
    problems: copies.flatMap((c, p) => compareReplicas(topic, p, c)),
  };
}
