import path from 'node:path';
import {
  brokerZookeeperConnect,
  defaultLabDir,
  labBrokers,
  normaliseChroot,
  replicationFactor,
  resolveSettings,
  settingsConflicts,
} from '../../../ops/lab/settings';

describe('lab settings', () => {
  it('defaults to 3 ZooKeeper nodes from 2181, 3 brokers from 9092 and no chroot', () => {
    expect(resolveSettings({})).toEqual({
      zookeepers: 3,
      brokers: 3,
      basePort: 9092,
      zookeeperBasePort: 2181,
      chroot: null,
    });
  });

  it('gives broker i the id i, port BASE+i-1 on 127.0.0.1 and the folder broker-<i>', () => {
    const brokers = labBrokers(resolveSettings({ brokers: 4, basePort: 19092 }), '/labs/a');
    expect(brokers).toEqual(
      [1, 2, 3, 4].map((id) => ({
        id,
        host: '127.0.0.1',
        port: 19091 + id,
        dir: path.join('/labs/a', `broker-${id}`),
      })),
    );
  });

  it('rejects an even or unsupported ensemble size, naming the sizes allowed', () => {
    expect(() => resolveSettings({ zookeepers: 2 })).toThrow(
      'bad --zookeepers 2: a lab ensemble has 1, 3, 5 nodes',
    );
  });

  it.each([0, 10, 1.5])('rejects --brokers %p', (brokers) => {
    expect(() => resolveSettings({ brokers })).toThrow(`bad --brokers ${brokers}: 1 to 9`);
  });

  it('rejects broker ports beyond 65535', () => {
    expect(() => resolveSettings({ basePort: 65534, brokers: 3 })).toThrow(
      '--base-port gives broker port 65536 is outside 1-65535',
    );
  });

  it('rejects ZooKeeper ports whose election ports leave the port range', () => {
    expect(() => resolveSettings({ zookeeperBasePort: 64000 })).toThrow(/election port/);
  });

  it('rejects broker ports that collide with the ensemble quorum or election ports', () => {
    expect(() => resolveSettings({ basePort: 3182, zookeeperBasePort: 2181 })).toThrow(
      'broker port 3182 is also a ZooKeeper port',
    );
  });

  it('accepts an absolute chroot and treats / or empty as none', () => {
    expect(normaliseChroot('/samsa-lab')).toBe('/samsa-lab');
    expect(normaliseChroot('/a/b')).toBe('/a/b');
    expect(normaliseChroot('/')).toBeNull();
    expect(normaliseChroot('')).toBeNull();
    expect(normaliseChroot(undefined)).toBeNull();
  });

  it.each(['samsa', '/samsa/', '/a//b', '/a/../b', '/a b', '/a,b'])(
    'rejects the chroot %j',
    (chroot) => {
      expect(() => normaliseChroot(chroot)).toThrow(/bad --chroot/);
    },
  );

  it('appends the chroot to the ensemble connect string for the brokers', () => {
    expect(brokerZookeeperConnect('127.0.0.1:2181,127.0.0.1:2182', '/lab')).toBe(
      '127.0.0.1:2181,127.0.0.1:2182/lab',
    );
    expect(brokerZookeeperConnect('127.0.0.1:2181', null)).toBe('127.0.0.1:2181');
  });

  it('replicates 3 ways, or over every broker when there are fewer', () => {
    expect([1, 2, 3, 5].map((brokers) => replicationFactor({ brokers }))).toEqual([1, 2, 3, 3]);
  });

  it('finds no conflict when nothing or the same values are asked for', () => {
    const recorded = resolveSettings({ brokers: 2, chroot: '/x' });
    expect(settingsConflicts({}, recorded)).toEqual([]);
    expect(settingsConflicts({ brokers: 2, zookeepers: 3, chroot: '/x' }, recorded)).toEqual([]);
  });

  it('names every requested value that differs from the recorded lab', () => {
    const recorded = resolveSettings({});
    expect(settingsConflicts({ brokers: 5, basePort: 9192, chroot: '/lab' }, recorded)).toEqual([
      '--brokers 5 (the lab has 3)',
      '--base-port 9192 (the lab has 9092)',
      '--chroot /lab (the lab has /)',
    ]);
  });

  it('keeps the lab under $SAMSA_HOME when it is set', () => {
    const saved = process.env.SAMSA_HOME;
    process.env.SAMSA_HOME = '/srv/samsa';
    try {
      expect(defaultLabDir()).toBe(path.join('/srv/samsa', 'lab'));
    } finally {
      if (saved === undefined) delete process.env.SAMSA_HOME;
      else process.env.SAMSA_HOME = saved;
    }
  });
});
