import {
  ConsoleConsumerFlags,
  StartableConsumer,
  consoleConsumerConfig,
  parseConsoleConsumerCommand,
  runConsoleConsumer,
  startConsuming,
} from '../../../../ops/tools/console/console-consumer';
import { consumerSettings } from '../../../../ops/tools/console/consumer-config';
import { ConsumedRecord, formatterSettings } from '../../../../ops/tools/console/message-formatter';
import { CollectedOutput } from '../collected-output';

const bs = { 'bootstrap-server': 'h:9092' };

function record(offset: number, value: string): ConsumedRecord {
  return {
    topic: 't',
    partition: 0,
    offset,
    timestamp: 1000 + offset,
    timestampType: 'CreateTime',
    key: null,
    value: Buffer.from(value),
    headers: [],
  };
}

/** A source that hands out prepared polls, then nothing, on a fake clock. */
class ScriptedSource {
  clock = 0;
  polls = 0;

  constructor(private readonly batches: ConsumedRecord[][]) {}

  async poll(timeoutMs: number): Promise<ConsumedRecord[]> {
    this.polls++;
    const next = this.batches.shift();
    if (next !== undefined) return next;
    this.clock += timeoutMs;
    return [];
  }
}

const plain = formatterSettings(new Map());

describe('samsa console-consumer', () => {
  it('prints records until --max-messages, then the count on stderr', async () => {
    const source = new ScriptedSource([[record(0, 'a'), record(1, 'b')], [record(2, 'c')]]);
    const output = new CollectedOutput();
    const code = await runConsoleConsumer(
      { maxMessages: 2, timeoutMs: -1, formatter: plain },
      source,
      output,
    );
    expect(code).toBe(0);
    expect(output.out).toBe('a\nb\n');
    expect(output.err).toBe('Processed a total of 2 messages\n');
  });

  it('--timeout-ms ends the run after a quiet interval, logging a TimeoutException, exit code 0', async () => {
    const source = new ScriptedSource([[record(0, 'a')]]);
    const output = new CollectedOutput();
    const code = await runConsoleConsumer(
      { maxMessages: -1, timeoutMs: 500, formatter: plain },
      source,
      output,
      undefined,
      () => source.clock,
    );
    expect(code).toBe(0);
    expect(output.out).toBe('a\n');
    expect(output.err).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] ERROR Error processing message, terminating consumer process: {2}\(kafka\.tools\.ConsoleConsumer\$\)\norg\.apache\.kafka\.common\.errors\.TimeoutException\nProcessed a total of 1 messages\n$/,
    );
  });

  it('stops on the abort signal (Ctrl-C) and still prints the count', async () => {
    const stop = new AbortController();
    const output = new CollectedOutput();
    const source = {
      poll: async (): Promise<ConsumedRecord[]> => {
        stop.abort();
        return [];
      },
    };
    const code = await runConsoleConsumer(
      { maxMessages: -1, timeoutMs: -1, formatter: plain },
      source,
      output,
      stop.signal,
    );
    expect(code).toBe(0);
    expect(output.err).toBe('Processed a total of 0 messages\n');
  });

  it('stops when standard output is closed', async () => {
    const output = new CollectedOutput();
    output.isClosed = true;
    await runConsoleConsumer(
      { maxMessages: -1, timeoutMs: -1, formatter: plain },
      new ScriptedSource([[record(0, 'a'), record(1, 'b')]]),
      output,
    );
    expect(output.err).toBe(
      'Unable to write to standard out, closing consumer.\nProcessed a total of 1 messages\n',
    );
  });
});

describe('console-consumer flags (Kafka 2.8 checks)', () => {
  const parse = (flags: ConsoleConsumerFlags) => parseConsoleConsumerCommand({ ...bs, ...flags });

  it('needs a topic, and a partition for --offset', () => {
    expect(() => parse({})).toThrow('Exactly one of whitelist/topic is required.');
    expect(() => parse({ topic: 't', offset: '5' })).toThrow(
      'The partition is required when offset is specified.',
    );
    expect(() =>
      parse({ topic: 't', partition: '0', offset: '5', 'from-beginning': true }),
    ).toThrow('Options from-beginning and offset cannot be specified together.');
    expect(() => parse({ topic: 't', partition: '0', offset: '-3' })).toThrow(
      "The provided offset value '-3' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.",
    );
    expect(() => parseConsoleConsumerCommand({ topic: 't' })).toThrow(
      'Missing required argument "[bootstrap-server]"',
    );
  });

  it('with --partition reads it by itself, from --offset, else --from-beginning, else the end', () => {
    expect(parse({ topic: 't', partition: '1', offset: 'EARLIEST' }).mode).toEqual({
      kind: 'assign',
      topic: 't',
      partition: 1,
      start: 'earliest',
    });
    expect(parse({ topic: 't', partition: '1', offset: '42' }).mode).toMatchObject({ start: 42 });
    expect(parse({ topic: 't', partition: '0', 'from-beginning': true }).mode).toMatchObject({
      start: 'earliest',
    });
    expect(parse({ topic: 't', partition: '0' })).toMatchObject({
      mode: { start: 'latest' },
      maxMessages: -1,
      timeoutMs: -1,
    });
    expect(() => parse({ whitelist: 'a.*', partition: '0' })).toThrow(
      'The topic is required when partition is specified.',
    );
  });

  it('without --partition or --group, joins a generated console-consumer-<n> group, as Kafka 2.8', () => {
    const command = parseConsoleConsumerCommand({ ...bs, topic: 't' }, new Map(), () => 0.123456);
    expect(command.mode).toEqual({
      kind: 'subscribe',
      groupId: 'console-consumer-12345',
      generatedGroup: true,
      topics: ['t'],
      fromBeginning: false,
    });
    expect(parse({ topic: 't', 'from-beginning': true }).mode).toMatchObject({
      fromBeginning: true,
    });
    expect(
      parse({ topic: 't', 'consumer-property': 'auto.offset.reset=earliest' }).mode,
    ).toMatchObject({ fromBeginning: true });
    expect(() =>
      parse({
        topic: 't',
        'from-beginning': true,
        'consumer-property': 'auto.offset.reset=latest',
      }),
    ).toThrow(
      "Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option",
    );
  });

  it('--group (or group.id in the consumer properties) names the group to join', () => {
    expect(parse({ topic: 't', group: 'readers' }).mode).toEqual({
      kind: 'subscribe',
      groupId: 'readers',
      generatedGroup: false,
      topics: ['t'],
      fromBeginning: false,
    });
    expect(
      parse({ topic: 't', group: 'readers', 'consumer-property': 'group.id=readers' }).mode,
    ).toMatchObject({ groupId: 'readers', generatedGroup: false });
    expect(
      parseConsoleConsumerCommand({ ...bs, topic: 't' }, new Map([['group.id', 'from-file']])).mode,
    ).toMatchObject({ groupId: 'from-file', generatedGroup: false });
  });

  it('refuses group ids that disagree, and a group with --partition', () => {
    expect(() =>
      parseConsoleConsumerCommand(
        { ...bs, topic: 't', group: 'a', 'consumer-property': 'group.id=c' },
        new Map([['group.id', 'b']]),
      ),
    ).toThrow(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: 'a', 'b', 'c'",
    );
    expect(() => parse({ topic: 't', partition: '0', group: 'g' })).toThrow(
      'Options group and partition cannot be specified together.',
    );
  });

  it('--whitelist subscribes to a pattern matched against whole topic names', () => {
    const { mode } = parse({ whitelist: 'orders.*,audit', group: 'g' });
    const [pattern] = (mode as { topics: RegExp[] }).topics;
    expect(['orders', 'orders-eu', 'audit'].every((t) => pattern.test(t))).toBe(true);
    expect(['audit-2', 'x-orders'].some((t) => pattern.test(t))).toBe(false);
    expect(() => parse({ whitelist: 'a', topic: 't' })).toThrow(
      'Exactly one of whitelist/topic is required.',
    );
    expect(() => parse({ whitelist: '(' })).toThrow(/^\( is an invalid regex/);
  });

  it('reads the consumer properties: --consumer.config overridden by --consumer-property', () => {
    const command = parseConsoleConsumerCommand(
      { ...bs, topic: 't', 'consumer-property': 'fetch.min.bytes=5' },
      new Map([
        ['fetch.min.bytes', '1'],
        ['client.id', 'reader'],
      ]),
    );
    expect(command.consumerProperties).toEqual(
      new Map([
        ['fetch.min.bytes', '5'],
        ['client.id', 'reader'],
      ]),
    );
  });

  it('reads --property into the formatter settings', () => {
    const command = parse({ topic: 't', property: ['print.key=true', 'key.separator=:'] });
    expect(command.formatter.printKey).toBe(true);
    expect(command.formatter.keySeparator.toString()).toBe(':');
  });
});

describe('console-consumer wiring', () => {
  const settings = (props: [string, string][] = []) => consumerSettings(new Map(props), () => {});
  const parse = (flags: ConsoleConsumerFlags) => parseConsoleConsumerCommand({ ...bs, ...flags });

  class RecordingConsumer implements StartableConsumer {
    calls: unknown[] = [];
    async connect() {
      this.calls.push('connect');
    }
    assign(partitions: unknown) {
      this.calls.push(['assign', partitions]);
    }
    async subscribe(options: unknown) {
      this.calls.push(['subscribe', options]);
    }
  }

  it('a named group subscribes with auto commit on', async () => {
    const { mode } = parse({ topic: 't', group: 'g', 'from-beginning': true });
    expect(consoleConsumerConfig(mode, settings([['fetch.min.bytes', '10']]))).toEqual({
      minBytes: 10,
      groupId: 'g',
      autoCommit: true,
    });
    const consumer = new RecordingConsumer();
    await startConsuming(consumer, mode);
    expect(consumer.calls).toEqual([
      'connect',
      ['subscribe', { topics: ['t'], fromBeginning: true }],
    ]);
  });

  it('the generated group has auto commit off unless enable.auto.commit says otherwise', () => {
    const { mode } = parseConsoleConsumerCommand({ ...bs, topic: 't' }, new Map(), () => 0);
    expect(consoleConsumerConfig(mode, settings())).toMatchObject({
      groupId: 'console-consumer-0',
      autoCommit: false,
    });
    expect(
      consoleConsumerConfig(
        mode,
        settings([
          ['enable.auto.commit', 'true'],
          ['auto.commit.interval.ms', '100'],
          ['session.timeout.ms', '6000'],
          ['heartbeat.interval.ms', '1000'],
          ['max.poll.interval.ms', '20000'],
          ['group.instance.id', 'pod-1'],
        ]),
      ),
    ).toMatchObject({
      autoCommit: true,
      autoCommitInterval: 100,
      sessionTimeout: 6000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 20000,
      groupInstanceId: 'pod-1',
    });
    expect(() => settings([['enable.auto.commit', 'yes']])).toThrow(
      'Invalid value yes for configuration enable.auto.commit: Expected value to be either true or false',
    );
  });

  it('--partition assigns the partition at the start offset, without a group', async () => {
    const { mode } = parse({ topic: 't', partition: '2', offset: '7' });
    expect(consoleConsumerConfig(mode, settings())).not.toHaveProperty('groupId');
    const consumer = new RecordingConsumer();
    await startConsuming(consumer, mode);
    expect(consumer.calls).toEqual([
      'connect',
      ['assign', [{ topic: 't', partition: 2, offset: 7 }]],
    ]);
  });

  it('gives the records it did not print back to the source', async () => {
    const given: ConsumedRecord[][] = [];
    const batch = [record(0, 'a'), record(1, 'b'), record(2, 'c')];
    let polls = 0;
    await runConsoleConsumer(
      { maxMessages: 1, timeoutMs: -1, formatter: plain },
      {
        poll: async () => (polls++ === 0 ? batch : []),
        unprinted: (records) => given.push([...records]),
      },
      new CollectedOutput(),
    );
    expect(given).toEqual([[batch[1], batch[2]]]);
  });
});
