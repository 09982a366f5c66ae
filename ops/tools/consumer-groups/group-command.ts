/**
 * `samsa consumer-groups`: Kafka 2.8's ConsumerGroupCommand over samsa's group admin.
 *
 * - `--list` prints the consumer groups (protocol type `consumer`, or empty for groups that only
 *   hold offsets) of every broker; with `--state [states]` a GROUP STATE table, filtered.
 * - `--describe` (`--group g`... or `--all-groups`): the offsets view (each assigned partition with
 *   its committed offset, log end offset, lag and owner, members with the most partitions first,
 *   then the committed partitions nobody owns), `--members [--verbose]`, or `--state`.
 * - `--reset-offsets`: for each group that is Empty (or does not exist yet), plans the new offsets
 *   (reset-plan.ts) and, with `--execute`, commits them; prints the plan (or, with `--export`,
 *   CSV). A group with members is refused with Kafka's message.
 * - `--delete`: deletes groups, reporting each failure with the Java exception Kafka names.
 *
 * Output and messages are Kafka's (group-output.ts). Where Kafka 2.8 prints an `Error:` line but
 * exits with 0 (a group that does not exist, a refused reset, a failed deletion, a failed
 * request), samsa exits with 1, so scripts can tell. Usage errors found while running (e.g.
 * --shift-by on a partition without a committed offset) are thrown as UsageError, as the command
 * line's are.
 */
import { readFile } from 'node:fs/promises';
import { DeleteGroupsError, GroupDescription } from '../../../client/admin/group-admin';
import { decodeAssignment } from '../../../client/consumer/consumer-protocol';
import { KafkaError } from '../../../client/errors';
import type { ErrorName } from '../../../client/protocol/error-codes';
import { UsageError, errorText } from '../console/command-line';
import type { ToolOutput } from '../console/output';
import { compileDateFormat } from '../perf/date-format';
import type { ConsumerGroupAdmin } from './group-client';
import {
  DescribedGroup,
  GroupResetPlan,
  MISSING,
  MemberRow,
  PartitionAssignmentRow,
  exportResetPlan,
  printDeleteResults,
  printError,
  printGroupIds,
  printGroupStates,
  printMembers,
  printOffsets,
  printResetPlan,
  printStates,
} from './group-output';
import type { ConsumerGroupCommand, GroupScope, ParsedConsumerGroupCommand } from './group-options';
import {
  PlannedOffset,
  TopicPartition,
  parseResetFile,
  partitionKey,
  planReset,
} from './reset-plan';

/** What a run may take from its surroundings (tests give their own). */
export interface GroupCommandEnvironment {
  /** The clock, ms since the epoch (for --by-duration and log lines). */
  now?: () => number;
  /** Reads the --from-file plan. */
  readFile?: (file: string) => Promise<string>;
}

/** log4j's date format, as Kafka's tools print their log lines (local time). */
const log4jTime = compileDateFormat('yyyy-MM-dd HH:mm:ss,SSS');

type ResetCommand = Extract<ConsumerGroupCommand, { action: 'reset-offsets' }>;

/**
 * Connects, runs the command and disconnects; resolves to the exit code (0, or 1 after an
 * `Error:` line). UsageErrors are thrown after disconnecting.
 */
export async function runConsumerGroupCommand(
  parsed: ParsedConsumerGroupCommand,
  admin: ConsumerGroupAdmin,
  output: ToolOutput,
  environment: GroupCommandEnvironment = {},
): Promise<number> {
  for (const notice of parsed.notices) output.stderr(`${notice}\n`);
  const { command } = parsed;
  const now = environment.now ?? Date.now;
  try {
    await admin.connect();
    switch (command.action) {
      case 'list':
        await listGroups(admin, output, command.states);
        return 0;
      case 'describe':
        return await describeGroups(admin, output, command);
      case 'delete':
        return await deleteGroups(admin, output, command.scope);
      case 'reset-offsets':
        return await resetOffsets(admin, output, command, {
          now,
          readFile: environment.readFile ?? ((file) => readFile(file, 'utf8')),
        });
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    await printError(output, `Executing consumer group command failed due to ${errorText(error)}`);
    return 1;
  } finally {
    await admin.disconnect();
  }
}

/** Consumer groups (protocol type `consumer` or empty) of every broker. */
async function listConsumerGroups(
  admin: ConsumerGroupAdmin,
  states?: string[],
): Promise<{ groupId: string; groupState: string }[]> {
  const { groups } = await admin.listGroups(states === undefined ? undefined : { states });
  return groups.filter(
    (group) =>
      (group.protocolType === 'consumer' || group.protocolType === '') &&
      (states === undefined || states.length === 0 || states.includes(group.groupState)),
  );
}

async function listGroups(
  admin: ConsumerGroupAdmin,
  output: ToolOutput,
  states: string[] | undefined,
): Promise<void> {
  const groups = await listConsumerGroups(admin, states);
  if (states === undefined) {
    await printGroupIds(
      output,
      groups.map((group) => group.groupId),
    );
  } else {
    await printGroupStates(
      output,
      groups.map((group) => ({ group: group.groupId, state: group.groupState })),
    );
  }
}

async function groupIdsOf(admin: ConsumerGroupAdmin, scope: GroupScope): Promise<string[]> {
  if (!scope.allGroups) return scope.groups;
  return (await listConsumerGroups(admin)).map((group) => group.groupId);
}

/**
 * Kafka's describeConsumerGroups: each group's description, sorted by group id; a group of
 * another protocol type (e.g. Kafka Connect's) is an error.
 */
async function describeConsumerGroups(
  admin: ConsumerGroupAdmin,
  groupIds: string[],
): Promise<GroupDescription[]> {
  if (groupIds.length === 0) return [];
  const { groups } = await admin.describeGroups(groupIds);
  for (const group of groups) {
    if (group.protocolType !== '' && group.protocolType !== 'consumer') {
      throw new Error(`GroupId ${group.groupId} is not a consumer group (${group.protocolType}).`);
    }
  }
  return [...groups].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

/** The member's partitions, from its ConsumerProtocol Assignment bytes. */
function membersAssignment(member: GroupDescription['members'][number]): TopicPartition[] {
  return [...decodeAssignment(member.memberAssignment).partitions];
}

/** The group's committed offsets by partitionKey (a negative offset is no commit). */
async function committedOffsets(
  admin: ConsumerGroupAdmin,
  groupId: string,
): Promise<Map<string, { tp: TopicPartition; offset: number }>> {
  const committed = new Map<string, { tp: TopicPartition; offset: number }>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
    for (const { partition, offset } of partitions) {
      if (offset >= 0)
        committed.set(partitionKey({ topic, partition }), { tp: { topic, partition }, offset });
    }
  }
  return committed;
}

/**
 * Log start and end offsets of the topics of `partitions`, by partitionKey; partitions of a topic
 * that does not exist (any more) are absent.
 */
async function logOffsets(
  admin: ConsumerGroupAdmin,
  partitions: readonly TopicPartition[],
): Promise<Map<string, { start: number; end: number }>> {
  const offsets = new Map<string, { start: number; end: number }>();
  const topics = [...new Set(partitions.map((tp) => tp.topic))];
  await Promise.all(
    topics.map(async (topic) => {
      let answers: { partition: number; high: number; low: number }[];
      try {
        answers = await admin.fetchTopicOffsets(topic);
      } catch (error) {
        if (error instanceof KafkaError && error.type === 'UNKNOWN_TOPIC_OR_PARTITION') return;
        throw error;
      }
      for (const { partition, high, low } of answers) {
        offsets.set(partitionKey({ topic, partition }), { start: low, end: high });
      }
    }),
  );
  return offsets;
}

async function describeGroups(
  admin: ConsumerGroupAdmin,
  output: ToolOutput,
  command: Extract<ConsumerGroupCommand, { action: 'describe' }>,
): Promise<number> {
  const groups = await describeConsumerGroups(admin, await groupIdsOf(admin, command.scope));
  switch (command.view) {
    case 'offsets': {
      const described = new Map<string, DescribedGroup<PartitionAssignmentRow>>();
      for (const group of groups) {
        described.set(group.groupId, {
          state: group.state,
          rows: await offsetRows(admin, group),
        });
      }
      await printOffsets(output, described);
      break;
    }
    case 'members': {
      const described = new Map<string, DescribedGroup<MemberRow>>();
      for (const group of groups) {
        described.set(group.groupId, {
          state: group.state,
          rows: group.members.map((member) => {
            const assignment = membersAssignment(member);
            return {
              group: group.groupId,
              consumerId: member.memberId,
              host: member.clientHost,
              clientId: member.clientId,
              groupInstanceId: member.groupInstanceId ?? '',
              numPartitions: assignment.length,
              assignment: command.verbose ? assignment : [],
            };
          }),
        });
      }
      await printMembers(output, described, command.verbose);
      break;
    }
    case 'state':
      await printStates(
        output,
        groups.map((group) => ({
          group: group.groupId,
          coordinator: {
            host: group.coordinator.host,
            port: group.coordinator.port,
            id: group.coordinator.nodeId,
          },
          assignmentStrategy: group.protocol,
          state: group.state,
          numMembers: group.members.length,
        })),
      );
      break;
  }
  return groups.some((group) => group.state === 'Dead') ? 1 : 0;
}

/**
 * Kafka's collectGroupsOffsets for one group: the members with partitions (most partitions
 * first; each member's partitions by partition number), then the committed partitions no member
 * owns (by topic and partition).
 */
async function offsetRows(
  admin: ConsumerGroupAdmin,
  group: GroupDescription,
): Promise<PartitionAssignmentRow[]> {
  const committed = await committedOffsets(admin, group.groupId);
  const owned = group.members
    .map((member) => ({ member, partitions: membersAssignment(member) }))
    .filter(({ partitions }) => partitions.length > 0)
    .sort((a, b) => b.partitions.length - a.partitions.length);
  const assigned = new Set(owned.flatMap(({ partitions }) => partitions.map(partitionKey)));
  const unowned = [...committed.values()]
    .filter(({ tp }) => !assigned.has(partitionKey(tp)))
    .map(({ tp }) => tp)
    .sort(compareTopicPartitions);
  const log = await logOffsets(admin, [
    ...owned.flatMap(({ partitions }) => partitions),
    ...unowned,
  ]);
  const row = (
    tp: TopicPartition,
    owner: { consumerId: string; host: string; clientId: string },
  ): PartitionAssignmentRow => {
    const offset = committed.get(partitionKey(tp))?.offset;
    const logEndOffset = log.get(partitionKey(tp))?.end;
    return {
      group: group.groupId,
      topic: tp.topic,
      partition: tp.partition,
      offset,
      logEndOffset,
      lag: offset !== undefined && logEndOffset !== undefined ? logEndOffset - offset : undefined,
      ...owner,
    };
  };
  return [
    ...owned.flatMap(({ member, partitions }) =>
      [...partitions]
        .sort((a, b) => a.partition - b.partition)
        .map((tp) =>
          row(tp, {
            consumerId: member.memberId,
            host: member.clientHost,
            clientId: member.clientId,
          }),
        ),
    ),
    ...unowned.map((tp) => row(tp, { consumerId: MISSING, host: MISSING, clientId: MISSING })),
  ];
}

/** The Java exception Kafka's admin client reports for a group error (`Class: message`). */
const JAVA_EXCEPTIONS: Partial<Record<ErrorName, string>> = {
  NON_EMPTY_GROUP: 'GroupNotEmptyException',
  GROUP_ID_NOT_FOUND: 'GroupIdNotFoundException',
  INVALID_GROUP_ID: 'InvalidGroupIdException',
  GROUP_AUTHORIZATION_FAILED: 'GroupAuthorizationException',
  COORDINATOR_NOT_AVAILABLE: 'CoordinatorNotAvailableException',
  NOT_COORDINATOR: 'NotCoordinatorException',
  COORDINATOR_LOAD_IN_PROGRESS: 'CoordinatorLoadInProgressException',
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
};

function javaException(error: KafkaError): string {
  const name = JAVA_EXCEPTIONS[error.type];
  const message = errorText(error);
  return name === undefined ? message : `org.apache.kafka.common.errors.${name}: ${message}`;
}

async function deleteGroups(
  admin: ConsumerGroupAdmin,
  output: ToolOutput,
  scope: GroupScope,
): Promise<number> {
  const groupIds = await groupIdsOf(admin, scope);
  let results: { groupId: string; error?: KafkaError }[];
  try {
    results = groupIds.length === 0 ? [] : await admin.deleteGroups(groupIds);
  } catch (error) {
    if (!(error instanceof DeleteGroupsError)) throw error;
    results = error.groups;
  }
  await printDeleteResults(
    output,
    results.map((result) => ({
      group: result.groupId,
      error: result.error === undefined ? undefined : javaException(result.error),
    })),
  );
  return results.some((result) => result.error !== undefined) ? 1 : 0;
}

async function resetOffsets(
  admin: ConsumerGroupAdmin,
  output: ToolOutput,
  command: ResetCommand,
  environment: Required<GroupCommandEnvironment>,
): Promise<number> {
  const singleGroup =
    !command.scope.allGroups && command.scope.groups.length === 1
      ? command.scope.groups[0]
      : undefined;
  const fromFile =
    command.scenario.kind === 'from-file'
      ? parseResetFile(await environment.readFile(command.scenario.file), singleGroup)
      : undefined;
  const groups = await describeConsumerGroups(admin, await groupIdsOf(admin, command.scope));
  const plans: GroupResetPlan[] = [];
  let failed = false;
  for (const group of groups) {
    if (group.state !== 'Empty' && group.state !== 'Dead') {
      await printError(
        output,
        `Assignments can only be reset if the group '${group.groupId}' is inactive, but the current state is ${group.state}.`,
      );
      plans.push({ group: group.groupId, offsets: [] });
      failed = true;
      continue;
    }
    let requested: PlannedOffset[] | undefined;
    if (fromFile !== undefined) {
      requested = fromFile.get(group.groupId);
      if (requested === undefined) {
        await printError(output, `No reset plan for group ${group.groupId} found`);
        plans.push({ group: group.groupId, offsets: [] });
        failed = true;
        continue;
      }
    }
    const offsets = await planGroup(
      admin,
      output,
      command,
      group.groupId,
      requested,
      environment.now,
    );
    if (command.execute) await commit(admin, group.groupId, offsets);
    plans.push({ group: group.groupId, offsets });
  }
  if (command.export) {
    await output.stdout(`${exportResetPlan(plans, singleGroup !== undefined)}\n`);
  } else {
    await printResetPlan(output, plans);
  }
  return failed ? 1 : 0;
}

/** Kafka's getPartitionsToReset and prepareOffsetsToReset for one group. */
async function planGroup(
  admin: ConsumerGroupAdmin,
  output: ToolOutput,
  command: ResetCommand,
  groupId: string,
  requested: PlannedOffset[] | undefined,
  now: () => number,
): Promise<PlannedOffset[]> {
  const committed = await committedOffsets(admin, groupId);
  const partitions: TopicPartition[] = [];
  if (requested !== undefined) {
    // --from-file: the file's partitions, whatever the scope says (as Kafka).
    partitions.push(...requested.map(({ topic, partition }) => ({ topic, partition })));
  } else if (command.topics?.allTopics === true) {
    partitions.push(...[...committed.values()].map(({ tp }) => tp).sort(compareTopicPartitions));
  } else if (command.topics !== undefined) {
    for (const { topic, partitions: listed } of command.topics.topics) {
      const numbers =
        listed ?? (await admin.fetchTopicOffsets(topic)).map((answer) => answer.partition);
      partitions.push(...numbers.map((partition) => ({ topic, partition })));
    }
  }
  const scenario = command.scenario;
  let byTimestamp: Map<string, number> | undefined;
  if (scenario.kind === 'to-datetime' || scenario.kind === 'by-duration') {
    const timestamp =
      scenario.kind === 'to-datetime'
        ? scenario.timestamp
        : Math.floor(now() - scenario.durationMs);
    byTimestamp = new Map();
    for (const topic of new Set(partitions.map((tp) => tp.topic))) {
      for (const answer of await admin.fetchTopicOffsetsByTimestamp(topic, timestamp)) {
        byTimestamp.set(partitionKey({ topic, partition: answer.partition }), answer.offset);
      }
    }
  }
  const plan = planReset(scenario, {
    partitions,
    committed: new Map([...committed].map(([key, { offset }]) => [key, offset])),
    log: await logOffsets(admin, partitions),
    byTimestamp,
    requested:
      requested === undefined
        ? undefined
        : new Map(requested.map((entry) => [partitionKey(entry), entry.offset])),
  });
  for (const warning of plan.warnings) {
    output.stderr(`[${log4jTime(now())}] WARN ${warning} (kafka.admin.ConsumerGroupCommand$)\n`);
  }
  return plan.offsets;
}

/** Commits the planned offsets, one request per topic. */
async function commit(
  admin: ConsumerGroupAdmin,
  groupId: string,
  offsets: readonly PlannedOffset[],
): Promise<void> {
  const byTopic = new Map<string, { partition: number; offset: number }[]>();
  for (const { topic, partition, offset } of offsets) {
    const list = byTopic.get(topic) ?? [];
    list.push({ partition, offset });
    byTopic.set(topic, list);
  }
  for (const [topic, partitions] of byTopic) {
    await admin.setOffsets({ groupId, topic, partitions });
  }
}

function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}
