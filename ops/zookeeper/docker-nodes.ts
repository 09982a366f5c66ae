/**
 * ZooKeeper nodes as Docker containers (image zookeeper:3.8), through testcontainers, for machines
 * with a Docker engine and no local installation. Each node is a container on a fresh Docker
 * network, reachable from its peers as `zk<id>` (quorum port 2888, election port 3888 inside the
 * network), with its client port 2181 published on the host at the node's client port. The
 * containers get the same zoo.cfg settings as local nodes.
 *
 * Containers must outlive the command that starts them, so testcontainers' reaper (Ryuk) is
 * disabled; the container and network ids are recorded in ensemble.json and `stopEnsemble` removes
 * them. testcontainers is loaded only when this path is taken.
 */
import type { ContainerRuntimeClient, StartedTestContainer } from 'testcontainers';
import { SamsaError } from '../../client/errors';
import { NodeLayout, renderZooCfg } from './config';
import type { ProcessState } from '../detached-process';
import type { NodeRecord } from './state';

export const DOCKER_IMAGE = 'zookeeper:3.8';
const IN_CONTAINER = { clientPort: 2181, peerPort: 2888, electionPort: 3888 };

/** Whether testcontainers finds a working Docker (or compatible) engine. */
export async function dockerReachable(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  return getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
}

async function runtime(): Promise<ContainerRuntimeClient> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  return getContainerRuntimeClient();
}

/** Starts one container per node; resolves once every container listens on its client port. */
export async function startDockerNodes(
  layout: NodeLayout[],
  tickTime: number,
  dirOf: (id: number) => string,
): Promise<{ networkId: string; nodes: NodeRecord[] }> {
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const { GenericContainer, Network, Wait } = await import('testcontainers');
  const network = await new Network().start();
  const servers = layout.map((n) => ({ id: n.id, host: `zk${n.id}`, ...IN_CONTAINER }));
  const results = await Promise.allSettled(
    layout.map((node) =>
      new GenericContainer(DOCKER_IMAGE)
        .withNetwork(network)
        .withNetworkAliases(`zk${node.id}`)
        .withEnvironment({ ZOO_MY_ID: String(node.id) })
        .withExposedPorts({ container: IN_CONTAINER.clientPort, host: node.clientPort })
        .withCopyContentToContainer([
          {
            content: renderZooCfg({
              id: node.id,
              tickTime,
              dataDir: '/data',
              clientPort: IN_CONTAINER.clientPort,
              clientPortAddress: '0.0.0.0',
              servers,
              quorumListenOnAllIPs: true,
            }),
            target: '/conf/zoo.cfg',
          },
          { content: `${node.id}\n`, target: '/data/myid' },
        ])
        .withWaitStrategy(Wait.forListeningPorts())
        .start(),
    ),
  );
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.getId()] : []));
    await removeDockerEnsemble(ids, network.getId());
    throw new SamsaError(`cannot start ${DOCKER_IMAGE} containers`, { cause: failed.reason });
  }
  const started = results.map((r) => (r as PromiseFulfilledResult<StartedTestContainer>).value);
  return {
    networkId: network.getId(),
    nodes: layout.map((node, i) => ({
      ...node,
      host: started[i].getHost(),
      dir: dirOf(node.id),
      containerId: started[i].getId(),
    })),
  };
}

/** A container's state, in the launcher's terms. */
export async function dockerNodeState(containerId: string): Promise<ProcessState> {
  const client = await runtime();
  try {
    const info = await client.container.inspect(client.container.getById(containerId));
    if (info.State.Paused) return 'paused';
    return info.State.Running ? 'running' : 'gone';
  } catch (error) {
    if (statusCode(error) === 404) return 'gone';
    throw error;
  }
}

export type DockerAction = 'stop' | 'kill' | 'start' | 'pause' | 'resume';

/** HTTP 304 (already in that state) and 404 (no such container) from the engine. */
function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/** Stops (docker stop, 10 s grace), kills, starts, pauses or resumes one node's container. */
export async function controlDockerNode(containerId: string, action: DockerAction): Promise<void> {
  const container = (await runtime()).container.getById(containerId);
  try {
    if (action === 'stop') await container.stop({ t: 10 });
    else if (action === 'kill') await container.kill();
    else if (action === 'start') await container.start();
    else if (action === 'pause') await container.pause();
    else await container.unpause();
  } catch (error) {
    if (statusCode(error) !== 304) {
      throw new SamsaError(`cannot ${action} ZooKeeper container ${containerId}`, { cause: error });
    }
  }
}

/** Removes the ensemble's containers (running or not) and its network. */
export async function removeDockerEnsemble(
  containerIds: string[],
  networkId: string,
): Promise<void> {
  const client = await runtime();
  for (const id of containerIds) {
    try {
      await client.container.getById(id).remove({ force: true, v: true });
    } catch (error) {
      if (statusCode(error) !== 404) {
        throw new SamsaError(`cannot remove ZooKeeper container ${id}`, { cause: error });
      }
    }
  }
  try {
    await client.network.getById(networkId).remove();
  } catch (error) {
    if (statusCode(error) !== 404) {
      throw new SamsaError(`cannot remove Docker network ${networkId}`, { cause: error });
    }
  }
}
