/**
 * The broker's socket server (Kafka's SocketServer): one TCP server per listener
 * (`listeners=PLAINTEXT://host:9092`, parsed by broker/config/listeners.ts), accepting connections that speak samsa's protocol and
 * dispatching their requests to the handler registered for each API (one ServerConnection per
 * connection does the framing, ordering and backpressure).
 *
 * ApiVersions is answered here, not by a handler: it lists the APIs that have a handler, so a
 * client learns exactly what this broker serves. Requests for any other API without a handler
 * close the connection, like an unknown api key.
 *
 * Limits (Kafka's names and defaults): `socket.request.max.bytes` (104857600) bounds a request
 * frame; `queued.max.requests` (500) bounds, per connection, the requests awaiting responses before
 * the connection stops reading; `connections.max.idle.ms` (600000) closes idle connections.
 * Only PLAINTEXT listeners are served; a listener mapped to another security protocol is refused at
 * start.
 */
import net from 'net';
import { logger, Logger } from '../../client/logging';
import { ApiKey, apiSpec, versionRanges } from '../../client/protocol/apis';
import { DEFAULT_MAX_FRAME_BYTES } from '../../client/protocol/framing';
import type { Endpoint } from '../config/listeners';
import {
  ConnectionContext,
  RequestDispatcher,
  RequestHandler,
  ServerConnection,
} from './server-connection';

export type { ConnectionContext, RequestContext, RequestHandler } from './server-connection';

export interface SocketServerOptions {
  readonly listeners: readonly Endpoint[];
  /** Names the broker in log lines. */
  readonly brokerId?: number;
  readonly socketRequestMaxBytes?: number;
  readonly queuedMaxRequests?: number;
  readonly connectionsMaxIdleMs?: number;
  readonly logger?: Logger;
}

export interface SocketServerStats {
  /** Open connections. */
  readonly connections: number;
  readonly connectionsAccepted: number;
  /** Requests decoded and dispatched (ApiVersions included). */
  readonly requests: number;
  /** Connections closed because the peer broke the protocol. */
  readonly protocolErrors: number;
}

export class SocketServer {
  private readonly listeners: readonly Endpoint[];
  private readonly socketRequestMaxBytes: number;
  private readonly queuedMaxRequests: number;
  private readonly connectionsMaxIdleMs: number;
  private readonly log: Logger;
  private readonly handlers = new Map<ApiKey, RequestHandler<ApiKey>>();
  private readonly servers: net.Server[] = [];
  private readonly connections = new Set<ServerConnection>();
  private bound: Endpoint[] = [];
  private nextConnectionIndex = 0;
  private connectionsAccepted = 0;
  private requests = 0;
  private protocolErrors = 0;
  private stopped = false;
  private readonly dispatcher: RequestDispatcher = {
    handlerFor: (apiKey) => this.handlers.get(apiKey),
    apiVersionsResponse: (errorCode) => ({
      errorCode,
      apiKeys: versionRanges([ApiKey.ApiVersions, ...this.handlers.keys()]),
    }),
    onRequest: () => {
      this.requests++;
    },
    onProtocolError: () => {
      this.protocolErrors++;
    },
    onClosed: (connection) => {
      this.connections.delete(connection);
    },
  };

  constructor(options: SocketServerOptions) {
    if (options.listeners.length === 0) throw new Error('SocketServer: no listener given');
    for (const listener of options.listeners) {
      if (listener.securityProtocol !== 'PLAINTEXT') {
        throw new Error(
          `listener ${listener.listenerName} uses security protocol ${listener.securityProtocol}; samsa serves PLAINTEXT listeners only`,
        );
      }
    }
    this.listeners = options.listeners;
    this.socketRequestMaxBytes = atLeastOne(
      'socket.request.max.bytes',
      options.socketRequestMaxBytes ?? DEFAULT_MAX_FRAME_BYTES,
    );
    this.queuedMaxRequests = atLeastOne('queued.max.requests', options.queuedMaxRequests ?? 500);
    this.connectionsMaxIdleMs = atLeastOne(
      'connections.max.idle.ms',
      options.connectionsMaxIdleMs ?? 600000,
    );
    this.log =
      options.logger ??
      logger(
        options.brokerId === undefined
          ? 'SocketServer'
          : `SocketServer brokerId=${options.brokerId}`,
      );
  }

  /** Registers the handler of one API (ApiVersions excepted: the server answers it). */
  handle<K extends ApiKey>(apiKey: K, handler: RequestHandler<K>): this {
    if (apiKey === ApiKey.ApiVersions) {
      throw new Error('ApiVersions is answered by the socket server itself');
    }
    const spec = apiSpec(apiKey);
    if (spec === undefined) throw new RangeError(`unknown api key ${apiKey}`);
    if (this.handlers.has(apiKey)) throw new Error(`a handler for ${spec.name} is already set`);
    // The map holds handlers of every API; each is only called with requests of its own API.
    this.handlers.set(apiKey, handler as unknown as RequestHandler<ApiKey>);
    return this;
  }

  /** Binds every listener; resolves to the bound endpoints (with the actual ports, for port 0). */
  async start(): Promise<Endpoint[]> {
    if (this.servers.length > 0 || this.stopped) throw new Error('SocketServer already started');
    try {
      for (const listener of this.listeners) this.bound.push(await this.listen(listener));
    } catch (error) {
      await this.stop();
      throw error;
    }
    for (const endpoint of this.bound) {
      this.log.info(
        `Listening on ${endpoint.listenerName}://${endpoint.host || '0.0.0.0'}:${endpoint.port}`,
      );
    }
    return this.bound;
  }

  get endpoints(): readonly Endpoint[] {
    return this.bound;
  }

  stats(): SocketServerStats {
    return {
      connections: this.connections.size,
      connectionsAccepted: this.connectionsAccepted,
      requests: this.requests,
      protocolErrors: this.protocolErrors,
    };
  }

  /** Stops accepting, closes every connection and resolves once the listeners are closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    const closing = this.servers.map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const connection of this.connections) connection.close();
    await Promise.all(closing);
    this.servers.length = 0;
  }

  private listen(listener: Endpoint): Promise<Endpoint> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((socket) => this.accept(listener, socket));
      this.servers.push(server);
      server.once('error', (error) =>
        reject(
          new Error(
            `cannot listen on ${listener.listenerName}://${listener.host}:${listener.port}: ${error.message}`,
          ),
        ),
      );
      const host = listener.host === '' ? undefined : listener.host;
      server.listen({ host, port: listener.port }, () => {
        const address = server.address() as net.AddressInfo;
        server.on('error', (error) =>
          this.log.error(`Listener ${listener.listenerName}: ${error.message}`),
        );
        resolve({ ...listener, port: address.port });
      });
    });
  }

  private accept(listener: Endpoint, socket: net.Socket): void {
    this.connectionsAccepted++;
    const context: ConnectionContext = {
      connectionId: `${socket.localAddress}:${socket.localPort}-${socket.remoteAddress}:${socket.remotePort}-${this.nextConnectionIndex++}`,
      listenerName: listener.listenerName,
      securityProtocol: listener.securityProtocol,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
    };
    const connection = new ServerConnection(
      socket,
      context,
      {
        socketRequestMaxBytes: this.socketRequestMaxBytes,
        queuedMaxRequests: this.queuedMaxRequests,
        connectionsMaxIdleMs: this.connectionsMaxIdleMs,
        log: this.log,
      },
      this.dispatcher,
    );
    this.connections.add(connection);
  }
}

function atLeastOne(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
