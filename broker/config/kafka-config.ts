/**
 * KafkaConfig: the broker's configuration, read from server.properties plus `--override`s,
 * validated, and frozen.
 *
 * Every key of BROKER_CONFIG_DEF is a typed camelCase field (`broker.id` → `config.brokerId`,
 * `replica.lag.time.max.ms` → `config.replicaLagTimeMaxMs`), except where the raw key is replaced
 * by what brokers actually use, worked out as Kafka does:
 * - `listeners`, `advertisedListeners`: parsed endpoints (advertised defaults to listeners; an
 *   empty advertised host becomes this machine's hostname);
 * - `listenerSecurityProtocolMap`: listener name → security protocol;
 * - `interBrokerListenerName` / `interBrokerSecurityProtocol`, `controlPlaneListenerName`;
 * - `logDirs`: log.dirs, else log.dir;
 * - `zookeeperConnect`: servers and chroot; `zookeeperConnectionTimeoutMs`: else the session
 *   timeout;
 * - `logRetentionMs`: log.retention.ms, else .minutes, else .hours (any negative → -1, forever);
 * - `logRollMs`: log.roll.ms, else log.roll.hours; `logFlushIntervalMs`: log.flush.interval.ms,
 *   else log.flush.scheduler.interval.ms;
 * - `superUsers`: the principals of super.users.
 * `get(name)` returns any key's own typed value. Unknown keys are not errors: they are listed in
 * `warnings` with Kafka's wording, for the caller to log.
 */
import { hostname as osHostname } from 'node:os';
import { CamelCase, camelCase } from './config-def';
import { ConfigError } from './config-error';
import { BROKER_CONFIG_DEF, BrokerConfigName, BrokerConfigValue } from './broker-config-def';
import { Endpoint, SecurityProtocol, parseListeners, parseSecurityProtocolMap } from './listeners';
import { ZkConnect, parseZookeeperConnect } from './zookeeper-connect';

/** Keys whose camelCase field is replaced by a derived one, or left out in favour of one. */
type ReplacedField =
  | 'listeners'
  | 'advertisedListeners'
  | 'listenerSecurityProtocolMap'
  | 'interBrokerListenerName'
  | 'securityInterBrokerProtocol'
  | 'controlPlaneListenerName'
  | 'logDirs'
  | 'logDir'
  | 'zookeeperConnect'
  | 'zookeeperConnectionTimeoutMs'
  | 'logRetentionMs'
  | 'logRetentionMinutes'
  | 'logRetentionHours'
  | 'logRollMs'
  | 'logRollHours'
  | 'logFlushIntervalMs'
  | 'superUsers';

const REPLACED_FIELDS: readonly ReplacedField[] = [
  'listeners',
  'advertisedListeners',
  'listenerSecurityProtocolMap',
  'interBrokerListenerName',
  'securityInterBrokerProtocol',
  'controlPlaneListenerName',
  'logDirs',
  'logDir',
  'zookeeperConnect',
  'zookeeperConnectionTimeoutMs',
  'logRetentionMs',
  'logRetentionMinutes',
  'logRetentionHours',
  'logRollMs',
  'logRollHours',
  'logFlushIntervalMs',
  'superUsers',
];

type RawFields = {
  readonly [K in BrokerConfigName as CamelCase<K>]: BrokerConfigValue<K>;
};

export interface DerivedFields {
  /** Endpoints to bind (host '' = all interfaces). */
  readonly listeners: readonly Endpoint[];
  /** Endpoints published in /brokers/ids/<id>; never an empty host. */
  readonly advertisedListeners: readonly Endpoint[];
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>;
  readonly interBrokerListenerName: string;
  readonly interBrokerSecurityProtocol: SecurityProtocol;
  /** The listener for controller requests, or null to use the inter-broker listener. */
  readonly controlPlaneListenerName: string | null;
  readonly logDirs: readonly string[];
  readonly zookeeperConnect: ZkConnect;
  readonly zookeeperConnectionTimeoutMs: number;
  /** Time-based retention in ms; -1 = keep forever. */
  readonly logRetentionMs: number;
  readonly logRollMs: number;
  readonly logFlushIntervalMs: number;
  /** Principals such as `User:admin`. */
  readonly superUsers: readonly string[];
}

export interface KafkaConfig extends Omit<RawFields, ReplacedField>, DerivedFields {
  /** A key's own typed value (null when unset and without default). */
  get<K extends BrokerConfigName>(name: K): BrokerConfigValue<K>;
  /** Every key given (file, then overrides), including unknown ones, as written. */
  readonly originals: ReadonlyMap<string, string>;
  /** Keys given that samsa does not know. */
  readonly unknownKeys: readonly string[];
  /** One line per unknown key: `The configuration 'x' was supplied but isn't a known config.` */
  readonly warnings: readonly string[];
}

export interface KafkaConfigOptions {
  /** The name an empty advertised host stands for; default os.hostname(). */
  hostname?: string;
}

type Properties = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export const KafkaConfig = {
  /**
   * Builds the configuration from server.properties (`props`) and `--override`s (which win).
   * Throws a ConfigError (one line, naming the key) on a bad or missing value.
   */
  fromProperties(
    props: Properties,
    overrides: Properties = new Map(),
    options: KafkaConfigOptions = {},
  ): KafkaConfig {
    const originals = new Map([...toEntries(props), ...toEntries(overrides)]);
    const { values, unknown } = deepFreeze(BROKER_CONFIG_DEF.parse(originals));
    const get = <K extends BrokerConfigName>(name: K): BrokerConfigValue<K> => values[name];

    const fields: Record<string, unknown> = {};
    for (const name of BROKER_CONFIG_DEF.names()) fields[camelCase(name)] = values[name];
    for (const name of REPLACED_FIELDS) delete fields[name];
    const derived = deriveFields(get, originals, options.hostname ?? osHostname());
    const warnings = unknown.map(unknownConfigWarning);
    return deepFreeze({
      ...fields,
      ...derived,
      get,
      originals,
      unknownKeys: unknown,
      warnings,
    }) as unknown as KafkaConfig;
  },
};

/** Kafka's warning for a key it does not know. */
export function unknownConfigWarning(name: string): string {
  return `The configuration '${name}' was supplied but isn't a known config.`;
}

type Getter = <K extends BrokerConfigName>(name: K) => BrokerConfigValue<K>;

function deriveFields(
  get: Getter,
  originals: ReadonlyMap<string, string>,
  hostname: string,
): DerivedFields {
  checkBrokerId(get);
  const zookeeperConnect = parseZookeeperConnect(get('zookeeper.connect'));
  const logDirs = (get('log.dirs') ?? get('log.dir')).filter((dir) => dir !== '');
  if (logDirs.length === 0) {
    throw new ConfigError(
      'At least one log directory must be defined via log.dirs or log.dir.',
      'log.dirs',
    );
  }

  const logRetentionMs = retentionMs(get);
  if (logRetentionMs === 0) {
    throw new ConfigError(
      'log.retention.ms must be unlimited (-1) or, greater than or equal to 1',
      'log.retention.ms',
    );
  }
  const logRollMs = get('log.roll.ms') ?? get('log.roll.hours') * HOUR_MS;
  if (logRollMs < 1) {
    throw new ConfigError('log.roll.ms must be greater than or equal to 1', 'log.roll.ms');
  }

  const waitMax = get('replica.fetch.wait.max.ms');
  if (waitMax > get('replica.socket.timeout.ms')) {
    throw new ConfigError(
      'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to ' +
        'prevent unnecessary socket timeouts',
      'replica.socket.timeout.ms',
    );
  }
  if (waitMax > get('replica.lag.time.max.ms')) {
    throw new ConfigError(
      'replica.fetch.wait.max.ms should always be less than or equal to ' +
        'replica.lag.time.max.ms to prevent frequent changes in ISR',
      'replica.fetch.wait.max.ms',
    );
  }

  return {
    ...deriveListeners(get, originals, hostname),
    logDirs,
    zookeeperConnect,
    zookeeperConnectionTimeoutMs:
      get('zookeeper.connection.timeout.ms') ?? get('zookeeper.session.timeout.ms'),
    logRetentionMs,
    logRollMs,
    logFlushIntervalMs: get('log.flush.interval.ms') ?? get('log.flush.scheduler.interval.ms'),
    superUsers: get('super.users')
      .split(';')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  };
}

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/** Kafka's precedence: log.retention.ms, else .minutes, else .hours; negative means -1. */
export function retentionMs(get: Getter): number {
  const minutes = get('log.retention.minutes');
  const ms =
    get('log.retention.ms') ??
    (minutes !== null ? minutes * MINUTE_MS : get('log.retention.hours') * HOUR_MS);
  return ms < 0 ? -1 : ms;
}

function checkBrokerId(get: Getter): void {
  const brokerId = get('broker.id');
  if (get('broker.id.generation.enable')) {
    if (brokerId < -1 || brokerId > get('reserved.broker.max.id')) {
      throw new ConfigError(
        'broker.id must be greater than or equal to -1 and not greater than ' +
          `reserved.broker.max.id (${get('reserved.broker.max.id')}); got ${brokerId}`,
        'broker.id',
      );
    }
  } else if (brokerId < 0) {
    throw new ConfigError(
      'broker.id must be greater than or equal to 0 when broker.id.generation.enable is false',
      'broker.id',
    );
  }
}

type ListenerFields = Pick<
  DerivedFields,
  | 'listeners'
  | 'advertisedListeners'
  | 'listenerSecurityProtocolMap'
  | 'interBrokerListenerName'
  | 'interBrokerSecurityProtocol'
  | 'controlPlaneListenerName'
>;

function deriveListeners(
  get: Getter,
  originals: ReadonlyMap<string, string>,
  hostname: string,
): ListenerFields {
  const protocols = parseSecurityProtocolMap(
    'listener.security.protocol.map',
    get('listener.security.protocol.map'),
  );
  const listeners = parseListeners('listeners', get('listeners'), protocols, true);
  if (listeners.length === 0) {
    throw ConfigError.invalid('listeners', '', 'At least one listener is required');
  }
  const advertisedRaw = get('advertised.listeners');
  const advertisedName = advertisedRaw === null ? 'listeners' : 'advertised.listeners';
  const advertised = parseListeners(
    advertisedName,
    advertisedRaw ?? get('listeners'),
    protocols,
    false,
  );
  const listenerNames = listeners.map((l) => l.listenerName);
  const advertisedNames = advertised.map((l) => l.listenerName);
  const stray = advertisedNames.filter((name) => !listenerNames.includes(name));
  if (stray.length > 0) {
    throw new ConfigError(
      'advertised.listeners listener names must be equal to or a subset of the ones defined ' +
        `in listeners. Found ${advertisedNames.join(',')}. The valid options based on the ` +
        `current configuration are ${listenerNames.join(',')}`,
      'advertised.listeners',
    );
  }
  for (const endpoint of advertised) {
    if (endpoint.host === '0.0.0.0' || endpoint.host === '::') {
      throw new ConfigError(
        `${advertisedName} cannot use the nonroutable meta-address ${endpoint.host}. Use a ` +
          'routable IP address (or set advertised.listeners).',
        advertisedName,
      );
    }
  }

  const explicitName = get('inter.broker.listener.name');
  if (explicitName !== null && originals.has('security.inter.broker.protocol')) {
    throw new ConfigError(
      'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.',
      'inter.broker.listener.name',
    );
  }
  const interBrokerListenerName = (
    explicitName ?? get('security.inter.broker.protocol')
  ).toUpperCase();
  if (!advertisedNames.includes(interBrokerListenerName)) {
    throw new ConfigError(
      `inter.broker.listener.name must be a listener name defined in advertised.listeners ` +
        `(it is ${interBrokerListenerName}). The valid options based on currently configured ` +
        `listeners are ${advertisedNames.join(',')}`,
      'inter.broker.listener.name',
    );
  }

  const controlPlane = get('control.plane.listener.name')?.toUpperCase() ?? null;
  if (controlPlane !== null) {
    if (!advertisedNames.includes(controlPlane)) {
      throw new ConfigError(
        `control.plane.listener.name must be a listener name defined in advertised.listeners ` +
          `(it is ${controlPlane}). The valid options based on currently configured listeners ` +
          `are ${advertisedNames.join(',')}`,
        'control.plane.listener.name',
      );
    }
    if (controlPlane === interBrokerListenerName) {
      throw new ConfigError(
        'control.plane.listener.name, inter.broker.listener.name should be different.',
        'control.plane.listener.name',
      );
    }
  }

  return {
    listeners,
    advertisedListeners: advertised.map((e) => (e.host === '' ? { ...e, host: hostname } : e)),
    listenerSecurityProtocolMap: protocols,
    interBrokerListenerName,
    interBrokerSecurityProtocol: protocols.get(interBrokerListenerName) as SecurityProtocol,
    controlPlaneListenerName: controlPlane,
  };
}

function toEntries(props: Properties): [string, string][] {
  return props instanceof Map ? [...props.entries()] : Object.entries(props);
}

/** Freezes an object and the plain objects and arrays it holds (Maps stay as they are). */
function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || isPlainObject(value)) {
    for (const inner of Object.values(value as object)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function isPlainObject(value: unknown): value is object {
  return (
    typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
  );
}
