/**
 * Naming the topic and partition in an error that only knew its broker: a request-level failure
 * (NETWORK_EXCEPTION, REQUEST_TIMED_OUT from a Connection) is reported to each partition the
 * request carried as the same Kafka error with the partition's context added.
 */
import { ErrorContext, KafkaError } from '../errors';

/** `error` with `context` filled in where it had none; other errors are returned as they are. */
export function withContext(error: unknown, context: ErrorContext): unknown {
  if (!(error instanceof KafkaError)) return error;
  if (error.topic !== undefined) return error;
  const broker = error.broker ?? context.broker;
  let detail = error.message;
  const prefix = `${error.type}: `;
  if (detail.startsWith(prefix)) detail = detail.slice(prefix.length);
  if (error.broker !== undefined) {
    const suffix = ` (broker ${error.broker})`;
    if (detail.endsWith(suffix)) detail = detail.slice(0, -suffix.length);
  }
  return new KafkaError(
    error.type,
    detail,
    { broker, topic: context.topic, partition: context.partition },
    error,
  );
}
