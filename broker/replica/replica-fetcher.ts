/**
 * One replica fetcher (Kafka's `ReplicaFetcherThread`): replicates every partition this broker
 * follows from one source broker (for one fetcher id), over one connection to the source's
 * inter-broker listener, with samsa's protocol (client/network/Connection).
 *
 * Each partition is in one of two states:
 * - truncating (on being added, i.e. after every LeaderAndIsr that made us a follower with a new
 *   leader or epoch): the fetcher asks the leader, with OffsetsForLeaderEpoch, for the end offset
 *   of our latest leader epoch and truncates the local log as follower-truncation.ts decides,
 *   asking again when the leader answered an epoch we do not have;
 * - fetching: Fetch requests (replica_id = our broker id, current_leader_epoch, fetch_offset = our
 *   log end offset, log_start_offset) with replica.fetch.{wait.max.ms, min.bytes, max.bytes,
 *   response.max.bytes}; returned batches go to Log.appendAsFollower; the follower's high
 *   watermark becomes min(leader's high watermark, own log end offset).
 *
 * Errors, per partition:
 * - OFFSET_OUT_OF_RANGE (KAFKA-2143 care): ask the leader — in our leader epoch, so that a leader
 *   change in between is refused rather than believed — for its log end offset; if ours is
 *   larger, truncate to the leader's; otherwise ask for its log start offset and, only if our
 *   log ends before it, restart our log empty at the leader's start offset;
 * - FENCED_LEADER_EPOCH: our epoch is older than the leader's; the partition leaves the fetcher
 *   until a newer LeaderAndIsr adds it again;
 * - anything else (NOT_LEADER_OR_FOLLOWER, UNKNOWN_LEADER_EPOCH, ...): retry the partition after
 *   replica.fetch.backoff.ms. A failed request (connection lost, timeout) closes the connection
 *   and backs off every partition it carried.
 *
 * Removing partitions waits for the response processing under way, so that once
 * `removePartitions` resolves no append or truncation of those partitions is running (the
 * replica manager then makes them leader or hands them to another fetcher).
 */
import { type Logger, logger } from '../../client/logging';
import { Connection } from '../../client/network/connection';
import { ApiKey, type ResponseBody } from '../../client/protocol/apis';
import { type ErrorName, errorByCode } from '../../client/protocol/error-codes';
import { samsa } from '../../client/protocol/generated/messages';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type Log } from '../log/log';
import { OffsetsOutOfOrderError, UnexpectedAppendOffsetError } from '../log/log';
import { type TopicPartition, topicPartitionName } from '../log/log-files';
import { truncationFor } from './follower-truncation';
import type { Partition } from './partition';

export interface ReplicaFetcherConfig {
  /** replica.fetch.max.bytes: per partition. */
  readonly fetchMaxBytes: number;
  /** replica.fetch.min.bytes */
  readonly fetchMinBytes: number;
  /** replica.fetch.wait.max.ms */
  readonly fetchWaitMaxMs: number;
  /** replica.fetch.response.max.bytes: per response. */
  readonly fetchResponseMaxBytes: number;
  /** replica.fetch.backoff.ms */
  readonly fetchBackoffMs: number;
  /** replica.socket.timeout.ms: deadline of each request. */
  readonly socketTimeoutMs: number;
}

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ReplicaFetcherOptions {
  readonly localBrokerId: number;
  readonly sourceBrokerId: number;
  readonly fetcherId: number;
  readonly config: ReplicaFetcherConfig;
  /** The source broker's inter-broker endpoint, looked up at each (re)connection. */
  readonly endpoint: () => BrokerAddress | undefined;
  /** Monotonic clock, ms. */
  readonly clock: () => number;
}

/** A partition handed to a fetcher: the follower partition and the epoch it follows in. */
export interface FetcherPartition {
  readonly partition: Partition;
  readonly leaderEpoch: number;
}

interface PartitionFetchState {
  readonly key: string;
  readonly partition: Partition;
  readonly leaderEpoch: number;
  fetchOffset: number;
  truncating: boolean;
  /** Monotonic time before which the partition is not fetched (back-off). */
  delayedUntil: number;
}

type FetchResponse = ResponseBody<typeof ApiKey.Fetch>;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Groups partitions by topic, keeping first-seen order. */
function byTopic<T extends { partition: Partition }>(states: readonly T[]): Map<string, T[]> {
  const topics = new Map<string, T[]>();
  for (const state of states) {
    const topic = state.partition.topicPartition.topic;
    const list = topics.get(topic);
    if (list === undefined) topics.set(topic, [state]);
    else list.push(state);
  }
  return topics;
}

export class ReplicaFetcher {
  readonly name: string;
  private readonly log: Logger;
  private readonly partitions = new Map<string, PartitionFetchState>();
  private connection: Connection | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private processing: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(private readonly options: ReplicaFetcherOptions) {
    this.name = `ReplicaFetcherThread-${options.fetcherId}-${options.sourceBrokerId}`;
    this.log = logger(
      `ReplicaFetcher replicaId=${options.localBrokerId}, leaderId=${options.sourceBrokerId}, fetcherId=${options.fetcherId}`,
    );
  }

  get sourceBrokerId(): number {
    return this.options.sourceBrokerId;
  }

  /** Partitions this fetcher replicates. */
  get partitionCount(): number {
    return this.partitions.size;
  }

  /** The fetch offset of a partition, or undefined when the fetcher does not carry it. */
  fetchState(tp: TopicPartition): { fetchOffset: number; truncating: boolean } | undefined {
    const state = this.partitions.get(topicPartitionName(tp));
    return state && { fetchOffset: state.fetchOffset, truncating: state.truncating };
  }

  start(): void {
    if (this.running !== undefined) return;
    this.running = this.run();
  }

  /** Adds partitions, each in the truncating state (a partition already here is replaced). */
  addPartitions(entries: readonly FetcherPartition[]): void {
    for (const { partition, leaderEpoch } of entries) {
      const log = partition.localLogOrUndefined;
      if (log === undefined) continue;
      const key = partition.name;
      this.partitions.set(key, {
        key,
        partition,
        leaderEpoch,
        fetchOffset: log.logEndOffset,
        truncating: true,
        delayedUntil: 0,
      });
    }
    this.wake();
  }

  /** Removes partitions; resolves once no append or truncation of theirs is running. */
  async removePartitions(tps: readonly TopicPartition[]): Promise<void> {
    for (const tp of tps) this.partitions.delete(topicPartitionName(tp));
    await this.processing;
  }

  /** Stops fetching and closes the connection. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.wake();
    this.connection?.close();
    await this.running;
    await this.processing;
  }

  // ---------------------------------------------------------------------------------------------
  // The loop

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = this.options.clock();
      const ready = [...this.partitions.values()].filter((s) => s.delayedUntil <= now);
      if (ready.length === 0) {
        await this.idle();
        continue;
      }
      const connection = this.connect();
      if (connection === undefined) {
        this.backOff(ready, `no endpoint known for broker ${this.options.sourceBrokerId}`);
        continue;
      }
      const truncating = ready.filter((s) => s.truncating);
      try {
        if (truncating.length > 0) await this.truncate(connection, truncating);
        else await this.fetch(connection, ready);
        this.failing = false;
      } catch (error) {
        if (this.stopped) break;
        if (this.connection === connection) {
          connection.close();
          this.connection = undefined;
        }
        this.backOff(truncating.length > 0 ? truncating : ready, message(error));
      }
    }
    this.connection?.close();
  }

  /** Waits until woken up (partitions added, shutdown) or the next back-off ends. */
  private idle(): Promise<void> {
    const now = this.options.clock();
    let next = Infinity;
    for (const s of this.partitions.values()) next = Math.min(next, s.delayedUntil);
    return new Promise<void>((resolve) => {
      const timer =
        next === Infinity ? undefined : setTimeout(resolve, Math.max(1, Math.ceil(next - now)));
      this.wakeUp = () => {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
    }).then(() => {
      this.wakeUp = undefined;
    });
  }

  private wake(): void {
    this.wakeUp?.();
  }

  private connect(): Connection | undefined {
    if (this.connection !== undefined && this.connection.state !== 'closed') return this.connection;
    const address = this.options.endpoint();
    if (address === undefined) return undefined;
    const { config } = this.options;
    this.connection = new Connection({
      host: address.host,
      port: address.port,
      clientId: `broker-${this.options.localBrokerId}-fetcher-${this.options.fetcherId}`,
      brokerId: this.options.sourceBrokerId,
      connectTimeoutMs: config.socketTimeoutMs,
      requestTimeoutMs: config.socketTimeoutMs,
      maxInFlightRequests: 1,
    });
    return this.connection;
  }

  private backOff(states: readonly PartitionFetchState[], reason: string): void {
    const line = `Error in fetch from broker ${this.options.sourceBrokerId} (${states.length} partitions); retrying in ${this.options.config.fetchBackoffMs} ms: ${reason}`;
    if (this.failing) this.log.debug(line);
    else this.log.warn(line);
    this.failing = true;
    this.delay(states);
  }

  private delay(states: readonly PartitionFetchState[]): void {
    const until = this.options.clock() + this.options.config.fetchBackoffMs;
    for (const s of states) s.delayedUntil = until;
  }

  /** Runs response processing so that removePartitions can wait for it. */
  private guarded(work: () => Promise<void>): Promise<void> {
    const done = work();
    this.processing = done.catch(() => undefined);
    return done;
  }

  /** Runs one partition's step; a failure backs off that partition only. */
  private async isolated(
    state: PartitionFetchState,
    what: string,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.log.error(`Error in ${what} of partition ${state.key}: ${message(error)}`);
      this.delay([state]);
    }
  }

  /** True when `state` is still the fetcher's state for its partition. */
  private current(state: PartitionFetchState): boolean {
    return this.partitions.get(state.key) === state;
  }

  // ---------------------------------------------------------------------------------------------
  // Truncation

  private async truncate(
    connection: Connection,
    states: readonly PartitionFetchState[],
  ): Promise<void> {
    const asked: { state: PartitionFetchState; epoch: number }[] = [];
    await this.guarded(async () => {
      for (const state of states) {
        const log = state.partition.localLogOrUndefined;
        if (log === undefined || !this.current(state)) continue;
        const epoch = log.latestEpoch();
        if (epoch !== undefined) {
          asked.push({ state, epoch });
          continue;
        }
        // A log without epoch information: Kafka's fallback, the high watermark.
        await this.isolated(state, 'truncation', async () => {
          await this.truncateLog(state, log, Math.min(log.highWatermark, log.logEndOffset));
          this.truncationDone(state, log);
        });
      }
    });
    if (asked.length === 0) return;
    const response = await connection.request(ApiKey.OffsetsForLeaderEpoch, {
      replicaId: this.options.localBrokerId,
      topics: [...byTopic(asked.map((a) => ({ ...a, partition: a.state.partition })))].map(
        ([topic, entries]) => ({
          topic,
          partitions: entries.map((e) => ({
            partition: e.state.partition.topicPartition.partition,
            currentLeaderEpoch: e.state.leaderEpoch,
            leaderEpoch: e.epoch,
          })),
        }),
      ),
    });
    const sent = new Map(asked.map((a) => [a.state.key, a]));
    await this.guarded(async () => {
      for (const topic of response.topics) {
        for (const answer of topic.partitions) {
          const entry = sent.get(
            topicPartitionName({ topic: topic.topic, partition: answer.partition }),
          );
          if (entry === undefined || !this.current(entry.state)) continue;
          const { state } = entry;
          const log = state.partition.localLogOrUndefined;
          const error = errorByCode(answer.errorCode).name;
          if (log === undefined) continue;
          if (error !== 'NONE') {
            this.partitionError(state, error, 'OffsetsForLeaderEpoch');
            continue;
          }
          const decision = truncationFor(
            { leaderEpoch: answer.leaderEpoch, endOffset: answer.endOffset },
            {
              logEndOffset: log.logEndOffset,
              highWatermark: log.highWatermark,
              endOffsetForEpoch: (epoch) => log.endOffsetForEpoch(epoch),
            },
          );
          this.log.info(
            `Truncating partition ${state.key} with TruncationState(offset=${decision.offset}, completed=${decision.completed}) ` +
              `due to leader epoch and offset EpochEndOffset(leaderEpoch=${answer.leaderEpoch}, endOffset=${answer.endOffset}) ` +
              `for our epoch ${entry.epoch} (log end offset ${log.logEndOffset})`,
          );
          await this.isolated(state, 'truncation', async () => {
            await this.truncateLog(state, log, decision.offset);
            if (decision.completed) this.truncationDone(state, log);
          });
        }
      }
    });
  }

  /** Truncates to `offset` (Log.truncateTo also drops leader epochs past the log end). */
  private async truncateLog(state: PartitionFetchState, log: Log, offset: number): Promise<void> {
    if (!this.current(state)) return;
    await log.truncateTo(offset);
  }

  private truncationDone(state: PartitionFetchState, log: Log): void {
    if (!this.current(state)) return;
    state.truncating = false;
    state.fetchOffset = log.logEndOffset;
  }

  // ---------------------------------------------------------------------------------------------
  // Fetching

  private async fetch(
    connection: Connection,
    ready: readonly PartitionFetchState[],
  ): Promise<void> {
    const { config } = this.options;
    const sent = new Map<string, { state: PartitionFetchState; fetchOffset: number }>();
    const topics: samsa.FetchRequest.Topic.$Properties[] = [];
    for (const [topic, states] of byTopic(ready)) {
      const partitions: samsa.FetchRequest.Partition.$Properties[] = [];
      for (const state of states) {
        const log = state.partition.localLogOrUndefined;
        if (log === undefined) continue;
        sent.set(state.key, { state, fetchOffset: state.fetchOffset });
        partitions.push({
          partition: state.partition.topicPartition.partition,
          currentLeaderEpoch: state.leaderEpoch,
          fetchOffset: state.fetchOffset,
          logStartOffset: log.logStartOffset,
          partitionMaxBytes: config.fetchMaxBytes,
        });
      }
      if (partitions.length > 0) topics.push({ topic, partitions });
    }
    if (topics.length === 0) return;
    const response: FetchResponse = await connection.request(ApiKey.Fetch, {
      replicaId: this.options.localBrokerId,
      maxWaitMs: config.fetchWaitMaxMs,
      minBytes: config.fetchMinBytes,
      maxBytes: config.fetchResponseMaxBytes,
      isolationLevel: samsa.IsolationLevel.READ_UNCOMMITTED,
      topics,
    });
    const outOfRange: PartitionFetchState[] = [];
    await this.guarded(async () => {
      if (response.errorCode !== 0) {
        const error = errorByCode(response.errorCode).name;
        this.backOff(
          [...sent.values()].map((s) => s.state),
          `fetch failed with ${error}`,
        );
        return;
      }
      for (const topic of response.responses) {
        for (const data of topic.partitions) {
          const key = topicPartitionName({ topic: topic.topic, partition: data.partition });
          const entry = sent.get(key);
          if (entry === undefined) continue;
          const { state } = entry;
          if (!this.current(state) || state.truncating || state.fetchOffset !== entry.fetchOffset) {
            continue;
          }
          const error = errorByCode(data.errorCode).name;
          if (error === 'OFFSET_OUT_OF_RANGE') outOfRange.push(state);
          else if (error !== 'NONE') this.partitionError(state, error, 'Fetch');
          else await this.isolated(state, 'append', () => this.append(state, data));
        }
      }
    });
    for (const state of outOfRange) await this.handleOutOfRange(connection, state);
  }

  private async append(
    state: PartitionFetchState,
    data: samsa.FetchResponse.Partition,
  ): Promise<void> {
    const log = state.partition.localLogOrUndefined;
    if (log === undefined) return;
    const records = asBuffer(data.records);
    if (records.length > 0) {
      try {
        await this.appendToFollowerLog(log, records);
      } catch (error) {
        if (!(
          error instanceof UnexpectedAppendOffsetError || error instanceof OffsetsOutOfOrderError
        )) {
          throw error;
        }
        this.log.warn(`Partition ${state.key}: ${error.message}; truncating again`);
        state.truncating = true;
        this.delay([state]);
        return;
      }
      state.fetchOffset = log.logEndOffset;
    }
    log.updateHighWatermark(Math.min(data.highWatermark, log.logEndOffset));
    const leaderStart = data.logStartOffset;
    if (leaderStart > log.logStartOffset && leaderStart <= log.highWatermark) {
      await log.maybeIncrementLogStartOffset(leaderStart);
    }
  }

  /**
   * Log.appendAsFollower, except for the first batch of an empty log that starts inside that
   * batch (the leader's log start offset fell in the middle of a batch, e.g. after
   * OFFSET_OUT_OF_RANGE restarted our log there): the log then restarts at the batch's base
   * offset, as Kafka's Partition.appendRecordsToFollowerOrFutureReplica does.
   */
  private async appendToFollowerLog(log: Log, records: Buffer): Promise<void> {
    try {
      await log.appendAsFollower(records);
    } catch (error) {
      const end = log.logEndOffset;
      if (
        !(error instanceof UnexpectedAppendOffsetError) ||
        end !== log.logStartOffset ||
        error.firstOffset >= end ||
        error.lastOffset < end
      ) {
        throw error;
      }
      this.log.info(
        `Unexpected offset in append to ${topicPartitionName(log.topicPartition)}. First offset ${error.firstOffset} ` +
          `is less than log start offset ${end}. Since this is the first record to be appended to the follower's log, ` +
          `will start the log from offset ${error.firstOffset}.`,
      );
      await log.truncateFullyAndStartAt(error.firstOffset);
      await log.appendAsFollower(records);
    }
  }

  private partitionError(state: PartitionFetchState, error: ErrorName, api: string): void {
    if (error === 'FENCED_LEADER_EPOCH') {
      this.log.info(
        `Partition ${state.key} has an older epoch (${state.leaderEpoch}) than the current leader. ` +
          `Will await the new LeaderAndIsr state before resuming fetching.`,
      );
      this.partitions.delete(state.key);
      return;
    }
    this.log.debug(`${api} of ${state.key} failed with ${error}; retrying after back-off`);
    this.delay([state]);
  }

  /** OFFSET_OUT_OF_RANGE (Kafka's fetchOffsetAndTruncate). */
  private async handleOutOfRange(
    connection: Connection,
    state: PartitionFetchState,
  ): Promise<void> {
    const fetchOffset = state.fetchOffset;
    const latest = await this.leaderOffset(connection, state, LATEST_TIMESTAMP);
    if (latest.error !== 'NONE') {
      this.partitionError(state, latest.error, 'ListOffsets');
      return;
    }
    const leaderEnd = latest.offset;
    let leaderStart: number | undefined;
    const endBefore = state.partition.localLogOrUndefined?.logEndOffset;
    if (endBefore !== undefined && leaderEnd >= endBefore) {
      const earliest = await this.leaderOffset(connection, state, EARLIEST_TIMESTAMP);
      if (earliest.error !== 'NONE') {
        this.partitionError(state, earliest.error, 'ListOffsets');
        return;
      }
      leaderStart = earliest.offset;
    }
    await this.guarded(() =>
      this.isolated(state, 'out-of-range handling', async () => {
        const log = state.partition.localLogOrUndefined;
        if (log === undefined || !this.current(state) || state.fetchOffset !== fetchOffset) return;
        const localEnd = log.logEndOffset;
        if (leaderEnd < localEnd) {
          this.log.warn(
            `Reset fetch offset for partition ${state.key} from ${localEnd} to the leader's latest offset ${leaderEnd}, truncating`,
          );
          await this.truncateLog(state, log, leaderEnd);
          state.fetchOffset = log.logEndOffset;
          return;
        }
        const start = leaderStart ?? localEnd;
        if (start > localEnd) {
          this.log.warn(
            `Partition ${state.key}: the leader's log starts at ${start}, after our log end offset ${localEnd}; ` +
              `restarting our log there`,
          );
          await log.truncateFullyAndStartAt(start);
        }
        state.fetchOffset = Math.max(start, localEnd);
      }),
    );
  }

  /**
   * The leader's latest (-1: its log end offset, as replicas see it) or earliest (-2) offset,
   * asked in our leader epoch, or the error the leader answered.
   */
  private async leaderOffset(
    connection: Connection,
    state: PartitionFetchState,
    timestamp: number,
  ): Promise<{ error: ErrorName; offset: number }> {
    const { topic, partition } = state.partition.topicPartition;
    const response = await connection.request(ApiKey.ListOffsets, {
      replicaId: this.options.localBrokerId,
      topics: [
        {
          name: topic,
          partitions: [
            { partitionIndex: partition, currentLeaderEpoch: state.leaderEpoch, timestamp },
          ],
        },
      ],
    });
    const answer = response.topics
      .find((t) => t.name === topic)
      ?.partitions.find((p) => p.partitionIndex === partition);
    if (answer === undefined) return { error: 'UNKNOWN_SERVER_ERROR', offset: -1 };
    return { error: errorByCode(answer.errorCode).name, offset: answer.offset };
  }
}
