/**
 * One ZooKeeper node run as a local JVM: its command line, launching it detached (through
 * ops/detached-process; stdout and stderr go to `<node dir>/zookeeper.log`, the pid to
 * `<node dir>/zookeeper.pid`), whether it still runs, and signals (SIGTERM then SIGKILL to stop,
 * SIGKILL to kill, SIGSTOP/SIGCONT to pause and resume). A pid only counts as this node's while
 * the process's command line names the node's `zoo.cfg`.
 */
import { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SamsaError } from '../../client/errors';
import {
  ProcessState,
  processState,
  signalProcess,
  spawnDetached,
  waitProcessGone,
} from '../detached-process';
import { LocalLaunch } from './state';

export const PID_FILE = 'zookeeper.pid';
export const LOG_FILE = 'zookeeper.log';
export const CONFIG_FILE = 'zoo.cfg';

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
  return spawnDetached(launch.java, jvmArgs(launch, dir), {
    cwd: dir,
    logFile: path.join(dir, LOG_FILE),
    pidFile: path.join(dir, PID_FILE),
  });
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
    signalProcess(pid, 'SIGKILL');
  } else {
    signalProcess(pid, 'SIGTERM');
    signalProcess(pid, 'SIGCONT');
    if (!(await waitProcessGone(pid, marker, options.graceMs ?? 10_000)))
      signalProcess(pid, 'SIGKILL');
  }
  if (!(await waitProcessGone(pid, marker, 10_000))) {
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
  signalProcess(pid, sig);
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
