/**
 * `samsa lab` end to end: the built CLI (dist, built by `npm test`), run as separate processes. The lab starts its own one-node ZooKeeper ensemble through the launcher and three
 * real broker processes, on free ports in a temporary folder. The steps build on each other: up,
 * status, a topic, killing the controller and watching a new one take over, restarting it,
 * pausing and resuming a broker, stopping and starting ZooKeeper, and down --purge.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTopic } from '../../../broker/admin/admin-zk';
import { loadServerConfig } from '../../../broker/config/load-server-config';
import { healthCounts } from '../../../ops/lab/cluster-view';
import { labDown, labStatus } from '../../../ops/lab/lab';
import { readLabState } from '../../../ops/lab/state';
import { ZkClient } from '../../../zk-schema/client';
import { onCleanup, samsaBin, tempDir, useHarness, waitFor } from '../../harness';
import { freeRun } from './lab-ports';

useHarness();

const root = path.resolve(__dirname, '../../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Whether `pid` is a live process: a zombie (exited, not yet reaped by its parent) is not. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

describe('samsa lab (CLI, real ZooKeeper and brokers)', () => {
  let cli: string;
  let dir: string;
  let basePort: number;
  let zkPort: number;
  let controller: number;
  let epoch: number;

  function samsa(...args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(root, 'node_modules') };
    delete env.SAMSA_LOG_LEVEL;
    return new Promise((resolve) => {
      const child = execFile(
        process.execPath,
        [cli, ...args],
        { env, timeout: 150_000 },
        (_error, stdout, stderr) => resolve({ code: child.exitCode ?? -1, stdout, stderr }),
      );
    });
  }

  function lab(...args: string[]): Promise<Run> {
    return samsa('lab', ...args, '--dir', dir);
  }

  function status(): ReturnType<typeof labStatus> {
    return labStatus(dir, { dirFlag: '', showInternal: false });
  }

  async function clusterView(): Promise<
    Exclude<Awaited<ReturnType<typeof status>>['view'], { error: string }>
  > {
    const view = (await status()).view;
    if ('error' in view) throw new Error(view.error);
    return view;
  }

  /** Waits until the partitions of `demo` are in the given health counts. */
  async function demoHealth(expected: { ok: number; underReplicated: number }): Promise<void> {
    await waitFor(
      async () => {
        const view = await clusterView();
        const demo = view.topics.filter((t) => t.name === 'demo');
        const counts = healthCounts(demo, view.registeredBrokers);
        return (
          demo.length === 1 &&
          counts.ok === expected.ok &&
          counts['under-replicated'] === expected.underReplicated &&
          counts.offline === 0
        );
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `demo partitions ${JSON.stringify(expected)}` },
    );
  }

  beforeAll(async () => {
    cli = samsaBin();
    dir = path.join(await tempDir('lab'), 'lab');
    basePort = await freeRun(3);
    zkPort = await freeRun(1);
    onCleanup(async () => {
      if ((await readLabState(dir)) !== undefined) {
        await labDown(dir, { purge: true, notice: () => undefined });
      }
    });
  }, 180_000);

  it('lab up starts one ZooKeeper node and three brokers and prints the summary with a controller', async () => {
    const up = await lab(
      'up',
      '--zookeepers',
      '1',
      '--brokers',
      '3',
      '--base-port',
      String(basePort),
      '--zookeeper-base-port',
      String(zkPort),
    );
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const lines = up.stdout.split('\n');
    expect(lines[0]).toBe(`samsa lab is up in ${dir}: 1 ZooKeeper node, 3 brokers.`);
    expect(lines[2]).toBe(`ZooKeeper   127.0.0.1:${zkPort}`);
    expect(lines[3]).toMatch(/^Brokers {5}ID {2}ADDRESS +PID$/);
    for (const id of [1, 2, 3]) {
      expect(lines[3 + id]).toMatch(
        new RegExp(`^ {12}${id} {3}127\\.0\\.0\\.1:${basePort + id - 1} {2}\\d+$`),
      );
    }
    const match = /^Controller {2}broker ([123]) \(epoch (\d+)\)$/.exec(lines[7]);
    expect(match).not.toBeNull();
    controller = Number(match?.[1]);
    epoch = Number(match?.[2]);
    expect(epoch).toBeGreaterThanOrEqual(1);
    expect(up.stdout).toContain(
      `  samsa topics --bootstrap-server 127.0.0.1:${basePort} --create --topic demo --partitions 3 --replication-factor 3\n`,
    );
    expect(up.stdout).toContain(`  samsa lab kill broker ${controller} --dir ${dir}`);
  }, 180_000);

  it('lab up again finds the lab running and starts nothing', async () => {
    const again = await lab('up');
    expect(again.code).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(
      `samsa lab is up in ${dir}: 1 ZooKeeper node, 3 brokers (it was already running).`,
    );
  }, 60_000);

  it('lab status shows the standalone ZooKeeper node, three live brokers and the controller', async () => {
    const run = await lab('status');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^  1 +127\\.0\\.0\\.1:${zkPort} +standalone +\\d+$`, 'm'),
    );
    expect(run.stdout).toContain('Brokers: 3 of 3 registered\n');
    for (const id of [1, 2, 3]) {
      const role = id === controller ? ' +controller' : '';
      expect(run.stdout).toMatch(
        new RegExp(
          `^  ${id} +127\\.0\\.0\\.1:${basePort + id - 1} +running +\\d+ +yes${role}$`,
          'm',
        ),
      );
    }
    expect(run.stdout).toContain(`Controller: broker ${controller} (epoch ${epoch})\n`);
  }, 60_000);

  it('shows a new topic with a leader and a full ISR for every partition', async () => {
    const state = await readLabState(dir);
    const config = await loadServerConfig(path.join(dir, 'broker-1', 'server.properties'));
    const zk = await ZkClient.connect(state?.zookeeperConnect as string);
    try {
      await createTopic(
        { zk, config },
        'demo',
        { numPartitions: 3, replicationFactor: 3 },
        new Map(),
        [1, 2, 3],
      );
    } finally {
      await zk.close();
    }
    await demoHealth({ ok: 3, underReplicated: 0 });
    const run = await lab('status');
    expect(run.stdout).toMatch(
      /^Topics: 1, 3 partitions: 3 in sync, 0 under-replicated, 0 offline$/m,
    );
    for (const p of [0, 1, 2]) {
      expect(run.stdout).toMatch(
        new RegExp(`^  demo +${p} +[123] +[123],[123],[123] +[123],[123],[123]$`, 'm'),
      );
    }
  }, 90_000);

  it('kill broker <controller>: within the session timeout another broker becomes controller with a higher epoch', async () => {
    const kill = await lab('kill', 'broker', String(controller));
    expect(kill.code).toBe(0);
    expect(kill.stdout).toMatch(
      new RegExp(`^killed broker ${controller} \\(pid \\d+\\) with SIGKILL\\n`),
    );
    expect(kill.stdout).toContain(`Broker ${controller} was the controller (epoch ${epoch}).`);
    expect(kill.stdout).toContain(`watch: samsa lab status --dir ${dir}`);

    const view = await waitFor(
      async () => {
        const v = await clusterView();
        return v.controllerId !== null && v.controllerId !== controller ? v : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'a new controller' },
    );
    expect(view.controllerEpoch).toBeGreaterThan(epoch);
    expect(view.registeredBrokers).not.toContain(controller);
    await demoHealth({ ok: 0, underReplicated: 3 });

    const run = await lab('status');
    expect(run.stdout).toContain('Brokers: 2 of 3 registered\n');
    expect(run.stdout).toMatch(
      new RegExp(`^  ${controller} +127\\.0\\.0\\.1:\\d+ +dead +- +no$`, 'm'),
    );
    expect(run.stdout).toMatch(/^Controller: broker [123] \(epoch \d+\)$/m);
    expect(run.stdout).toMatch(
      /^Topics: 1, 3 partitions: 0 in sync, 3 under-replicated, 0 offline$/m,
    );
  }, 90_000);

  it('start broker <id> brings the killed broker back, registered, and the ISRs fill up again', async () => {
    const start = await lab('start', 'broker', String(controller));
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(
      new RegExp(
        `^started broker ${controller} \\(pid \\d+\\) on 127\\.0\\.0\\.1:${basePort + controller - 1}; it registered at /brokers/ids/${controller}\\n`,
      ),
    );
    expect((await clusterView()).registeredBrokers).toEqual([1, 2, 3]);
    await demoHealth({ ok: 3, underReplicated: 0 });
  }, 120_000);

  it('pause broker <id> freezes it until its session expires; resume brings it back', async () => {
    const current = (await clusterView()).controllerId;
    const target = [1, 2, 3].find((id) => id !== current) as number;
    const pause = await lab('pause', 'broker', String(target));
    expect(pause.code).toBe(0);
    expect(pause.stdout).toMatch(
      new RegExp(`^paused broker ${target} \\(pid \\d+\\) with SIGSTOP\\n`),
    );
    expect((await status()).brokers.find((b) => b.broker.id === target)?.process.state).toBe(
      'paused',
    );
    await waitFor(async () => !(await clusterView()).registeredBrokers.includes(target), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `broker ${target}'s registration to expire`,
    });

    const resume = await lab('resume', 'broker', String(target));
    expect(resume.code).toBe(0);
    expect(resume.stdout).toMatch(
      new RegExp(`^resumed broker ${target} \\(pid \\d+\\) with SIGCONT\\n`),
    );
    await waitFor(async () => (await clusterView()).registeredBrokers.includes(target), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: `broker ${target} to register again`,
    });
    expect((await status()).brokers.find((b) => b.broker.id === target)?.process.state).toBe(
      'running',
    );
  }, 120_000);

  it('stop and start zookeeper 1: status reports no quorum meanwhile, and the brokers are registered after', async () => {
    const stop = await lab('stop', 'zookeeper', '1');
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/^stopped ZooKeeper node 1 \(pid \d+\) with SIGTERM\n/);
    expect(stop.stdout).toContain('ZooKeeper now: node 1 down\n');
    const during = await lab('status');
    expect(during.code).toBe(0);
    expect(during.stdout).toContain(`ZooKeeper 127.0.0.1:${zkPort} (local): not serving\n`);
    expect(during.stdout).toContain(
      'Controller and topics: cannot read ZooKeeper (no ZooKeeper node is serving)\n',
    );

    const start = await lab('start', 'zookeeper', '1');
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(
      /^started ZooKeeper node 1 \(pid \d+\): it serves as standalone\n/,
    );
    await waitFor(
      async () => {
        const v = await clusterView();
        return v.registeredBrokers.length === 3 && v.controllerId !== null;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'three registered brokers and a controller' },
    );
  }, 120_000);

  it('down --purge stops every broker with a controlled shutdown and ZooKeeper, and leaves no process and no folder', async () => {
    const before = await status();
    const pids = [
      ...before.brokers.map((b) => b.process.pid),
      ...before.zookeeperNodes.map((n) => n.pid),
    ].filter((pid): pid is number => pid !== undefined);
    expect(pids).toHaveLength(4);

    const down = await lab('down', '--purge');
    expect(down.code).toBe(0);
    const lines = down.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 3).map((l) => l.replace(/\d+\.\d s/, 'T'))).toEqual(
      expect.arrayContaining(
        [1, 2, 3].map((id) => `broker ${id}: stopped (SIGTERM, controlled shutdown, T)`),
      ),
    );
    expect(lines.slice(3)).toEqual(['ZooKeeper: stopped node 1', `deleted ${dir}`]);
    expect(pids.filter(isAlive)).toEqual([]);
    await expect(fs.access(dir)).rejects.toThrow();
  }, 120_000);
});
