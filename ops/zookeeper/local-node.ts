/**
 * One ZooKeeper node run as a local JVM: its command line, launching it detached (it outlives the
 * command that started it; stdout and stderr go to `<node dir>/zookeeper.log`), its pid file
 * (`<node dir>/zookeeper.pid`, the decimal pid and a newline), whether it still runs, and signals
 * (SIGTERM then SIGKILL to stop, SIGKILL to kill, SIGSTOP/SIGCONT to pause and resume).
 *
 * A pid only counts as this node's while the process's command line names the node's `zoo.cfg`
 * (read from /proc on Linux), so a recycled pid is never signalled.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SamsaError } from '../../client/errors';
import { LocalLaunch } from './state';

export const PID_FILE = 'zookeeper.pid';
export const LOG_FILE = 'zookeeper.log';
export const CONFIG_FILE = 'zoo.cfg';

export type ProcessState = 'running' | 'paused' | 'gone';

/** The JVM's arguments for the node whose folder is `dir`. */
export function jvmArgs(launch: LocalLaunch, dir: string): string[] {
  return [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-Djava.net.preferIPv4Stack=true',
    `-Dzookeeper.log.dir=${dir}`,
    // Logging to stdout/stderr (which go to zookeeper.log), whatever binding the install uses:
    // log4j 1 (ZooKeeper <= 3.7 releases), logback (3.8 releases, conf/logback.xml), slf4j-simple
    // (the Debian package, as set up by local-install.ts).
    '-Dzookeeper.root.logger=INFO,CONSOLE',
    '-Dzookeeper.console.threshold=INFO',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=info',
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSS",
    '-cp',
    launch.classpath.join(path.delimiter),
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    path.join(dir, CONFIG_FILE),
  ];
}

/**
 * Whether `pid` is a live process whose command line contains `marker`. Synchronous, so that it
 * can run inside a process 'exit' handler.
 */
export function processState(pid: number, marker: string): ProcessState {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return 'running';
    return 'gone';
  }
  if (process.platform !== 'linux') return 'running';
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.split('\0').some((arg) => arg.includes(marker))) return 'gone';
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return 'gone';
    return state === 'T' || state === 't' ? 'paused' : 'running';
  } catch {
    return 'gone';
  }
}

export async function readPid(dir: string): Promise<number | undefined> {
  try {
    const pid = Number((await fs.readFile(path.join(dir, PID_FILE), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The node's pid and state (`gone` with no pid when it is not running). */
export async function localNodeState(dir: string): Promise<{ pid?: number; state: ProcessState }> {
  const pid = await readPid(dir);
  if (pid === undefined) return { state: 'gone' };
  const state = processState(pid, path.join(dir, CONFIG_FILE));
  return state === 'gone' ? { state } : { pid, state };
}

/**
 * Starts the node's JVM detached and records its pid. The returned ChildProcess is unref'd: the
 * caller may watch it for an early exit, and this process may exit while the node runs on.
 */
export async function launchLocalNode(launch: LocalLaunch, dir: string): Promise<ChildProcess> {
  const log = openSync(path.join(dir, LOG_FILE), 'a');
  let child: ChildProcess;
  try {
    child = spawn(launch.java, jvmArgs(launch, dir), {
      cwd: dir,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) =>
      reject(new SamsaError(`cannot start ${launch.java}: ${error.message}`, { cause: error })),
    );
  });
  child.unref();
  await fs.writeFile(path.join(dir, PID_FILE), `${pid}\n`);
  return child;
}

async function waitGone(pid: number, marker: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (processState(pid, marker) !== 'gone') {
    if (performance.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Stops the node: SIGTERM, then SIGKILL if it still runs after `graceMs` (with `force`, SIGKILL
 * at once, like kill -9). A paused node is resumed after SIGTERM so it can act on it. Returns
 * whether a process was running.
 */
export async function stopLocalNode(
  dir: string,
  options: { force?: boolean; graceMs?: number } = {},
): Promise<boolean> {
  const { pid } = await localNodeState(dir);
  if (pid === undefined) {
    await fs.rm(path.join(dir, PID_FILE), { force: true });
    return false;
  }
  const marker = path.join(dir, CONFIG_FILE);
  if (options.force) {
    signal(pid, 'SIGKILL');
  } else {
    signal(pid, 'SIGTERM');
    signal(pid, 'SIGCONT');
    if (!(await waitGone(pid, marker, options.graceMs ?? 10_000))) signal(pid, 'SIGKILL');
  }
  if (!(await waitGone(pid, marker, 10_000))) {
    throw new SamsaError(`ZooKeeper process ${pid} (${dir}) did not exit after SIGKILL`);
  }
  await fs.rm(path.join(dir, PID_FILE), { force: true });
  return true;
}

/**
 * SIGSTOP (pause) or SIGCONT (resume) a running node. On Linux, resolves once the process shows
 * the new state (signals to a multi-threaded JVM take effect asynchronously).
 */
export async function signalLocalNode(dir: string, sig: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
  const { pid } = await localNodeState(dir);
  if (pid === undefined) throw new SamsaError(`ZooKeeper node in ${dir} is not running`);
  signal(pid, sig);
  if (process.platform !== 'linux') return;
  const marker = path.join(dir, CONFIG_FILE);
  const deadline = performance.now() + 5000;
  while ((processState(pid, marker) === 'paused') !== (sig === 'SIGSTOP')) {
    if (performance.now() >= deadline) {
      throw new SamsaError(`ZooKeeper process ${pid} (${dir}) did not take ${sig} within 5000ms`);
    }
    await sleep(10);
  }
}

/** The last `lines` lines of the node's log, for error messages. */
export async function logTail(dir: string, lines = 5): Promise<string> {
  try {
    const text = await fs.readFile(path.join(dir, LOG_FILE), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
