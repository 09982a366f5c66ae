import { waitFor } from '../../../ops/zookeeper/wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value of the condition', async () => {
    let polls = 0;
    const value = await waitFor(() => (++polls >= 3 ? { polls } : undefined), {
      timeoutMs: 2000,
      intervalMs: 1,
      what: 'three polls',
    });
    expect(value).toEqual({ polls: 3 });
  });

  it('treats exceptions as "not yet" and awaits async conditions', async () => {
    let polls = 0;
    const value = await waitFor(
      async () => {
        if (++polls < 3) throw new Error('not ready');
        return 'ready';
      },
      { timeoutMs: 2000, intervalMs: 1, what: 'readiness' },
    );
    expect(value).toBe('ready');
  });

  it('rejects after the deadline naming what it waited for and the last error', async () => {
    const started = performance.now();
    await expect(
      waitFor(
        () => {
          throw new Error('still down');
        },
        { timeoutMs: 150, intervalMs: 20, what: 'node 3' },
      ),
    ).rejects.toThrow('timed out after 150ms waiting for node 3 (last error: still down)');
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('rejects on a falsy condition with no error to report', async () => {
    await expect(waitFor(() => false, { timeoutMs: 30, what: 'never' })).rejects.toThrow(
      /^timed out after 30ms waiting for never$/,
    );
  });
});
