/**
 * The broker's SocketServer with Kafka's startup gate (KafkaServer step 10, "only now does the
 * socket server start accepting client requests").
 *
 * Kafka binds its acceptors early (the ports must be known to register `/brokers/ids/<id>`, and
 * port 0 picks one) but starts processing data-plane requests only once the broker is fully up:
 * registered, controller module started. Here the listeners bind at the same early point; every
 * request that arrives before `openForClients()` waits (in order, per connection) until then.
 * Controller-to-broker requests (LeaderAndIsr, UpdateMetadata, StopReplica) are not held: they
 * play the part of Kafka's control plane, which starts processing at once, and the controller
 * (possibly this very broker, during its own startup) needs them answered to finish its work.
 * ApiVersions is answered by the socket server itself at any time.
 */
import { ApiKey } from '../../client/protocol/apis';
import { RequestHandler, SocketServer } from '../network/socket-server';

/** The APIs a controller sends to brokers: never held by the startup gate. */
export const CONTROL_PLANE_APIS: ReadonlySet<ApiKey> = new Set<ApiKey>([
  ApiKey.LeaderAndIsr,
  ApiKey.UpdateMetadata,
  ApiKey.StopReplica,
]);

export class BrokerSocketServer extends SocketServer {
  private open = false;
  private readonly waiting: (() => void)[] = [];

  override handle<K extends ApiKey>(apiKey: K, handler: RequestHandler<K>): this {
    if (CONTROL_PLANE_APIS.has(apiKey)) return super.handle(apiKey, handler);
    return super.handle(apiKey, async (request, context) => {
      if (!this.open) await new Promise<void>((resolve) => this.waiting.push(resolve));
      return handler(request, context);
    });
  }

  /** True once client requests are processed. */
  get openForClientRequests(): boolean {
    return this.open;
  }

  /** Starts processing client requests, the held ones first. */
  openForClients(): void {
    this.open = true;
    for (const resume of this.waiting.splice(0)) resume();
  }
}
