/**
 * `ControllerEventManager` (Kafka's): the controller's single event queue and the one loop that
 * drains it. Events are processed one at a time, in the order they were put; a processor's
 * `process` runs to completion (across its awaits) before the next event starts.
 *
 * `clearAndPut` drops every pending event (each gets its `preempt`, e.g. a ControlledShutdown
 * caller is answered NOT_CONTROLLER) and queues one event: used on session expiry, so that a
 * controller that lost its session does nothing more before resigning. Every `put` resolves once
 * its event was processed or preempted.
 *
 * Metrics: `queueSize` (EventQueueSize), `lastQueueTimeMs` (EventQueueTimeMs of the last event)
 * and `state` (ControllerState: the kind of event being processed, `Idle` between events).
 */
import { performance } from 'node:perf_hooks';
import { Logger } from '../../client/logging';
import { ControllerEvent, ControllerEventKind } from './controller-events';

export interface ControllerEventProcessor {
  process(event: ControllerEvent): Promise<void>;
  /** The event will not be processed (queue cleared, or the manager closed). */
  preempt(event: ControllerEvent): void;
}

interface QueuedEvent {
  readonly event: ControllerEvent;
  readonly enqueuedAt: number;
  readonly done: () => void;
}

export class ControllerEventManager {
  private queue: QueuedEvent[] = [];
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private closed = false;
  private current: ControllerEventKind | 'Idle' = 'Idle';
  private queueTimeMs = 0;

  constructor(
    private readonly processor: ControllerEventProcessor,
    private readonly log: () => Logger,
  ) {}

  start(): void {
    if (this.loop !== null || this.closed) return;
    this.loop = this.run();
  }

  /** Queues an event; resolves once it was processed (or preempted). */
  put(event: ControllerEvent): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.closed) {
        this.processor.preempt(event);
        resolve();
        return;
      }
      this.queue.push({ event, enqueuedAt: performance.now(), done: resolve });
      this.wake?.();
    });
  }

  /** Preempts every pending event, then queues `event`. */
  clearAndPut(event: ControllerEvent): Promise<void> {
    this.preemptPending();
    return this.put(event);
  }

  /** Preempts pending events and resolves once the event being processed (if any) is done. */
  async close(): Promise<void> {
    this.closed = true;
    this.preemptPending();
    this.wake?.();
    await this.loop;
  }

  get queueSize(): number {
    return this.queue.length;
  }

  get lastQueueTimeMs(): number {
    return this.queueTimeMs;
  }

  get state(): ControllerEventKind | 'Idle' {
    return this.current;
  }

  private preemptPending(): void {
    const pending = this.queue;
    this.queue = [];
    for (const queued of pending) {
      try {
        this.processor.preempt(queued.event);
      } finally {
        queued.done();
      }
    }
  }

  private async run(): Promise<void> {
    for (;;) {
      const next = this.queue.shift();
      if (next === undefined) {
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = null;
        continue;
      }
      this.queueTimeMs = performance.now() - next.enqueuedAt;
      this.current = next.event.kind;
      try {
        await this.processor.process(next.event);
      } catch (error) {
        this.log().error(
          `Uncaught error processing event ${next.event.kind}: ${
            error instanceof Error ? (error.stack ?? error.message) : String(error)
          }`,
        );
      } finally {
        this.current = 'Idle';
        next.done();
      }
    }
  }
}
