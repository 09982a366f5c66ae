/**
 * DeleteTopics (api key 20), answered by the active controller only (NOT_CONTROLLER elsewhere).
 * With `delete.topic.enable=false` every topic gets TOPIC_DELETION_DISABLED. A topic the metadata
 * cache does not know gets UNKNOWN_TOPIC_OR_PARTITION; the others are marked for deletion
 * (`/admin/delete_topics/<t>`, broker/admin/admin-zk.ts; already marked is fine). The response
 * then waits (Kafka's DelayedDeleteTopics) until those topics are gone from the metadata cache —
 * the controller's UpdateMetadata with leader -2 removes them — at most `timeout_ms`; topics
 * still there get REQUEST_TIMED_OUT (their deletion goes on). A name given twice is answered once.
 */
import type { Logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { samsa } from '../../../client/protocol/generated/messages';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { markTopicForDeletion } from '../../admin/admin-zk';
import { ApiError, NO_ERROR, apiError, errorOf } from './api-error';
import { awaitMetadata } from './await-metadata';

type Result = samsa.DeleteTopicsResponse.Result.$Properties;

export function deleteTopicsHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.DeleteTopics> {
  const cache = services.metadataCache;
  return async (request) => {
    const names = [...new Set(request.topicNames)];
    if (!services.controller.isActive()) {
      return { responses: names.map((name) => result(name, errorOf('NOT_CONTROLLER'))) };
    }
    if (!services.config.deleteTopicEnable) {
      const disabled = errorOf('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled.');
      return { responses: names.map((name) => result(name, disabled)) };
    }
    const responses: Result[] = [];
    const deleting: string[] = [];
    for (const name of names) {
      if (!cache.hasTopic(name)) {
        responses.push(
          result(name, errorOf('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist.`)),
        );
        continue;
      }
      try {
        await markTopicForDeletion(services, name);
        responses.push(result(name, NO_ERROR));
        deleting.push(name);
      } catch (error) {
        responses.push(result(name, apiError(error, log, `DeleteTopics for topic ${name}`)));
      }
    }
    if (deleting.length === 0) return { responses };
    await awaitMetadata(cache, () => deleting.every((t) => !cache.hasTopic(t)), request.timeoutMs);
    for (const response of responses) {
      if (deleting.includes(response.name as string) && cache.hasTopic(response.name as string)) {
        Object.assign(response, errorOf('REQUEST_TIMED_OUT'));
      }
    }
    return { responses };
  };
}

function result(name: string, error: ApiError): Result {
  const r: Result = { name, errorCode: error.errorCode };
  if (error.errorMessage !== null) r.errorMessage = error.errorMessage;
  return r;
}
