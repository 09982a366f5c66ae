/**
 * The follower side's fetchers (Kafka's `ReplicaFetcherManager` / `AbstractFetcherManager`): one
 * ReplicaFetcher per (source broker, fetcher id), each carrying every partition this broker
 * follows from that source. A partition's fetcher id is Kafka's
 * `abs(31 * topic.hashCode + partition) % num.replica.fetchers`, so with the default of one
 * fetcher all partitions led by one broker share one connection and one Fetch request.
 */
import { type TopicPartition, topicPartitionName } from '../log/log-files';
import type { Partition } from './partition';
import { type BrokerAddress, ReplicaFetcher, type ReplicaFetcherConfig } from './replica-fetcher';

export interface ReplicaFetcherManagerOptions {
  readonly localBrokerId: number;
  /** num.replica.fetchers */
  readonly numFetchers: number;
  readonly config: ReplicaFetcherConfig;
  /** A broker's inter-broker endpoint, or undefined when unknown. */
  readonly endpointOf: (brokerId: number) => BrokerAddress | undefined;
  /** Monotonic clock, ms. */
  readonly clock: () => number;
}

/** A follower partition to replicate from `leaderId`. */
export interface FollowerAssignment {
  readonly partition: Partition;
  readonly leaderId: number;
  readonly leaderEpoch: number;
}

/** Java's String.hashCode. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  /** Which fetcher carries each partition. */
  private readonly owners = new Map<string, ReplicaFetcher>();
  private stopped = false;

  constructor(private readonly options: ReplicaFetcherManagerOptions) {}

  /** The fetcher id of a partition (Kafka's AbstractFetcherManager.getFetcherId). */
  fetcherId(tp: TopicPartition): number {
    const hash = (Math.imul(31, javaStringHash(tp.topic)) + tp.partition) | 0;
    return (hash & 0x7fffffff) % Math.max(1, this.options.numFetchers);
  }

  /** Hands partitions to the fetchers of their leaders (starting fetchers as needed). */
  addFetcherForPartitions(assignments: readonly FollowerAssignment[]): void {
    if (this.stopped) return;
    const byFetcher = new Map<ReplicaFetcher, FollowerAssignment[]>();
    for (const assignment of assignments) {
      const tp = assignment.partition.topicPartition;
      const fetcherId = this.fetcherId(tp);
      const key = `${assignment.leaderId}-${fetcherId}`;
      let fetcher = this.fetchers.get(key);
      if (fetcher === undefined) {
        const leaderId = assignment.leaderId;
        fetcher = new ReplicaFetcher({
          localBrokerId: this.options.localBrokerId,
          sourceBrokerId: leaderId,
          fetcherId,
          config: this.options.config,
          endpoint: () => this.options.endpointOf(leaderId),
          clock: this.options.clock,
        });
        this.fetchers.set(key, fetcher);
        fetcher.start();
      }
      this.owners.set(topicPartitionName(tp), fetcher);
      const list = byFetcher.get(fetcher);
      if (list === undefined) byFetcher.set(fetcher, [assignment]);
      else list.push(assignment);
    }
    for (const [fetcher, list] of byFetcher) {
      fetcher.addPartitions(
        list.map((a) => ({ partition: a.partition, leaderEpoch: a.leaderEpoch })),
      );
    }
  }

  /**
   * Takes partitions away from their fetchers; resolves once none of their appends or
   * truncations is running.
   */
  async removeFetcherForPartitions(tps: readonly TopicPartition[]): Promise<void> {
    const byFetcher = new Map<ReplicaFetcher, TopicPartition[]>();
    for (const tp of tps) {
      const name = topicPartitionName(tp);
      const fetcher = this.owners.get(name);
      if (fetcher === undefined) continue;
      this.owners.delete(name);
      const list = byFetcher.get(fetcher);
      if (list === undefined) byFetcher.set(fetcher, [tp]);
      else list.push(tp);
    }
    await Promise.all([...byFetcher].map(([fetcher, list]) => fetcher.removePartitions(list)));
  }

  /** Stops fetchers left without partitions. */
  async shutdownIdleFetchers(): Promise<void> {
    const idle = [...this.fetchers].filter(([, fetcher]) => fetcher.partitionCount === 0);
    for (const [key] of idle) this.fetchers.delete(key);
    await Promise.all(idle.map(([, fetcher]) => fetcher.shutdown()));
  }

  /** The fetcher carrying a partition, if any. */
  fetcherFor(tp: TopicPartition): ReplicaFetcher | undefined {
    const fetcher = this.owners.get(topicPartitionName(tp));
    return fetcher !== undefined && fetcher.fetchState(tp) !== undefined ? fetcher : undefined;
  }

  /** Running fetchers. */
  get fetcherCount(): number {
    return this.fetchers.size;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    this.owners.clear();
    await Promise.all(all.map((f) => f.shutdown()));
  }
}
