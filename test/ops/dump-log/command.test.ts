import yargs from 'yargs';
import { dumpLogCommand } from '../../../ops/commands/dump-log';
import { type SampleLog, writeSampleLog } from './fixtures';

let sample: SampleLog;

beforeAll(async () => {
  sample = await writeSampleLog();
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** Runs `samsa dump-log <args>` in this process, with stdout captured. */
async function samsaDumpLog(args: string[]): Promise<string[]> {
  let out = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  await yargs(['dump-log', ...args])
    .command(dumpLogCommand)
    .strict()
    .fail(false)
    .parseAsync();
  return out.replace(/\n$/, '').split('\n');
}

describe('samsa dump-log command line', () => {
  it("takes Kafka's flags: --files as a comma-separated list, --print-data-log turning on deep iteration", async () => {
    const lines = await samsaDumpLog([
      '--files',
      `${sample.logFile},${sample.indexFile}`,
      '--print-data-log',
    ]);
    expect(lines[0]).toBe(`Dumping ${sample.logFile}`);
    expect(lines).toContain(`Dumping ${sample.indexFile}`);
    expect(
      lines.filter((line) => line.startsWith('| ') && line.endsWith(' key: k0 payload: hello')),
    ).toHaveLength(1);
  });

  it('refuses a --max-message-size that is not a positive number of bytes, and a missing --files', async () => {
    await expect(
      samsaDumpLog(['--files', sample.indexFile, '--max-message-size', '0']),
    ).rejects.toThrow('--max-message-size must be a positive number of bytes, not 0');
    await expect(samsaDumpLog([])).rejects.toThrow(/Missing required argument: files/);
  });
});
