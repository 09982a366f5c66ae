import {
  consumerPerfHeader,
  consumerPerfProgress,
  consumerPerfSummary,
  parseConsumerPerfCommand,
  runConsumerPerf,
} from '../../../../ops/tools/perf/consumer-perf-test';
import { compileDateFormat } from '../../../../ops/tools/perf/date-format';
import type { ConsumedRecord } from '../../../../ops/tools/console/message-formatter';
import { CollectedOutput } from '../collected-output';

const iso = (ms: number): string => `t${ms}`;

function records(n: number, size: number): ConsumedRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    topic: 't',
    partition: 0,
    offset: i,
    timestamp: 0,
    timestampType: 'CreateTime' as const,
    key: Buffer.alloc(0),
    value: Buffer.alloc(size),
    headers: [],
  }));
}

describe('consumer-perf-test output (Kafka ConsumerPerformance)', () => {
  it('prints the header Kafka prints', () => {
    expect(consumerPerfHeader(false)).toBe(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    );
    expect(consumerPerfHeader(true).startsWith('time, threadId, data.consumed.in.MB')).toBe(true);
  });

  it('formats the summary row with four decimals', () => {
    expect(consumerPerfSummary(iso, 0, 5000, 100 * 1024 * 1024, 100000, 0)).toBe(
      't0, t5000, 100.0000, 20.0000, 100000, 20000.0000, 0, 5000, 20.0000, 20000.0000',
    );
    expect(consumerPerfProgress(iso, 2 * 1048576, 1048576, 300, 100, 1000, 2000, 0)).toBe(
      't2000, 0, 2.0000, 1.0000, 300, 200.0000, 0, 1000, 1.0000, 200.0000',
    );
  });

  it('formats dates as Java SimpleDateFormat does', () => {
    const format = compileDateFormat("yyyy-MM-dd HH:mm:ss:SSS 'at' yy");
    const ms = new Date(2021, 10, 2, 3, 4, 5, 6).getTime();
    expect(format(ms)).toBe('2021-11-02 03:04:05:006 at 21');
    expect(() => compileDateFormat('yyyy-MM-dd Z')).toThrow("Illegal pattern character 'Z'");
  });

  it('reads flags with Kafka defaults and refuses --group', () => {
    expect(() => parseConsumerPerfCommand({ topic: 't', messages: '1' })).toThrow(
      'Missing required argument "[bootstrap-server]"',
    );
    expect(() => parseConsumerPerfCommand({ 'bootstrap-server': 'h:1', topic: 't' })).toThrow(
      'Missing required argument "[messages]"',
    );
    expect(
      parseConsumerPerfCommand({ 'bootstrap-server': 'h:1', topic: 't', messages: '10' }),
    ).toMatchObject({ fetchSize: 1048576, timeoutMs: 10000, reportingIntervalMs: 5000 });
    expect(() =>
      parseConsumerPerfCommand({
        'bootstrap-server': 'h:1',
        topic: 't',
        messages: '1',
        group: 'g',
      }),
    ).toThrow(/consumer groups are not available yet/);
    expect(() =>
      parseConsumerPerfCommand({
        'bootstrap-server': 'h:1',
        topic: 't',
        messages: '1',
        'reporting-interval': '0',
      }),
    ).toThrow('Reporting interval must be greater than 0.');
  });
});

describe('consumer-perf-test run', () => {
  const command = (extra = {}) => ({
    ...parseConsumerPerfCommand({ 'bootstrap-server': 'h:1', topic: 't', messages: '4' }),
    dateFormat: iso,
    ...extra,
  });

  it('counts messages and bytes until --messages, then prints the summary', async () => {
    let now = 0;
    const batches = [records(2, 1024), records(2, 1024)];
    const source = {
      poll: async () => {
        now += 500;
        return batches.shift() ?? [];
      },
    };
    const output = new CollectedOutput();
    expect(await runConsumerPerf(command(), source, output, () => now)).toBe(0);
    expect(output.lines()).toEqual([
      consumerPerfHeader(false),
      't0, t1000, 0.0039, 0.0039, 4, 4.0000, 0, 1000, 0.0039, 4.0000',
    ]);
  });

  it('warns when --timeout passes without records', async () => {
    let now = 0;
    const source = {
      poll: async () => {
        now += 100;
        return [];
      },
    };
    const output = new CollectedOutput();
    await runConsumerPerf(command({ timeoutMs: 300, hideHeader: true }), source, output, () => now);
    expect(output.lines()[0]).toBe(
      'WARNING: Exiting before consuming the expected number of messages: timeout (300 ms) exceeded. You can use the --timeout option to increase the timeout.',
    );
    expect(output.lines()).toHaveLength(2);
  });
});
