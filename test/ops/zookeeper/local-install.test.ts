import fs from 'node:fs/promises';
import path from 'node:path';
import {
  jarsFromDebianPackage,
  jarsFromZkServerOnPath,
  jarsFromZookeeperHome,
} from '../../../ops/zookeeper/local-install';
import { tempDir, useHarness } from '../../harness';

useHarness();

async function touch(file: string, mode = 0o644): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '');
  await fs.chmod(file, mode);
}

/** An Apache binary release layout: bin/zkServer.sh, conf/, lib/*.jar. */
async function release(label: string): Promise<string> {
  const home = await tempDir(label);
  await touch(path.join(home, 'bin', 'zkServer.sh'), 0o755);
  await fs.mkdir(path.join(home, 'conf'));
  await touch(path.join(home, 'lib', 'zookeeper-3.8.4.jar'));
  await touch(path.join(home, 'lib', 'zookeeper-jute-3.8.4.jar'));
  await touch(path.join(home, 'lib', 'logback-classic-1.2.13.jar'));
  return home;
}

describe('local ZooKeeper installations', () => {
  it('takes conf/ and every jar of lib/ from ZOOKEEPER_HOME', async () => {
    const home = await release('zk-home');
    const found = await jarsFromZookeeperHome(home);
    expect(found).toEqual({
      source: 'ZOOKEEPER_HOME',
      location: home,
      classpath: [
        path.join(home, 'conf'),
        path.join(home, 'lib', 'logback-classic-1.2.13.jar'),
        path.join(home, 'lib', 'zookeeper-3.8.4.jar'),
        path.join(home, 'lib', 'zookeeper-jute-3.8.4.jar'),
      ],
    });
  });

  it('is an error when ZOOKEEPER_HOME is set but holds no ZooKeeper jar, and nothing when unset', async () => {
    const empty = await tempDir('zk-home-empty');
    await expect(jarsFromZookeeperHome(empty)).rejects.toThrow(/holds no ZooKeeper jars/);
    await expect(jarsFromZookeeperHome('')).resolves.toBeUndefined();
  });

  it('finds the release that zkServer.sh on the PATH belongs to', async () => {
    const home = await release('zk-path');
    const found = await jarsFromZkServerOnPath(['/nonexistent', path.join(home, 'bin')].join(':'));
    expect(found).toMatchObject({ source: 'zkServer.sh', location: home });
    await expect(jarsFromZkServerOnPath('/nonexistent')).resolves.toBeUndefined();
  });

  it('uses the Debian package jar plus slf4j-simple when it is there', async () => {
    const dir = await tempDir('java');
    await expect(jarsFromDebianPackage(dir)).resolves.toBeUndefined();
    await touch(path.join(dir, 'zookeeper.jar'));
    await expect(jarsFromDebianPackage(dir)).resolves.toMatchObject({
      classpath: [path.join(dir, 'zookeeper.jar')],
    });
    await touch(path.join(dir, 'slf4j-simple.jar'));
    await expect(jarsFromDebianPackage(dir)).resolves.toEqual({
      source: 'debian-package',
      location: dir,
      classpath: [path.join(dir, 'zookeeper.jar'), path.join(dir, 'slf4j-simple.jar')],
    });
  });
});
