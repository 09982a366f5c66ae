import {
  digestAcl,
  digestAclId,
  fromLibraryAcl,
  Perms,
  toLibraryAcl,
} from '../../../zk-schema/client/acl';
import { fromLibraryError, ZkError, zkErrorName } from '../../../zk-schema/client/errors';
import { formatSessionId, toStat } from '../../../zk-schema/client/stat';
import zookeeper from 'node-zookeeper-client';

function long(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(value);
  return b;
}

describe('toStat', () => {
  it('keeps 64-bit zxids exact as bigint and formats the ephemeral owner like ZooKeeper', () => {
    const czxid = (7n << 32n) | 0xfffffffen; // leader epoch 7: far above 2^53 once shifted
    const stat = toStat({
      czxid: long(czxid),
      mzxid: long(czxid + 1n),
      pzxid: long(czxid + 2n),
      ctime: long(1_700_000_000_123n),
      mtime: long(1_700_000_000_456n),
      version: 1,
      cversion: 2,
      aversion: 0,
      ephemeralOwner: long(0x1000a6c7d2e0003n),
      dataLength: 42,
      numChildren: 3,
    });
    expect(stat).toEqual({
      czxid,
      mzxid: czxid + 1n,
      pzxid: czxid + 2n,
      ctime: 1_700_000_000_123,
      mtime: 1_700_000_000_456,
      version: 1,
      cversion: 2,
      aversion: 0,
      ephemeralOwner: '0x1000a6c7d2e0003',
      dataLength: 42,
      numChildren: 3,
    });
  });

  it('gives a persistent node no owner, and formats session ids with the sign bit set', () => {
    expect(formatSessionId(long(0n))).toBeNull();
    expect(formatSessionId(long(-1n))).toBe('0xffffffffffffffff');
    expect(formatSessionId(0x100n)).toBe('0x100');
  });

  it('rejects a malformed long field', () => {
    expect(() =>
      toStat({
        czxid: Buffer.alloc(4),
        mzxid: long(0n),
        pzxid: long(0n),
        ctime: long(0n),
        mtime: long(0n),
        version: 0,
        cversion: 0,
        aversion: 0,
        ephemeralOwner: long(0n),
        dataLength: 0,
        numChildren: 0,
      }),
    ).toThrow('Stat.czxid must be an 8-byte buffer');
  });
});

describe('ACLs', () => {
  it('computes digest ids as ZooKeeper does (value from DigestAuthenticationProvider)', () => {
    expect(digestAclId('kafka', 'secret')).toBe('kafka:cHI0nVZW0ogIqS6kVPfrpKU0GoU=');
    expect(digestAcl('kafka', 'secret', Perms.READ)).toEqual({
      perms: 1,
      scheme: 'digest',
      id: 'kafka:cHI0nVZW0ogIqS6kVPfrpKU0GoU=',
    });
  });

  it('round-trips through the library ACL objects', () => {
    const acl = [digestAcl('a', 'b'), { perms: Perms.READ, scheme: 'world', id: 'anyone' }];
    expect(fromLibraryAcl(toLibraryAcl(acl))).toEqual(acl);
  });

  it.each([
    [[]],
    [[{ perms: 0, scheme: 'world', id: 'anyone' }]],
    [[{ perms: 1, scheme: '', id: 'x' }]],
  ])('rejects an invalid ACL %j with INVALID_ACL', (acl) => {
    expect(() => toLibraryAcl(acl)).toThrow(ZkError);
    expect(() => toLibraryAcl(acl)).toThrow(/^INVALID_ACL/);
  });
});

describe('ZkError', () => {
  it('names the code, path and op, and marks connection loss retriable', () => {
    const lost = new ZkError('CONNECTION_LOSS', { path: '/a', outcomeUnknown: true });
    expect(lost.retriable).toBe(true);
    expect(lost.message).toBe('CONNECTION_LOSS /a (outcome unknown: re-read to check)');
    const bad = new ZkError('BAD_VERSION', { path: '/e', opIndex: 0, detail: 'x' });
    expect(bad.retriable).toBe(false);
    expect(bad.message).toBe('BAD_VERSION /e (multi op 0): x');
    expect(new ZkError('CLIENT_CLOSED').retriable).toBe(false);
    expect(new ZkError('OPERATION_TIMEOUT').retriable).toBe(true);
  });

  it('converts the library exceptions by their numeric code', () => {
    // The library's factory is not in its type declarations.
    const exceptions = zookeeper.Exception as unknown as {
      create(code: number, path?: string): unknown;
    };
    const libraryError = exceptions.create(zookeeper.Exception.NO_NODE, '/x');
    const converted = fromLibraryError(libraryError, { path: '/x' });
    expect(converted.code).toBe('NO_NODE');
    expect(converted.path).toBe('/x');
    expect(fromLibraryError(new Error('boom')).code).toBe('SYSTEM_ERROR');
    expect(zkErrorName(-110)).toBe('NODE_EXISTS');
    expect(zkErrorName(-9999)).toBeUndefined();
  });
});
