/**
 * The built `samsa` CLI (dist/ops/bin/samsa.js) that integration tests run as a real process.
 * `npm test` builds dist first (its `pretest` step). `SAMSA_TEST_DIST=<dir>` points the tests at
 * another build of the tree (`tsc --outDir <dir>`), e.g. to test one change while others edit the
 * working tree.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const DIST = process.env.SAMSA_TEST_DIST ?? path.resolve(__dirname, '../../dist');

export const SAMSA_BIN = path.resolve(DIST, 'ops/bin/samsa.js');

/** The built CLI, or a clear error telling how to build it. */
export function samsaBin(): string {
  if (!existsSync(SAMSA_BIN)) {
    throw new Error(`${SAMSA_BIN} is missing: build first (npm run build)`);
  }
  return SAMSA_BIN;
}
