/**
 * Errors for bytes that break samsa's wire protocol. Each means the peer cannot be trusted to stay
 * in step, so the connection that produced it is closed (and only that connection). None is
 * retriable as such: a client sees the closed connection as a retriable NETWORK_EXCEPTION.
 */
import { SamsaError } from '../errors';

/** The peer broke the protocol; close the connection. */
export class ProtocolError extends SamsaError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

/** A frame length prefix that is out of bounds (below the minimum or above the maximum). */
export class FramingError extends ProtocolError {
  constructor(
    message: string,
    /** The length the prefix announced. */
    readonly frameLength: number,
  ) {
    super(message);
  }
}

/** A request for an api key samsa does not know (or this broker does not serve). */
export class UnknownApiKeyError extends ProtocolError {
  constructor(
    readonly apiKey: number,
    readonly correlationId: number,
    readonly clientId: string,
    message = `unknown api key ${apiKey}`,
  ) {
    super(message);
  }
}

/** A request for a known API at a version outside the supported range. */
export class UnsupportedVersionError extends ProtocolError {
  constructor(
    readonly apiKey: number,
    readonly apiVersion: number,
    readonly correlationId: number,
    readonly clientId: string,
    message: string,
  ) {
    super(message);
  }
}

/** Bytes that are not a valid protobuf message of the expected kind, or a body of another API. */
export class MalformedMessageError extends ProtocolError {}

/** A response whose correlation id is not the one of the oldest outstanding request. */
export class CorrelationMismatchError extends ProtocolError {
  constructor(
    readonly expected: number | undefined,
    readonly received: number,
  ) {
    super(
      expected === undefined
        ? `received a response with correlation id ${received} while no request was outstanding`
        : `received a response with correlation id ${received}, expected ${expected}`,
    );
  }
}
