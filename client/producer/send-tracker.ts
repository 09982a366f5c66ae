/**
 * The one promise of one `send()` call, however many messages, partitions and batches it spans:
 * each batch holding some of its messages reports back once (success with the batch's base
 * offset, or failure), and the promise settles when the last one has — or at the first failure.
 */
import type { RecordMetadata } from './messages';

export class SendTracker {
  readonly promise: Promise<RecordMetadata[]>;
  private resolvePromise!: (results: RecordMetadata[]) => void;
  private rejectPromise!: (error: Error) => void;
  private readonly results: RecordMetadata[] = [];
  private pending = 0;
  private sealed = false;
  private settled = false;

  constructor() {
    this.promise = new Promise<RecordMetadata[]>((resolve, reject) => {
      this.resolvePromise = resolve;
      this.rejectPromise = reject;
    });
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** A batch now holds some of this send's messages. */
  addPart(): void {
    this.pending++;
  }

  /** Every message has been placed in a batch: the promise may settle once the parts have. */
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
    this.rejectPromise(error);
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
    this.resolvePromise(this.results);
  }
}
