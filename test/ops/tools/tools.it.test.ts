/**
 * The Kafka-style command-line tools end to end, as a student runs them: the built `samsa` CLI
 * against three real broker processes and the run's ZooKeeper ensemble (test/cluster's
 * harness), checking Kafka's exact output lines.
 */
import * as brokerRegistration from '../../../zk-schema/znodes/broker-registration';
import * as controllerZnode from '../../../zk-schema/znodes/controller';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import { TestCluster, runSamsa } from '../../cluster/cluster-harness';
import { useHarness, waitFor } from '../../harness';

useHarness();

/** The tools as a user runs them: quiet client logs (no SAMSA_LOG_LEVEL). */
function samsa(args: string[], input?: string) {
  return runSamsa(args, { env: { SAMSA_LOG_LEVEL: '' }, input });
}

let cluster: TestCluster;
let bootstrap: string;

beforeAll(async () => {
  cluster = await TestCluster.start({ label: 'tools-cli', brokers: 3 });
  bootstrap = cluster.bootstrapServers().join(',');
}, 90_000);

async function partitionLine(topic: string, partition: number): Promise<RegExp> {
  const { data } = await cluster.zk.getData(partitionState.path(topic, partition));
  const state = partitionState.decode(data ?? Buffer.alloc(0));
  return new RegExp(
    `^\\tTopic: ${topic}\\tPartition: ${partition}\\tLeader: ${state.leader}\\tReplicas: \\d,\\d,\\d\\tIsr: ${state.isr.join(',')}$`,
  );
}

test('topics --create, --list, --describe and --alter print what Kafka prints', async () => {
  const created = await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--create',
    '--topic',
    'orders',
    '--partitions',
    '3',
    '--replication-factor',
    '3',
    '--config',
    'retention.ms=86400000',
  ]);
  expect(created).toMatchObject({ code: 0, stdout: 'Created topic orders.\n', stderr: '' });

  const again = await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--create',
    '--topic',
    'orders',
  ]);
  expect(again).toMatchObject({
    code: 1,
    stdout: "Error while executing topic command : Topic 'orders' already exists.\n",
  });

  const listed = await samsa(['topics', '--bootstrap-server', bootstrap, '--list']);
  expect(listed.stdout.split('\n')).toContain('orders');

  const described = await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--describe',
    '--topic',
    'orders',
  ]);
  expect(described.code).toBe(0);
  const [header, ...partitions] = described.stdout.trimEnd().split('\n');
  expect(header).toBe(
    'Topic: orders\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: retention.ms=86400000',
  );
  expect(partitions).toHaveLength(3);
  for (let p = 0; p < 3; p++) expect(partitions[p]).toMatch(await partitionLine('orders', p));

  const healthy = await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--describe',
    '--under-replicated-partitions',
  ]);
  expect(healthy).toMatchObject({ code: 0, stdout: '' });

  const altered = await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--alter',
    '--topic',
    'orders',
    '--partitions',
    '4',
  ]);
  expect(altered).toMatchObject({ code: 0, stdout: '' });
  await waitFor(
    async () =>
      (
        await samsa(['topics', '--bootstrap-server', bootstrap, '--describe', '--topic', 'orders'])
      ).stdout
        .split('\n')[0]
        .includes('PartitionCount: 4'),
    { timeoutMs: 20000, what: 'orders to show 4 partitions' },
  );

  const usage = await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--create',
    '--partitions',
    '1',
  ]);
  expect(usage).toMatchObject({
    code: 1,
    stdout: '',
    stderr: 'samsa: Missing required argument "[topic]"\n',
  });
}, 120_000);

test('console-producer with keys, then console-consumer prints them back with Kafka columns', async () => {
  await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--create',
    '--topic',
    'keyed',
    '--partitions',
    '2',
    '--replication-factor',
    '2',
  ]);
  const lines = Array.from({ length: 20 }, (_, i) => `user${i % 4}:event-${i}`);
  const produced = await samsa(
    [
      'console-producer',
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'keyed',
      '--property',
      'parse.key=true',
      '--property',
      'key.separator=:',
      '--request-required-acks',
      'all',
      '--timeout',
      '10',
    ],
    `${lines.join('\n')}\n`,
  );
  expect(produced).toMatchObject({ code: 0, stdout: '', stderr: '' });

  const consumed = await samsa([
    'console-consumer',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    'keyed',
    '--from-beginning',
    '--max-messages',
    '20',
    '--timeout-ms',
    '20000',
    '--property',
    'print.key=true',
    '--property',
    'key.separator=:',
  ]);
  expect(consumed.code).toBe(0);
  expect(consumed.stdout.trimEnd().split('\n').sort()).toEqual([...lines].sort());
  expect(consumed.stderr).toBe('Processed a total of 20 messages\n');

  const one = await samsa([
    'console-consumer',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    'keyed',
    '--partition',
    '0',
    '--offset',
    'earliest',
    '--max-messages',
    '1',
    '--property',
    'print.partition=true',
    '--property',
    'print.offset=true',
    '--property',
    'print.timestamp=true',
  ]);
  expect(one.stdout).toMatch(/^CreateTime:\d{13}\tPartition:0\tOffset:0\tevent-\d+\n$/);

  const bad = await samsa(
    [
      'console-producer',
      '--bootstrap-server',
      bootstrap,
      '--topic',
      'keyed',
      '--property',
      'parse.key=true',
    ],
    'no-tab-here\n',
  );
  expect(bad).toMatchObject({ code: 1, stderr: 'No key found on line 1: no-tab-here\n' });
}, 120_000);

test('configs --alter then --describe shows the overrides with their sources', async () => {
  await samsa(['topics', '--bootstrap-server', bootstrap, '--create', '--topic', 'tuned']);
  const altered = await samsa([
    'configs',
    '--bootstrap-server',
    bootstrap,
    '--entity-type',
    'topics',
    '--entity-name',
    'tuned',
    '--alter',
    '--add-config',
    'retention.ms=3600000,cleanup.policy=[compact,delete]',
  ]);
  expect(altered).toMatchObject({
    code: 0,
    stdout: 'Completed updating config for topic tuned.\n',
  });

  const described = await samsa([
    'configs',
    '--bootstrap-server',
    bootstrap,
    '--entity-type',
    'topics',
    '--entity-name',
    'tuned',
    '--describe',
  ]);
  expect(described.code).toBe(0);
  const lines = described.stdout.trimEnd().split('\n');
  expect(lines[0]).toBe('Dynamic configs for topic tuned are:');
  expect(lines.slice(1).sort()).toEqual([
    '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}',
    '  retention.ms=3600000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=3600000, DEFAULT_CONFIG:log.retention.hours=168}',
  ]);

  const deleted = await samsa([
    'configs',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    'tuned',
    '--alter',
    '--delete-config',
    'cleanup.policy',
  ]);
  expect(deleted.code).toBe(0);
  const after = await samsa([
    'configs',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    'tuned',
    '--describe',
  ]);
  expect(after.stdout.trimEnd().split('\n')).toHaveLength(2);
  expect(after.stdout).toContain('  retention.ms=3600000 ');

  const broker = await samsa([
    'configs',
    '--bootstrap-server',
    bootstrap,
    '--entity-type',
    'brokers',
    '--entity-name',
    '1',
    '--alter',
    '--add-config',
    'log.cleaner.threads=2',
  ]);
  expect(broker.code).toBe(1);
  expect(broker.stderr).toMatch(/^samsa brokers have no dynamic configs: [^\n]+\n$/);
}, 120_000);

test('zookeeper-shell lists the brokers and reads the controller znode', async () => {
  const ls = await samsa(['zookeeper-shell', cluster.connect, 'ls', '/brokers/ids']);
  expect(ls).toMatchObject({ code: 0, stderr: '' });
  expect(ls.stdout).toBe(
    `Connecting to ${cluster.connect}\n\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n[1, 2, 3]\n`,
  );
  const get = await samsa([
    'zookeeper-shell',
    cluster.connect,
    'get',
    '-s',
    controllerZnode.path(),
  ]);
  const lines = get.stdout.trimEnd().split('\n');
  const controller = controllerZnode.decode(Buffer.from(lines[5]));
  expect(controller.brokerId).toBeGreaterThanOrEqual(1);
  expect(lines[6]).toMatch(/^cZxid = 0x[0-9a-f]+$/);
  expect(lines[14]).toMatch(/^ephemeralOwner = 0x[0-9a-f]+$/);
  const missing = await samsa([
    'zookeeper-shell',
    cluster.connect,
    'stat',
    `${brokerRegistration.idsPath()}/9`,
  ]);
  expect(missing).toMatchObject({
    code: 1,
    stderr: `Node does not exist: ${brokerRegistration.idsPath()}/9\n`,
  });
}, 60_000);

test('producer-perf-test, consumer-perf-test and e2e-latency print their Kafka lines', async () => {
  await samsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--create',
    '--topic',
    'perf',
    '--partitions',
    '3',
    '--replication-factor',
    '1',
  ]);
  const produced = await samsa([
    'producer-perf-test',
    '--topic',
    'perf',
    '--num-records',
    '20000',
    '--record-size',
    '100',
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    'acks=1',
    'linger.ms=5',
  ]);
  expect(produced).toMatchObject({ code: 0, stderr: '' });
  expect(produced.stdout.trimEnd().split('\n').pop()).toMatch(
    /^20000 records sent, \d+\.\d{6} records\/sec \(\d+\.\d\d MB\/sec\), \d+\.\d\d ms avg latency, \d+\.\d\d ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/,
  );

  const consumed = await samsa([
    'consumer-perf-test',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    'perf',
    '--messages',
    '20000',
    '--timeout',
    '20000',
  ]);
  expect(consumed).toMatchObject({ code: 0, stderr: '' });
  const [header, row] = consumed.stdout.trimEnd().split('\n');
  expect(header).toBe(
    'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
  );
  expect(row).toMatch(
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, 1\.9073, \d+\.\d{4}, 20000, \d+\.\d{4}, 0, \d+, \d+\.\d{4}, \d+\.\d{4}$/,
  );

  const latency = await samsa(['e2e-latency', bootstrap, 'latency', '50', 'all', '64']);
  expect(latency).toMatchObject({ code: 0, stderr: '' });
  const out = latency.stdout.trimEnd().split('\n');
  expect(out[0]).toBe(
    'Topic "latency" does not exist. Will create topic with 1 partition(s) and replication factor = 1',
  );
  expect(out[1]).toMatch(/^0\t\d+(\.\d+)?$/);
  expect(out.slice(-3)).toEqual([
    expect.stringMatching(/^Avg latency: \d+\.\d{4} ms$/),
    '',
    expect.stringMatching(/^Percentiles: 50th = \d+, 99th = \d+, 99\.9th = \d+$/),
  ]);
}, 120_000);

test('topics --describe reports under-replicated, unavailable, at-min-isr and under-min-isr partitions after a broker dies', async () => {
  const create = (...args: string[]) =>
    samsa(['topics', '--bootstrap-server', bootstrap, '--create', ...args]);
  expect(
    (
      await create(
        '--topic',
        'fragile',
        '--partitions',
        '3',
        '--replication-factor',
        '3',
        '--config',
        'min.insync.replicas=2',
      )
    ).code,
  ).toBe(0);
  expect((await create('--topic', 'lonely', '--replica-assignment', '3')).code).toBe(0);
  const report = async (flag: string) =>
    (
      await samsa([
        'topics',
        '--bootstrap-server',
        cluster.bootstrapServers().slice(0, 2).join(','),
        '--describe',
        flag,
      ])
    ).stdout
      .trimEnd()
      .split('\n')
      .filter((line) => line.length > 0);
  const fragile = (lines: string[]) => lines.filter((line) => line.includes('Topic: fragile\t'));
  const lonely = (lines: string[]) => lines.filter((line) => line.includes('Topic: lonely\t'));
  await waitFor(
    async () => {
      const described = await samsa([
        'topics',
        '--bootstrap-server',
        bootstrap,
        '--describe',
        '--topic',
        'fragile',
      ]);
      return (
        fragile(described.stdout.split('\n')).filter((line) => /Isr: \d,\d,\d$/.test(line))
          .length === 3
      );
    },
    { timeoutMs: 20000, what: 'every fragile partition to have its full ISR' },
  );
  expect(fragile(await report('--at-min-isr-partitions'))).toEqual([]);

  await cluster.broker(3).stop('SIGKILL');
  await cluster.waitForBrokers([1, 2]);
  await waitFor(async () => fragile(await report('--under-replicated-partitions')).length === 3, {
    timeoutMs: 30000,
    what: 'every fragile partition to lose broker 3 from its ISR',
  });

  const underReplicated = fragile(await report('--under-replicated-partitions'));
  for (const line of underReplicated) {
    expect(line).toMatch(
      /^\tTopic: fragile\tPartition: \d\tLeader: [12]\tReplicas: \d,\d,\d\tIsr: [12],[12]$/,
    );
  }
  expect(lonely(await report('--unavailable-partitions'))).toEqual([
    '\tTopic: lonely\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3',
  ]);
  expect(fragile(await report('--at-min-isr-partitions'))).toHaveLength(3);
  expect(fragile(await report('--unavailable-partitions'))).toEqual([]);
  expect(fragile(await report('--under-min-isr-partitions'))).toEqual([]);
  expect(lonely(await report('--under-min-isr-partitions'))).toEqual([
    '\tTopic: lonely\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3',
  ]);
}, 120_000);
