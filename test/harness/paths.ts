/**
 * Where the test harness keeps what must survive a crashed run, so the next run can clean it up:
 *   <os.tmpdir()>/samsa-test/runs/<run id>/   one test run: `owner` (the jest process's pid) and
 *                                             `zookeeper/` (that run's ensemble, see ops/zookeeper)
 *   <os.tmpdir()>/samsa-test/pids/<pid>.json  one process started by spawnTracked:
 *                                             { "pid", "owner" (pid of the test process), "args" }
 *   <os.tmpdir()>/samsa-test/tmp/<owner pid>-<label>-XXXXXX/   tempDir() folders
 * Anything whose owner process is gone is a leftover of an aborted run.
 */
import os from 'node:os';
import path from 'node:path';

export const HARNESS_ROOT = path.join(os.tmpdir(), 'samsa-test');
export const RUNS_DIR = path.join(HARNESS_ROOT, 'runs');
export const PIDS_DIR = path.join(HARNESS_ROOT, 'pids');
export const TMP_DIR = path.join(HARNESS_ROOT, 'tmp');

/** Whether a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
