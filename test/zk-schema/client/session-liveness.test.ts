import fc from 'fast-check';
import { SessionLiveness } from '../../../zk-schema/client/session-liveness';

describe('SessionLiveness', () => {
  const T = 3000;

  it('asks for a heartbeat after T/3 of silence, drops the connection after 2T/3, expires after T', () => {
    const l = new SessionLiveness(T, 1, 0);
    l.onConnected(0, T);
    expect(l.next(999)).toBe('none');
    expect(l.next(1000)).toBe('heartbeat');
    l.onHeartbeatSent();
    expect(l.next(1500)).toBe('none');
    expect(l.next(2000)).toBe('drop-connection');
    expect(l.next(2100)).toBe('none');
    l.onDisconnected(2100);
    expect(l.next(2999)).toBe('none');
    expect(l.next(3000)).toBe('expire');
  });

  it('expires while disconnected, counting from the last reply, not from the disconnection', () => {
    const l = new SessionLiveness(T, 1, 0);
    l.onConnected(0, T);
    l.onHeard(500);
    l.onDisconnected(600);
    expect(l.next(3400)).toBe('none');
    expect(l.next(3500)).toBe('expire');
  });

  it('uses the negotiated timeout and is reset by a reconnection within the session', () => {
    const l = new SessionLiveness(30000, 1, 0);
    l.onConnected(0, T);
    expect(l.sessionTimeoutMs).toBe(T);
    expect(l.checkIntervalMs).toBe(300);
    l.onDisconnected(100);
    l.onConnected(2500, T);
    expect(l.next(3499)).toBe('none');
    expect(l.next(3500)).toBe('heartbeat');
  });

  it('abandons a connection attempt after T / servers, and never expires a session not yet granted', () => {
    const l = new SessionLiveness(T, 3, 0);
    expect(l.isEstablished).toBe(false);
    expect(l.next(999)).toBe('none');
    expect(l.next(1000)).toBe('abandon-attempt');
    expect(l.next(1500)).toBe('none');
    expect(l.next(2000)).toBe('abandon-attempt');
    expect(l.next(100000)).toBe('abandon-attempt');
    l.onConnected(100000, T);
    expect(l.isEstablished).toBe(true);
    l.onDisconnected(100500);
    expect(l.next(101499)).toBe('none');
    expect(l.next(101500)).toBe('abandon-attempt');
    expect(l.next(103000)).toBe('expire');
  });

  it('a heartbeat lost with the connection does not count as a reply', () => {
    const l = new SessionLiveness(T, 1, 0);
    l.onConnected(0, T);
    l.onHeartbeatSent();
    l.onHeartbeatDone(1200, false);
    expect(l.silenceMs(1200)).toBe(1200);
    l.onHeartbeatSent();
    l.onHeartbeatDone(1300, true);
    expect(l.silenceMs(1300)).toBe(0);
  });

  it('never drops or expires a session whose heartbeats are answered within T/3 minus a check interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 300, max: 60000 }),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 100 }),
        (timeout, latencies) => {
          const l = new SessionLiveness(timeout, 1, 0);
          l.onConnected(0, timeout);
          const step = l.checkIntervalMs;
          const maxLatency = timeout / 3 - step;
          let replyAt: number | null = null;
          let next = 0;
          for (let t = step; t <= timeout * 10; t += step) {
            // Replies are handled when they arrive, before the check at t.
            if (replyAt !== null && replyAt <= t) {
              l.onHeartbeatDone(replyAt, true);
              replyAt = null;
            }
            const action = l.next(t);
            if (action === 'expire' || action === 'drop-connection') return false;
            if (action === 'heartbeat') {
              l.onHeartbeatSent();
              replyAt = t + latencies[next % latencies.length] * maxLatency;
              next += 1;
            }
          }
          return true;
        },
      ),
    );
  });
});
