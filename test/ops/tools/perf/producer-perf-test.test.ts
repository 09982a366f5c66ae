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
      send: () => {
        sends++;
        return new Promise<unknown>((resolve) => acks.push(() => resolve([])));
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
      send: async () => {
        now += 1;
        return [];
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
      { send: async () => Promise.reject(new Error('broker gone')) },
      output,
    );
    expect(code).toBe(1);
    expect(output.err).toBe('broker gone\n');
    expect(output.lines()[0]).toMatch(/^1 records sent, /);
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
