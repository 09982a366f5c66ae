/**
 * Bootstrap broker addresses: `host:port`, `[ipv6]:port`, as given in `brokers` (Kafka's
 * bootstrap.servers). A bad entry is a one-line error naming it.
 */
import { SamsaError } from '../errors';

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

/** Parses one `host:port` (or `[v6]:port`). */
export function parseBrokerAddress(text: string): BrokerAddress {
  if (typeof text !== 'string') {
    throw new SamsaError(`broker address must be a "host:port" string, got ${typeof text}`);
  }
  const trimmed = text.trim();
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed) ?? /^([^:[\]]+):(\d+)$/.exec(trimmed);
  if (match === null) {
    throw new SamsaError(`broker address "${text}" is not of the form host:port`);
  }
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SamsaError(`broker address "${text}" has port ${match[2]}, not in 1..65535`);
  }
  return { host: match[1], port };
}

/** `host:port`, with an IPv6 host in brackets. */
export function formatBrokerAddress(address: BrokerAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}
