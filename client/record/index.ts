/**
 * The record format's public surface: Kafka RecordBatch v2 encoding and decoding, the batch
 * header, shallow validation for the broker, compression codecs, varints and murmur2.
 */
export * from './batch-builder';
export * from './batch-header';
export * from './batch-validation';
export * from './compression';
export * from './murmur2';
export * from './record-batch';
export { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint';
