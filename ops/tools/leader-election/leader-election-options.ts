/**
 * The command line of `samsa leader-election` (Kafka 2.8's LeaderElectionCommand): the flags, the
 * checks Kafka makes before contacting the cluster (with its messages), and the JSON file of
 * `--path-to-json-file`:
 *
 *   {"partitions": [{"topic": "foo", "partition": 1}, {"topic": "foobar", "partition": 2}]}
 *
 * Exactly one of `--topic` (with `--partition`), `--all-topic-partitions` or
 * `--path-to-json-file` chooses the partitions. `--admin.config` is not supported (samsa's client
 * has no TLS/SASL settings to pass).
 */
import { readFile } from 'node:fs/promises';
import type { ElectionType } from '../../../client/admin/admin';
import { UsageError, has, parseWholeNumber, single } from '../console/command-line';

/** The flags as the command line gave them (absent flags are undefined). */
export interface LeaderElectionFlags {
  'bootstrap-server'?: string | string[];
  'election-type'?: string | string[];
  topic?: string | string[];
  partition?: string | string[];
  'all-topic-partitions'?: boolean;
  'path-to-json-file'?: string | string[];
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** The validated command. */
export interface LeaderElectionCommand {
  bootstrapServer: string;
  electionType: ElectionType;
  /** The partitions from `--topic`/`--partition`, or the JSON file's path; neither: all. */
  partitions:
    { kind: 'all' } | { kind: 'one'; tp: TopicPartition } | { kind: 'file'; path: string };
}

/** Kafka's LeaderElectionCommand.validate, then the values; throws UsageError. */
export function parseLeaderElectionCommand(flags: LeaderElectionFlags): LeaderElectionCommand {
  const missing: string[] = [];
  if (!has(flags['bootstrap-server'])) missing.unshift('bootstrap-server');
  if (!has(flags['election-type'])) missing.unshift('election-type');
  if (missing.length > 0) {
    throw new UsageError(`Missing required option(s): ${missing.join(', ')}`);
  }
  const choices = ['topic', 'all-topic-partitions', 'path-to-json-file'] as const;
  if (choices.filter((name) => has(flags[name])).length !== 1) {
    throw new UsageError(
      `One and only one of the following options is required: ${choices.join(', ')}`,
    );
  }
  if (has(flags.topic) && !has(flags.partition)) {
    throw new UsageError('Missing required option(s): partition');
  }
  if (!has(flags.topic) && has(flags.partition)) {
    throw new UsageError('Option partition is only allowed if topic is used');
  }
  const electionType = parseElectionType(single(flags['election-type']) as string);
  const bootstrapServer = single(flags['bootstrap-server']) as string;
  const topic = single(flags.topic);
  const file = single(flags['path-to-json-file']);
  if (topic !== undefined) {
    const partition = parseWholeNumber('partition', single(flags.partition) as string, 0);
    return { bootstrapServer, electionType, partitions: { kind: 'one', tp: { topic, partition } } };
  }
  if (file !== undefined)
    return { bootstrapServer, electionType, partitions: { kind: 'file', path: file } };
  return { bootstrapServer, electionType, partitions: { kind: 'all' } };
}

/** `preferred` / `unclean`, in any case (Kafka's ElectionType enum). */
export function parseElectionType(text: string): ElectionType {
  const upper = text.trim().toUpperCase();
  if (upper === 'PREFERRED' || upper === 'UNCLEAN') return upper;
  throw new UsageError(
    `Cannot parse argument '${text}' of option election-type: expected preferred or unclean`,
  );
}

/** Reads and parses the `--path-to-json-file` file (Kafka's parseReplicaElectionData). */
export async function readReplicaElectionFile(path: string): Promise<TopicPartition[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseReplicaElectionData(text);
}

/** Parses the JSON of a replica election file; throws UsageError with Kafka's messages. */
export function parseReplicaElectionData(text: string): TopicPartition[] {
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (json === undefined || json === null) throw new UsageError('Replica election data is empty');
  if (typeof json !== 'object' || Array.isArray(json) || !('partitions' in json)) {
    throw new UsageError('Replica election data is missing "partitions" field');
  }
  const list = (json as { partitions: unknown }).partitions;
  if (!Array.isArray(list)) {
    throw new UsageError('Replica election data: "partitions" must be an array');
  }
  const partitions = list.map((entry: unknown): TopicPartition => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (
      typeof e.topic !== 'string' ||
      !Number.isInteger(e.partition) ||
      (e.partition as number) < 0
    ) {
      throw new UsageError(
        `Replica election data: every entry needs "topic" (a string) and "partition" (an integer >= 0), got ${JSON.stringify(entry)}`,
      );
    }
    return { topic: e.topic, partition: e.partition as number };
  });
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const tp of partitions) {
    const key = `${tp.topic}-${tp.partition}`;
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    throw new UsageError(
      `Replica election data contains duplicate partitions: ${[...duplicates].join(',')}`,
    );
  }
  return partitions;
}
