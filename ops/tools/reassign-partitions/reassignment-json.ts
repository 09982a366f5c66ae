/**
 * The files and lists of `samsa reassign-partitions`, in Kafka 2.8's formats
 * (ReassignPartitionsCommand), with Kafka's checks and messages:
 *
 * - `--topics-to-move-json-file` (version 1; a missing version means 1):
 *     {"topics":[{"topic":"foo1"},{"topic":"foo2"}],"version":1}
 * - `--reassignment-json-file`, and what `--generate` / `--execute` print (version 1):
 *     {"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}
 *   `log_dirs` is optional (all "any"); samsa does not move replicas between the log
 *   directories of a broker, so any other value is refused.
 * - `--broker-list`: `1,2,3`.
 * Printed plans list partitions sorted by topic, then partition, in Kafka's key order.
 */
import { SamsaError } from '../../../client/errors';

/** A partition and its replicas (target, or current). */
export interface PartitionReplicas {
  topic: string;
  partition: number;
  replicas: number[];
}

/** A failure of the command (printed as `Error: <message>`, exit code 1). */
export class ReassignCommandError extends SamsaError {}

/** A failure Kafka reports with its message only (TerseReassignmentFailureException). */
export class TerseReassignmentFailure extends SamsaError {}

export const ANY_LOG_DIR = 'any';

/** Kafka's TopicPartition.toString: `foo-0`. */
export function partitionName(tp: { topic: string; partition: number }): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Kafka's compareTopicPartitions: by topic, then partition. */
export function compareTopicPartitions(
  a: { topic: string; partition: number },
  b: { topic: string; partition: number },
): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

/** The values listed more than once, in the order they first repeat (Kafka's duplicates). */
export function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const repeated = new Set<T>();
  for (const value of values) {
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  return [...repeated];
}

/** `--broker-list 1,2,3`, refusing non-numbers and repeats. */
export function parseBrokerList(text: string): number[] {
  const brokers = text.split(',').map((entry) => {
    if (!/^[+-]?\d+$/.test(entry) || !Number.isSafeInteger(Number(entry))) {
      throw new ReassignCommandError(`For input string: "${entry}"`);
    }
    return Number(entry);
  });
  const repeated = duplicates(brokers);
  if (repeated.length > 0) {
    throw new ReassignCommandError(`Broker list contains duplicate entries: ${repeated.join(',')}`);
  }
  return brokers;
}

/** The topics of a `--topics-to-move-json-file`, refusing repeats. */
export function parseTopicsToMove(text: string): string[] {
  const json = parseJsonObject(text, 'The input string is not a valid JSON');
  checkVersion(json);
  const topics = json.topics;
  if (topics === undefined) return [];
  if (!Array.isArray(topics)) throw new ReassignCommandError('"topics" must be an array');
  const names = topics.map((entry: unknown) => {
    const topic = isObject(entry) ? entry.topic : undefined;
    if (typeof topic !== 'string') {
      throw new ReassignCommandError(
        `every entry of "topics" needs "topic" (a string), got ${JSON.stringify(entry)}`,
      );
    }
    return topic;
  });
  const repeated = duplicates(names);
  if (repeated.length > 0) {
    throw new ReassignCommandError(
      `List of topics to reassign contains duplicate entries: ${repeated.join(',')}`,
    );
  }
  return names;
}

/**
 * The partitions of a `--reassignment-json-file` (Kafka's parsePartitionReassignmentData), in
 * file order, repeats kept (the execute checks refuse them).
 */
export function parseReassignmentPlan(text: string): PartitionReplicas[] {
  const json = parseJsonObject(text, 'The input string is not a valid JSON');
  checkVersion(json);
  const partitions = json.partitions;
  if (partitions === undefined) return [];
  if (!Array.isArray(partitions)) throw new ReassignCommandError('"partitions" must be an array');
  return partitions.map((entry: unknown): PartitionReplicas => {
    if (
      !isObject(entry) ||
      typeof entry.topic !== 'string' ||
      !Number.isInteger(entry.partition) ||
      !Array.isArray(entry.replicas) ||
      !entry.replicas.every((r) => Number.isInteger(r))
    ) {
      throw new ReassignCommandError(
        'every entry of "partitions" needs "topic" (a string), "partition" (an integer) and ' +
          `"replicas" (a list of broker ids), got ${JSON.stringify(entry)}`,
      );
    }
    const tp = {
      topic: entry.topic,
      partition: entry.partition as number,
      replicas: entry.replicas as number[],
    };
    const logDirs = entry.log_dirs;
    if (logDirs !== undefined) {
      if (!Array.isArray(logDirs) || !logDirs.every((d) => typeof d === 'string')) {
        throw new ReassignCommandError(
          `"log_dirs" of ${partitionName(tp)} must be a list of strings`,
        );
      }
      if (logDirs.length !== tp.replicas.length) {
        throw new ReassignCommandError(
          `Size of replicas list [${tp.replicas.join(', ')}] is different from size of log dirs ` +
            `list [${logDirs.join(', ')}] for partition ${partitionName(tp)}`,
        );
      }
      if (logDirs.some((d) => d !== ANY_LOG_DIR)) {
        throw new ReassignCommandError(
          `samsa does not move replicas between log directories: the log_dirs of ` +
            `${partitionName(tp)} must all be "any"`,
        );
      }
    }
    return tp;
  });
}

/** Kafka's checks of an --execute plan (parseExecuteAssignmentArgs). */
export function checkExecutePlan(plan: readonly PartitionReplicas[]): void {
  if (plan.length === 0) {
    throw new ReassignCommandError('Partition reassignment list cannot be empty');
  }
  if (plan.some((p) => p.replicas.length === 0)) {
    throw new ReassignCommandError('Partition replica list cannot be empty');
  }
  const repeated = duplicates(plan.map(partitionName));
  if (repeated.length > 0) {
    throw new ReassignCommandError(
      `Partition reassignment contains duplicate topic partitions: ${repeated.join(',')}`,
    );
  }
  const withRepeats = plan
    .map((p) => ({ p, repeated: duplicates(p.replicas) }))
    .filter((e) => e.repeated.length > 0);
  if (withRepeats.length > 0) {
    throw new ReassignCommandError(
      `Partition replica lists may not contain duplicate entries: ${withRepeats
        .map((e) => `${partitionName(e.p)} contains multiple entries for ${e.repeated.join(',')}`)
        .join('. ')}`,
    );
  }
}

/** Kafka's formatAsReassignmentJson: version 1, partitions sorted, every log dir "any". */
export function formatReassignmentJson(partitions: readonly PartitionReplicas[]): string {
  return JSON.stringify({
    version: 1,
    partitions: [...partitions].sort(compareTopicPartitions).map((p) => ({
      topic: p.topic,
      partition: p.partition,
      replicas: p.replicas,
      log_dirs: p.replicas.map(() => ANY_LOG_DIR),
    })),
  });
}

function parseJsonObject(text: string, invalid: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ReassignCommandError(invalid);
  }
  if (!isObject(json)) throw new ReassignCommandError(`${invalid}: expected a JSON object`);
  return json;
}

function checkVersion(json: Record<string, unknown>): void {
  const version = json.version ?? 1;
  if (version !== 1) {
    throw new ReassignCommandError(`Not supported version field value ${JSON.stringify(version)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
