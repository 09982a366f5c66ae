/**
 * The `zookeeper.connect` string, as ZooKeeper's ConnectStringParser reads it:
 * `host1:port1,host2:port2/optional/chroot`. Everything from the first `/` is the chroot; each
 * server is `host`, `host:port` or `[ipv6]:port` (port 2181 when omitted). A chroot of `/` means
 * none; otherwise it must be a valid absolute ZooKeeper path (no trailing `/`, no empty, `.` or
 * `..` segments).
 */
import { isIPv6 } from 'node:net';
import { ConfigError } from './config-error';

export const DEFAULT_ZOOKEEPER_PORT = 2181;

export interface ZkServer {
  /** Hostname or IP address; IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
}

export interface ZkConnect {
  readonly servers: readonly ZkServer[];
  /** The chroot path (`/samsa/test-1`), or null for the ZooKeeper root. */
  readonly chroot: string | null;
  /** `host:port,...` without the chroot (IPv6 hosts in brackets). */
  readonly serversString: string;
}

const HOSTNAME = /^[A-Za-z0-9._-]+$/;
const PORT = /^[0-9]+$/;

/** Parses a ZooKeeper connect string; errors name `configName`. */
export function parseZookeeperConnect(value: string, configName = 'zookeeper.connect'): ZkConnect {
  const fail = (reason: string): ConfigError => ConfigError.invalid(configName, value, reason);
  const trimmed = value.trim();
  const slash = trimmed.indexOf('/');
  const serversPart = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const chrootPart = slash < 0 ? null : trimmed.slice(slash);

  if (serversPart.trim() === '') throw fail('No ZooKeeper server given (expected host:port)');
  const servers = serversPart.split(',').map((entry) => parseServer(entry.trim(), fail));
  const chroot = chrootPart === null || chrootPart === '/' ? null : chrootPart;
  if (chroot !== null) {
    const problem = chrootProblem(chroot);
    if (problem !== undefined) throw fail(`Invalid chroot path ${chroot}: ${problem}`);
  }
  const serversString = servers
    .map((s) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`)
    .join(',');
  return { servers, chroot, serversString };
}

function parseServer(entry: string, fail: (reason: string) => ConfigError): ZkServer {
  if (entry === '') throw fail('Empty server entry');
  let host: string;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close < 0) throw fail(`Missing ] in ${entry}`);
    host = entry.slice(1, close);
    if (!isIPv6(host)) throw fail(`${entry.slice(0, close + 1)} is not an IPv6 address`);
    const rest = entry.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw fail(`Unexpected text after ] in ${entry}`);
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const parts = entry.split(':');
    if (parts.length > 2) throw fail(`${entry} is not host:port (put an IPv6 host in brackets)`);
    host = parts[0];
    portText = parts[1];
    if (!HOSTNAME.test(host)) throw fail(`Invalid host '${host}' in ${entry}`);
  }
  if (portText === undefined) return { host, port: DEFAULT_ZOOKEEPER_PORT };
  const port = PORT.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw fail(`Bad port ${portText} in ${entry}`);
  return { host, port };
}

/** Why a chroot is not a valid ZooKeeper path (ZooKeeper's PathUtils.validatePath), if it isn't. */
function chrootProblem(path: string): string | undefined {
  if (path.endsWith('/')) return 'must not end with /';
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'empty node name';
    if (segment === '.' || segment === '..') return 'relative paths are not allowed';
  }
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    const invalid =
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0xd800 && code <= 0xf8ff) ||
      code >= 0xfff0;
    if (invalid) return 'contains a character ZooKeeper does not allow';
  }
  return undefined;
}
