/**
 * `samsa zookeeper start|status|stop` end to end: the built CLI (dist, built by `npm test`) run
 * as a separate process against real ZooKeeper.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readState, stopEnsemble } from '../../../ops/zookeeper';
import { freePort, onCleanup, samsaBin, tempDir, useHarness } from '../../harness';

useHarness();

const root = path.resolve(__dirname, '../../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('samsa zookeeper (CLI)', () => {
  let cli: string;
  let dir: string;
  let basePort: number;

  function samsa(...args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(root, 'node_modules') };
    delete env.SAMSA_ZK_CONNECT;
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [cli, ...args], { env }, (_error, stdout, stderr) =>
        resolve({ code: child.exitCode ?? -1, stdout, stderr }),
      );
    });
  }

  beforeAll(async () => {
    cli = samsaBin();
    dir = await tempDir('zk-cli');
    basePort = await freePort();
    onCleanup(async () => {
      if ((await readState(dir)) !== undefined) await stopEnsemble(dir);
    });
  }, 60_000);

  it('compiles to an executable script with a node shebang', () => {
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('starts one standalone node, reports it, finds it running, and stops it', async () => {
    const start = await samsa(
      'zookeeper',
      'start',
      '--nodes',
      '1',
      '--dir',
      dir,
      '--base-port',
      String(basePort),
    );
    expect(start).toMatchObject({ code: 0, stdout: `127.0.0.1:${basePort}\n` });
    expect(start.stderr).toContain(`started 1 ZooKeeper node(s) (local, standalone) in ${dir}`);

    const status = await samsa('zookeeper', 'status', '--dir', dir);
    expect(status.code).toBe(0);
    const lines = status.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^NODE\s+ADDRESS\s+MODE\s+PID$/);
    expect(lines[2]).toMatch(
      new RegExp(`^1\\s+127\\.0\\.0\\.1:${basePort}\\s+standalone\\s+\\d+$`),
    );

    const again = await samsa('zookeeper', 'start', '--dir', dir);
    expect(again).toMatchObject({ code: 0, stdout: `127.0.0.1:${basePort}\n` });
    expect(again.stderr).toContain('is already running');

    const stop = await samsa('zookeeper', 'stop', '--dir', dir);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toContain(`stopped ZooKeeper node(s) 1 in ${dir}`);
    const after = await samsa('zookeeper', 'status', '--dir', dir);
    expect(after.stdout).toMatch(new RegExp(`^1\\s+127\\.0\\.0\\.1:${basePort}\\s+down$`, 'm'));
  }, 60_000);

  it('fails with one line and exit code 1 on bad input', async () => {
    const badNodes = await samsa('zookeeper', 'start', '--nodes', '2', '--dir', dir);
    const unknownFlag = await samsa('zookeeper', 'status', '--bogus');
    const nothingThere = await samsa('zookeeper', 'status', '--dir', path.join(dir, 'missing'));
    for (const run of [badNodes, unknownFlag, nothingThere]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^samsa: [^\n]+\n$/);
    }
    expect(badNodes.stderr).toContain('Invalid values: Argument: nodes, Given: 2, Choices: 1, 3');
    expect(unknownFlag.stderr).toContain('Unknown argument: bogus');
    expect(nothingThere.stderr).toContain('no ZooKeeper ensemble recorded in');
  }, 30_000);
});
