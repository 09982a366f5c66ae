import {
  connectStringOf,
  FOUR_LETTER_WORD_WHITELIST,
  layoutNodes,
  parseConnectString,
  portsFromBase,
  renderZooCfg,
} from '../../../ops/zookeeper/config';

describe('ZooKeeper ensemble layout', () => {
  it('lays out client, quorum and election ports from the base port without collisions', () => {
    expect(portsFromBase(2181, 3)).toEqual([
      { clientPort: 2181, peerPort: 3181, electionPort: 4181 },
      { clientPort: 2182, peerPort: 3182, electionPort: 4182 },
      { clientPort: 2183, peerPort: 3183, electionPort: 4183 },
    ]);
    expect(connectStringOf(layoutNodes(portsFromBase(2181, 3)))).toBe(
      '127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183',
    );
  });

  it('rejects a base port whose derived ports leave 1-65535', () => {
    expect(() => portsFromBase(64000, 3)).toThrow(/outside 1-65535/);
  });

  it('rejects explicit port sets that reuse a port', () => {
    expect(() =>
      layoutNodes([
        { clientPort: 1, peerPort: 2, electionPort: 3 },
        { clientPort: 4, peerPort: 2, electionPort: 5 },
      ]),
    ).toThrow(/must all differ/);
  });

  it('parses connect strings with and without chroot and default port', () => {
    expect(parseConnectString('a:1,b:2/samsa/x')).toEqual({
      servers: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      chroot: '/samsa/x',
    });
    expect(parseConnectString('zk')).toEqual({ servers: [{ host: 'zk', port: 2181 }] });
    expect(() => parseConnectString('a:1,:2')).toThrow(/bad ZooKeeper connect string/);
  });
});

describe('zoo.cfg rendering', () => {
  const servers = layoutNodes(portsFromBase(2181, 3));

  it('renders a quorum member with server lines, its own client port and the 4lw whitelist', () => {
    const cfg = renderZooCfg({
      id: 2,
      tickTime: 500,
      dataDir: '/z/node-2/data',
      clientPort: 2182,
      clientPortAddress: '127.0.0.1',
      servers,
    });
    const lines = cfg.trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'tickTime=500',
        'dataDir=/z/node-2/data',
        'clientPort=2182',
        'clientPortAddress=127.0.0.1',
        'minSessionTimeout=1000',
        'maxSessionTimeout=60000',
        'admin.enableServer=false',
        `4lw.commands.whitelist=${FOUR_LETTER_WORD_WHITELIST.join(',')}`,
        'server.1=127.0.0.1:3181:4181',
        'server.2=127.0.0.1:3182:4182',
        'server.3=127.0.0.1:3183:4183',
      ]),
    );
    expect(FOUR_LETTER_WORD_WHITELIST).toEqual(expect.arrayContaining(['srvr', 'ruok', 'mntr']));
    expect(cfg).not.toContain('quorumListenOnAllIPs');
  });

  it('renders a single node as standalone: no server lines', () => {
    const cfg = renderZooCfg({
      id: 1,
      tickTime: 500,
      dataDir: '/z/node-1/data',
      clientPort: 2181,
      clientPortAddress: '127.0.0.1',
      servers: servers.slice(0, 1),
    });
    expect(cfg).not.toMatch(/^server\./m);
    expect(cfg).toMatch(/^clientPort=2181$/m);
  });
});
