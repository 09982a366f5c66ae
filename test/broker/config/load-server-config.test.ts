import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../broker/config/config-error';
import { loadServerConfig } from '../../../broker/config/load-server-config';

describe('loadServerConfig', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samsa-config-'));
    file = join(dir, 'server.properties');
    await writeFile(
      file,
      [
        '# test broker',
        'broker.id=1',
        'zookeeper.connect=127.0.0.1:2181/samsa',
        'listeners=PLAINTEXT://127.0.0.1:0',
        'log.dirs=/tmp/a,\\',
        '         /tmp/b',
        'log.preallocate=true',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads the file and applies --override arguments on top', async () => {
    const config = await loadServerConfig(file, ['broker.id=7', 'num.partitions=4']);
    expect(config.brokerId).toBe(7);
    expect(config.numPartitions).toBe(4);
    expect(config.logDirs).toEqual(['/tmp/a', '/tmp/b']);
    expect(config.zookeeperConnect.chroot).toBe('/samsa');
    expect(config.warnings).toEqual([
      "The configuration 'log.preallocate' was supplied but isn't a known config.",
    ]);
  });

  test('a file that cannot be read is a one-line ConfigError naming it', async () => {
    const missing = join(dir, 'missing.properties');
    await expect(loadServerConfig(missing)).rejects.toThrow(ConfigError);
    await expect(loadServerConfig(missing)).rejects.toThrow(
      new RegExp(`^Cannot read configuration file ${missing}: ENOENT`),
    );
  });

  test('a malformed override or a bad value is a ConfigError', async () => {
    await expect(loadServerConfig(file, ['broker.id'])).rejects.toThrow(
      "Invalid --override argument 'broker.id': expected key=value",
    );
    await expect(loadServerConfig(file, ['num.partitions=many'])).rejects.toThrow(
      'Invalid value many for configuration num.partitions: Not a number of type INT',
    );
  });
});
