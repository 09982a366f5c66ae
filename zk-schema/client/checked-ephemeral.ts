/**
 * Kafka's "checked ephemeral" registration, used for `/brokers/ids/<id>` (Kafka 2.2+,
 * `KafkaZkClient.registerBroker`, KAFKA-7165 / ZOOKEEPER-2985):
 *
 * - one multi creates the ephemeral node without data and sets its data with expected version 0,
 *   which returns the node's Stat — and with it the czxid, the broker epoch — in one round trip
 *   (the node therefore shows dataVersion 1, as in Kafka);
 * - if the node already exists, its owner decides:
 *   - this client's current session: it is already ours (an earlier attempt whose reply was
 *     lost) — done;
 *   - one of this client's *previous* sessions: a leftover of a session ZooKeeper has not
 *     expired yet — delete it (conditionally on the version just read) and create it again;
 *   - any other session (or a persistent node): fail with `EphemeralNodeExistsError` — for a
 *     broker, a duplicate `broker.id`.
 */
import { logger } from '../../client/logging';
import { OPEN_ACL_UNSAFE, ZkAcl } from './acl';
import { EphemeralNodeExistsError, ZkError } from './errors';
import { Op } from './multi';
import { ZkStat } from './stat';
import type { ZkClient } from './zk-client';

const log = logger('ZooKeeperClient checked-ephemeral');

/** Attempts before giving up when the node keeps appearing and disappearing under us. */
const MAX_ROUNDS = 5;

/** Registers the ephemeral node `path` with `data`; resolves to its Stat (czxid = epoch). */
export async function createCheckedEphemeral(
  client: ZkClient,
  path: string,
  data: Buffer,
  options: { acl?: readonly ZkAcl[] } = {},
): Promise<ZkStat> {
  let lastError: ZkError | null = null;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    try {
      const results = await client.multi([
        Op.create(path, null, { mode: 'ephemeral', acl: options.acl ?? OPEN_ACL_UNSAFE }),
        Op.setData(path, data, 0),
      ]);
      const set = results[1];
      if (set.type !== 'setData') throw new ZkError('MARSHALLING_ERROR', { path });
      return set.stat;
    } catch (error) {
      if (!(error instanceof ZkError)) throw error;
      lastError = error;
      // Lost with the connection: try again; if it had been applied, NODE_EXISTS with our own
      // session as owner says so below.
      if (error.code === 'CONNECTION_LOSS') continue;
      if (error.code !== 'NODE_EXISTS' || error.opIndex !== 0) throw error;
    }
    let stat: ZkStat;
    try {
      stat = (await client.getData(path)).stat;
    } catch (error) {
      // Gone between our create and this read, or our server has not seen it yet (reads are
      // served by the server this session is connected to): wait a little, then create again.
      if (!(error instanceof ZkError) || error.code !== 'NO_NODE') throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));
      continue;
    }
    const owner = stat.ephemeralOwner;
    if (owner !== null && owner === client.sessionId) return stat;
    if (owner === null || !client.previousSessionIds.includes(owner)) {
      throw new EphemeralNodeExistsError(path, owner);
    }
    log.info(
      `${path} is still owned by our previous session ${owner}; deleting and re-creating it.`,
    );
    try {
      await client.delete(path, stat.version);
    } catch (error) {
      // Someone else removed or changed it meanwhile: look again.
      if (
        !(error instanceof ZkError) ||
        (error.code !== 'NO_NODE' && error.code !== 'BAD_VERSION')
      ) {
        throw error;
      }
    }
  }
  throw new ZkError(lastError?.code ?? 'SYSTEM_ERROR', {
    path,
    detail: `could not register the ephemeral node in ${MAX_ROUNDS} attempts`,
    cause: lastError,
  });
}
