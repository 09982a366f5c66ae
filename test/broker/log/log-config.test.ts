import {
  DEFAULT_LOG_CONFIG,
  LOG_CONFIG_KEYS,
  logConfig,
  withTopicOverrides,
} from '../../../broker/log/log-config';

describe('LogConfig', () => {
  it("holds Kafka 2.8's defaults", () => {
    expect(DEFAULT_LOG_CONFIG).toEqual({
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      segmentJitterMs: 0,
      segmentIndexBytes: 10485760,
      indexIntervalBytes: 4096,
      maxMessageBytes: 1048588,
      retentionMs: 604800000,
      retentionBytes: -1,
      flushMessages: Number.MAX_SAFE_INTEGER,
      flushMs: Number.MAX_SAFE_INTEGER,
      fileDeleteDelayMs: 60000,
      compact: false,
      delete: true,
      deleteRetentionMs: 86400000,
      minCleanableRatio: 0.5,
      minCompactionLagMs: 0,
      maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
    });
    expect(LOG_CONFIG_KEYS.map((k) => k.topicKey)).toContain('max.message.bytes');
    expect(LOG_CONFIG_KEYS.find((k) => k.field === 'maxMessageBytes')?.brokerKey).toBe(
      'message.max.bytes',
    );
  });

  it('applies topic overrides by their Kafka names and ignores other topic configs', () => {
    const config = withTopicOverrides(logConfig(), {
      'retention.ms': '1000',
      'segment.bytes': '1048576',
      'min.insync.replicas': '2',
    });
    expect(config.retentionMs).toBe(1000);
    expect(config.segmentBytes).toBe(1048576);
  });

  it('reads cleanup.policy into compact/delete and the cleaner settings by their topic names', () => {
    const config = withTopicOverrides(logConfig(), {
      'cleanup.policy': 'compact,delete',
      'min.cleanable.dirty.ratio': '0.01',
      'delete.retention.ms': '100',
      'min.compaction.lag.ms': '5',
      'max.compaction.lag.ms': '10',
    });
    expect(config).toMatchObject({
      compact: true,
      delete: true,
      minCleanableRatio: 0.01,
      deleteRetentionMs: 100,
      minCompactionLagMs: 5,
      maxCompactionLagMs: 10,
    });
    expect(withTopicOverrides(logConfig(), { 'cleanup.policy': 'compact' })).toMatchObject({
      compact: true,
      delete: false,
    });
    expect(() => withTopicOverrides(logConfig(), { 'cleanup.policy': 'shred' })).toThrow(
      'Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete',
    );
    expect(() => withTopicOverrides(logConfig(), { 'min.cleanable.dirty.ratio': '2' })).toThrow(
      'Invalid value 2 for configuration min.cleanable.dirty.ratio: Value must be between 0 and 1',
    );
    expect(() =>
      withTopicOverrides(logConfig(), {
        'min.compaction.lag.ms': '50',
        'max.compaction.lag.ms': '10',
      }),
    ).toThrow(
      'conflict topic config setting min.compaction.lag.ms (50) > max.compaction.lag.ms (10)',
    );
  });

  it('rejects a bad value with a one-line error naming the key', () => {
    expect(() => withTopicOverrides(logConfig(), { 'segment.bytes': 'big' })).toThrow(
      'Invalid value big for configuration segment.bytes: not a number',
    );
    expect(() => withTopicOverrides(logConfig(), { 'segment.bytes': '10' })).toThrow(
      'Invalid value 10 for configuration segment.bytes: Value must be at least 14',
    );
    expect(() => logConfig({ flushMessages: 0 })).toThrow(/flush.messages/);
  });
});
