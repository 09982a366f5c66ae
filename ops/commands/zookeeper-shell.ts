/**
 * `samsa zookeeper-shell host:port[/chroot] [ls|get|stat ...]`: Kafka's zookeeper-shell.sh, a
 * read-only ZooKeeper shell for looking at Kafka's znodes (ops/tools/zookeeper-shell).
 */
import readline from 'node:readline';
import type { CommandModule } from 'yargs';
import { quietClientLogs } from '../tools/console/command-line';
import { processOutput } from '../tools/console/output';
import { runZookeeperShell } from '../tools/zookeeper-shell/zookeeper-shell';

interface ZookeeperShellArgs {
  connect: string;
  command: (string | number)[];
}

async function* noInput(): AsyncGenerator<string> {}

export const zookeeperShellCommand: CommandModule<object, ZookeeperShellArgs> = {
  command: 'zookeeper-shell <connect> [command..]',
  describe:
    'Look at ZooKeeper: ls [-s] path, get [-s] path, stat path (or one command per input line)',
  builder: (yargs) =>
    yargs
      // `ls -s /x`: options after the connect string belong to the shell command, not to samsa.
      .parserConfiguration({ 'unknown-options-as-args': true })
      .positional('connect', {
        type: 'string',
        demandOption: true,
        describe: 'the ensemble: host:port[,host:port...][/chroot]',
      })
      .positional('command', {
        type: 'string',
        array: true,
        default: [],
        describe: 'a command to run and exit (without one, commands are read from standard input)',
      }),
  handler: async (args) => {
    quietClientLogs();
    const command = args.command.map(String);
    // Standard input is read only without a command (interactive use).
    const input =
      command.length === 0
        ? readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
        : undefined;
    try {
      process.exitCode = await runZookeeperShell(
        args.connect,
        command,
        input ?? noInput(),
        processOutput(),
      );
    } finally {
      input?.close();
    }
  },
};
