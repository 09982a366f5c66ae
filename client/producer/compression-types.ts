/**
 * The producer's `compression` setting: KafkaJS's `CompressionTypes` constants (Kafka's codec ids:
 * None 0, GZIP 1, Snappy 2, LZ4 3, ZSTD 4) or Kafka's `compression.type` names.
 */
import { SamsaError } from '../errors';
import { CompressionCodec } from '../record';

export const CompressionTypes = {
  None: CompressionCodec.None,
  GZIP: CompressionCodec.Gzip,
  Snappy: CompressionCodec.Snappy,
  LZ4: CompressionCodec.Lz4,
  ZSTD: CompressionCodec.Zstd,
} as const;

export type CompressionType = (typeof CompressionTypes)[keyof typeof CompressionTypes];

/** Kafka's `compression.type` values. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

const byName: Readonly<Record<CompressionName, CompressionCodec>> = {
  none: CompressionCodec.None,
  gzip: CompressionCodec.Gzip,
  snappy: CompressionCodec.Snappy,
  lz4: CompressionCodec.Lz4,
  zstd: CompressionCodec.Zstd,
};

/** The codec for a `compression` setting (default none); anything else is a clear error. */
export function compressionCodec(
  value: CompressionType | CompressionName | undefined,
): CompressionCodec {
  if (value === undefined) return CompressionCodec.None;
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(byName, value)) {
    return byName[value];
  }
  if (typeof value === 'number' && value in CompressionCodec) return value;
  throw new SamsaError(
    `compression must be one of CompressionTypes (None, GZIP, Snappy, LZ4, ZSTD) or none|gzip|snappy|lz4|zstd, got ${String(value)}`,
  );
}
