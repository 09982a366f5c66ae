/**
 * The broker process (`samsa server-start`) against a real ZooKeeper ensemble: registration as
 * Kafka writes it, the startup checks that must fail with one clear line, controlled stop,
 * ZooKeeper session expiry and broker-id generation.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readMetaProperties, writeMetaProperties } from '../../../broker/log/meta-properties';
import { PERSISTENT_PATHS } from '../../../zk-schema/paths';
import * as brokerRegistration from '../../../zk-schema/znodes/broker-registration';
import * as clusterIdZnode from '../../../zk-schema/znodes/cluster-id';
import { tempDir, useHarness, waitFor } from '../../harness';
import { TestCluster, runSamsa, writeProperties } from '../../cluster/cluster-harness';

useHarness();

/** The lines of a process's stderr that are errors. */
function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => /\bERROR\b/.test(line));
}

async function registration(cluster: TestCluster, id: number) {
  const { data, stat } = await cluster.zk.getData(brokerRegistration.path(id));
  return { json: JSON.parse((data ?? Buffer.alloc(0)).toString()) as unknown, stat };
}

describe('samsa server-start', () => {
  test("registers /brokers/ids/<id> with Kafka's v5 JSON (dataVersion 1), creates the startup paths, /cluster/id and meta.properties", async () => {
    const cluster = await TestCluster.start({
      label: 'server-registration',
      brokers: 1,
      start: false,
    });
    const broker = cluster.broker(1);
    broker.start({ 'samsa.test.unknown.key': 'x' });
    await cluster.waitForBrokers([1]);

    const { json, stat } = await registration(cluster, 1);
    expect(json).toEqual({
      features: {},
      listener_security_protocol_map: { PLAINTEXT: 'PLAINTEXT' },
      endpoints: [`PLAINTEXT://127.0.0.1:${broker.port}`],
      jmx_port: -1,
      host: '127.0.0.1',
      timestamp: expect.stringMatching(/^[0-9]{13}$/),
      port: broker.port,
      version: 5,
    });
    expect(stat.version).toBe(1);
    expect(stat.ephemeralOwner).toMatch(/^0x[0-9a-f]+$/);

    for (const p of PERSISTENT_PATHS) expect(await cluster.zk.exists(p)).not.toBeNull();
    const { data } = await cluster.zk.getData(clusterIdZnode.path());
    const clusterId = clusterIdZnode.decode(data ?? Buffer.alloc(0)).id;
    expect(clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await readMetaProperties(broker.logDir)).toEqual({ brokerId: 1, clusterId });

    await waitFor(() => broker.output.includes('[KafkaServer id=1] started'), {
      timeoutMs: 20000,
      what: 'the "started" line',
    });
    expect(broker.output).toContain(
      "The configuration 'samsa.test.unknown.key' was supplied but isn't a known config.",
    );
  });

  test('SIGTERM stops the broker cleanly: exit 0, its znode gone at once, clean-shutdown marker written', async () => {
    const cluster = await TestCluster.start({ label: 'server-sigterm', brokers: 1 });
    const broker = cluster.broker(1);
    await waitFor(() => broker.output.includes('started'), { timeoutMs: 20000, what: 'startup' });

    const status = await broker.stop('SIGTERM');
    expect(status).toEqual({ code: 0, signal: null });
    // Well within the 4 s session timeout: the session was closed, not left to expire.
    await waitFor(async () => (await cluster.zk.exists(brokerRegistration.path(1))) === null, {
      timeoutMs: 1500,
      what: '/brokers/ids/1 to go',
    });
    await fs.access(path.join(broker.logDir, '.kafka_cleanshutdown'));
    expect(broker.output).toContain('[KafkaServer id=1] shut down completed');
    expect(errorLines(broker.output)).toEqual([]);
  });

  test('a broker.id held by a live broker: the second process exits 1 with one clear line, the first keeps its registration', async () => {
    const cluster = await TestCluster.start({ label: 'server-duplicate-id', brokers: 1 });
    const before = await registration(cluster, 1);

    const duplicate = await cluster.addBroker(1);
    duplicate.start();
    expect(await duplicate.exited()).toEqual({ code: 1, signal: null });
    const errors = errorLines(duplicate.output);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^ERROR \[KafkaServer id=1\] Fatal error during KafkaServer startup: Error while creating ephemeral at \/brokers\/ids\/1, node already exists and owner '0x[0-9a-f]+' does not match current session '0x[0-9a-f]+': another broker with broker\.id=1 is registered/,
    );

    const after = await registration(cluster, 1);
    expect(after.stat.czxid).toBe(before.stat.czxid);
    expect(cluster.broker(1).running).toBe(true);
  });

  test('restarted faster than its old session expires (kill -9), a broker is refused; once the session expires it starts', async () => {
    const cluster = await TestCluster.start({ label: 'server-fast-restart', brokers: 1 });
    const broker = cluster.broker(1);
    await broker.stop('SIGKILL');

    broker.start();
    expect(await broker.exited()).toEqual({ code: 1, signal: null });
    expect(errorLines(broker.output)[0]).toContain('node already exists and owner');

    await waitFor(async () => (await cluster.zk.exists(brokerRegistration.path(1))) === null, {
      timeoutMs: 15000,
      what: "the killed broker's session to expire",
    });
    broker.start();
    await cluster.waitForBrokers([1]);
  });

  test('a bad server.properties value exits 1 with one line naming the key', async () => {
    const dir = await tempDir('server-bad-config');
    const file = path.join(dir, 'server.properties');
    await writeProperties(file, {
      'broker.id': '1',
      'zookeeper.connect': '127.0.0.1:1',
      'log.dirs': path.join(dir, 'logs'),
      'num.partitions': 'abc',
    });
    const bad = await runSamsa(['server-start', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'ERROR Invalid value abc for configuration num.partitions: Not a number of type INT',
    );

    const badOverride = await runSamsa([
      'server-start',
      file,
      '--override',
      'num.partitions=1',
      '--override',
      'zookeeper.session.timeout.ms=-',
    ]);
    expect(badOverride.code).toBe(1);
    expect(badOverride.stderr.trim().split('\n')).toHaveLength(1);
    expect(badOverride.stderr).toMatch(/^ERROR .*zookeeper\.session\.timeout\.ms/);

    const missing = await runSamsa(['server-start', path.join(dir, 'nope.properties')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.properties');
  });

  test("without a properties file it prints Kafka's usage line and exits 1", async () => {
    const result = await runSamsa(['server-start']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'USAGE: samsa server-start server.properties [--override property=value]*',
    );
  });

  test('a log dir of another cluster (meta.properties cluster.id) fails startup with one line', async () => {
    const cluster = await TestCluster.start({
      label: 'server-cluster-id',
      brokers: 1,
      start: false,
    });
    const broker = cluster.broker(1);
    await fs.mkdir(broker.logDir, { recursive: true });
    await writeMetaProperties(broker.logDir, { brokerId: 1, clusterId: 'AAAAAAAAAAAAAAAAAAAAAA' });
    broker.start();
    expect(await broker.exited()).toEqual({ code: 1, signal: null });
    const errors = errorLines(broker.output);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /The Cluster ID [A-Za-z0-9_-]{22} doesn't match stored clusterId AAAAAAAAAAAAAAAAAAAAAA in meta\.properties/,
    );
    expect(await cluster.registeredBrokers()).toEqual([]);
  });

  test('broker.id=-1 generates 1001 from /brokers/seqid, saves it in meta.properties and keeps it across restarts', async () => {
    const cluster = await TestCluster.start({
      label: 'server-generated-id',
      brokers: 0,
      start: false,
    });
    const broker = await cluster.addBroker(-1);
    broker.start();
    await cluster.waitForBrokers([1001]);
    expect((await readMetaProperties(broker.logDir))?.brokerId).toBe(1001);
    expect((await broker.stop('SIGTERM')).code).toBe(0);

    broker.start();
    await cluster.waitForBrokers([1001]);
    const seqid = await cluster.zk.exists('/brokers/seqid');
    expect(seqid?.version).toBe(1);
  });

  test('after a ZooKeeper session expiry (SIGSTOP longer than the session timeout) the broker registers again with a new broker epoch and is controller again', async () => {
    const cluster = await TestCluster.start({ label: 'server-session-expiry', brokers: 1 });
    const broker = cluster.broker(1);
    const before = await registration(cluster, 1);
    const controllerBefore = await cluster.waitForController((c) => c.brokerId === 1);

    process.kill(broker.pid, 'SIGSTOP');
    try {
      await waitFor(async () => (await cluster.zk.exists(brokerRegistration.path(1))) === null, {
        timeoutMs: 20000,
        what: 'ZooKeeper to expire the frozen broker session',
      });
    } finally {
      process.kill(broker.pid, 'SIGCONT');
    }

    await cluster.waitForBrokers([1]);
    const after = await registration(cluster, 1);
    expect(after.stat.czxid > before.stat.czxid).toBe(true);
    expect(after.stat.ephemeralOwner).not.toBe(before.stat.ephemeralOwner);
    expect(after.stat.version).toBe(1);
    await cluster.waitForController((c) => c.brokerId === 1 && c.epoch > controllerBefore.epoch);
    expect(broker.output).toMatch(/ZooKeeper session 0x[0-9a-f]+ expired/);
    expect(broker.output).toContain('re-registering broker 1');
    expect(broker.running).toBe(true);
  });
});
