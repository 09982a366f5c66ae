/**
 * `samsa zookeeper start|status|stop|install`: a local ZooKeeper ensemble for samsa, through the
 * launcher in ops/zookeeper. `start` prints the connect string alone on stdout (so
 * `ZK=$(samsa zookeeper start)` works) and its notices on stderr.
 */
import type { Argv, CommandModule } from 'yargs';
import { SamsaError } from '../../client/errors';
import {
  connectStringStatus,
  defaultEnsembleDir,
  ensembleStatus,
  ensureLocalZooKeeper,
  NodeStatus,
  readState,
  startEnsemble,
  stopEnsemble,
} from '../zookeeper';

function notice(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface DirArgs {
  dir: string;
}

function withDir<T>(yargs: Argv<T>): Argv<T & DirArgs> {
  return yargs.option('dir', {
    type: 'string',
    default: defaultEnsembleDir(),
    defaultDescription: '$SAMSA_HOME/zookeeper or ~/.samsa/zookeeper',
    describe: "the ensemble's folder (configs, data, logs, pids)",
  });
}

interface StartArgs extends DirArgs {
  nodes?: number;
  basePort?: number;
}

const start: CommandModule<object, StartArgs> = {
  command: 'start',
  describe:
    'Start a ZooKeeper ensemble on 127.0.0.1, wait for quorum and print its connect string ' +
    '(with SAMSA_ZK_CONNECT set, only check that ensemble)',
  builder: (yargs) =>
    withDir(yargs)
      .option('nodes', {
        type: 'number',
        choices: [1, 3],
        describe: 'number of nodes (default: the recorded ensemble, else 3)',
      })
      .option('base-port', {
        type: 'number',
        describe:
          'node i gets client port BASE+i-1, quorum port BASE+1000+i-1, election port BASE+2000+i-1 (default 2181)',
      }),
  handler: async (args) => {
    const info = await startEnsemble({
      dir: args.dir,
      nodes: args.nodes,
      basePort: args.basePort,
      find: { notice },
    });
    const launched = info.launched ?? [];
    if (info.kind === 'external') {
      notice('samsa: using the ZooKeeper ensemble named by SAMSA_ZK_CONNECT (nothing launched)');
    } else if (launched.length === 0) {
      notice(`samsa: the ZooKeeper ensemble in ${info.dir} is already running`);
    } else {
      const leader = info.nodes.find((n) => n.mode === 'leader');
      const what =
        launched.length === info.nodes.length
          ? `${launched.length} ZooKeeper node(s)`
          : `ZooKeeper node(s) ${launched.join(', ')} of ${info.nodes.length}`;
      notice(
        `samsa: started ${what} (${info.kind}, ${leader === undefined ? 'standalone' : `node ${leader.id} leads`}) in ${info.dir}; ` +
          `stop with: samsa zookeeper stop --dir ${info.dir}`,
      );
    }
    process.stdout.write(`${info.connectString}\n`);
  },
};

function printNodes(nodes: NodeStatus[]): void {
  const rows = [
    ['NODE', 'ADDRESS', 'MODE', 'PID'],
    ...nodes.map((n) => [String(n.id), `${n.host}:${n.clientPort}`, n.mode, String(n.pid ?? '')]),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}

const status: CommandModule<object, DirArgs> = {
  command: 'status',
  describe: "Print each node's address and mode (leader, follower, standalone, down, ...)",
  builder: (yargs) => withDir(yargs),
  handler: async (args) => {
    if ((await readState(args.dir)) === undefined && process.env.SAMSA_ZK_CONNECT) {
      process.stdout.write(
        `ZooKeeper ensemble at SAMSA_ZK_CONNECT=${process.env.SAMSA_ZK_CONNECT}\n`,
      );
      printNodes(await connectStringStatus(process.env.SAMSA_ZK_CONNECT));
      return;
    }
    const info = await ensembleStatus(args.dir);
    process.stdout.write(
      `ZooKeeper ensemble in ${info.dir} (${info.kind}): ${info.connectString}\n`,
    );
    printNodes(info.nodes);
  },
};

interface StopArgs extends DirArgs {
  node?: number;
}

const stop: CommandModule<object, StopArgs> = {
  command: 'stop',
  describe: 'Stop the ensemble (or one node): SIGTERM, then SIGKILL after 10 s; data is kept',
  builder: (yargs) =>
    withDir(yargs).option('node', { type: 'number', describe: 'stop only this node (its id)' }),
  handler: async (args) => {
    if ((await readState(args.dir)) === undefined) {
      notice(`samsa: no ZooKeeper ensemble recorded in ${args.dir}; nothing to stop`);
      return;
    }
    const stopped = await stopEnsemble(args.dir, args.node);
    notice(
      stopped.length === 0
        ? `samsa: no ZooKeeper node was running in ${args.dir}`
        : `samsa: stopped ZooKeeper node(s) ${stopped.join(', ')} in ${args.dir}`,
    );
  },
};

const install: CommandModule<object, object> = {
  command: 'install',
  describe:
    'Make sure ZooKeeper is installed locally; on Debian/Ubuntu as root, install the zookeeper package with apt-get',
  handler: async () => {
    const found = await ensureLocalZooKeeper({ notice });
    process.stdout.write(`ZooKeeper: ${found.source} at ${found.location} (java: ${found.java})\n`);
  },
};

export const zookeeperCommand: CommandModule<object, object> = {
  command: 'zookeeper',
  describe: 'Run a local ZooKeeper ensemble for samsa (start, status, stop, install)',
  builder: (yargs) => yargs.command(start).command(status).command(stop).command(install),
  handler: () => {
    throw new SamsaError('name a zookeeper command: start, status, stop or install');
  },
};
