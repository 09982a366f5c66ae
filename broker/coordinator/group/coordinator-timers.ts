/**
 * The clocks and timers of the group coordinator, behind one small interface so that tests drive
 * time by hand (test/broker/coordinator/group/manual-clock.ts) instead of sleeping.
 *
 * - `now()` is monotonic (performance.now): deadlines of sessions, rebalances and joins.
 * - `wallClock()` is milliseconds since the epoch: what is written to `__consumer_offsets`
 *   (commit timestamps, the time a group changed state) and compared with it for offset
 *   retention, as Kafka does.
 * - `schedule(delayMs, task)` runs `task` once after `delayMs`, unless cancelled. Timers do not
 *   keep the process alive.
 */
import { performance } from 'node:perf_hooks';

export interface CoordinatorTimer {
  cancel(): void;
}

export interface CoordinatorClock {
  now(): number;
  wallClock(): number;
  schedule(delayMs: number, task: () => void): CoordinatorTimer;
}

export const SYSTEM_CLOCK: CoordinatorClock = {
  now: () => performance.now(),
  wallClock: () => Date.now(),
  schedule(delayMs, task) {
    const timeout = setTimeout(task, Math.max(0, delayMs));
    timeout.unref();
    return { cancel: () => clearTimeout(timeout) };
  },
};
