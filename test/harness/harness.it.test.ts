/**
 * The test harness itself: the run's ZooKeeper ensemble, chroot names, free ports, and the
 * cleanup of processes in every way a test can end (normally, failing, timing out, the test
 * process exiting, the run crashing).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { askSrvr, parseConnectString } from '../../ops/zookeeper';
import {
  chrootConnect,
  cleanupAll,
  freePorts,
  killTracked,
  spawnTracked,
  tempDir,
  useHarness,
  waitFor,
  zkConnect,
} from '.';
import { isAlive, PIDS_DIR } from './paths';
import { reapLeftoverProcesses } from './processes';

useHarness();

const idle = ['-e', 'setInterval(() => {}, 1000)'];

async function waitGone(pid: number, what: string): Promise<void> {
  await waitFor(() => !isAlive(pid), { timeoutMs: 10_000, intervalMs: 20, what });
}

describe('test harness', () => {
  it("gives the run's ZooKeeper ensemble, every server of which answers srvr", async () => {
    const { servers, chroot } = parseConnectString(zkConnect());
    expect(chroot).toBeUndefined();
    const answers = await Promise.all(servers.map((s) => askSrvr(s.host, s.port)));
    expect(answers.every((a) => a.serving)).toBe(true);
  });

  it('names a fresh chroot under /samsa-test on every call', () => {
    const a = chrootConnect('suite');
    const b = chrootConnect('suite');
    expect(a.startsWith(`${zkConnect()}/samsa-test/suite-`)).toBe(true);
    expect(a).not.toBe(b);
    expect(() => chrootConnect('bad/label')).toThrow(/must use only/);
  });

  it('hands out distinct free ports that can be listened on', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    const more = await freePorts(5);
    expect(more.some((p) => ports.includes(p))).toBe(false);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('killTracked stops a process with SIGTERM; cleanupAll kills the rest and removes temp dirs', async () => {
    const first = spawnTracked(process.execPath, idle);
    const second = spawnTracked(process.execPath, idle);
    const dir = await tempDir('harness');
    expect(await killTracked(first)).toEqual({ code: null, signal: 'SIGTERM' });
    await cleanupAll();
    await waitGone(second.pid as number, 'the second process to be killed');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(path.join(PIDS_DIR, `${second.pid}.json`))).toBe(false);
  });

  it('kills the processes of a run whose test process died (leftover pid files)', async () => {
    const dead = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((resolve) =>
      dead.once('exit', () => resolve(dead.pid as number)),
    );
    const orphan = spawn(process.execPath, idle, { detached: true, stdio: 'ignore' });
    orphan.unref();
    const pid = orphan.pid as number;
    await fs.mkdir(PIDS_DIR, { recursive: true });
    await fs.writeFile(
      path.join(PIDS_DIR, `${pid}.json`),
      JSON.stringify({ pid, owner: deadPid, args: idle }),
    );
    try {
      await reapLeftoverProcesses();
      await waitGone(pid, 'the orphan of a dead run to be killed');
      expect(existsSync(path.join(PIDS_DIR, `${pid}.json`))).toBe(false);
    } finally {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it.each([
    ['a test fails or times out (at the end of the file)', 'cleanup-on-failure.fixture.ts', 'dead'],
    ['the test process exits in the middle of a test', 'cleanup-on-exit.fixture.ts', undefined],
  ])(
    'kills tracked processes when %s',
    async (_case, fixture, afterAllSaw) => {
      const pidFile = path.join(await tempDir('fixture'), 'pids');
      await fs.writeFile(pidFile, '');
      const root = path.resolve(__dirname, '../..');
      const config = {
        rootDir: root,
        roots: ['<rootDir>/test/harness/fixtures'],
        testMatch: [`**/${fixture}`],
        testEnvironment: 'node',
        transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
      };
      const jestBin = require.resolve('jest/bin/jest');
      // stdio is not piped: a process the harness failed to kill must not hold up this test.
      const jest = spawnTracked(
        process.execPath,
        [jestBin, '--config', JSON.stringify(config), '--runInBand', '--ci'],
        { cwd: root, env: { ...process.env, SAMSA_FIXTURE_PID_FILE: pidFile }, stdio: 'ignore' },
      );
      const code = await new Promise<number | null>((resolve) => jest.once('exit', resolve));
      expect(code).not.toBe(0);
      const [pid, seen] = (await fs.readFile(pidFile, 'utf8')).trim().split('\n');
      expect(Number(pid)).toBeGreaterThan(0);
      expect(seen).toBe(afterAllSaw);
      await waitGone(Number(pid), `fixture process ${pid} to be gone`);
    },
    60_000,
  );
});
