/**
 * A CoordinatorClock driven by hand: `advance(ms)` runs every timer due within that time, in
 * deadline order (ties in scheduling order), moving `now()` to each deadline first. The wall
 * clock moves with it from a fixed start.
 */
import type {
  CoordinatorClock,
  CoordinatorTimer,
} from '../../../../broker/coordinator/group/coordinator-timers';

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly task: () => void;
  cancelled: boolean;
}

export const WALL_CLOCK_START = 1_700_000_000_000;

export class ManualClock implements CoordinatorClock {
  private time = 0;
  private seq = 0;
  private entries: Entry[] = [];

  now(): number {
    return this.time;
  }

  wallClock(): number {
    return WALL_CLOCK_START + this.time;
  }

  schedule(delayMs: number, task: () => void): CoordinatorTimer {
    const entry: Entry = {
      at: this.time + Math.max(0, delayMs),
      seq: this.seq++,
      task,
      cancelled: false,
    };
    this.entries.push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  /** Timers scheduled and neither run nor cancelled. */
  get pendingTimers(): number {
    return this.entries.filter((e) => !e.cancelled).length;
  }

  /** Moves time forward by `ms`, running the timers that come due. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.entries = this.entries.filter((e) => !e.cancelled);
      let next: Entry | undefined;
      for (const e of this.entries) {
        if (
          e.at <= target &&
          (next === undefined || e.at < next.at || (e.at === next.at && e.seq < next.seq))
        ) {
          next = e;
        }
      }
      if (next === undefined) break;
      next.cancelled = true;
      this.time = Math.max(this.time, next.at);
      next.task();
    }
    this.time = target;
  }
}

/** Lets pending promise callbacks (storage appends, their continuations) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
