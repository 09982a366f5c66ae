import { KafkaError } from '../../../../client/errors';
import { runTopicCommand } from '../../../../ops/tools/topics/topic-command';
import { TopicCommandFlags, parseTopicCommand } from '../../../../ops/tools/topics/topic-options';
import { CollectedOutput } from '../collected-output';
import { FakeAdmin } from '../fake-admin';

async function run(admin: FakeAdmin, flags: TopicCommandFlags) {
  const output = new CollectedOutput();
  const code = await runTopicCommand(
    parseTopicCommand({ 'bootstrap-server': 'localhost:9092', ...flags }),
    admin,
    output,
  );
  return { code, output };
}

function cluster(): FakeAdmin {
  const admin = new FakeAdmin();
  admin.addTopic(
    'orders',
    [
      { partitionId: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
      { partitionId: 1, leader: 2, replicas: [2, 3, 1], isr: [2] },
    ],
    { 'retention.ms': '1000' },
  );
  admin.addTopic('__consumer_offsets', [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }]);
  admin.addTopic('audit', [{ partitionId: 0, leader: 3, replicas: [3], isr: [3] }]);
  return admin;
}

describe('samsa topics (TopicCommand over the admin client)', () => {
  it('--create prints "Created topic <t>." and passes partitions, replication factor and configs', async () => {
    const admin = cluster();
    const { code, output } = await run(admin, {
      create: true,
      topic: 'payments',
      partitions: '3',
      'replication-factor': '2',
      config: 'retention.ms=5000',
    });
    expect(code).toBe(0);
    expect(output.out).toBe('Created topic payments.\n');
    expect(admin.calls).toEqual([
      'createTopics [{"topic":"payments","numPartitions":3,"replicationFactor":2,"configEntries":[{"name":"retention.ms","value":"5000"}]}]',
    ]);
    expect(admin.connected).toBe(false);
  });

  it('--create with --replica-assignment sends one replica list per partition', async () => {
    const admin = cluster();
    await run(admin, { create: true, topic: 'pinned', 'replica-assignment': '1:2,2:3' });
    expect(admin.calls[0]).toContain(
      '"replicaAssignment":[{"partition":0,"replicas":[1,2]},{"partition":1,"replicas":[2,3]}]',
    );
  });

  it('warns about . and _ in a new topic name, before creating it', async () => {
    const { output } = await run(cluster(), { create: true, topic: 'my_topic' });
    expect(output.lines()).toEqual([
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.",
      'Created topic my_topic.',
    ]);
  });

  it('an existing topic is an error, unless --if-not-exists', async () => {
    const failed = await run(cluster(), { create: true, topic: 'orders' });
    expect(failed.code).toBe(1);
    expect(failed.output.out).toBe(
      "Error while executing topic command : Topic 'orders' already exists.\n",
    );
    const quiet = await run(cluster(), { create: true, topic: 'orders', 'if-not-exists': true });
    expect(quiet).toMatchObject({ code: 0 });
    expect(quiet.output.out).toBe('');
  });

  it('reports bad values as command errors', async () => {
    const rf = await run(cluster(), { create: true, topic: 'x', 'replication-factor': '0' });
    expect(rf.output.out).toBe(
      'Error while executing topic command : The replication factor must be between 1 and 32767 inclusive\n',
    );
    const partitions = await run(cluster(), { create: true, topic: 'x', partitions: '0' });
    expect(partitions.output.out).toBe(
      'Error while executing topic command : The partitions must be greater than 0\n',
    );
    const config = await run(cluster(), { create: true, topic: 'x', config: 'bogus=1' });
    expect(config.output.out).toBe(
      'Error while executing topic command : Unknown topic config name: bogus\n',
    );
  });

  it('--list prints sorted names, filtered by --topic and --exclude-internal', async () => {
    expect((await run(cluster(), { list: true })).output.out).toBe(
      '__consumer_offsets\naudit\norders\n',
    );
    expect((await run(cluster(), { list: true, 'exclude-internal': true })).output.out).toBe(
      'audit\norders\n',
    );
    expect((await run(cluster(), { list: true, topic: 'a.*' })).output.out).toBe('audit\n');
  });

  it('--describe prints topic and partition lines', async () => {
    const { code, output } = await run(cluster(), { describe: true, topic: 'orders' });
    expect(code).toBe(0);
    expect(output.lines()).toEqual([
      'Topic: orders\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: segment.bytes=1073741824,retention.ms=1000',
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3',
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2',
    ]);
  });

  it('--describe --under-replicated-partitions lists only those partitions, across topics', async () => {
    const { output } = await run(cluster(), {
      describe: true,
      'under-replicated-partitions': true,
    });
    expect(output.lines()).toEqual([
      '\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2',
    ]);
  });

  it('--describe shows a reassignment in progress, with the original replication factor', async () => {
    const admin = new FakeAdmin();
    // Moving [1,2] to [2,3]: replicas are target + removing while 3 catches up.
    admin.addTopic('moving', [{ partitionId: 0, leader: 1, replicas: [2, 3, 1], isr: [1, 2] }]);
    admin.reassignments.set('moving-0', { addingReplicas: [3], removingReplicas: [1] });
    const { output } = await run(admin, { describe: true, topic: 'moving' });
    expect(output.lines()).toEqual([
      'Topic: moving\tPartitionCount: 1\tReplicationFactor: 2\tConfigs: segment.bytes=1073741824',
      '\tTopic: moving\tPartition: 0\tLeader: 1\tReplicas: 2,3,1\tIsr: 1,2\tAdding Replicas: 3\tRemoving Replicas: 1',
    ]);
    const under = await run(admin, { describe: true, 'under-replicated-partitions': true });
    expect(under.output.lines()).toEqual([]);
  });

  it('a named topic that does not exist fails, unless --if-exists', async () => {
    const missing = await run(cluster(), { describe: true, topic: 'nope' });
    expect(missing.code).toBe(1);
    expect(missing.output.out).toBe(
      "Error while executing topic command : Topic 'nope' does not exist as expected\n",
    );
    const ok = await run(cluster(), { delete: true, topic: 'nope', 'if-exists': true });
    expect(ok.code).toBe(0);
    expect(ok.output.out).toBe('');
  });

  it('--alter adds partitions, with the new partitions of --replica-assignment', async () => {
    const admin = cluster();
    const { code, output } = await run(admin, {
      alter: true,
      topic: 'orders',
      partitions: '4',
      'replica-assignment': '1:2,2:3,3:1,1:3',
    });
    expect(code).toBe(0);
    expect(output.out).toBe('');
    expect(admin.calls).toEqual([
      'createPartitions [{"topic":"orders","count":4,"assignments":[[3,1],[1,3]]}]',
    ]);
  });

  it('--delete deletes the matching topics', async () => {
    const admin = cluster();
    expect((await run(admin, { delete: true, topic: 'orders|audit' })).code).toBe(0);
    expect(admin.calls).toEqual(['deleteTopics ["audit","orders"]']);
  });

  it("prints a broker's error as Kafka prints the exception message", async () => {
    const admin = cluster();
    admin.deleteTopics = async () => {
      throw new KafkaError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.', {
        topic: 'orders',
        broker: 1,
      });
    };
    const { code, output } = await run(admin, { delete: true, topic: 'orders' });
    expect(code).toBe(1);
    expect(output.out).toBe('Error while executing topic command : Topic deletion is disabled.\n');
  });
});
