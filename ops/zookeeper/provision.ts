/**
 * Installing ZooKeeper when nothing else is available: on Debian or Ubuntu, as root, the
 * `zookeeper` package (ZooKeeper 3.8 on Debian 12; it brings a Java runtime and installs no
 * service) with apt-get, announcing it first. This is the launcher's last resort and what
 * `samsa zookeeper install` and CI run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import { SamsaError } from '../../client/errors';
import { onPath } from './local-install';

/** Why this machine cannot install the package itself, or undefined when it can. */
export async function whyCannotInstall(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `this is ${process.platform}, not Debian/Ubuntu`;
  let release = '';
  try {
    release = await fs.readFile('/etc/os-release', 'utf8');
  } catch {
    return 'no /etc/os-release: not Debian/Ubuntu';
  }
  const ids = [...release.matchAll(/^(?:ID|ID_LIKE)="?([^"\n]*)"?$/gm)].flatMap((m) =>
    m[1].split(/\s+/),
  );
  if (!ids.includes('debian') && !ids.includes('ubuntu')) return 'not Debian/Ubuntu';
  if (process.getuid?.() !== 0) return 'installing the zookeeper package needs root';
  if ((await onPath('apt-get')) === undefined) return 'apt-get is not on the PATH';
  return undefined;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // apt-get's output goes to our stderr: stdout belongs to the command's own output.
    const child = spawn(command, args, {
      stdio: ['ignore', 2, 2],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(new SamsaError(`'${command} ${args.join(' ')}' failed with ${how}`));
      }
    });
  });
}

/**
 * Installs the Debian/Ubuntu `zookeeper` package with apt-get, saying so through `notice`.
 * Throws a one-line error when this machine cannot do it (not Debian/Ubuntu, not root).
 */
export async function provisionZooKeeper(
  notice: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  const why = await whyCannotInstall();
  if (why !== undefined) throw new SamsaError(`cannot install ZooKeeper here: ${why}`);
  notice(
    'samsa: ZooKeeper not found; installing the Debian/Ubuntu "zookeeper" package with apt-get (running as root)',
  );
  await run('apt-get', ['update']);
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'zookeeper']);
}
