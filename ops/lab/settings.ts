/**
 * The shape of a lab: how many ZooKeeper nodes and brokers, their ports, the optional chroot, and
 * where everything lives on disk. Pure: no processes, no I/O.
 *
 * Defaults: 3 ZooKeeper nodes on client ports 2181-2183 (quorum and election ports as the
 * launcher lays them out, see ops/zookeeper/config.ts), 3 brokers with ids 1..N listening on
 * PLAINTEXT://127.0.0.1:9092.. (broker i on BASE+i-1), no chroot (so `zookeeper-shell` shows
 * Kafka's tree at /), folder `$SAMSA_HOME/lab` or `~/.samsa/lab`:
 *
 *   <dir>/lab.json                    the lab's record (state.ts)
 *   <dir>/zookeeper/                  the ensemble, run by the launcher (ops/zookeeper/state.ts)
 *   <dir>/broker-<id>/server.properties, server.log, broker.pid, logs/ (the log.dirs)
 */
import os from 'node:os';
import path from 'node:path';
import { SamsaError } from '../../client/errors';

export const DEFAULT_ZOOKEEPERS = 3;
export const DEFAULT_BROKERS = 3;
export const DEFAULT_BROKER_BASE_PORT = 9092;
export const DEFAULT_ZOOKEEPER_BASE_PORT = 2181;
export const MAX_BROKERS = 9;
export const ZOOKEEPER_SIZES: readonly number[] = [1, 3, 5];
export const BROKER_HOST = '127.0.0.1';

/** The settings a lab is created with; recorded in lab.json and fixed for the lab's life. */
export interface LabSettings {
  zookeepers: number;
  brokers: number;
  /** Broker i (1-based) listens on basePort + i - 1. */
  basePort: number;
  zookeeperBasePort: number;
  /** A chroot path (`/samsa-lab`) for the brokers' data in ZooKeeper, or null for the root. */
  chroot: string | null;
}

/** Settings given on the command line; anything absent keeps the recorded or default value. */
export type RequestedSettings = Partial<LabSettings>;

/** One broker of the lab, as its server.properties and the status tables describe it. */
export interface LabBroker {
  id: number;
  host: string;
  port: number;
  /** `<dir>/broker-<id>`. */
  dir: string;
}

/** `$SAMSA_HOME/lab`, or `~/.samsa/lab`. */
export function defaultLabDir(): string {
  const home = process.env.SAMSA_HOME ?? path.join(os.homedir(), '.samsa');
  return path.join(home, 'lab');
}

export function zookeeperDir(labDir: string): string {
  return path.join(labDir, 'zookeeper');
}

export function brokerDir(labDir: string, id: number): string {
  return path.join(labDir, `broker-${id}`);
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SamsaError(`${what} ${port} is outside 1-65535`);
  }
}

/** Checks a chroot: an absolute ZooKeeper path without a trailing `/`; `/` means none. */
export function normaliseChroot(chroot: string | null | undefined): string | null {
  if (chroot === undefined || chroot === null || chroot === '' || chroot === '/') return null;
  const segments = chroot.split('/');
  if (
    !chroot.startsWith('/') ||
    segments.slice(1).some((s) => s === '' || s === '.' || s === '..' || /[\s,]/.test(s))
  ) {
    throw new SamsaError(
      `bad --chroot '${chroot}': give an absolute ZooKeeper path such as /samsa-lab (no trailing /, no spaces or commas)`,
    );
  }
  return chroot;
}

/** Fills in defaults and checks every value; throws one clear line on a bad one. */
export function resolveSettings(requested: RequestedSettings): LabSettings {
  const settings: LabSettings = {
    zookeepers: requested.zookeepers ?? DEFAULT_ZOOKEEPERS,
    brokers: requested.brokers ?? DEFAULT_BROKERS,
    basePort: requested.basePort ?? DEFAULT_BROKER_BASE_PORT,
    zookeeperBasePort: requested.zookeeperBasePort ?? DEFAULT_ZOOKEEPER_BASE_PORT,
    chroot: normaliseChroot(requested.chroot),
  };
  if (!ZOOKEEPER_SIZES.includes(settings.zookeepers)) {
    throw new SamsaError(
      `bad --zookeepers ${settings.zookeepers}: a lab ensemble has ${ZOOKEEPER_SIZES.join(', ')} nodes (an odd number, so a majority is well defined)`,
    );
  }
  if (
    !Number.isInteger(settings.brokers) ||
    settings.brokers < 1 ||
    settings.brokers > MAX_BROKERS
  ) {
    throw new SamsaError(`bad --brokers ${settings.brokers}: 1 to ${MAX_BROKERS}`);
  }
  checkPort(settings.basePort, '--base-port');
  checkPort(settings.basePort + settings.brokers - 1, `--base-port gives broker port`);
  checkPort(settings.zookeeperBasePort, '--zookeeper-base-port');
  checkPort(
    settings.zookeeperBasePort + 2000 + settings.zookeepers - 1,
    '--zookeeper-base-port gives election port',
  );
  const brokerPorts = brokerPortRange(settings);
  const zkPorts = zookeeperPortList(settings);
  const clash = brokerPorts.find((p) => zkPorts.includes(p));
  if (clash !== undefined) {
    throw new SamsaError(
      `broker port ${clash} is also a ZooKeeper port; choose other ports (--base-port, --zookeeper-base-port)`,
    );
  }
  return settings;
}

function brokerPortRange(settings: LabSettings): number[] {
  return Array.from({ length: settings.brokers }, (_, i) => settings.basePort + i);
}

/** Every port the ensemble uses (client, quorum and election ports; see ops/zookeeper/config). */
function zookeeperPortList(settings: LabSettings): number[] {
  const ports: number[] = [];
  for (let i = 0; i < settings.zookeepers; i++) {
    const base = settings.zookeeperBasePort + i;
    ports.push(base, base + 1000, base + 2000);
  }
  return ports;
}

/**
 * The differences between what was asked for and what a lab was created with, as
 * `--brokers 5 (the lab has 3)`; empty when every requested value matches.
 */
export function settingsConflicts(requested: RequestedSettings, recorded: LabSettings): string[] {
  const conflicts: string[] = [];
  const show = (value: number | string | null): string => (value === null ? '/' : String(value));
  const check = (
    flag: string,
    asked: number | string | null | undefined,
    has: number | string | null,
  ): void => {
    if (asked !== undefined && asked !== has) {
      conflicts.push(`${flag} ${show(asked)} (the lab has ${show(has)})`);
    }
  };
  check('--zookeepers', requested.zookeepers, recorded.zookeepers);
  check('--brokers', requested.brokers, recorded.brokers);
  check('--base-port', requested.basePort, recorded.basePort);
  check('--zookeeper-base-port', requested.zookeeperBasePort, recorded.zookeeperBasePort);
  if (requested.chroot !== undefined) {
    check('--chroot', normaliseChroot(requested.chroot), recorded.chroot);
  }
  return conflicts;
}

/** The brokers of a lab in `labDir`, ids 1..N. */
export function labBrokers(settings: LabSettings, labDir: string): LabBroker[] {
  return brokerPortRange(settings).map((port, i) => ({
    id: i + 1,
    host: BROKER_HOST,
    port,
    dir: brokerDir(labDir, i + 1),
  }));
}

/** The replication factor of new topics and of __consumer_offsets: 3, or fewer brokers. */
export function replicationFactor(settings: Pick<LabSettings, 'brokers'>): number {
  return Math.min(3, settings.brokers);
}

/** The brokers' zookeeper.connect: the ensemble's connect string plus the chroot. */
export function brokerZookeeperConnect(ensembleConnect: string, chroot: string | null): string {
  return chroot === null ? ensembleConnect : `${ensembleConnect}${chroot}`;
}
