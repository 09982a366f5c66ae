/**
 * A broker's data plane for handler tests: a ReplicaManager leading its partitions alone (no
 * ZooKeeper) behind a real SocketServer on loopback, with the data handlers registered. Stopped
 * by the harness's cleanup, before the temp folders go.
 */
import { topicConfig } from '../../../../broker/config/topic-config';
import { type DataHandlerServices, registerDataHandlers } from '../../../../broker/handlers/data';
import type { LogManager } from '../../../../broker/log/log-manager';
import { MetadataCache } from '../../../../broker/metadata/metadata-cache';
import { SocketServer } from '../../../../broker/network/socket-server';
import { ReplicaManager } from '../../../../broker/replica/replica-manager';
import { onCleanup } from '../../../harness';
import { RecordingIsrWriter, brokerConfig, startLogManager } from '../../replica/fixtures';

export interface DataPlane {
  readonly logManager: LogManager;
  readonly replicaManager: ReplicaManager;
  readonly port: number;
}

/** Starts broker 1's data plane with the given broker epoch (and leadership listener). */
export async function startDataPlane(
  brokerEpoch: number,
  groupCoordinator?: DataHandlerServices['groupCoordinator'],
): Promise<DataPlane> {
  const config = brokerConfig(1, { listeners: 'PLAINTEXT://127.0.0.1:0' });
  const logManager = await startLogManager();
  const metadataCache = new MetadataCache();
  const replicaManager = new ReplicaManager({
    config,
    brokerId: 1,
    logManager,
    metadataCache,
    zk: () => {
      throw new Error('no ZooKeeper in unit tests');
    },
    isrWriter: new RecordingIsrWriter(),
    topicConfig: async () => topicConfig(config, {}),
  });
  const server = new SocketServer({ listeners: config.listeners, brokerId: 1 });
  registerDataHandlers(server, {
    brokerId: 1,
    brokerEpoch: () => brokerEpoch,
    metadataCache,
    replicaManager,
    ...(groupCoordinator === undefined ? {} : { groupCoordinator }),
  });
  const [{ port }] = await server.start();
  onCleanup(async () => {
    await server.stop();
    await replicaManager.shutdown();
    await logManager.shutdown();
  });
  return { logManager, replicaManager, port };
}
