#!/usr/bin/env node
/**
 * The `samsa` executable: parses the command line with yargs (strict: an unknown command or flag
 * is an error) and runs one of the subcommands from ops/commands. Any error prints one line,
 * `samsa: <message>`, on stderr and exits with code 1.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { commands } from '../commands';

async function main(): Promise<void> {
  await yargs(hideBin(process.argv))
    .scriptName('samsa')
    .command(commands)
    .demandCommand(1, 'name a command (samsa --help lists them)')
    .strict()
    .help()
    .fail(false)
    .parseAsync();
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
  process.stderr.write(`samsa: ${oneLine}\n`);
  process.exitCode = 1;
});
