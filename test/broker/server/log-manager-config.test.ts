import { KafkaConfig } from '../../../broker/config/kafka-config';
import { DEFAULT_LOG_CONFIG, NEVER, logConfig } from '../../../broker/log/log-config';
import { logManagerConfig } from '../../../broker/server/log-manager-config';

function config(props: Record<string, string> = {}): KafkaConfig {
  return KafkaConfig.fromProperties({ 'zookeeper.connect': '127.0.0.1:2181', ...props });
}

describe('log manager configuration from server.properties', () => {
  test("a broker with default settings gives Kafka's default LogConfig and periods", () => {
    const lm = logManagerConfig(config(), new Map());
    expect(lm).toMatchObject({
      logDirs: ['/tmp/kafka-logs'],
      defaultConfig: DEFAULT_LOG_CONFIG,
      retentionCheckIntervalMs: 300000,
      flushCheckIntervalMs: NEVER,
      recoveryPointCheckpointIntervalMs: 60000,
      logStartOffsetCheckpointIntervalMs: 60000,
      highWatermarkCheckpointIntervalMs: 5000,
      initialTaskDelayMs: 30000,
      loadConcurrency: 1,
    });
  });

  test('broker log.* keys set the default LogConfig', () => {
    const lm = logManagerConfig(
      config({
        'log.segment.bytes': '1024',
        'log.retention.hours': '1',
        'log.retention.bytes': '4096',
        'message.max.bytes': '2000',
        'log.segment.delete.delay.ms': '0',
      }),
      new Map(),
    );
    expect(lm.defaultConfig).toMatchObject({
      segmentBytes: 1024,
      retentionMs: 3600000,
      retentionBytes: 4096,
      maxMessageBytes: 2000,
      fileDeleteDelayMs: 0,
      flushMessages: NEVER,
      flushMs: NEVER,
    });
  });

  test('scheduler periods and recovery threads come from the broker; known topics get their own LogConfig', () => {
    const broker = config({
      'log.dirs': '/a,/b',
      'log.retention.check.interval.ms': '1000',
      'log.flush.scheduler.interval.ms': '1500',
      'log.flush.offset.checkpoint.interval.ms': '2000',
      'log.flush.start.offset.checkpoint.interval.ms': '3000',
      'replica.high.watermark.checkpoint.interval.ms': '400',
      'num.recovery.threads.per.data.dir': '3',
    });
    const special = logConfig({ segmentBytes: 4096 });
    const lm = logManagerConfig(broker, new Map([['special', special]]));
    expect(lm).toMatchObject({
      logDirs: ['/a', '/b'],
      retentionCheckIntervalMs: 1000,
      flushCheckIntervalMs: 1500,
      recoveryPointCheckpointIntervalMs: 2000,
      logStartOffsetCheckpointIntervalMs: 3000,
      highWatermarkCheckpointIntervalMs: 400,
      loadConcurrency: 3,
    });
    expect(lm.topicConfig?.('special')).toBe(special);
    expect(lm.topicConfig?.('other')).toEqual(lm.defaultConfig);
  });
});
