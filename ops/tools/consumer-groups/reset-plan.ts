/**
 * Planning `consumer-groups --reset-offsets` for one group (Kafka 2.8's prepareOffsetsToReset):
 * from the partitions to reset, the group's committed offsets, each partition's log start and log
 * end offsets and (for --to-datetime / --by-duration) the offsets found by timestamp, the new
 * offset of each partition:
 *
 * | scenario        | new offset                                                              |
 * |-----------------|-------------------------------------------------------------------------|
 * | --to-earliest   | the log start offset                                                    |
 * | --to-latest     | the log end offset                                                      |
 * | --to-current    | the committed offset, or the log end offset where none is committed     |
 * | --to-offset n   | n, clamped to [log start, log end]                                       |
 * | --shift-by n    | committed + n, clamped (a partition without a committed offset is an error) |
 * | --to-datetime   | the first offset at or after the time, or the log end offset if none    |
 * | --by-duration   | as --to-datetime, for now minus the duration                             |
 * | --from-file     | the file's offset, clamped                                               |
 *
 * Clamping warns as Kafka's log does (`New offset (n) is higher than latest offset for topic
 * partition t-0. Value will be set to m`). Also the CSV reset-plan file format of --from-file
 * and --export.
 */
import { UsageError } from '../console/command-line';
import type { ResetScenario } from './group-options';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface PlannedOffset extends TopicPartition {
  offset: number;
}

/** `t-0`, as Kafka's TopicPartition prints. */
export function partitionName({ topic, partition }: TopicPartition): string {
  return `${topic}-${partition}`;
}

/** A map key for a partition. */
export function partitionKey({ topic, partition }: TopicPartition): string {
  return `${topic}\u0000${partition}`;
}

export interface ResetInputs {
  /** The partitions to reset, in the order to print them. */
  partitions: readonly TopicPartition[];
  /** The group's committed offsets by partitionKey. */
  committed: ReadonlyMap<string, number>;
  /** Log start and end offsets by partitionKey (missing: unknown partition). */
  log: ReadonlyMap<string, { start: number; end: number }>;
  /** For --to-datetime / --by-duration: the offset found by timestamp, -1 when none. */
  byTimestamp?: ReadonlyMap<string, number>;
  /** For --from-file: the offsets the file asks for, by partitionKey. */
  requested?: ReadonlyMap<string, number>;
}

export interface ResetPlan {
  offsets: PlannedOffset[];
  /** Kafka's WARN log lines (without the log prefix). */
  warnings: string[];
}

/** The new offset of each partition; throws UsageError where Kafka stops with its usage text. */
export function planReset(scenario: ResetScenario, inputs: ResetInputs): ResetPlan {
  const warnings: string[] = [];
  const logOf = (tp: TopicPartition) => inputs.log.get(partitionKey(tp));
  const clamp = (tp: TopicPartition, offset: number): number => {
    const log = logOf(tp);
    if (log === undefined) {
      throw new Error(
        `Unexpected non-existing offset value for topic partition ${partitionName(tp)}`,
      );
    }
    if (offset > log.end) {
      warnings.push(
        `New offset (${offset}) is higher than latest offset for topic partition ${partitionName(tp)}. Value will be set to ${log.end}`,
      );
      return log.end;
    }
    if (offset < log.start) {
      warnings.push(
        `New offset (${offset}) is lower than earliest offset for topic partition ${partitionName(tp)}. Value will be set to ${log.start}`,
      );
      return log.start;
    }
    return offset;
  };
  const end = (tp: TopicPartition): number => {
    const log = logOf(tp);
    if (log === undefined) {
      throw new UsageError(`Error getting ending offset of topic partition: ${partitionName(tp)}`);
    }
    return log.end;
  };
  const plan = (offsetOf: (tp: TopicPartition) => number): ResetPlan => ({
    offsets: inputs.partitions.map((tp) => ({ ...tp, offset: offsetOf(tp) })),
    warnings,
  });
  switch (scenario.kind) {
    case 'to-earliest':
      return plan((tp) => {
        const log = logOf(tp);
        if (log === undefined) {
          throw new UsageError(
            `Error getting starting offset of topic partition: ${partitionName(tp)}`,
          );
        }
        return log.start;
      });
    case 'to-latest':
      return plan(end);
    case 'to-current':
      return plan((tp) => inputs.committed.get(partitionKey(tp)) ?? end(tp));
    case 'to-offset':
      return plan((tp) => clamp(tp, scenario.offset));
    case 'shift-by':
      return plan((tp) => {
        const current = inputs.committed.get(partitionKey(tp));
        if (current === undefined) {
          throw new UsageError(
            `Cannot shift offset for partition ${partitionName(tp)} since there is no current committed offset`,
          );
        }
        return clamp(tp, current + scenario.shift);
      });
    case 'to-datetime':
    case 'by-duration':
      return plan((tp) => {
        const found = inputs.byTimestamp?.get(partitionKey(tp));
        if (found !== undefined && found !== -1) return found;
        return end(tp);
      });
    case 'from-file':
      return plan((tp) => {
        const requested = inputs.requested?.get(partitionKey(tp));
        if (requested === undefined) {
          throw new Error(`the reset plan has no offset for ${partitionName(tp)}`);
        }
        return clamp(tp, requested);
      });
  }
}

/**
 * Reads a reset-plan CSV file (Kafka's parseResetPlan): `group,topic,partition,offset` lines, or
 * `topic,partition,offset` lines when the command names exactly one group (`singleGroup`) and the
 * first line has that shape. Resolves to each group's offsets, in file order.
 */
export function parseResetFile(
  text: string,
  singleGroup: string | undefined,
): Map<string, PlannedOffset[]> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const rows = lines.map(parseCsvLine);
  const noGroup = (row: string[]): boolean =>
    row.length === 3 && isWhole(row[1]) && isWhole(row[2]);
  const oldFormat = singleGroup !== undefined && rows.length > 0 && noGroup(rows[0]);
  const plans = new Map<string, PlannedOffset[]>();
  rows.forEach((row, index) => {
    const fields = oldFormat ? [singleGroup as string, ...row] : row;
    if (fields.length !== 4 || !isWhole(fields[2]) || !isWhole(fields[3])) {
      throw new Error(
        `line ${index + 1} of the reset plan is not ${oldFormat ? 'topic,partition,offset' : 'group,topic,partition,offset'}: ${lines[index]}`,
      );
    }
    const [group, topic, partition, offset] = fields;
    const list = plans.get(group) ?? [];
    const entry = { topic, partition: Number(partition), offset: Number(offset) };
    const existing = list.findIndex(
      (other) => other.topic === entry.topic && other.partition === entry.partition,
    );
    if (existing >= 0) list[existing] = entry;
    else list.push(entry);
    plans.set(group, list);
  });
  return plans;
}

function isWhole(text: string): boolean {
  return /^[+-]?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text.trim()));
}

/** One CSV line: fields split at commas, `"..."` quoting with `""` for a quote. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  const source = line.replace(/\r$/, '');
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  fields.push(field);
  return fields;
}
