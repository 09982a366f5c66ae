/**
 * The command line of `samsa reassign-partitions` (Kafka 2.8's ReassignPartitionsCommand, in
 * `--bootstrap-server` mode): exactly one action, what each action requires and what it allows,
 * with Kafka's messages.
 *
 * | action     | requires                                     | also allows          |
 * |------------|----------------------------------------------|----------------------|
 * | --generate | --topics-to-move-json-file, --broker-list    | --disable-rack-aware |
 * | --execute  | --reassignment-json-file                     | --additional         |
 * | --verify   | --reassignment-json-file                     |                      |
 * | --cancel   | --reassignment-json-file                     |                      |
 * | --list     |                                              |                      |
 *
 * Not supported: `--zookeeper` (deprecated in Kafka 2.8), `--command-config`, the replication
 * throttles (`--throttle`, `--replica-alter-log-dirs-throttle`, `--preserve-throttles`: samsa has
 * no throttles) and `--timeout` (it bounds log-directory moves, which samsa does not do).
 * `--disable-rack-aware` is accepted; samsa's brokers have no racks.
 */
import { UsageError, checkRequired, flagName, has, single } from '../console/command-line';

/** The flags as the command line gave them (absent flags are undefined). */
export interface ReassignFlags {
  'bootstrap-server'?: string | string[];
  generate?: boolean;
  execute?: boolean;
  verify?: boolean;
  cancel?: boolean;
  list?: boolean;
  'reassignment-json-file'?: string | string[];
  'topics-to-move-json-file'?: string | string[];
  'broker-list'?: string | string[];
  'disable-rack-aware'?: boolean;
  additional?: boolean;
}

export type ReassignAction = 'generate' | 'execute' | 'verify' | 'cancel' | 'list';

/** The validated command. */
export interface ReassignCommand {
  action: ReassignAction;
  bootstrapServer: string;
  reassignmentJsonFile?: string;
  topicsToMoveJsonFile?: string;
  brokerList?: string;
  additional: boolean;
}

const ACTIONS: ReassignAction[] = ['generate', 'execute', 'verify', 'cancel', 'list'];

const REQUIRED: Record<ReassignAction, Array<keyof ReassignFlags>> = {
  generate: ['topics-to-move-json-file', 'broker-list'],
  execute: ['reassignment-json-file'],
  verify: ['reassignment-json-file'],
  cancel: ['reassignment-json-file'],
  list: [],
};

const PERMITTED: Record<ReassignAction, Array<keyof ReassignFlags>> = {
  generate: ['bootstrap-server', 'disable-rack-aware'],
  execute: ['bootstrap-server', 'additional'],
  verify: ['bootstrap-server'],
  cancel: ['bootstrap-server'],
  list: ['bootstrap-server'],
};

const OPTIONS: Array<keyof ReassignFlags> = [
  'bootstrap-server',
  ...ACTIONS,
  'reassignment-json-file',
  'topics-to-move-json-file',
  'broker-list',
  'disable-rack-aware',
  'additional',
];

/** Kafka's validateAndParseArgs; throws UsageError. */
export function parseReassignCommand(flags: ReassignFlags): ReassignCommand {
  const f = flags as Readonly<Record<string, unknown>>;
  const actions = ACTIONS.filter((action) => has(f[action]));
  if (actions.length !== 1) {
    throw new UsageError(
      `Command must include exactly one action: ${ACTIONS.map((a) => `--${a}`).join(', ')}`,
    );
  }
  const action = actions[0];
  if (!has(f['bootstrap-server'])) throw new UsageError('Please specify --bootstrap-server');
  checkRequired(f, REQUIRED[action]);
  for (const option of OPTIONS) {
    const allowed =
      option === action || REQUIRED[action].includes(option) || PERMITTED[action].includes(option);
    if (has(f[option]) && !allowed) {
      throw new UsageError(
        `Option "${flagName(option)}" can't be used with action "${flagName(action)}"`,
      );
    }
  }
  return {
    action,
    bootstrapServer: single(flags['bootstrap-server']) as string,
    reassignmentJsonFile: single(flags['reassignment-json-file']),
    topicsToMoveJsonFile: single(flags['topics-to-move-json-file']),
    brokerList: single(flags['broker-list']),
    additional: has(flags.additional),
  };
}
