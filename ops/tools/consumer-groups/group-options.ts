/**
 * The command line of `samsa consumer-groups` (Kafka 2.8's ConsumerGroupCommandOptions): the
 * flags, the checks Kafka makes before contacting the cluster, with Kafka's messages (exactly one
 * action; a group scope for --describe, --delete and --reset-offsets; one reset scenario; the
 * describe views; the flags --describe/--list may take), and the values: `--topic t[:p,p]`,
 * `--to-offset` / `--shift-by` numbers, `--to-datetime` and `--by-duration` (reset-time.ts),
 * `--list --state [states]`.
 *
 * Kafka checks some of these only once it runs (a missing reset scope or scenario); samsa checks
 * them here, with the same messages, so every bad command line fails before any request.
 *
 * Not supported: `--delete-offsets` (samsa has no OffsetDelete API) and `--command-config`
 * (samsa's client has no TLS/SASL settings to pass).
 */
import {
  UsageError,
  checkInvalid,
  checkRequired,
  flagName,
  has,
  optionalWholeNumber,
  parseWholeNumber,
  single,
  values,
} from '../console/command-line';
import { parseDateTime, parseDuration } from './reset-time';

/** The flags as the command line gave them (absent flags are undefined). */
export interface ConsumerGroupFlags {
  'bootstrap-server'?: string | string[];
  group?: string | string[];
  topic?: string | string[];
  'all-topics'?: boolean;
  list?: boolean;
  describe?: boolean;
  'all-groups'?: boolean;
  delete?: boolean;
  timeout?: string | string[];
  'reset-offsets'?: boolean;
  'dry-run'?: boolean;
  execute?: boolean;
  export?: boolean;
  'to-offset'?: string | string[];
  'from-file'?: string | string[];
  'to-datetime'?: string | string[];
  'by-duration'?: string | string[];
  'to-earliest'?: boolean;
  'to-latest'?: boolean;
  'to-current'?: boolean;
  'shift-by'?: string | string[];
  members?: boolean;
  verbose?: boolean;
  offsets?: boolean;
  /** `--state` alone is the empty string; `--state Stable,Empty` its value. */
  state?: string | string[];
}

/** Kafka's consumer group states, in ConsumerGroupState's order. */
export const GROUP_STATES = [
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
  'Empty',
] as const;

export type GroupStateName = (typeof GROUP_STATES)[number];

/** Which groups a command is about. */
export type GroupScope = { allGroups: true } | { allGroups: false; groups: string[] };

/** What `--topic` / `--all-topics` select for a reset. */
export type TopicScope =
  { allTopics: true } | { allTopics: false; topics: { topic: string; partitions?: number[] }[] };

/** Where a reset moves each offset to. */
export type ResetScenario =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: number }
  | { kind: 'shift-by'; shift: number }
  | { kind: 'to-datetime'; timestamp: number }
  /** `--by-duration`: the timestamp is now minus the duration, taken when the reset runs. */
  | { kind: 'by-duration'; durationMs: number }
  | { kind: 'from-file'; file: string };

export type DescribeView = 'offsets' | 'members' | 'state';

export type ConsumerGroupCommand =
  | { action: 'list'; bootstrapServer: string; timeoutMs: number; states?: GroupStateName[] }
  | {
      action: 'describe';
      bootstrapServer: string;
      timeoutMs: number;
      scope: GroupScope;
      view: DescribeView;
      verbose: boolean;
    }
  | { action: 'delete'; bootstrapServer: string; timeoutMs: number; scope: GroupScope }
  | {
      action: 'reset-offsets';
      bootstrapServer: string;
      timeoutMs: number;
      scope: GroupScope;
      topics?: TopicScope;
      scenario: ResetScenario;
      execute: boolean;
      export: boolean;
    };

/** A parsed command line: the command, and notices Kafka prints on stderr before running. */
export interface ParsedConsumerGroupCommand {
  command: ConsumerGroupCommand;
  notices: string[];
}

const SCENARIOS = [
  'to-offset',
  'shift-by',
  'to-datetime',
  'by-duration',
  'to-earliest',
  'to-latest',
  'to-current',
  'from-file',
] as const;

const DEFAULT_TIMEOUT_MS = 5000;

/** The warning Kafka 2.8 prints when --reset-offsets runs without --execute or --dry-run. */
export const DRY_RUN_WARNING =
  'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.';

function optionList(names: readonly string[]): string {
  return names.map(flagName).join(', ');
}

/** Kafka's ConsumerGroupCommandOptions.checkArgs and action check, then the values. */
export function parseConsumerGroupCommand(flags: ConsumerGroupFlags): ParsedConsumerGroupCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  const notices: string[] = [];
  checkRequired(f, ['bootstrap-server']);
  checkAvailability(f);

  const scopeOptions = optionList(['group', 'all-groups']);
  if (has(f.describe)) {
    if (!has(f.group) && !has(f['all-groups'])) {
      throw new UsageError(
        `Option ${flagName('describe')} takes one of these options: ${scopeOptions}`,
      );
    }
    const views = ['members', 'offsets', 'state'];
    if (views.filter((view) => has(f[view])).length > 1) {
      throw new UsageError(
        `Option ${flagName('describe')} takes at most one of these options: ${optionList(views)}`,
      );
    }
    if (has(f.state) && (single(flags.state) ?? '') !== '') {
      throw new UsageError(
        `Option ${flagName('describe')} does not take a value for ${flagName('state')}`,
      );
    }
  }
  if (has(f.delete)) {
    if (!has(f.group) && !has(f['all-groups'])) {
      throw new UsageError(
        `Option ${flagName('delete')} takes one of these options: ${scopeOptions}`,
      );
    }
    if (has(f.topic)) {
      throw new UsageError(
        'The consumer does not support topic-specific offset deletion from a consumer group.',
      );
    }
  }
  if (has(f['reset-offsets'])) {
    if (has(f['dry-run']) && has(f.execute)) {
      throw new UsageError(
        `Option ${flagName('reset-offsets')} only accepts one of ${flagName('execute')} and ${flagName('dry-run')}`,
      );
    }
    if (!has(f['dry-run']) && !has(f.execute)) notices.push(DRY_RUN_WARNING);
    if (!has(f.group) && !has(f['all-groups'])) {
      throw new UsageError(
        `Option ${flagName('reset-offsets')} takes one of these options: ${scopeOptions}`,
      );
    }
    for (const scenario of SCENARIOS) {
      checkInvalid(
        f,
        scenario,
        SCENARIOS.filter((other) => other !== scenario),
      );
    }
  }
  checkInvalid(f, 'group', ['all-groups']);
  checkInvalid(f, 'group', ['list']);
  checkInvalid(f, 'topic', ['list', 'describe']);

  const actions = (['list', 'describe', 'delete', 'reset-offsets'] as const).filter((action) =>
    has(f[action]),
  );
  if (actions.length !== 1) {
    throw new UsageError(
      'Command must include exactly one action: --list, --describe, --delete, --reset-offsets',
    );
  }
  const bootstrapServer = single(flags['bootstrap-server']) as string;
  const timeoutMs = optionalWholeNumber('timeout', flags.timeout, 1) ?? DEFAULT_TIMEOUT_MS;
  const base = { bootstrapServer, timeoutMs };
  switch (actions[0]) {
    case 'list':
      return {
        command: {
          action: 'list',
          ...base,
          states: has(f.state) ? parseStates(single(flags.state) ?? '') : undefined,
        },
        notices,
      };
    case 'describe':
      return {
        command: {
          action: 'describe',
          ...base,
          scope: groupScope(flags),
          view: has(f.members) ? 'members' : has(f.state) ? 'state' : 'offsets',
          verbose: has(f.verbose),
        },
        notices,
      };
    case 'delete':
      return { command: { action: 'delete', ...base, scope: groupScope(flags) }, notices };
    case 'reset-offsets':
      return {
        command: {
          action: 'reset-offsets',
          ...base,
          scope: groupScope(flags),
          topics: topicScope(flags),
          scenario: resetScenario(flags),
          execute: has(f.execute),
          export: has(f.export),
        },
        notices,
      };
  }
}

/** joptsimple's availableIf: --members/--verbose/--offsets need --describe, --state --describe or --list. */
function checkAvailability(f: Readonly<Record<string, unknown>>): void {
  const unavailable = ['members', 'verbose', 'offsets'].filter(
    (name) => has(f[name]) && !has(f.describe),
  );
  if (has(f.state) && !has(f.describe) && !has(f.list)) unavailable.push('state');
  if (unavailable.length > 0) {
    throw new UsageError(
      `Option(s) ${flagName(unavailable.join(', '))} are unavailable given other options on the command line`,
    );
  }
}

function groupScope(flags: ConsumerGroupFlags): GroupScope {
  if (has(flags['all-groups'])) return { allGroups: true };
  const groups = [...new Set(values(flags.group))];
  return { allGroups: false, groups };
}

/**
 * `--list --state a,b`: Kafka's consumerGroupStatesFromString (names matched without regard to
 * case, as Kafka's own usage example `--state stable,empty` writes them). Empty: every state.
 */
export function parseStates(text: string): GroupStateName[] {
  if (text.trim() === '') return [];
  const states = new Set<GroupStateName>();
  for (const part of text.split(',')) {
    const name = GROUP_STATES.find((state) => state.toLowerCase() === part.trim().toLowerCase());
    if (name === undefined) {
      throw new UsageError(
        `Invalid state list '${text}'. Valid states are: ${GROUP_STATES.join(', ')}`,
      );
    }
    states.add(name);
  }
  return [...states];
}

/** `--topic t` (every partition of t) or `--topic t:0,2` (those partitions), repeatable. */
function topicScope(flags: ConsumerGroupFlags): TopicScope | undefined {
  if (has(flags['all-topics'])) return { allTopics: true };
  const topics = values(flags.topic);
  if (topics.length === 0) {
    if (has(flags['from-file'])) return undefined;
    throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.');
  }
  return { allTopics: false, topics: topics.map(parseTopicArgument) };
}

/** Kafka's parseTopicPartitionsToReset for one `--topic` value. */
export function parseTopicArgument(argument: string): { topic: string; partitions?: number[] } {
  const colon = argument.indexOf(':');
  if (colon === -1) return { topic: argument };
  const topic = argument.slice(0, colon);
  const partitions = argument
    .slice(colon + 1)
    .split(',')
    .map((text) => {
      if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 0) {
        throw new UsageError(`For input string: "${text}"`);
      }
      return Number(text);
    });
  return { topic, partitions };
}

function resetScenario(flags: ConsumerGroupFlags): ResetScenario {
  const f = flags as Readonly<Record<string, unknown>>;
  const toOffset = single(flags['to-offset']);
  if (toOffset !== undefined) {
    return { kind: 'to-offset', offset: parseWholeNumber('to-offset', toOffset) };
  }
  const shift = single(flags['shift-by']);
  if (shift !== undefined) return { kind: 'shift-by', shift: parseWholeNumber('shift-by', shift) };
  const datetime = single(flags['to-datetime']);
  if (datetime !== undefined) return { kind: 'to-datetime', timestamp: parseDateTime(datetime) };
  const duration = single(flags['by-duration']);
  if (duration !== undefined) return { kind: 'by-duration', durationMs: parseDuration(duration) };
  if (has(f['to-earliest'])) return { kind: 'to-earliest' };
  if (has(f['to-latest'])) return { kind: 'to-latest' };
  if (has(f['to-current'])) return { kind: 'to-current' };
  const file = single(flags['from-file']);
  if (file !== undefined) return { kind: 'from-file', file };
  throw new UsageError(
    `Option '${flagName('reset-offsets')}' requires one of the following scenarios: ${optionList(SCENARIOS)}`,
  );
}
