/**
 * The broker's own ZooKeeper reads and writes (Kafka's `KafkaZkClient` methods a broker calls for
 * itself, outside the controller): the persistent top-level paths, `/cluster/id`, broker-id
 * generation through `/brokers/seqid`, the checked-ephemeral registration at `/brokers/ids/<id>`,
 * and the lookups of a controlled shutdown (`/controller`, a broker's registration). Every znode
 * goes through its zk-schema module.
 */
import { SamsaError } from '../../client/errors';
import {
  EphemeralNodeExistsError,
  ZkClient,
  ZkError,
  ZkErrorCode,
  createCheckedEphemeral,
} from '../../zk-schema/client';
import { PERSISTENT_PATHS } from '../../zk-schema/paths';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import * as brokerSeqid from '../../zk-schema/znodes/broker-seqid';
import * as clusterIdZnode from '../../zk-schema/znodes/cluster-id';
import * as controllerZnode from '../../zk-schema/znodes/controller';

function isZkError(error: unknown, code: ZkErrorCode): boolean {
  return error instanceof ZkError && error.code === code;
}

/**
 * Creates every persistent path Kafka's brokers create at startup (`createTopLevelPaths`), in
 * Kafka's order, leaving existing nodes and their data alone.
 */
export async function createTopLevelPaths(zk: ZkClient): Promise<void> {
  for (const path of PERSISTENT_PATHS) {
    try {
      await zk.create(path, null, { createParents: true });
    } catch (error) {
      if (!isZkError(error, 'NODE_EXISTS')) throw error;
    }
  }
}

/**
 * Kafka's `createOrGetClusterId`: reads `/cluster/id`, or creates it with `proposed` when it does
 * not exist (another broker may win that race: its id is then read back).
 */
export async function createOrGetClusterId(
  zk: ZkClient,
  proposed: string = clusterIdZnode.generateClusterId(),
): Promise<string> {
  const path = clusterIdZnode.path();
  for (;;) {
    try {
      const { data } = await zk.getData(path);
      return clusterIdZnode.decode(data ?? Buffer.alloc(0), path).id;
    } catch (error) {
      if (!isZkError(error, 'NO_NODE')) throw error;
    }
    try {
      await zk.create(path, clusterIdZnode.encode({ id: proposed }), { createParents: true });
      return proposed;
    } catch (error) {
      if (!isZkError(error, 'NODE_EXISTS')) throw error;
    }
  }
}

/**
 * Kafka's `generateBrokerSequenceId` + `reserved.broker.max.id`: an unconditional setData on
 * `/brokers/seqid` (created when missing); the new zkVersion plus `reservedBrokerMaxId` is the id.
 */
export async function generateBrokerId(zk: ZkClient, reservedBrokerMaxId: number): Promise<number> {
  const path = brokerSeqid.path();
  let version: number;
  try {
    version = (await zk.setData(path, brokerSeqid.encode())).version;
  } catch (error) {
    if (!isZkError(error, 'NO_NODE')) throw error;
    try {
      await zk.create(path, brokerSeqid.encode(), { createParents: true });
    } catch (createError) {
      if (!isZkError(createError, 'NODE_EXISTS')) throw createError;
    }
    version = (await zk.setData(path, brokerSeqid.encode())).version;
  }
  return brokerSeqid.generatedBrokerId(version, reservedBrokerMaxId);
}

/** Registration failed because `/brokers/ids/<id>` belongs to another live session. */
export class BrokerIdInUseError extends SamsaError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/**
 * The one line a broker prints when its id is taken: Kafka's own wording, then what it means and
 * what to do (the "restarted too fast" case students hit is the same error).
 */
export function brokerIdInUseMessage(
  brokerId: number,
  owner: string | null,
  currentSession: string | null,
  sessionTimeoutMs: number,
): string {
  const path = brokerRegistration.path(brokerId);
  if (owner === null) {
    return (
      `Error while creating ephemeral at ${path}, node already exists and is a persistent ` +
      `node, not a broker registration: delete it (samsa zookeeper-shell) before starting ` +
      `broker ${brokerId}.`
    );
  }
  return (
    `Error while creating ephemeral at ${path}, node already exists and owner '${owner}' does ` +
    `not match current session '${currentSession ?? 'none'}': another broker with ` +
    `broker.id=${brokerId} is registered and its ZooKeeper session is alive. Give this broker ` +
    `a different broker.id, or stop the other one; if it is this broker's previous process ` +
    `(killed or restarted quickly), its session expires within zookeeper.session.timeout.ms ` +
    `(${sessionTimeoutMs} ms) and the start will then succeed.`
  );
}

/**
 * Registers `/brokers/ids/<id>` as Kafka 2.2+ does (create-then-setData multi; a leftover of this
 * client's previous session is deleted and re-created) and resolves to the broker epoch, the
 * znode's czxid. Throws BrokerIdInUseError when another live session owns the node.
 */
export async function registerBroker(
  zk: ZkClient,
  brokerId: number,
  registration: brokerRegistration.BrokerRegistration,
): Promise<number> {
  const path = brokerRegistration.path(brokerId);
  try {
    const stat = await createCheckedEphemeral(zk, path, brokerRegistration.encode(registration));
    return Number(stat.czxid);
  } catch (error) {
    if (error instanceof EphemeralNodeExistsError) {
      throw new BrokerIdInUseError(
        brokerIdInUseMessage(brokerId, error.owner, zk.sessionId, zk.sessionTimeoutMs),
      );
    }
    throw error;
  }
}

/** The id in `/controller`, or -1 when there is no controller. */
export async function readControllerId(zk: ZkClient): Promise<number> {
  try {
    const { data } = await zk.getData(controllerZnode.path());
    return controllerZnode.decode(data ?? Buffer.alloc(0)).brokerId;
  } catch (error) {
    if (isZkError(error, 'NO_NODE')) return -1;
    throw error;
  }
}

/** A live broker's registration, or null when it is not registered. */
export async function readBrokerRegistration(
  zk: ZkClient,
  brokerId: number,
): Promise<brokerRegistration.BrokerRegistration | null> {
  const path = brokerRegistration.path(brokerId);
  try {
    const { data } = await zk.getData(path);
    return brokerRegistration.decode(data ?? Buffer.alloc(0), path);
  } catch (error) {
    if (isZkError(error, 'NO_NODE')) return null;
    throw error;
  }
}
