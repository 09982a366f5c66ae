/**
 * The ZooKeeper launcher against real ZooKeeper JVMs: a 3-node ensemble on free ports reaches
 * quorum, serves a client, keeps serving with one node stopped, and every node can be stopped,
 * started, paused and resumed.
 */
import zookeeper from 'node-zookeeper-client';
import {
  askSrvr,
  ensembleStatus,
  EnsembleInfo,
  NodeMode,
  NodePorts,
  pauseNode,
  resumeNode,
  startEnsemble,
  startNode,
  stopEnsemble,
  stopNode,
  waitForQuorum,
} from '../../../ops/zookeeper';
import { processState } from '../../../ops/detached-process';
import { freePorts, onCleanup, tempDir, useHarness, waitFor } from '../../harness';

useHarness();

function call<T>(
  fn: (cb: (error: Error | zookeeper.Exception | null, value: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) =>
    fn((error, value) => (error ? reject(error) : resolve(value))),
  );
}

async function connectedClient(connect: string): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(connect, { sessionTimeout: 6000, spinDelay: 100 });
  const connected = new Promise<void>((resolve) => client.once('connected', () => resolve()));
  client.connect();
  await waitFor(() => connected.then(() => true), { timeoutMs: 10_000, what: 'ZooKeeper session' });
  return client;
}

async function modes(dir: string): Promise<NodeMode[]> {
  return (await ensembleStatus(dir)).nodes.map((n) => n.mode);
}

describe('ZooKeeper launcher, 3-node ensemble', () => {
  let dir: string;
  let info: EnsembleInfo;
  let client: zookeeper.Client | undefined;

  beforeAll(async () => {
    dir = await tempDir('zk-launcher');
    onCleanup(async () => {
      client?.close();
      await stopEnsemble(dir);
    });
    const flat = await freePorts(9);
    const ports: NodePorts[] = [0, 1, 2].map((i) => ({
      clientPort: flat[3 * i],
      peerPort: flat[3 * i + 1],
      electionPort: flat[3 * i + 2],
    }));
    info = await startEnsemble({ dir, ports, find: { external: false }, timeoutMs: 30_000 });
  }, 40_000);

  it('reaches quorum: one leader and two followers, each answering srvr', async () => {
    expect(info.kind).toBe('local');
    expect(info.launched).toEqual([1, 2, 3]);
    expect(info.connectString.split(',')).toHaveLength(3);
    const answers = await Promise.all(info.nodes.map((n) => askSrvr(n.host, n.clientPort)));
    const served = answers.map((a) => (a.serving ? a.mode : 'not serving')).sort();
    expect(served).toEqual(['follower', 'follower', 'leader']);
  });

  it('starting it again launches nothing and returns the same connect string', async () => {
    const again = await startEnsemble({ dir });
    expect(again.launched).toEqual([]);
    expect(again.connectString).toBe(info.connectString);
  });

  it('keeps serving reads and writes with its leader stopped, and shows that node down', async () => {
    client = await connectedClient(info.connectString);
    const c = client;
    await call<string>((cb) => c.create('/launcher-test', Buffer.from('one'), cb));

    const leader = (await ensembleStatus(dir)).nodes.find((n) => n.mode === 'leader');
    expect(leader).toBeDefined();
    const leaderId = (leader as { id: number }).id;
    expect(await stopEnsemble(dir, leaderId)).toEqual([leaderId]);

    const after = await waitFor(
      async () => {
        const nodes = (await ensembleStatus(dir)).nodes;
        const serving = nodes.filter((n) => n.mode === 'leader' || n.mode === 'follower');
        return serving.length === 2 ? nodes : undefined;
      },
      { timeoutMs: 20_000, what: 'a new leader among the two remaining nodes' },
    );
    expect(after.find((n) => n.id === leaderId)?.mode).toBe('down');
    expect(after.map((n) => n.mode).filter((m) => m === 'leader')).toHaveLength(1);

    await waitFor(
      () => call<zookeeper.Stat>((cb) => c.setData('/launcher-test', Buffer.from('two'), -1, cb)),
      {
        timeoutMs: 20_000,
        what: 'a write with one node down',
      },
    );
    const data = await call<Buffer>((cb) => c.getData('/launcher-test', cb));
    expect(data.toString()).toBe('two');
  }, 60_000);

  it('starts a stopped node again, which rejoins as a follower with the data', async () => {
    const down = (await ensembleStatus(dir)).nodes.find((n) => n.mode === 'down');
    expect(down).toBeDefined();
    const id = (down as { id: number }).id;
    await startNode(dir, id);
    const nodes = await waitForQuorum(dir, { allNodes: true, timeoutMs: 20_000 });
    expect(nodes.find((n) => n.id === id)?.mode).toBe('follower');
    const only = await connectedClient(`${nodes[id - 1].host}:${nodes[id - 1].clientPort}`);
    try {
      const data = await call<Buffer>((cb) => only.getData('/launcher-test', cb));
      expect(data.toString()).toBe('two');
    } finally {
      only.close();
    }
  }, 40_000);

  it('pauses and resumes a node (SIGSTOP/SIGCONT), and kills one with SIGKILL', async () => {
    const follower = (await ensembleStatus(dir)).nodes.find((n) => n.mode === 'follower');
    const id = (follower as { id: number }).id;
    await pauseNode(dir, id);
    expect((await modes(dir))[id - 1]).toBe('paused');
    await resumeNode(dir, id);
    await waitFor(async () => (await modes(dir))[id - 1] === 'follower', {
      timeoutMs: 20_000,
      what: `node ${id} serving again after SIGCONT`,
    });
    expect(await stopNode(dir, id, { force: true })).toBe(true);
    expect((await modes(dir))[id - 1]).toBe('down');
  }, 40_000);

  it('stops every node, leaving no ZooKeeper process', async () => {
    const before = await ensembleStatus(dir);
    const pids = before.nodes.flatMap((n) => (n.pid === undefined ? [] : [n.pid]));
    expect(pids.length).toBeGreaterThan(0);
    await stopEnsemble(dir);
    expect(await modes(dir)).toEqual(['down', 'down', 'down']);
    for (const node of before.nodes) {
      if (node.pid !== undefined) {
        expect(processState(node.pid, `${dir}/node-${node.id}/zoo.cfg`)).toBe('gone');
      }
    }
  }, 30_000);
});
