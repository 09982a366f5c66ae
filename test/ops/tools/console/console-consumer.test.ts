import {
  ConsoleConsumerFlags,
  parseConsoleConsumerCommand,
  runConsoleConsumer,
} from '../../../../ops/tools/console/console-consumer';
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

  it('picks the start: --offset, else --from-beginning, else the end', () => {
    expect(parse({ topic: 't', partition: '1', offset: 'EARLIEST' })).toMatchObject({
      partition: 1,
      start: 'earliest',
    });
    expect(parse({ topic: 't', partition: '1', offset: '42' }).start).toBe(42);
    expect(parse({ topic: 't', 'from-beginning': true }).start).toBe('earliest');
    expect(parse({ topic: 't' })).toMatchObject({
      start: 'latest',
      maxMessages: -1,
      timeoutMs: -1,
    });
    expect(parse({ topic: 't', 'consumer-property': 'auto.offset.reset=earliest' }).start).toBe(
      'earliest',
    );
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

  it('refuses --group (no consumer groups yet)', () => {
    expect(() => parse({ topic: 't', group: 'g' })).toThrow(
      /consumer groups are not available yet/,
    );
  });

  it('reads --property into the formatter settings', () => {
    const command = parse({ topic: 't', property: ['print.key=true', 'key.separator=:'] });
    expect(command.formatter.printKey).toBe(true);
    expect(command.formatter.keySeparator.toString()).toBe(':');
  });
});
