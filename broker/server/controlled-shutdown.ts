/**
 * The broker's side of a controlled shutdown (Kafka's `KafkaServer.controlledShutdown`, 2.8):
 * before it stops, a broker asks the active controller to move leadership of its partitions
 * elsewhere and take it out of the ISRs, with `ControlledShutdown{broker_id, broker_epoch}`.
 *
 * The controller answers with the partitions this broker still leads (those with no other live
 * in-sync replica cannot move). While that list is not empty, or the request fails (no controller
 * known yet, the controller unreachable, an error code), the broker waits
 * `controlled.shutdown.retry.backoff.ms` and tries again, `controlled.shutdown.max.retries`
 * attempts in all; then it shuts down anyway ("unclean shutdown" in Kafka's log wording).
 * Kafka also sleeps after the last failed attempt; samsa does not, as nothing follows it.
 */
import type { Logger } from '../../client/logging';
import { errorByCode } from '../../client/protocol/error-codes';

export interface RemainingPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface ControlledShutdownReply {
  readonly errorCode: number;
  readonly remaining: readonly RemainingPartition[];
}

export interface ControlledShutdownOptions {
  readonly brokerId: number;
  /** The broker epoch to send (read at each attempt: a re-registration changes it). */
  readonly brokerEpoch: () => number;
  /** controlled.shutdown.max.retries: attempts in all. */
  readonly maxRetries: number;
  /** controlled.shutdown.retry.backoff.ms */
  readonly retryBackoffMs: number;
  /** Sends the request to the current controller; rejects when there is none or it fails. */
  readonly send: (brokerId: number, brokerEpoch: number) => Promise<ControlledShutdownReply>;
  readonly log: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(partitions: readonly RemainingPartition[]): string {
  return partitions.map((p) => `${p.topic}-${p.partition}`).join(',');
}

/** Runs the controlled shutdown; resolves to true when the controller moved everything. */
export async function controlledShutdown(options: ControlledShutdownOptions): Promise<boolean> {
  const { log, brokerId } = options;
  const sleep = options.sleep ?? defaultSleep;
  log.info('Starting controlled shutdown');
  for (let attempt = 1; attempt <= options.maxRetries; attempt++) {
    try {
      const reply = await options.send(brokerId, options.brokerEpoch());
      if (reply.errorCode === 0 && reply.remaining.length === 0) {
        log.info('Controlled shutdown request returned successfully');
        return true;
      }
      if (reply.errorCode !== 0) {
        log.info(`Controlled shutdown request returned ${errorByCode(reply.errorCode).name}`);
      }
      if (reply.remaining.length > 0) {
        log.info(`Remaining partitions to move: ${describe(reply.remaining)}`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`Error during controlled shutdown attempt ${attempt}: ${message}`);
    }
    if (attempt < options.maxRetries) {
      await sleep(options.retryBackoffMs);
      log.warn('Retrying controlled shutdown after the previous attempt failed...');
    }
  }
  log.warn('Proceeding to do an unclean shutdown as all the controlled shutdown attempts failed');
  return false;
}
