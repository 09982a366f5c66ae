/**
 * ZooKeeper connect strings: `host:port[,host:port...][/chroot]`, parsed the way ZooKeeper's own
 * client does (the chroot is everything from the first `/`; a lone `/` means no chroot; a missing
 * port means 2181).
 */
import { ZkError } from './errors';
import { pathProblem } from './znode-path';

export interface ZkServer {
  host: string;
  port: number;
}

export interface ParsedConnectString {
  servers: ZkServer[];
  /** `host:port,host:port` without the chroot. */
  serversString: string;
  /** The chroot path (`/samsa/test`), or null when there is none. */
  chroot: string | null;
}

export const DEFAULT_ZOOKEEPER_PORT = 2181;

/** Parses a ZooKeeper connect string; throws a BAD_ARGUMENTS ZkError naming what is wrong. */
export function parseConnectString(connectString: string): ParsedConnectString {
  const bad = (detail: string): ZkError =>
    new ZkError('BAD_ARGUMENTS', { detail: `connect string "${connectString}": ${detail}` });
  if (typeof connectString !== 'string' || connectString.trim().length === 0) {
    throw bad('must name at least one host:port');
  }
  const slash = connectString.indexOf('/');
  const hostPart = slash === -1 ? connectString : connectString.slice(0, slash);
  let chroot: string | null = slash === -1 ? null : connectString.slice(slash);
  if (chroot === '/') chroot = null;
  if (chroot !== null) {
    const problem = pathProblem(chroot);
    if (problem !== null) throw bad(`bad chroot: ${problem}`);
  }
  const servers: ZkServer[] = [];
  for (const entry of hostPart.split(',')) {
    const item = entry.trim();
    if (item.length === 0) continue;
    const colon = item.lastIndexOf(':');
    const host = colon === -1 ? item : item.slice(0, colon);
    const portText = colon === -1 ? String(DEFAULT_ZOOKEEPER_PORT) : item.slice(colon + 1);
    const port = Number(portText);
    if (host.length === 0) throw bad(`"${item}" has no host`);
    if (host.includes(':') || host.includes('[')) {
      throw bad(`"${item}": IPv6 addresses are not supported by node-zookeeper-client`);
    }
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw bad(`"${item}" has a bad port "${portText}"`);
    }
    servers.push({ host, port });
  }
  if (servers.length === 0) throw bad('must name at least one host:port');
  return {
    servers,
    serversString: servers.map((s) => `${s.host}:${s.port}`).join(','),
    chroot,
  };
}
