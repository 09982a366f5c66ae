/**
 * ZkClient against a real ZooKeeper: every operation, and each node-zookeeper-client pitfall
 * the wrapper hides, with a check that the bare library really shows the pitfall.
 */
import { performance } from 'node:perf_hooks';
import zookeeper from 'node-zookeeper-client';
import {
  pauseNode,
  resumeNode,
  startEnsemble,
  startNode,
  stopEnsemble,
  stopNode,
} from '../../../ops/zookeeper';
import { chrootConnect, freePorts, onCleanup, tempDir, useHarness, waitFor } from '../../harness';
import {
  createCheckedEphemeral,
  CREATOR_ALL_ACL,
  digestAcl,
  EphemeralNodeExistsError,
  Op,
  parseConnectString,
  Perms,
  READ_ACL_UNSAFE,
  ZkClient,
  ZkClientEvents,
  ZkClientOptions,
  ZkError,
  ZkWatchEvent,
} from '../../../zk-schema/client';
import { ZkFaultProxy } from './zk-fault-proxy';

useHarness();

const SESSION_TIMEOUT_MS = 2000;
const clients: ZkClient[] = [];
const libraryClients: zookeeper.Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const c of libraryClients.splice(0)) c.close();
});

async function connect(connectString: string, options: ZkClientOptions = {}): Promise<ZkClient> {
  const client = await ZkClient.connect(connectString, {
    sessionTimeoutMs: SESSION_TIMEOUT_MS,
    connectTimeoutMs: 10000,
    ...options,
  });
  clients.push(client);
  return client;
}

/** Splits `<servers>/<chroot>`. */
function split(connectString: string): { servers: string; chroot: string } {
  const parsed = parseConnectString(connectString);
  return { servers: parsed.serversString, chroot: parsed.chroot as string };
}

/** A bare node-zookeeper-client client, connected. */
async function libraryClient(connectString: string): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: SESSION_TIMEOUT_MS });
  libraryClients.push(client);
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  return client;
}

/** The next `event` of `client`, or a rejection after `timeoutMs`. */
function nextEvent<K extends keyof ZkClientEvents>(
  client: ZkClient,
  event: K,
  timeoutMs: number,
): Promise<ZkClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener(event, listener as never);
      reject(new Error(`no '${String(event)}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: ZkClientEvents[K]): void => {
      clearTimeout(timer);
      resolve(args);
    };
    client.once(event, listener as never);
  });
}

async function errorOf(promise: Promise<unknown>): Promise<ZkError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ZkError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

/**
 * What `read` returns once it is truthy and does not throw. Another session's server may not
 * have applied a write yet: ZooKeeper orders each session's own view, not different sessions'.
 */
function eventually<T>(read: () => Promise<T>): Promise<NonNullable<T>> {
  return waitFor(read, { timeoutMs: 5000, what: 'a read to see the write' }) as Promise<
    NonNullable<T>
  >;
}

function recorder(): { events: ZkWatchEvent[]; watcher: (e: ZkWatchEvent) => void } {
  const events: ZkWatchEvent[] = [];
  return { events, watcher: (e) => events.push(e) };
}

describe('ZkClient against a real ensemble', () => {
  it('creates the chroot of its connect string, which the bare library does not', async () => {
    const connectString = chrootConnect('zk-client-chroot');
    const bare = await libraryClient(connectString);
    const bareError = await new Promise<unknown>((resolve) => bare.create('/x', (e) => resolve(e)));
    expect((bareError as { name?: string }).name).toBe('NO_NODE');

    const client = await connect(connectString);
    expect(client.chroot).toBe(split(connectString).chroot);
    expect(await client.create('/x', Buffer.from('in chroot'))).toBe('/x');
    const root = await connect(split(connectString).servers);
    const seen = await eventually(() => root.getData(`${split(connectString).chroot}/x`));
    expect(seen.data?.toString()).toBe('in chroot');
  });

  it('keeps two chroots apart', async () => {
    const a = await connect(chrootConnect('zk-client-apart'));
    const b = await connect(chrootConnect('zk-client-apart'));
    await a.create('/brokers/ids', null, { createParents: true });
    await a.create('/brokers/ids/1', Buffer.from('a'), { mode: 'ephemeral' });
    expect(await b.exists('/brokers')).toBeNull();
    expect((await a.getChildren('/')).children.sort()).toEqual(['brokers']);
    expect((await b.getChildren('/')).children).toEqual([]);
    await b.create('/brokers', Buffer.from('b'));
    expect((await a.getData('/brokers')).data).toBeNull();
    expect((await b.getData('/brokers')).data?.toString()).toBe('b');
  });

  it('creates, reads, sets and deletes znodes with expected versions', async () => {
    const client = await connect(chrootConnect('zk-client-ops'));
    const before = Date.now();
    expect(await client.create('/a/b/c', Buffer.from('v0'), { createParents: true })).toBe(
      '/a/b/c',
    );
    expect((await client.getData('/a')).data).toBeNull();

    const { data, stat } = await client.getData('/a/b/c');
    expect(data?.toString()).toBe('v0');
    expect(stat).toMatchObject({ version: 0, cversion: 0, numChildren: 0, dataLength: 2 });
    expect(stat.ephemeralOwner).toBeNull();
    expect(typeof stat.czxid).toBe('bigint');
    expect(stat.czxid > 0n).toBe(true);
    expect(stat.mzxid).toBe(stat.czxid);
    expect(stat.ctime).toBeGreaterThanOrEqual(before - 5000);
    expect(stat.ctime).toBeLessThanOrEqual(Date.now() + 5000);

    const set = await client.setData('/a/b/c', Buffer.from('v1'), 0);
    expect(set.version).toBe(1);
    expect(set.mzxid > stat.mzxid).toBe(true);
    const stale = await errorOf(client.setData('/a/b/c', Buffer.from('v2'), 0));
    expect(stale).toMatchObject({ code: 'BAD_VERSION', path: '/a/b/c', retriable: false });
    expect(stale.outcomeUnknown).toBe(false);
    expect((await client.setData('/a/b/c', Buffer.from('v2'))).version).toBe(2);

    expect(await client.exists('/nope')).toBeNull();
    expect((await client.exists('/a/b/c'))?.version).toBe(2);
    expect(await errorOf(client.getData('/nope'))).toMatchObject({
      code: 'NO_NODE',
      path: '/nope',
    });
    expect(await errorOf(client.create('/a'))).toMatchObject({ code: 'NODE_EXISTS', path: '/a' });
    expect(await errorOf(client.create('/x/y'))).toMatchObject({ code: 'NO_NODE', path: '/x/y' });

    const seq1 = await client.create('/a/n-', Buffer.from('1'), { mode: 'persistent_sequential' });
    const seq2 = await client.create('/a/n-', null, { mode: 'ephemeral_sequential' });
    expect(seq1).toMatch(/^\/a\/n-\d{10}$/);
    expect(Number(seq2.slice(-10))).toBeGreaterThan(Number(seq1.slice(-10)));
    const children = await client.getChildren('/a');
    expect(children.children.sort()).toEqual(['b', seq1.slice(3), seq2.slice(3)].sort());
    expect(children.stat.numChildren).toBe(3);
    expect((await client.exists(seq2))?.ephemeralOwner).toBe(client.sessionId);

    expect(await errorOf(client.delete('/a/b'))).toMatchObject({ code: 'NOT_EMPTY' });
    expect(await errorOf(client.delete('/a/b/c', 1))).toMatchObject({ code: 'BAD_VERSION' });
    await client.delete('/a/b/c', 2);
    expect(await client.exists('/a/b/c')).toBeNull();

    await client.create('/a/b/d/e/f', null, { createParents: true });
    await client.deleteRecursive('/a');
    expect(await client.exists('/a')).toBeNull();
    await client.deleteRecursive('/a');

    expect(await errorOf(client.create('relative'))).toMatchObject({ code: 'BAD_ARGUMENTS' });
    expect(await errorOf(client.setData('/x', Buffer.alloc(0), -5))).toMatchObject({
      code: 'BAD_ARGUMENTS',
    });
  });

  it('removes an ephemeral node when its session closes', async () => {
    const connectString = chrootConnect('zk-client-ephemeral');
    const owner = await connect(connectString);
    const observer = await connect(connectString);
    await owner.create('/brokers/ids/1', Buffer.from('{}'), {
      mode: 'ephemeral',
      createParents: true,
    });
    const stat = await eventually(() => observer.exists('/brokers/ids/1'));
    expect(stat.ephemeralOwner).toBe(owner.sessionId);
    expect(stat.ephemeralOwner).not.toBe(observer.sessionId);
    const gone = recorder();
    await observer.exists('/brokers/ids/1', gone.watcher);

    await owner.close();
    await waitFor(() => gone.events.length > 0, { timeoutMs: 5000, what: 'the delete watch' });
    expect(gone.events).toEqual([{ type: 'NODE_DELETED', path: '/brokers/ids/1' }]);
    expect(await observer.exists('/brokers/ids/1')).toBeNull();
    expect(await errorOf(owner.exists('/'))).toMatchObject({ code: 'CLIENT_CLOSED' });
  });

  it('changes nothing when a version check in a multi fails', async () => {
    const client = await connect(chrootConnect('zk-client-multi'));
    await client.create('/controller_epoch', Buffer.from('0'));
    await client.setData('/controller_epoch', Buffer.from('1'));
    await client.create('/state', Buffer.from('s0'));
    await client.create('/old', Buffer.from('o'));

    const failure = await errorOf(
      client.multi([
        Op.check('/controller_epoch', 0),
        Op.create('/new', Buffer.from('n')),
        Op.setData('/state', Buffer.from('s1'), 0),
        Op.delete('/old'),
      ]),
    );
    expect(failure).toMatchObject({ code: 'BAD_VERSION', opIndex: 0, path: '/controller_epoch' });
    expect(await client.exists('/new')).toBeNull();
    expect((await client.getData('/state')).data?.toString()).toBe('s0');
    expect(await client.exists('/old')).not.toBeNull();

    const late = await errorOf(
      client.multi([Op.create('/new'), Op.setData('/state', Buffer.from('s1'), 7)]),
    );
    expect(late).toMatchObject({ code: 'BAD_VERSION', opIndex: 1, path: '/state' });
    expect(await client.exists('/new')).toBeNull();

    const results = await client.multi([
      Op.check('/controller_epoch', 1),
      Op.create('/seq-', Buffer.from('x'), { mode: 'persistent_sequential' }),
      Op.setData('/state', Buffer.from('s1'), 0),
      Op.delete('/old', 0),
    ]);
    expect(results[0]).toEqual({ type: 'check' });
    expect(results[1]).toMatchObject({
      type: 'create',
      path: expect.stringMatching(/^\/seq-\d{10}$/),
    });
    expect(results[2]).toMatchObject({ type: 'setData', stat: { version: 1 } });
    expect(results[3]).toEqual({ type: 'delete' });
    expect(await client.exists('/old')).toBeNull();
  });

  it('enforces expected version 0 inside a multi, which the bare library turns into "any"', async () => {
    const connectString = chrootConnect('zk-client-version0');
    const client = await connect(connectString);
    await client.create('/epoch', Buffer.from('a'));
    await client.setData('/epoch', Buffer.from('b'));
    await client.create('/fresh', Buffer.from('f'));

    for (const op of [
      Op.check('/epoch', 0),
      Op.setData('/epoch', Buffer.from('c'), 0),
      Op.delete('/epoch', 0),
    ]) {
      expect(await errorOf(client.multi([op]))).toMatchObject({ code: 'BAD_VERSION', opIndex: 0 });
    }
    expect((await client.getData('/epoch')).stat.version).toBe(1);
    // On a node at version 0 the same checks pass.
    await client.multi([Op.check('/fresh', 0), Op.setData('/fresh', Buffer.from('g'), 0)]);
    await client.multi([Op.delete('/fresh', 1)]);

    const bare = await libraryClient(connectString);
    const bareError = await new Promise<unknown>((resolve) =>
      bare.transaction().check('/epoch', 0).setData('/epoch', Buffer.from('c'), 0).commit(resolve),
    );
    expect(bareError).toBeNull();
    expect((await client.getData('/epoch')).data?.toString()).toBe('c');
  });

  it('fires a child watch once, and data and existence watches', async () => {
    const client = await connect(chrootConnect('zk-client-watch'));
    await client.create('/topics');
    const children = recorder();
    await client.getChildren('/topics', children.watcher);
    await client.create('/topics/a');
    await client.create('/topics/b');

    // Notifications arrive in order: once the sentinel's fires, any second child event would
    // already have been delivered.
    const sentinel = recorder();
    await client.exists('/sentinel', sentinel.watcher);
    await client.create('/sentinel');
    await waitFor(() => sentinel.events.length > 0, {
      timeoutMs: 5000,
      what: 'the sentinel watch',
    });
    expect(children.events).toEqual([{ type: 'NODE_CHILDREN_CHANGED', path: '/topics' }]);
    expect(sentinel.events).toEqual([{ type: 'NODE_CREATED', path: '/sentinel' }]);

    const data = recorder();
    await client.getData('/topics/a', data.watcher);
    await client.setData('/topics/a', Buffer.from('1'));
    await waitFor(() => data.events.length > 0, { timeoutMs: 5000, what: 'the data watch' });
    expect(data.events).toEqual([{ type: 'NODE_DATA_CHANGED', path: '/topics/a' }]);

    const deleted = recorder();
    await client.getData('/topics/b', deleted.watcher);
    await client.delete('/topics/b');
    await waitFor(() => deleted.events.length > 0, { timeoutMs: 5000, what: 'the delete watch' });
    expect(deleted.events).toEqual([{ type: 'NODE_DELETED', path: '/topics/b' }]);

    // A watcher that throws is reported in the log and does not break the client.
    await client.exists('/boom', () => {
      throw new Error('watcher bug');
    });
    await client.create('/boom');
    expect((await client.getChildren('/topics')).children).toEqual(['a']);
  });

  it('authenticates with digest credentials and applies znode ACLs', async () => {
    const connectString = chrootConnect('zk-client-acl');
    const kafka = await connect(connectString, {
      auth: [{ scheme: 'digest', credentials: 'kafka:secret' }],
    });
    const anonymous = await connect(connectString);
    const other = await connect(connectString, {
      auth: [{ scheme: 'digest', credentials: 'kafka:wrong' }],
    });

    await kafka.create('/config/users', Buffer.from('secret'), {
      createParents: true,
      acl: [digestAcl('kafka', 'secret')],
    });
    await kafka.create('/brokers', Buffer.from('public'), {
      acl: [...CREATOR_ALL_ACL, ...READ_ACL_UNSAFE],
    });
    expect((await kafka.getData('/config/users')).data?.toString()).toBe('secret');
    expect(await errorOf(anonymous.getData('/config/users'))).toMatchObject({
      code: 'NO_AUTH',
      path: '/config/users',
    });
    expect(await errorOf(other.getData('/config/users'))).toMatchObject({ code: 'NO_AUTH' });
    expect((await anonymous.getData('/brokers')).data?.toString()).toBe('public');
    expect(await errorOf(anonymous.setData('/brokers', Buffer.from('x')))).toMatchObject({
      code: 'NO_AUTH',
    });

    // `auth` expanded to the creator's digest identity. ZooKeeper 3.6+ shows the digest only to
    // clients with ADMIN permission; others see the hash replaced by `x`.
    expect((await kafka.getAcl('/brokers')).acl).toEqual([
      { perms: Perms.ALL, scheme: 'digest', id: 'kafka:cHI0nVZW0ogIqS6kVPfrpKU0GoU=' },
      { perms: Perms.READ, scheme: 'world', id: 'anyone' },
    ]);
    expect((await anonymous.getAcl('/brokers')).acl[0]).toEqual({
      perms: Perms.ALL,
      scheme: 'digest',
      id: 'kafka:x',
    });
    expect((await kafka.setAcl('/config/users', READ_ACL_UNSAFE, 0)).aversion).toBe(1);

    // A chroot created with an ACL: only the owner's credentials may use it.
    const securedChroot = chrootConnect('zk-client-acl-root');
    await connect(securedChroot, {
      auth: [{ scheme: 'digest', credentials: 'kafka:secret' }],
      chrootAcl: [digestAcl('kafka', 'secret')],
    });
    const outsider = await connect(securedChroot);
    expect(await errorOf(outsider.getChildren('/'))).toMatchObject({ code: 'NO_AUTH' });
    const opened = await eventually(() => anonymous.getData('/config/users'));
    expect(opened.data?.toString()).toBe('secret');
  });

  it('fails to connect with AUTH_FAILED when the server rejects the credentials', async () => {
    const error = await errorOf(
      ZkClient.connect(chrootConnect('zk-client-authfail'), {
        sessionTimeoutMs: SESSION_TIMEOUT_MS,
        auth: [{ scheme: 'no-such-scheme', credentials: 'x' }],
      }),
    );
    expect(error.code).toBe('AUTH_FAILED');
  });

  it('fails to connect with CONNECTION_LOSS when no server answers', async () => {
    const started = performance.now();
    const error = await errorOf(
      ZkClient.connect('127.0.0.1:1', { sessionTimeoutMs: 2000, connectTimeoutMs: 500 }),
    );
    expect(error).toMatchObject({ code: 'CONNECTION_LOSS', retriable: true });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('registers a checked ephemeral node, and refuses one owned by another live session', async () => {
    const connectString = chrootConnect('zk-client-checked');
    const broker = await connect(connectString);
    const duplicate = await connect(connectString);
    await broker.create('/brokers/ids', null, { createParents: true });

    const stat = await createCheckedEphemeral(broker, '/brokers/ids/1', Buffer.from('{"v":5}'));
    expect(stat).toMatchObject({ version: 1, ephemeralOwner: broker.sessionId });
    // Already ours (a retried registration): the same node, not an error.
    const again = await createCheckedEphemeral(broker, '/brokers/ids/1', Buffer.from('{"v":5}'));
    expect(again.czxid).toBe(stat.czxid);

    const refused = await errorOf(
      createCheckedEphemeral(duplicate, '/brokers/ids/1', Buffer.from('{}')),
    );
    expect(refused).toBeInstanceOf(EphemeralNodeExistsError);
    expect(refused).toMatchObject({ code: 'NODE_EXISTS', owner: broker.sessionId });
    await duplicate.create('/brokers/ids/2', Buffer.from('p'));
    const persistent = await errorOf(
      createCheckedEphemeral(duplicate, '/brokers/ids/2', Buffer.from('{}')),
    );
    expect(persistent).toMatchObject({ code: 'NODE_EXISTS', owner: null });
  });

  it('turns a server-reported expiry into expired(server) and a fresh session', async () => {
    const connectString = chrootConnect('zk-client-server-expiry');
    const client = await connect(connectString);
    await client.create('/e', null, { mode: 'ephemeral' });
    const first = client.sessionId as string;

    // Take the session over from a second connection and close it there (what Curator's
    // KillSession does): the server then reports the session expired to our client.
    const internals = client as unknown as { current: { lib: zookeeper.Client } };
    const lib = internals.current.lib;
    const thief = zookeeper.createClient(connectString, {
      sessionTimeout: SESSION_TIMEOUT_MS,
      sessionId: lib.getSessionId(),
      sessionPassword: lib.getSessionPassword(),
    } as Partial<zookeeper.Option>);
    const expired = nextEvent(client, 'expired', 10000);
    const established = nextEvent(client, 'sessionEstablished', 10000);
    await new Promise<void>((resolve) => {
      thief.once('connected', () => resolve());
      thief.connect();
    });
    thief.close();

    const [info] = await expired;
    expect(info).toEqual({ sessionId: first, reason: 'server' });
    const [fresh] = await established;
    expect(fresh.previousSessionId).toBe(first);
    expect(fresh.sessionId).not.toBe(first);
    expect(client.sessionId).toBe(fresh.sessionId);
    expect(client.previousSessionIds).toEqual([first]);
    await waitFor(async () => (await client.exists('/e')) === null, {
      timeoutMs: 5000,
      what: "the old session's ephemeral node to go",
    });
    await client.create('/e', null, { mode: 'ephemeral' });
    expect((await client.exists('/e'))?.ephemeralOwner).toBe(fresh.sessionId);
  });

  describe('through a fault-injecting proxy', () => {
    let proxy: ZkFaultProxy;
    let connectString: string;
    let observer: ZkClient;

    beforeEach(async () => {
      const { servers, chroot } = split(chrootConnect('zk-client-proxy'));
      proxy = await ZkFaultProxy.start(servers.split(',')[0]);
      connectString = `${proxy.address}${chroot}`;
      observer = await connect(`${servers}${chroot}`);
    });

    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await proxy.close();
    });

    it('drops a silent connection and keeps the session by reconnecting; reads are re-sent', async () => {
      const client = await connect(connectString);
      await client.create('/e', null, { mode: 'ephemeral' });
      const session = client.sessionId;
      let expired = false;
      client.on('expired', () => (expired = true));
      const disconnected = nextEvent(client, 'disconnected', 5000);
      const reconnected = nextEvent(client, 'connected', 5000);

      proxy.silenceExisting();
      const started = performance.now();
      const read = client.getData('/e');
      await disconnected;
      expect(performance.now() - started).toBeLessThan(SESSION_TIMEOUT_MS);
      expect(await reconnected).toEqual([session]);
      expect((await read).stat.ephemeralOwner).toBe(session);

      const lost = await errorOf(
        (async () => {
          proxy.silenceExisting();
          return client.create('/s-', null, { mode: 'persistent_sequential' });
        })(),
      );
      expect(lost).toMatchObject({ code: 'CONNECTION_LOSS', outcomeUnknown: true });
      await waitFor(() => client.connected, { timeoutMs: 5000, what: 'reconnection' });
      expect((await observer.getChildren('/')).children).toEqual(['e']);
      expect(expired).toBe(false);
      expect(client.sessionId).toBe(session);
    });

    it('re-sends writes whose replies were lost and recognises its own earlier success', async () => {
      const client = await connect(connectString);
      await client.create('/set', Buffer.from('v0'));
      await client.create('/gone', Buffer.from('x'));
      const session = client.sessionId;

      // The server applies these writes, but the client never hears back; it drops the
      // connection, reconnects in the same session and sends them again.
      proxy.deafenExisting();
      const [set, created, deleted, persistent] = await Promise.allSettled([
        client.setData('/set', Buffer.from('v1'), 0),
        client.create('/mine', Buffer.from('e'), { mode: 'ephemeral' }),
        client.delete('/gone'),
        client.create('/plain', Buffer.from('p')),
      ]);
      expect(client.sessionId).toBe(session);
      // Second attempt: BAD_VERSION, but the node holds our data at version 1.
      expect(set).toMatchObject({ status: 'fulfilled', value: { version: 1 } });
      // Second attempt: NODE_EXISTS, but the ephemeral node is owned by this session.
      expect(created).toEqual({ status: 'fulfilled', value: '/mine' });
      // Second attempt: NO_NODE: deleted, as asked.
      expect(deleted).toEqual({ status: 'fulfilled', value: undefined });
      // A persistent node cannot be told apart from someone else's: the caller must re-read.
      expect(persistent).toMatchObject({
        status: 'rejected',
        reason: { code: 'NODE_EXISTS', outcomeUnknown: true },
      });
      expect((await client.getData('/plain')).data?.toString()).toBe('p');
    });

    it('gives up on a server that accepts the connection but never answers, and tries again', async () => {
      // The first connection is accepted and then ignored: node-zookeeper-client alone would
      // wait for its answer for ever.
      proxy.blackholeNew(1);
      const started = performance.now();
      const client = await connect(connectString, { connectTimeoutMs: 10000 });
      expect(performance.now() - started).toBeLessThan(SESSION_TIMEOUT_MS + 1500);
      expect(client.connected).toBe(true);
    });

    it('treats a session as expired when no server answers, then re-registers over the leftover node', async () => {
      const client = await connect(connectString);
      await client.create('/brokers/ids', null, { createParents: true });
      const first = await createCheckedEphemeral(client, '/brokers/ids/1', Buffer.from('b1'));
      const oldSession = client.sessionId as string;
      const watch = recorder();
      await client.getChildren('/brokers/ids', watch.watcher);
      const reRegistered: Promise<unknown>[] = [];
      client.on('sessionEstablished', () => {
        reRegistered.push(createCheckedEphemeral(client, '/brokers/ids/1', Buffer.from('b1')));
      });
      const expired = nextEvent(client, 'expired', SESSION_TIMEOUT_MS + 3000);

      proxy.silenceExisting();
      proxy.blackholeNew();
      const started = performance.now();
      const pending = errorOf(client.getData('/brokers/ids/1'));
      const [info] = await expired;
      const detectedAfter = performance.now() - started;
      expect(info).toEqual({ sessionId: oldSession, reason: 'timeout' });
      expect(detectedAfter).toBeLessThan(SESSION_TIMEOUT_MS + 1000);
      expect(await pending).toMatchObject({ code: 'SESSION_EXPIRED' });
      expect(watch.events).toEqual([{ type: 'SESSION_EXPIRED', path: '/brokers/ids' }]);
      expect(client.sessionId).toBeNull();

      // ZooKeeper still holds the old session (the proxy keeps it alive): its node is there.
      expect((await observer.exists('/brokers/ids/1'))?.ephemeralOwner).toBe(oldSession);

      const established = nextEvent(client, 'sessionEstablished', 10000);
      proxy.heal();
      const [fresh] = await established;
      expect(fresh.previousSessionId).toBe(oldSession);
      expect(reRegistered).toHaveLength(1);
      await reRegistered[0];
      const now = await eventually(async () => {
        const stat = await observer.exists('/brokers/ids/1');
        return stat?.ephemeralOwner === fresh.sessionId ? stat : null;
      });
      expect(now.czxid).not.toBe(first.czxid);
    });
  });
});

describe('session expiry against a ZooKeeper node that stops or dies', () => {
  let dir = '';
  let nodeConnect: string;

  beforeAll(async () => {
    const home = await tempDir('zk-client-node');
    onCleanup(() => stopEnsemble(home));
    dir = home;
    const [clientPort, peerPort, electionPort] = await freePorts(3);
    const info = await startEnsemble({
      dir,
      nodes: 1,
      ports: [{ clientPort, peerPort, electionPort }],
      tickTime: 200,
      timeoutMs: 30000,
      find: { external: false },
    });
    nodeConnect = info.connectString;
  });

  /** A client whose owner registers `/owner` now and again in every new session. */
  async function registered(label: string): Promise<ZkClient> {
    const client = await connect(`${nodeConnect}/${label}`, { sessionTimeoutMs: 1500 });
    client.on('sessionEstablished', () => {
      createCheckedEphemeral(client, '/owner', Buffer.from(label)).catch(() => undefined);
    });
    await createCheckedEphemeral(client, '/owner', Buffer.from(label));
    return client;
  }

  async function ownedByNewSession(client: ZkClient): Promise<void> {
    await waitFor(
      async () => {
        const stat = await client.exists('/owner');
        return stat !== null && stat.ephemeralOwner === client.sessionId;
      },
      { timeoutMs: 10000, what: 'the ephemeral node re-created by the new session' },
    );
  }

  it('detects expiry while the server is frozen (SIGSTOP) and rebuilds after SIGCONT', async () => {
    const home = dir;
    const client = await registered('paused');
    const first = client.sessionId;
    const expired = nextEvent(client, 'expired', 6000);
    await pauseNode(home, 1);
    try {
      const [info] = await expired;
      expect(info).toEqual({ sessionId: first, reason: 'timeout' });
    } finally {
      await resumeNode(home, 1);
    }
    await nextEvent(client, 'sessionEstablished', 10000);
    expect(client.previousSessionIds).toEqual([first]);
    await ownedByNewSession(client);
  });

  it('detects expiry while the server is down (kill -9) and rebuilds once it is back', async () => {
    const home = dir;
    const client = await registered('killed');
    const first = client.sessionId;
    const disconnected = nextEvent(client, 'disconnected', 5000);
    const expired = nextEvent(client, 'expired', 6000);
    await stopNode(home, 1, { force: true });
    try {
      await disconnected;
      const [info] = await expired;
      expect(info).toEqual({ sessionId: first, reason: 'timeout' });
    } finally {
      await startNode(home, 1);
    }
    await nextEvent(client, 'sessionEstablished', 20000);
    await ownedByNewSession(client);
  });
});
