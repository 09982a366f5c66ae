/**
 * `/brokers/ids/<id>` (EPHEMERAL, owned by the broker's session): a live broker's registration.
 * Kafka: `BrokerIdsZNode`, `BrokerIdZNode`, `BrokerInfo`.
 *
 * The broker writes it at startup and after every new session (one multi: create with empty
 * data, then set the data at expected version 0, so zkCli shows dataVersion 1); its **czxid is
 * the broker epoch** (KIP-380). The controller watches the children of `/brokers/ids`
 * (BrokerChange) and each child's data (BrokerModifications).
 *
 * Payload versions (all decoded; samsa writes v5, the 2.7+/2.8 generation):
 *   v1  version, host, port, jmx_port, timestamp                  (one PLAINTEXT endpoint)
 *   v2  + endpoints ["LISTENER://host:port", ...]                  (listener = security protocol)
 *   v3  + rack (optional)
 *   v4  + listener_security_protocol_map {listener: protocol}
 *   v5  + features {name: {"min_version":n,"max_version":m}}      (supported ranges, KIP-584)
 * Example (v5):
 *   {"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","SSL":"SSL"},
 *    "endpoints":["PLAINTEXT://kafka1:9092","SSL://kafka1:9093"],"jmx_port":-1,
 *    "host":"kafka1","timestamp":"1620000000000","port":9092,"version":5}
 * Quirks: the top-level `host`/`port` copy the first PLAINTEXT endpoint for old clients (null and
 * -1 without one; decoding v2+ ignores them); `timestamp` is a string; `rack` appears only when
 * `broker.rack` is set; IPv6 hosts are bracketed in endpoint strings.
 */
import {
  JsonObject,
  JsonValue,
  NON_NEGATIVE_SAFE_LONG,
  PORT_OR_NONE,
  encodeVerified,
  parseJsonObject,
} from '../json';
import { ZnodeMode } from './mode';
import { parseIdName, validateId } from './names';

export const MODE: ZnodeMode = 'ephemeral';
export const VERSION = 5;
export const ACCEPTED_VERSIONS: readonly number[] = [1, 2, 3, 4, 5];

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** One advertised listener. */
export interface BrokerEndpoint {
  listenerName: string;
  /** A host name or IP address (IPv6 without brackets); may be empty. */
  host: string;
  port: number;
  securityProtocol: SecurityProtocol;
}

/** A supported feature version range (both ends inclusive, 1 .. 32767). */
export interface SupportedVersionRange {
  minVersion: number;
  maxVersion: number;
}

export interface BrokerRegistration {
  endpoints: BrokerEndpoint[];
  /** `jmx_port`, -1 when JMX is off. */
  jmxPort: number;
  /** Registration time in ms since the epoch (written as a string). */
  timestamp: number;
  /** `broker.rack`, only when set. */
  rack?: string;
  /** Supported features by name (empty in 2.7/2.8). */
  features: Map<string, SupportedVersionRange>;
}

const FEATURE_VERSION = { min: 1, max: 32767 };
const PORT = { min: 0, max: 65535 };
const ENDPOINT = /^([A-Za-z0-9_-]+):\/\/\[?([0-9A-Za-z%._:-]*)\]?:([0-9]{1,5})$/;

/** `/brokers` (no data). */
export function brokersPath(): string {
  return '/brokers';
}

/** `/brokers/ids` (no data): its children are the live brokers. */
export function idsPath(): string {
  return `${brokersPath()}/ids`;
}

/** `/brokers/ids/<id>`. */
export function path(brokerId: number): string {
  return `${idsPath()}/${validateId(brokerId, 'broker id')}`;
}

/** The broker id of a child of `/brokers/ids`. */
export function parseChildName(name: string): number {
  return parseIdName(name, `child of ${idsPath()}`);
}

/** `LISTENER://host:port`, brackets around an IPv6 host (Kafka's `EndPoint.connectionString`). */
export function connectionString(endpoint: BrokerEndpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.listenerName}://${host}:${endpoint.port}`;
}

export function encode(value: BrokerRegistration): Buffer {
  const plaintext = value.endpoints.find((e) => e.securityProtocol === 'PLAINTEXT');
  const json: Record<string, unknown> = {
    features: Object.fromEntries(
      [...value.features].map(([name, range]) => [
        name,
        { min_version: range.minVersion, max_version: range.maxVersion },
      ]),
    ),
    listener_security_protocol_map: Object.fromEntries(
      value.endpoints.map((e) => [e.listenerName, e.securityProtocol]),
    ),
    endpoints: value.endpoints.map(connectionString),
  };
  if (value.rack !== undefined) json.rack = value.rack;
  json.jmx_port = value.jmxPort;
  json.host = plaintext ? plaintext.host : null;
  json.timestamp = String(value.timestamp);
  json.port = plaintext ? plaintext.port : -1;
  json.version = VERSION;
  return encodeVerified(json, '/brokers/ids/<id>', decode);
}

export function decode(bytes: Buffer, where = '/brokers/ids/<id>'): BrokerRegistration {
  const json = parseJsonObject(bytes, where);
  const version = json.version(ACCEPTED_VERSIONS);
  const jmxPort = json.get('jmx_port').int(PORT_OR_NONE);
  const timestamp = json.get('timestamp').decimalString(NON_NEGATIVE_SAFE_LONG);
  const endpoints =
    version === 1
      ? [
          {
            listenerName: 'PLAINTEXT',
            host: json.get('host').string(),
            port: json.get('port').int(PORT),
            securityProtocol: 'PLAINTEXT' as const,
          },
        ]
      : readEndpoints(json);
  const result: BrokerRegistration = { endpoints, jmxPort, timestamp, features: new Map() };
  const rack = json.opt('rack');
  if (rack !== undefined) result.rack = rack.string();
  const features = json.opt('features');
  if (features !== undefined) result.features = readFeatures(features);
  return result;
}

function readEndpoints(json: JsonObject): BrokerEndpoint[] {
  const protocolField = json.opt('listener_security_protocol_map');
  const protocols = new Map<string, SecurityProtocol>();
  if (protocolField !== undefined) {
    for (const [listener, protocol] of protocolField.object().entries()) {
      protocols.set(listener, securityProtocol(protocol));
    }
  }
  const seen = new Set<string>();
  return json
    .get('endpoints')
    .array()
    .map((item) => {
      const text = item.string();
      const match = ENDPOINT.exec(text);
      if (!match) throw item.error(`expected "LISTENER://host:port", got ${JSON.stringify(text)}`);
      const [, listenerName, host, portText] = match;
      const port = Number(portText);
      if (port > PORT.max) throw item.error(`port ${port} out of range`);
      if (seen.has(listenerName)) throw item.error(`duplicate listener ${listenerName}`);
      seen.add(listenerName);
      let protocol = protocols.get(listenerName);
      if (protocol === undefined) {
        if (protocolField !== undefined) {
          throw item.error(`listener ${listenerName} missing from listener_security_protocol_map`);
        }
        protocol = securityProtocol(new JsonValue(listenerName, item.where, item.field));
      }
      return { listenerName, host, port, securityProtocol: protocol };
    });
}

function securityProtocol(value: JsonValue): SecurityProtocol {
  const name = value.string().toUpperCase();
  const found = SECURITY_PROTOCOLS.find((p) => p === name);
  if (found === undefined) {
    throw value.error(`unknown security protocol ${JSON.stringify(value.value)}`);
  }
  return found;
}

function readFeatures(value: JsonValue): Map<string, SupportedVersionRange> {
  const features = new Map<string, SupportedVersionRange>();
  for (const [name, rangeValue] of value.object().entries()) {
    const range = rangeValue.object();
    const minVersion = range.get('min_version').int(FEATURE_VERSION);
    const maxVersion = range.get('max_version').int(FEATURE_VERSION);
    if (maxVersion < minVersion) {
      throw rangeValue.error(`max_version ${maxVersion} is below min_version ${minVersion}`);
    }
    features.set(name, { minVersion, maxVersion });
  }
  return features;
}
