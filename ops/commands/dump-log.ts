/**
 * `samsa dump-log --files a.log[,b.index,...]`: kafka-dump-log's flags on top of the dumper in
 * ops/tools/dump-log. The dump goes to stdout, the problems found to stderr; a bad flag value or
 * an unreadable file is a one-line error with exit code 1.
 */
import type { CommandModule } from 'yargs';
import { SamsaError } from '../../client/errors';
import { DEFAULT_MAX_MESSAGE_SIZE, runDumpLog } from '../tools/dump-log';

interface DumpLogArgs {
  files: string;
  'print-data-log': boolean;
  'deep-iteration': boolean;
  'verify-index-only': boolean;
  'index-sanity-check': boolean;
  'max-message-size': number;
  'skip-record-metadata': boolean;
}

export const dumpLogCommand: CommandModule<object, DumpLogArgs> = {
  command: 'dump-log',
  describe:
    'Parse log segment and index files and dump their contents, checking them on the way ' +
    '(kafka-dump-log.sh)',
  builder: (yargs) =>
    yargs
      .option('files', {
        type: 'string',
        demandOption: true,
        describe: 'REQUIRED: The comma separated list of data and index log files to be dumped.',
      })
      .option('print-data-log', {
        type: 'boolean',
        default: false,
        describe: "if set, print each record's key and value (implies --deep-iteration).",
      })
      .option('deep-iteration', {
        type: 'boolean',
        default: false,
        describe:
          'if set, print every record, not only every batch. Automatically set if print-data-log is enabled.',
      })
      .option('verify-index-only', {
        type: 'boolean',
        default: false,
        describe: 'if set, just verify the index log without printing its content.',
      })
      .option('index-sanity-check', {
        type: 'boolean',
        default: false,
        describe:
          'if set, just checks the index sanity without printing its content. This is the same ' +
          'check that is executed on broker startup to determine if an index needs rebuilding or not.',
      })
      .option('max-message-size', {
        type: 'number',
        default: DEFAULT_MAX_MESSAGE_SIZE,
        describe: 'Size of largest message.',
      })
      .option('skip-record-metadata', {
        type: 'boolean',
        default: false,
        describe: 'whether to skip printing metadata for each record.',
      }),
  handler: async (args) => {
    const maxMessageSize = args['max-message-size'];
    if (!Number.isSafeInteger(maxMessageSize) || maxMessageSize <= 0) {
      throw new SamsaError(
        `--max-message-size must be a positive number of bytes, not ${String(maxMessageSize)}`,
      );
    }
    const files = args.files.split(',').filter((file) => file !== '');
    if (files.length === 0) throw new SamsaError('--files names no file');
    await runDumpLog(
      {
        files,
        printDataLog: args['print-data-log'],
        deepIteration: args['deep-iteration'],
        verifyIndexOnly: args['verify-index-only'],
        indexSanityCheck: args['index-sanity-check'],
        maxMessageSize,
        skipRecordMetadata: args['skip-record-metadata'],
      },
      { stdout: process.stdout, stderr: process.stderr },
    );
  },
};
