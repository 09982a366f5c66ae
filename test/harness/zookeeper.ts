/**
 * The test run's ZooKeeper ensemble: global setup starts one (3 nodes, or SAMSA_TEST_ZK_NODES)
 * through the launcher on free ports in a run folder, or takes SAMSA_ZK_CONNECT, and publishes
 * its connect string as SAMSA_TEST_ZK_CONNECT, which jest's workers inherit. Suites take a fresh
 * chroot of it each (chrootConnect); the ZooKeeper client wrapper creates the chroot znode.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  killLocalNodesSync,
  NodePorts,
  readState,
  startEnsemble,
  stopEnsemble,
} from '../../ops/zookeeper';
import { isAlive, RUNS_DIR } from './paths';
import { freePorts } from './ports';

export const ZK_CONNECT_ENV = 'SAMSA_TEST_ZK_CONNECT';
const RUN_DIR_ENV = 'SAMSA_TEST_RUN_DIR';

/** This run's ZooKeeper connect string (no chroot). */
export function zkConnect(): string {
  const connect = process.env[ZK_CONNECT_ENV];
  if (connect === undefined || connect === '') {
    throw new Error(
      `${ZK_CONNECT_ENV} is not set: ZooKeeper is only available to integration tests (files named *.it.test.ts, run by jest's integration project)`,
    );
  }
  return connect;
}

/** `<zkConnect()>/samsa-test/<label>-<random hex>`: a new, unique chroot on every call. */
export function chrootConnect(label: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(label)) {
    throw new Error(`chroot label '${label}' must use only letters, digits, '_', '.', '-'`);
  }
  return `${zkConnect()}/samsa-test/${label}-${randomBytes(4).toString('hex')}`;
}

/**
 * Starts the run's ensemble (or adopts SAMSA_ZK_CONNECT) and sets SAMSA_TEST_ZK_CONNECT. The
 * launcher installs ZooKeeper first if it is missing and this machine can.
 */
export async function startRunEnsemble(): Promise<void> {
  const external = process.env.SAMSA_ZK_CONNECT;
  if (external !== undefined && external !== '') {
    process.env[ZK_CONNECT_ENV] = external;
    return;
  }
  const nodes = Number(process.env.SAMSA_TEST_ZK_NODES ?? '3');
  if (nodes !== 1 && nodes !== 3) {
    throw new Error(`SAMSA_TEST_ZK_NODES must be 1 or 3, not '${process.env.SAMSA_TEST_ZK_NODES}'`);
  }
  await fs.mkdir(RUNS_DIR, { recursive: true });
  const runDir = await fs.mkdtemp(path.join(RUNS_DIR, 'run-'));
  await fs.writeFile(path.join(runDir, 'owner'), `${process.pid}\n`);
  const zkDir = path.join(runDir, 'zookeeper');
  // Global setup runs in jest's own process, where `process` is Node's. If jest ends without its
  // global teardown (an error, Ctrl-C, kill), the nodes go with it; a signal is then re-raised.
  process.on('exit', () => killLocalNodesSync(zkDir));
  const onSignal = (signal: NodeJS.Signals): void => {
    killLocalNodesSync(zkDir);
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.env[RUN_DIR_ENV] = runDir;
  const flat = await freePorts(3 * nodes);
  const ports: NodePorts[] = [];
  for (let i = 0; i < nodes; i++) {
    ports.push({
      clientPort: flat[3 * i],
      peerPort: flat[3 * i + 1],
      electionPort: flat[3 * i + 2],
    });
  }
  const info = await startEnsemble({ dir: zkDir, ports, find: { external: false } });
  process.env[ZK_CONNECT_ENV] = info.connectString;
}

async function removeRun(runDir: string): Promise<void> {
  const zkDir = path.join(runDir, 'zookeeper');
  if ((await readState(zkDir)) !== undefined) await stopEnsemble(zkDir);
  await fs.rm(runDir, { recursive: true, force: true });
}

/** Stops the run's ensemble and removes its folder (global teardown). */
export async function stopRunEnsemble(): Promise<void> {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir !== undefined) await removeRun(runDir);
}

/** Stops the ensembles of earlier runs whose jest process is gone, and removes their folders. */
export async function reapLeftoverRuns(): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(RUNS_DIR);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    const runDir = path.join(RUNS_DIR, name);
    const owner = Number(
      (await fs.readFile(path.join(runDir, 'owner'), 'utf8').catch(() => '')).trim(),
    );
    if (owner > 0 && isAlive(owner)) continue;
    await removeRun(runDir);
  }
}
