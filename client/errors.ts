/**
 * samsa's typed errors. Every error carries a `retriable` flag that retry loops read; errors that
 * stand for a Kafka error code carry the code and its name from the single table in
 * `protocol/error-codes.ts`, plus the broker, topic and partition involved when known.
 */
import { ErrorName, errorByCode, errorByName } from './protocol/error-codes';

export class SamsaError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retriable = options.retriable ?? false;
  }
}

/** Where a Kafka error happened: named in the message and kept as fields. */
export interface ErrorContext {
  broker?: number | string;
  topic?: string;
  partition?: number;
  groupId?: string;
}

/** An error with one of Kafka's error codes (CORRUPT_MESSAGE, NOT_LEADER_OR_FOLLOWER, ...). */
export class KafkaError extends SamsaError implements ErrorContext {
  readonly code: number;
  readonly type: ErrorName;
  readonly broker?: number | string;
  readonly topic?: string;
  readonly partition?: number;
  readonly groupId?: string;

  constructor(type: ErrorName, detail?: string, context: ErrorContext = {}, cause?: unknown) {
    const info = errorByName(type);
    super(`${type}: ${detail ?? info.message}${describeContext(context)}`, {
      retriable: info.retriable,
      cause,
    });
    this.code = info.code;
    this.type = type;
    this.broker = context.broker;
    this.topic = context.topic;
    this.partition = context.partition;
    this.groupId = context.groupId;
  }

  /** The error for a numeric code received from a broker. */
  static fromCode(code: number, detail?: string, context: ErrorContext = {}): KafkaError {
    return new KafkaError(errorByCode(code).name, detail, context);
  }
}

function describeContext(context: ErrorContext): string {
  const parts: string[] = [];
  if (context.groupId !== undefined) parts.push(`group ${context.groupId}`);
  if (context.topic !== undefined) {
    parts.push(
      context.partition !== undefined ? `${context.topic}-${context.partition}` : context.topic,
    );
  }
  if (context.broker !== undefined) parts.push(`broker ${context.broker}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
