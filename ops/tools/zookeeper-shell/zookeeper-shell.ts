/**
 * `samsa zookeeper-shell host:port[/chroot] [command args]`: Kafka's zookeeper-shell.sh (which
 * runs ZooKeeper 3.x's ZooKeeperMain without JLine), read-only, for looking at Kafka's znodes:
 *
 *   ls [-s] path    the children, sorted, as `[a, b, c]`; with -s the node's stat after them
 *   get [-s] path   the data as UTF-8 text (`null` when the node has none); with -s the stat
 *   stat path       the stat:
 *                     cZxid = 0x100000002
 *                     ctime = Mon Nov 22 10:00:00 UTC 2021
 *                     mZxid = ...   mtime = ...   pZxid = 0x...
 *                     cversion = 0   dataVersion = 0   aclVersion = 0
 *                     ephemeralOwner = 0x0 (or the owning session)   dataLength = 12
 *                     numChildren = 0     (one field per line, in this order)
 *
 * With a command on the command line the shell prints `Connecting to <connect string>`, the
 * connection event (`WATCHER::` / `WatchedEvent state:SyncConnected type:None path:null`), the
 * command's output, and exits: 0, or 1 when the command failed (the reason on standard error, in
 * ZooKeeper's words: `Node does not exist: /x`). Without a command it also prints
 * `Welcome to ZooKeeper!` and `JLine support is disabled`, then runs each line of standard input
 * as a command (no prompt, as without JLine) until end of input or `quit`.
 *
 * A chroot in the connect string is created when missing (samsa's ZkClient does so on connect).
 */
import { ZkClient, ZkError, pathProblem, type ZkStat } from '../../../zk-schema/client';
import type { ToolOutput } from '../console/output';

/** The part of ZkClient the shell reads with. */
export interface ShellZk {
  getChildren(path: string): Promise<{ children: string[]; stat: ZkStat }>;
  getData(path: string): Promise<{ data: Buffer | null; stat: ZkStat }>;
  exists(path: string): Promise<ZkStat | null>;
}

/** A failed command: the message ZooKeeperMain prints on standard error. */
export class ShellCommandError extends Error {}

const USAGE = {
  ls: 'ls [-s] path',
  get: 'get [-s] path',
  stat: 'stat path',
} as const;

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The local time zone's short name at `date` (`UTC`, `CET`, `GMT+2`, ...). */
function zoneName(date: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** A time as Java's Date.toString prints it: `Mon Nov 22 10:00:00 UTC 2021` (local time). */
export function formatJavaDate(ms: number): string {
  const d = new Date(ms);
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${pad2(d.getDate())} ${time} ${zoneName(d)} ${d.getFullYear()}`;
}

function hex(value: bigint): string {
  return `0x${BigInt.asUintN(64, value).toString(16)}`;
}

/** ZooKeeper's StatPrinter lines. */
export function formatStat(stat: ZkStat): string[] {
  return [
    `cZxid = ${hex(stat.czxid)}`,
    `ctime = ${formatJavaDate(stat.ctime)}`,
    `mZxid = ${hex(stat.mzxid)}`,
    `mtime = ${formatJavaDate(stat.mtime)}`,
    `pZxid = ${hex(stat.pzxid)}`,
    `cversion = ${stat.cversion}`,
    `dataVersion = ${stat.version}`,
    `aclVersion = ${stat.aversion}`,
    `ephemeralOwner = ${stat.ephemeralOwner ?? '0x0'}`,
    `dataLength = ${stat.dataLength}`,
    `numChildren = ${stat.numChildren}`,
  ];
}

/** `ls` output: the children sorted (Java's String order: UTF-16 code units) as `[a, b]`. */
export function formatChildren(children: readonly string[]): string {
  return `[${[...children].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(', ')}]`;
}

/** Splits a command line into words at runs of spaces (as ZooKeeperMain does). */
export function splitCommand(line: string): string[] {
  return line
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
}

function parseCommand(
  words: readonly string[],
  name: keyof typeof USAGE,
  flags: readonly string[],
): { path: string; flags: Set<string> } {
  const given = new Set<string>();
  const rest: string[] = [];
  for (const word of words.slice(1)) {
    if (word.startsWith('-') && word.length > 1) {
      const flag = word.slice(1);
      if (!flags.includes(flag)) throw new ShellCommandError(`Unrecognized option: ${word}`);
      given.add(flag);
    } else {
      rest.push(word);
    }
  }
  if (rest.length !== 1) throw new ShellCommandError(USAGE[name]);
  const problem = pathProblem(rest[0]);
  if (problem !== null) throw new ShellCommandError(problem);
  return { path: rest[0], flags: given };
}

function zkMessage(error: unknown, path: string): Error {
  if (!(error instanceof ZkError)) return error instanceof Error ? error : new Error(String(error));
  switch (error.code) {
    case 'NO_NODE':
      return new ShellCommandError(`Node does not exist: ${path}`);
    case 'NO_AUTH':
      return new ShellCommandError(`Authentication is not valid : ${path}`);
    default:
      return new ShellCommandError(error.message);
  }
}

/** The commands the shell knows, with their usage, as its help text prints them. */
export function helpLines(): string[] {
  return [
    'ZooKeeper -server host:port cmd args',
    ...Object.values(USAGE).map((usage) => `\t${usage}`),
    '\tquit',
  ];
}

/**
 * Runs one command (already split into words); resolves to the lines to print. Throws
 * ShellCommandError with ZooKeeper's message when the command fails.
 */
export async function runShellCommand(words: readonly string[], zk: ShellZk): Promise<string[]> {
  const name = words[0];
  try {
    switch (name) {
      case 'ls': {
        const { path, flags } = parseCommand(words, 'ls', ['s']);
        try {
          const { children, stat } = await zk.getChildren(path);
          return [formatChildren(children), ...(flags.has('s') ? formatStat(stat) : [])];
        } catch (error) {
          throw zkMessage(error, path);
        }
      }
      case 'get': {
        const { path, flags } = parseCommand(words, 'get', ['s']);
        try {
          const { data, stat } = await zk.getData(path);
          const text = data === null ? 'null' : data.toString('utf8');
          return [text, ...(flags.has('s') ? formatStat(stat) : [])];
        } catch (error) {
          throw zkMessage(error, path);
        }
      }
      case 'stat': {
        const { path } = parseCommand(words, 'stat', []);
        let stat: ZkStat | null;
        try {
          stat = await zk.exists(path);
        } catch (error) {
          throw zkMessage(error, path);
        }
        if (stat === null) throw new ShellCommandError(`Node does not exist: ${path}`);
        return formatStat(stat);
      }
      default:
        return helpLines();
    }
  } catch (error) {
    if (error instanceof ShellCommandError) throw error;
    throw new ShellCommandError(error instanceof Error ? error.message : String(error));
  }
}

const CONNECTED_EVENT = [
  '',
  'WATCHER::',
  '',
  'WatchedEvent state:SyncConnected type:None path:null',
];

async function printLines(output: ToolOutput, lines: readonly string[]): Promise<void> {
  if (lines.length > 0) await output.stdout(`${lines.join('\n')}\n`);
}

/**
 * The whole tool: connects, then runs the command given or, without one, each line of `input`.
 * Returns the exit code.
 */
export async function runZookeeperShell(
  connectString: string,
  command: readonly string[],
  input: AsyncIterable<string>,
  output: ToolOutput,
  connect: (connectString: string) => Promise<ShellZk & { close(): Promise<void> }> = (c) =>
    ZkClient.connect(c, { name: 'zookeeper-shell', sessionTimeoutMs: 30000 }),
): Promise<number> {
  // Take the input's iterator now: lines read while connecting must not be lost.
  const lines = input[Symbol.asyncIterator]();
  await printLines(output, [`Connecting to ${connectString}`]);
  const interactive = command.length === 0;
  if (interactive) await printLines(output, ['Welcome to ZooKeeper!', 'JLine support is disabled']);
  let zk: ShellZk & { close(): Promise<void> };
  try {
    zk = await connect(connectString);
  } catch (error) {
    output.stderr(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    await printLines(output, CONNECTED_EVENT);
    if (!interactive) {
      try {
        await printLines(output, await runShellCommand(command, zk));
        return 0;
      } catch (error) {
        output.stderr(`${(error as Error).message}\n`);
        return 1;
      }
    }
    for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
      const words = splitCommand(next.value);
      if (words.length === 0) continue;
      if (words[0] === 'quit') break;
      try {
        await printLines(output, await runShellCommand(words, zk));
      } catch (error) {
        output.stderr(`${(error as Error).message}\n`);
      }
    }
    return 0;
  } finally {
    await zk.close();
  }
}
