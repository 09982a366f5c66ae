/**
 * What a partition leader knows of one follower replica (Kafka's `Replica`): the follower's log
 * end offset and log start offset as its last fetch said, when it fetched, and when it was last
 * "caught up" — the input of the ISR shrink and expand decisions and of the high watermark.
 *
 * Times are on the broker's monotonic clock (ms). `lastCaughtUpTimeMs` is the latest time at
 * which one of the follower's fetches reached the leader's log end offset as it stood when that
 * fetch arrived; a fetch that reaches the log end offset the leader had at the follower's
 * *previous* fetch proves the follower was caught up at that previous time (Kafka's rule, which
 * keeps a steadily fetching follower in sync while the leader keeps appending).
 */

/** An offset not known yet (Kafka's UnifiedLog.UnknownOffset). */
export const UNKNOWN_OFFSET = -1;

/** A time that never happened: older than any monotonic clock reading. */
export const NEVER_CAUGHT_UP = -Infinity;

export class FollowerState {
  logEndOffset = UNKNOWN_OFFSET;
  logStartOffset = UNKNOWN_OFFSET;
  lastFetchLeaderLogEndOffset = UNKNOWN_OFFSET;
  lastFetchTimeMs = NEVER_CAUGHT_UP;
  lastCaughtUpTimeMs = NEVER_CAUGHT_UP;

  constructor(readonly brokerId: number) {}

  /**
   * Records a fetch from this follower: `fetchOffset` is its log end offset, `leaderEndOffset`
   * the leader's log end offset when the fetch was served.
   */
  updateFetchState(
    fetchOffset: number,
    followerStartOffset: number,
    fetchTimeMs: number,
    leaderEndOffset: number,
  ): void {
    if (fetchOffset >= leaderEndOffset) {
      this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, fetchTimeMs);
    } else if (fetchOffset >= this.lastFetchLeaderLogEndOffset) {
      this.lastCaughtUpTimeMs = Math.max(this.lastCaughtUpTimeMs, this.lastFetchTimeMs);
    }
    this.logStartOffset = followerStartOffset;
    this.logEndOffset = fetchOffset;
    this.lastFetchLeaderLogEndOffset = leaderEndOffset;
    this.lastFetchTimeMs = fetchTimeMs;
  }

  /**
   * Resets the follower's caught-up time for a new leader epoch: an ISR member counts as caught
   * up now, others never were. A broker that just became leader also forgets the follower's
   * position (`forgetPosition`): its log end offset is unknown until it fetches.
   */
  reset(leaderEndOffset: number, nowMs: number, inIsr: boolean, forgetPosition: boolean): void {
    if (forgetPosition) {
      this.logEndOffset = UNKNOWN_OFFSET;
      this.logStartOffset = UNKNOWN_OFFSET;
    }
    this.lastFetchLeaderLogEndOffset = leaderEndOffset;
    this.lastFetchTimeMs = nowMs;
    this.lastCaughtUpTimeMs = inIsr ? nowMs : NEVER_CAUGHT_UP;
  }

  /**
   * Kafka's out-of-sync test: the follower's log end offset differs from the leader's and it has
   * not been caught up for more than `maxLagMs`.
   */
  isOutOfSync(leaderEndOffset: number, nowMs: number, maxLagMs: number): boolean {
    return this.logEndOffset !== leaderEndOffset && nowMs - this.lastCaughtUpTimeMs > maxLagMs;
  }
}
