/**
 * How the admin handlers turn a failure into a response's `error_code` + `error_message`, as
 * Kafka's ApiError.fromThrowable does: a KafkaError keeps its code and its detail; a ConfigError
 * is INVALID_CONFIG; anything else (a ZooKeeper failure, a bug) is UNKNOWN_SERVER_ERROR without a
 * message — the detail goes to the broker's log, not to the client.
 */
import { KafkaError } from '../../../client/errors';
import type { Logger } from '../../../client/logging';
import { errorByName } from '../../../client/protocol/error-codes';
import { ConfigError } from '../../config/config-error';

export interface ApiError {
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export const NO_ERROR: ApiError = { errorCode: errorByName('NONE').code, errorMessage: null };

/** The KafkaError's own text, without the `NAME: ` prefix of its message. */
export function kafkaErrorDetail(error: KafkaError): string {
  const prefix = `${error.type}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/** The response error for `error`; unexpected errors are logged with `what` (the operation). */
export function apiError(error: unknown, log: Logger, what: string): ApiError {
  if (error instanceof KafkaError) {
    return { errorCode: error.code, errorMessage: kafkaErrorDetail(error) };
  }
  if (error instanceof ConfigError) {
    return { errorCode: errorByName('INVALID_CONFIG').code, errorMessage: error.message };
  }
  log.error(
    `Error processing ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return { errorCode: errorByName('UNKNOWN_SERVER_ERROR').code, errorMessage: null };
}

/** An ApiError with Kafka's code for `name` and an optional message. */
export function errorOf(
  name: Parameters<typeof errorByName>[0],
  message: string | null = null,
): ApiError {
  return { errorCode: errorByName(name).code, errorMessage: message };
}
