/**
 * How the batches holding a `send()` call's messages report back to it.
 *
 * - A send of one message lands in exactly one batch: that batch calls the send's callback
 *   directly (`SendCallback`), with no tracker in between.
 * - A send of several messages may span partitions and batches: its `SendTracker` counts the
 *   batches holding some of its messages; each reports once (success with the batch's base
 *   offset, or failure), and the tracker calls the send's callback once the last one has — or at
 *   the first failure.
 *
 * `send()` without a callback gets a promise: its callback settles that promise.
 */
import type { Logger } from '../logging';
import type { RecordMetadata } from './messages';

/**
 * Called once per send: `(null, results)` once every message is acknowledged (one entry per
 * partition and batch, ordered by topic, partition and offset), or `(error)` at the first batch
 * that failed for good.
 */
export type SendCallback = (error: Error | null, results?: RecordMetadata[]) => void;

/**
 * Logs an exception thrown by a caller's callback (as Kafka's producer does), so that it does not
 * break the producer's own work: the other sends of a batch are still told.
 */
export function logCallbackError(log: Logger, thrown: unknown): void {
  log.error(
    `Error executing the callback of a send: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
  );
}

/** Calls a caller's callback, logging what it throws. */
export function callBack(
  callback: SendCallback,
  error: Error | null,
  results: RecordMetadata[] | undefined,
  log: Logger,
): void {
  try {
    callback(error, results);
  } catch (thrown) {
    logCallbackError(log, thrown);
  }
}

export class SendTracker {
  private readonly results: RecordMetadata[] = [];
  private pending = 0;
  private sealed = false;
  private settled = false;

  constructor(private readonly callback: SendCallback) {}

  /** A batch now holds some of this send's messages. */
  addPart(): void {
    this.pending++;
  }

  /** Every message has been placed in a batch: the send may settle once the parts have. */
  seal(): void {
    this.sealed = true;
    this.settleIfDone();
  }

  /** One part reached the broker. */
  complete(result: RecordMetadata): void {
    if (this.settled) return;
    this.results.push(result);
    this.pending--;
    this.settleIfDone();
  }

  /** One part failed for good: the whole send fails with `error`. */
  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.callback(error);
  }

  private settleIfDone(): void {
    if (this.settled || !this.sealed || this.pending > 0) return;
    this.settled = true;
    this.results.sort(
      (a, b) =>
        (a.topicName < b.topicName ? -1 : a.topicName > b.topicName ? 1 : 0) ||
        a.partition - b.partition ||
        a.baseOffset - b.baseOffset,
    );
    this.callback(null, this.results);
  }
}
