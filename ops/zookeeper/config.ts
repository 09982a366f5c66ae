/**
 * The shape of a launched ensemble and each node's `zoo.cfg`.
 *
 * Ports, from a base port B (default 2181), for node i = 1..n:
 *   client port     B + i - 1         (2181, 2182, 2183)
 *   quorum port     B + 1000 + i - 1  (3181, 3182, 3183)  followers talk to the leader here
 *   election port   B + 2000 + i - 1  (4181, 4182, 4183)  leader election
 * Everything listens on 127.0.0.1 only. Callers may also give every port explicitly (the test
 * harness asks the OS for free ones).
 *
 * `tickTime` defaults to 500 ms, so session timeouts go down to 1 s (2 ticks) for quick fault
 * tests; `maxSessionTimeout` is 60 s so Kafka's default 18 s session timeout is accepted.
 */
import { SamsaError } from '../../client/errors';

export const DEFAULT_BASE_PORT = 2181;
export const DEFAULT_TICK_TIME_MS = 500;
export const LOOPBACK = '127.0.0.1';

/** Four-letter words the nodes answer: the launcher's `srvr`, and what labs and healthchecks use. */
export const FOUR_LETTER_WORD_WHITELIST = [
  'srvr',
  'ruok',
  'mntr',
  'stat',
  'conf',
  'cons',
  'envi',
  'wchs',
  'dump',
  'isro',
];

export interface NodePorts {
  clientPort: number;
  peerPort: number;
  electionPort: number;
}

/** One node of an ensemble: its id (`myid`), address and ports. */
export interface NodeLayout extends NodePorts {
  id: number;
  host: string;
}

/** The ports of `nodes` nodes laid out from `basePort` (see the table above). */
export function portsFromBase(basePort: number, nodes: number): NodePorts[] {
  const ports: NodePorts[] = [];
  for (let i = 0; i < nodes; i++) {
    ports.push({
      clientPort: basePort + i,
      peerPort: basePort + 1000 + i,
      electionPort: basePort + 2000 + i,
    });
  }
  for (const port of ports.flatMap((p) => [p.clientPort, p.peerPort, p.electionPort])) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SamsaError(
        `base port ${basePort} gives port ${port}, outside 1-65535 (ZooKeeper uses base..base+${nodes - 1}, base+1000.., base+2000..)`,
      );
    }
  }
  return ports;
}

/** Lays out nodes 1..n on loopback with the given ports. */
export function layoutNodes(ports: NodePorts[]): NodeLayout[] {
  const all = ports.flatMap((p) => [p.clientPort, p.peerPort, p.electionPort]);
  if (new Set(all).size !== all.length) {
    throw new SamsaError(`ZooKeeper ports must all differ: ${all.join(', ')}`);
  }
  return ports.map((p, i) => ({ id: i + 1, host: LOOPBACK, ...p }));
}

/** `host:port,host:port,...` for a list of servers (no chroot). */
export function connectStringOf(servers: { host: string; clientPort: number }[]): string {
  return servers.map((s) => `${s.host}:${s.clientPort}`).join(',');
}

/** Splits `h1:p1,h2:p2[/chroot]` into servers and chroot. */
export function parseConnectString(connect: string): {
  servers: { host: string; port: number }[];
  chroot?: string;
} {
  const slash = connect.indexOf('/');
  const hosts = slash >= 0 ? connect.slice(0, slash) : connect;
  const chroot = slash >= 0 ? connect.slice(slash) : undefined;
  const servers = hosts.split(',').map((entry) => {
    const match = /^\s*(\[[^\]]+\]|[^:\s]+)(?::(\d+))?\s*$/.exec(entry);
    if (!match) throw new SamsaError(`bad ZooKeeper connect string '${connect}'`);
    const port = match[2] === undefined ? 2181 : Number(match[2]);
    if (port < 1 || port > 65535) throw new SamsaError(`bad port in connect string '${connect}'`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
  return chroot === undefined || chroot === '/' ? { servers } : { servers, chroot };
}

export interface ZooCfgOptions {
  /** This node's id (its `myid`). */
  id: number;
  tickTime: number;
  dataDir: string;
  clientPort: number;
  clientPortAddress: string;
  /** Every member, for `server.N=host:peerPort:electionPort`; one member means standalone. */
  servers: { id: number; host: string; peerPort: number; electionPort: number }[];
  /** Bind quorum ports on all interfaces (inside containers, where `host` is a network alias). */
  quorumListenOnAllIPs?: boolean;
}

/** The text of one node's `zoo.cfg` (Java properties). */
export function renderZooCfg(options: ZooCfgOptions): string {
  const standalone = options.servers.length === 1;
  const lines = [
    `# Written by samsa's ZooKeeper launcher (ops/zookeeper): node ${options.id} of ${options.servers.length}.`,
    `tickTime=${options.tickTime}`,
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${options.dataDir}`,
    `clientPort=${options.clientPort}`,
    `clientPortAddress=${options.clientPortAddress}`,
    'maxClientCnxns=0',
    `minSessionTimeout=${2 * options.tickTime}`,
    'maxSessionTimeout=60000',
    'admin.enableServer=false',
    `4lw.commands.whitelist=${FOUR_LETTER_WORD_WHITELIST.join(',')}`,
    'autopurge.snapRetainCount=3',
    'autopurge.purgeInterval=1',
  ];
  if (!standalone) {
    if (options.quorumListenOnAllIPs) lines.push('quorumListenOnAllIPs=true');
    for (const server of options.servers) {
      lines.push(`server.${server.id}=${server.host}:${server.peerPort}:${server.electionPort}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
