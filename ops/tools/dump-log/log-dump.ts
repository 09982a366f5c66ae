/**
 * Dumping one `.log` segment file: `Starting offset: <base offset>`, one line per batch (with
 * its CRC checked), one line per record with deep iteration (records decoded, decompressed when
 * needed), and `Found N invalid bytes at the end of <name>` when the file ends in an incomplete
 * batch. Records whose offsets do not follow each other are reported as non-consecutive.
 * The file is streamed, never read whole.
 */
import * as path from 'node:path';
import { SamsaError } from '../../../client/errors';
import {
  CURRENT_MAGIC,
  MAGIC_OFFSET,
  RECORD_BATCH_OVERHEAD,
  isBatchCrcValid,
  readBatchHeader,
} from '../../../client/record/batch-header';
import { decodeRecordBatch } from '../../../client/record/record-batch';
import { BatchStream, type FileBatch } from './batch-stream';
import { baseOffsetOf, openReadOnly } from './files';
import { type BatchView, batchLine, recordLine } from './format';
import type { LineWriter } from './output';
import type { DumpProblems } from './problems';

export interface LogDumpOptions {
  /** Print one line per record. */
  deepIteration: boolean;
  /** Add each record's key and value (implies deep iteration in the caller). */
  printData: boolean;
  /** Print only the key and value of each record. */
  skipRecordMetadata: boolean;
}

/** The header, size and CRC check of a v2 batch; other versions are an error. */
export function viewOf(file: string, batch: FileBatch): BatchView {
  const bytes = batch.bytes;
  const magic = bytes.readInt8(MAGIC_OFFSET);
  if (magic !== CURRENT_MAGIC) {
    throw new SamsaError(
      `${file}: the batch at position ${batch.position} has magic ${magic}; only record batch v2 (magic 2) can be read`,
    );
  }
  if (bytes.length < RECORD_BATCH_OVERHEAD) {
    throw new SamsaError(
      `${file}: the batch at position ${batch.position} is ${bytes.length} bytes, smaller than a v2 batch header (${RECORD_BATCH_OVERHEAD} bytes)`,
    );
  }
  return {
    header: readBatchHeader(bytes, 0),
    position: batch.position,
    size: bytes.length,
    crcValid: isBatchCrcValid(bytes, 0, bytes.length),
  };
}

export async function dumpLogFile(
  file: string,
  options: LogDumpOptions,
  out: LineWriter,
  problems: DumpProblems,
): Promise<void> {
  out.line(`Starting offset: ${baseOffsetOf(file)}`);
  const { fh, size } = await openReadOnly(file);
  try {
    const absolute = path.resolve(file);
    const stream = new BatchStream(fh, file, 0, size);
    let lastOffset = -1;
    for (let batch = await stream.next(); batch; batch = await stream.next()) {
      const view = viewOf(file, batch);
      out.line(batchLine(view));
      if (options.deepIteration) {
        const decoded = await decodeRecordBatch(batch.bytes, { verifyCrc: false });
        for (const record of decoded.records) {
          // As in Kafka, -1 means "no record seen yet".
          if (lastOffset === -1) lastOffset = record.offset;
          else if (record.offset !== lastOffset + 1) {
            problems.nonConsecutiveOffsets(absolute, lastOffset, record.offset);
          }
          lastOffset = record.offset;
          out.line(
            recordLine(view, record, {
              printData: options.printData,
              skipMetadata: options.skipRecordMetadata,
            }),
          );
        }
      }
      await out.flushIfFull();
    }
    const trailing = size - stream.position;
    if (trailing > 0) {
      out.line(`Found ${trailing} invalid bytes at the end of ${path.basename(file)}`);
    }
  } finally {
    await fh.close();
  }
}
