import {
  ControlledShutdownReply,
  controlledShutdown,
} from '../../../broker/server/controlled-shutdown';
import { captureLogger } from '../../client/network/helpers';

function run(replies: (ControlledShutdownReply | Error)[], maxRetries = 3) {
  const { log, lines } = captureLogger();
  const sent: { brokerId: number; brokerEpoch: number }[] = [];
  const sleeps: number[] = [];
  let epoch = 100;
  const result = controlledShutdown({
    brokerId: 2,
    brokerEpoch: () => epoch++,
    maxRetries,
    retryBackoffMs: 500,
    send: (brokerId, brokerEpoch) => {
      sent.push({ brokerId, brokerEpoch });
      const reply = replies.shift();
      if (reply === undefined) throw new Error('unexpected extra attempt');
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
    },
    log,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { result, lines, sent, sleeps };
}

describe('controlledShutdown (broker side)', () => {
  test('one successful attempt: no retry, no wait', async () => {
    const { result, sent, sleeps } = run([{ errorCode: 0, remaining: [] }]);
    expect(await result).toBe(true);
    expect(sent).toEqual([{ brokerId: 2, brokerEpoch: 100 }]);
    expect(sleeps).toEqual([]);
  });

  test('retries while partitions remain, with the backoff, and sends the current epoch', async () => {
    const { result, sent, sleeps, lines } = run([
      { errorCode: 0, remaining: [{ topic: 't', partition: 1 }] },
      { errorCode: 0, remaining: [] },
    ]);
    expect(await result).toBe(true);
    expect(sent.map((s) => s.brokerEpoch)).toEqual([100, 101]);
    expect(sleeps).toEqual([500]);
    expect(lines).toContain('INFO Remaining partitions to move: t-1');
  });

  test('retries after a failed request or an error code', async () => {
    const { result, lines } = run([
      new Error('no controller is known'),
      { errorCode: 77, remaining: [] },
      { errorCode: 0, remaining: [] },
    ]);
    expect(await result).toBe(true);
    expect(lines.some((l) => l.includes('no controller is known'))).toBe(true);
    expect(lines).toContain('INFO Controlled shutdown request returned STALE_BROKER_EPOCH');
  });

  test('gives up after controlled.shutdown.max.retries attempts, without a final wait', async () => {
    const stuck = { errorCode: 0, remaining: [{ topic: 't', partition: 0 }] };
    const { result, sent, sleeps, lines } = run([stuck, stuck, stuck]);
    expect(await result).toBe(false);
    expect(sent).toHaveLength(3);
    expect(sleeps).toEqual([500, 500]);
    expect(lines).toContain(
      'WARN Proceeding to do an unclean shutdown as all the controlled shutdown attempts failed',
    );
  });
});
