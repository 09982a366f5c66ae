/**
 * `ControllerChannelManager` (Kafka's): how the controller reaches each live broker, itself
 * included. Per broker: one `Connection` (client/network) to the broker's endpoint for the
 * controller listener (`control.plane.listener.name`, else `inter.broker.listener.name`, taken
 * from its `/brokers/ids/<id>` registration) and one ordered queue drained by one send loop:
 * one request at a time, waiting for its response (`controller.socket.timeout.ms`) before the
 * next. A request that fails with a retriable error (connection refused or lost, timeout) is
 * sent again on a new connection every 100 ms for as long as the broker stays live; a broker
 * removed from the live set takes its queue with it. A non-retriable failure (the broker does
 * not serve the API) drops that request, logged.
 *
 * A broker that ZooKeeper sees alive but the controller cannot reach stays "live": its queue
 * grows and is retried for ever (Kafka's design property; see `queueSizes()`).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SamsaError } from '../../client/errors';
import { Logger, logger } from '../../client/logging';
import { Connection } from '../../client/network/connection';
import { ApiKey, RequestInit, ResponseBody, describeApiKey } from '../../client/protocol/apis';
import { LiveBroker } from './controller-context';
import { endpointFor } from './controller-request-batch';

/** Kafka's wait between two attempts of the same request. */
const RETRY_BACKOFF_MS = 100;

interface QueuedRequest {
  readonly apiKey: ApiKey;
  readonly body: unknown;
  readonly onResponse: (response: unknown) => void;
}

export interface ControllerChannelManagerOptions {
  readonly controllerId: number;
  /** The listener whose endpoints the controller connects to. */
  readonly listenerName: string;
  /** `controller.socket.timeout.ms`: connect and request timeout. */
  readonly requestTimeoutMs: number;
  readonly log: () => Logger;
}

/** One broker's queue and send loop. */
class RequestSendLoop {
  private readonly queue: QueuedRequest[] = [];
  private connection: Connection | null = null;
  private running = false;
  private stopped = false;
  /** Consecutive failed attempts of the request at the head of the queue. */
  private failures = 0;
  private readonly connectionLog: Logger;

  constructor(
    readonly brokerId: number,
    private readonly host: string,
    private readonly port: number,
    private readonly options: ControllerChannelManagerOptions,
  ) {
    this.connectionLog = logger(
      `Controller-${options.controllerId}-to-broker-${brokerId}-send-thread`,
    );
  }

  get size(): number {
    return this.queue.length;
  }

  enqueue(request: QueuedRequest): void {
    if (this.stopped) return;
    this.queue.push(request);
    if (!this.running) {
      this.running = true;
      void this.run();
    }
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.connection?.close();
    this.connection = null;
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped && this.queue.length > 0) {
        const request = this.queue[0];
        let response: unknown;
        try {
          response = await this.send(request);
        } catch (error) {
          if (this.stopped) return;
          const retriable = error instanceof SamsaError && error.retriable;
          this.connection?.close();
          this.connection = null;
          if (!retriable) {
            this.options
              .log()
              .error(
                `Dropping ${describeApiKey(request.apiKey)} request to broker ${this.brokerId}: ` +
                  String(error instanceof Error ? error.message : error),
              );
            this.queue.shift();
            continue;
          }
          this.failures += 1;
          const line =
            `Controller ${this.options.controllerId}'s ${describeApiKey(request.apiKey)} request ` +
            `to broker ${this.brokerId} (${this.host}:${this.port}) failed: ` +
            `${(error as Error).message}; retrying every ${RETRY_BACKOFF_MS} ms`;
          // The first failure in a row is a warning; the retries that follow are debug lines.
          if (this.failures === 1) this.options.log().warn(line);
          else this.options.log().debug(line);
          await sleep(RETRY_BACKOFF_MS, undefined, { ref: false });
          continue;
        }
        if (this.stopped) return;
        this.failures = 0;
        this.queue.shift();
        try {
          request.onResponse(response);
        } catch (error) {
          this.options
            .log()
            .error(`Handling a response of broker ${this.brokerId} failed: ${String(error)}`);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async send(request: QueuedRequest): Promise<unknown> {
    if (this.connection === null || this.connection.state === 'closed') {
      this.connection = new Connection({
        host: this.host,
        port: this.port,
        brokerId: this.brokerId,
        clientId: `controller-${this.options.controllerId}`,
        connectTimeoutMs: this.options.requestTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        maxInFlightRequests: 1,
        logger: this.connectionLog,
      });
    }
    // The queue holds requests of several APIs; each body matches its api key.
    return this.connection.request(request.apiKey, request.body as RequestInit<ApiKey>);
  }
}

export class ControllerChannelManager {
  private readonly brokers = new Map<number, RequestSendLoop>();

  constructor(private readonly options: ControllerChannelManagerOptions) {}

  startup(brokers: Iterable<LiveBroker>): void {
    for (const broker of brokers) this.addBroker(broker);
  }

  /** Starts a send loop to `broker` (no-op if there is one). */
  addBroker(broker: LiveBroker): void {
    if (this.brokers.has(broker.id)) return;
    const endpoint = endpointFor(broker, this.options.listenerName);
    if (endpoint === undefined) {
      this.options
        .log()
        .error(
          `Broker ${broker.id} has no endpoint for listener ${this.options.listenerName}; ` +
            'the controller cannot send it requests',
        );
      return;
    }
    const host = endpoint.host === '' ? 'localhost' : endpoint.host;
    this.brokers.set(broker.id, new RequestSendLoop(broker.id, host, endpoint.port, this.options));
  }

  /** Stops the send loop of `brokerId`; its queued requests are dropped. */
  removeBroker(brokerId: number): void {
    this.brokers.get(brokerId)?.stop();
    this.brokers.delete(brokerId);
  }

  hasBroker(brokerId: number): boolean {
    return this.brokers.has(brokerId);
  }

  /** Queues a request for `brokerId`; dropped (logged) when the broker has no send loop. */
  sendRequest<K extends ApiKey>(
    brokerId: number,
    apiKey: K,
    body: RequestInit<K>,
    onResponse: (response: ResponseBody<K>) => void,
  ): void {
    const loop = this.brokers.get(brokerId);
    if (loop === undefined) {
      this.options
        .log()
        .warn(`Not sending ${describeApiKey(apiKey)} to broker ${brokerId}, since it is offline`);
      return;
    }
    loop.enqueue({ apiKey, body, onResponse: onResponse as (response: unknown) => void });
  }

  /** Requests waiting per broker (Kafka's per-broker QueueSize). */
  queueSizes(): Map<number, number> {
    return new Map([...this.brokers].map(([id, loop]) => [id, loop.size]));
  }

  shutdown(): void {
    for (const loop of this.brokers.values()) loop.stop();
    this.brokers.clear();
  }
}
