import { PolledConsumer, RunnableConsumer } from '../../../../ops/tools/console/polled-consumer';

type RunConfig = Parameters<RunnableConsumer['run']>[0];

class FakeConsumer implements RunnableConsumer {
  config: RunConfig | undefined;
  stopped = false;
  /** Offsets the handler resolved (`as-used`). */
  resolved: number[] = [];
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
      resolveOffset: (offset) => this.resolved.push(offset),
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
    expect(consumer.config?.eachBatchAutoResolve).toBe(true);
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

  describe("'as-used': records count as consumed only once the tool is done with them", () => {
    async function started() {
      const consumer = new FakeConsumer();
      const polled = new PolledConsumer(consumer, 0, 'as-used');
      await polled.start();
      expect(consumer.config?.eachBatchAutoResolve).toBe(false);
      return { consumer, polled };
    }

    it('the handler waits until the next poll, then resolves the batch', async () => {
      const { consumer, polled } = await started();
      let returned = false;
      const handler = consumer.deliver(0, [3, 4]).then(() => (returned = true));
      expect((await polled.poll(10)).map((r) => r.offset)).toEqual([3, 4]);
      await new Promise(setImmediate);
      expect(returned).toBe(false);
      expect(await polled.poll(5)).toEqual([]);
      await handler;
      expect(consumer.resolved).toEqual([4]);
    });

    it('on stop, resolves only up to the first record given back as not printed', async () => {
      const { consumer, polled } = await started();
      const handler = consumer.deliver(1, [10, 11, 12, 13]);
      const records = await polled.poll(10);
      polled.unprinted(records.slice(2));
      await polled.stop();
      await handler;
      expect(consumer.resolved).toEqual([11]);
      expect(consumer.stopped).toBe(true);
    });

    it('records never taken by a poll, or all given back, are not resolved', async () => {
      const { consumer, polled } = await started();
      const first = consumer.deliver(0, [0, 1]);
      polled.unprinted(await polled.poll(10));
      const second = consumer.deliver(0, [0, 1]);
      await new Promise(setImmediate);
      await polled.stop();
      await Promise.all([first, second]);
      expect(consumer.resolved).toEqual([]);
    });
  });
});
