import { runConfigCommand } from '../../../../ops/tools/configs/config-command';
import {
  ConfigCommandFlags,
  parseConfigCommand,
} from '../../../../ops/tools/configs/config-options';
import { CollectedOutput } from '../collected-output';
import { FakeAdmin } from '../fake-admin';

async function run(admin: FakeAdmin, flags: ConfigCommandFlags) {
  const output = new CollectedOutput();
  const code = await runConfigCommand(
    parseConfigCommand({ 'bootstrap-server': 'localhost:9092', ...flags }),
    admin,
    output,
    ['--bootstrap-server', 'localhost:9092'],
  );
  return { code, output };
}

function cluster(): FakeAdmin {
  const admin = new FakeAdmin();
  admin.addTopic('orders', [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }], {
    'retention.ms': '86400000',
  });
  admin.addTopic('audit', [{ partitionId: 0, leader: 1, replicas: [1], isr: [1] }]);
  admin.brokers = [1, 2];
  return admin;
}

describe('samsa configs (ConfigCommand over the admin client)', () => {
  it('--describe of a topic lists its overrides with sources and synonyms', async () => {
    const { code, output } = await run(cluster(), { describe: true, topic: 'orders' });
    expect(code).toBe(0);
    expect(output.lines()).toEqual([
      'Dynamic configs for topic orders are:',
      '  retention.ms=86400000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=86400000, DEFAULT_CONFIG:log.retention.ms=604800000}',
    ]);
  });

  it('--describe --all lists every entry; without a name every topic is described', async () => {
    const all = await run(cluster(), { describe: true, topic: 'audit', all: true });
    expect(all.output.lines()).toEqual([
      'All configs for topic audit are:',
      '  segment.bytes=1073741824 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.segment.bytes=1073741824}',
      '  retention.ms=604800000 sensitive=false synonyms={DEFAULT_CONFIG:log.retention.ms=604800000}',
      '  min.insync.replicas=1 sensitive=false synonyms={DEFAULT_CONFIG:log.min.insync.replicas=1}',
    ]);
    const every = await run(cluster(), { describe: true, 'entity-type': 'topics' });
    expect(every.output.lines()[0]).toBe('Dynamic configs for topic orders are:');
    expect(every.output.lines()).toContain('Dynamic configs for topic audit are:');
  });

  it('--describe of brokers: no dynamic configs, static ones with --all, then the default', async () => {
    const dynamic = await run(cluster(), { describe: true, broker: '1' });
    expect(dynamic.output.lines()).toEqual(['Dynamic configs for broker 1 are:']);
    const all = await run(cluster(), { describe: true, broker: '1', all: true });
    expect(all.output.lines()).toEqual([
      'All configs for broker 1 are:',
      '  log.segment.bytes=1073741824 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.segment.bytes=1073741824}',
    ]);
    const every = await run(cluster(), { describe: true, 'entity-type': 'brokers' });
    expect(every.output.lines()).toEqual([
      'Dynamic configs for broker 1 are:',
      'Dynamic configs for broker 2 are:',
      'Default configs for brokers in the cluster are:',
    ]);
  });

  it('--alter adds and deletes overrides, keeping the others, and says so', async () => {
    const admin = cluster();
    admin.topics.get('orders')?.overrides.set('segment.bytes', '1048576');
    const { code, output } = await run(admin, {
      alter: true,
      topic: 'orders',
      'add-config': 'min.insync.replicas=2,retention.ms=1000',
      'delete-config': 'segment.bytes',
    });
    expect(code).toBe(0);
    expect(output.out).toBe('Completed updating config for topic orders.\n');
    expect(admin.calls).toEqual([
      'alterConfigs [{"type":2,"name":"orders","configEntries":[{"name":"retention.ms","value":"1000"},{"name":"min.insync.replicas","value":"2"}]}]',
    ]);
  });

  it('--delete-config of a key that is not overridden fails with Invalid config(s)', async () => {
    const admin = cluster();
    const { code, output } = await run(admin, {
      alter: true,
      topic: 'orders',
      'delete-config': 'segment.bytes,cleanup.policy',
    });
    expect(code).toBe(1);
    expect(output.err).toBe('Invalid config(s): segment.bytes,cleanup.policy\n');
    expect(admin.calls).toEqual([]);
  });

  it('--alter of a broker fails with one line: samsa brokers have no dynamic configs', async () => {
    const { code, output } = await run(cluster(), {
      alter: true,
      broker: '1',
      'add-config': 'log.cleaner.threads=2',
    });
    expect(code).toBe(1);
    expect(output.err).toMatch(
      /^samsa brokers have no dynamic configs: broker 1 cannot be altered; [^\n]+\n$/,
    );
  });

  it('an unexpected failure prints Kafka\'s "Error while executing config command" line and the reason', async () => {
    const { code, output } = await run(cluster(), { describe: true, topic: 'gone' });
    expect(code).toBe(1);
    expect(output.err).toBe(
      "Error while executing config command with args '--bootstrap-server localhost:9092'\nTopic gone does not exist\n",
    );
    const bad = await run(cluster(), { describe: true, topic: 'bad name' });
    expect(bad.output.err).toContain(
      'Topic name "bad name" is illegal, it contains a character other than ASCII alphanumerics',
    );
  });
});
