/**
 * End to end through the command-line tools, as a student would run them against three real
 * brokers: `samsa topics --create / --describe`, `samsa console-producer` fed on standard input,
 * `samsa console-consumer --from-beginning --max-messages`, with Kafka's output formats.
 */
import * as partitionState from '../../zk-schema/znodes/partition-state';
import { useHarness } from '../harness';
import { TestCluster, runSamsa } from './cluster-harness';

useHarness();

const TOPIC = 'cli-orders';

test('topics --create/--describe, console-producer and console-consumer work end to end with Kafka output', async () => {
  const cluster = await TestCluster.start({ label: 'cluster-cli', brokers: 3 });
  const bootstrap = cluster.bootstrapServers().join(',');

  const created = await runSamsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--create',
    '--topic',
    TOPIC,
    '--partitions',
    '3',
    '--replication-factor',
    '3',
  ]);
  expect({ code: created.code, stdout: created.stdout }).toEqual({
    code: 0,
    stdout: `Created topic ${TOPIC}.\n`,
  });

  const described = await runSamsa([
    'topics',
    '--bootstrap-server',
    bootstrap,
    '--describe',
    '--topic',
    TOPIC,
  ]);
  expect(described).toMatchObject({ code: 0 });
  const [header, ...partitionLines] = described.stdout.trimEnd().split('\n');
  expect(header).toMatch(
    new RegExp(`^Topic: ${TOPIC}\\tPartitionCount: 3\\tReplicationFactor: 3\\tConfigs: `),
  );
  expect(partitionLines).toHaveLength(3);
  for (let p = 0; p < 3; p++) {
    const { data } = await cluster.zk.getData(partitionState.path(TOPIC, p));
    const state = partitionState.decode(data ?? Buffer.alloc(0));
    expect(partitionLines[p]).toMatch(
      new RegExp(
        `^\\tTopic: ${TOPIC}\\tPartition: ${p}\\tLeader: ${state.leader}\\tReplicas: [123],[123],[123]\\tIsr: [123],[123],[123]$`,
      ),
    );
  }

  const lines: string[] = [];
  for (let i = 0; i < 30; i++) lines.push(`key${i % 3}:value-${i}`);
  const produced = await runSamsa(
    [
      'console-producer',
      '--bootstrap-server',
      bootstrap,
      '--topic',
      TOPIC,
      '--request-required-acks',
      'all',
      '--property',
      'parse.key=true',
      '--property',
      'key.separator=:',
    ],
    { input: `${lines.join('\n')}\n` },
  );
  expect(produced).toMatchObject({ code: 0 });

  const consumed = await runSamsa([
    'console-consumer',
    '--bootstrap-server',
    bootstrap,
    '--topic',
    TOPIC,
    '--from-beginning',
    '--max-messages',
    '30',
    '--timeout-ms',
    '20000',
    '--property',
    'print.key=true',
  ]);
  expect(consumed).toMatchObject({ code: 0 });
  expect(consumed.stderr).toContain('Processed a total of 30 messages');
  const records = consumed.stdout.trimEnd().split('\n');
  expect(records).toHaveLength(30);
  // One key, one partition: each key's values come back in the order they were produced.
  for (let k = 0; k < 3; k++) {
    const expected = lines
      .filter((l) => l.startsWith(`key${k}:`))
      .map((l) => `key${k}\t${l.split(':')[1]}`);
    expect(records.filter((r) => r.startsWith(`key${k}\t`))).toEqual(expected);
  }
});
