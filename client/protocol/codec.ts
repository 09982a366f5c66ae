/**
 * Request and response codecs of samsa's wire protocol: envelope + body <-> one length-prefixed
 * frame (formats in proto/envelope.proto and framing.ts), using the generated static code only.
 *
 * Encoding writes the length prefix and the message into one buffer with a single copy: the
 * protobuf writer starts with a 4-byte placeholder that is patched with the big-endian length once
 * the message size is known.
 *
 * Decoding a request is one pass of `Request.decode`. If that fails, the bytes are decoded again as
 * `RequestHeader` (which skips the body) only to name the api key and version in the error:
 * UnknownApiKeyError, UnsupportedVersionError or MalformedMessageError, all ProtocolErrors on
 * which the connection is closed.
 */
import {
  ApiKey,
  RequestBody,
  RequestInit,
  ResponseBody,
  ResponseInit,
  apiSpec,
  describeApiKey,
} from './apis';
import { FRAME_LENGTH_BYTES } from './framing';
import { samsa } from './generated/messages';
import { Reader, Writer } from './protobuf-runtime';
import {
  MalformedMessageError,
  UnknownApiKeyError,
  UnsupportedVersionError,
} from './protocol-errors';

/** Kafka's request header. */
export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string;
}

/** A decoded request: its header and the body of its API. */
export type DecodedRequest = {
  [K in ApiKey]: {
    readonly apiKey: K;
    readonly apiVersion: number;
    readonly correlationId: number;
    readonly clientId: string;
    readonly body: RequestBody<K>;
  };
}[ApiKey];

/** A decoded response: its correlation id and the body of the expected API. */
export interface DecodedResponse<K extends ApiKey> {
  readonly correlationId: number;
  readonly body: ResponseBody<K>;
}

/** The frame (length prefix included) of a request. */
export function encodeRequest<K extends ApiKey>(
  header: RequestHeader & { readonly apiKey: K },
  body: RequestInit<K>,
): Buffer {
  const spec = apiSpec(header.apiKey);
  if (spec === undefined) throw new RangeError(`unknown api key ${header.apiKey}`);
  const message: samsa.Request.$Properties = {
    apiKey: header.apiKey,
    apiVersion: header.apiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId,
    [spec.bodyField]: body,
  };
  return frame((writer) => samsa.Request.encode(message, writer));
}

/** The frame (length prefix included) of a response to a request of API `apiKey`. */
export function encodeResponse<K extends ApiKey>(
  apiKey: K,
  correlationId: number,
  body: ResponseInit<K>,
): Buffer {
  const spec = apiSpec(apiKey);
  if (spec === undefined) throw new RangeError(`unknown api key ${apiKey}`);
  const message: samsa.Response.$Properties = { correlationId, [spec.bodyField]: body };
  return frame((writer) => samsa.Response.encode(message, writer));
}

/**
 * Decodes a request frame body (without its length prefix). Throws UnknownApiKeyError,
 * UnsupportedVersionError (outside the registry's version range) or MalformedMessageError.
 */
export function decodeRequest(frameBody: Buffer): DecodedRequest {
  let request: samsa.Request;
  try {
    request = samsa.Request.decode(Reader.create(frameBody));
  } catch (error) {
    throw classifyUndecodable(frameBody, error);
  }
  const { apiKey, apiVersion, correlationId, clientId } = request;
  const spec = apiSpec(apiKey);
  if (spec === undefined) throw new UnknownApiKeyError(apiKey, correlationId, clientId);
  if (apiVersion < spec.minVersion || apiVersion > spec.maxVersion) {
    throw unsupportedVersion(spec.key, apiVersion, correlationId, clientId);
  }
  const body = request[spec.bodyField];
  if (request.body !== spec.bodyField || body === null) {
    throw new MalformedMessageError(
      `${spec.name} request (correlation id ${correlationId}) carries ${
        request.body === undefined ? 'no body' : `a ${request.body} body`
      }`,
    );
  }
  // The body field was checked to be the one of apiKey above.
  return { apiKey, apiVersion, correlationId, clientId, body } as DecodedRequest;
}

/**
 * Decodes a response frame body (without its length prefix) to a request of API `apiKey`. Throws
 * MalformedMessageError when the bytes are not a Response or carry the body of another API; the
 * caller checks the correlation id.
 */
export function decodeResponse<K extends ApiKey>(frameBody: Buffer, apiKey: K): DecodedResponse<K> {
  const spec = apiSpec(apiKey);
  if (spec === undefined) throw new RangeError(`unknown api key ${apiKey}`);
  let response: samsa.Response;
  try {
    response = samsa.Response.decode(Reader.create(frameBody));
  } catch (error) {
    throw new MalformedMessageError(`malformed ${spec.name} response: ${describe(error)}`, error);
  }
  const body = response[spec.bodyField];
  if (response.body !== spec.bodyField || body === null) {
    throw new MalformedMessageError(
      `expected a ${spec.name} response (correlation id ${response.correlationId}), got ${
        response.body === undefined ? 'no body' : `a ${response.body} body`
      }`,
    );
  }
  // The body field was checked to be the one of apiKey above.
  return { correlationId: response.correlationId, body: body as ResponseBody<K> };
}

/** The correlation id of a response frame body, without decoding its body. */
export function decodeResponseCorrelationId(frameBody: Buffer): number {
  try {
    return samsa.ResponseHeader.decode(Reader.create(frameBody)).correlationId;
  } catch (error) {
    throw new MalformedMessageError(`malformed response: ${describe(error)}`, error);
  }
}

function unsupportedVersion(
  apiKey: ApiKey,
  apiVersion: number,
  correlationId: number,
  clientId: string,
): UnsupportedVersionError {
  const spec = apiSpec(apiKey);
  const range = spec === undefined ? '' : ` (supported: ${spec.minVersion}..${spec.maxVersion})`;
  return new UnsupportedVersionError(
    apiKey,
    apiVersion,
    correlationId,
    clientId,
    `unsupported version ${apiVersion} of ${describeApiKey(apiKey)}${range}`,
  );
}

/** The most precise error for a request frame that Request.decode rejected. */
function classifyUndecodable(frameBody: Buffer, error: unknown): Error {
  let header: samsa.RequestHeader | undefined;
  try {
    header = samsa.RequestHeader.decode(Reader.create(frameBody));
  } catch {
    header = undefined;
  }
  if (header !== undefined) {
    const spec = apiSpec(header.apiKey);
    if (spec === undefined) {
      return new UnknownApiKeyError(header.apiKey, header.correlationId, header.clientId);
    }
    if (header.apiVersion < spec.minVersion || header.apiVersion > spec.maxVersion) {
      return unsupportedVersion(spec.key, header.apiVersion, header.correlationId, header.clientId);
    }
    return new MalformedMessageError(
      `malformed ${spec.name} request (correlation id ${header.correlationId}): ${describe(error)}`,
      error,
    );
  }
  return new MalformedMessageError(`malformed request: ${describe(error)}`, error);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Encodes a message behind a 4-byte placeholder, then writes its length there (big-endian). */
function frame(encode: (writer: Writer) => void): Buffer {
  const writer = Writer.create();
  writer.fixed32(0);
  encode(writer);
  const buffer = writer.finish() as Buffer;
  buffer.writeUInt32BE(buffer.length - FRAME_LENGTH_BYTES, 0);
  return buffer;
}
