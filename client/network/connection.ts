/**
 * A client connection to one broker: samsa's protocol over one TCP socket (formats in
 * client/protocol/proto/envelope.proto and client/protocol/framing.ts).
 *
 * - `connect()` opens the socket (bounded by `connectTimeoutMs`) and, unless disabled, asks the
 *   broker for its ApiVersions first, so every request is then sent at the highest version both
 *   sides support; a request for an API the broker does not serve fails with UNSUPPORTED_VERSION
 *   without being sent. `request()` on a new connection connects it.
 * - Up to `maxInFlightRequests` requests wait for responses at a time; later ones queue, in order.
 *   The broker answers in request order, so each response belongs to the oldest outstanding
 *   request: a different correlation id, an undecodable response or a response of another API is a
 *   protocol error that closes the connection.
 * - Requests queued in one turn of the event loop leave in one socket write (FrameWriter).
 * - A request with `expectResponse: false` (Produce with acks=0) gets no response: it resolves to
 *   null once its bytes are handed to the kernel.
 * - Each request has a deadline (`timeoutMs`, default `requestTimeoutMs`), on the monotonic clock,
 *   from the moment `request()` is called. A request that expires while still queued fails with
 *   REQUEST_TIMED_OUT and the connection stays up. A request that expires after being sent fails
 *   with REQUEST_TIMED_OUT and the connection is closed, as Kafka's NetworkClient does: its
 *   response may still arrive, and every later response would be matched to the wrong request.
 * - When the connection closes for any reason, every queued and outstanding request fails with a
 *   retriable NETWORK_EXCEPTION naming the broker, and 'close' is emitted once, with the cause
 *   (undefined after `close()`). A closed connection stays closed: open a new one to reconnect.
 */
import { EventEmitter } from 'events';
import net from 'net';
import { performance } from 'perf_hooks';
import { KafkaError, SamsaError } from '../errors';
import { logger, Logger } from '../logging';
import {
  ApiKey,
  RequestInit,
  ResponseBody,
  apiSpec,
  describeApiKey,
  negotiateVersions,
} from '../protocol/apis';
import { decodeResponse, decodeResponseCorrelationId, encodeRequest } from '../protocol/codec';
import { errorByCode } from '../protocol/error-codes';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder } from '../protocol/framing';
import { CorrelationMismatchError } from '../protocol/protocol-errors';
import { FrameWriter } from './frame-writer';

export interface ConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** Sent in every request header (Kafka's client.id). Default 'samsa'. */
  readonly clientId?: string;
  /** The broker's id, to name it in errors and log lines (default: host:port). */
  readonly brokerId?: number;
  /** Time allowed to open the socket and negotiate versions. Default 10000 (Kafka 2.8). */
  readonly connectTimeoutMs?: number;
  /** Default deadline of a request. Default 30000 (Kafka's request.timeout.ms). */
  readonly requestTimeoutMs?: number;
  /** Requests awaiting a response at once. Default 5 (max.in.flight.requests.per.connection). */
  readonly maxInFlightRequests?: number;
  /** Largest response frame accepted. Default 104857600. */
  readonly maxResponseBytes?: number;
  /** Ask the broker's ApiVersions on connect. Default true. */
  readonly negotiateApiVersions?: boolean;
  readonly logger?: Logger;
}

export interface RequestOptions {
  /** Deadline of this request, from now. Default: the connection's requestTimeoutMs. */
  readonly timeoutMs?: number;
  /** False for requests the broker does not answer (Produce with acks=0). Default true. */
  readonly expectResponse?: boolean;
}

export type ConnectionState = 'new' | 'connecting' | 'ready' | 'closed';

interface PendingRequest {
  readonly apiKey: ApiKey;
  readonly body: unknown;
  readonly expectResponse: boolean;
  readonly deadline: number;
  readonly timeoutMs: number;
  correlationId: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

const MAX_CORRELATION_ID = 0x7fffffff;

export class Connection extends EventEmitter {
  readonly host: string;
  readonly port: number;
  readonly clientId: string;
  private readonly broker: number | string;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxInFlight: number;
  private readonly maxResponseBytes: number;
  private readonly negotiate: boolean;
  private readonly log: Logger;

  private currentState: ConnectionState = 'new';
  private socket: net.Socket | undefined;
  private writer: FrameWriter | undefined;
  private connecting: Promise<void> | undefined;
  private settleConnect: ((error?: Error) => void) | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  private versions: Map<ApiKey, number> | undefined;
  private nextCorrelationId = 0;
  /** Not yet sent, in request order. */
  private queue: PendingRequest[] = [];
  /** Sent and awaiting a response, oldest first. */
  private inFlight: PendingRequest[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDeadline = Infinity;

  constructor(options: ConnectionOptions) {
    super();
    this.host = options.host;
    this.port = options.port;
    this.clientId = options.clientId ?? 'samsa';
    this.broker = options.brokerId ?? `${options.host}:${options.port}`;
    this.connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs ?? 10000);
    this.requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? 30000);
    this.maxInFlight = positive('maxInFlightRequests', options.maxInFlightRequests ?? 5);
    this.maxResponseBytes = positive(
      'maxResponseBytes',
      options.maxResponseBytes ?? DEFAULT_MAX_FRAME_BYTES,
    );
    this.negotiate = options.negotiateApiVersions ?? true;
    this.log = options.logger ?? logger(`Connection broker=${this.broker}`);
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The version used per API, once negotiated with the broker (undefined without negotiation). */
  get apiVersions(): ReadonlyMap<ApiKey, number> | undefined {
    return this.versions;
  }

  /** Requests sent and awaiting a response. */
  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** Opens the connection; resolves once requests can be sent. */
  connect(): Promise<void> {
    if (this.connecting !== undefined) return this.connecting;
    if (this.currentState === 'closed') {
      return Promise.reject(this.networkError('the connection is closed'));
    }
    this.currentState = 'connecting';
    this.connecting = new Promise<void>((resolve, reject) => {
      this.settleConnect = (error) => (error === undefined ? resolve() : reject(error));
    });
    this.connectTimer = setTimeout(() => {
      this.fail(this.networkError(`timed out after ${this.connectTimeoutMs} ms connecting`));
    }, this.connectTimeoutMs);
    const socket = net.connect({ host: this.host, port: this.port });
    this.socket = socket;
    this.writer = new FrameWriter(socket);
    const decoder = new FrameDecoder(this.maxResponseBytes);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    socket.once('connect', () => this.onConnected());
    socket.on('data', (chunk: Buffer) => this.onData(decoder, chunk));
    socket.on('error', (error) => this.fail(this.networkError(error.message, error)));
    socket.on('close', () => {
      const partial = decoder.bufferedBytes > 0 ? ' in the middle of a response' : '';
      this.fail(this.networkError(`the broker closed the connection${partial}`));
    });
    return this.connecting;
  }

  /**
   * Sends a request; resolves to the broker's response body (or to null when `expectResponse` is
   * false). Fails with a KafkaError: NETWORK_EXCEPTION (retriable) when the connection closes,
   * REQUEST_TIMED_OUT at the deadline, UNSUPPORTED_VERSION when the broker does not serve the API.
   */
  request<K extends ApiKey>(
    apiKey: K,
    body: RequestInit<K>,
    options?: RequestOptions & { readonly expectResponse?: true },
  ): Promise<ResponseBody<K>>;
  request<K extends ApiKey>(
    apiKey: K,
    body: RequestInit<K>,
    options: RequestOptions & { readonly expectResponse: false },
  ): Promise<null>;
  request<K extends ApiKey>(
    apiKey: K,
    body: RequestInit<K>,
    options: RequestOptions,
  ): Promise<ResponseBody<K> | null>;
  request<K extends ApiKey>(
    apiKey: K,
    body: RequestInit<K>,
    options: RequestOptions = {},
  ): Promise<ResponseBody<K> | null> {
    if (this.currentState === 'closed') {
      return Promise.reject(this.networkError('the connection is closed'));
    }
    if (apiSpec(apiKey) === undefined) {
      return Promise.reject(new RangeError(`unknown api key ${apiKey}`));
    }
    const timeoutMs = positive('timeoutMs', options.timeoutMs ?? this.requestTimeoutMs);
    const promise = new Promise<ResponseBody<K> | null>((resolve, reject) => {
      const pending: PendingRequest = {
        apiKey,
        body,
        expectResponse: options.expectResponse ?? true,
        deadline: performance.now() + timeoutMs,
        timeoutMs,
        correlationId: -1,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      this.queue.push(pending);
      this.armTimer(pending.deadline);
    });
    if (this.currentState === 'new') {
      // A failure to connect reaches this request (and every other) through fail().
      this.connect().catch(() => undefined);
    } else {
      this.pump();
    }
    return promise;
  }

  /** Closes the connection; queued and outstanding requests fail with NETWORK_EXCEPTION. */
  close(): void {
    this.fail(undefined);
  }

  private onConnected(): void {
    if (this.currentState !== 'connecting') return;
    this.log.debug(`Connected to ${this.host}:${this.port}`);
    if (!this.negotiate) {
      this.becomeReady();
      return;
    }
    const pending: PendingRequest = {
      apiKey: ApiKey.ApiVersions,
      body: { clientSoftwareName: 'samsa' },
      expectResponse: true,
      // The connect timer bounds the negotiation.
      deadline: Infinity,
      timeoutMs: this.connectTimeoutMs,
      correlationId: -1,
      resolve: (response) =>
        this.onApiVersions(response as ResponseBody<typeof ApiKey.ApiVersions>),
      reject: () => undefined,
    };
    this.send(pending, apiSpec(ApiKey.ApiVersions)?.maxVersion ?? 0);
  }

  private onApiVersions(response: ResponseBody<typeof ApiKey.ApiVersions>): void {
    if (response.errorCode !== 0) {
      this.fail(
        new KafkaError(
          errorByCode(response.errorCode).name,
          'the broker rejected the ApiVersions request',
          { broker: this.broker },
        ),
      );
      return;
    }
    this.versions = negotiateVersions(response.apiKeys);
    this.becomeReady();
  }

  private becomeReady(): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    this.currentState = 'ready';
    this.settleConnect?.();
    this.pump();
  }

  /** Sends queued requests while the in-flight limit allows, in order. */
  private pump(): void {
    if (this.currentState !== 'ready') return;
    while (this.queue.length > 0) {
      const pending = this.queue[0];
      if (pending.expectResponse && this.inFlight.length >= this.maxInFlight) return;
      this.queue.shift();
      const version =
        this.versions === undefined
          ? apiSpec(pending.apiKey)?.maxVersion
          : this.versions.get(pending.apiKey);
      if (version === undefined) {
        pending.reject(
          new KafkaError(
            'UNSUPPORTED_VERSION',
            `the broker does not support ${describeApiKey(pending.apiKey)}`,
            { broker: this.broker },
          ),
        );
        continue;
      }
      this.send(pending, version);
    }
  }

  private send(pending: PendingRequest, apiVersion: number): void {
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = correlationId === MAX_CORRELATION_ID ? 0 : correlationId + 1;
    let frame: Buffer;
    try {
      frame = encodeRequest(
        { apiKey: pending.apiKey, apiVersion, correlationId, clientId: this.clientId },
        pending.body as RequestInit<ApiKey>,
      );
    } catch (error) {
      pending.reject(
        new SamsaError(
          `cannot encode ${describeApiKey(pending.apiKey)} request: ${errorMessage(error)}`,
          { cause: error },
        ),
      );
      return;
    }
    pending.correlationId = correlationId;
    const writer = this.writer as FrameWriter;
    if (pending.expectResponse) {
      this.inFlight.push(pending);
      writer.write(frame);
    } else {
      writer.write(frame, (error) => {
        if (error) pending.reject(this.networkError(error.message, error));
        else pending.resolve(null);
      });
    }
  }

  private onData(decoder: FrameDecoder, chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = decoder.push(chunk);
    } catch (error) {
      this.fail(error as SamsaError);
      return;
    }
    for (const frame of frames) {
      if (this.currentState === 'closed') return;
      this.onResponse(frame);
    }
    this.pump();
  }

  private onResponse(frame: Buffer): void {
    const pending = this.inFlight.shift();
    if (pending === undefined) {
      let received: number;
      try {
        received = decodeResponseCorrelationId(frame);
      } catch (error) {
        this.fail(error as SamsaError);
        return;
      }
      this.fail(new CorrelationMismatchError(undefined, received));
      return;
    }
    let response;
    try {
      response = decodeResponse(frame, pending.apiKey);
    } catch (error) {
      this.inFlight.unshift(pending);
      this.fail(error as SamsaError);
      return;
    }
    if (response.correlationId !== pending.correlationId) {
      this.inFlight.unshift(pending);
      this.fail(new CorrelationMismatchError(pending.correlationId, response.correlationId));
      return;
    }
    pending.resolve(response.body);
  }

  private armTimer(deadline: number): void {
    if (deadline >= this.timerDeadline) return;
    clearTimeout(this.timer);
    this.timerDeadline = deadline;
    // +1: timers have millisecond resolution and may fire a fraction of a millisecond early.
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(deadline - performance.now()) + 1));
    this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerDeadline = Infinity;
    const now = performance.now();
    if (this.queue.some((pending) => pending.deadline <= now)) {
      const expired = this.queue.filter((pending) => pending.deadline <= now);
      this.queue = this.queue.filter((pending) => pending.deadline > now);
      for (const pending of expired) pending.reject(this.timedOut(pending, 'before it was sent'));
    }
    const index = this.inFlight.findIndex((pending) => pending.deadline <= now);
    if (index >= 0) {
      const [pending] = this.inFlight.splice(index, 1);
      const error = this.timedOut(pending, 'waiting for its response');
      pending.reject(error);
      this.fail(error);
      return;
    }
    let next = Infinity;
    for (const pending of this.queue) next = Math.min(next, pending.deadline);
    for (const pending of this.inFlight) next = Math.min(next, pending.deadline);
    if (next < Infinity) this.armTimer(next);
  };

  private timedOut(pending: PendingRequest, when: string): KafkaError {
    return new KafkaError(
      'REQUEST_TIMED_OUT',
      `${describeApiKey(pending.apiKey)} request timed out after ${pending.timeoutMs} ms ${when}`,
      { broker: this.broker },
    );
  }

  private networkError(detail: string, cause?: unknown): KafkaError {
    return new KafkaError(
      'NETWORK_EXCEPTION',
      `connection to ${this.host}:${this.port}: ${detail}`,
      { broker: this.broker },
      cause,
    );
  }

  /** Closes the connection (once) and fails everything pending. `cause` undefined = close(). */
  private fail(cause: Error | undefined): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    clearTimeout(this.connectTimer);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.socket?.destroy();
    const error =
      cause === undefined
        ? this.networkError('closed by the client')
        : cause instanceof KafkaError && cause.type === 'NETWORK_EXCEPTION'
          ? cause
          : this.networkError(cause.message, cause);
    if (cause === undefined) this.log.debug('Connection closed by the client');
    else this.log.info(`Connection closed: ${cause.message}`);
    const pending = [...this.inFlight, ...this.queue];
    this.inFlight = [];
    this.queue = [];
    for (const request of pending) request.reject(error);
    this.settleConnect?.(error);
    this.emit('close', cause);
  }
}

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${name} must be positive, got ${value}`);
  return value;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
