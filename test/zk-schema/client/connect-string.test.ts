import { parseConnectString } from '../../../zk-schema/client/connect-string';
import { ZkError } from '../../../zk-schema/client/errors';
import { ZkClient } from '../../../zk-schema/client/zk-client';
import {
  ancestors,
  childPath,
  parentPath,
  pathProblem,
} from '../../../zk-schema/client/znode-path';

describe('parseConnectString', () => {
  it('splits servers and chroot, defaulting the port to 2181', () => {
    expect(parseConnectString('zk1:2181,zk2,10.0.0.3:2182/samsa/test')).toEqual({
      servers: [
        { host: 'zk1', port: 2181 },
        { host: 'zk2', port: 2181 },
        { host: '10.0.0.3', port: 2182 },
      ],
      serversString: 'zk1:2181,zk2:2181,10.0.0.3:2182',
      chroot: '/samsa/test',
    });
  });

  it('treats a missing chroot and a lone slash as no chroot', () => {
    expect(parseConnectString('127.0.0.1:2181').chroot).toBeNull();
    expect(parseConnectString('127.0.0.1:2181/').chroot).toBeNull();
  });

  it.each([
    ['', 'must name at least one host:port'],
    ['/chroot', 'must name at least one host:port'],
    ['zk1:abc', 'bad port "abc"'],
    ['zk1:70000', 'bad port "70000"'],
    [':2181', 'has no host'],
    ['zk1:2181/a/', 'must not end with /'],
    ['zk1:2181/a//b', 'empty node name'],
    ['[::1]:2181', 'IPv6'],
  ])('rejects %j with a one-line BAD_ARGUMENTS error', (input, message) => {
    let caught: unknown;
    try {
      parseConnectString(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ZkError);
    expect((caught as ZkError).code).toBe('BAD_ARGUMENTS');
    expect((caught as ZkError).message).toContain(message);
    expect((caught as ZkError).message).not.toContain('\n');
  });
});

describe('znode paths', () => {
  it.each(['/', '/a', '/brokers/ids/1', '/a.b/c-d/_e'])('accepts %s', (path) => {
    expect(pathProblem(path)).toBeNull();
  });

  it.each(['', 'a', '/a/', '//a', '/a/./b', '/a/..', '/a\u0000b'])('rejects %j', (path) => {
    expect(pathProblem(path)).not.toBeNull();
  });

  it('computes parents, ancestors and child paths', () => {
    expect(parentPath('/')).toBeNull();
    expect(parentPath('/a')).toBe('/');
    expect(parentPath('/a/b/c')).toBe('/a/b');
    expect(ancestors('/a/b/c')).toEqual(['/a', '/a/b']);
    expect(ancestors('/a')).toEqual([]);
    expect(childPath('/', 'a')).toBe('/a');
    expect(childPath('/a', 'b')).toBe('/a/b');
  });
});

describe('ZkClient.connect argument checks', () => {
  it.each([
    ['127.0.0.1:2181', { sessionTimeoutMs: 0 }, 'sessionTimeoutMs must be a positive number'],
    ['127.0.0.1:2181', { connectTimeoutMs: Number.NaN }, 'connectTimeoutMs must be a positive'],
    ['127.0.0.1:2181', { retries: -1 }, 'retries must be a non-negative integer'],
    ['127.0.0.1:2181', { auth: [{ scheme: '', credentials: 'x' }] }, 'auth entries need a scheme'],
    ['127.0.0.1:2181/bad/', {}, 'must not end with /'],
  ])('rejects %s %j before connecting', async (connect, options, message) => {
    await expect(ZkClient.connect(connect, options)).rejects.toThrow(message);
    await expect(ZkClient.connect(connect, options)).rejects.toMatchObject({
      code: 'BAD_ARGUMENTS',
    });
  });
});
