/**
 * What a broker writes at `/brokers/ids/<id>` (Kafka's `BrokerInfo`): its advertised listeners,
 * each with the port actually bound when the configuration says port 0 (Kafka replaces it with
 * `socketServer.boundPort(listenerName)`), `jmx_port` -1 (samsa has no JMX), `broker.rack` when
 * set, no supported features (as Kafka 2.7/2.8 in ZooKeeper mode), and the registration time.
 * The JSON itself is zk-schema's (znodes/broker-registration.ts, version 5).
 */
import type { Endpoint } from '../config/listeners';
import type { BrokerRegistration } from '../../zk-schema/znodes/broker-registration';

export interface RegistrationSource {
  readonly advertisedListeners: readonly Endpoint[];
  readonly brokerRack: string | null;
}

export function brokerRegistrationInfo(
  config: RegistrationSource,
  bound: readonly Endpoint[],
  timestamp: number,
): BrokerRegistration {
  const endpoints = config.advertisedListeners.map((endpoint) => {
    let port = endpoint.port;
    if (port === 0) {
      const listener = bound.find((b) => b.listenerName === endpoint.listenerName);
      if (listener === undefined) {
        throw new Error(
          `listener ${endpoint.listenerName} is advertised with port 0 but not bound`,
        );
      }
      port = listener.port;
    }
    return {
      listenerName: endpoint.listenerName,
      host: endpoint.host,
      port,
      securityProtocol: endpoint.securityProtocol,
    };
  });
  const registration: BrokerRegistration = {
    endpoints,
    jmxPort: -1,
    timestamp,
    features: new Map(),
  };
  if (config.brokerRack !== null) registration.rack = config.brokerRack;
  return registration;
}
