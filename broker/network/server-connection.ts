/**
 * The broker's side of one accepted connection (Kafka's Processor + channel): cuts the byte stream
 * into frames, decodes each request, runs its handler, and writes the responses back strictly in
 * request order, batched.
 *
 * - Handlers of one connection run concurrently; a response that is ready early waits for the
 *   responses to earlier requests (pipelining with in-order responses). A handler that resolves
 *   to null sends nothing (Produce with acks=0), and the responses after it are not held up.
 * - Backpressure: while `queuedMaxRequests` requests of this connection await their responses, or
 *   while the socket's send buffer is full (the client is not reading), the connection stops
 *   reading; requests already received are still handled.
 * - Protocol violations close this connection only, with one warning line: a frame length out of
 *   bounds (above socket.request.max.bytes), bytes that are not a valid request, an unknown api key,
 *   an API this broker has no handler for, an unsupported version (except ApiVersions, which gets
 *   an UNSUPPORTED_VERSION response as in Kafka), and a peer that closes in the middle of a frame.
 * - A handler that throws closes the connection with an error line: handlers report expected
 *   failures as Kafka error codes inside their responses.
 * - A connection idle for `connections.max.idle.ms` with nothing in progress is closed.
 */
import type { Socket } from 'net';
import type { Logger } from '../../client/logging';
import { FrameWriter } from '../../client/network/frame-writer';
import { ApiKey, RequestBody, ResponseInit, describeApiKey } from '../../client/protocol/apis';
import { DecodedRequest, decodeRequest, encodeResponse } from '../../client/protocol/codec';
import { errorByName } from '../../client/protocol/error-codes';
import { FRAME_LENGTH_BYTES, FrameDecoder } from '../../client/protocol/framing';
import { FramingError, UnsupportedVersionError } from '../../client/protocol/protocol-errors';
import type { SecurityProtocol } from '../config/listeners';

/**
 * What the broker knows about a connection; the authentication phase (later) adds the principal
 * here.
 */
export interface ConnectionContext {
  /** Kafka's connection id: `localHost:localPort-remoteHost:remotePort-index`. */
  readonly connectionId: string;
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** What a handler gets besides the request body. */
export interface RequestContext {
  readonly connection: ConnectionContext;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string;
}

/** Handles one API: resolves to the response body, or to null to send no response. */
export type RequestHandler<K extends ApiKey> = (
  request: RequestBody<K>,
  context: RequestContext,
) => Promise<ResponseInit<K> | null>;

/** What a connection needs from its socket server. */
export interface RequestDispatcher {
  handlerFor(apiKey: ApiKey): RequestHandler<ApiKey> | undefined;
  apiVersionsResponse(errorCode: number): ResponseInit<typeof ApiKey.ApiVersions>;
  onRequest(): void;
  onProtocolError(): void;
  onClosed(connection: ServerConnection): void;
}

export interface ServerConnectionOptions {
  readonly socketRequestMaxBytes: number;
  readonly queuedMaxRequests: number;
  readonly connectionsMaxIdleMs: number;
  readonly log: Logger;
}

/** One request's place in the response order: undefined until its handler finishes. */
interface ResponseSlot {
  frame: Buffer | null | undefined;
}

const UNSUPPORTED_VERSION = errorByName('UNSUPPORTED_VERSION').code;

export class ServerConnection {
  private readonly decoder: FrameDecoder;
  private readonly writer: FrameWriter;
  private readonly log: Logger;
  private slots: ResponseSlot[] = [];
  private paused = false;
  private closedByBroker = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    readonly context: ConnectionContext,
    private readonly options: ServerConnectionOptions,
    private readonly dispatcher: RequestDispatcher,
  ) {
    this.log = options.log;
    this.decoder = new FrameDecoder(options.socketRequestMaxBytes);
    this.writer = new FrameWriter(socket);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.setTimeout(options.connectionsMaxIdleMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.updateReading());
    socket.on('timeout', () => this.onIdle());
    socket.on('error', (error) => {
      this.log.debug(`Connection ${context.connectionId}: ${error.message}`);
    });
    socket.on('close', () => this.onSocketClosed());
  }

  /** Requests received whose responses have not been written yet. */
  get pendingResponses(): number {
    return this.slots.length;
  }

  /** Closes the connection; responses still being prepared are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closedByBroker = true;
    this.slots = [];
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      const length = (error as FramingError).frameLength;
      this.protocolError(
        length > this.options.socketRequestMaxBytes
          ? `request frame of ${length} bytes is larger than socket.request.max.bytes (${this.options.socketRequestMaxBytes})`
          : (error as Error).message,
      );
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.onFrame(frame);
    }
    this.updateReading();
  }

  private onFrame(frame: Buffer): void {
    let request: DecodedRequest;
    try {
      request = decodeRequest(frame);
    } catch (error) {
      if (error instanceof UnsupportedVersionError && error.apiKey === ApiKey.ApiVersions) {
        this.dispatcher.onRequest();
        this.respond(
          ApiKey.ApiVersions,
          error.correlationId,
          this.dispatcher.apiVersionsResponse(UNSUPPORTED_VERSION),
        );
        return;
      }
      this.protocolError((error as Error).message);
      return;
    }
    this.dispatcher.onRequest();
    if (request.apiKey === ApiKey.ApiVersions) {
      this.respond(
        ApiKey.ApiVersions,
        request.correlationId,
        this.dispatcher.apiVersionsResponse(0),
      );
      return;
    }
    const handler = this.dispatcher.handlerFor(request.apiKey);
    if (handler === undefined) {
      this.protocolError(
        `${describeApiKey(request.apiKey)} (api key ${request.apiKey}) is not served by this broker`,
      );
      return;
    }
    const slot: ResponseSlot = { frame: undefined };
    this.slots.push(slot);
    const context: RequestContext = {
      connection: this.context,
      apiVersion: request.apiVersion,
      correlationId: request.correlationId,
      clientId: request.clientId,
    };
    let result: Promise<ResponseInit<ApiKey> | null>;
    try {
      result = handler(request.body, context);
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (response) => this.complete(slot, request, response),
      (error: unknown) => this.handlerFailed(request, error),
    );
  }

  private complete(
    slot: ResponseSlot,
    request: DecodedRequest,
    response: ResponseInit<ApiKey> | null,
  ): void {
    if (this.closed) return;
    if (response === null) {
      slot.frame = null;
    } else {
      try {
        slot.frame = encodeResponse(request.apiKey, request.correlationId, response);
      } catch (error) {
        this.handlerFailed(request, error);
        return;
      }
    }
    this.writeReadyResponses();
  }

  /** A response that needs no handler; it still waits for the responses before it. */
  private respond<K extends ApiKey>(apiKey: K, correlationId: number, body: ResponseInit<K>): void {
    this.slots.push({ frame: encodeResponse(apiKey, correlationId, body) });
    this.writeReadyResponses();
  }

  private writeReadyResponses(): void {
    while (this.slots.length > 0 && this.slots[0].frame !== undefined) {
      const frame = (this.slots.shift() as ResponseSlot).frame;
      if (frame) this.writer.write(frame);
    }
    this.updateReading();
  }

  private handlerFailed(request: DecodedRequest, error: unknown): void {
    if (this.closed) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.error(
      `Error handling ${describeApiKey(request.apiKey)} request (correlation id ${request.correlationId}, client ${request.clientId}) on connection ${this.context.connectionId}, closing it: ${reason}`,
    );
    this.close();
  }

  private updateReading(): void {
    if (this.closed) return;
    const pause =
      this.slots.length >= this.options.queuedMaxRequests || this.socket.writableNeedDrain;
    if (pause && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!pause && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private onIdle(): void {
    if (this.closed || this.slots.length > 0) return;
    this.log.info(
      `Closing connection ${this.context.connectionId}: idle for more than connections.max.idle.ms (${this.options.connectionsMaxIdleMs} ms)`,
    );
    this.close();
  }

  private protocolError(reason: string): void {
    this.dispatcher.onProtocolError();
    this.log.warn(`Closing connection ${this.context.connectionId}: ${reason}`);
    this.close();
  }

  private onSocketClosed(): void {
    if (!this.closedByBroker && this.decoder.bufferedBytes > 0) {
      const length = this.decoder.pendingFrameLength;
      this.dispatcher.onProtocolError();
      this.log.warn(
        `Connection ${this.context.connectionId} closed by the client in the middle of a frame: ${
          length === undefined
            ? `${this.decoder.bufferedBytes} of the 4 length bytes`
            : `${this.decoder.bufferedBytes} of ${FRAME_LENGTH_BYTES + length} bytes`
        } received`,
      );
    }
    this.closed = true;
    this.slots = [];
    this.dispatcher.onClosed(this);
  }
}
