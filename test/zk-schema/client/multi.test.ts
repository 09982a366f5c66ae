import zookeeper from 'node-zookeeper-client';
import { digestAcl } from '../../../zk-schema/client/acl';
import { ZkError } from '../../../zk-schema/client/errors';
import {
  fillTransaction,
  multiFailure,
  multiResults,
  Op,
  validateOps,
  ZkOp,
} from '../../../zk-schema/client/multi';

/** A library Transaction; createClient opens no socket until connect(). */
function transaction(): zookeeper.Transaction {
  return zookeeper.createClient('127.0.0.1:1').transaction();
}

function queued(tx: zookeeper.Transaction): Array<Record<string, unknown>> {
  return (tx as unknown as { ops: Array<Record<string, unknown>> }).ops;
}

describe('fillTransaction', () => {
  it('sends expected version 0 as 0 for check, setData and delete (the library alone sends -1)', () => {
    const bare = transaction().check('/e', 0).setData('/e', Buffer.from('x'), 0).remove('/e', 0);
    expect(queued(bare).map((op) => op.version)).toEqual([-1, -1, -1]);

    const tx = transaction();
    fillTransaction(tx, [
      Op.check('/e', 0),
      Op.setData('/e', Buffer.from('x'), 0),
      Op.delete('/e', 0),
    ]);
    expect(queued(tx).map((op) => op.version)).toEqual([0, 0, 0]);
  });

  it('keeps other versions and queues creates with their mode, data and ACL', () => {
    const tx = transaction();
    fillTransaction(tx, [
      Op.create('/a', null, { mode: 'ephemeral_sequential', acl: [digestAcl('u', 'p')] }),
      Op.create('/b', Buffer.from('d')),
      Op.check('/c', 7),
      Op.delete('/d'),
    ]);
    const ops = queued(tx);
    expect(ops[0]).toMatchObject({ path: '/a', mode: 3, data: undefined });
    expect((ops[0].acls as Array<{ id: { scheme: string } }>)[0].id.scheme).toBe('digest');
    expect(ops[1]).toMatchObject({ path: '/b', mode: 0, data: Buffer.from('d') });
    expect(ops[2]).toMatchObject({ path: '/c', version: 7 });
    expect(ops[3]).toMatchObject({ path: '/d', version: -1 });
  });
});

describe('validateOps', () => {
  it.each<[ZkOp, string]>([
    [Op.check('relative', 0), 'must start with /'],
    [Op.check('/a', -2), 'expected version'],
    [Op.delete('/a', 1.5), 'expected version'],
    [Op.setData('/a', Buffer.alloc(1024 * 1024 + 1)), 'more than'],
    [
      { type: 'create', path: '/a', data: null, mode: 'bogus' as never, acl: [] },
      'unknown create mode',
    ],
    [Op.create('/a', null, { acl: [] }), 'at least one entry'],
  ])('rejects %j naming the op index', (op, text) => {
    let caught: unknown;
    try {
      validateOps([Op.check('/ok', 1), op]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ZkError);
    expect((caught as ZkError).opIndex).toBe(1);
    expect((caught as ZkError).message).toContain('(multi op 1)');
    expect((caught as ZkError).message).toContain(text);
  });
});

describe('multi replies', () => {
  const ops = [Op.check('/epoch', 0), Op.setData('/state', Buffer.from('s'), 3), Op.delete('/x')];

  it('names the failing op: OK before it, RUNTIME_INCONSISTENCY after it', () => {
    const failure = multiFailure(ops, [
      { type: -1, err: 0 },
      { type: -1, err: -103 },
      { type: -1, err: -2 },
    ]);
    expect(failure).toBeInstanceOf(ZkError);
    expect(failure?.code).toBe('BAD_VERSION');
    expect(failure?.opIndex).toBe(1);
    expect(failure?.path).toBe('/state');
    expect(failure?.message).toBe(
      'BAD_VERSION /state (multi op 1): setData version 3 failed; nothing was changed',
    );
    expect(multiFailure(ops, [{ type: 13 }, { type: 5 }, { type: 2 }])).toBeNull();
  });

  it('maps results onto the ops', () => {
    const long = Buffer.alloc(8);
    const stat = {
      czxid: long,
      mzxid: long,
      pzxid: long,
      ctime: long,
      mtime: long,
      version: 4,
      cversion: 0,
      aversion: 0,
      ephemeralOwner: long,
      dataLength: 1,
      numChildren: 0,
    };
    const results = multiResults(
      [Op.create('/n', null, { mode: 'persistent_sequential' }), ...ops],
      [{ type: 1, path: '/n0000000001' }, { type: 13 }, { type: 5, stat }, { type: 2 }],
    );
    expect(results[0]).toEqual({ type: 'create', path: '/n0000000001' });
    expect(results[1]).toEqual({ type: 'check' });
    expect(results[2]).toMatchObject({ type: 'setData', stat: { version: 4, czxid: 0n } });
    expect(results[3]).toEqual({ type: 'delete' });
    expect(() => multiResults(ops, [])).toThrow('multi of 3 ops answered with 0 results');
  });
});
