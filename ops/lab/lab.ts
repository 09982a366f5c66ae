/**
 * The lab: a whole local cluster — a ZooKeeper ensemble (through the launcher, in `<dir>/zookeeper`)
 * and brokers 1..N as background processes — that `samsa lab` brings up, reports on and takes
 * down (faults.ts breaks one node at a time). Every wait has a deadline; nothing sleeps a fixed
 * time.
 *
 * - `labUp`: creates the lab on first use (lab.json, each broker's server.properties), starts what
 *   is not running, and waits until every broker's `/brokers/ids/<id>` exists and `/controller`
 *   names one of them (broker-start.ts). A broker that dies meanwhile fails the start with its
 *   server.log's last lines; on any failure what this start launched is stopped again (the folder
 *   stays).
 * - `labStatus`: ZooKeeper modes, broker processes and registrations, controller and epoch, and
 *   every partition's leader, replicas and ISR (cluster-view.ts).
 * - `labDown`: SIGTERM every broker (controlled shutdown; the controller last, so leadership moves
 *   once), SIGKILL after a deadline, stop the ensemble; `purge` then deletes the folder.
 *
 * The lab always runs its own ensemble: SAMSA_ZK_CONNECT is not used, because fault injection
 * needs ZooKeeper nodes the lab controls.
 */
import { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SamsaError } from '../../client/errors';
import {
  connectStringOf,
  EnsembleInfo,
  ensembleStatus,
  portsFromBase,
  readState as readEnsembleState,
  startEnsemble,
  stopEnsemble,
  stopNode,
} from '../zookeeper';
import { onPath } from '../zookeeper/local-install';
import {
  assertPortFree,
  brokerProcess,
  serverLogFile,
  serverPropertiesFile,
  stopBroker,
  STOP_GRACE_MS,
} from './broker-process';
import { awaitBrokers, DEFAULT_UP_TIMEOUT_MS, Notice, startOneBroker } from './broker-start';
import { controllerEpoch } from './cluster-view';
import { clusterViewOrError, ensembleNodes, withLabZk } from './lab-zookeeper';
import { formatSeconds, formatUpSummary, StatusReport, UpSummary } from './report';
import { BROKER_LOG_DIR, renderServerProperties } from './server-properties';
import {
  BROKER_HOST,
  brokerZookeeperConnect,
  LabBroker,
  labBrokers,
  LabSettings,
  RequestedSettings,
  resolveSettings,
  settingsConflicts,
  zookeeperDir,
} from './settings';
import {
  BrokerLaunch,
  LAB_FILE,
  LabState,
  readLabState,
  requireLabState,
  writeLabState,
} from './state';

/** How brokers are launched by default: this Node.js and the compiled samsa entry beside this module. */
export function defaultLaunch(): BrokerLaunch {
  return { node: process.execPath, entry: path.resolve(__dirname, '../bin/samsa.js') };
}

/** What `samsa lab up` was asked for; absent settings keep the lab's recorded or default ones. */
export interface UpOptions extends RequestedSettings {
  dir: string;
  /** ` --dir <dir>` or '', for printed commands. */
  dirFlag: string;
  /** Deadline for the brokers to register and a controller to be elected (default 90 s). */
  timeoutMs?: number;
  /** How to run brokers (default: this Node.js and the compiled entry beside this module). */
  launch?: BrokerLaunch;
  notice: Notice;
}

async function assertEntry(launch: BrokerLaunch): Promise<void> {
  try {
    await fs.access(launch.entry);
  } catch {
    throw new SamsaError(
      `cannot find the compiled samsa entry ${launch.entry} that runs the brokers: build first (npm run build)`,
    );
  }
}

/** A new lab's folder must be new or empty: `down --purge` deletes it whole. */
async function assertUsableFolder(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (entries.length > 0) {
    throw new SamsaError(
      `${dir} is not empty and holds no ${LAB_FILE}: a lab needs a new or empty folder (samsa lab down --purge deletes it); choose another --dir`,
    );
  }
}

async function settingsFor(
  options: UpOptions,
  recorded: LabState | undefined,
): Promise<LabSettings> {
  if (recorded === undefined) {
    const settings = resolveSettings(options);
    await assertUsableFolder(options.dir);
    return settings;
  }
  const conflicts = settingsConflicts(options, recorded.settings);
  if (conflicts.length > 0) {
    throw new SamsaError(
      `the lab in ${options.dir} was created with other settings: ${conflicts.join(', ')}; ` +
        `start it as it is (samsa lab up${options.dirFlag}), delete it (samsa lab down --purge${options.dirFlag}) or use another --dir`,
    );
  }
  return recorded.settings;
}

/** Writes server.properties for every broker that has none yet (a new lab, or an interrupted start). */
async function writeBrokerFiles(state: LabState): Promise<void> {
  for (const broker of state.brokers) {
    const logDir = path.join(broker.dir, BROKER_LOG_DIR);
    await fs.mkdir(logDir, { recursive: true });
    const file = serverPropertiesFile(broker.dir);
    try {
      await fs.access(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await fs.writeFile(
        file,
        renderServerProperties(broker, state.settings, state.zookeeperConnect, logDir),
      );
    }
  }
}

/** Starts the lab (see the module comment) and returns what `samsa lab up` prints. */
export async function labUp(options: UpOptions): Promise<string> {
  const dir = path.resolve(options.dir);
  const recorded = await readLabState(dir);
  const settings = await settingsFor({ ...options, dir }, recorded);
  const launch = options.launch ?? defaultLaunch();
  await assertEntry(launch);
  const brokers = labBrokers(settings, dir);
  if (recorded === undefined) {
    for (const broker of brokers)
      await assertPortFree(broker.host, broker.port, `broker ${broker.id}`);
  }
  await fs.mkdir(dir, { recursive: true });
  const state: LabState = {
    version: 1,
    createdAt: recorded?.createdAt ?? new Date().toISOString(),
    settings,
    zookeeperConnect:
      recorded?.zookeeperConnect ??
      brokerZookeeperConnect(
        connectStringOf(
          portsFromBase(settings.zookeeperBasePort, settings.zookeepers).map((p) => ({
            host: BROKER_HOST,
            clientPort: p.clientPort,
          })),
        ),
        settings.chroot,
      ),
    brokers,
    launch,
  };
  await writeLabState(dir, state);

  const paused = (await ensembleNodes(dir)).filter((n) => n.mode === 'paused');
  if (paused.length > 0) {
    throw new SamsaError(
      `ZooKeeper node ${paused[0].id} is paused (SIGSTOP); resume it first: samsa lab resume zookeeper ${paused[0].id}${options.dirFlag}`,
    );
  }
  const ensemble: EnsembleInfo = await startEnsemble({
    dir: zookeeperDir(dir),
    nodes: settings.zookeepers,
    basePort: settings.zookeeperBasePort,
    find: { external: false, notice: options.notice },
  });
  const startedZookeepers = ensemble.launched ?? [];
  state.zookeeperConnect = brokerZookeeperConnect(ensemble.connectString, settings.chroot);
  await writeLabState(dir, state);
  await writeBrokerFiles(state);

  const children = new Map<number, ChildProcess>();
  const timeoutMs = options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS;
  try {
    const { controller, epoch } = await withLabZk(state.zookeeperConnect, async (zk) => {
      for (const broker of brokers) {
        const proc = await brokerProcess(broker.dir);
        if (proc.state === 'paused') {
          throw new SamsaError(
            `broker ${broker.id} is paused (SIGSTOP); resume it first: samsa lab resume broker ${broker.id}${options.dirFlag}`,
          );
        }
        if (proc.state === 'gone') {
          children.set(broker.id, await startOneBroker(state, broker, zk, options.notice));
        }
      }
      const id = await awaitBrokers(zk, brokers, children, timeoutMs, options.notice);
      return { controller: id, epoch: (await controllerEpoch(zk)) ?? 0 };
    });
    const summary: UpSummary = {
      dir,
      dirFlag: options.dirFlag,
      settings,
      zookeeperConnect: state.zookeeperConnect,
      brokers: await Promise.all(
        brokers.map(async (broker) => ({
          broker,
          pid: (await brokerProcess(broker.dir)).pid ?? 0,
        })),
      ),
      controllerId: controller,
      controllerEpoch: epoch,
      startedBrokers: [...children.keys()],
      startedZookeepers,
      samsaOnPath: (await onPath('samsa')) !== undefined,
      entry: launch.entry,
    };
    return formatUpSummary(summary);
  } catch (error) {
    const launched = brokers.filter((b) => children.has(b.id));
    await undoStart(dir, launched, startedZookeepers, options.notice);
    throw error;
  }
}

/** Stops what a failed `up` launched (brokers at once, then ZooKeeper nodes); the folder stays. */
async function undoStart(
  dir: string,
  startedBrokers: LabBroker[],
  startedZookeepers: number[],
  notice: Notice,
): Promise<void> {
  for (const broker of startedBrokers) await stopBroker(broker.dir, { force: true });
  for (const id of startedZookeepers) await stopNode(zookeeperDir(dir), id, { force: true });
  if (startedBrokers.length + startedZookeepers.length > 0) {
    notice(`samsa: stopped what this start launched; configs and logs stay in ${dir}`);
  }
}

/** Everything `samsa lab status` shows. */
export async function labStatus(
  dir: string,
  options: { dirFlag: string; showInternal: boolean },
): Promise<StatusReport> {
  const resolved = path.resolve(dir);
  const state = await requireLabState(resolved, options.dirFlag);
  const ensemble =
    (await readEnsembleState(zookeeperDir(resolved))) === undefined
      ? undefined
      : await ensembleStatus(zookeeperDir(resolved));
  const nodes = ensemble?.nodes ?? [];
  const brokers = await Promise.all(
    state.brokers.map(async (broker) => ({ broker, process: await brokerProcess(broker.dir) })),
  );
  return {
    dir: resolved,
    settings: state.settings,
    zookeeperConnect: state.zookeeperConnect,
    ensembleKind: ensemble?.kind ?? 'not started',
    zookeeperNodes: nodes,
    brokers,
    view: await clusterViewOrError(state.zookeeperConnect, nodes),
    showInternal: options.showInternal,
  };
}

/**
 * Stops every broker (SIGTERM, SIGKILL after 30 s; the controller last, so leadership moves once)
 * and the ensemble; with `purge`, deletes the folder. Returns the lines to print.
 */
export async function labDown(
  dir: string,
  options: { purge: boolean; notice: Notice },
): Promise<string[]> {
  const resolved = path.resolve(dir);
  const state = await readLabState(resolved);
  if (state === undefined) {
    try {
      await fs.access(resolved);
    } catch {
      return [`no lab in ${resolved}: nothing to stop`];
    }
    throw new SamsaError(
      `${resolved} holds no ${LAB_FILE}: it is not a samsa lab, so it is left alone`,
    );
  }
  const nodes = await ensembleNodes(resolved);
  const view = await clusterViewOrError(state.zookeeperConnect, nodes);
  const controller = 'error' in view ? null : view.controllerId;
  const order = [...state.brokers].sort(
    (a, b) => Number(a.id === controller) - Number(b.id === controller) || a.id - b.id,
  );
  const lines: string[] = [];
  for (const broker of order) {
    const outcome = await stopBroker(broker.dir, { graceMs: STOP_GRACE_MS });
    if (!outcome.running) lines.push(`broker ${broker.id}: was not running`);
    else if (outcome.killed) {
      lines.push(
        `broker ${broker.id}: still running ${STOP_GRACE_MS / 1000} s after SIGTERM: killed (SIGKILL); see ${serverLogFile(broker.dir)}`,
      );
    } else {
      lines.push(
        `broker ${broker.id}: stopped (SIGTERM, controlled shutdown, ${formatSeconds(outcome.elapsedMs)})`,
      );
    }
  }
  if ((await readEnsembleState(zookeeperDir(resolved))) !== undefined) {
    const stopped = await stopEnsemble(zookeeperDir(resolved));
    lines.push(
      stopped.length === 0
        ? 'ZooKeeper: no node was running'
        : `ZooKeeper: stopped node${stopped.length === 1 ? '' : 's'} ${stopped.join(', ')}`,
    );
  }
  if (options.purge) {
    await fs.rm(resolved, { recursive: true, force: true });
    lines.push(`deleted ${resolved}`);
  } else {
    lines.push(
      `data kept in ${resolved}: samsa lab up brings the same cluster back; --purge deletes it`,
    );
  }
  return lines;
}
