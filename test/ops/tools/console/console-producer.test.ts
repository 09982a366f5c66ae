import { KafkaError } from '../../../../client/errors';
import {
  parseConsoleProducerCommand,
  runConsoleProducer,
} from '../../../../ops/tools/console/console-producer';
import { LineMessageReader, lineReaderSettings } from '../../../../ops/tools/console/line-reader';
import { CollectedOutput } from '../collected-output';

async function* linesOf(...lines: string[]): AsyncGenerator<string> {
  for (const line of lines) yield line;
}

type Sent = { topic: string; messages: { key: string | null; value: string }[] };

/** A producer whose sends resolve only when the test says so. */
class ManualProducer {
  readonly sent: Sent[] = [];
  private readonly settle: (() => void)[] = [];

  send(record: Sent): Promise<unknown> {
    this.sent.push(record);
    return new Promise((resolve) => this.settle.push(() => resolve([])));
  }

  ackAll(): void {
    for (const settle of this.settle.splice(0)) settle();
  }
}

const keyed = (): LineMessageReader =>
  new LineMessageReader(
    lineReaderSettings(
      new Map([
        ['parse.key', 'true'],
        ['key.separator', ':'],
      ]),
    ),
  );

describe('samsa console-producer', () => {
  it('hands every line to the producer without waiting for acknowledgements, then waits for all', async () => {
    const producer = new ManualProducer();
    const output = new CollectedOutput();
    let finished = false;
    const run = runConsoleProducer(
      { topic: 't', sync: false, reader: keyed(), prompt: false },
      producer,
      linesOf('a:1', 'b:2', 'c:3'),
      output,
    ).then((code) => {
      finished = true;
      return code;
    });
    for (let i = 0; i < 10 && producer.sent.length < 3; i++) await new Promise(setImmediate);
    expect(producer.sent.map((s) => s.messages[0])).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'c', value: '3' },
    ]);
    expect(finished).toBe(false);
    producer.ackAll();
    expect(await run).toBe(0);
    expect(output.out).toBe('');
  });

  it('limits the records waiting for acknowledgement (backpressure)', async () => {
    const producer = new ManualProducer();
    const run = runConsoleProducer(
      { topic: 't', sync: false, reader: keyed(), prompt: false, maxPending: 2 },
      producer,
      linesOf('a:1', 'b:2', 'c:3', 'd:4'),
      new CollectedOutput(),
    );
    for (let i = 0; i < 10; i++) await new Promise(setImmediate);
    expect(producer.sent).toHaveLength(2);
    producer.ackAll();
    for (let i = 0; i < 10; i++) await new Promise(setImmediate);
    expect(producer.sent).toHaveLength(4);
    producer.ackAll();
    expect(await run).toBe(0);
  });

  it('prints the prompt before each line when asked', async () => {
    const output = new CollectedOutput();
    const producer = { send: async () => [] };
    await runConsoleProducer(
      { topic: 't', sync: true, reader: keyed(), prompt: true },
      producer,
      linesOf('a:1', 'b:2'),
      output,
    );
    expect(output.out).toBe('>>>');
  });

  it("stops at a line without key separator with Kafka's message, after sending the lines before it", async () => {
    const sent: Sent[] = [];
    const output = new CollectedOutput();
    const code = await runConsoleProducer(
      { topic: 't', sync: false, reader: keyed(), prompt: false },
      { send: async (r: Sent) => sent.push(r) },
      linesOf('a:1', 'oops', 'c:3'),
      output,
    );
    expect(code).toBe(1);
    expect(sent).toHaveLength(1);
    expect(output.err).toBe('No key found on line 2: oops\n');
  });

  it("reports a failed send as Kafka's ErrorLoggingCallback does and exits with 1", async () => {
    const output = new CollectedOutput();
    const code = await runConsoleProducer(
      { topic: 't', sync: false, reader: keyed(), prompt: false },
      {
        send: async () => {
          throw new KafkaError('NOT_ENOUGH_REPLICAS', undefined, { topic: 't', partition: 0 });
        },
      },
      linesOf('key:value'),
      output,
    );
    expect(code).toBe(1);
    expect(output.err).toBe(
      'Error when sending message to topic t with key: 3 bytes, value: 5 bytes with error: Messages are rejected since there are fewer in-sync replicas than required.\n',
    );
  });
});

describe('console-producer flags', () => {
  it("applies Kafka's defaults and precedence: flag > --producer-property > default", async () => {
    const warnings: string[] = [];
    const command = await parseConsoleProducerCommand(
      {
        'bootstrap-server': 'h:9092',
        topic: 't',
        'producer-property': ['acks=all', 'linger.ms=7'],
        'request-required-acks': '0',
        'compression-codec': '',
        property: ['parse.key=true', 'key.separator=:'],
      },
      (line) => warnings.push(line),
    );
    expect(command.producer).toMatchObject({
      acks: 0,
      lingerMs: 7,
      batchSize: 16384,
      compression: 'gzip',
      requestTimeoutMs: 1500,
      retries: 3,
      retryBackoffMs: 100,
    });
    expect(command.reader.read('k:v')).toEqual({ key: 'k', value: 'v' });
    expect(warnings).toEqual([]);
    const defaults = await parseConsoleProducerCommand(
      { 'bootstrap-server': 'h:9092', topic: 't', 'batch-size': '100' },
      () => undefined,
    );
    expect(defaults.producer).toMatchObject({
      acks: 1,
      lingerMs: 1000,
      batchSize: 100,
      compression: 'none',
    });
  });

  it('requires --topic and --bootstrap-server', async () => {
    await expect(parseConsoleProducerCommand({ topic: 't' }, () => undefined)).rejects.toThrow(
      'Missing required argument "[bootstrap-server]"',
    );
    await expect(
      parseConsoleProducerCommand({ 'bootstrap-server': 'h:1' }, () => undefined),
    ).rejects.toThrow('Missing required argument "[topic]"');
  });
});
