import { ConfigError } from '../../../broker/config/config-error';
import { parseZookeeperConnect } from '../../../broker/config/zookeeper-connect';

describe('parseZookeeperConnect', () => {
  test('one server, no chroot', () => {
    expect(parseZookeeperConnect('127.0.0.1:2181')).toEqual({
      servers: [{ host: '127.0.0.1', port: 2181 }],
      chroot: null,
      serversString: '127.0.0.1:2181',
    });
  });

  test('several servers, a default port, and a chroot after the last one', () => {
    expect(parseZookeeperConnect(' zk1:2181, zk2:2182,zk3/kafka/prod ')).toEqual({
      servers: [
        { host: 'zk1', port: 2181 },
        { host: 'zk2', port: 2182 },
        { host: 'zk3', port: 2181 },
      ],
      chroot: '/kafka/prod',
      serversString: 'zk1:2181,zk2:2182,zk3:2181',
    });
  });

  test('IPv6 servers in brackets, with or without a port', () => {
    const zk = parseZookeeperConnect('[::1]:2182,[fe80::2]/samsa');
    expect(zk.servers).toEqual([
      { host: '::1', port: 2182 },
      { host: 'fe80::2', port: 2181 },
    ]);
    expect(zk.serversString).toBe('[::1]:2182,[fe80::2]:2181');
    expect(zk.chroot).toBe('/samsa');
  });

  test('a chroot of / means the root', () => {
    expect(parseZookeeperConnect('zk:2181/').chroot).toBeNull();
  });

  test.each([
    ['', 'No ZooKeeper server given'],
    ['/kafka', 'No ZooKeeper server given'],
    ['zk:2181/kafka/', 'Invalid chroot path /kafka/: must not end with /'],
    ['zk:2181//kafka', 'Invalid chroot path //kafka: empty node name'],
    ['zk:2181/a/../b', 'Invalid chroot path /a/../b: relative paths are not allowed'],
    ['zk:2181/a/./b', 'Invalid chroot path /a/./b: relative paths are not allowed'],
    ['zk:2181/a\u0001', 'contains a character ZooKeeper does not allow'],
    ['zk:abc', 'Bad port abc in zk:abc'],
    ['zk:0', 'Bad port 0 in zk:0'],
    ['zk:65536', 'Bad port 65536 in zk:65536'],
    ['zk:2181:1', 'zk:2181:1 is not host:port (put an IPv6 host in brackets)'],
    ['::1:2181', 'is not host:port (put an IPv6 host in brackets)'],
    ['zk:2181,', 'Empty server entry'],
    [':2181', "Invalid host '' in :2181"],
    ['z k:2181', "Invalid host 'z k' in z k:2181"],
    ['[::1:2181', 'Missing ] in [::1:2181'],
    ['[zk]:2181', '[zk] is not an IPv6 address'],
    ['[::1]x', 'Unexpected text after ] in [::1]x'],
  ])('%j is rejected: %s', (value, reason) => {
    let error: unknown;
    try {
      parseZookeeperConnect(value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message.startsWith(`Invalid value `)).toBe(true);
    expect(message).toContain(' for configuration zookeeper.connect: ');
    expect(message).toContain(reason);
    expect((error as ConfigError).configName).toBe('zookeeper.connect');
  });

  test('the whole message, as server-start prints it', () => {
    expect(() => parseZookeeperConnect('zk:2181/kafka/')).toThrow(
      'Invalid value zk:2181/kafka/ for configuration zookeeper.connect: Invalid chroot path ' +
        '/kafka/: must not end with /',
    );
  });
});
