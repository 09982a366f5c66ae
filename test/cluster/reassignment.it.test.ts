/**
 * Partition reassignment on real broker processes (brokers 1-3 running, broker 4 started for the
 * last test), through `samsa reassign-partitions`' tool run in-process with the real admin
 * client:
 * - [1,2] → [2,3] of a partition with data completes: the new replica's log is byte-identical to
 *   the leader's, every record is readable, broker 1's log directory is deleted, and --verify
 *   says complete;
 * - a reassignment from `/admin/reassign_partitions` to a broker that is down stays in progress
 *   (--list, --verify), and --cancel reverts it and removes the znode;
 * - a reassignment whose new replica cannot catch up yet survives the controller's failover: the
 *   new controller resumes it from the topic's assignment and completes it once the replica
 *   catches up.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import yargs from 'yargs';
import { Samsa } from '../../client';
import { reassignPartitionsCommand } from '../../ops/commands/reassign-partitions';
import { runReassignCommand } from '../../ops/tools/reassign-partitions/reassign-command';
import {
  ReassignFlags,
  parseReassignCommand,
} from '../../ops/tools/reassign-partitions/reassign-options';
import * as reassignPartitions from '../../zk-schema/znodes/reassign-partitions';
import * as topicAssignment from '../../zk-schema/znodes/topic-assignment';
import { tempDir, useHarness, waitFor } from '../harness';
import { CollectedOutput } from '../ops/tools/collected-output';
import { TestCluster } from './cluster-harness';

useHarness();

const RECORDS = 200;
let cluster: TestCluster;
let dir: string;

beforeAll(async () => {
  cluster = await TestCluster.start({ label: 'reassignment', brokers: 4, start: false });
  for (const id of [1, 2, 3]) cluster.broker(id).start();
  await cluster.waitForBrokers([1, 2, 3]);
  await cluster.waitForController();
  dir = await tempDir('reassignment-plans');
});

function client(): Samsa {
  const live = cluster.brokers.filter((b) => b.running).map((b) => b.address);
  return new Samsa({ clientId: 'reassignment-test', brokers: live });
}

/** Runs `samsa reassign-partitions` in-process against the running brokers. */
async function reassign(flags: ReassignFlags): Promise<{ code: number; out: string }> {
  const live = cluster.brokers.filter((b) => b.running).map((b) => b.address);
  const output = new CollectedOutput();
  const code = await runReassignCommand(
    parseReassignCommand({ 'bootstrap-server': live.join(','), ...flags }),
    client().admin(),
    output,
  );
  return { code, out: output.out };
}

/** Runs the `samsa reassign-partitions` command module in-process; resolves to its output. */
async function reassignCommandLine(args: string[]): Promise<{ code: number; out: string }> {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  const before = process.exitCode;
  try {
    await yargs()
      .command(reassignPartitionsCommand)
      .strict()
      .fail(false)
      .parseAsync(['reassign-partitions', ...args]);
    return { code: Number(process.exitCode ?? 0), out: written.join('') };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

async function planFile(name: string, topic: string, replicas: number[]): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(
    file,
    JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas }] }),
  );
  return file;
}

async function createTopic(topic: string, replicas: number[], records: number): Promise<void> {
  const c = client();
  const admin = c.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, replicaAssignment: [{ partition: 0, replicas }] }],
      timeout: 20000,
    });
  } finally {
    await admin.disconnect();
  }
  const producer = c.producer({ acks: 'all' });
  await producer.connect();
  try {
    const messages = [...Array(records).keys()].map((i) => ({
      value: `record-${i}`,
      partition: 0,
    }));
    for (let i = 0; i < messages.length; i += 50) {
      await producer.send({ topic, messages: messages.slice(i, i + 50) });
    }
  } finally {
    await producer.disconnect();
  }
}

async function assignment(topic: string): Promise<string> {
  const { data } = await cluster.zk.getData(topicAssignment.path(topic));
  return (data ?? Buffer.alloc(0)).toString('utf8');
}

async function waitForAssignment(topic: string, replicas: number[]): Promise<void> {
  const done = `{"version":2,"partitions":{"0":[${replicas.join(',')}]},"adding_replicas":{},"removing_replicas":{}}`;
  await waitFor(async () => (await assignment(topic)) === done, {
    timeoutMs: 30000,
    what: `${topic}-0 reassigned to [${replicas.join(',')}]`,
  });
}

async function verifyComplete(file: string, topic: string): Promise<void> {
  const complete = `Status of partition reassignment:\nReassignment of partition ${topic}-0 is complete.\n\n`;
  await waitFor(
    async () => (await reassign({ verify: true, 'reassignment-json-file': file })).out === complete,
    {
      timeoutMs: 20000,
      what: `--verify to report ${topic}-0 complete`,
    },
  );
}

function segment(broker: number, topic: string): string {
  return path.join(cluster.broker(broker).logDir, `${topic}-0`, '00000000000000000000.log');
}

test('[1,2] → [2,3] of a partition with data completes; the new replica has every record', async () => {
  await createTopic('moving', [1, 2], RECORDS);
  const file = await planFile('moving.json', 'moving', [2, 3]);

  const run = await reassign({ execute: true, 'reassignment-json-file': file });
  expect(run).toEqual({
    code: 0,
    out:
      'Current partition replica assignment\n\n' +
      '{"version":1,"partitions":[{"topic":"moving","partition":0,"replicas":[1,2],"log_dirs":["any","any"]}]}\n\n' +
      'Save this to use as the --reassignment-json-file option during rollback\n' +
      'Successfully started partition reassignment for moving-0\n',
  });
  await waitForAssignment('moving', [2, 3]);
  await verifyComplete(file, 'moving');

  await waitFor(() => !existsSync(path.dirname(segment(1, 'moving'))), {
    timeoutMs: 20000,
    what: "broker 1's moving-0 log directory to be deleted",
  });
  await waitFor(
    async () =>
      Buffer.compare(
        await fs.readFile(segment(2, 'moving')),
        await fs.readFile(segment(3, 'moving')),
      ) === 0,
    { timeoutMs: 20000, what: 'the logs of brokers 2 and 3 to be identical' },
  );
  const admin = client().admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchTopicOffsets('moving');
    expect(offsets).toMatchObject({ partition: 0, low: 0, high: RECORDS });
    const metadata = await admin.fetchTopicMetadata({ topics: ['moving'] });
    expect(metadata.topics[0].partitions[0]).toMatchObject({ replicas: [2, 3] });
    expect([2, 3]).toContain(metadata.topics[0].partitions[0].leader);
  } finally {
    await admin.disconnect();
  }
  const consumer = client().consumer({ maxWaitTimeInMs: 100 });
  await consumer.connect();
  const received: string[] = [];
  try {
    consumer.assign([{ topic: 'moving', partition: 0 }], { fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.value?.toString() ?? '');
      },
    });
    await waitFor(() => received.length >= RECORDS, { timeoutMs: 20000, what: 'every record' });
  } finally {
    await consumer.disconnect();
  }
  expect(received).toEqual([...Array(RECORDS).keys()].map((i) => `record-${i}`));
});

test('a reassignment to a broker that is down stays in progress until cancelled', async () => {
  await createTopic('stuck', [1, 2], 10);
  await cluster.zk.create(
    reassignPartitions.path(),
    reassignPartitions.encode({ partitions: [{ topic: 'stuck', partition: 0, replicas: [2, 4] }] }),
  );
  await waitFor(async () => (await assignment('stuck')).includes('"adding_replicas":{"0":[4]}'), {
    timeoutMs: 20000,
    what: 'the reassignment to be recorded',
  });
  expect(await reassign({ list: true })).toEqual({
    code: 0,
    out: 'Current partition reassignments:\nstuck-0: replicas: 2,4,1. adding: 4. removing: 1.\n',
  });
  const file = await planFile('stuck.json', 'stuck', [2, 4]);
  expect(await reassign({ verify: true, 'reassignment-json-file': file })).toEqual({
    code: 0,
    out: 'Status of partition reassignment:\nReassignment of partition stuck-0 is still in progress.\n\n',
  });

  expect(await reassign({ cancel: true, 'reassignment-json-file': file })).toEqual({
    code: 0,
    out:
      'Successfully cancelled partition reassignment for: stuck-0\n' +
      'None of the specified partition moves are active.\n',
  });
  // Kafka's originReplicas keep the order the reassignment gave them.
  await waitForAssignment('stuck', [2, 1]);
  expect(await cluster.zk.exists(reassignPartitions.path())).toBeNull();
  const live = cluster.brokers.filter((b) => b.running).map((b) => b.address);
  expect(await reassignCommandLine(['--bootstrap-server', live.join(','), '--list'])).toEqual({
    code: 0,
    out: 'No partition reassignments found.\n',
  });
});

test('a reassignment in progress survives a controller failover and completes', async () => {
  // Broker 4's session outlives a pause long enough for the failover.
  const four = cluster.broker(4);
  four.start({ 'zookeeper.session.timeout.ms': '30000' });
  await cluster.waitForBrokers([1, 2, 3, 4]);
  await createTopic('survivor', [1, 2], 50);

  process.kill(four.pid, 'SIGSTOP');
  try {
    const admin = client().admin();
    await admin.connect();
    try {
      const results = await admin.alterPartitionReassignments({
        topics: [{ topic: 'survivor', partitionAssignment: [{ partition: 0, replicas: [2, 4] }] }],
      });
      expect(results).toEqual([{ topic: 'survivor', partition: 0, error: null }]);
    } finally {
      await admin.disconnect();
    }
    const old = await cluster.waitForController();
    await cluster.broker(old.brokerId).stop('SIGTERM');
    await cluster.waitForController((c) => c.brokerId !== old.brokerId && c.epoch > old.epoch);
    expect(await reassign({ list: true })).toEqual({
      code: 0,
      out: 'Current partition reassignments:\nsurvivor-0: replicas: 2,4,1. adding: 4. removing: 1.\n',
    });
    cluster.broker(old.brokerId).start();
  } finally {
    process.kill(four.pid, 'SIGCONT');
  }
  await waitForAssignment('survivor', [2, 4]);
  await verifyComplete(await planFile('survivor.json', 'survivor', [2, 4]), 'survivor');
  await waitFor(
    async () =>
      Buffer.compare(
        await fs.readFile(segment(2, 'survivor')),
        await fs.readFile(segment(4, 'survivor')),
      ) === 0,
    { timeoutMs: 20000, what: 'the logs of brokers 2 and 4 to be identical' },
  );
});
