import { KafkaError, SamsaError } from '../../../client/errors';
import {
  DEFAULT_RETRY,
  RetriesExhaustedError,
  backoffDelay,
  resolveRetryOptions,
  retry,
} from '../../../client/cluster/retry';

const fast = resolveRetryOptions({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 });

describe('retry options', () => {
  test("defaults are KafkaJS's: 5 retries, 300 ms initial, 30 s cap, factor 0.2, multiplier 2", () => {
    expect(resolveRetryOptions()).toEqual({
      retries: 5,
      initialRetryTime: 300,
      maxRetryTime: 30000,
      factor: 0.2,
      multiplier: 2,
    });
    expect(DEFAULT_RETRY).toEqual(resolveRetryOptions({}));
  });

  test.each([
    [{ retries: -1 }, 'retry.retries must be an integer >= 0, got -1'],
    [{ factor: 1 }, 'retry.factor must be in [0, 1), got 1'],
    [{ multiplier: 0.5 }, 'retry.multiplier must be a number >= 1, got 0.5'],
    [{ initialRetryTime: -5 }, 'retry.initialRetryTime must be a number >= 0, got -5'],
  ])('%p is refused', (options, message) => {
    expect(() => resolveRetryOptions(options)).toThrow(message);
  });
});

describe('backoffDelay', () => {
  const options = resolveRetryOptions();

  test('grows by the multiplier from initialRetryTime', () => {
    const middle = (): number => 0.5;
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(options, n, middle))).toEqual([
      300, 600, 1200, 2400, 4800,
    ]);
  });

  test('is randomized by ±factor and capped at maxRetryTime', () => {
    expect(backoffDelay(options, 1, () => 0)).toBe(240);
    expect(backoffDelay(options, 1, () => 0.999999)).toBe(360);
    expect(backoffDelay(options, 20, () => 0.5)).toBe(30000);
  });
});

describe('retry', () => {
  test('retries retriable errors until the attempt succeeds', async () => {
    let attempts = 0;
    const result = await retry(async (attempt) => {
      attempts++;
      if (attempt < 2) throw new KafkaError('NOT_LEADER_OR_FOLLOWER');
      return 'done';
    }, fast);
    expect(result).toBe('done');
    expect(attempts).toBe(3);
  });

  test('does not retry an error that is not retriable', async () => {
    let attempts = 0;
    await expect(
      retry(async () => {
        attempts++;
        throw new KafkaError('TOPIC_ALREADY_EXISTS');
      }, fast),
    ).rejects.toMatchObject({ type: 'TOPIC_ALREADY_EXISTS' });
    expect(attempts).toBe(1);
  });

  test('does not retry JavaScript errors', async () => {
    let attempts = 0;
    await expect(
      retry(async () => {
        attempts++;
        throw new TypeError('bug');
      }, fast),
    ).rejects.toThrow(TypeError);
    expect(attempts).toBe(1);
  });

  test('ends with RetriesExhaustedError (not retriable) carrying the last error', async () => {
    let attempts = 0;
    const error = await retry(async () => {
      attempts++;
      throw new KafkaError('LEADER_NOT_AVAILABLE', undefined, {
        topic: 't',
        partition: 2,
        broker: 3,
      });
    }, fast).catch((e) => e);
    expect(attempts).toBe(4);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error.retriable).toBe(false);
    expect(error.retryCount).toBe(3);
    expect(error.cause).toMatchObject({
      type: 'LEADER_NOT_AVAILABLE',
      topic: 't',
      partition: 2,
      broker: 3,
    });
    expect(error.message).toMatch(
      /^gave up after 3 retries in \d+ ms: LEADER_NOT_AVAILABLE: .* \(t-2, broker 3\)$/,
    );
  });

  test('onRetry runs before each wait, and aborted() ends the loop with the last error', async () => {
    const seen: number[] = [];
    let stop = false;
    const error = await retry(
      async () => {
        throw new SamsaError('flaky', { retriable: true });
      },
      fast,
      {
        onRetry: (_error, retryNumber) => {
          seen.push(retryNumber);
          if (retryNumber === 2) stop = true;
        },
        aborted: () => stop,
      },
    ).catch((e) => e);
    expect(seen).toEqual([1, 2]);
    expect(error.message).toBe('flaky');
  });
});
