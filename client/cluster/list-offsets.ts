/**
 * Offset lookups by timestamp (ListOffsets), shared by the consumer (positions for earliest /
 * latest) and the admin client (`fetchTopicOffsets`): each partition is asked of its leader, one
 * request per leader, sent in parallel. `listOffsets` asks again, after a metadata refresh and a
 * backoff, the partitions that failed with a retriable error (leadership moved, broker
 * unreachable); `listOffsetsOnce` makes one round and reports the failures per partition (the
 * consumer backs off per partition instead).
 */
import { KafkaError, SamsaError } from '../errors';
import { ApiKey, RequestInit } from '../protocol/apis';
import type { Cluster } from './cluster';
import { withContext } from './error-context';
import { isStaleMetadataError } from './metadata';
import { retry } from './retry';

/** Kafka's special ListOffsets timestamps. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;

export interface OffsetQuery {
  readonly topic: string;
  readonly partition: number;
  /** Milliseconds since the epoch, or LATEST_TIMESTAMP (-1) / EARLIEST_TIMESTAMP (-2). */
  readonly timestamp: number;
}

export interface OffsetAnswer {
  readonly topic: string;
  readonly partition: number;
  /** -1 when no record has a timestamp at or after the one asked for. */
  readonly offset: number;
  readonly timestamp: number;
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** One round of lookups: the answers, and per failed query its error (naming broker, partition). */
export interface OffsetRound {
  readonly answers: OffsetAnswer[];
  readonly failures: { readonly query: OffsetQuery; readonly error: KafkaError }[];
}

/**
 * Asks each partition's current leader once (one request per leader, in parallel). A partition
 * without a known leader fails with LEADER_NOT_AVAILABLE; a failed request fails each of its
 * partitions with the request's error. Errors other than KafkaErrors are thrown.
 */
export async function listOffsetsOnce(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
): Promise<OffsetRound> {
  const answers: OffsetAnswer[] = [];
  const failures: { query: OffsetQuery; error: KafkaError }[] = [];
  const byLeader = new Map<number, OffsetQuery[]>();
  const seen = new Set<string>();
  for (const query of queries) {
    const id = key(query.topic, query.partition);
    if (seen.has(id)) {
      throw new SamsaError(
        `partition ${query.topic}-${query.partition} is asked twice in one ListOffsets lookup`,
      );
    }
    seen.add(id);
    const leader = cluster.leaderFor(query.topic, query.partition);
    if (leader < 0) {
      failures.push({
        query,
        error: new KafkaError('LEADER_NOT_AVAILABLE', 'no leader known', {
          topic: query.topic,
          partition: query.partition,
        }),
      });
      continue;
    }
    const list = byLeader.get(leader) ?? [];
    list.push(query);
    byLeader.set(leader, list);
  }
  await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      const asked = new Map(list.map((query) => [key(query.topic, query.partition), query]));
      try {
        const response = await cluster.request(leader, ApiKey.ListOffsets, request(list));
        for (const topic of response.topics) {
          for (const partition of topic.partitions) {
            const query = asked.get(key(topic.name, partition.partitionIndex));
            if (query === undefined) continue;
            asked.delete(key(topic.name, partition.partitionIndex));
            if (partition.errorCode !== 0) {
              failures.push({
                query,
                error: KafkaError.fromCode(partition.errorCode, undefined, {
                  broker: leader,
                  topic: topic.name,
                  partition: partition.partitionIndex,
                }),
              });
              continue;
            }
            answers.push({
              topic: topic.name,
              partition: partition.partitionIndex,
              offset: partition.offset,
              timestamp: partition.timestamp,
            });
          }
        }
        for (const query of asked.values()) {
          failures.push({
            query,
            error: new KafkaError(
              'UNKNOWN_SERVER_ERROR',
              'the ListOffsets response has no answer for it',
              {
                broker: leader,
                topic: query.topic,
                partition: query.partition,
              },
            ),
          });
        }
      } catch (error) {
        if (!(error instanceof KafkaError)) throw error;
        for (const query of list) {
          failures.push({
            query,
            error: withContext(error, {
              broker: leader,
              topic: query.topic,
              partition: query.partition,
            }) as KafkaError,
          });
        }
      }
    }),
  );
  return { answers, failures };
}

/**
 * Looks up offsets, retrying the partitions that failed with a retriable error (after a metadata
 * refresh when the error says it is stale); the answers come back in the order of `queries`.
 */
export async function listOffsets(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
): Promise<OffsetAnswer[]> {
  const answers = new Map<string, OffsetAnswer>();
  let pending = [...queries];
  let refresh = false;
  await retry(
    async () => {
      if (refresh) {
        refresh = false;
        await cluster.refreshMetadata();
      }
      const round = await listOffsetsOnce(cluster, pending);
      for (const answer of round.answers) answers.set(key(answer.topic, answer.partition), answer);
      const fatal = round.failures.find((failure) => !failure.error.retriable);
      if (fatal !== undefined) throw fatal.error;
      pending = round.failures.map((failure) => failure.query);
      if (round.failures.length > 0) throw round.failures[0].error;
    },
    cluster.retryOptions,
    {
      onRetry: (error) => {
        refresh = isStaleMetadataError(error);
      },
    },
  );
  return queries.map((query) => answers.get(key(query.topic, query.partition)) as OffsetAnswer);
}

function request(queries: readonly OffsetQuery[]): RequestInit<typeof ApiKey.ListOffsets> {
  const topics = new Map<string, { partitionIndex: number; timestamp: number }[]>();
  for (const query of queries) {
    const list = topics.get(query.topic) ?? [];
    list.push({ partitionIndex: query.partition, timestamp: query.timestamp });
    topics.set(query.topic, list);
  }
  return {
    replicaId: -1,
    isolationLevel: 0,
    topics: [...topics].map(([name, partitions]) => ({
      name,
      partitions: partitions.map((partition) => ({ ...partition, currentLeaderEpoch: -1 })),
    })),
  };
}

/** Per partition of a topic: the latest offset (high watermark, also `offset`) and the earliest. */
export async function partitionHighAndLow(
  cluster: Cluster,
  topic: string,
  partitions: readonly number[],
): Promise<{ partition: number; offset: number; high: number; low: number }[]> {
  const ask = (timestamp: number): Promise<OffsetAnswer[]> =>
    listOffsets(
      cluster,
      partitions.map((partition) => ({ topic, partition, timestamp })),
    );
  // One partition may appear once per ListOffsets request: latest and earliest are two.
  const [high, low] = await Promise.all([ask(LATEST_TIMESTAMP), ask(EARLIEST_TIMESTAMP)]);
  return partitions.map((partition, index) => ({
    partition,
    offset: high[index].offset,
    high: high[index].offset,
    low: low[index].offset,
  }));
}

/** Per partition of a topic: the first offset whose timestamp is at or after `timestamp`. */
export async function partitionOffsetsAt(
  cluster: Cluster,
  topic: string,
  partitions: readonly number[],
  timestamp: number,
): Promise<{ partition: number; offset: number }[]> {
  const answers = await listOffsets(
    cluster,
    partitions.map((partition) => ({ topic, partition, timestamp })),
  );
  return answers.map((answer) => ({ partition: answer.partition, offset: answer.offset }));
}
