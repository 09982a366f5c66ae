/**
 * Shared pieces of the replication fault tests (the replicated topic itself is
 * test/cluster/replicated-topic.ts): a continuous acks=all producer that records every acknowledged
 * record (partition, offset, value) and every failed send (with Kafka's error name), a drain of
 * the whole topic from the beginning up to the high watermarks, and the contract check that
 * compares the acknowledged records with the drained ones.
 */
import { KafkaError, Producer, Samsa } from '../../client';
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

export interface AckedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

export interface FailedSend {
  readonly partition: number;
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

/**
 * One sequential acks=all send loop per partition (one record per send, value
 * `<tag>-p<partition>-<n>`), until `stop()`; each outcome is recorded.
 */
export class ContinuousProducer {
  readonly acked: AckedRecord[] = [];
  readonly failed: FailedSend[] = [];
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly samsa: Samsa;
  private readonly producer: Producer;

  constructor(
    cluster: TestCluster,
    private readonly topic: string,
    private readonly tag: string,
    options: { timeout?: number; retries?: number } = {},
  ) {
    this.samsa = new Samsa({ clientId: `fault-${tag}`, brokers: cluster.bootstrapServers() });
    this.producer = this.samsa.producer({
      acks: 'all',
      timeout: options.timeout ?? 4000,
      retry: { retries: options.retries ?? 5, initialRetryTime: 200, maxRetryTime: 2000 },
      metadataMaxAge: 2000,
    });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    for (let p = 0; p < PARTITIONS; p++) this.loops.push(this.loop(p));
  }

  /** How many sends were acknowledged so far. */
  get ackedCount(): number {
    return this.acked.length;
  }

  private async loop(partition: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const value = `${this.tag}-p${partition}-${n}`;
      try {
        const [meta] = await this.producer.send({
          topic: this.topic,
          messages: [{ value, partition }],
        });
        this.acked.push({ partition, offset: meta.baseOffset, value });
      } catch (error) {
        this.failed.push({ partition, value, reason: errorName(error) });
      }
    }
  }

  /** Ends the loops (each after its current send) and disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await this.producer.disconnect();
  }
}

/**
 * Reads every partition of `topic` from the beginning up to its current high watermark (asked
 * of the cluster first) and returns the records in the order each partition delivered them.
 */
export async function drainTopic(
  bootstrap: string[],
  topic: string,
  timeoutMs = 30000,
): Promise<AckedRecord[]> {
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
  const consumed: AckedRecord[] = [];
  const next = ends.map(() => 0);
  const consumer = samsa.consumer({ maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    consumer.assign(
      [...Array(PARTITIONS).keys()].map((partition) => ({ topic, partition })),
      { fromBeginning: true },
    );
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        consumed.push({
          partition,
          offset: message.offset,
          value: message.value?.toString() ?? '',
        });
        next[partition] = message.offset + 1;
      },
    });
    try {
      await waitFor(() => next.every((n, p) => n >= ends[p]), {
        timeoutMs,
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
  /** Acknowledged records not found at their offset with their value. */
  readonly lost: AckedRecord[];
  /** Consumed records whose offset is not above the previous one of the same partition. */
  readonly outOfOrder: AckedRecord[];
  /** Values consumed more than once (retries of a send that had been written). */
  readonly duplicates: string[];
  readonly consumedCount: number;
}

/** Compares what was acknowledged with what was drained. */
export function checkContract(
  acked: readonly AckedRecord[],
  consumed: readonly AckedRecord[],
): ContractReport {
  const byPosition = new Map<string, string>();
  const seen = new Map<string, number>();
  const last = new Map<number, number>();
  const outOfOrder: AckedRecord[] = [];
  for (const record of consumed) {
    byPosition.set(`${record.partition}@${record.offset}`, record.value);
    seen.set(record.value, (seen.get(record.value) ?? 0) + 1);
    const previous = last.get(record.partition);
    if (previous !== undefined && record.offset <= previous) outOfOrder.push(record);
    last.set(record.partition, record.offset);
  }
  const lost = acked.filter((r) => byPosition.get(`${r.partition}@${r.offset}`) !== r.value);
  const duplicates = [...seen].filter(([, count]) => count > 1).map(([value]) => value);
  return { lost, outOfOrder, duplicates, consumedCount: consumed.length };
}
