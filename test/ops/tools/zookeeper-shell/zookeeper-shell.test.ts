import { ZkError, type ZkStat } from '../../../../zk-schema/client';
import {
  ShellZk,
  formatChildren,
  formatJavaDate,
  formatStat,
  runShellCommand,
  runZookeeperShell,
  splitCommand,
} from '../../../../ops/tools/zookeeper-shell/zookeeper-shell';
import { CollectedOutput } from '../collected-output';

const stat: ZkStat = {
  czxid: 0x100000002n,
  mzxid: 0x100000005n,
  pzxid: 0x10000000an,
  ctime: Date.UTC(2021, 10, 22, 10, 0, 0),
  mtime: Date.UTC(2021, 10, 22, 10, 0, 5),
  version: 3,
  cversion: 2,
  aversion: 0,
  ephemeralOwner: '0x1000a6c7d2e0003',
  dataLength: 12,
  numChildren: 0,
};

class FakeZk implements ShellZk {
  closed = false;
  readonly nodes = new Map<string, { data: Buffer | null; children: string[] }>([
    ['/brokers/ids', { data: null, children: ['3', '1', '2'] }],
    ['/controller', { data: Buffer.from('{"version":1,"brokerid":1}'), children: [] }],
  ]);

  private node(path: string) {
    const node = this.nodes.get(path);
    if (node === undefined) throw new ZkError('NO_NODE', { path });
    return node;
  }

  async getChildren(path: string) {
    return { children: this.node(path).children, stat };
  }

  async getData(path: string) {
    return { data: this.node(path).data, stat };
  }

  async exists(path: string) {
    return this.nodes.has(path) ? stat : null;
  }

  async close() {
    this.closed = true;
  }
}

async function* linesOf(...lines: string[]): AsyncGenerator<string> {
  for (const line of lines) yield line;
}

describe('zookeeper-shell output (ZooKeeper 3.x zkCli)', () => {
  const tz = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'UTC';
  });
  afterAll(() => {
    process.env.TZ = tz;
  });

  it('prints times as Java Date.toString', () => {
    expect(formatJavaDate(Date.UTC(2021, 10, 2, 9, 8, 7))).toBe('Tue Nov 02 09:08:07 UTC 2021');
  });

  it('prints the stat fields in StatPrinter order', () => {
    expect(formatStat(stat)).toEqual([
      'cZxid = 0x100000002',
      'ctime = Mon Nov 22 10:00:00 UTC 2021',
      'mZxid = 0x100000005',
      'mtime = Mon Nov 22 10:00:05 UTC 2021',
      'pZxid = 0x10000000a',
      'cversion = 2',
      'dataVersion = 3',
      'aclVersion = 0',
      'ephemeralOwner = 0x1000a6c7d2e0003',
      'dataLength = 12',
      'numChildren = 0',
    ]);
    expect(formatStat({ ...stat, ephemeralOwner: null })[8]).toBe('ephemeralOwner = 0x0');
  });

  it('prints children sorted, as [a, b]', () => {
    expect(formatChildren(['3', '10', '1'])).toBe('[1, 10, 3]');
    expect(formatChildren([])).toBe('[]');
  });

  it('runs ls, ls -s, get, get -s and stat', async () => {
    const zk = new FakeZk();
    expect(await runShellCommand(['ls', '/brokers/ids'], zk)).toEqual(['[1, 2, 3]']);
    expect(await runShellCommand(['ls', '-s', '/brokers/ids'], zk)).toEqual([
      '[1, 2, 3]',
      ...formatStat(stat),
    ]);
    expect(await runShellCommand(['get', '/controller'], zk)).toEqual([
      '{"version":1,"brokerid":1}',
    ]);
    expect(await runShellCommand(['get', '/brokers/ids'], zk)).toEqual(['null']);
    expect((await runShellCommand(['get', '-s', '/controller'], zk)).slice(1)).toEqual(
      formatStat(stat),
    );
    expect(await runShellCommand(['stat', '/controller'], zk)).toEqual(formatStat(stat));
  });

  it("fails with ZooKeeper's messages", async () => {
    const zk = new FakeZk();
    await expect(runShellCommand(['get', '/nope'], zk)).rejects.toThrow(
      'Node does not exist: /nope',
    );
    await expect(runShellCommand(['stat', '/nope'], zk)).rejects.toThrow(
      'Node does not exist: /nope',
    );
    await expect(runShellCommand(['ls'], zk)).rejects.toThrow('ls [-s] path');
    await expect(runShellCommand(['ls', '-w', '/'], zk)).rejects.toThrow('Unrecognized option: -w');
    await expect(runShellCommand(['get', 'brokers'], zk)).rejects.toThrow('must start with /');
  });

  it('splits command lines at runs of spaces', () => {
    expect(splitCommand('  ls   -s /a ')).toEqual(['ls', '-s', '/a']);
  });
});

describe('zookeeper-shell session', () => {
  it('runs one command and exits 0, printing the connection lines first', async () => {
    const zk = new FakeZk();
    const output = new CollectedOutput();
    const code = await runZookeeperShell(
      'h:2181',
      ['ls', '/brokers/ids'],
      linesOf(),
      output,
      async () => zk,
    );
    expect(code).toBe(0);
    expect(output.out).toBe(
      'Connecting to h:2181\n\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n[1, 2, 3]\n',
    );
    expect(zk.closed).toBe(true);
  });

  it('exits 1 with the reason on stderr when the command fails', async () => {
    const output = new CollectedOutput();
    const code = await runZookeeperShell(
      'h:2181',
      ['get', '/x'],
      linesOf(),
      output,
      async () => new FakeZk(),
    );
    expect(code).toBe(1);
    expect(output.err).toBe('Node does not exist: /x\n');
  });

  it('without a command, runs input lines until quit, continuing after errors', async () => {
    const output = new CollectedOutput();
    const code = await runZookeeperShell(
      'h:2181',
      [],
      linesOf('ls /brokers/ids', '', 'get /x', 'get /controller', 'quit', 'ls /'),
      output,
      async () => new FakeZk(),
    );
    expect(code).toBe(0);
    expect(output.lines()).toEqual([
      'Connecting to h:2181',
      'Welcome to ZooKeeper!',
      'JLine support is disabled',
      '',
      'WATCHER::',
      '',
      'WatchedEvent state:SyncConnected type:None path:null',
      '[1, 2, 3]',
      '{"version":1,"brokerid":1}',
    ]);
    expect(output.err).toBe('Node does not exist: /x\n');
  });

  it('exits 1 when it cannot connect', async () => {
    const output = new CollectedOutput();
    const code = await runZookeeperShell('h:2181', ['ls', '/'], linesOf(), output, async () => {
      throw new ZkError('CONNECTION_LOSS', { detail: 'no server answered' });
    });
    expect(code).toBe(1);
    expect(output.err).toBe('CONNECTION_LOSS: no server answered\n');
  });
});
