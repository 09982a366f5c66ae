/**
 * `samsa dump-log`: Kafka's kafka-dump-log (DumpLogSegments, as of 2.8) for samsa's log files,
 * which are Kafka's byte for byte. For each file of --files it prints `Dumping <file>`, then
 * dumps it by suffix: `.log` (log-dump.ts), `.index` and `.timeindex` (index-dump.ts); any other
 * file gets `Ignoring unknown file <file>` on stderr. The problems found (index mismatches,
 * time-index errors, non-consecutive offsets) follow on stderr once every file is dumped
 * (problems.ts). --print-data-log implies --deep-iteration, as in Kafka.
 *
 * A missing file, a corrupt batch length or a failed sanity check ends the run with a one-line
 * error (Kafka ends with an exception); what was dumped before it is printed.
 */
import type { Writable } from 'node:stream';
import { dumpOffsetIndex, dumpTimeIndex } from './index-dump';
import { dumpLogFile } from './log-dump';
import { fileSuffix } from './files';
import { LineWriter } from './output';
import { DumpProblems } from './problems';

/** Kafka's default for --max-message-size: 5 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 5 * 1024 * 1024;

export interface DumpLogOptions {
  /** The files to dump, in order. */
  files: string[];
  /** Print each record's key and value (implies deepIteration). */
  printDataLog?: boolean;
  /** Print one line per record, not just per batch. */
  deepIteration?: boolean;
  /** Check index files without printing their entries. */
  verifyIndexOnly?: boolean;
  /** Run only the sanity check of index files. */
  indexSanityCheck?: boolean;
  /** Largest batch an offset-index entry may point at (default 5 MiB). */
  maxMessageSize?: number;
  /** Print only keys and values on record lines. */
  skipRecordMetadata?: boolean;
}

export interface DumpLogIO {
  stdout: Writable;
  stderr: Writable;
}

export async function runDumpLog(options: DumpLogOptions, io: DumpLogIO): Promise<void> {
  const out = new LineWriter(io.stdout);
  const err = new LineWriter(io.stderr);
  const problems = new DumpProblems();
  const printData = options.printDataLog === true;
  const logOptions = {
    deepIteration: options.deepIteration === true || printData,
    printData,
    skipRecordMetadata: options.skipRecordMetadata === true,
  };
  const indexOptions = {
    verifyOnly: options.verifyIndexOnly === true,
    sanityOnly: options.indexSanityCheck === true,
    maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
  };
  try {
    for (const file of options.files) {
      out.line(`Dumping ${file}`);
      switch (fileSuffix(file)) {
        case '.log':
          await dumpLogFile(file, logOptions, out, problems);
          break;
        case '.index':
          await dumpOffsetIndex(file, indexOptions, out, problems);
          break;
        case '.timeindex':
          await dumpTimeIndex(file, indexOptions, out, problems);
          break;
        default:
          await out.flush();
          err.line(`Ignoring unknown file ${file}`);
          await err.flush();
      }
    }
  } finally {
    await out.flush();
  }
  for (const line of problems.lines()) err.line(line);
  await err.flush();
}
