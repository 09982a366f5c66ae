/**
 * `samsa lab up|status|down` and `samsa lab kill|stop|start|pause|resume broker|zookeeper <id>`:
 * a whole local cluster for classrooms, through ops/lab. Reports go to stdout, notices (what the
 * launcher installs, waits, log tails of a broker that failed) to stderr. The lab's own ZooKeeper
 * client logs only warnings unless SAMSA_LOG_LEVEL is set; brokers log at info to their
 * server.log.
 */
import type { Argv, CommandModule } from 'yargs';
import { SamsaError } from '../../client/errors';
import { setLogLevel } from '../../client/logging';
import {
  brokerAction,
  DEFAULT_BROKER_BASE_PORT,
  DEFAULT_BROKERS,
  DEFAULT_UP_TIMEOUT_MS,
  DEFAULT_ZOOKEEPER_BASE_PORT,
  DEFAULT_ZOOKEEPERS,
  defaultLabDir,
  dirFlag,
  formatStatus,
  labDown,
  labStatus,
  labUp,
  MAX_BROKERS,
  NODE_ACTIONS,
  NodeAction,
  zookeeperAction,
  ZOOKEEPER_SIZES,
} from '../lab';

function notice(line: string): void {
  process.stderr.write(`${line}\n`);
}

function print(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The lab's own ZooKeeper session logs are noise on a terminal: warnings only, unless asked. */
function quietLogs(): void {
  if (!process.env.SAMSA_LOG_LEVEL) setLogLevel('warn');
}

interface DirArgs {
  dir: string;
}

function withDir<T>(yargs: Argv<T>): Argv<T & DirArgs> {
  return yargs.option('dir', {
    type: 'string',
    default: defaultLabDir(),
    defaultDescription: '$SAMSA_HOME/lab or ~/.samsa/lab',
    describe: "the lab's folder (lab.json, ZooKeeper, each broker's config, data and log)",
  });
}

function flagFor(dir: string): string {
  return dirFlag(dir, defaultLabDir());
}

interface UpArgs extends DirArgs {
  zookeepers?: number;
  brokers?: number;
  basePort?: number;
  zookeeperBasePort?: number;
  chroot?: string;
  timeoutMs?: number;
}

const up: CommandModule<object, UpArgs> = {
  command: 'up',
  describe:
    'Start a ZooKeeper ensemble and brokers 1..N in the background, wait until every broker is registered and a controller is elected, and print how to use them',
  builder: (yargs) =>
    withDir(yargs)
      .option('zookeepers', {
        type: 'number',
        describe: `ZooKeeper nodes: ${ZOOKEEPER_SIZES.join(', ')} (default: the lab's, else ${DEFAULT_ZOOKEEPERS})`,
      })
      .option('brokers', {
        type: 'number',
        describe: `brokers, ids 1..N: 1 to ${MAX_BROKERS} (default: the lab's, else ${DEFAULT_BROKERS})`,
      })
      .option('base-port', {
        type: 'number',
        describe: `broker i listens on PLAINTEXT://127.0.0.1:BASE+i-1 (default: the lab's, else ${DEFAULT_BROKER_BASE_PORT})`,
      })
      .option('zookeeper-base-port', {
        type: 'number',
        describe: `ZooKeeper node i's client port is BASE+i-1, quorum and election ports BASE+1000+i-1 and BASE+2000+i-1 (default: the lab's, else ${DEFAULT_ZOOKEEPER_BASE_PORT})`,
      })
      .option('chroot', {
        type: 'string',
        describe:
          "keep the cluster's znodes under this ZooKeeper path, e.g. /samsa-lab (default: none, so the tree is at /)",
      })
      .option('timeout-ms', {
        type: 'number',
        default: DEFAULT_UP_TIMEOUT_MS,
        describe: 'how long to wait for the brokers to register and a controller to be elected',
      }),
  handler: async (args) => {
    quietLogs();
    const summary = await labUp({
      dir: args.dir,
      dirFlag: flagFor(args.dir),
      zookeepers: args.zookeepers,
      brokers: args.brokers,
      basePort: args.basePort,
      zookeeperBasePort: args.zookeeperBasePort,
      chroot: args.chroot,
      timeoutMs: args.timeoutMs,
      notice,
    });
    process.stdout.write(summary);
  },
};

interface StatusArgs extends DirArgs {
  internal: boolean;
}

const status: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe:
    'Show ZooKeeper modes, broker processes and registrations, the controller and its epoch, and every partition with leader, replicas and ISR (under-replicated and offline ones marked)',
  builder: (yargs) =>
    withDir(yargs).option('internal', {
      type: 'boolean',
      default: false,
      describe: 'list every partition of internal topics (__consumer_offsets) too',
    }),
  handler: async (args) => {
    quietLogs();
    const report = await labStatus(args.dir, {
      dirFlag: flagFor(args.dir),
      showInternal: args.internal,
    });
    process.stdout.write(formatStatus(report));
  },
};

interface DownArgs extends DirArgs {
  purge: boolean;
}

const down: CommandModule<object, DownArgs> = {
  command: 'down',
  describe:
    'Stop every broker (SIGTERM: controlled shutdown; SIGKILL after 30 s) and the ZooKeeper ensemble; data is kept unless --purge',
  builder: (yargs) =>
    withDir(yargs).option('purge', {
      type: 'boolean',
      default: false,
      describe: "also delete the lab's folder (configs, data, logs)",
    }),
  handler: async (args) => {
    quietLogs();
    print(await labDown(args.dir, { purge: args.purge, notice }));
  },
};

interface NodeArgs extends DirArgs {
  node: 'broker' | 'zookeeper';
  id: number;
  timeoutMs?: number;
}

const ACTION_WORDS: Record<NodeAction, string> = {
  kill: 'Kill one node at once (SIGKILL, like kill -9)',
  stop: 'Stop one node gracefully (SIGTERM; a broker does a controlled shutdown first)',
  start: 'Start a stopped or killed node again, with the same configuration and data',
  pause: 'Freeze one node (SIGSTOP): it keeps its connections but answers nothing',
  resume: 'Unfreeze a paused node (SIGCONT)',
};

function nodeCommand(action: NodeAction): CommandModule<object, NodeArgs> {
  return {
    command: `${action} <node> <id>`,
    describe: `${ACTION_WORDS[action]}: broker <id> or zookeeper <id>`,
    builder: (yargs) =>
      withDir(
        yargs
          .positional('node', {
            choices: ['broker', 'zookeeper'] as const,
            demandOption: true,
            describe: 'which kind of node',
          })
          .positional('id', { type: 'number', demandOption: true, describe: 'its id (1..N)' }),
      ).option('timeout-ms', {
        type: 'number',
        default: DEFAULT_UP_TIMEOUT_MS,
        describe: 'for start broker: how long to wait for its registration',
      }),
    handler: async (args) => {
      quietLogs();
      if (!Number.isInteger(args.id) || args.id < 1) {
        throw new SamsaError(`bad ${args.node} id '${args.id}': a whole number from 1`);
      }
      const options = { dirFlag: flagFor(args.dir), notice, timeoutMs: args.timeoutMs };
      print(
        args.node === 'broker'
          ? await brokerAction(args.dir, action, args.id, options)
          : await zookeeperAction(args.dir, action, args.id, options),
      );
    },
  };
}

export const labCommand: CommandModule<object, object> = {
  command: 'lab',
  describe:
    'A whole local cluster (ZooKeeper ensemble + brokers) with fault injection: up, status, down, kill|stop|start|pause|resume broker|zookeeper <id>',
  builder: (yargs) => {
    let withCommands = yargs.command(up).command(status).command(down);
    for (const action of NODE_ACTIONS) withCommands = withCommands.command(nodeCommand(action));
    return withCommands;
  },
  handler: () => {
    throw new SamsaError(
      'name a lab command: up, status, down, or kill|stop|start|pause|resume broker|zookeeper <id>',
    );
  },
};
