/**
 * `samsa reassign-partitions` actions over a fake admin client, with Kafka 2.8's output:
 * --generate (current and proposed plans), --execute (rollback plan, start, the checks before
 * it), --verify (complete / in progress / different replica set), --cancel and --list; failures
 * print `Error: ...` or Kafka's terse message and give exit code 1.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KafkaError } from '../../../../client/errors';
import { runReassignCommand } from '../../../../ops/tools/reassign-partitions/reassign-command';
import {
  ReassignFlags,
  parseReassignCommand,
} from '../../../../ops/tools/reassign-partitions/reassign-options';
import { tempDir } from '../../../harness';
import { CollectedOutput } from '../collected-output';
import { FakeReassignAdmin } from './fake-reassign-admin';

async function file(name: string, content: string): Promise<string> {
  const dir = await tempDir('reassign-command');
  const target = path.join(dir, name);
  await fs.writeFile(target, content);
  return target;
}

async function run(admin: FakeReassignAdmin, flags: ReassignFlags) {
  const output = new CollectedOutput();
  const code = await runReassignCommand(
    parseReassignCommand({ 'bootstrap-server': 'localhost:9092', ...flags }),
    admin,
    output,
  );
  return { code, out: output.out };
}

function cluster(): FakeReassignAdmin {
  const admin = new FakeReassignAdmin();
  admin.topics.set('foo', [
    [1, 2],
    [2, 3],
  ]);
  admin.topics.set('bar', [[3, 1]]);
  return admin;
}

const plan = (partitions: { topic: string; partition: number; replicas: number[] }[]) =>
  JSON.stringify({ version: 1, partitions });

describe('--generate', () => {
  it('prints the current assignment and a proposal over the given brokers', async () => {
    const admin = cluster();
    const topics = await file('topics.json', '{"topics":[{"topic":"foo"}],"version":1}');
    const { code, out } = await run(admin, {
      generate: true,
      'topics-to-move-json-file': topics,
      'broker-list': '2,3',
    });
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('Current partition replica assignment');
    expect(lines[1]).toBe(
      '{"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[1,2],"log_dirs":["any","any"]},' +
        '{"topic":"foo","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}',
    );
    expect(lines[2]).toBe('');
    expect(lines[3]).toBe('Proposed partition reassignment configuration');
    const proposed = JSON.parse(lines[4]) as { partitions: { replicas: number[] }[] };
    expect(proposed.partitions.map((p) => [...p.replicas].sort())).toEqual([
      [2, 3],
      [2, 3],
    ]);
    // Leaders spread round-robin over the brokers.
    expect(new Set(proposed.partitions.map((p) => p.replicas[0]))).toEqual(new Set([2, 3]));
    expect(lines.slice(5)).toEqual(['']);
    expect(admin.alterRequests).toEqual([]);
  });

  it('fails on an unknown topic and on too few brokers', async () => {
    const topics = await file('t.json', '{"topics":[{"topic":"nope"}],"version":1}');
    expect(
      await run(cluster(), {
        generate: true,
        'topics-to-move-json-file': topics,
        'broker-list': '1',
      }),
    ).toEqual({
      code: 1,
      out: 'Error: Topic nope not found.\n',
    });
    const foo = await file('foo.json', '{"topics":[{"topic":"foo"}]}');
    expect(
      await run(cluster(), {
        generate: true,
        'topics-to-move-json-file': foo,
        'broker-list': '1,7',
      }),
    ).toEqual({
      code: 1,
      out: 'Error: Replication factor: 2 larger than available brokers: 1.\n',
    });
  });
});

describe('--execute', () => {
  it('prints the rollback plan and starts the reassignments', async () => {
    const admin = cluster();
    const json = await file(
      'plan.json',
      plan([
        { topic: 'foo', partition: 1, replicas: [3, 1] },
        { topic: 'bar', partition: 0, replicas: [1, 2] },
      ]),
    );
    const { code, out } = await run(admin, { execute: true, 'reassignment-json-file': json });
    expect(code).toBe(0);
    expect(out).toBe(
      'Current partition replica assignment\n\n' +
        '{"version":1,"partitions":[{"topic":"bar","partition":0,"replicas":[3,1],"log_dirs":["any","any"]},' +
        '{"topic":"foo","partition":1,"replicas":[2,3],"log_dirs":["any","any"]}]}\n\n' +
        'Save this to use as the --reassignment-json-file option during rollback\n' +
        'Successfully started partition reassignments for bar-0,foo-1\n',
    );
    expect(admin.alterRequests).toEqual([
      [
        { topic: 'foo', partitionAssignment: [{ partition: 1, replicas: [3, 1] }] },
        { topic: 'bar', partitionAssignment: [{ partition: 0, replicas: [1, 2] }] },
      ],
    ]);
    expect(admin.connected).toBe(false);
  });

  it('refuses while a reassignment is in progress, unless --additional', async () => {
    const admin = cluster();
    admin.ongoing.set('foo-0', {
      topic: 'foo',
      partition: 0,
      replicas: [2, 3, 1],
      addingReplicas: [3],
      removingReplicas: [1],
    });
    const json = await file('plan.json', plan([{ topic: 'bar', partition: 0, replicas: [1, 2] }]));
    expect(await run(admin, { execute: true, 'reassignment-json-file': json })).toEqual({
      code: 1,
      out:
        'Cannot execute because there is an existing partition assignment.  Use --additional to ' +
        'override this and create a new partition assignment in addition to the existing one. The ' +
        '--additional flag can also be used to change the throttle by resubmitting the current ' +
        'reassignment.\n',
    });
    const additional = await run(admin, {
      execute: true,
      'reassignment-json-file': json,
      additional: true,
    });
    expect(additional.code).toBe(0);
    expect(additional.out).toContain('Successfully started partition reassignment for bar-0\n');
  });

  it('refuses unknown brokers and reports the partitions the controller refused', async () => {
    const admin = cluster();
    const unknown = await file(
      'plan.json',
      plan([{ topic: 'foo', partition: 0, replicas: [1, 4] }]),
    );
    expect(await run(admin, { execute: true, 'reassignment-json-file': unknown })).toEqual({
      code: 1,
      out: 'Error: Unknown broker id 4\n',
    });
    admin.failures.set(
      'foo-0',
      new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', 'The partition does not exist.', {
        broker: 1,
        topic: 'foo',
        partition: 0,
      }),
    );
    const refused = await file('p.json', plan([{ topic: 'foo', partition: 0, replicas: [2, 3] }]));
    const { code, out } = await run(admin, { execute: true, 'reassignment-json-file': refused });
    expect(code).toBe(1);
    expect(
      out.endsWith('Error reassigning partition(s):\nfoo-0: The partition does not exist.\n'),
    ).toBe(true);
  });

  it('checks the plan before contacting the cluster', async () => {
    const admin = cluster();
    const json = await file('plan.json', '{"version":1,"partitions":[]}');
    expect(await run(admin, { execute: true, 'reassignment-json-file': json })).toEqual({
      code: 1,
      out: 'Error: Partition reassignment list cannot be empty\n',
    });
    expect(admin.listRequests).toEqual([]);
  });
});

describe('--verify', () => {
  it('reports complete, in progress, and a replica set that differs', async () => {
    const admin = cluster();
    admin.ongoing.set('foo-1', {
      topic: 'foo',
      partition: 1,
      replicas: [3, 1, 2],
      addingReplicas: [1],
      removingReplicas: [2],
    });
    const json = await file(
      'plan.json',
      plan([
        { topic: 'foo', partition: 1, replicas: [3, 1] },
        { topic: 'foo', partition: 0, replicas: [1, 2] },
        { topic: 'bar', partition: 0, replicas: [1, 2] },
      ]),
    );
    expect(await run(admin, { verify: true, 'reassignment-json-file': json })).toEqual({
      code: 0,
      out:
        'Status of partition reassignment:\n' +
        'There is no active reassignment of partition bar-0, but replica set is 3,1 rather than 1,2.\n' +
        'Reassignment of partition foo-0 is complete.\n' +
        'Reassignment of partition foo-1 is still in progress.\n\n',
    });
  });
});

describe('--cancel', () => {
  it('cancels the listed partitions that are being reassigned', async () => {
    const admin = cluster();
    admin.ongoing.set('foo-1', {
      topic: 'foo',
      partition: 1,
      replicas: [3, 1, 2],
      addingReplicas: [1],
      removingReplicas: [2],
    });
    const json = await file(
      'plan.json',
      plan([
        { topic: 'foo', partition: 1, replicas: [3, 1] },
        { topic: 'foo', partition: 0, replicas: [1, 2] },
      ]),
    );
    expect(await run(admin, { cancel: true, 'reassignment-json-file': json })).toEqual({
      code: 0,
      out:
        'Successfully cancelled partition reassignment for: foo-1\n' +
        'None of the specified partition moves are active.\n',
    });
    expect(admin.listRequests).toEqual([[{ topic: 'foo', partitions: [1, 0] }]]);
    expect(admin.alterRequests).toEqual([
      [{ topic: 'foo', partitionAssignment: [{ partition: 1, replicas: null }] }],
    ]);
  });

  it('says so when none is active', async () => {
    const json = await file('plan.json', plan([{ topic: 'foo', partition: 0, replicas: [1, 2] }]));
    expect(await run(cluster(), { cancel: true, 'reassignment-json-file': json })).toEqual({
      code: 0,
      out:
        'None of the specified partition reassignments are active.\n' +
        'None of the specified partition moves are active.\n',
    });
  });
});

describe('--list', () => {
  it('lists the reassignments in progress, or none', async () => {
    const admin = cluster();
    expect(await run(admin, { list: true })).toEqual({
      code: 0,
      out: 'No partition reassignments found.\n',
    });
    admin.ongoing.set('foo-1', {
      topic: 'foo',
      partition: 1,
      replicas: [3, 1, 2],
      addingReplicas: [1],
      removingReplicas: [2],
    });
    admin.ongoing.set('bar-0', {
      topic: 'bar',
      partition: 0,
      replicas: [1, 3],
      addingReplicas: [],
      removingReplicas: [3],
    });
    expect(await run(admin, { list: true })).toEqual({
      code: 0,
      out:
        'Current partition reassignments:\n' +
        'bar-0: replicas: 1,3. removing: 3.\n' +
        'foo-1: replicas: 3,1,2. adding: 1. removing: 2.\n',
    });
  });
});
