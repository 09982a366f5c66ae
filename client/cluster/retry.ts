/**
 * Retrying with exponential backoff, as KafkaJS does (`retry: { retries, initialRetryTime,
 * maxRetryTime, factor, multiplier }`): the first wait is `initialRetryTime` randomized by
 * ±`factor`; each later wait is the previous one times `multiplier`, randomized again and capped at
 * `maxRetryTime`. Only errors with `retriable: true` (SamsaError / KafkaError) are retried; any
 * other error, including JavaScript programming errors, fails at once. When the retries run out
 * the caller gets a RetriesExhaustedError (not retriable, so nested retry loops do not multiply)
 * whose message and `cause` carry the last error, with its broker, topic and partition.
 */
import { performance } from 'perf_hooks';
import { setTimeout as sleep } from 'timers/promises';
import { SamsaError } from '../errors';

export interface RetryOptions {
  /** Retries after the first attempt. Default 5. */
  readonly retries?: number;
  /** First wait, in ms. Default 300. */
  readonly initialRetryTime?: number;
  /** Cap on one wait, in ms. Default 30000. */
  readonly maxRetryTime?: number;
  /** Randomization of each wait, ± this fraction. Default 0.2. */
  readonly factor?: number;
  /** Growth of the wait from one retry to the next. Default 2. */
  readonly multiplier?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryOptions = Object.freeze({
  retries: 5,
  initialRetryTime: 300,
  maxRetryTime: 30000,
  factor: 0.2,
  multiplier: 2,
});

/** Fills in the defaults and checks every value; a bad value is a RangeError naming it. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  const resolved = { ...DEFAULT_RETRY, ...stripUndefined(options) };
  if (!Number.isInteger(resolved.retries) || resolved.retries < 0) {
    throw new RangeError(`retry.retries must be an integer >= 0, got ${resolved.retries}`);
  }
  for (const name of ['initialRetryTime', 'maxRetryTime'] as const) {
    if (!(resolved[name] >= 0) || !Number.isFinite(resolved[name])) {
      throw new RangeError(`retry.${name} must be a number >= 0, got ${resolved[name]}`);
    }
  }
  if (!(resolved.factor >= 0 && resolved.factor < 1)) {
    throw new RangeError(`retry.factor must be in [0, 1), got ${resolved.factor}`);
  }
  if (!(resolved.multiplier >= 1) || !Number.isFinite(resolved.multiplier)) {
    throw new RangeError(`retry.multiplier must be a number >= 1, got ${resolved.multiplier}`);
  }
  return Object.freeze(resolved);
}

function stripUndefined(options: RetryOptions): RetryOptions {
  const copy: Record<string, number> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) copy[key] = value as number;
  }
  return copy;
}

/** `base` randomized by ±factor. */
function randomize(base: number, factor: number, random: () => number): number {
  const delta = base * factor;
  return Math.ceil(base - delta + random() * 2 * delta);
}

/**
 * The wait before retry number `retry` (1 for the first retry), without the chain of random
 * draws KafkaJS makes: initialRetryTime * multiplier^(retry-1), randomized by ±factor, capped.
 */
export function backoffDelay(
  options: ResolvedRetryOptions,
  retry: number,
  random: () => number = Math.random,
): number {
  const base = options.initialRetryTime * Math.pow(options.multiplier, Math.max(0, retry - 1));
  return Math.min(options.maxRetryTime, randomize(base, options.factor, random));
}

/** The retries ran out; `cause` is the last error. */
export class RetriesExhaustedError extends SamsaError {
  constructor(
    readonly retryCount: number,
    /** Milliseconds from the first attempt to the last failure. */
    readonly retryTime: number,
    cause: unknown,
  ) {
    super(
      `gave up after ${retryCount} ${retryCount === 1 ? 'retry' : 'retries'} in ${Math.round(retryTime)} ms: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { retriable: false, cause },
    );
  }
}

/** True for errors a retry loop may retry: SamsaErrors flagged retriable. */
export function isRetriable(error: unknown): boolean {
  return error instanceof SamsaError && error.retriable;
}

export interface RetryHooks {
  /**
   * Called after a retriable failure, before the wait: e.g. refresh metadata after
   * NOT_LEADER_OR_FOLLOWER. An error it throws ends the loop.
   */
  onRetry?(error: SamsaError, retry: number, delayMs: number): void | Promise<void>;
  /** Checked before each wait; true ends the loop with the last error (e.g. the client stops). */
  aborted?(): boolean;
}

/**
 * Runs `attempt` until it resolves, waiting with backoff after each retriable failure; `attempt`
 * receives the number of the attempt (0 first).
 */
export async function retry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: ResolvedRetryOptions,
  hooks: RetryHooks = {},
): Promise<T> {
  const started = performance.now();
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!isRetriable(error)) throw error;
      if (attemptNumber >= options.retries) {
        throw new RetriesExhaustedError(attemptNumber, performance.now() - started, error);
      }
      if (hooks.aborted?.() === true) throw error;
      const delay = backoffDelay(options, attemptNumber + 1);
      await hooks.onRetry?.(error as SamsaError, attemptNumber + 1, delay);
      await sleep(delay);
      if (hooks.aborted?.() === true) throw error;
    }
  }
}
