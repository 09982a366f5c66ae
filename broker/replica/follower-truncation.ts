/**
 * Where a follower truncates its log before fetching from a new leader (KIP-101, KIP-279;
 * Kafka's `AbstractFetcherThread.getOffsetTruncationState`). The follower sends its latest
 * leader epoch in OffsetsForLeaderEpoch; the leader answers with the largest epoch it knows that
 * is ≤ the one asked, and that epoch's end offset on the leader. Then:
 *
 * 1. the follower knows the epoch the leader answered → truncate to the smaller of the two end
 *    offsets of that epoch (and its own log end offset); done;
 * 2. the follower does not have that epoch (KAFKA-6361: leaders changed quickly and this
 *    follower missed one) → truncate to the end of the follower's own largest epoch below it,
 *    and ask again with the then-latest epoch (each round drops at least one epoch, so this
 *    ends);
 * 3. the follower has no epoch at or below the answer → truncate to the leader's end offset;
 * 4. the leader has no epoch information (undefined answer) → Kafka's fallback: truncate to the
 *    follower's high watermark. Only logs without epoch information get here: a samsa leader
 *    records its epoch when it becomes leader, so it always knows the epoch it leads in.
 *
 * Truncation never goes by the local high watermark alone when epochs are known (KAFKA-1211).
 */
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../log/leader-epoch-cache';

/** The leader's answer for one partition. */
export interface LeaderEpochEndOffset {
  readonly leaderEpoch: number;
  readonly endOffset: number;
}

/** What the truncation needs of the follower's log. */
export interface FollowerLogView {
  readonly logEndOffset: number;
  readonly highWatermark: number;
  /** The follower's (largest epoch ≤ leaderEpoch, its end offset), or undefined. */
  endOffsetForEpoch(leaderEpoch: number): { epoch: number; endOffset: number } | undefined;
}

export interface TruncationDecision {
  /** Truncate the log to this offset (no-op when ≥ its log end offset). */
  readonly offset: number;
  /** False: ask the leader again with the latest epoch left after truncating. */
  readonly completed: boolean;
}

export function truncationFor(
  leader: LeaderEpochEndOffset,
  follower: FollowerLogView,
): TruncationDecision {
  const logEnd = follower.logEndOffset;
  if (leader.endOffset === UNDEFINED_EPOCH_OFFSET || leader.leaderEpoch === UNDEFINED_EPOCH) {
    return { offset: Math.min(follower.highWatermark, logEnd), completed: true };
  }
  const local = follower.endOffsetForEpoch(leader.leaderEpoch);
  if (local === undefined) {
    return { offset: Math.min(leader.endOffset, logEnd), completed: true };
  }
  if (local.epoch !== leader.leaderEpoch) {
    return { offset: Math.min(local.endOffset, logEnd), completed: false };
  }
  return { offset: Math.min(local.endOffset, leader.endOffset, logEnd), completed: true };
}
