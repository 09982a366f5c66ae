import { UsageError } from '../../../../ops/tools/console/command-line';
import { runConsumerGroupCommand } from '../../../../ops/tools/consumer-groups/group-command';
import {
  ConsumerGroupFlags,
  DRY_RUN_WARNING,
  parseConsumerGroupCommand,
} from '../../../../ops/tools/consumer-groups/group-options';
import { CollectedOutput } from '../collected-output';
import { FakeGroupAdmin } from './fake-group-admin';

const NOW = Date.UTC(2021, 5, 1, 12, 0, 0);

async function run(
  admin: FakeGroupAdmin,
  flags: ConsumerGroupFlags,
  files: Record<string, string> = {},
) {
  const output = new CollectedOutput();
  const code = await runConsumerGroupCommand(
    parseConsumerGroupCommand({ 'bootstrap-server': 'localhost:9092', ...flags }),
    admin,
    output,
    {
      now: () => NOW,
      readFile: async (file) => {
        if (!(file in files)) throw new Error(`no file ${file}`);
        return files[file];
      },
    },
  );
  expect(admin.connected).toBe(false);
  return { code, out: output.out, err: output.err };
}

/** A cluster with a Stable group of two members, an Empty group and a Connect group. */
function cluster(): FakeGroupAdmin {
  const admin = new FakeGroupAdmin();
  admin.addTopic('orders', [
    {
      start: 0,
      end: 10,
      times: [
        [1000, 2],
        [2000, 6],
      ],
    },
    { start: 0, end: 7 },
    { start: 2, end: 4, times: [[1000, 3]] },
  ]);
  admin.addTopic('audit', [{ start: 0, end: 3 }]);
  admin.addGroup('orders-app', {
    members: [
      {
        memberId: 'consumer-2-bbbb',
        clientId: 'consumer-2',
        clientHost: '/10.0.0.2',
        assignment: { orders: [2] },
      },
      { memberId: 'consumer-1-aaaa', clientId: 'consumer-1', assignment: { orders: [1, 0] } },
    ],
    offsets: new Map([
      ['orders-0', 5],
      ['orders-1', 7],
      ['audit-0', 3],
    ]),
  });
  admin.addGroup('billing', {
    state: 'Empty',
    protocol: '',
    offsets: new Map([
      ['orders-0', 8],
      ['orders-2', 3],
    ]),
    coordinator: 2,
  });
  admin.addGroup('connect-sink', { protocolType: 'connect' });
  return admin;
}

describe('consumer-groups --list', () => {
  it('prints the consumer groups (protocol type consumer), one per line', async () => {
    const { code, out } = await run(cluster(), { list: true });
    expect(code).toBe(0);
    expect(out).toBe('orders-app\nbilling\n');
  });

  it('--state prints a GROUP STATE table, the GROUP column at least 15 wide', async () => {
    const { out } = await run(cluster(), { list: true, state: '' });
    expect(out).toBe(
      'GROUP           STATE\n' + 'orders-app      Stable\n' + 'billing         Empty\n',
    );
  });

  it('--state with a list keeps only groups in those states (any case)', async () => {
    const admin = cluster();
    admin.addGroup('a-very-long-consumer-group-name', { state: 'Empty' });
    const { out } = await run(admin, { list: true, state: 'empty' });
    expect(out).toBe(
      'GROUP                           STATE\n' +
        'billing                         Empty\n' +
        'a-very-long-consumer-group-name Empty\n',
    );
  });
});

describe('consumer-groups --describe (offsets view)', () => {
  it("prints Kafka's table: members with most partitions first, then committed partitions nobody owns", async () => {
    const { code, out, err } = await run(cluster(), { describe: true, group: 'orders-app' });
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(
      '\n' +
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
        'orders-app      orders          0          5               10              5               consumer-1-aaaa /127.0.0.1      consumer-1\n' +
        'orders-app      orders          1          7               7               0               consumer-1-aaaa /127.0.0.1      consumer-1\n' +
        'orders-app      orders          2          -               4               -               consumer-2-bbbb /10.0.0.2       consumer-2\n' +
        'orders-app      audit           0          3               3               0               -               -               -\n',
    );
  });

  it('widens GROUP, TOPIC, CONSUMER-ID and HOST to their longest value', async () => {
    const admin = new FakeGroupAdmin();
    admin.addTopic('a-topic-with-a-long-name', [{ start: 0, end: 1 }]);
    admin.addGroup('group-with-a-long-name', {
      members: [
        {
          memberId: 'consumer-1-0123456789abcdef',
          clientHost: '/192.168.100.200',
          assignment: { 'a-topic-with-a-long-name': [0] },
        },
      ],
    });
    const { out } = await run(admin, { describe: true, group: 'group-with-a-long-name' });
    expect(out.split('\n')).toEqual([
      '',
      'GROUP                  TOPIC                    PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID                 HOST             CLIENT-ID',
      'group-with-a-long-name a-topic-with-a-long-name 0          -               1               -               consumer-1-0123456789abcdef /192.168.100.200 consumer-1',
      '',
    ]);
  });

  it('an Empty group: "has no active members." on stderr, then its committed offsets without owners', async () => {
    const { code, out, err } = await run(cluster(), { describe: true, group: 'billing' });
    expect(code).toBe(0);
    expect(err).toBe("\nConsumer group 'billing' has no active members.\n");
    expect(out).toBe(
      '\n' +
        'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n' +
        'billing         orders          0          8               10              2               -               -               -\n' +
        'billing         orders          2          3               4               1               -               -               -\n',
    );
  });

  it('an Empty group without offsets prints only the notice', async () => {
    const admin = cluster();
    admin.addGroup('idle', { state: 'Empty' });
    const { out, err } = await run(admin, { describe: true, group: 'idle' });
    expect(err).toBe("\nConsumer group 'idle' has no active members.\n");
    expect(out).toBe('');
  });

  it('a rebalancing group gets the warning on stderr', async () => {
    const admin = cluster();
    (admin.groups.get('orders-app') as { state: string }).state = 'PreparingRebalance';
    const { err } = await run(admin, { describe: true, group: 'orders-app' });
    expect(err).toBe("\nWarning: Consumer group 'orders-app' is rebalancing.\n");
  });

  it('a group that does not exist: "Error: Consumer group \'g\' does not exist." and exit code 1', async () => {
    const { code, out } = await run(cluster(), { describe: true, group: 'nobody' });
    expect(code).toBe(1);
    expect(out).toBe("\nError: Consumer group 'nobody' does not exist.\n");
  });

  it('--all-groups describes every consumer group, sorted by group id', async () => {
    const { out, err } = await run(cluster(), { describe: true, 'all-groups': true });
    const headers = out.split('\n').filter((line) => line.startsWith('GROUP '));
    expect(headers).toHaveLength(2);
    expect(out.indexOf('billing ')).toBeLessThan(out.indexOf('orders-app '));
    expect(err).toBe("\nConsumer group 'billing' has no active members.\n");
  });

  it('a group of another protocol type is an error', async () => {
    const { code, out } = await run(cluster(), { describe: true, group: 'connect-sink' });
    expect(code).toBe(1);
    expect(out).toBe(
      '\nError: Executing consumer group command failed due to GroupId connect-sink is not a consumer group (connect).\n',
    );
  });

  it('a committed topic that no longer exists shows - for its log end offset and lag', async () => {
    const admin = cluster();
    admin.topics.delete('audit');
    const { out } = await run(admin, { describe: true, group: 'orders-app' });
    expect(out).toContain(
      'orders-app      audit           0          3               -               -               -               -               -\n',
    );
  });
});

describe('consumer-groups --describe --members', () => {
  it('prints GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS, each line ending in a space', async () => {
    const { out } = await run(cluster(), { describe: true, group: 'orders-app', members: true });
    expect(out).toBe(
      '\n' +
        'GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n' +
        'orders-app      consumer-2-bbbb /10.0.0.2       consumer-2      1               \n' +
        'orders-app      consumer-1-aaaa /127.0.0.1      consumer-1      2               \n',
    );
  });

  it('--verbose adds the ASSIGNMENT column: topic(partitions), sorted', async () => {
    const admin = cluster();
    admin.groups.get('orders-app')?.members.push({
      memberId: 'consumer-3-cccc',
      clientId: 'consumer-3',
      assignment: { orders: [], audit: [0] },
    });
    admin.groups
      .get('orders-app')
      ?.members.push({ memberId: 'consumer-4-dddd', clientId: 'consumer-4' });
    (
      admin.groups.get('orders-app')?.members[1] as { assignment: Record<string, number[]> }
    ).assignment = {
      orders: [1, 0],
      audit: [0],
    };
    const { out } = await run(admin, {
      describe: true,
      group: 'orders-app',
      members: true,
      verbose: true,
    });
    expect(out).toBe(
      '\n' +
        'GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT\n' +
        'orders-app      consumer-2-bbbb /10.0.0.2       consumer-2      1               orders(2)\n' +
        'orders-app      consumer-1-aaaa /127.0.0.1      consumer-1      3               audit(0), orders(0,1)\n' +
        'orders-app      consumer-3-cccc /127.0.0.1      consumer-3      1               audit(0)\n' +
        'orders-app      consumer-4-dddd /127.0.0.1      consumer-4      0               -\n',
    );
  });

  it('adds GROUP-INSTANCE-ID (at least 17 wide) when a member is static', async () => {
    const admin = cluster();
    const members = admin.groups.get('orders-app')?.members ?? [];
    members[0].groupInstanceId = 'pod-a';
    const { out } = await run(admin, { describe: true, group: 'orders-app', members: true });
    expect(out).toBe(
      '\n' +
        'GROUP           CONSUMER-ID     GROUP-INSTANCE-ID HOST            CLIENT-ID       #PARTITIONS     \n' +
        'orders-app      consumer-2-bbbb pod-a             /10.0.0.2       consumer-2      1               \n' +
        'orders-app      consumer-1-aaaa                   /127.0.0.1      consumer-1      2               \n',
    );
  });

  it('an Empty group: only the notice', async () => {
    const { out, err } = await run(cluster(), { describe: true, group: 'billing', members: true });
    expect(out).toBe('');
    expect(err).toBe("\nConsumer group 'billing' has no active members.\n");
  });
});

describe('consumer-groups --describe --state', () => {
  it('prints GROUP COORDINATOR (ID) ASSIGNMENT-STRATEGY STATE #MEMBERS', async () => {
    const { out } = await run(cluster(), { describe: true, group: 'orders-app', state: '' });
    expect(out).toBe(
      '\n' +
        'GROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\n' +
        'orders-app                broker-1:9092 (1)         range                Stable          2\n',
    );
  });

  it('sizes the GROUP column by the coordinator text, as Kafka does', async () => {
    const admin = cluster();
    admin.brokers.set(2, { host: 'a-broker-with-a-long-host-name', port: 19092 });
    const { out, err } = await run(admin, { describe: true, group: 'billing', state: '' });
    expect(err).toBe("\nConsumer group 'billing' has no active members.\n");
    expect(out).toBe(
      '\n' +
        'GROUP                                    COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS\n' +
        'billing                                  a-broker-with-a-long-host-name:19092 (2)                      Empty           0\n',
    );
  });

  it('a group that does not exist is an error', async () => {
    const { code, out } = await run(cluster(), { describe: true, group: 'nobody', state: '' });
    expect(code).toBe(1);
    expect(out).toBe("\nError: Consumer group 'nobody' does not exist.\n");
  });
});

describe('consumer-groups --delete', () => {
  it('deletes groups and prints the success line', async () => {
    const admin = cluster();
    admin.addGroup('old', { state: 'Empty' });
    const { code, out } = await run(admin, { delete: true, group: ['billing', 'old'] });
    expect(code).toBe(0);
    expect(out).toBe("Deletion of requested consumer groups ('billing', 'old') was successful.\n");
    expect(admin.groups.has('billing')).toBe(false);
  });

  it("reports each group that could not be deleted with Kafka's exception text, then those deleted", async () => {
    const { code, out } = await run(cluster(), {
      delete: true,
      group: ['orders-app', 'nobody', 'billing'],
    });
    expect(code).toBe(1);
    expect(out).toBe(
      '\nError: Deletion of some consumer groups failed:\n' +
        "* Group 'orders-app' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n" +
        "* Group 'nobody' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n" +
        "\nThese consumer groups were deleted successfully: 'billing'\n",
    );
  });
});

describe('consumer-groups --reset-offsets', () => {
  const header =
    'GROUP                          TOPIC                          PARTITION  NEW-OFFSET     ';
  const row = (group: string, topic: string, partition: number, offset: number) =>
    `${group.padEnd(30)} ${topic.padEnd(30)} ${String(partition).padEnd(10)} ${String(offset).padEnd(15)}`;

  it('is a dry run by default: warns, prints the plan and commits nothing', async () => {
    const admin = cluster();
    const { code, out, err } = await run(admin, {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders',
      'to-earliest': true,
    });
    expect(code).toBe(0);
    expect(err).toBe(`${DRY_RUN_WARNING}\n`);
    expect(out.split('\n')).toEqual([
      '',
      header,
      row('billing', 'orders', 0, 0),
      row('billing', 'orders', 1, 0),
      row('billing', 'orders', 2, 2),
      '',
    ]);
    expect(admin.calls).toEqual([]);
  });

  it('--execute commits the plan', async () => {
    const admin = cluster();
    const { out, err } = await run(admin, {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders:0,2',
      'to-latest': true,
      execute: true,
    });
    expect(err).toBe('');
    expect(out).toContain(row('billing', 'orders', 0, 10));
    expect(admin.calls).toEqual(['setOffsets billing orders 0=10,2=4']);
    expect(admin.groups.get('billing')?.offsets.get('orders-0')).toBe(10);
  });

  it("refuses a group with members, with Kafka's message (and its header), exit code 1", async () => {
    const admin = cluster();
    const { code, out } = await run(admin, {
      'reset-offsets': true,
      group: 'orders-app',
      'all-topics': true,
      'to-earliest': true,
      execute: true,
    });
    expect(code).toBe(1);
    expect(out).toBe(
      "\nError: Assignments can only be reset if the group 'orders-app' is inactive, but the current state is Stable.\n" +
        `\n${header}\n`,
    );
    expect(admin.calls).toEqual([]);
  });

  it('resets a group that does not exist yet (it is Dead), creating its offsets', async () => {
    const admin = cluster();
    const { code } = await run(admin, {
      'reset-offsets': true,
      group: 'fresh',
      topic: 'audit',
      'to-offset': '2',
      execute: true,
    });
    expect(code).toBe(0);
    expect(admin.calls).toEqual(['setOffsets fresh audit 0=2']);
  });

  it('--all-topics resets the partitions the group has committed', async () => {
    const { out } = await run(cluster(), {
      'reset-offsets': true,
      group: 'billing',
      'all-topics': true,
      'to-current': true,
    });
    expect(out.split('\n').slice(2, -1)).toEqual([
      row('billing', 'orders', 0, 8),
      row('billing', 'orders', 2, 3),
    ]);
  });

  it('--to-current uses the log end offset where nothing is committed', async () => {
    const { out } = await run(cluster(), {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders',
      'to-current': true,
    });
    expect(out.split('\n').slice(2, -1)).toEqual([
      row('billing', 'orders', 0, 8),
      row('billing', 'orders', 1, 7),
      row('billing', 'orders', 2, 3),
    ]);
  });

  it('--to-offset and --shift-by clamp to [log start, log end] with WARN lines', async () => {
    const high = await run(cluster(), {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders:0',
      'to-offset': '50',
    });
    expect(high.out).toContain(row('billing', 'orders', 0, 10));
    expect(high.err).toMatch(
      /\] WARN New offset \(50\) is higher than latest offset for topic partition orders-0\. Value will be set to 10 \(kafka\.admin\.ConsumerGroupCommand\$\)\n$/,
    );
    const low = await run(cluster(), {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders:2',
      'shift-by': '-2',
    });
    expect(low.out).toContain(row('billing', 'orders', 2, 2));
    expect(low.err).toMatch(
      /WARN New offset \(1\) is lower than earliest offset for topic partition orders-2\. Value will be set to 2 /,
    );
  });

  it('--shift-by without a committed offset is a usage error', async () => {
    const admin = cluster();
    await expect(
      run(admin, { 'reset-offsets': true, group: 'billing', topic: 'orders:1', 'shift-by': '1' }),
    ).rejects.toThrow(
      new UsageError(
        'Cannot shift offset for partition orders-1 since there is no current committed offset',
      ),
    );
    expect(admin.connected).toBe(false);
  });

  it('--to-datetime asks the offsets by timestamp and uses the log end where none', async () => {
    const admin = cluster();
    const { out } = await run(admin, {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders',
      'to-datetime': '1970-01-01T00:00:01.500',
    });
    expect(admin.calls).toEqual(['fetchTopicOffsetsByTimestamp orders 1500']);
    expect(out.split('\n').slice(2, -1)).toEqual([
      row('billing', 'orders', 0, 6),
      row('billing', 'orders', 1, 7),
      row('billing', 'orders', 2, 4),
    ]);
  });

  it('--by-duration looks up now minus the duration', async () => {
    const admin = cluster();
    await run(admin, {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders',
      'by-duration': 'PT1H30M',
    });
    expect(admin.calls).toEqual([`fetchTopicOffsetsByTimestamp orders ${NOW - 5_400_000}`]);
  });

  it('--export prints CSV (topic,partition,offset for one group) that --from-file reads back', async () => {
    const exported = await run(cluster(), {
      'reset-offsets': true,
      group: 'billing',
      topic: 'orders:0,1',
      'to-offset': '6',
      export: true,
    });
    expect(exported.out).toBe('orders,0,6\norders,1,6\n\n');
    const admin = cluster();
    const imported = await run(
      admin,
      {
        'reset-offsets': true,
        group: 'billing',
        'from-file': 'plan.csv',
        execute: true,
      },
      { 'plan.csv': exported.out },
    );
    expect(imported.code).toBe(0);
    expect(admin.calls).toEqual(['setOffsets billing orders 0=6,1=6']);
  });

  it('--from-file with several groups reads group,topic,partition,offset lines', async () => {
    const admin = cluster();
    admin.addGroup('other', { state: 'Empty' });
    const { out } = await run(
      admin,
      { 'reset-offsets': true, group: ['billing', 'other'], 'from-file': 'plan.csv' },
      { 'plan.csv': 'billing,orders,0,1\nother,audit,0,9\n' },
    );
    expect(out.split('\n').slice(2, -1)).toEqual([
      row('billing', 'orders', 0, 1),
      row('other', 'audit', 0, 3),
    ]);
  });

  it('an unknown topic fails the command with the broker error', async () => {
    const { code, out } = await run(cluster(), {
      'reset-offsets': true,
      group: 'billing',
      topic: 'missing',
      'to-earliest': true,
    });
    expect(code).toBe(1);
    expect(out).toBe(
      '\nError: Executing consumer group command failed due to This server does not host this topic-partition.\n',
    );
  });
});
