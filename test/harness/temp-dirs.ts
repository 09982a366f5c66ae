/**
 * Fresh temporary folders for tests (under paths.ts's TMP_DIR), removed by cleanupAll, and
 * removal of those left by aborted runs.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isAlive, TMP_DIR } from './paths';

const created = new Set<string>();

/** A new empty folder `<tmp>/samsa-test/tmp/<pid>-<label>-XXXXXX`. */
export async function tempDir(label: string): Promise<string> {
  await fs.mkdir(TMP_DIR, { recursive: true });
  const safe = label.replace(/[^A-Za-z0-9_.-]/g, '_');
  const dir = await fs.mkdtemp(path.join(TMP_DIR, `${process.pid}-${safe}-`));
  created.add(dir);
  return dir;
}

/** Removes every folder tempDir created in this process. */
export async function removeTempDirs(): Promise<void> {
  const dirs = [...created];
  created.clear();
  await Promise.all(dirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/** Removes the temp folders of test processes that no longer exist. */
export async function reapLeftoverTempDirs(): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(TMP_DIR);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const name of names) {
    const owner = Number(name.split('-')[0]);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) continue;
    await fs.rm(path.join(TMP_DIR, name), { recursive: true, force: true });
  }
}
