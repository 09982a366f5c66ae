import { consumerSettings } from '../../../../ops/tools/console/consumer-config';
import { producerSettings, toProducerConfig } from '../../../../ops/tools/console/producer-config';

describe('producer properties', () => {
  it('maps Kafka producer properties to samsa producer settings', () => {
    const warnings: string[] = [];
    const settings = producerSettings(
      new Map([
        ['acks', 'all'],
        ['linger.ms', '5'],
        ['batch.size', '65536'],
        ['compression.type', 'lz4'],
        ['retries', '2'],
        ['retry.backoff.ms', '50'],
        ['request.timeout.ms', '1500'],
        ['bootstrap.servers', 'h:9092'],
        ['buffer.memory', '1'],
      ]),
      (line) => warnings.push(line),
    );
    expect(settings).toMatchObject({ acks: -1, lingerMs: 5, batchSize: 65536, compression: 'lz4' });
    expect(settings.bootstrapServers).toBe('h:9092');
    expect(warnings).toEqual([
      "The configuration 'buffer.memory' was supplied but isn't a known config.",
    ]);
    expect(toProducerConfig(settings)).toEqual({
      acks: -1,
      lingerMs: 5,
      batchSize: 65536,
      compression: 'lz4',
      maxInFlightRequests: undefined,
      maxRequestSize: undefined,
      timeout: 1500,
      retry: { retries: 2, initialRetryTime: 50 },
    });
  });

  it("refuses bad values with Kafka's ConfigException wording", () => {
    const none = (): void => undefined;
    expect(() => producerSettings(new Map([['acks', '2']]), none)).toThrow(
      'Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1',
    );
    expect(() => producerSettings(new Map([['compression.type', 'brotli']]), none)).toThrow(
      'Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd',
    );
    expect(() => producerSettings(new Map([['linger.ms', 'soon']]), none)).toThrow(
      'Invalid value soon for configuration linger.ms: Not a number of type LONG',
    );
  });
});

describe('consumer properties', () => {
  it('maps fetch settings and warns about the others', () => {
    const warnings: string[] = [];
    expect(
      consumerSettings(
        new Map([
          ['fetch.max.wait.ms', '0'],
          ['max.partition.fetch.bytes', '1024'],
          ['auto.offset.reset', 'earliest'],
          ['interceptor.classes', 'x.Y'],
        ]),
        (line) => warnings.push(line),
      ),
    ).toEqual({ maxWaitTimeInMs: 0, maxBytesPerPartition: 1024, group: {} });
    expect(warnings).toEqual([
      "The configuration 'interceptor.classes' was supplied but isn't a known config.",
    ]);
  });
});
