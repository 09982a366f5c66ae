/**
 * The command line of `samsa topics` (Kafka's TopicCommandOptions, 2.8, AdminClient mode): the
 * flags, the checks Kafka makes before contacting the cluster (exactly one action, required and
 * conflicting flags, with Kafka's messages), and the parsing of `--replica-assignment` and
 * `--config` (Kafka's parseReplicaAssignment / parseTopicConfigsToBeAdded).
 *
 * Not supported: `--zookeeper` (deprecated in Kafka 2.8, removed in 3.0; samsa's tools talk to
 * brokers) and `--command-config` (samsa's client has no TLS/SASL settings to pass).
 */
import { TOPIC_CONFIG_DEF } from '../../../broker/config/topic-config';
import {
  UsageError,
  checkInvalid,
  checkRequired,
  flagName,
  has,
  optionalWholeNumber,
  single,
  values,
} from '../console/command-line';

/** The flags as the command line gave them (absent flags are undefined). */
export interface TopicCommandFlags {
  'bootstrap-server'?: string | string[];
  list?: boolean;
  describe?: boolean;
  create?: boolean;
  alter?: boolean;
  delete?: boolean;
  topic?: string | string[];
  partitions?: string | string[];
  'replication-factor'?: string | string[];
  'replica-assignment'?: string | string[];
  config?: string | string[];
  'delete-config'?: string | string[];
  'under-replicated-partitions'?: boolean;
  'unavailable-partitions'?: boolean;
  'under-min-isr-partitions'?: boolean;
  'at-min-isr-partitions'?: boolean;
  'topics-with-overrides'?: boolean;
  'if-exists'?: boolean;
  'if-not-exists'?: boolean;
  'exclude-internal'?: boolean;
  'disable-rack-aware'?: boolean;
  force?: boolean;
}

export type TopicAction = 'create' | 'list' | 'describe' | 'alter' | 'delete';

/** The validated command: one action and what it needs. */
export interface TopicCommand {
  action: TopicAction;
  bootstrapServer: string;
  /** A topic name, or for list/describe/alter/delete a regular expression of names. */
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  /** The raw `--replica-assignment` text; parsed by the action (errors are command errors). */
  replicaAssignment?: string;
  /** The raw `--config` values; parsed by the action. */
  configs: string[];
  reportUnderReplicated: boolean;
  reportUnavailable: boolean;
  reportUnderMinIsr: boolean;
  reportAtMinIsr: boolean;
  reportOverriddenConfigs: boolean;
  ifExists: boolean;
  ifNotExists: boolean;
  excludeInternal: boolean;
}

const ACTIONS: TopicAction[] = ['alter', 'create', 'describe', 'list', 'delete'];
const REPORTS = [
  'under-replicated-partitions',
  'under-min-isr-partitions',
  'at-min-isr-partitions',
  'unavailable-partitions',
];

const KAFKA_CONFIGS_HINT =
  ' (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)';

function except(list: string[], ...removed: string[]): string[] {
  return list.filter((name) => !removed.includes(name));
}

/** Kafka's TopicCommandOptions.checkArgs, then the values; throws UsageError. */
export function parseTopicCommand(flags: TopicCommandFlags): TopicCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  const actions = ACTIONS.filter((action) => has(f[action]));
  if (actions.length !== 1) {
    throw new UsageError(
      'Command must include exactly one action: --list, --describe, --create, --alter or --delete',
    );
  }
  const action = actions[0];
  if (!has(f['bootstrap-server'])) {
    throw new UsageError('--bootstrap-server must be specified');
  }
  if (action === 'describe' && has(f['if-exists'])) checkRequired(f, ['topic']);
  if (action !== 'list' && action !== 'describe') checkRequired(f, ['topic']);
  if (action === 'alter') {
    if (has(f.config)) {
      throw new UsageError(
        `Option combination "${flagName('bootstrap-server')},${flagName('config')}" can't be used with option "${flagName('alter')}"${KAFKA_CONFIGS_HINT}`,
      );
    }
    checkRequired(f, ['partitions']);
  }

  checkInvalid(f, 'config', except(ACTIONS, 'alter', 'create'));
  checkInvalid(f, 'delete-config', [...except(ACTIONS, 'alter'), 'bootstrap-server']);
  checkInvalid(f, 'partitions', except(ACTIONS, 'alter', 'create'));
  checkInvalid(f, 'replication-factor', except(ACTIONS, 'create'));
  checkInvalid(f, 'replica-assignment', except(ACTIONS, 'create', 'alter'));
  if (action === 'create') {
    checkInvalid(f, 'replica-assignment', ['partitions', 'replication-factor']);
  }
  for (const report of REPORTS) {
    checkInvalid(f, report, [
      ...except(ACTIONS, 'describe'),
      ...except(REPORTS, report),
      'topics-with-overrides',
    ]);
  }
  checkInvalid(f, 'topics-with-overrides', [...except(ACTIONS, 'describe'), ...REPORTS]);
  checkInvalid(f, 'if-exists', except(ACTIONS, 'alter', 'delete', 'describe'));
  checkInvalid(f, 'if-not-exists', except(ACTIONS, 'create'));
  checkInvalid(f, 'exclude-internal', except(ACTIONS, 'list', 'describe'));

  const assignment = single(flags['replica-assignment']);
  return {
    action,
    bootstrapServer: single(flags['bootstrap-server']) as string,
    topic: single(flags.topic),
    partitions: optionalWholeNumber('partitions', flags.partitions),
    replicationFactor: optionalWholeNumber('replication-factor', flags['replication-factor']),
    replicaAssignment: assignment === undefined || assignment === '' ? undefined : assignment,
    configs: values(flags.config),
    reportUnderReplicated: has(flags['under-replicated-partitions']),
    reportUnavailable: has(flags['unavailable-partitions']),
    reportUnderMinIsr: has(flags['under-min-isr-partitions']),
    reportAtMinIsr: has(flags['at-min-isr-partitions']),
    reportOverriddenConfigs: has(flags['topics-with-overrides']),
    ifExists: has(flags['if-exists']),
    ifNotExists: has(flags['if-not-exists']),
    excludeInternal: has(flags['exclude-internal']),
  };
}

/** An error of the command itself (printed as `Error while executing topic command : ...`). */
export class TopicCommandError extends Error {}

/**
 * Parses `--replica-assignment 1:2,2:3` into the replica list of each partition (partition i is
 * the i-th comma-separated entry), with Kafka's checks: whole broker ids, no broker twice in one
 * partition, and the same replication factor everywhere.
 */
export function parseReplicaAssignment(text: string): number[][] {
  const partitions: number[][] = [];
  for (const [index, entry] of text.split(',').entries()) {
    const brokers = entry.split(':').map((id) => {
      const trimmed = id.trim();
      if (!/^[+-]?\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
        throw new TopicCommandError(`For input string: "${trimmed}"`);
      }
      return Number(trimmed);
    });
    const duplicates = brokers.filter((id, i) => brokers.indexOf(id) !== i);
    if (duplicates.length > 0) {
      throw new TopicCommandError(
        `Partition replica lists may not contain duplicate entries: ${[...new Set(duplicates)].join(',')}`,
      );
    }
    partitions.push(brokers);
    if (brokers.length !== partitions[0].length) {
      throw new TopicCommandError(
        `Partition ${index} has different replication factor: ${brokers.join(',')}`,
      );
    }
  }
  return partitions;
}

/**
 * Parses the `--config name=value` values and validates them as topic configs (Kafka's
 * LogConfig.validate): every name must be a topic config and every value valid for it.
 */
export function parseTopicConfigs(entries: readonly string[]): Map<string, string> {
  const configs = new Map<string, string>();
  for (const entry of entries) {
    const parts = entry.split(/\s*=\s*/);
    if (parts.length !== 2) {
      throw new TopicCommandError(
        'Invalid topic config: all configs to be added must be in the format "key=val".',
      );
    }
    configs.set(parts[0].trim(), parts[1].trim());
  }
  for (const [name, value] of configs) {
    if (!TOPIC_CONFIG_DEF.has(name)) {
      throw new TopicCommandError(`Unknown topic config name: ${name}`);
    }
    try {
      TOPIC_CONFIG_DEF.parseValue(name, value);
    } catch (error) {
      throw new TopicCommandError(error instanceof Error ? error.message : String(error));
    }
  }
  return configs;
}

/**
 * True when a topic name has a `.` or a `_` (Kafka warns: `a.b` and `a_b` get the same metric
 * names, so such names could collide).
 */
export function hasCollisionChars(topic: string): boolean {
  return topic.includes('.') || topic.includes('_');
}

/**
 * Kafka's IncludeList filter for `--topic`: the value is a Java regular expression matched
 * against the whole name; `,` separates alternatives and surrounding quotes are ignored.
 */
export function topicFilter(pattern: string): (topic: string) => boolean {
  const source = pattern
    .trim()
    .replace(/,/g, '|')
    .replace(/^["']|["']$/g, '');
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${source})$`);
  } catch (error) {
    throw new TopicCommandError(
      `${pattern} is an invalid regex: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (topic) => regex.test(topic);
}

/** Kafka's internal topics (listed unless --exclude-internal). */
export function isInternalTopic(topic: string): boolean {
  return topic === '__consumer_offsets' || topic === '__transaction_state';
}
