/**
 * Where samsa's ZooKeeper comes from, in DESIGN.md's order:
 *   1. an ensemble named by SAMSA_ZK_CONNECT (nothing is launched);
 *   2. a local installation: ZOOKEEPER_HOME, zkServer.sh on the PATH, or the jars of the
 *      Debian/Ubuntu `zookeeper` package (needs Java);
 *   3. a reachable Docker engine, through testcontainers (image zookeeper:3.8);
 *   4. on Debian/Ubuntu as root, installing the `zookeeper` package with apt-get (with a notice),
 *      then using it as in 2.
 * Otherwise one error naming these options. Every probe can be replaced, for tests.
 */
import { SamsaError } from '../../client/errors';
import { dockerReachable, DOCKER_IMAGE } from './docker-nodes';
import {
  findJava,
  jarsFromDebianPackage,
  jarsFromZkServerOnPath,
  jarsFromZookeeperHome,
  LocalJars,
} from './local-install';
import { provisionZooKeeper, whyCannotInstall } from './provision';

export type LocalInstallation = { kind: 'local'; java: string } & LocalJars;

/** ZooKeeper that samsa can launch nodes of. */
export type LaunchableZooKeeper = LocalInstallation | { kind: 'docker'; image: string };

export type ZooKeeperInstallation =
  { kind: 'external'; connectString: string } | LaunchableZooKeeper;

export interface FindProbes {
  /** SAMSA_ZK_CONNECT, when set. */
  connectString(): string | undefined;
  zookeeperHome(): Promise<LocalJars | undefined>;
  zkServerOnPath(): Promise<LocalJars | undefined>;
  debianPackage(): Promise<LocalJars | undefined>;
  java(): Promise<string | undefined>;
  docker(): Promise<boolean>;
  /** undefined when this machine can install the package, else why not. */
  whyCannotInstall(): Promise<string | undefined>;
  install(notice: (line: string) => void): Promise<void>;
}

export const defaultProbes: FindProbes = {
  connectString: () => process.env.SAMSA_ZK_CONNECT || undefined,
  zookeeperHome: () => jarsFromZookeeperHome(),
  zkServerOnPath: () => jarsFromZkServerOnPath(),
  debianPackage: () => jarsFromDebianPackage(),
  java: findJava,
  docker: dockerReachable,
  whyCannotInstall,
  install: provisionZooKeeper,
};

export interface FindOptions {
  probes?: Partial<FindProbes>;
  /** Consider SAMSA_ZK_CONNECT (default true; findLaunchableZooKeeper never does). */
  external?: boolean;
  /** Consider Docker (default true). */
  docker?: boolean;
  /** Install the package as a last resort when possible (default true). */
  install?: boolean;
  notice?: (line: string) => void;
}

export const NOT_FOUND_MESSAGE =
  'no ZooKeeper found. Either set SAMSA_ZK_CONNECT=host:port,... to use a running ensemble; ' +
  'or install ZooKeeper 3.8 and Java locally (set ZOOKEEPER_HOME, put zkServer.sh on the PATH, ' +
  'or apt-get install zookeeper on Debian/Ubuntu); or start a Docker engine (samsa runs ' +
  `${DOCKER_IMAGE} through testcontainers); as root on Debian/Ubuntu, samsa zookeeper install ` +
  'installs the package';

async function localInstallation(probes: FindProbes): Promise<LocalInstallation | undefined> {
  const jars =
    (await probes.zookeeperHome()) ??
    (await probes.zkServerOnPath()) ??
    (await probes.debianPackage());
  if (jars === undefined) return undefined;
  const java = await probes.java();
  if (java === undefined) {
    throw new SamsaError(
      `ZooKeeper found (${jars.source}: ${jars.location}) but no Java runtime: install one (e.g. apt-get install default-jre-headless) or set JAVA_HOME`,
    );
  }
  return { kind: 'local', java, ...jars };
}

async function installAndFind(
  probes: FindProbes,
  notice: (line: string) => void,
): Promise<LocalInstallation> {
  await probes.install(notice);
  const installed = await localInstallation(probes);
  if (installed === undefined) {
    throw new SamsaError('the zookeeper package was installed but its jars were not found');
  }
  return installed;
}

function stderrNotice(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Finds ZooKeeper in the order above; throws one clear error when there is none. */
export async function findZooKeeper(options: FindOptions = {}): Promise<ZooKeeperInstallation> {
  if (options.external ?? true) {
    const connectString = { ...defaultProbes, ...options.probes }.connectString();
    if (connectString !== undefined) return { kind: 'external', connectString };
  }
  return findLaunchableZooKeeper(options);
}

/** Steps 2-4 of the order above: ZooKeeper that samsa can launch (SAMSA_ZK_CONNECT is not read). */
export async function findLaunchableZooKeeper(
  options: FindOptions = {},
): Promise<LaunchableZooKeeper> {
  const probes: FindProbes = { ...defaultProbes, ...options.probes };
  const local = await localInstallation(probes);
  if (local !== undefined) return local;
  if ((options.docker ?? true) && (await probes.docker())) {
    return { kind: 'docker', image: DOCKER_IMAGE };
  }
  if ((options.install ?? true) && (await probes.whyCannotInstall()) === undefined) {
    return installAndFind(probes, options.notice ?? stderrNotice);
  }
  throw new SamsaError(NOT_FOUND_MESSAGE);
}

/**
 * A local installation, installing the package when there is none and this machine can
 * (`samsa zookeeper install`, CI).
 */
export async function ensureLocalZooKeeper(
  options: Pick<FindOptions, 'probes' | 'notice'> = {},
): Promise<LocalInstallation> {
  const probes: FindProbes = { ...defaultProbes, ...options.probes };
  const found = await localInstallation(probes);
  if (found !== undefined) return found;
  const why = await probes.whyCannotInstall();
  if (why !== undefined) {
    throw new SamsaError(`cannot install ZooKeeper here (${why}); ${NOT_FOUND_MESSAGE}`);
  }
  return installAndFind(probes, options.notice ?? stderrNotice);
}
