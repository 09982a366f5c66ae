/**
 * What `samsa consumer-groups` prints, character for character as Kafka 2.8's
 * ConsumerGroupCommand prints it: left-aligned columns (Java's `%-Ns`, never truncated) whose
 * widths Kafka computes from the content (at least 15 for GROUP, TOPIC, CONSUMER-ID, HOST and
 * CLIENT-ID; 17 for GROUP-INSTANCE-ID; 25 for the coordinator), `-` for a missing value, a blank
 * line before each table, and Kafka's state messages:
 *
 * - stdout `\nError: Consumer group 'g' does not exist.` for a Dead group;
 * - stderr `\nConsumer group 'g' has no active members.` for an Empty group and
 *   `\nWarning: Consumer group 'g' is rebalancing.` for one that is rebalancing;
 *   a table follows only when there are rows.
 *
 * Kafka's quirks are kept: the --members header and rows end with a space (the #PARTITIONS
 * column's padding then a separator), the --state table sizes its GROUP column by the
 * coordinator's text, and the reset plan prints its header even for a group it refused.
 */
import type { ToolOutput } from '../console/output';

export const MISSING = '-';

/** One row of the default (--offsets) view. Absent fields print as `-`. */
export interface PartitionAssignmentRow {
  group: string;
  topic?: string;
  partition?: number;
  /** The committed offset. */
  offset?: number;
  logEndOffset?: number;
  lag?: number;
  consumerId?: string;
  host?: string;
  clientId?: string;
}

/** One row of the --members view. */
export interface MemberRow {
  group: string;
  consumerId: string;
  host: string;
  clientId: string;
  /** Empty for a dynamic member. */
  groupInstanceId: string;
  numPartitions: number;
  /** Filled with --verbose. */
  assignment: { topic: string; partition: number }[];
}

/** The --state view of one group. */
export interface GroupStateRow {
  group: string;
  coordinator: { host: string; port: number; id: number };
  assignmentStrategy: string;
  state: string;
  numMembers: number;
}

/** A described group: its state and rows (offsets or members). */
export interface DescribedGroup<R> {
  state: string;
  rows: R[];
}

/** One group's planned (or executed) reset. */
export interface GroupResetPlan {
  group: string;
  offsets: { topic: string; partition: number; offset: number }[];
}

/** Java's `%-Ns`. */
function left(text: string, width: number): string {
  return text.padEnd(width);
}

function text(value: string | number | undefined): string {
  return value === undefined ? MISSING : String(value);
}

/** Kafka's printError: a blank line, then `Error: <message>`, on standard output. */
export async function printError(output: ToolOutput, message: string): Promise<void> {
  await output.stdout(`\nError: ${message}\n`);
}

/**
 * Kafka's shouldPrintMemberState: prints the state's message and says whether a table follows
 * (the group exists and there are rows). A state Kafka does not know is an error.
 */
export async function checkGroupState(
  output: ToolOutput,
  group: string,
  state: string,
  rows: number,
): Promise<boolean> {
  switch (state) {
    case 'Dead':
      await printError(output, `Consumer group '${group}' does not exist.`);
      return false;
    case 'Empty':
      output.stderr(`\nConsumer group '${group}' has no active members.\n`);
      break;
    case 'PreparingRebalance':
    case 'CompletingRebalance':
      output.stderr(`\nWarning: Consumer group '${group}' is rebalancing.\n`);
      break;
    case 'Stable':
      break;
    default:
      throw new Error(`Expected a valid consumer group state, but found '${state}'.`);
  }
  return rows > 0;
}

/** `--list`: one group id per line. */
export async function printGroupIds(output: ToolOutput, groups: readonly string[]): Promise<void> {
  for (const group of groups) await output.stdout(`${group}\n`);
}

/** `--list --state`: a GROUP STATE table. */
export async function printGroupStates(
  output: ToolOutput,
  groups: readonly { group: string; state: string }[],
): Promise<void> {
  const width = Math.max(15, ...groups.map((g) => g.group.length));
  await output.stdout(`${left('GROUP', width)} STATE\n`);
  for (const { group, state } of groups) await output.stdout(`${left(group, width)} ${state}\n`);
}

/** `--describe` (--offsets): per group (in the order given), its state message and table. */
export async function printOffsets(
  output: ToolOutput,
  groups: ReadonlyMap<string, DescribedGroup<PartitionAssignmentRow>>,
): Promise<void> {
  for (const [group, { state, rows }] of groups) {
    if (!(await checkGroupState(output, group, state, rows.length))) continue;
    const widths = {
      group: Math.max(15, ...rows.map((r) => r.group.length)),
      topic: Math.max(15, ...rows.map((r) => text(r.topic).length)),
      consumerId: Math.max(15, ...rows.map((r) => text(r.consumerId).length)),
      host: Math.max(15, ...rows.map((r) => text(r.host).length)),
    };
    const line = (cells: string[]): string =>
      `${left(cells[0], widths.group)} ${left(cells[1], widths.topic)} ${left(cells[2], 10)} ${left(cells[3], 15)} ${left(cells[4], 15)} ${left(cells[5], 15)} ${left(cells[6], widths.consumerId)} ${left(cells[7], widths.host)} ${cells[8]}\n`;
    await output.stdout(
      `\n${line([
        'GROUP',
        'TOPIC',
        'PARTITION',
        'CURRENT-OFFSET',
        'LOG-END-OFFSET',
        'LAG',
        'CONSUMER-ID',
        'HOST',
        'CLIENT-ID',
      ])}`,
    );
    for (const row of rows) {
      await output.stdout(
        line([
          row.group,
          text(row.topic),
          text(row.partition),
          text(row.offset),
          text(row.logEndOffset),
          text(row.lag),
          text(row.consumerId),
          text(row.host),
          text(row.clientId),
        ]),
      );
    }
  }
}

/** Kafka's verbose ASSIGNMENT cell: `t1(0,1), t2(0)` (topics sorted, partitions sorted), or `-`. */
export function assignmentText(
  assignment: readonly { topic: string; partition: number }[],
): string {
  if (assignment.length === 0) return MISSING;
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of assignment) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic]
    .map(([topic, partitions]) => `${topic}(${[...partitions].sort((a, b) => a - b).join(',')})`)
    .sort()
    .join(', ');
}

/** `--describe --members [--verbose]`. */
export async function printMembers(
  output: ToolOutput,
  groups: ReadonlyMap<string, DescribedGroup<MemberRow>>,
  verbose: boolean,
): Promise<void> {
  for (const [group, { state, rows }] of groups) {
    if (!(await checkGroupState(output, group, state, rows.length))) continue;
    const widths = {
      group: Math.max(15, ...rows.map((r) => r.group.length)),
      consumerId: Math.max(15, ...rows.map((r) => r.consumerId.length)),
      instanceId: Math.max(17, ...rows.map((r) => r.groupInstanceId.length)),
      host: Math.max(15, ...rows.map((r) => r.host.length)),
      clientId: Math.max(15, ...rows.map((r) => r.clientId.length)),
    };
    const withInstanceId = rows.some((r) => r.groupInstanceId.length > 0);
    const line = (cells: {
      group: string;
      consumerId: string;
      instanceId: string;
      host: string;
      clientId: string;
      partitions: string;
    }): string =>
      `${left(cells.group, widths.group)} ${left(cells.consumerId, widths.consumerId)} ${
        withInstanceId ? `${left(cells.instanceId, widths.instanceId)} ` : ''
      }${left(cells.host, widths.host)} ${left(cells.clientId, widths.clientId)} ${left(cells.partitions, 15)} `;
    await output.stdout(
      `\n${line({
        group: 'GROUP',
        consumerId: 'CONSUMER-ID',
        instanceId: 'GROUP-INSTANCE-ID',
        host: 'HOST',
        clientId: 'CLIENT-ID',
        partitions: '#PARTITIONS',
      })}${verbose ? 'ASSIGNMENT' : ''}\n`,
    );
    for (const row of rows) {
      await output.stdout(
        `${line({
          group: row.group,
          consumerId: row.consumerId,
          instanceId: row.groupInstanceId,
          host: row.host,
          clientId: row.clientId,
          partitions: String(row.numPartitions),
        })}${verbose ? assignmentText(row.assignment) : ''}\n`,
      );
    }
  }
}

/** `--describe --state`. */
export async function printStates(
  output: ToolOutput,
  groups: readonly GroupStateRow[],
): Promise<void> {
  for (const group of groups) {
    if (!(await checkGroupState(output, group.group, group.state, 1))) continue;
    const coordinator = `${group.coordinator.host}:${group.coordinator.port} (${group.coordinator.id})`;
    const width = Math.max(25, coordinator.length);
    const line = (cells: string[]): string =>
      `\n${left(cells[0], width)} ${left(cells[1], 25)} ${left(cells[2], 20)} ${left(cells[3], 15)} ${cells[4]}`;
    await output.stdout(
      `${line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'])}${line([
        group.group,
        coordinator,
        group.assignmentStrategy,
        group.state,
        String(group.numMembers),
      ])}\n`,
    );
  }
}

/** `--reset-offsets`: the GROUP TOPIC PARTITION NEW-OFFSET table (header when any group was asked). */
export async function printResetPlan(
  output: ToolOutput,
  plans: readonly GroupResetPlan[],
): Promise<void> {
  if (plans.length === 0) return;
  const line = (cells: string[]): string =>
    `${left(cells[0], 30)} ${left(cells[1], 30)} ${left(cells[2], 10)} ${left(cells[3], 15)}\n`;
  await output.stdout(`\n${line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'])}`);
  for (const plan of plans) {
    for (const { topic, partition, offset } of plan.offsets) {
      await output.stdout(line([plan.group, topic, String(partition), String(offset)]));
    }
  }
}

/** A CSV field as Jackson's CsvMapper writes it: quoted when it holds a separator or quote. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * `--reset-offsets --export`: `topic,partition,offset` lines for one group, else
 * `group,topic,partition,offset` (the format `--from-file` reads back).
 */
export function exportResetPlan(plans: readonly GroupResetPlan[], singleGroup: boolean): string {
  const lines: string[] = [];
  for (const plan of plans) {
    for (const { topic, partition, offset } of plan.offsets) {
      const fields = [topic, String(partition), String(offset)];
      if (!singleGroup) fields.unshift(plan.group);
      lines.push(`${fields.map(csvField).join(',')}\n`);
    }
  }
  return lines.join('');
}

/** `--delete`: Kafka's success line, or its error line and one line per group that failed. */
export async function printDeleteResults(
  output: ToolOutput,
  results: readonly { group: string; error?: string }[],
): Promise<void> {
  const quoted = (list: readonly { group: string }[]): string =>
    list.map(({ group }) => `'${group}'`).join(', ');
  const succeeded = results.filter((result) => result.error === undefined);
  const failed = results.filter((result) => result.error !== undefined);
  if (failed.length === 0) {
    await output.stdout(
      `Deletion of requested consumer groups (${quoted(succeeded)}) was successful.\n`,
    );
    return;
  }
  await printError(output, 'Deletion of some consumer groups failed:');
  for (const { group, error } of failed) {
    await output.stdout(`* Group '${group}' could not be deleted due to: ${error}\n`);
  }
  if (succeeded.length > 0) {
    await output.stdout(
      `\nThese consumer groups were deleted successfully: ${quoted(succeeded)}\n`,
    );
  }
}
