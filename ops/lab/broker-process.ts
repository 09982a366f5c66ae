/**
 * One lab broker as an operating-system process: launching it detached (it outlives the command
 * that started it) as `<node> <entry> server-start <broker dir>/server.properties`, with stdout and
 * stderr appended to `<broker dir>/server.log`; its pid file `<broker dir>/broker.pid` (the decimal
 * pid and a newline); whether it runs, is paused or is gone; and signals: SIGKILL (kill -9),
 * SIGTERM (a controlled shutdown, SIGKILL after a deadline), SIGSTOP / SIGCONT (pause, resume).
 *
 * A pid only counts as the broker's while the process's command line names the broker's
 * server.properties (read from /proc on Linux), so a recycled pid is never signalled.
 */
import { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SamsaError } from '../../client/errors';
import {
  ProcessState,
  processState,
  signalProcess,
  spawnDetached,
  waitProcessGone,
} from '../detached-process';
import { waitFor } from '../zookeeper/wait-for';
import { SERVER_PROPERTIES } from './server-properties';
import { BrokerLaunch } from './state';

export const BROKER_PID_FILE = 'broker.pid';
export const BROKER_LOG_FILE = 'server.log';
/** How long a SIGTERMed broker gets for its controlled shutdown before SIGKILL. */
export const STOP_GRACE_MS = 30_000;

export type { ProcessState };

export interface BrokerProcess {
  pid?: number;
  state: ProcessState;
}

export function serverPropertiesFile(brokerDir: string): string {
  return path.join(brokerDir, SERVER_PROPERTIES);
}

export function serverLogFile(brokerDir: string): string {
  return path.join(brokerDir, BROKER_LOG_FILE);
}

async function readPid(brokerDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await fs.readFile(path.join(brokerDir, BROKER_PID_FILE), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The broker's pid and state (`gone`, without a pid, when it does not run). */
export async function brokerProcess(brokerDir: string): Promise<BrokerProcess> {
  const pid = await readPid(brokerDir);
  if (pid === undefined) return { state: 'gone' };
  const state = processState(pid, serverPropertiesFile(brokerDir));
  return state === 'gone' ? { state } : { pid, state };
}

/**
 * Starts the broker detached and records its pid. The returned ChildProcess is unref'd: the caller
 * may watch it for an early exit, and this process may end while the broker runs on.
 */
export async function launchBroker(
  launch: BrokerLaunch,
  brokerDir: string,
  env: NodeJS.ProcessEnv,
): Promise<ChildProcess> {
  return spawnDetached(
    launch.node,
    [launch.entry, 'server-start', serverPropertiesFile(brokerDir)],
    {
      cwd: brokerDir,
      env,
      logFile: serverLogFile(brokerDir),
      pidFile: path.join(brokerDir, BROKER_PID_FILE),
      banner: `==== samsa lab: starting the broker at ${new Date().toISOString()} ====`,
    },
  );
}

/** How a stop went: nothing ran, the broker exited by itself, or it had to be killed. */
export type StopOutcome =
  { running: false } | { running: true; pid: number; killed: boolean; elapsedMs: number };

/**
 * Stops the broker. Gracefully: SIGTERM (the broker's controlled shutdown; a paused broker is
 * resumed so it can act on it), then SIGKILL if it still runs after `graceMs`. With `force`:
 * SIGKILL at once, like kill -9. Resolves once the process is gone.
 */
export async function stopBroker(
  brokerDir: string,
  options: { force?: boolean; graceMs?: number } = {},
): Promise<StopOutcome> {
  const { pid } = await brokerProcess(brokerDir);
  if (pid === undefined) {
    await fs.rm(path.join(brokerDir, BROKER_PID_FILE), { force: true });
    return { running: false };
  }
  const started = performance.now();
  let killed = options.force ?? false;
  if (killed) {
    signalProcess(pid, 'SIGKILL');
  } else {
    signalProcess(pid, 'SIGTERM');
    signalProcess(pid, 'SIGCONT');
    if (
      !(await waitProcessGone(
        pid,
        serverPropertiesFile(brokerDir),
        options.graceMs ?? STOP_GRACE_MS,
      ))
    ) {
      signalProcess(pid, 'SIGKILL');
      killed = true;
    }
  }
  if (!(await waitProcessGone(pid, serverPropertiesFile(brokerDir), 10_000))) {
    throw new SamsaError(`broker process ${pid} (${brokerDir}) did not exit after SIGKILL`);
  }
  await fs.rm(path.join(brokerDir, BROKER_PID_FILE), { force: true });
  return { running: true, pid, killed, elapsedMs: performance.now() - started };
}

/**
 * SIGSTOP (pause) or SIGCONT (resume) a running broker; on Linux, resolves once the process shows
 * the new state. Resolves with the pid.
 */
export async function signalBroker(brokerDir: string, sig: 'SIGSTOP' | 'SIGCONT'): Promise<number> {
  const { pid } = await brokerProcess(brokerDir);
  if (pid === undefined) throw new SamsaError(`the broker in ${brokerDir} is not running`);
  signalProcess(pid, sig);
  if (process.platform === 'linux') {
    const marker = serverPropertiesFile(brokerDir);
    await waitFor(() => (processState(pid, marker) === 'paused') === (sig === 'SIGSTOP'), {
      timeoutMs: 5000,
      intervalMs: 10,
      what: `broker process ${pid} to take ${sig}`,
    });
  }
  return pid;
}

/** The last `lines` lines of the broker's server.log ('(no log)' when there is none). */
export async function serverLogTail(brokerDir: string, lines = 20): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(serverLogFile(brokerDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '(no log)';
    throw error;
  }
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Rejects with a clear message when `port` on `host` cannot be listened on. */
export async function assertPortFree(host: string, port: number, role: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SamsaError(
          `port ${port} (${role}) is ${error.code === 'EADDRINUSE' ? 'in use' : `unusable: ${error.message}`}; ` +
            'stop what uses it or choose other ports (--base-port, --zookeeper-base-port)',
        ),
      ),
    );
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve()));
  });
}
