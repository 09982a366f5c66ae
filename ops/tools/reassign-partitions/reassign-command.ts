/**
 * `samsa reassign-partitions`: Kafka 2.8's ReassignPartitionsCommand over the admin client
 * (AlterPartitionReassignments / ListPartitionReassignments through the controller), with its
 * output:
 *
 * - `--generate`: the current assignment of the topics to move and a proposal over the given
 *   brokers (Kafka's rack-unaware assignment, broker/controller/replica-assignment.ts: random
 *   start, so two runs may differ), as `Current partition replica assignment` + JSON, a blank
 *   line, `Proposed partition reassignment configuration` + JSON. Nothing is changed.
 * - `--execute`: refuses to start while reassignments are in progress unless `--additional`;
 *   checks the broker ids; prints the current assignment of the partitions
 *   (`Save this to use as the --reassignment-json-file option during rollback`), starts the
 *   reassignments and prints `Successfully started partition reassignment(s) for t-0,t-1`.
 * - `--verify`: `Status of partition reassignment:` and per partition `Reassignment of partition
 *   t-0 is complete.`, `... is still in progress.`, or `There is no active reassignment of
 *   partition t-0, but replica set is 1,2 rather than 2,3.` (then Kafka's empty line for log
 *   directory moves).
 * - `--cancel`: cancels the file's partitions that are being reassigned
 *   (`Successfully cancelled partition reassignment(s) for: t-0`).
 * - `--list`: `Current partition reassignments:` and `t-0: replicas: 2,3,1. adding: 3.
 *   removing: 1.` per partition, or `No partition reassignments found.`
 * Kafka's lines about replication throttles are not printed: samsa has none. A failure prints
 * `Error: <message>` (or Kafka's terse message) on standard output, and the exit code is 1.
 */
import { readFile } from 'node:fs/promises';
import { KafkaError } from '../../../client/errors';
import type {
  AlterPartitionReassignmentsOptions,
  ListPartitionReassignmentsResponse,
  PartitionResult,
  TopicPartitionList,
} from '../../../client/admin/admin';
import { assignReplicasToBrokers } from '../../../broker/controller/replica-assignment';
import { errorText } from '../console/command-line';
import type { ToolOutput } from '../console/output';
import type { ReassignCommand } from './reassign-options';
import {
  PartitionReplicas,
  ReassignCommandError,
  TerseReassignmentFailure,
  checkExecutePlan,
  compareTopicPartitions,
  formatReassignmentJson,
  parseBrokerList,
  parseReassignmentPlan,
  parseTopicsToMove,
  partitionName,
} from './reassignment-json';

/** The admin operations the tool uses (samsa's Admin has them). */
export interface ReassignAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  describeCluster(): Promise<{ brokers: { nodeId: number }[] }>;
  fetchTopicMetadata(options: { topics: string[] }): Promise<{
    topics: {
      name: string;
      partitions: readonly { partitionId: number; replicas: readonly number[] }[];
    }[];
  }>;
  listPartitionReassignments(options?: {
    topics?: TopicPartitionList[];
  }): Promise<ListPartitionReassignmentsResponse>;
  alterPartitionReassignments(
    options: AlterPartitionReassignmentsOptions,
  ): Promise<PartitionResult[]>;
}

export const CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE =
  'Cannot execute because there is an existing partition assignment.  Use --additional to ' +
  'override this and create a new partition assignment in addition to the existing one. The ' +
  '--additional flag can also be used to change the throttle by resubmitting the current ' +
  'reassignment.';

/** Runs a validated command; returns the exit code (0, or 1 after printing the failure). */
export async function runReassignCommand(
  command: ReassignCommand,
  admin: ReassignAdmin,
  output: ToolOutput,
): Promise<number> {
  let connected = false;
  try {
    const input = await readInput(command);
    await admin.connect();
    connected = true;
    const text = await run(command, input, admin);
    await output.stdout(text);
    return 0;
  } catch (error) {
    await output.stdout(
      error instanceof TerseReassignmentFailure
        ? `${error.message}\n`
        : `Error: ${errorText(error)}\n`,
    );
    return 1;
  } finally {
    if (connected) await admin.disconnect();
  }
}

interface Input {
  plan: PartitionReplicas[];
  topics: string[];
  brokers: number[];
}

/** Reads and checks the files and lists the action needs, before contacting the cluster. */
async function readInput(command: ReassignCommand): Promise<Input> {
  const input: Input = { plan: [], topics: [], brokers: [] };
  switch (command.action) {
    case 'generate':
      input.brokers = parseBrokerList(command.brokerList as string);
      input.topics = parseTopicsToMove(await readText(command.topicsToMoveJsonFile as string));
      break;
    case 'execute':
      input.plan = parseReassignmentPlan(await readText(command.reassignmentJsonFile as string));
      checkExecutePlan(input.plan);
      break;
    case 'verify':
    case 'cancel':
      input.plan = parseReassignmentPlan(await readText(command.reassignmentJsonFile as string));
      break;
    case 'list':
      break;
  }
  return input;
}

async function run(command: ReassignCommand, input: Input, admin: ReassignAdmin): Promise<string> {
  switch (command.action) {
    case 'generate':
      return generate(admin, input.topics, input.brokers);
    case 'execute':
      return execute(admin, input.plan, command.additional);
    case 'verify':
      return verify(admin, input.plan);
    case 'cancel':
      return cancel(admin, input.plan);
    case 'list':
      return list(await admin.listPartitionReassignments());
  }
}

// ---- --generate ----------------------------------------------------------------------------------

async function generate(
  admin: ReassignAdmin,
  topics: string[],
  brokers: number[],
): Promise<string> {
  const current = await replicaAssignments(admin, topics);
  const live = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  const proposed = proposeAssignment(
    current,
    brokers.filter((id) => live.has(id)),
  );
  return (
    `Current partition replica assignment\n${formatReassignmentJson(current)}\n\n` +
    `Proposed partition reassignment configuration\n${formatReassignmentJson(proposed)}\n`
  );
}

/**
 * Kafka's calculateAssignment: per topic, its partition count and replication factor assigned
 * afresh over `brokers` with the rack-unaware assignment.
 */
export function proposeAssignment(
  current: readonly PartitionReplicas[],
  brokers: readonly number[],
): PartitionReplicas[] {
  const byTopic = new Map<string, PartitionReplicas[]>();
  for (const p of current) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  const proposed: PartitionReplicas[] = [];
  for (const [topic, partitions] of byTopic) {
    const sorted = [...partitions].sort(compareTopicPartitions);
    try {
      const assignment = assignReplicasToBrokers(brokers, sorted.length, sorted[0].replicas.length);
      for (const [partition, replicas] of assignment) proposed.push({ topic, partition, replicas });
    } catch (error) {
      throw new ReassignCommandError(errorText(error));
    }
  }
  return proposed;
}

// ---- --execute -----------------------------------------------------------------------------------

async function execute(
  admin: ReassignAdmin,
  plan: PartitionReplicas[],
  additional: boolean,
): Promise<string> {
  const ongoing = await admin.listPartitionReassignments();
  if (!additional && ongoing.topics.some((t) => t.partitions.length > 0)) {
    throw new TerseReassignmentFailure(CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE);
  }
  const known = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
  const unknown = plan.flatMap((p) => p.replicas).find((id) => !known.has(id));
  if (unknown !== undefined) throw new ReassignCommandError(`Unknown broker id ${unknown}`);
  const planned = new Set(plan.map(partitionName));
  const current = (await replicaAssignments(admin, [...new Set(plan.map((p) => p.topic))])).filter(
    (p) => planned.has(partitionName(p)),
  );
  const before =
    `Current partition replica assignment\n\n${formatReassignmentJson(current)}\n\n` +
    'Save this to use as the --reassignment-json-file option during rollback\n';
  const results = await admin.alterPartitionReassignments({
    topics: groupByTopic(plan).map(([topic, partitions]) => ({
      topic,
      partitionAssignment: partitions.map((p) => ({
        partition: p.partition,
        replicas: p.replicas,
      })),
    })),
  });
  const errors = failures(results);
  if (errors.length > 0) {
    throw new TerseReassignmentFailure(
      `${before}Error reassigning partition(s):\n${errors
        .map((r) => `${partitionName(r)}: ${errorText(r.error)}`)
        .join('\n')}`,
    );
  }
  const names = [...plan].sort(compareTopicPartitions).map(partitionName);
  return (
    before +
    `Successfully started partition reassignment${names.length === 1 ? '' : 's'} for ${names.join(',')}\n`
  );
}

// ---- --verify ------------------------------------------------------------------------------------

/** A partition's reassignment state (Kafka's PartitionReassignmentState). */
export interface PartitionReassignmentState {
  topic: string;
  partition: number;
  currentReplicas: number[];
  targetReplicas: number[];
  done: boolean;
}

async function verify(admin: ReassignAdmin, plan: PartitionReplicas[]): Promise<string> {
  const ongoing = reassignmentMap(await admin.listPartitionReassignments());
  const toDescribe = [
    ...new Set(plan.filter((p) => !ongoing.has(partitionName(p))).map((p) => p.topic)),
  ];
  const described = new Map<string, number[]>();
  for (const topic of toDescribe) {
    for (const p of (await replicaAssignmentsOrNone(admin, topic)) ?? []) {
      described.set(partitionName(p), p.replicas);
    }
  }
  const states = plan.map((p): PartitionReassignmentState => {
    const inProgress = ongoing.get(partitionName(p));
    return {
      topic: p.topic,
      partition: p.partition,
      currentReplicas: inProgress ?? described.get(partitionName(p)) ?? [],
      targetReplicas: p.replicas,
      done: inProgress === undefined,
    };
  });
  return `${partitionReassignmentStatesToString(states)}\n\n`;
}

/** Kafka's partitionReassignmentStatesToString (lines without a final newline). */
export function partitionReassignmentStatesToString(
  states: readonly PartitionReassignmentState[],
): string {
  const lines = ['Status of partition reassignment:'];
  for (const state of [...states].sort(compareTopicPartitions)) {
    const name = partitionName(state);
    if (!state.done) {
      lines.push(`Reassignment of partition ${name} is still in progress.`);
    } else if (state.currentReplicas.join(',') === state.targetReplicas.join(',')) {
      lines.push(`Reassignment of partition ${name} is complete.`);
    } else {
      lines.push(
        `There is no active reassignment of partition ${name}, but replica set is ` +
          `${state.currentReplicas.join(',')} rather than ${state.targetReplicas.join(',')}.`,
      );
    }
  }
  return lines.join('\n');
}

// ---- --cancel ------------------------------------------------------------------------------------

async function cancel(admin: ReassignAdmin, plan: PartitionReplicas[]): Promise<string> {
  const asked = groupByTopic(plan).map(([topic, partitions]) => ({
    topic,
    partitions: [...new Set(partitions.map((p) => p.partition))],
  }));
  const ongoing = await admin.listPartitionReassignments({ topics: asked });
  const reassigning = ongoing.topics
    .flatMap((t) =>
      t.partitions
        .filter((p) => p.addingReplicas.length > 0 || p.removingReplicas.length > 0)
        .map((p) => ({ topic: t.topic, partition: p.partition })),
    )
    .sort(compareTopicPartitions);
  let text: string;
  if (reassigning.length === 0) {
    text = 'None of the specified partition reassignments are active.\n';
  } else {
    const results = await admin.alterPartitionReassignments({
      topics: groupByTopic(reassigning).map(([topic, partitions]) => ({
        topic,
        partitionAssignment: partitions.map((p) => ({ partition: p.partition, replicas: null })),
      })),
    });
    const errors = failures(results);
    if (errors.length > 0) {
      throw new TerseReassignmentFailure(
        `Error cancelling partition reassignment${errors.length === 1 ? '' : 's'} for:\n${errors
          .map((r) => `${partitionName(r)}: ${errorText(r.error)}`)
          .join('\n')}`,
      );
    }
    text =
      `Successfully cancelled partition reassignment${reassigning.length === 1 ? '' : 's'} for: ` +
      `${reassigning.map(partitionName).join(',')}\n`;
  }
  return `${text}None of the specified partition moves are active.\n`;
}

// ---- --list --------------------------------------------------------------------------------------

/** Kafka's curReassignmentsToString. */
export function list(reassignments: ListPartitionReassignmentsResponse): string {
  const lines = reassignments.topics
    .flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, ...p })))
    .sort(compareTopicPartitions)
    .map(
      (p) =>
        `${partitionName(p)}: replicas: ${p.replicas.join(',')}.` +
        (p.addingReplicas.length === 0 ? '' : ` adding: ${p.addingReplicas.join(',')}.`) +
        (p.removingReplicas.length === 0 ? '' : ` removing: ${p.removingReplicas.join(',')}.`),
    );
  return lines.length === 0
    ? 'No partition reassignments found.\n'
    : `Current partition reassignments:\n${lines.join('\n')}\n`;
}

// ---- helpers -------------------------------------------------------------------------------------

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ReassignCommandError(
      `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Every partition of `topics` with its replicas; an unknown topic fails the command. */
async function replicaAssignments(
  admin: ReassignAdmin,
  topics: readonly string[],
): Promise<PartitionReplicas[]> {
  const result: PartitionReplicas[] = [];
  for (const topic of topics) {
    const partitions = await replicaAssignmentsOrNone(admin, topic);
    if (partitions === null) throw new ReassignCommandError(`Topic ${topic} not found.`);
    result.push(...partitions);
  }
  return result;
}

/** A topic's partitions with their replicas, or null when the topic does not exist. */
async function replicaAssignmentsOrNone(
  admin: ReassignAdmin,
  topic: string,
): Promise<PartitionReplicas[] | null> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return (metadata.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => ({
      topic,
      partition: p.partitionId,
      replicas: [...p.replicas],
    }));
  } catch (error) {
    if (error instanceof KafkaError && error.type === 'UNKNOWN_TOPIC_OR_PARTITION') return null;
    throw error;
  }
}

function reassignmentMap(response: ListPartitionReassignmentsResponse): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const t of response.topics) {
    for (const p of t.partitions)
      map.set(partitionName({ topic: t.topic, partition: p.partition }), p.replicas);
  }
  return map;
}

function groupByTopic<T extends { topic: string }>(entries: readonly T[]): Array<[string, T[]]> {
  const byTopic = new Map<string, T[]>();
  for (const entry of entries)
    byTopic.set(entry.topic, [...(byTopic.get(entry.topic) ?? []), entry]);
  return [...byTopic];
}

function failures(results: PartitionResult[]): Array<PartitionResult & { error: KafkaError }> {
  return results
    .filter((r): r is PartitionResult & { error: KafkaError } => r.error !== null)
    .sort(compareTopicPartitions);
}
