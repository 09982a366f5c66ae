/**
 * Shallow validation of RecordBatch v2 batches for the broker: walking concatenated batches (a
 * produce payload, a log segment slice) and checking each one's header (sizes, magic, CRC-32C,
 * codec id, record count against lastOffsetDelta) without decompressing or decoding a single
 * record. Problems come back as typed KafkaErrors whose message names what is wrong and where.
 *
 * The CRC covers attributes..end, so checking it here proves the records are the bytes the
 * producer wrote; baseOffset and partitionLeaderEpoch sit before it and may then be rewritten in
 * place (batch-header.ts).
 */
import { KafkaError } from '../errors';
import {
  COMPRESSION_CODEC_MASK,
  CURRENT_MAGIC,
  CompressionCodec,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  RecordBatchHeader,
  isBatchCrcValid,
  readBatchHeader,
} from './batch-header';

/** Smallest encoded record (seven one-byte fields); bounds the count an uncompressed batch holds. */
const MIN_RECORD_SIZE = 7;

/** One batch found in a buffer: its byte position, total size (12 + batchLength) and header. */
export interface BatchLocation {
  /** Byte position of the batch in the buffer (not a Kafka offset). */
  offset: number;
  size: number;
  header: RecordBatchHeader;
}

export interface IterateBatchesOptions {
  /**
   * Stop silently at an incomplete last batch instead of failing (a fetch response may end with
   * a partial batch; a produce payload or a sealed segment may not). Default false.
   */
  allowTruncatedTail?: boolean;
}

export interface ShallowValidationOptions {
  /**
   * Batches straight from a producer (default true): at least one record and recordCount ==
   * lastOffsetDelta + 1. With false (batches already in a log, where compaction leaves offset
   * gaps and may leave empty batches): 0 <= recordCount <= lastOffsetDelta + 1.
   */
  freshlyProduced?: boolean;
  /** Largest batch accepted (the broker's message.max.bytes); larger is MESSAGE_TOO_LARGE. */
  maxBatchBytes?: number;
  /** Check the CRC-32C (default true). */
  verifyCrc?: boolean;
}

function corrupt(detail: string): KafkaError {
  return new KafkaError('CORRUPT_MESSAGE', detail);
}

/**
 * Walks the batches laid end to end in `buf`, reading only each one's length and header. A
 * batchLength too small to hold a header, or a batch running past the end of the buffer, is
 * CORRUPT_MESSAGE (or, for the last batch with `allowTruncatedTail`, the end of the walk).
 */
export function* iterateBatches(
  buf: Buffer,
  options: IterateBatchesOptions = {},
): Generator<BatchLocation, void, undefined> {
  let pos = 0;
  while (pos < buf.length) {
    const remaining = buf.length - pos;
    if (remaining < LOG_OVERHEAD) {
      if (options.allowTruncatedTail === true) return;
      throw corrupt(
        `truncated batch at position ${pos}: ${remaining} bytes, less than a batch header`,
      );
    }
    const batchLength = buf.readInt32BE(pos + 8);
    if (batchLength < RECORD_BATCH_OVERHEAD - LOG_OVERHEAD) {
      throw corrupt(
        `batch at position ${pos} has batchLength ${batchLength}, below the minimum ${RECORD_BATCH_OVERHEAD - LOG_OVERHEAD}`,
      );
    }
    const size = LOG_OVERHEAD + batchLength;
    if (size > remaining) {
      if (options.allowTruncatedTail === true) return;
      throw corrupt(
        `truncated batch at position ${pos}: batchLength says ${size} bytes, ${remaining} present`,
      );
    }
    yield { offset: pos, size, header: readBatchHeader(buf, pos) };
    pos += size;
  }
}

/**
 * What is wrong with the batch occupying `buf[offset, offset + size)`, or null when its header
 * is sound: CORRUPT_MESSAGE (bounds, batchLength, magic, CRC, record count), MESSAGE_TOO_LARGE
 * (above `maxBatchBytes`) or UNSUPPORTED_COMPRESSION_TYPE (codec ids 5-7).
 */
export function batchProblem(
  buf: Buffer,
  offset: number,
  size: number,
  options: ShallowValidationOptions = {},
): KafkaError | null {
  if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 0) {
    return corrupt(`bad batch bounds: position ${offset}, size ${size}`);
  }
  if (size < RECORD_BATCH_OVERHEAD) {
    return corrupt(
      `batch at position ${offset} is ${size} bytes, less than its ${RECORD_BATCH_OVERHEAD}-byte header`,
    );
  }
  if (offset + size > buf.length) {
    return corrupt(
      `batch at position ${offset} of ${size} bytes runs past the end of the ${buf.length}-byte buffer`,
    );
  }
  const header = readBatchHeader(buf, offset);
  const where = `batch at position ${offset} (base offset ${header.baseOffset})`;
  if (LOG_OVERHEAD + header.batchLength !== size) {
    return corrupt(`${where}: batchLength ${header.batchLength} does not match its size ${size}`);
  }
  if (header.magic !== CURRENT_MAGIC) {
    return corrupt(`${where}: magic ${header.magic}, only record batch v2 (magic 2) is accepted`);
  }
  if (options.maxBatchBytes !== undefined && size > options.maxBatchBytes) {
    return new KafkaError(
      'MESSAGE_TOO_LARGE',
      `${where} is ${size} bytes, larger than the maximum ${options.maxBatchBytes}`,
    );
  }
  if ((options.verifyCrc ?? true) && !isBatchCrcValid(buf, offset, size)) {
    return corrupt(`${where}: CRC mismatch (stored ${header.crc.toString(16).padStart(8, '0')})`);
  }
  const codec = header.attributes & COMPRESSION_CODEC_MASK;
  if (codec > CompressionCodec.Zstd) {
    return new KafkaError(
      'UNSUPPORTED_COMPRESSION_TYPE',
      `${where}: unknown compression codec id ${codec}`,
    );
  }
  const { recordCount, lastOffsetDelta } = header;
  if (options.freshlyProduced ?? true) {
    if (recordCount < 1)
      return corrupt(`${where}: record count ${recordCount}, at least 1 expected`);
    if (recordCount !== lastOffsetDelta + 1) {
      return corrupt(
        `${where}: record count ${recordCount} but lastOffsetDelta ${lastOffsetDelta}`,
      );
    }
  } else if (recordCount < 0 || lastOffsetDelta < 0 || recordCount > lastOffsetDelta + 1) {
    return corrupt(
      `${where}: record count ${recordCount} inconsistent with lastOffsetDelta ${lastOffsetDelta}`,
    );
  }
  if (
    codec === CompressionCodec.None &&
    recordCount > (size - RECORD_BATCH_OVERHEAD) / MIN_RECORD_SIZE
  ) {
    return corrupt(
      `${where}: ${size - RECORD_BATCH_OVERHEAD} bytes cannot hold ${recordCount} records`,
    );
  }
  return null;
}

/** Throws `batchProblem`'s error, if any; otherwise returns the batch's header. */
export function validateBatchShallow(
  buf: Buffer,
  offset: number,
  size: number,
  options: ShallowValidationOptions = {},
): RecordBatchHeader {
  const problem = batchProblem(buf, offset, size, options);
  if (problem !== null) throw problem;
  return readBatchHeader(buf, offset);
}

/**
 * Validates every batch of a payload (e.g. a produce request's records): at least one batch, no
 * trailing partial batch, each batch sound. Returns where each batch is.
 */
export function validateBatchesShallow(
  buf: Buffer,
  options: ShallowValidationOptions = {},
): BatchLocation[] {
  if (buf.length === 0) throw corrupt('no record batch in an empty payload');
  const batches: BatchLocation[] = [];
  for (const location of iterateBatches(buf)) {
    const problem = batchProblem(buf, location.offset, location.size, options);
    if (problem !== null) throw problem;
    batches.push(location);
  }
  return batches;
}
