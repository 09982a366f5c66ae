/**
 * How the lab runs broker processes — launch detached with a pid file and server.log, process
 * state, pause/resume, graceful and forced stops — with a stand-in for `samsa server-start`
 * (stand-in-broker.ts), so that it is tested without a broker.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  assertPortFree,
  brokerProcess,
  launchBroker,
  serverLogTail,
  signalBroker,
  stopBroker,
} from '../../../ops/lab/broker-process';
import { BrokerLaunch } from '../../../ops/lab/state';
import { freePort, onCleanup, tempDir, useHarness, waitFor } from '../../harness';
import { writeStandInBroker } from './stand-in-broker';

useHarness();

describe('lab broker processes', () => {
  let launch: BrokerLaunch;
  const dirs: string[] = [];

  async function brokerDir(): Promise<string> {
    const dir = await tempDir('lab-broker');
    dirs.push(dir);
    await fs.writeFile(path.join(dir, 'server.properties'), 'broker.id=1\n');
    return dir;
  }

  function env(mode = ''): NodeJS.ProcessEnv {
    return { ...process.env, STAND_IN_MODE: mode };
  }

  async function logSays(dir: string, text: string): Promise<void> {
    await waitFor(async () => (await serverLogTail(dir, 50)).includes(text), {
      timeoutMs: 10_000,
      what: `server.log to say '${text}'`,
    });
  }

  beforeAll(async () => {
    launch = { node: process.execPath, entry: await writeStandInBroker(await tempDir('stand-in')) };
    onCleanup(async () => {
      for (const dir of dirs) await stopBroker(dir, { force: true });
    });
  });

  it('launches the broker detached with server-start <server.properties>, a pid file and its output in server.log', async () => {
    const dir = await brokerDir();
    const child = await launchBroker(launch, dir, env());
    const proc = await brokerProcess(dir);
    expect(proc).toEqual({ state: 'running', pid: child.pid });
    expect(await fs.readFile(path.join(dir, 'broker.pid'), 'utf8')).toBe(`${child.pid}\n`);
    await logSays(dir, `stand-in broker: server-start ${path.join(dir, 'server.properties')}`);
    expect(await serverLogTail(dir, 50)).toMatch(
      /^==== samsa lab: starting the broker at \S+ ====$/m,
    );
  });

  it('stops a broker with SIGTERM, lets it shut down cleanly, and removes its pid file', async () => {
    const dir = await brokerDir();
    await launchBroker(launch, dir, env());
    await logSays(dir, 'stand-in broker');
    const outcome = await stopBroker(dir);
    expect(outcome).toMatchObject({ running: true, killed: false });
    expect(await brokerProcess(dir)).toEqual({ state: 'gone' });
    await expect(fs.access(path.join(dir, 'broker.pid'))).rejects.toThrow();
    expect(await serverLogTail(dir, 1)).toBe('controlled shutdown');
  });

  it('SIGKILLs a broker that is still running when the grace period ends', async () => {
    const dir = await brokerDir();
    await launchBroker(launch, dir, env('stubborn'));
    await logSays(dir, 'stand-in broker');
    const outcome = await stopBroker(dir, { graceMs: 500 });
    expect(outcome).toMatchObject({ running: true, killed: true });
    expect(await serverLogTail(dir, 1)).toBe('ignoring SIGTERM');
    expect(await brokerProcess(dir)).toEqual({ state: 'gone' });
  });

  it('kills at once with force, without a shutdown', async () => {
    const dir = await brokerDir();
    await launchBroker(launch, dir, env());
    await logSays(dir, 'stand-in broker');
    expect(await stopBroker(dir, { force: true })).toMatchObject({ running: true, killed: true });
    expect(await serverLogTail(dir, 50)).not.toContain('controlled shutdown');
  });

  it('pauses with SIGSTOP and resumes with SIGCONT, and a paused broker still stops with SIGTERM', async () => {
    const dir = await brokerDir();
    const child = await launchBroker(launch, dir, env());
    await logSays(dir, 'stand-in broker');
    expect(await signalBroker(dir, 'SIGSTOP')).toBe(child.pid);
    expect((await brokerProcess(dir)).state).toBe('paused');
    await signalBroker(dir, 'SIGCONT');
    expect((await brokerProcess(dir)).state).toBe('running');
    await signalBroker(dir, 'SIGSTOP');
    expect(await stopBroker(dir, { graceMs: 10_000 })).toMatchObject({ killed: false });
  });

  it('never signals a pid that now belongs to another process', async () => {
    const dir = await brokerDir();
    await fs.writeFile(path.join(dir, 'broker.pid'), `${process.pid}\n`);
    expect(await brokerProcess(dir)).toEqual({ state: 'gone' });
    expect(await stopBroker(dir, { force: true })).toEqual({ running: false });
    await expect(signalBroker(dir, 'SIGSTOP')).rejects.toThrow('is not running');
  });

  it('reports a taken port clearly', async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      await expect(assertPortFree('127.0.0.1', port, 'broker 2')).rejects.toThrow(
        `port ${port} (broker 2) is in use; stop what uses it or choose other ports (--base-port, --zookeeper-base-port)`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(assertPortFree('127.0.0.1', port, 'broker 2')).resolves.toBeUndefined();
  });

  it('has no log tail before the first start', async () => {
    expect(await serverLogTail(await brokerDir())).toBe('(no log)');
  });
});
