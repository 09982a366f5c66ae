/**
 * Child processes started by tests: spawnTracked remembers each one (in memory, and as a pid file
 * under paths.ts's PIDS_DIR), killTracked stops one, killAllTracked SIGKILLs every one still
 * alive. A process 'exit' hook SIGKILLs survivors synchronously if the test process ends without
 * cleaning up, and reapLeftoverProcesses (global setup) kills those of runs that died outright.
 */
import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isAlive, PIDS_DIR } from './paths';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const tracked = new Set<ChildProcess>();

/**
 * Node's own process object. Inside a jest test file `process` is a copy made for the test's
 * context, whose 'exit' event never fires; functions of Node's core modules belong to the outer
 * context, so their Function constructor evaluates `process` there.
 */
function nodeProcess(): NodeJS.Process {
  const outerFunction = spawn.constructor as FunctionConstructor;
  return outerFunction('return process')() as NodeJS.Process;
}

function killSurvivorsSync(): void {
  for (const child of tracked) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (child.pid !== undefined) rmSync(pidFile(child.pid), { force: true });
  }
}

let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  nodeProcess().on('exit', killSurvivorsSync);
  exitHookInstalled = true;
}

function removeExitHook(): void {
  if (!exitHookInstalled) return;
  nodeProcess().off('exit', killSurvivorsSync);
  exitHookInstalled = false;
}

function pidFile(pid: number): string {
  return path.join(PIDS_DIR, `${pid}.json`);
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** `child_process.spawn`, remembering the child so cleanupAll kills it. */
export function spawnTracked(
  command: string,
  args: readonly string[] = [],
  options: SpawnOptions = {},
): ChildProcess {
  const child = spawn(command, args, options);
  tracked.add(child);
  installExitHook();
  const pid = child.pid;
  if (pid === undefined) {
    // Spawning failed (the 'error' event says why): there is no process to track.
    child.once('error', () => tracked.delete(child));
    return child;
  }
  mkdirSync(PIDS_DIR, { recursive: true });
  writeFileSync(pidFile(pid), JSON.stringify({ pid, owner: process.pid, args }));
  child.once('exit', () => {
    tracked.delete(child);
    rmSync(pidFile(pid), { force: true });
  });
  return child;
}

function exitOf(child: ChildProcess): Promise<ExitStatus> {
  if (hasExited(child)) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * Sends `signal` (default SIGTERM) and resolves when the child has exited; SIGKILL follows after
 * `graceMs` (default 10 s). For SIGSTOP/SIGCONT, call `child.kill(signal)` directly.
 */
export async function killTracked(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  options: { graceMs?: number } = {},
): Promise<ExitStatus> {
  const exited = exitOf(child);
  if (hasExited(child)) return exited;
  child.kill(signal);
  if (signal !== 'SIGKILL') child.kill('SIGCONT');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 10_000);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGKILLs every tracked child still alive and waits until they have exited. */
export async function killAllTracked(): Promise<void> {
  const running = [...tracked].filter((child) => child.pid !== undefined);
  await Promise.all(running.map((child) => killTracked(child, 'SIGKILL')));
  tracked.clear();
  removeExitHook();
}

/** Kills the tracked processes of test processes that no longer exist (aborted runs). */
export async function reapLeftoverProcesses(): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(PIDS_DIR);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    const file = path.join(PIDS_DIR, name);
    const record = JSON.parse(await fs.readFile(file, 'utf8')) as {
      pid: number;
      owner: number;
      args: string[];
    };
    if (isAlive(record.owner)) continue;
    if (isAlive(record.pid) && sameArgs(record.pid, record.args))
      process.kill(record.pid, 'SIGKILL');
    await fs.rm(file, { force: true });
  }
}

/** Whether process `pid` still runs with these arguments (and is not a recycled pid). */
function sameArgs(pid: number, args: string[]): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(1, -1);
    return argv.length === args.length && argv.every((arg, i) => arg === args[i]);
  } catch {
    return false;
  }
}
