/**
 * Real broker processes for integration tests: `TestCluster.start({ label, brokers })` writes one
 * server.properties per broker (ids 1..N, a free port each on 127.0.0.1, a temp log dir, a fresh
 * chroot of the run's ZooKeeper ensemble, short timeouts), runs each as
 * `node dist/ops/bin/samsa.js server-start <file>` (the built CLI: `npm test` builds dist first),
 * waits until every broker is registered in `/brokers/ids` and a controller is elected, and
 * stops them all in the harness cleanup (SIGKILL for anything still running).
 *
 * `BrokerProcess` keeps each broker's stderr (its log) for assertions and failure messages;
 * `cluster.zk` is a ZooKeeper client on the same chroot for reading the tree.
 */
import type { ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ZkClient, ZkError } from '../../zk-schema/client';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import * as controllerZnode from '../../zk-schema/znodes/controller';
import * as controllerEpochZnode from '../../zk-schema/znodes/controller-epoch';
import {
  ExitStatus,
  chrootConnect,
  freePorts,
  killTracked,
  onCleanup,
  samsaBin,
  spawnTracked,
  tempDir,
  waitFor,
} from '../harness';

/** Settings that keep fault tests quick (timeouts of a few seconds, fast retries). */
export const FAST_BROKER_CONFIG: Readonly<Record<string, string>> = {
  'zookeeper.session.timeout.ms': '4000',
  'zookeeper.connection.timeout.ms': '10000',
  'replica.lag.time.max.ms': '4000',
  'replica.fetch.wait.max.ms': '200',
  'replica.fetch.backoff.ms': '200',
  'replica.socket.timeout.ms': '4000',
  'controller.socket.timeout.ms': '5000',
  'controlled.shutdown.max.retries': '3',
  'controlled.shutdown.retry.backoff.ms': '300',
  'offsets.topic.replication.factor': '1',
  'group.initial.rebalance.delay.ms': '0',
};

/** Writes a server.properties file (keys in the given order). */
export async function writeProperties(file: string, props: Record<string, string>): Promise<void> {
  const text = Object.entries(props)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  await fs.writeFile(file, `${text}\n`);
}

/**
 * Runs `samsa <args>` to completion (killed after `timeoutMs`, default 60 s); `input` is written
 * to its standard input, which is then closed. Resolves to its exit status and output.
 */
export async function runSamsa(
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<ExitStatus & { stdout: string; stderr: string }> {
  const child = spawnTracked(process.execPath, [samsaBin(), ...args], {
    env: { ...process.env, SAMSA_LOG_LEVEL: 'info', ...options.env },
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60000);
  try {
    return { ...(await exited), stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

export class BrokerProcess {
  child: ChildProcess | undefined;
  /** Everything the current (or last) process wrote on stderr. */
  output = '';
  private exit: Promise<ExitStatus> | undefined;

  constructor(
    readonly id: number,
    readonly port: number,
    readonly logDir: string,
    readonly propsFile: string,
  ) {}

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  get pid(): number {
    if (this.child?.pid === undefined) throw new Error(`broker ${this.id} is not running`);
    return this.child.pid;
  }

  /** `127.0.0.1:<port>` */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts `samsa server-start <propsFile> [--override k=v ...]`. */
  start(overrides: Record<string, string> = {}): void {
    if (this.running) throw new Error(`broker ${this.id} is already running`);
    const args = [samsaBin(), 'server-start', this.propsFile];
    for (const [key, value] of Object.entries(overrides))
      args.push('--override', `${key}=${value}`);
    const child = spawnTracked(process.execPath, args, {
      env: { ...process.env, SAMSA_LOG_LEVEL: process.env.SAMSA_BROKER_LOG_LEVEL ?? 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.output = '';
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) =>
      child.once('close', (code, signal) => resolve({ code, signal })),
    );
    this.child = child;
  }

  /** Resolves when the process has exited and its output is read. */
  exited(): Promise<ExitStatus> {
    if (this.exit === undefined) throw new Error(`broker ${this.id} was never started`);
    return this.exit;
  }

  /** Sends `signal` (SIGTERM: a controlled shutdown) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 30000): Promise<ExitStatus> {
    if (this.child === undefined) throw new Error(`broker ${this.id} was never started`);
    await killTracked(this.child, signal, { graceMs });
    return this.exited();
  }

  /** The last `lines` lines of output, for failure messages. */
  tail(lines = 30): string {
    return this.output.split('\n').slice(-lines).join('\n');
  }
}

export interface ClusterOptions {
  /** Names the chroot and temp folders. */
  readonly label: string;
  /** How many brokers (ids 1..N). Default 3. */
  readonly brokers?: number;
  /** Extra server.properties entries for every broker (over FAST_BROKER_CONFIG). */
  readonly config?: Record<string, string>;
  /** Start the brokers and wait for registration and a controller. Default true. */
  readonly start?: boolean;
}

export interface ControllerInfo {
  readonly brokerId: number;
  readonly epoch: number;
}

export class TestCluster {
  private readonly processes: BrokerProcess[] = [];

  private constructor(
    readonly connect: string,
    readonly zk: ZkClient,
    private readonly root: string,
    private readonly config: Record<string, string>,
  ) {}

  static async start(options: ClusterOptions): Promise<TestCluster> {
    const connect = chrootConnect(options.label);
    const zk = await ZkClient.connect(connect, { sessionTimeoutMs: 10000, name: 'test-cluster' });
    const root = await tempDir(options.label);
    const cluster = new TestCluster(connect, zk, root, {
      ...FAST_BROKER_CONFIG,
      ...options.config,
    });
    onCleanup(() => cluster.stop());
    const count = options.brokers ?? 3;
    for (let id = 1; id <= count; id++) await cluster.addBroker(id);
    if (options.start ?? true) {
      for (const broker of cluster.brokers) broker.start();
      await cluster.waitForBrokers(cluster.brokers.map((b) => b.id));
      await cluster.waitForController();
    }
    return cluster;
  }

  /** Every broker process of this cluster, in the order they were added. */
  get brokers(): readonly BrokerProcess[] {
    return this.processes;
  }

  /**
   * Prepares one more broker process (not started): its own free port, log dir and properties
   * file, `broker.id=<id>` unless `config` says otherwise. Two processes may share an id.
   */
  async addBroker(id: number, config: Record<string, string> = {}): Promise<BrokerProcess> {
    const [port] = await freePorts(1);
    const dir = path.join(this.root, `broker-${this.processes.length + 1}`);
    const logDir = path.join(dir, 'logs');
    const propsFile = path.join(dir, 'server.properties');
    await fs.mkdir(dir, { recursive: true });
    await writeProperties(propsFile, {
      'broker.id': String(id),
      'zookeeper.connect': this.connect,
      listeners: `PLAINTEXT://127.0.0.1:${port}`,
      'log.dirs': logDir,
      ...this.config,
      ...config,
    });
    const broker = new BrokerProcess(id, port, logDir, propsFile);
    this.processes.push(broker);
    return broker;
  }

  /** The first broker process with this id. */
  broker(id: number): BrokerProcess {
    const broker = this.brokers.find((b) => b.id === id);
    if (broker === undefined) throw new Error(`no broker ${id} in this cluster`);
    return broker;
  }

  /** `127.0.0.1:<port>` of every broker. */
  bootstrapServers(): string[] {
    return this.brokers.map((b) => b.address);
  }

  /** The ids in `/brokers/ids`, sorted. */
  async registeredBrokers(): Promise<number[]> {
    const { children } = await this.zk.getChildren(brokerRegistration.idsPath());
    return children.map(brokerRegistration.parseChildName).sort((a, b) => a - b);
  }

  /** Waits until `/brokers/ids` lists exactly `ids`. */
  async waitForBrokers(ids: readonly number[], timeoutMs = 30000): Promise<void> {
    const want = [...ids].sort((a, b) => a - b).join(',');
    try {
      await waitFor(async () => (await this.registeredBrokers()).join(',') === want, {
        timeoutMs,
        what: `brokers [${want}] registered in /brokers/ids`,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.describeBrokers()}`);
    }
  }

  /** The current controller and controller epoch, or null when there is no controller. */
  async controller(): Promise<ControllerInfo | null> {
    try {
      const [{ data }, epoch] = await Promise.all([
        this.zk.getData(controllerZnode.path()),
        this.zk.getData(controllerEpochZnode.path()),
      ]);
      return {
        brokerId: controllerZnode.decode(data ?? Buffer.alloc(0)).brokerId,
        epoch: controllerEpochZnode.decode(epoch.data ?? Buffer.alloc(0)),
      };
    } catch (error) {
      if (error instanceof ZkError && error.code === 'NO_NODE') return null;
      throw error;
    }
  }

  /** Waits for a controller that satisfies `accept` (default: any). */
  async waitForController(
    accept: (info: ControllerInfo) => boolean = () => true,
    timeoutMs = 30000,
  ): Promise<ControllerInfo> {
    try {
      return await waitFor(
        async () => {
          const found = await this.controller();
          return found !== null && accept(found) ? found : null;
        },
        { timeoutMs, what: 'a controller to be elected' },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.describeBrokers()}`);
    }
  }

  /** Each broker's state and last log lines, for failure messages. */
  describeBrokers(): string {
    return this.brokers
      .map((b) => `--- broker ${b.id} (${b.running ? 'running' : 'stopped'}):\n${b.tail()}`)
      .join('\n');
  }

  /** SIGTERMs every running broker (in parallel) and closes the ZooKeeper client. */
  async stop(): Promise<void> {
    await Promise.all(this.brokers.filter((b) => b.running).map((b) => b.stop('SIGTERM', 20000)));
    await this.zk.close();
  }
}
