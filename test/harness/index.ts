/**
 * The test harness: what every suite needs to use real ZooKeeper and real processes safely.
 *
 *   zkConnect()              this run's ZooKeeper connect string (integration tests only)
 *   chrootConnect(label)     a fresh, unique chroot of it per call: `<connect>/samsa-test/<label>-<hex>`
 *   freePort(), freePorts(n) free TCP ports from the OS, distinct
 *   waitFor(cond, {timeoutMs, intervalMs?, what})  poll until truthy, monotonic deadline
 *   tempDir(label)           a fresh folder under os.tmpdir()
 *   spawnTracked(cmd, args, opts), killTracked(child, signal?)  child processes that get cleaned up
 *   samsaBin()               the built CLI, dist/ops/bin/samsa.js
 *   onCleanup(fn)            run `fn` in cleanupAll, before the kills (e.g. stop an ensemble)
 *   cleanupAll()             run the onCleanup callbacks (last registered first), SIGKILL every
 *                            tracked process still alive, remove the temp folders
 *
 * Cleanup is automatic: importing this module in a jest test file registers `afterAll(cleanupAll)`
 * for that file (so it runs even when a test fails or times out); call `useHarness()` at the top
 * of a suite to say so explicitly. If the test process exits before that, a process 'exit' hook
 * SIGKILLs the tracked processes; and the next run's global setup kills whatever a crashed run
 * left (test/harness/paths.ts says where that is recorded).
 */
import { killAllTracked } from './processes';
import { removeTempDirs } from './temp-dirs';

export { waitFor } from '../../ops/zookeeper/wait-for';
export type { WaitForOptions } from '../../ops/zookeeper/wait-for';
export { freePort, freePorts } from './ports';
export { killTracked, spawnTracked } from './processes';
export type { ExitStatus } from './processes';
export { tempDir } from './temp-dirs';
export { chrootConnect, zkConnect } from './zookeeper';
export { SAMSA_BIN, samsaBin } from './cli';

const cleanups: (() => unknown)[] = [];

/** Runs `fn` (last registered first) when cleanupAll runs, before tracked processes are killed. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/**
 * Runs the onCleanup callbacks, kills every tracked process still alive and removes every temp
 * folder of this test file. Every step runs even if an earlier one fails; the first failure is
 * then rethrown.
 */
export async function cleanupAll(): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async (step: () => unknown): Promise<void> => {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  };
  for (const fn of cleanups.splice(0).reverse()) await attempt(fn);
  await attempt(killAllTracked);
  await attempt(removeTempDirs);
  if (failures.length > 0) throw failures[0];
}

let registered = false;

/** Registers `afterAll(cleanupAll)` for the current test file (once; importing already does). */
export function useHarness(): void {
  if (registered || typeof afterAll !== 'function') return;
  afterAll(cleanupAll);
  registered = true;
}

useHarness();
