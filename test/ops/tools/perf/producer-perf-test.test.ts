import {
  ThroughputThrottler,
  parseProducerPerfCommand,
  randomPayload,
  runProducerPerf,
} from '../../../../ops/tools/perf/producer-perf-test';
import { CollectedOutput } from '../collected-output';

describe('producer-perf-test arguments (argparse4j messages)', () => {
  const base = {
    topic: 't',
    'num-records': '10',
    throughput: '-1',
    'record-size': '100',
    'producer-props': ['bootstrap.servers=h:9092'],
  };

  it('requires topic, num-records, throughput and one payload source', () => {
    expect(() => parseProducerPerfCommand({ ...base, topic: undefined })).toThrow(
      'argument --topic is required',
    );
    expect(() => parseProducerPerfCommand({ ...base, throughput: undefined })).toThrow(
      'argument --throughput is required',
    );
    expect(() => parseProducerPerfCommand({ ...base, 'record-size': undefined })).toThrow(
      'one of the arguments --record-size --payload-file is required',
    );
    expect(() => parseProducerPerfCommand({ ...base, 'payload-file': 'f' })).toThrow(
      'argument --payload-file: not allowed with argument --record-size',
    );
    expect(() => parseProducerPerfCommand({ ...base, 'producer-props': undefined })).toThrow(
      'Either --producer-props or --producer.config must be specified',
    );
    expect(() => parseProducerPerfCommand({ ...base, 'num-records': 'many' })).toThrow(
      "argument --num-records: could not convert 'many' to Long",
    );
  });

  it('reads the values', () => {
    expect(parseProducerPerfCommand(base)).toMatchObject({
      topic: 't',
      numRecords: 10,
      recordSize: 100,
      throughput: -1,
      producerProps: ['bootstrap.servers=h:9092'],
    });
  });
});

describe('producer-perf-test run', () => {
  it('sends every record without waiting, then prints the total line', async () => {
    let now = 0;
    const acks: (() => void)[] = [];
    let sends = 0;
    const producer = {
      send: (_record: unknown, callback: (error: Error | null) => void) => {
        sends++;
        acks.push(() => callback(null));
      },
    };
    const output = new CollectedOutput();
    const run = runProducerPerf(
      {
        topic: 't',
        numRecords: 3,
        recordSize: 10,
        payloadDelimiter: '\n',
        throughput: -1,
        producerProps: [],
      },
      [randomPayload(10)],
      producer,
      output,
      { now: () => now, sleep: async () => undefined },
    );
    for (let i = 0; i < 5; i++) await new Promise(setImmediate);
    expect(sends).toBe(3);
    now = 2;
    for (const ack of acks) ack();
    expect(await run).toBe(0);
    expect(output.lines()).toEqual([
      '3 records sent, 1500.000000 records/sec (0.01 MB/sec), 2.00 ms avg latency, 2.00 ms max latency, 2 ms 50th, 2 ms 95th, 2 ms 99th, 2 ms 99.9th.',
    ]);
  });

  it('throttles to --throughput', async () => {
    let now = 0;
    const slept: number[] = [];
    const producer = {
      send: (_record: unknown, callback: (error: Error | null) => void) => {
        now += 1;
        process.nextTick(callback, null);
      },
    };
    await runProducerPerf(
      {
        topic: 't',
        numRecords: 20,
        recordSize: 1,
        payloadDelimiter: '\n',
        throughput: 100,
        producerProps: [],
      },
      [randomPayload(1)],
      producer,
      new CollectedOutput(),
      {
        now: () => now,
        sleep: async (ms) => {
          slept.push(ms);
          now += ms;
        },
      },
    );
    // 20 records at 100/s take about 200 ms: the throttler sleeps the difference.
    expect(now).toBeGreaterThanOrEqual(180);
    expect(slept.every((ms) => ms >= 2)).toBe(true);
  });

  it('counts a failed send, reports it, and exits with 1', async () => {
    const output = new CollectedOutput();
    const code = await runProducerPerf(
      {
        topic: 't',
        numRecords: 1,
        recordSize: 1,
        payloadDelimiter: '\n',
        throughput: -1,
        producerProps: [],
      },
      [randomPayload(1)],
      {
        send: (_record: unknown, callback: (error: Error | null) => void) => {
          process.nextTick(callback, new Error('broker gone'));
        },
      },
      output,
    );
    expect(code).toBe(1);
    expect(output.err).toBe('broker gone\n');
    expect(output.lines()[0]).toMatch(/^1 records sent, /);
  });
});

describe('producer-perf-test backpressure', () => {
  it('keeps at most 50000 sends awaiting acknowledgement, then sends on as acks free slots', async () => {
    const acks: ((error: Error | null) => void)[] = [];
    const records = new Set<unknown>();
    const producer = {
      send: (record: unknown, callback: (error: Error | null) => void) => {
        records.add(record);
        acks.push(callback);
      },
    };
    const run = runProducerPerf(
      {
        topic: 't',
        numRecords: 50002,
        recordSize: 1,
        payloadDelimiter: '\n',
        throughput: -1,
        producerProps: [],
      },
      [randomPayload(1)],
      producer,
      new CollectedOutput(),
    );
    for (let i = 0; i < 5; i++) await new Promise(setImmediate);
    expect(acks).toHaveLength(50000);
    // One payload: every send is the same record object.
    expect(records.size).toBe(1);
    acks[0](null);
    for (let i = 0; i < 5; i++) await new Promise(setImmediate);
    expect(acks).toHaveLength(50001);
    for (const ack of acks.slice(1)) ack(null);
    for (let i = 0; i < 5; i++) await new Promise(setImmediate);
    expect(acks).toHaveLength(50002);
    acks[50001](null);
    expect(await run).toBe(0);
  });

  it('sends a record of its own for each payload picked from a payload file', async () => {
    const values: Buffer[] = [];
    const producer = {
      send: (
        record: { messages: { value: Buffer }[] },
        callback: (error: Error | null) => void,
      ) => {
        values.push(record.messages[0].value);
        process.nextTick(callback, null);
      },
    };
    const payloads = [Buffer.from('a'), Buffer.from('b')];
    await runProducerPerf(
      {
        topic: 't',
        numRecords: 50,
        payloadDelimiter: '\n',
        throughput: -1,
        producerProps: [],
      },
      payloads,
      producer,
      new CollectedOutput(),
    );
    expect(values).toHaveLength(50);
    expect(new Set(values.map((v) => v.toString()))).toEqual(new Set(['a', 'b']));
  });
});

describe('payloads and throttling', () => {
  it('makes payloads of upper-case letters', () => {
    expect(randomPayload(64).toString()).toMatch(/^[A-Z]{64}$/);
  });

  it('throttles only when ahead of the target, accumulating sub-2 ms sleeps', () => {
    const throttler = new ThroughputThrottler(1000, 0);
    expect(throttler.shouldThrottle(5, 10)).toBe(false);
    expect(throttler.shouldThrottle(50, 10)).toBe(true);
    expect(throttler.throttleMs()).toBe(0);
    expect(throttler.throttleMs()).toBe(2);
    expect(new ThroughputThrottler(-1, 0).shouldThrottle(1e9, 1)).toBe(false);
  });
});
