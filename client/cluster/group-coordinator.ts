/**
 * Finding and talking to a consumer group's coordinator (Kafka's AbstractCoordinator lookup and
 * the admin client's group routing), shared by the consumer and the admin client.
 *
 * `find(groupId)` asks any broker FindCoordinator (key type 0) and remembers the answer per group;
 * COORDINATOR_NOT_AVAILABLE (no leader of the group's __consumer_offsets partition yet, or the
 * topic is still being created) is retried with backoff. `request(groupId, apiKey, body,
 * errorOf)` sends a request to the group's coordinator; when `errorOf(response)` is
 * NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE, or the connection is lost, it forgets the
 * coordinator, finds it again and retries. Other errors in the response are the caller's to read
 * (COORDINATOR_LOAD_IN_PROGRESS is retried too: the coordinator is loading the group).
 */
import { KafkaError } from '../errors';
import { ApiKey, RequestInit, ResponseBody } from '../protocol/apis';
import { errorByCode } from '../protocol/error-codes';
import { Cluster } from './cluster';
import { isStaleMetadataError } from './metadata';
import { retry } from './retry';

/** FindCoordinator's key type of a consumer group. */
const GROUP_KEY_TYPE = 0;

/** Response error codes after which the coordinator is looked up again. */
const LOOKUP_AGAIN = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE']);

export class GroupCoordinators {
  private readonly known = new Map<string, number>();

  constructor(private readonly cluster: Cluster) {}

  /** The node id of the group's coordinator (remembered; looked up when unknown). */
  async find(groupId: string): Promise<number> {
    const known = this.known.get(groupId);
    if (known !== undefined) return known;
    const nodeId = await retry(async () => {
      const response = await this.cluster.requestAnyBroker(ApiKey.FindCoordinator, {
        key: groupId,
        keyType: GROUP_KEY_TYPE,
      });
      if (response.errorCode !== 0) {
        throw new KafkaError(
          errorByCode(response.errorCode).name,
          response.errorMessage ?? undefined,
          { groupId },
        );
      }
      if (this.cluster.broker(response.nodeId) === undefined) await this.cluster.refreshMetadata();
      return response.nodeId;
    }, this.cluster.retryOptions);
    this.known.set(groupId, nodeId);
    return nodeId;
  }

  /** Forgets the group's coordinator, so the next request looks it up again. */
  forget(groupId: string): void {
    this.known.delete(groupId);
  }

  /**
   * Sends a request to the group's coordinator, finding it again (with backoff) while it has
   * moved; `errorOf` reads the response's group-level error code.
   */
  async request<K extends ApiKey>(
    groupId: string,
    apiKey: K,
    body: RequestInit<K>,
    errorOf: (response: ResponseBody<K>) => number,
  ): Promise<{ coordinator: number; response: ResponseBody<K> }> {
    return retry(async () => {
      const coordinator = await this.find(groupId);
      let response: ResponseBody<K>;
      try {
        response = await this.cluster.request(coordinator, apiKey, body);
      } catch (error) {
        if (isStaleMetadataError(error)) this.forget(groupId);
        throw error;
      }
      const code = errorOf(response);
      if (code !== 0) {
        const error = errorByCode(code);
        if (LOOKUP_AGAIN.has(error.name)) this.forget(groupId);
        if (LOOKUP_AGAIN.has(error.name) || error.name === 'COORDINATOR_LOAD_IN_PROGRESS') {
          throw new KafkaError(error.name, undefined, { groupId, broker: coordinator });
        }
      }
      return { coordinator, response };
    }, this.cluster.retryOptions);
  }
}
