/**
 * `samsa consumer-groups` and `samsa console-consumer --group` against real brokers (two broker
 * processes, the run's ZooKeeper ensemble): the tool's functions run in-process, as its command
 * module calls them, with a group put in place by raw protocol requests (RawMember) or by the
 * console consumer itself.
 */
import yargs from 'yargs';
import { Samsa } from '../../../../client';
import { consumerGroupsCommand } from '../../../../ops/commands/consumer-groups';
import { ClusterGroupAdmin } from '../../../../ops/tools/consumer-groups/group-client';
import { runConsumerGroupCommand } from '../../../../ops/tools/consumer-groups/group-command';
import {
  ConsumerGroupFlags,
  parseConsumerGroupCommand,
} from '../../../../ops/tools/consumer-groups/group-options';
import {
  consoleConsumerConfig,
  parseConsoleConsumerCommand,
  runConsoleConsumer,
  startConsuming,
} from '../../../../ops/tools/console/console-consumer';
import { consumerSettings } from '../../../../ops/tools/console/consumer-config';
import { PolledConsumer } from '../../../../ops/tools/console/polled-consumer';
import { TestCluster } from '../../../cluster/cluster-harness';
import { useHarness } from '../../../harness';
import { CollectedOutput } from '../collected-output';
import { RawMember } from './raw-member';

useHarness();

let cluster: TestCluster;
let bootstrap: string;
let samsa: Samsa;

beforeAll(async () => {
  cluster = await TestCluster.start({
    label: 'consumer-groups-cli',
    brokers: 2,
    config: { 'offsets.topic.num.partitions': '4' },
  });
  bootstrap = cluster.bootstrapServers().join(',');
  samsa = new Samsa({ clientId: 'it', brokers: cluster.bootstrapServers() });
  const admin = samsa.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: 'orders', numPartitions: 3, replicationFactor: 2 }],
  });
  await admin.disconnect();
  const producer = samsa.producer({ acks: 'all' });
  await producer.connect();
  // 4 records in partition 0, 3 in partition 1, none in partition 2.
  await producer.send({
    topic: 'orders',
    messages: [0, 0, 0, 0, 1, 1, 1].map((partition, i) => ({ value: `r${i}`, partition })),
  });
  await producer.disconnect();
}, 120_000);

/** Runs `samsa consumer-groups <flags>` in-process. */
async function tool(flags: ConsumerGroupFlags) {
  const output = new CollectedOutput();
  const parsed = parseConsumerGroupCommand({ 'bootstrap-server': bootstrap, ...flags });
  const admin = new ClusterGroupAdmin({
    bootstrapServer: bootstrap,
    clientId: 'consumer-groups-it',
    requestTimeout: 10000,
  });
  const code = await runConsumerGroupCommand(parsed, admin, output);
  return { code, out: output.out, err: output.err };
}

/** The group's committed offsets, as `partition=offset` (via the tool's admin). */
async function committed(groupId: string): Promise<string[]> {
  const admin = new ClusterGroupAdmin({
    bootstrapServer: bootstrap,
    clientId: 'it',
    requestTimeout: 10000,
  });
  await admin.connect();
  try {
    const topics = await admin.fetchOffsets({ groupId });
    return topics.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p.partition}=${p.offset}`));
  } finally {
    await admin.disconnect();
  }
}

const pad = (text: string | number, width: number) => String(text).padEnd(width);

test('list, describe (offsets, members, state), reset and delete a group, with Kafka’s output', async () => {
  const member = await RawMember.join({
    bootstrap: cluster.bootstrapServers(),
    clientId: 'raw-client',
    groupId: 'cli-app',
    protocol: 'range',
    assignment: { orders: [0, 1, 2] },
  });
  await member.commit('orders', { 0: 2 });

  expect((await tool({ list: true })).out.split('\n')).toContain('cli-app');
  expect((await tool({ list: true, state: 'stable' })).out).toBe(
    `${pad('GROUP', 15)} STATE\n${pad('cli-app', 15)} Stable\n`,
  );

  const described = await tool({ describe: true, group: 'cli-app' });
  expect(described).toMatchObject({ code: 0, err: '' });
  const [blank, header, ...rows] = described.out.trimEnd().split('\n');
  expect(blank).toBe('');
  const idWidth = Math.max(15, member.memberId.length);
  expect(header).toBe(
    `${pad('GROUP', 15)} ${pad('TOPIC', 15)} PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             ${pad('CONSUMER-ID', idWidth)} HOST            CLIENT-ID`,
  );
  const row = (partition: number, current: string, end: number, lag: string) =>
    `${pad('cli-app', 15)} ${pad('orders', 15)} ${pad(partition, 10)} ${pad(current, 15)} ${pad(end, 15)} ${pad(lag, 15)} ${pad(member.memberId, idWidth)} ${pad('/127.0.0.1', 15)} raw-client`;
  expect(rows).toEqual([row(0, '2', 4, '2'), row(1, '-', 3, '-'), row(2, '-', 0, '-')]);

  const members = await tool({ describe: true, group: 'cli-app', members: true, verbose: true });
  expect(members.out.split('\n')[2]).toBe(
    `${pad('cli-app', 15)} ${pad(member.memberId, idWidth)} ${pad('/127.0.0.1', 15)} ${pad('raw-client', 15)} ${pad(3, 15)} orders(0,1,2)`,
  );

  const state = await tool({ describe: true, group: 'cli-app', state: '' });
  const stateRow = state.out.split('\n')[2];
  expect(stateRow).toMatch(/^cli-app +127\.0\.0\.1:\d+ \((1|2)\) +range +Stable +1$/);

  const refused = await tool({
    'reset-offsets': true,
    group: 'cli-app',
    topic: 'orders',
    'to-earliest': true,
    execute: true,
  });
  expect(refused.code).toBe(1);
  expect(refused.out).toContain(
    "Error: Assignments can only be reset if the group 'cli-app' is inactive, but the current state is Stable.",
  );
  expect(member.heartbeatErrors).toEqual([]);
  await member.leave();

  const empty = await tool({ describe: true, group: 'cli-app' });
  expect(empty.err).toBe("\nConsumer group 'cli-app' has no active members.\n");
  expect(empty.out.split('\n')[2]).toBe(
    `${pad('cli-app', 15)} ${pad('orders', 15)} ${pad(0, 10)} ${pad(2, 15)} ${pad(4, 15)} ${pad(2, 15)} ${pad('-', 15)} ${pad('-', 15)} -`,
  );

  const toLatest = await tool({
    'reset-offsets': true,
    group: 'cli-app',
    topic: 'orders',
    'to-latest': true,
    execute: true,
  });
  expect(toLatest).toMatchObject({ code: 0, err: '' });
  expect(
    toLatest.out
      .split('\n')
      .slice(2, -1)
      .map((line) => line.trimEnd()),
  ).toEqual([
    `${pad('cli-app', 30)} ${pad('orders', 30)} ${pad(0, 10)} 4`,
    `${pad('cli-app', 30)} ${pad('orders', 30)} ${pad(1, 10)} 3`,
    `${pad('cli-app', 30)} ${pad('orders', 30)} ${pad(2, 10)} 0`,
  ]);
  expect(await committed('cli-app')).toEqual(['orders-0=4', 'orders-1=3', 'orders-2=0']);

  const shifted = await tool({
    'reset-offsets': true,
    group: 'cli-app',
    'all-topics': true,
    'shift-by': '-3',
    execute: true,
  });
  expect(shifted.err).toContain(
    'WARN New offset (-3) is lower than earliest offset for topic partition orders-2. Value will be set to 0',
  );
  expect(await committed('cli-app')).toEqual(['orders-0=1', 'orders-1=0', 'orders-2=0']);

  const dryRun = await tool({
    'reset-offsets': true,
    group: 'cli-app',
    topic: 'orders:1',
    'to-offset': '2',
  });
  expect(dryRun.out).toContain(`${pad('cli-app', 30)} ${pad('orders', 30)} ${pad(1, 10)} 2`);
  expect(await committed('cli-app')).toEqual(['orders-0=1', 'orders-1=0', 'orders-2=0']);

  expect(await tool({ delete: true, group: 'cli-app' })).toMatchObject({
    code: 0,
    out: "Deletion of requested consumer groups ('cli-app') was successful.\n",
  });
  expect(await tool({ describe: true, group: 'cli-app' })).toMatchObject({
    code: 1,
    out: "\nError: Consumer group 'cli-app' does not exist.\n",
  });
  expect((await tool({ delete: true, group: 'cli-app' })).out).toBe(
    "\nError: Deletion of some consumer groups failed:\n* Group 'cli-app' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n",
  );
}, 120_000);

test('console-consumer --group reads as a group member and commits exactly what it printed', async () => {
  /** `samsa console-consumer --topic orders --group readers --from-beginning --max-messages n`. */
  async function consume(maxMessages: number): Promise<string[]> {
    const command = parseConsoleConsumerCommand({
      'bootstrap-server': bootstrap,
      topic: 'orders',
      group: 'readers',
      'from-beginning': true,
      'max-messages': String(maxMessages),
      'timeout-ms': '20000',
      property: 'print.partition=true',
    });
    const settings = consumerSettings(command.consumerProperties, (line) => {
      throw new Error(line);
    });
    const consumer = samsa.consumer(consoleConsumerConfig(command.mode, settings));
    const polled = new PolledConsumer(consumer, 0, 'as-used');
    const output = new CollectedOutput();
    try {
      await startConsuming(consumer, command.mode);
      await polled.start();
      expect(await runConsoleConsumer(command, polled, output)).toBe(0);
    } finally {
      await polled.stop();
      await consumer.disconnect();
    }
    expect(output.err).toBe(`Processed a total of ${maxMessages} messages\n`);
    return output.lines();
  }

  /** The sum of the group's committed offsets (the records it has consumed: logs start at 0). */
  const consumed = async () =>
    (await committed('readers')).reduce((sum, entry) => sum + Number(entry.split('=')[1]), 0);

  const first = await consume(2);
  expect(await consumed()).toBe(2);
  const second = await consume(5);
  expect([...first, ...second].sort()).toEqual([
    'Partition:0\tr0',
    'Partition:0\tr1',
    'Partition:0\tr2',
    'Partition:0\tr3',
    'Partition:1\tr4',
    'Partition:1\tr5',
    'Partition:1\tr6',
  ]);
  expect(await committed('readers')).toEqual(expect.arrayContaining(['orders-0=4', 'orders-1=3']));
  const described = await tool({ describe: true, group: 'readers' });
  expect(described.err).toBe("\nConsumer group 'readers' has no active members.\n");
  expect(described.out).toContain(
    `${pad('readers', 15)} ${pad('orders', 15)} ${pad(0, 10)} ${pad(4, 15)} ${pad(4, 15)} ${pad(0, 15)} -`,
  );
}, 120_000);

test('the consumer-groups command module parses the flags and prints through the tool', async () => {
  const member = await RawMember.join({
    bootstrap: cluster.bootstrapServers(),
    clientId: 'raw-client',
    groupId: 'via-yargs',
    protocol: 'roundrobin',
    assignment: { orders: [1] },
  });
  const written: string[] = [];
  const write = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  const exitCode = process.exitCode;
  try {
    await yargs()
      .command(consumerGroupsCommand)
      .strict()
      .parseAsync(['consumer-groups', '--bootstrap-server', bootstrap, '--list', '--state']);
    expect(process.exitCode).toBe(0);
  } finally {
    write.mockRestore();
    process.exitCode = exitCode;
    await member.leave();
  }
  expect(written.join('')).toContain(`${pad('via-yargs', 15)} Stable\n`);
}, 60_000);
