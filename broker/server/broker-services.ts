/**
 * `BrokerServices`: what one running broker is made of, as the API handlers, the replica manager
 * and the controller see it. `KafkaServer` (kafka-server.ts) builds it during startup and hands it
 * to `registerAdminHandlers` / `registerDataHandlers` / `registerGroupHandlers` before the
 * listeners open.
 *
 * `zk` is the broker's one ZooKeeper client (chroot applied); it survives session expiries by
 * starting a new session, so holding on to it is safe. `brokerEpoch()` changes with every
 * re-registration of `/brokers/ids/<id>` (it is that znode's czxid, KIP-380).
 */
import type { KafkaConfig } from '../config/kafka-config';
import type { LogManager } from '../log/log-manager';
import type { MetadataCache } from '../metadata/metadata-cache';
import type { ReplicaManager } from '../replica/replica-manager';
import type { KafkaController } from '../controller/kafka-controller';
import type { GroupCoordinator } from '../coordinator/group/group-coordinator';
import type { ZkClient } from '../../zk-schema/client';

export interface BrokerServices {
  readonly config: KafkaConfig;
  readonly brokerId: number;
  readonly clusterId: string;
  /** The broker's current session (chroot applied). */
  readonly zk: ZkClient;
  /** czxid of /brokers/ids/<id> of the current registration. */
  brokerEpoch(): number;
  readonly logManager: LogManager;
  readonly metadataCache: MetadataCache;
  readonly replicaManager: ReplicaManager;
  readonly controller: KafkaController;
  /** Consumer groups and committed offsets of the `__consumer_offsets` partitions led here. */
  readonly groupCoordinator: GroupCoordinator;
}
