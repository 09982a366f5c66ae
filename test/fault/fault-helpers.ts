/**
 * Shared pieces of the replication fault tests (the replicated topic itself is
 * test/cluster/replicated-topic.ts; the replica log comparison is replica-logs.ts): a continuous
 * acks=all producer that records every acknowledged record (partition, offset, id) and every
 * failed send (with Kafka's error name), a drain of the whole topic from the beginning up to the
 * high watermarks, the contract check that compares the acknowledged records with the drained
 * ones, and the waits a fault round needs (a broker's znode gone, the producer making progress,
 * every broker of a shared cluster running again).
 *
 * Record values: a record's id is `<tag>-p<partition>-<send>` (`.<i>` appended when a send
 * carries several records). Without padding the value is the id itself; with `valueBytes` it is
 * `<id>|` repeated up to that many bytes, so the drain can tell an intact value from a torn or
 * mixed-up one without keeping the acknowledged bytes.
 */
import { KafkaError, Producer, RecordMetadata, Samsa } from '../../client';
import { ZkError } from '../../zk-schema/client';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import { waitFor } from '../harness';
import type { TestCluster } from '../cluster/cluster-harness';
import { PARTITIONS } from '../cluster/replicated-topic';

/** Waits until ZooKeeper has removed `/brokers/ids/<id>` (the dead broker's session expired). */
export async function waitForDeregistration(cluster: TestCluster, id: number): Promise<void> {
  await waitFor(
    async () => {
      try {
        return (await cluster.zk.exists(brokerRegistration.path(id))) === null;
      } catch (error) {
        if (error instanceof ZkError && error.code === 'NO_NODE') return true;
        throw error;
      }
    },
    { timeoutMs: 20000, what: `/brokers/ids/${id} to go` },
  );
}

/** Whether `/brokers/ids/<id>` exists now. */
export async function isRegistered(cluster: TestCluster, id: number): Promise<boolean> {
  return (await cluster.registeredBrokers()).includes(id);
}

/**
 * For clusters shared by several tests: starts every broker process that is not running (an
 * earlier test may have failed half-way through a fault) and waits until all are registered.
 */
export async function ensureAllBrokersRunning(cluster: TestCluster): Promise<void> {
  for (const broker of cluster.brokers) if (!broker.running) broker.start();
  await cluster.waitForBrokers(cluster.brokers.map((b) => b.id));
  await cluster.waitForController();
}

export interface AckedRecord {
  readonly partition: number;
  readonly offset: number;
  /** The record's id (its whole value when unpadded). */
  readonly value: string;
  /** The value's size in bytes. */
  readonly bytes: number;
}

export interface ConsumedRecord extends AckedRecord {
  /** Whether the value is exactly what the producer builds for this id and size. */
  readonly intact: boolean;
}

export interface FailedSend {
  readonly partition: number;
  /** The id of the send's first record. */
  readonly value: string;
  /** Kafka's error name found in the error or its causes, else the error's message. */
  readonly reason: string;
}

/** The Kafka error name carried by `error` or one of its causes, else its message. */
export function errorName(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error) {
    if (current instanceof KafkaError) return current.type;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}

const ID_END = '|';

/** The value the producer sends for `id`: the id alone, or `<id>|` repeated to `bytes` bytes. */
export function recordValue(id: string, bytes: number | undefined): Buffer {
  return bytes === undefined ? Buffer.from(id) : Buffer.alloc(bytes, `${id}${ID_END}`);
}

/** The id a value carries, and whether the value is exactly `recordValue(id, its size)`. */
export function parseValue(value: Buffer, padded: boolean): { id: string; intact: boolean } {
  if (!padded) return { id: value.toString(), intact: true };
  const end = value.indexOf(ID_END);
  const id = value.toString('utf8', 0, end < 0 ? value.length : end);
  return { id, intact: end > 0 && value.equals(recordValue(id, value.length)) };
}

export interface ContinuousProducerOptions {
  /** The producer's request timeout (ms). Default 4000. */
  readonly timeout?: number;
  /** Retries per send. Default 5. */
  readonly retries?: number;
  /** Records per send (each send is one batch). Default 1. */
  readonly recordsPerSend?: number;
  /** Pad each value to this many bytes (see the module comment). Default: no padding. */
  readonly valueBytes?: number;
}

/**
 * One sequential acks=all send loop per partition, until `stop()`; each outcome is recorded.
 * A send is one batch of `recordsPerSend` records, whose offsets follow the acknowledged base
 * offset.
 */
export class ContinuousProducer {
  readonly acked: AckedRecord[] = [];
  readonly failed: FailedSend[] = [];
  private running = true;
  /** Set when a loop met something other than a failed send (a bug in the test setup). */
  private loopError: unknown;
  private readonly loops: Promise<void>[] = [];
  private readonly samsa: Samsa;
  private readonly producer: Producer;
  private readonly recordsPerSend: number;

  constructor(
    cluster: TestCluster,
    private readonly topic: string,
    private readonly tag: string,
    private readonly options: ContinuousProducerOptions = {},
  ) {
    this.recordsPerSend = options.recordsPerSend ?? 1;
    const sendBytes = this.recordsPerSend * ((options.valueBytes ?? 64) + 64);
    this.samsa = new Samsa({ clientId: `fault-${tag}`, brokers: cluster.bootstrapServers() });
    this.producer = this.samsa.producer({
      acks: 'all',
      timeout: options.timeout ?? 4000,
      retry: { retries: options.retries ?? 5, initialRetryTime: 200, maxRetryTime: 2000 },
      metadataMaxAge: 2000,
      // Room for a whole send in one batch, so one acknowledgement gives every record's offset.
      batchSize: Math.max(16384, 2 * sendBytes),
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    for (let p = 0; p < PARTITIONS; p++) {
      this.loops.push(
        this.loop(p).catch((error: unknown) => {
          this.running = false;
          this.loopError ??= error;
        }),
      );
    }
  }

  /** How many records were acknowledged so far. */
  get ackedCount(): number {
    return this.acked.length;
  }

  /** Waits until `more` records beyond those acknowledged now are acknowledged. */
  async waitForProgress(more: number, what: string, timeoutMs = 20000): Promise<void> {
    const target = this.ackedCount + more;
    await waitFor(() => this.ackedCount >= target, {
      timeoutMs,
      what: `${more} more acknowledged records ${what} (failed sends so far: ${JSON.stringify(this.failureCounts())})`,
    });
  }

  /** Failed sends per reason. */
  failureCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const f of this.failed) counts[f.reason] = (counts[f.reason] ?? 0) + 1;
    return counts;
  }

  private async loop(partition: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const ids = Array.from({ length: this.recordsPerSend }, (_, i) =>
        this.recordsPerSend === 1
          ? `${this.tag}-p${partition}-${n}`
          : `${this.tag}-p${partition}-${n}.${i}`,
      );
      const values = ids.map((id) => recordValue(id, this.options.valueBytes));
      let metadata: RecordMetadata[];
      try {
        metadata = await this.producer.send({
          topic: this.topic,
          messages: values.map((value) => ({ value, partition })),
        });
      } catch (error) {
        this.failed.push({ partition, value: ids[0], reason: errorName(error) });
        continue;
      }
      if (metadata.length !== 1) {
        throw new Error(`a send of ${ids.length} records came back as ${metadata.length} batches`);
      }
      const baseOffset = metadata[0].baseOffset;
      ids.forEach((id, i) =>
        this.acked.push({ partition, offset: baseOffset + i, value: id, bytes: values[i].length }),
      );
    }
  }

  /** Ends the loops (each after its current send) and disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.producer.disconnect();
    if (this.loopError !== undefined) throw this.loopError;
  }
}

/**
 * Reads every partition of `topic` from the beginning up to its current high watermark (asked
 * of the cluster first) and returns the records in the order each partition delivered them.
 * `padded`: the values were padded (ContinuousProducerOptions.valueBytes).
 */
export async function drainTopic(
  bootstrap: string[],
  topic: string,
  options: { timeoutMs?: number; padded?: boolean } = {},
): Promise<ConsumedRecord[]> {
  const samsa = new Samsa({ clientId: 'fault-drain', brokers: bootstrap });
  const admin = samsa.admin();
  await admin.connect();
  let ends: number[];
  try {
    ends = (await admin.fetchTopicOffsets(topic))
      .sort((a, b) => a.partition - b.partition)
      .map((o) => o.high);
  } finally {
    await admin.disconnect();
  }
  const consumed: ConsumedRecord[] = [];
  const next = ends.map(() => 0);
  const consumer = samsa.consumer({ maxWaitTimeInMs: 100, maxBytesPerPartition: 8 * 1024 * 1024 });
  await consumer.connect();
  try {
    consumer.assign(
      [...Array(PARTITIONS).keys()].map((partition) => ({ topic, partition })),
      { fromBeginning: true },
    );
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        const value = message.value ?? Buffer.alloc(0);
        const { id, intact } = parseValue(value, options.padded ?? false);
        consumed.push({
          partition,
          offset: message.offset,
          value: id,
          bytes: value.length,
          intact,
        });
        next[partition] = message.offset + 1;
      },
    });
    try {
      await waitFor(() => next.every((n, p) => n >= ends[p]), {
        timeoutMs: options.timeoutMs ?? 30000,
        what: `the drain to reach the high watermarks ${ends.join(',')}`,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message} (reached ${next.join(',')})`);
    }
  } finally {
    await consumer.disconnect();
  }
  return consumed;
}

export interface ContractReport {
  /** Acknowledged records not found at their offset with their id and size. */
  readonly lost: AckedRecord[];
  /** Consumed records whose offset is not above the previous one of the same partition. */
  readonly outOfOrder: ConsumedRecord[];
  /** Consumed records whose value is not the one the producer built (torn or mixed up). */
  readonly corrupt: ConsumedRecord[];
  /** Ids consumed more than once (retries of a send that had been written). */
  readonly duplicates: string[];
  readonly consumedCount: number;
}

/** Compares what was acknowledged with what was drained. */
export function checkContract(
  acked: readonly AckedRecord[],
  consumed: readonly ConsumedRecord[],
): ContractReport {
  const byPosition = new Map<string, ConsumedRecord>();
  const seen = new Map<string, number>();
  const last = new Map<number, number>();
  const outOfOrder: ConsumedRecord[] = [];
  for (const record of consumed) {
    byPosition.set(`${record.partition}@${record.offset}`, record);
    seen.set(record.value, (seen.get(record.value) ?? 0) + 1);
    const previous = last.get(record.partition);
    if (previous !== undefined && record.offset <= previous) outOfOrder.push(record);
    last.set(record.partition, record.offset);
  }
  const lost = acked.filter((r) => {
    const found = byPosition.get(`${r.partition}@${r.offset}`);
    return found === undefined || found.value !== r.value || found.bytes !== r.bytes;
  });
  const duplicates = [...seen].filter(([, count]) => count > 1).map(([value]) => value);
  return {
    lost,
    outOfOrder,
    corrupt: consumed.filter((r) => !r.intact),
    duplicates,
    consumedCount: consumed.length,
  };
}

/** One line for the test output: what was sent, what failed and why, what the drain found. */
export function describeRun(
  name: string,
  producer: ContinuousProducer,
  report: ContractReport,
): string {
  return (
    `${name}: ${producer.acked.length} acknowledged records, ${producer.failed.length} failed sends ` +
    `${JSON.stringify(producer.failureCounts())}, ${report.consumedCount} consumed, ` +
    `${report.duplicates.length} duplicates from retries ${JSON.stringify(report.duplicates.slice(0, 10))}`
  );
}
