/**
 * Fault injection for classrooms: `samsa lab kill|stop|start|pause|resume broker|zookeeper <id>`
 * acts on one node and returns what to print — what was done, and what happens next in the
 * cluster (report.ts words the broker hints). kill = SIGKILL, stop = SIGTERM (a broker's controlled
 * shutdown), pause = SIGSTOP, resume = SIGCONT; start relaunches a stopped or killed node with its
 * configuration and data, and waits until it is registered (a broker) or serves (a ZooKeeper node).
 */
import path from 'node:path';
import { SamsaError } from '../../client/errors';
import {
  ensembleStatus,
  NodeStatus,
  pauseNode,
  readState as readEnsembleState,
  resumeNode,
  startNode,
  stopNode,
  waitFor,
} from '../zookeeper';
import {
  brokerProcess,
  BrokerProcess,
  serverLogFile,
  signalBroker,
  stopBroker,
  STOP_GRACE_MS,
} from './broker-process';
import { awaitRegistered, DEFAULT_UP_TIMEOUT_MS, Notice, startOneBroker } from './broker-start';
import { clusterViewOrError, ensembleNodes, isServing, withLabZk } from './lab-zookeeper';
import { brokerFaultHint, describeModes, formatSeconds } from './report';
import { zookeeperDir } from './settings';
import { findBroker, requireLabState } from './state';

export type NodeAction = 'kill' | 'stop' | 'start' | 'pause' | 'resume';
export const NODE_ACTIONS: readonly NodeAction[] = ['kill', 'stop', 'start', 'pause', 'resume'];

function processWord(proc: BrokerProcess): string {
  return proc.state === 'gone' ? 'not running' : proc.state;
}

/** Does `action` to broker `id` and returns the lines to print. */
export async function brokerAction(
  dir: string,
  action: NodeAction,
  id: number,
  options: { dirFlag: string; notice: Notice; timeoutMs?: number },
): Promise<string[]> {
  const resolved = path.resolve(dir);
  const state = await requireLabState(resolved, options.dirFlag);
  const broker = findBroker(state, id);
  const proc = await brokerProcess(broker.dir);
  const flag = options.dirFlag;
  switch (action) {
    case 'kill': {
      if (proc.pid === undefined) throw new SamsaError(`broker ${id} is not running`);
      const view = await clusterViewOrError(state.zookeeperConnect, await ensembleNodes(resolved));
      await stopBroker(broker.dir, { force: true });
      return [
        `killed broker ${id} (pid ${proc.pid}) with SIGKILL`,
        ...brokerFaultHint('kill', id, view, flag),
      ];
    }
    case 'pause': {
      if (proc.state === 'paused') return [`broker ${id} is already paused (pid ${proc.pid})`];
      if (proc.pid === undefined) throw new SamsaError(`broker ${id} is not running`);
      const view = await clusterViewOrError(state.zookeeperConnect, await ensembleNodes(resolved));
      await signalBroker(broker.dir, 'SIGSTOP');
      return [
        `paused broker ${id} (pid ${proc.pid}) with SIGSTOP`,
        ...brokerFaultHint('pause', id, view, flag),
      ];
    }
    case 'resume': {
      if (proc.state !== 'paused') return [`broker ${id} is not paused (${processWord(proc)})`];
      await signalBroker(broker.dir, 'SIGCONT');
      return [
        `resumed broker ${id} (pid ${proc.pid}) with SIGCONT`,
        'If its ZooKeeper session expired while it was paused, it learns so now, registers again and catches up as a follower.',
        `watch: samsa lab status${flag}`,
      ];
    }
    case 'stop': {
      const outcome = await stopBroker(broker.dir, { graceMs: STOP_GRACE_MS });
      if (!outcome.running) return [`broker ${id} is not running`];
      const how = outcome.killed
        ? `It was still running ${STOP_GRACE_MS / 1000} s after SIGTERM, so it was killed (SIGKILL); see ${serverLogFile(broker.dir)}.`
        : `Controlled shutdown (${formatSeconds(outcome.elapsedMs)}): it handed its partition leaderships to other in-sync replicas, then closed its ZooKeeper session, so /brokers/ids/${id} is gone at once.`;
      return [
        `stopped broker ${id} (pid ${outcome.pid}) with SIGTERM`,
        how,
        `bring it back with: samsa lab start broker ${id}${flag}`,
      ];
    }
    case 'start': {
      if (proc.state === 'paused') {
        throw new SamsaError(
          `broker ${id} is paused (SIGSTOP), not stopped: samsa lab resume broker ${id}${flag}`,
        );
      }
      if (proc.state === 'running') return [`broker ${id} is already running (pid ${proc.pid})`];
      const pid = await withLabZk(state.zookeeperConnect, async (zk) => {
        const child = await startOneBroker(state, broker, zk, options.notice);
        try {
          await awaitRegistered(
            zk,
            broker,
            child,
            options.timeoutMs ?? DEFAULT_UP_TIMEOUT_MS,
            options.notice,
          );
        } catch (error) {
          await stopBroker(broker.dir, { force: true });
          throw error;
        }
        return child.pid as number;
      });
      return [
        `started broker ${id} (pid ${pid}) on ${broker.host}:${broker.port}; it registered at /brokers/ids/${id}`,
        'Its replicas fetch what they missed and rejoin the ISRs once they have caught up.',
        `watch: samsa lab status${flag}`,
      ];
    }
  }
}

/** Does `action` to ZooKeeper node `id` and returns the lines to print. */
export async function zookeeperAction(
  dir: string,
  action: NodeAction,
  id: number,
  options: { dirFlag: string },
): Promise<string[]> {
  const resolved = path.resolve(dir);
  const state = await requireLabState(resolved, options.dirFlag);
  const zkDir = zookeeperDir(resolved);
  if ((await readEnsembleState(zkDir)) === undefined) {
    throw new SamsaError(
      `the lab's ZooKeeper ensemble was never started: samsa lab up${options.dirFlag}`,
    );
  }
  const before = (await ensembleStatus(zkDir)).nodes.find((n) => n.id === id);
  if (before === undefined) {
    throw new SamsaError(
      `no ZooKeeper node ${id} in this lab: its nodes are 1 to ${state.settings.zookeepers}`,
    );
  }
  const lines: string[] = [];
  switch (action) {
    case 'kill':
      if (!(await stopNode(zkDir, id, { force: true })))
        throw new SamsaError(`ZooKeeper node ${id} is not running`);
      lines.push(`killed ZooKeeper node ${id}${pidNote(before)} with SIGKILL`);
      break;
    case 'stop':
      lines.push(
        (await stopNode(zkDir, id))
          ? `stopped ZooKeeper node ${id}${pidNote(before)} with SIGTERM`
          : `ZooKeeper node ${id} is not running`,
      );
      break;
    case 'pause':
      if (before.mode === 'paused') return [`ZooKeeper node ${id} is already paused`];
      if (before.mode === 'down') throw new SamsaError(`ZooKeeper node ${id} is not running`);
      await pauseNode(zkDir, id);
      lines.push(
        `paused ZooKeeper node ${id}${pidNote(before)} with SIGSTOP: it holds its connections but answers nothing`,
      );
      break;
    case 'resume':
      if (before.mode !== 'paused') return [`ZooKeeper node ${id} is not paused (${before.mode})`];
      await resumeNode(zkDir, id);
      lines.push(`resumed ZooKeeper node ${id}${pidNote(before)} with SIGCONT`);
      break;
    case 'start': {
      if (before.mode !== 'down')
        return [`ZooKeeper node ${id} is already running (${before.mode})`];
      await startNode(zkDir, id);
      const node = await waitFor(
        async () => (await ensembleStatus(zkDir)).nodes.find((n) => n.id === id && isServing(n)),
        { timeoutMs: 60_000, intervalMs: 200, what: `ZooKeeper node ${id} to serve` },
      );
      lines.push(`started ZooKeeper node ${id}${pidNote(node)}: it serves as ${node.mode}`);
      break;
    }
  }
  const nodes = (await ensembleStatus(zkDir)).nodes;
  lines.push(`ZooKeeper now: ${describeModes(nodes)}`, quorumNote(nodes));
  lines.push(`watch: samsa lab status${options.dirFlag}`);
  return lines;
}

function pidNote(node: NodeStatus): string {
  return node.pid === undefined ? '' : ` (pid ${node.pid})`;
}

function quorumNote(nodes: NodeStatus[]): string {
  const majority = Math.floor(nodes.length / 2) + 1;
  const alive = nodes.filter((n) => n.mode !== 'down' && n.mode !== 'paused').length;
  if (alive >= majority) {
    return nodes.length === 1
      ? 'The ensemble is up.'
      : `${alive} of ${nodes.length} nodes are up; a majority (${majority}) keeps the ensemble serving (a node that just lost its leader takes a moment to elect a new one).`;
  }
  return (
    `Only ${alive} of ${nodes.length} node${nodes.length === 1 ? ' is' : 's are'} up, fewer than a majority (${majority}): ZooKeeper does not serve. ` +
    'Brokers keep serving the partitions they lead, but no controller election, ISR change or topic creation can happen until a majority is back.'
  );
}
