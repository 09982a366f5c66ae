/**
 * The broker's partition logs (Kafka's `kafka.log` package): LogManager, Log, LogSegment, the
 * two indexes, the leader-epoch cache, the checkpoint files and the log cleaner (compaction), in
 * Kafka's on-disk formats.
 */
export * from './checkpoint-file';
export * from './cleaner';
export * from './leader-epoch-cache';
export * from './log';
export * from './log-cleaner';
export * from './log-cleaner-manager';
export * from './log-config';
export * from './log-files';
export * from './log-manager';
export * from './log-segment';
export * from './meta-properties';
export * from './offset-map';
export * from './offset-index';
export * from './time-index';
