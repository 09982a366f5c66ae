import { parseE2eLatencyCommand, runE2eLatency } from '../../../../ops/tools/perf/e2e-latency';
import type { ConsumedRecord } from '../../../../ops/tools/console/message-formatter';
import { CollectedOutput } from '../collected-output';

function echo(value: Buffer): ConsumedRecord {
  return {
    topic: 't',
    partition: 0,
    offset: 0,
    timestamp: 0,
    timestampType: 'CreateTime',
    key: null,
    value,
    headers: [],
  };
}

describe('e2e-latency arguments', () => {
  it("takes Kafka's positional arguments", () => {
    expect(parseE2eLatencyCommand(['h:9092', 't', '100', 'all', '64'])).toEqual({
      brokerList: 'h:9092',
      topic: 't',
      numMessages: 100,
      acks: -1,
      messageSize: 64,
      propertiesFile: undefined,
    });
    expect(() => parseE2eLatencyCommand(['h:9092', 't'])).toThrow(/^USAGE: samsa e2e-latency/);
    expect(() => parseE2eLatencyCommand(['h:9092', 't', '10', '0', '64'])).toThrow(
      'Latency testing requires synchronous acknowledgement. Please use 1 or all',
    );
  });
});

describe('e2e-latency run', () => {
  it('measures send-to-receipt per message and prints average and percentiles', async () => {
    let ns = 0;
    let last: Buffer = Buffer.alloc(0);
    const latenciesMs = [3, 1, 2, 10];
    let i = 0;
    const output = new CollectedOutput();
    const code = await runE2eLatency(
      { brokerList: 'h:1', topic: 't', numMessages: 4, acks: 1, messageSize: 8 },
      {
        sendAndWait: async (value) => {
          last = value;
        },
        poll: async () => {
          ns += latenciesMs[i++] * 1e6;
          return [echo(last)];
        },
      },
      output,
      () => ns,
    );
    expect(code).toBe(0);
    expect(output.out).toBe(
      '0\t3\nAvg latency: 4.0000 ms\n\nPercentiles: 50th = 3, 99th = 10, 99.9th = 10\n',
    );
  });

  it('fails when a different message comes back', async () => {
    await expect(
      runE2eLatency(
        { brokerList: 'h:1', topic: 't', numMessages: 1, acks: 1, messageSize: 4 },
        { sendAndWait: async () => undefined, poll: async () => [echo(Buffer.from('nope'))] },
        new CollectedOutput(),
      ),
    ).rejects.toThrow(/^The message read \[nope\] did not match the message sent \[[A-Z]{4}\]$/);
  });
});
