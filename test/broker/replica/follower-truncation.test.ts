/**
 * Where a follower truncates, given the leader's OffsetsForLeaderEpoch answer and its own epochs
 * (KIP-101, KIP-279), with the follower's log modelled by its leader-epoch entries.
 */
import { truncationFor, type FollowerLogView } from '../../../broker/replica/follower-truncation';

/** A follower log with these (epoch, startOffset) entries, log end offset and high watermark. */
function follower(
  epochs: [number, number][],
  logEndOffset: number,
  highWatermark = 0,
): FollowerLogView {
  return {
    logEndOffset,
    highWatermark,
    endOffsetForEpoch(requested) {
      // Kafka's LeaderEpochFileCache.endOffsetFor, on the follower's entries.
      const latest = epochs[epochs.length - 1];
      if (latest !== undefined && latest[0] === requested)
        return { epoch: requested, endOffset: logEndOffset };
      const higher = epochs.find(([e]) => e > requested);
      if (higher === undefined) return undefined;
      const floor = [...epochs].reverse().find(([e]) => e <= requested);
      return { epoch: floor ? floor[0] : requested, endOffset: higher[1] };
    },
  };
}

describe('follower truncation by leader epoch', () => {
  it('truncates a diverged suffix to the end of the shared epoch on the leader (KIP-101 scenario 2)', () => {
    // Both wrote epoch 1 from offset 0; the leader's epoch 1 ended at 5, the follower kept going to 8.
    const decision = truncationFor({ leaderEpoch: 1, endOffset: 5 }, follower([[1, 0]], 8, 3));
    expect(decision).toEqual({ offset: 5, completed: true });
  });

  it('keeps everything when the follower has less of the epoch than the leader', () => {
    expect(
      truncationFor(
        { leaderEpoch: 2, endOffset: 20 },
        follower(
          [
            [0, 0],
            [2, 10],
          ],
          15,
        ),
      ),
    ).toEqual({
      offset: 15,
      completed: true,
    });
  });

  it('does not truncate to the high watermark when the epochs say the data is shared (KAFKA-1211)', () => {
    // The follower's high watermark lags at 2, but the leader has all 9 records of epoch 0.
    expect(truncationFor({ leaderEpoch: 0, endOffset: 9 }, follower([[0, 0]], 9, 2))).toEqual({
      offset: 9,
      completed: true,
    });
  });

  it('asks again after truncating to its own smaller epoch when the leader answers an epoch the follower never had (KIP-279)', () => {
    // Follower: epochs 1 (from 0) and 3 (from 10), end 14. Leader answers for epoch 3: "epoch 2 ends at 12".
    const first = truncationFor(
      { leaderEpoch: 2, endOffset: 12 },
      follower(
        [
          [1, 0],
          [3, 10],
        ],
        14,
      ),
    );
    expect(first).toEqual({ offset: 10, completed: false });
    // After truncating to 10 the follower's latest epoch is 1; the leader says epoch 1 ended at 8.
    const second = truncationFor({ leaderEpoch: 1, endOffset: 8 }, follower([[1, 0]], 10));
    expect(second).toEqual({ offset: 8, completed: true });
  });

  it("truncates to the start of its first epoch when the leader answers an epoch older than all of the follower's", () => {
    expect(truncationFor({ leaderEpoch: 1, endOffset: 4 }, follower([[3, 2]], 7))).toEqual({
      offset: 2,
      completed: true,
    });
  });

  it('truncates to the leader end offset when the follower knows nothing of that epoch or later ones', () => {
    expect(truncationFor({ leaderEpoch: 2, endOffset: 4 }, follower([[0, 0]], 7))).toEqual({
      offset: 4,
      completed: true,
    });
  });

  it('falls back to the high watermark only when the leader has no epoch information', () => {
    expect(truncationFor({ leaderEpoch: -1, endOffset: -1 }, follower([[4, 0]], 12, 6))).toEqual({
      offset: 6,
      completed: true,
    });
  });
});
