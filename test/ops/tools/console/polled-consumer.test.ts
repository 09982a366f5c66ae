import { PolledConsumer, RunnableConsumer } from '../../../../ops/tools/console/polled-consumer';

type RunConfig = Parameters<RunnableConsumer['run']>[0];

class FakeConsumer implements RunnableConsumer {
  config: RunConfig | undefined;
  stopped = false;
  private crash: ((event: { payload: { error?: Error } }) => void) | undefined;

  async run(config: RunConfig): Promise<void> {
    this.config = config;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  on(_type: 'consumer.crash', listener: (event: { payload: { error?: Error } }) => void) {
    this.crash = listener;
    return () => (this.crash = undefined);
  }

  deliver(partition: number, offsets: number[], headers = {}): Promise<void> {
    return (this.config as RunConfig).eachBatch({
      batch: {
        topic: 't',
        partition,
        messages: offsets.map((offset) => ({
          offset,
          timestamp: offset,
          timestampType: 'CreateTime' as const,
          key: null,
          value: Buffer.from(String(offset)),
          headers,
        })),
      },
    });
  }

  fail(error: Error): void {
    this.crash?.({ payload: { error } });
  }
}

describe('PolledConsumer (poll-style view of the consumer)', () => {
  it('hands out the delivered records, with headers as a list', async () => {
    const consumer = new FakeConsumer();
    const polled = new PolledConsumer(consumer);
    await polled.start();
    await consumer.deliver(0, [5, 6], { h: [Buffer.from('a'), null] });
    const records = await polled.poll(10);
    expect(records.map((r) => [r.partition, r.offset])).toEqual([
      [0, 5],
      [0, 6],
    ]);
    expect(records[0].headers).toEqual([
      { key: 'h', value: Buffer.from('a') },
      { key: 'h', value: null },
    ]);
  });

  it('waits for the first records up to the timeout', async () => {
    const consumer = new FakeConsumer();
    const polled = new PolledConsumer(consumer);
    await polled.start();
    const waiting = polled.poll(10000);
    await consumer.deliver(1, [0]);
    expect((await waiting).map((r) => r.offset)).toEqual([0]);
    expect(await polled.poll(5)).toEqual([]);
  });

  it('holds the batch handler while too many records wait, until a poll takes them', async () => {
    const consumer = new FakeConsumer();
    const polled = new PolledConsumer(consumer, 2);
    await polled.start();
    let returned = false;
    const handler = consumer.deliver(0, [0, 1, 2]).then(() => (returned = true));
    await new Promise(setImmediate);
    expect(returned).toBe(false);
    expect(await polled.poll(10)).toHaveLength(3);
    await handler;
    expect(returned).toBe(true);
  });

  it('stop releases a held handler; a crash surfaces in poll', async () => {
    const consumer = new FakeConsumer();
    const polled = new PolledConsumer(consumer, 0);
    await polled.start();
    const handler = consumer.deliver(0, [0]);
    consumer.fail(new Error('broken'));
    await expect(polled.poll(10)).rejects.toThrow('broken');
    await polled.stop();
    await handler;
    expect(consumer.stopped).toBe(true);
  });
});
