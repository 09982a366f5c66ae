/**
 * The ensemble launcher: starts a ZooKeeper ensemble of one node (standalone) or several (a quorum
 * on loopback), waits until it serves (asking every node `srvr`, with a deadline), reports each
 * node's mode, and stops, starts, kills, pauses or resumes one node or all of them. Nodes run as
 * local JVMs or as Docker containers (see find.ts for which); an ensemble named by
 * SAMSA_ZK_CONNECT is only checked, never launched. What was launched is recorded in
 * `<dir>/ensemble.json` (state.ts), so any later process can control it.
 */
import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { SamsaError } from '../../client/errors';
import {
  connectStringOf,
  DEFAULT_BASE_PORT,
  DEFAULT_TICK_TIME_MS,
  layoutNodes,
  LOOPBACK,
  NodeLayout,
  NodePorts,
  parseConnectString,
  portsFromBase,
  renderZooCfg,
} from './config';
import {
  controlDockerNode,
  dockerNodeState,
  removeDockerEnsemble,
  startDockerNodes,
} from './docker-nodes';
import { defaultProbes, FindOptions, findLaunchableZooKeeper, ZooKeeperInstallation } from './find';
import { askSrvr, ServingMode } from './four-letter-word';
import {
  CONFIG_FILE,
  launchLocalNode,
  localNodeState,
  LOG_FILE,
  logTail,
  PID_FILE,
  signalLocalNode,
  stopLocalNode,
} from './local-node';
import { ProcessState, processState } from '../detached-process';
import {
  EnsembleState,
  findNode,
  nodeDir,
  NodeRecord,
  readState,
  removeState,
  requireState,
  STATE_FILE,
  writeState,
} from './state';
import { waitFor } from './wait-for';

export const DEFAULT_NODES = 3;
export const DEFAULT_QUORUM_TIMEOUT_MS = 60_000;

/**
 * A node's mode: how it answered `srvr`, or `not-serving` (running but not answering or without
 * quorum), `paused` (SIGSTOP / docker pause) or `down` (not running).
 */
export type NodeMode = ServingMode | 'not-serving' | 'paused' | 'down';

export interface NodeStatus {
  id: number;
  host: string;
  clientPort: number;
  mode: NodeMode;
  pid?: number;
  containerId?: string;
}

export interface EnsembleInfo {
  kind: 'local' | 'docker' | 'external';
  connectString: string;
  /** The ensemble's folder (not for external ensembles). */
  dir?: string;
  nodes: NodeStatus[];
  /** Set by startEnsemble: the nodes it launched (none when the ensemble was already running). */
  launched?: number[];
}

export interface StartOptions {
  dir: string;
  /** Number of nodes (default: the recorded ensemble's, else 3). */
  nodes?: number;
  /** Ports laid out from this base (config.ts); default: the recorded ones, else 2181. */
  basePort?: number;
  /** Every node's ports, instead of basePort (one entry per node). */
  ports?: NodePorts[];
  tickTime?: number;
  /** How long to wait for quorum (default 60 s). */
  timeoutMs?: number;
  /** Use this installation instead of looking for one. */
  installation?: ZooKeeperInstallation;
  find?: FindOptions;
}

function requestedPorts(options: StartOptions, recorded?: EnsembleState): NodePorts[] {
  if (options.ports !== undefined) {
    if (options.nodes !== undefined && options.nodes !== options.ports.length) {
      throw new SamsaError(`${options.nodes} nodes but ${options.ports.length} port sets`);
    }
    return options.ports;
  }
  const nodes = options.nodes ?? recorded?.nodes.length ?? DEFAULT_NODES;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) {
    throw new SamsaError(`bad number of ZooKeeper nodes: ${nodes} (1 to 9; use 1 or 3)`);
  }
  if (options.basePort === undefined && recorded !== undefined && recorded.nodes.length === nodes) {
    return recorded.nodes.map(({ clientPort, peerPort, electionPort }) => ({
      clientPort,
      peerPort,
      electionPort,
    }));
  }
  return portsFromBase(options.basePort ?? DEFAULT_BASE_PORT, nodes);
}

function samePorts(a: NodePorts[], b: NodePorts[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (p, i) =>
        p.clientPort === b[i].clientPort &&
        p.peerPort === b[i].peerPort &&
        p.electionPort === b[i].electionPort,
    )
  );
}

function describePorts(nodes: NodePorts[]): string {
  return `${nodes.length} node(s), client ports ${nodes.map((n) => n.clientPort).join(',')}`;
}

async function assertPortFree(port: number, role: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new SamsaError(
          `port ${port} (${role}) is ${error.code === 'EADDRINUSE' ? 'in use' : `unusable: ${error.message}`}; choose other ports (--base-port)`,
        ),
      ),
    );
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => server.close(() => resolve()));
  });
}

async function assertPortsFree(layout: NodeLayout[], withQuorumPorts: boolean): Promise<void> {
  for (const node of layout) {
    await assertPortFree(node.clientPort, `client port of node ${node.id}`);
    if (withQuorumPorts && layout.length > 1) {
      await assertPortFree(node.peerPort, `quorum port of node ${node.id}`);
      await assertPortFree(node.electionPort, `election port of node ${node.id}`);
    }
  }
}

async function writeNodeFiles(dir: string, layout: NodeLayout[], tickTime: number): Promise<void> {
  for (const node of layout) {
    const home = nodeDir(dir, node.id);
    const dataDir = path.join(home, 'data');
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(path.join(dataDir, 'myid'), `${node.id}\n`);
    await fs.writeFile(
      path.join(home, CONFIG_FILE),
      renderZooCfg({
        id: node.id,
        tickTime,
        dataDir,
        clientPort: node.clientPort,
        clientPortAddress: LOOPBACK,
        servers: layout,
      }),
    );
  }
}

async function nodeProcessState(node: NodeRecord): Promise<{ pid?: number; state: ProcessState }> {
  if (node.containerId !== undefined) return { state: await dockerNodeState(node.containerId) };
  return localNodeState(node.dir);
}

async function nodeStatus(node: NodeRecord): Promise<NodeStatus> {
  const proc = await nodeProcessState(node);
  const base = {
    id: node.id,
    host: node.host,
    clientPort: node.clientPort,
    ...(proc.pid === undefined ? {} : { pid: proc.pid }),
    ...(node.containerId === undefined ? {} : { containerId: node.containerId }),
  };
  if (proc.state === 'gone') return { ...base, mode: 'down' };
  if (proc.state === 'paused') return { ...base, mode: 'paused' };
  const answer = await askSrvr(node.host, node.clientPort);
  return { ...base, mode: answer.serving ? answer.mode : 'not-serving' };
}

function isServing(mode: NodeMode): boolean {
  return mode === 'leader' || mode === 'follower' || mode === 'observer' || mode === 'standalone';
}

/** Whether the modes make a serving ensemble: standalone for one node, else one leader. */
function hasQuorum(modes: NodeMode[], size: number): boolean {
  if (size === 1) return modes[0] === 'standalone';
  const leaders = modes.filter((m) => m === 'leader').length;
  return leaders === 1 && modes.filter(isServing).length > size / 2;
}

function describeModes(nodes: NodeStatus[]): string {
  return nodes.map((n) => `node ${n.id} ${n.mode}`).join(', ');
}

/**
 * Waits until the recorded ensemble serves: a standalone node, or one leader and a majority
 * following (with `allNodes`, every node serving). Rejects after the deadline naming each node's
 * mode, or at once when a JVM in `watch` exits.
 */
export async function waitForQuorum(
  dir: string,
  options: { timeoutMs?: number; allNodes?: boolean; watch?: Map<number, ChildProcess> } = {},
): Promise<NodeStatus[]> {
  const state = await requireState(dir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUORUM_TIMEOUT_MS;
  let last: NodeStatus[] = [];
  const cleanups: (() => void)[] = [];
  const exited = new Promise<never>((_, reject) => {
    for (const [id, child] of options.watch ?? []) {
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        const node = findNode(state, id);
        void logTail(node.dir).then((tail) =>
          reject(
            new SamsaError(
              `ZooKeeper node ${id} exited during start-up (${signal ?? `exit code ${code}`}); ` +
                `${path.join(node.dir, LOG_FILE)} ends with: ${tail.replace(/\n/g, ' | ')}`,
            ),
          ),
        );
      };
      child.once('exit', onExit);
      cleanups.push(() => child.off('exit', onExit));
    }
  });
  try {
    return await Promise.race([
      exited,
      waitFor(
        async () => {
          last = await Promise.all(state.nodes.map((n) => nodeStatus(n)));
          const modes = last.map((n) => n.mode);
          if (!hasQuorum(modes, state.nodes.length)) return undefined;
          if (options.allNodes && !last.every((n) => isServing(n.mode))) return undefined;
          return last;
        },
        { timeoutMs, intervalMs: 100, what: `quorum of the ZooKeeper ensemble in ${dir}` },
      ).catch((error: unknown) => {
        throw new SamsaError(
          `ZooKeeper ensemble in ${dir} did not reach quorum within ${timeoutMs}ms: ` +
            `${describeModes(last)}; logs: ${path.join(dir, 'node-<id>', LOG_FILE)}`,
          { cause: error },
        );
      }),
    ]);
  } finally {
    for (const cleanup of cleanups) cleanup();
  }
}

async function checkExternal(connectString: string, timeoutMs: number): Promise<EnsembleInfo> {
  let nodes: NodeStatus[] = [];
  try {
    await waitFor(
      async () => {
        nodes = await connectStringStatus(connectString);
        return nodes.some((n) => isServing(n.mode));
      },
      { timeoutMs, what: `the ZooKeeper ensemble at SAMSA_ZK_CONNECT=${connectString}` },
    );
  } catch (error) {
    throw new SamsaError(
      `the ZooKeeper ensemble at SAMSA_ZK_CONNECT=${connectString} does not serve: ${describeModes(nodes)}`,
      { cause: error },
    );
  }
  return { kind: 'external', connectString, nodes };
}

async function externalNodeStatus(id: number, host: string, port: number): Promise<NodeStatus> {
  const answer = await askSrvr(host, port);
  const mode: NodeMode = answer.serving ? answer.mode : answer.refused ? 'down' : 'not-serving';
  return { id, host, clientPort: port, mode };
}

/** Each server's mode, for an ensemble given by its connect string (a chroot is ignored). */
export async function connectStringStatus(connectString: string): Promise<NodeStatus[]> {
  const { servers } = parseConnectString(connectString);
  return Promise.all(servers.map((s, i) => externalNodeStatus(i + 1, s.host, s.port)));
}

/** Launches the recorded nodes that are not running; if one fails, stops those it launched. */
async function launchMissingLocalNodes(state: EnsembleState): Promise<Map<number, ChildProcess>> {
  const launched = new Map<number, ChildProcess>();
  try {
    for (const node of state.nodes) {
      if ((await localNodeState(node.dir)).state !== 'gone') continue;
      launched.set(node.id, await launchLocalNode(requireLocal(state), node.dir));
    }
  } catch (error) {
    for (const id of launched.keys()) await stopLocalNode(findNode(state, id).dir, { force: true });
    throw error;
  }
  return launched;
}

function requireLocal(state: EnsembleState): NonNullable<EnsembleState['local']> {
  if (state.local === undefined) throw new SamsaError('ensemble record has no local launch data');
  return state.local;
}

/**
 * Starts an ensemble in `options.dir` and waits for quorum. If that folder's ensemble already
 * runs, launches nothing (`launched` is empty); if some of its nodes are down, starts them. With
 * SAMSA_ZK_CONNECT set, only checks that ensemble serves.
 */
export async function startEnsemble(options: StartOptions): Promise<EnsembleInfo> {
  const dir = path.resolve(options.dir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_QUORUM_TIMEOUT_MS;
  const given = options.installation;
  if (given?.kind === 'external') return checkExternal(given.connectString, timeoutMs);
  if (given === undefined && (options.find?.external ?? true)) {
    const connect = (options.find?.probes?.connectString ?? defaultProbes.connectString)();
    if (connect !== undefined) return checkExternal(connect, timeoutMs);
  }
  const recorded = await readState(dir);
  const ports = requestedPorts(options, recorded);
  if (recorded !== undefined) {
    const recordedPorts = recorded.nodes;
    if (!samePorts(ports, recordedPorts)) {
      const running = (await ensembleStatus(dir)).nodes.some((n) => n.mode !== 'down');
      throw new SamsaError(
        running
          ? `a ZooKeeper ensemble (${describePorts(recordedPorts)}) already runs in ${dir}; stop it first or use another --dir`
          : `${dir} holds a stopped ZooKeeper ensemble (${describePorts(recordedPorts)}); start it with the same settings, remove the folder, or use another --dir`,
      );
    }
    return restartRecorded(dir, recorded, timeoutMs);
  }
  const installation = given ?? (await findLaunchableZooKeeper(options.find));
  const tickTime = options.tickTime ?? DEFAULT_TICK_TIME_MS;
  const layout = layoutNodes(ports);
  await assertPortsFree(layout, installation.kind === 'local');
  await fs.mkdir(dir, { recursive: true });
  if (installation.kind === 'docker') {
    const { networkId, nodes } = await startDockerNodes(layout, tickTime, (id) => nodeDir(dir, id));
    const state: EnsembleState = {
      version: 1,
      kind: 'docker',
      tickTime,
      connectString: connectStringOf(nodes),
      nodes,
      docker: { image: installation.image, networkId },
    };
    await writeState(dir, state);
    const ids = nodes.map((n) => n.id);
    return finishStart(dir, state, ids, new Map(), timeoutMs, () => stopEnsemble(dir));
  }
  await writeNodeFiles(dir, layout, tickTime);
  const state: EnsembleState = {
    version: 1,
    kind: 'local',
    tickTime,
    connectString: connectStringOf(layout),
    nodes: layout.map((n) => ({ ...n, dir: nodeDir(dir, n.id) })),
    local: {
      source: installation.source,
      location: installation.location,
      java: installation.java,
      classpath: installation.classpath,
    },
  };
  await writeState(dir, state);
  const launched = await launchMissingLocalNodes(state);
  return finishStart(dir, state, [...launched.keys()], launched, timeoutMs, () =>
    stopEnsemble(dir),
  );
}

async function restartRecorded(
  dir: string,
  state: EnsembleState,
  timeoutMs: number,
): Promise<EnsembleInfo> {
  const started: number[] = [];
  let launched = new Map<number, ChildProcess>();
  if (state.kind === 'docker') {
    for (const node of state.nodes) {
      if ((await nodeProcessState(node)).state === 'gone') {
        await controlDockerNode(node.containerId as string, 'start');
        started.push(node.id);
      }
    }
  } else {
    launched = await launchMissingLocalNodes(state);
    started.push(...launched.keys());
  }
  return finishStart(dir, state, started, launched, timeoutMs, async () => {
    for (const id of started) await stopEnsemble(dir, id);
  });
}

/**
 * Waits for quorum; on failure runs `undo` (stopping what this start launched: nothing is left
 * half-started; the folder with configs and logs stays for inspection) and rethrows.
 */
async function finishStart(
  dir: string,
  state: EnsembleState,
  started: number[],
  launched: Map<number, ChildProcess>,
  timeoutMs: number,
  undo: () => Promise<unknown>,
): Promise<EnsembleInfo> {
  try {
    const nodes = await waitForQuorum(dir, { timeoutMs, allNodes: true, watch: launched });
    return {
      kind: state.kind,
      connectString: state.connectString,
      dir,
      nodes,
      launched: started,
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

/** Each node's address and mode; for an ensemble recorded in `dir`. */
export async function ensembleStatus(dir: string): Promise<EnsembleInfo> {
  const resolved = path.resolve(dir);
  const state = await requireState(resolved);
  const nodes = await Promise.all(state.nodes.map((n) => nodeStatus(n)));
  return { kind: state.kind, connectString: state.connectString, dir: resolved, nodes };
}

/**
 * Stops every node (SIGTERM, then SIGKILL after 10 s) or only node `id`. Data folders are kept, so
 * `startEnsemble` on the same folder brings the same ensemble back; Docker containers are removed
 * when the whole ensemble stops. Resolves with the ids of the nodes that were running.
 */
export async function stopEnsemble(dir: string, id?: number): Promise<number[]> {
  const resolved = path.resolve(dir);
  const state = await requireState(resolved);
  const targets = id === undefined ? state.nodes : [findNode(state, id)];
  const wasRunning = await Promise.all(
    targets.map(async (node) => {
      if (node.containerId === undefined) return stopLocalNode(node.dir);
      const running = (await dockerNodeState(node.containerId)) !== 'gone';
      if (running && id !== undefined) await controlDockerNode(node.containerId, 'stop');
      return running;
    }),
  );
  if (state.kind === 'docker' && id === undefined && state.docker !== undefined) {
    await removeDockerEnsemble(
      state.nodes.map((n) => n.containerId as string),
      state.docker.networkId,
    );
    await removeState(resolved);
  }
  return targets.filter((_, i) => wasRunning[i]).map((n) => n.id);
}

/** Stops one node: gracefully (SIGTERM, docker stop) or, with `force`, at once (kill -9). */
export async function stopNode(
  dir: string,
  id: number,
  options: { force?: boolean } = {},
): Promise<boolean> {
  if (!options.force) return (await stopEnsemble(dir, id)).length === 1;
  const node = findNode(await requireState(path.resolve(dir)), id);
  if (node.containerId === undefined) return stopLocalNode(node.dir, { force: true });
  const running = (await dockerNodeState(node.containerId)) !== 'gone';
  if (running) await controlDockerNode(node.containerId, 'kill');
  return running;
}

/** Starts one stopped node again (with its data); resolves without waiting for it to serve. */
export async function startNode(dir: string, id: number): Promise<void> {
  const state = await requireState(path.resolve(dir));
  const node = findNode(state, id);
  if ((await nodeProcessState(node)).state !== 'gone') return;
  if (node.containerId !== undefined) await controlDockerNode(node.containerId, 'start');
  else await launchLocalNode(requireLocal(state), node.dir);
}

/** Freezes one node (SIGSTOP, docker pause): it keeps its sockets but answers nothing. */
export async function pauseNode(dir: string, id: number): Promise<void> {
  const node = findNode(await requireState(path.resolve(dir)), id);
  if (node.containerId !== undefined) await controlDockerNode(node.containerId, 'pause');
  else await signalLocalNode(node.dir, 'SIGSTOP');
}

/** Resumes a paused node (SIGCONT, docker unpause). */
export async function resumeNode(dir: string, id: number): Promise<void> {
  const node = findNode(await requireState(path.resolve(dir)), id);
  if (node.containerId !== undefined) await controlDockerNode(node.containerId, 'resume');
  else await signalLocalNode(node.dir, 'SIGCONT');
}

/**
 * SIGKILLs every local node recorded in `dir`, synchronously: for process 'exit' handlers, where
 * nothing asynchronous runs any more. Docker nodes are left to `stopEnsemble`.
 */
export function killLocalNodesSync(dir: string): void {
  let state: EnsembleState;
  try {
    state = JSON.parse(readFileSync(path.join(dir, STATE_FILE), 'utf8')) as EnsembleState;
  } catch {
    return;
  }
  for (const node of state.nodes) {
    let pid: number;
    try {
      pid = Number(readFileSync(path.join(node.dir, PID_FILE), 'utf8').trim());
    } catch {
      continue;
    }
    if (processState(pid, path.join(node.dir, CONFIG_FILE)) === 'gone') continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
}
