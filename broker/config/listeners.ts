/**
 * Broker listeners: `listeners` / `advertised.listeners` entries (`NAME://host:port`) and
 * `listener.security.protocol.map` (`NAME:PROTOCOL,...`), parsed and checked as Kafka does.
 *
 * An endpoint is `NAME://host:port`: the listener name is letters, digits and `_`, and is
 * upper-cased (Kafka's ListenerName.normalised); the host may be empty (all interfaces when
 * binding; the machine's hostname when advertised), a hostname, an IPv4 address, or an IPv6
 * address in brackets (`[::1]`); the port is 0-65535 (0 = any free port, chosen when binding).
 */
import { isIPv6 } from 'node:net';
import { ConfigError } from './config-error';

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface Endpoint {
  /** Upper-case listener name, e.g. `PLAINTEXT`, `INTERNAL`. */
  readonly listenerName: string;
  /** Hostname or IP address; IPv6 without brackets; '' for "all interfaces" / "this machine". */
  readonly host: string;
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

/** `NAME://host:port`, with an IPv6 host in brackets (the form /brokers/ids/<id> stores). */
export function endpointString(endpoint: Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.listenerName}://${host}:${endpoint.port}`;
}

const LISTENER_NAME = /^[A-Za-z0-9_]+$/;
const ENDPOINT = /^([^:/]*):\/\/(\[[^\]]*\]|[^:[\]/]*):([0-9]+)$/;
const HOSTNAME = /^[A-Za-z0-9._-]+$/;

function isSecurityProtocol(value: string): value is SecurityProtocol {
  return (SECURITY_PROTOCOLS as readonly string[]).includes(value);
}

/** Parses `listener.security.protocol.map` entries (`NAME:PROTOCOL`). Names are upper-cased. */
export function parseSecurityProtocolMap(
  configName: string,
  entries: readonly string[],
): Map<string, SecurityProtocol> {
  const map = new Map<string, SecurityProtocol>();
  for (const entry of entries) {
    const parts = entry.split(':');
    if (parts.length !== 2 || !LISTENER_NAME.test(parts[0].trim())) {
      throw ConfigError.invalid(
        configName,
        entries.join(','),
        `Map entry '${entry}' should be of form <listener name>:<security protocol>`,
      );
    }
    const name = parts[0].trim().toUpperCase();
    const protocol = parts[1].trim().toUpperCase();
    if (!isSecurityProtocol(protocol)) {
      throw ConfigError.invalid(
        configName,
        entries.join(','),
        `Unknown security protocol ${parts[1].trim()} for listener ${name}; ` +
          `valid protocols are ${SECURITY_PROTOCOLS.join(', ')}`,
      );
    }
    if (map.has(name)) {
      throw ConfigError.invalid(configName, entries.join(','), `Listener ${name} appears twice`);
    }
    map.set(name, protocol);
  }
  return map;
}

/**
 * Parses `listeners` or `advertised.listeners` entries. Listener names must be unique and present
 * in the security protocol map; ports must be unique (except 0) when `requireDistinctPorts`
 * (Kafka requires it of `listeners`, not of `advertised.listeners`).
 */
export function parseListeners(
  configName: string,
  entries: readonly string[],
  protocols: ReadonlyMap<string, SecurityProtocol>,
  requireDistinctPorts: boolean,
): Endpoint[] {
  const whole = entries.join(',');
  const endpoints = entries.map((entry) => parseEndpoint(configName, whole, entry, protocols));
  const names = new Set<string>();
  const ports = new Set<number>();
  for (const endpoint of endpoints) {
    if (names.has(endpoint.listenerName)) {
      throw ConfigError.invalid(
        configName,
        whole,
        `Each listener must have a different name; ${endpoint.listenerName} appears twice`,
      );
    }
    names.add(endpoint.listenerName);
    if (requireDistinctPorts && endpoint.port !== 0) {
      if (ports.has(endpoint.port)) {
        throw ConfigError.invalid(
          configName,
          whole,
          `Each listener must have a different port; port ${endpoint.port} appears twice`,
        );
      }
      ports.add(endpoint.port);
    }
  }
  return endpoints;
}

function parseEndpoint(
  configName: string,
  whole: string,
  entry: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
): Endpoint {
  const fail = (reason: string): ConfigError => ConfigError.invalid(configName, whole, reason);
  const match = ENDPOINT.exec(entry);
  if (match === null) {
    throw fail(
      `Unable to parse ${entry} to a broker endpoint (expected NAME://host:port, ` +
        'with an IPv6 host in brackets)',
    );
  }
  const [, rawName, rawHost, rawPort] = match;
  if (!LISTENER_NAME.test(rawName)) {
    throw fail(`Listener name '${rawName}' in ${entry} must be letters, digits and _`);
  }
  const listenerName = rawName.toUpperCase();
  let host = rawHost;
  if (host.startsWith('[')) {
    host = host.slice(1, -1);
    if (!isIPv6(host)) throw fail(`${rawHost} in ${entry} is not an IPv6 address`);
  } else if (host !== '' && !HOSTNAME.test(host)) {
    throw fail(`${host} in ${entry} is not a valid host name`);
  }
  const port = Number(rawPort);
  if (port > 65535) throw fail(`Port ${rawPort} in ${entry} is out of range 0-65535`);
  const securityProtocol = protocols.get(listenerName);
  if (securityProtocol === undefined) {
    throw fail(
      `No security protocol defined for listener ${listenerName} ` +
        '(add it to listener.security.protocol.map)',
    );
  }
  return { listenerName, host, port, securityProtocol };
}
