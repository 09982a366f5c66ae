/**
 * `samsa leader-election`: Kafka 2.8's LeaderElectionCommand over the admin client. It asks the
 * controller for preferred or unclean elections (ElectLeaders) for one partition, the partitions
 * of a JSON file, or every partition, and prints Kafka's lines (partitions sorted by topic, then
 * partition; Kafka prints them in hash order):
 *
 *   Successfully completed leader election (PREFERRED) for partitions t-0, t-2
 *   Valid replica already elected for partitions t-1
 *   Error completing leader election (PREFERRED) for partition: t-3: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect leader for partition t-3 under strategy PreferredReplicaPartitionLeaderElectionStrategy
 *
 * With any error the command fails (exit code 1) with `N replica(s) could not be elected`. The
 * election waits up to 15 s for the new leaders to show in the controller's metadata (Kafka's
 * tool: half of its 30 s timeout).
 */
import type {
  ElectionType,
  PartitionResult,
  TopicPartitionList,
} from '../../../client/admin/admin';
import { SamsaError } from '../../../client/errors';
import { errorText } from '../console/command-line';
import type { ToolOutput } from '../console/output';
import { kafkaExceptionName } from './kafka-exception-name';
import {
  LeaderElectionCommand,
  TopicPartition,
  readReplicaElectionFile,
} from './leader-election-options';

/** The admin operations the tool uses. */
export interface LeaderElectionAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  electLeaders(options: {
    electionType: ElectionType;
    topicPartitions?: TopicPartitionList[];
    timeout?: number;
  }): Promise<PartitionResult[]>;
}

export const ELECTION_TIMEOUT_MS = 15000;

/** Runs a validated command; throws (after printing the failed partitions) on failure. */
export async function runLeaderElection(
  command: LeaderElectionCommand,
  admin: LeaderElectionAdmin,
  output: ToolOutput,
): Promise<void> {
  const partitions = await selectedPartitions(command);
  await admin.connect();
  let results: PartitionResult[];
  try {
    results = await admin.electLeaders({
      electionType: command.electionType,
      topicPartitions: partitions === undefined ? undefined : byTopic(partitions),
      timeout: ELECTION_TIMEOUT_MS,
    });
  } finally {
    await admin.disconnect();
  }
  await output.stdout(electionReport(command.electionType, results).join(''));
  const failed = results.filter((r) => r.error !== null && r.error.type !== 'ELECTION_NOT_NEEDED');
  if (failed.length > 0) {
    throw new SamsaError(`${failed.length} replica(s) could not be elected`);
  }
}

/** Kafka's output lines for the election results (each ends with a newline). */
export function electionReport(electionType: ElectionType, results: PartitionResult[]): string[] {
  const sorted = [...results].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );
  const name = (r: PartitionResult): string => `${r.topic}-${r.partition}`;
  const succeeded = sorted.filter((r) => r.error === null);
  const noop = sorted.filter((r) => r.error?.type === 'ELECTION_NOT_NEEDED');
  const failed = sorted.filter((r) => r.error !== null && r.error.type !== 'ELECTION_NOT_NEEDED');
  const lines: string[] = [];
  if (succeeded.length > 0) {
    lines.push(
      `Successfully completed leader election (${electionType}) for partitions ${succeeded.map(name).join(', ')}\n`,
    );
  }
  if (noop.length > 0) {
    lines.push(`Valid replica already elected for partitions ${noop.map(name).join(', ')}\n`);
  }
  for (const r of failed) {
    const error = r.error as NonNullable<PartitionResult['error']>;
    lines.push(
      `Error completing leader election (${electionType}) for partition: ${name(r)}: ` +
        `${kafkaExceptionName(error.type)}: ${errorText(error)}\n`,
    );
  }
  return lines;
}

async function selectedPartitions(
  command: LeaderElectionCommand,
): Promise<TopicPartition[] | undefined> {
  switch (command.partitions.kind) {
    case 'all':
      return undefined;
    case 'one':
      return [command.partitions.tp];
    case 'file':
      return readReplicaElectionFile(command.partitions.path);
  }
}

function byTopic(partitions: TopicPartition[]): TopicPartitionList[] {
  const topics = new Map<string, number[]>();
  for (const tp of partitions) {
    const list = topics.get(tp.topic) ?? [];
    list.push(tp.partition);
    topics.set(tp.topic, list);
  }
  return [...topics].map(([topic, list]) => ({ topic, partitions: list }));
}
