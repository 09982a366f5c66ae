import {
  FindProbes,
  findZooKeeper,
  ensureLocalZooKeeper,
  NOT_FOUND_MESSAGE,
} from '../../../ops/zookeeper/find';
import { LocalJars } from '../../../ops/zookeeper/local-install';

/** Probes that find nothing, record every call, and install nothing unless told. */
function probes(overrides: Partial<FindProbes> = {}): { probes: FindProbes; calls: string[] } {
  const calls: string[] = [];
  const base: FindProbes = {
    connectString: () => {
      calls.push('connectString');
      return undefined;
    },
    zookeeperHome: async () => {
      calls.push('zookeeperHome');
      return undefined;
    },
    zkServerOnPath: async () => {
      calls.push('zkServerOnPath');
      return undefined;
    },
    debianPackage: async () => {
      calls.push('debianPackage');
      return undefined;
    },
    java: async () => '/usr/bin/java',
    docker: async () => {
      calls.push('docker');
      return false;
    },
    whyCannotInstall: async () => 'installing the zookeeper package needs root',
    install: async () => {
      calls.push('install');
    },
  };
  const wrapped = Object.fromEntries(
    Object.entries(overrides).map(([name, probe]) => [
      name,
      (...args: unknown[]) => {
        calls.push(name);
        return (probe as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as Partial<FindProbes>;
  return { probes: { ...base, ...wrapped }, calls };
}

const jars = (source: LocalJars['source']): LocalJars => ({
  source,
  location: `/from/${source}`,
  classpath: [`/from/${source}/zookeeper.jar`],
});

describe('finding ZooKeeper', () => {
  it('uses SAMSA_ZK_CONNECT before anything else', async () => {
    const { probes: p, calls } = probes({
      connectString: () => 'zk1:2181/x',
      debianPackage: async () => jars('debian-package'),
    });
    await expect(findZooKeeper({ probes: p })).resolves.toEqual({
      kind: 'external',
      connectString: 'zk1:2181/x',
    });
    expect(calls).toEqual(['connectString']);
  });

  it('prefers ZOOKEEPER_HOME, then zkServer.sh on the PATH, then the Debian package', async () => {
    const all = probes({
      zookeeperHome: async () => jars('ZOOKEEPER_HOME'),
      zkServerOnPath: async () => jars('zkServer.sh'),
      debianPackage: async () => jars('debian-package'),
    });
    await expect(findZooKeeper({ probes: all.probes })).resolves.toMatchObject({
      kind: 'local',
      source: 'ZOOKEEPER_HOME',
      java: '/usr/bin/java',
    });
    const path = probes({
      zkServerOnPath: async () => jars('zkServer.sh'),
      debianPackage: async () => jars('debian-package'),
    });
    await expect(findZooKeeper({ probes: path.probes })).resolves.toMatchObject({
      source: 'zkServer.sh',
    });
    const debian = probes({ debianPackage: async () => jars('debian-package') });
    await expect(findZooKeeper({ probes: debian.probes })).resolves.toMatchObject({
      source: 'debian-package',
    });
    expect(debian.calls).toEqual([
      'connectString',
      'zookeeperHome',
      'zkServerOnPath',
      'debianPackage',
    ]);
  });

  it('turns to Docker only when there is no local installation', async () => {
    const { probes: p, calls } = probes({ docker: async () => true });
    await expect(findZooKeeper({ probes: p })).resolves.toEqual({
      kind: 'docker',
      image: 'zookeeper:3.8',
    });
    expect(calls).toEqual([
      'connectString',
      'zookeeperHome',
      'zkServerOnPath',
      'debianPackage',
      'docker',
    ]);
  });

  it('installs the package as the last resort when it can, with a notice, then uses it', async () => {
    let installed = false;
    const notices: string[] = [];
    const { probes: p, calls } = probes({
      whyCannotInstall: async () => undefined,
      install: async (notice) => {
        notice('installing');
        installed = true;
      },
      debianPackage: async () => (installed ? jars('debian-package') : undefined),
    });
    await expect(
      findZooKeeper({ probes: p, notice: (line) => notices.push(line) }),
    ).resolves.toMatchObject({ kind: 'local', source: 'debian-package' });
    expect(calls).toEqual([
      'connectString',
      'zookeeperHome',
      'zkServerOnPath',
      'debianPackage',
      'docker',
      'whyCannotInstall',
      'install',
      'zookeeperHome',
      'zkServerOnPath',
      'debianPackage',
    ]);
    expect(notices).toEqual(['installing']);
  });

  it('fails with one message naming every option when nothing is found or installable', async () => {
    const { probes: p, calls } = probes();
    await expect(findZooKeeper({ probes: p })).rejects.toThrow(NOT_FOUND_MESSAGE);
    expect(calls).not.toContain('install');
    for (const option of [
      'SAMSA_ZK_CONNECT',
      'ZOOKEEPER_HOME',
      'zkServer.sh',
      'apt-get install zookeeper',
      'Docker',
    ]) {
      expect(NOT_FOUND_MESSAGE).toContain(option);
    }
    expect(NOT_FOUND_MESSAGE).not.toContain('\n');
  });

  it('says Java is missing when ZooKeeper jars are found without it', async () => {
    const { probes: p } = probes({
      debianPackage: async () => jars('debian-package'),
      java: async () => undefined,
    });
    await expect(findZooKeeper({ probes: p })).rejects.toThrow(/no Java runtime/);
  });

  it('ensureLocalZooKeeper ignores SAMSA_ZK_CONNECT and Docker, and says why it cannot install', async () => {
    const { probes: p, calls } = probes({
      connectString: () => 'zk:2181',
      docker: async () => true,
    });
    await expect(ensureLocalZooKeeper({ probes: p })).rejects.toThrow(
      /cannot install ZooKeeper here \(installing the zookeeper package needs root\)/,
    );
    expect(calls).not.toContain('connectString');
    expect(calls).not.toContain('docker');
  });
});
