/**
 * A stand-in for `samsa server-start`, for testing how the lab runs broker processes without a
 * broker: a Node.js script that logs its arguments to stderr and then, by STAND_IN_MODE,
 *   (unset)   runs until SIGTERM, then logs "controlled shutdown" and exits 0;
 *   stubborn  ignores SIGTERM (so only SIGKILL stops it);
 *   fail      logs an error line and exits 1 at once, like a broker with a bad config.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const SCRIPT = `
const mode = process.env.STAND_IN_MODE || '';
process.stderr.write('stand-in broker: ' + process.argv.slice(2).join(' ') + '\\n');
if (mode === 'fail') {
  process.stderr.write('ERROR Invalid value x for configuration broker.id: Not a number of type INT\\n');
  process.exit(1);
}
process.on('SIGTERM', () => {
  if (mode === 'stubborn') {
    process.stderr.write('ignoring SIGTERM\\n');
    return;
  }
  process.stderr.write('controlled shutdown\\n');
  process.exit(0);
});
setInterval(() => undefined, 1000);
`;

/** Writes the stand-in script into `dir` and returns its path. */
export async function writeStandInBroker(dir: string): Promise<string> {
  const file = path.join(dir, 'stand-in-broker.js');
  await fs.writeFile(file, SCRIPT);
  return file;
}
