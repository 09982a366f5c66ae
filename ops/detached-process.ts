/**
 * Background processes of the local tools (ZooKeeper nodes, lab brokers): launching one detached
 * (it outlives the command that started it; stdout and stderr appended to a log file; its pid
 * written to a pid file as the decimal pid and a newline), telling whether it still runs, and
 * signalling it.
 *
 * A pid only counts as the process's while its command line contains a marker the caller knows
 * (its config file; read from /proc on Linux), so a recycled pid is never signalled.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SamsaError } from '../client/errors';

export type ProcessState = 'running' | 'paused' | 'gone';

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

export interface DetachedOptions {
  cwd: string;
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
  /** A line appended to the log file before the process starts. */
  banner?: string;
}

/**
 * Starts `command` detached and records its pid. The returned ChildProcess is unref'd: the caller
 * may watch it for an early exit, and this process may exit while it runs on.
 */
export async function spawnDetached(
  command: string,
  args: string[],
  options: DetachedOptions,
): Promise<ChildProcess> {
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    if (options.banner !== undefined) writeSync(log, `${options.banner}\n`);
    child = spawn(command, args, {
      cwd: options.cwd,
      detached: true,
      env: options.env,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', (error) =>
      reject(new SamsaError(`cannot start ${command}: ${error.message}`, { cause: error })),
    );
  });
  child.unref();
  await fs.writeFile(options.pidFile, `${pid}\n`);
  return child;
}

/** Sends `sig` to `pid`; a process that is already gone is not an error. */
export function signalProcess(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Polls until the process is gone; false when it still runs after `timeoutMs`. */
export async function waitProcessGone(
  pid: number,
  marker: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (processState(pid, marker) !== 'gone') {
    if (performance.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}
