/**
 * Waiting on a condition with a deadline, on the monotonic clock: the one way samsa's launcher
 * and tests wait for something to happen (never a fixed sleep).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SamsaError } from '../../client/errors';

export interface WaitForOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Pause between two polls (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, for the error message: `timed out after 5000ms waiting for <what>`. */
  what: string;
}

/** What a condition's value is once it counts as met. */
export type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/**
 * Polls `condition` until it returns a truthy value and resolves with that value. An exception
 * thrown by the condition counts as "not yet"; the last one is named in the timeout error (and
 * kept as its cause).
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitForOptions,
): Promise<Truthy<T>> {
  const interval = options.intervalMs ?? 100;
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
    } catch (error) {
      lastError = error;
    }
    const left = deadline - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(interval, left));
  }
  const reason =
    lastError === undefined
      ? ''
      : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
  throw new SamsaError(
    `timed out after ${options.timeoutMs}ms waiting for ${options.what}${reason}`,
    {
      retriable: true,
      cause: lastError,
    },
  );
}
