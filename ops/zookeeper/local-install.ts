/**
 * Finding a local ZooKeeper installation and a Java runtime to run it, without starting anything:
 * - `ZOOKEEPER_HOME`: an Apache binary release (`lib/*.jar`, `conf/` with its logging config);
 * - `zkServer.sh` on the PATH: the release it belongs to (its parent folder);
 * - the Debian/Ubuntu `zookeeper` package: `/usr/share/java/zookeeper.jar`, whose manifest names
 *   its dependencies, plus `slf4j-simple.jar` so the server's log goes to its stderr.
 * Java is `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` on the PATH.
 */
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { SamsaError } from '../../client/errors';

export type LocalSource = 'ZOOKEEPER_HOME' | 'zkServer.sh' | 'debian-package';

/** ZooKeeper's jars (and config folders) found on this machine. */
export interface LocalJars {
  source: LocalSource;
  /** Where it was found, for messages. */
  location: string;
  classpath: string[];
}

export const DEBIAN_JAVA_DIR = '/usr/share/java';

async function exists(file: string, mode = constants.F_OK): Promise<boolean> {
  try {
    await fs.access(file, mode);
    return true;
  } catch {
    return false;
  }
}

async function jarsIn(dir: string): Promise<string[]> {
  try {
    const names = await fs.readdir(dir);
    return names
      .filter((n) => n.endsWith('.jar'))
      .sort()
      .map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}

/** The classpath of an Apache release in `home`, or undefined when it holds no ZooKeeper jar. */
async function releaseClasspath(home: string): Promise<string[] | undefined> {
  const jars = [...(await jarsIn(path.join(home, 'lib'))), ...(await jarsIn(home))];
  if (!jars.some((j) => /zookeeper-[\d.]+.*\.jar$|zookeeper\.jar$/.test(path.basename(j)))) {
    return undefined;
  }
  const conf = path.join(home, 'conf');
  return (await exists(conf)) ? [conf, ...jars] : jars;
}

/** `$ZOOKEEPER_HOME`; when it is set but holds no ZooKeeper jars, that is an error. */
export async function jarsFromZookeeperHome(
  home = process.env.ZOOKEEPER_HOME,
): Promise<LocalJars | undefined> {
  if (home === undefined || home === '') return undefined;
  const classpath = await releaseClasspath(home);
  if (classpath === undefined) {
    throw new SamsaError(
      `ZOOKEEPER_HOME=${home} holds no ZooKeeper jars (looked in ${path.join(home, 'lib')} and ${home})`,
    );
  }
  return { source: 'ZOOKEEPER_HOME', location: home, classpath };
}

/** The first executable named `name` on the PATH. */
export async function onPath(
  name: string,
  searchPath = process.env.PATH ?? '',
): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (await exists(candidate, constants.X_OK)) return candidate;
  }
  return undefined;
}

/** The release that `zkServer.sh` on the PATH belongs to. */
export async function jarsFromZkServerOnPath(
  searchPath = process.env.PATH ?? '',
): Promise<LocalJars | undefined> {
  const script = await onPath('zkServer.sh', searchPath);
  if (script === undefined) return undefined;
  const home = path.dirname(path.dirname(await fs.realpath(script)));
  const classpath = await releaseClasspath(home);
  return classpath === undefined ? undefined : { source: 'zkServer.sh', location: home, classpath };
}

/** The jars of the Debian/Ubuntu `zookeeper` package. */
export async function jarsFromDebianPackage(dir = DEBIAN_JAVA_DIR): Promise<LocalJars | undefined> {
  const main = path.join(dir, 'zookeeper.jar');
  if (!(await exists(main))) return undefined;
  const classpath = [main];
  const binding = path.join(dir, 'slf4j-simple.jar');
  if (await exists(binding)) classpath.push(binding);
  return { source: 'debian-package', location: dir, classpath };
}

/** The `java` to run ZooKeeper with, or undefined when there is none. */
export async function findJava(): Promise<string | undefined> {
  const javaHome = process.env.JAVA_HOME;
  if (javaHome !== undefined && javaHome !== '') {
    const java = path.join(javaHome, 'bin', 'java');
    if (await exists(java, constants.X_OK)) return java;
  }
  return onPath('java');
}
