/**
 * AlterConfigs (api key 33), answered by any broker, per resource:
 * - TOPIC: replaces the topic's overrides with the given set (keys left out go back to the
 *   broker's values), through broker/admin/admin-zk.ts `changeTopicConfig`: `/config/topics/<t>`
 *   then a `/config/changes/config_change_<seq>` notification, which every broker's
 *   DynamicConfigManager applies to its live logs. Nothing is written with `validate_only`.
 *   Errors as in Kafka: a topic the metadata cache does not know → UNKNOWN_TOPIC_OR_PARTITION; a
 *   config without a value → INVALID_REQUEST; an unknown key → INVALID_CONFIG; a bad value →
 *   INVALID_REQUEST ("Invalid config value for resource ConfigResource(type=TOPIC, ...): ...").
 * - BROKER → INVALID_REQUEST: samsa has no dynamic broker configs (change server.properties and
 *   restart the broker).
 * - anything else → INVALID_REQUEST.
 */
import { KafkaError } from '../../../client/errors';
import type { Logger } from '../../../client/logging';
import { ApiKey, type RequestBody } from '../../../client/protocol/apis';
import { samsa } from '../../../client/protocol/generated/messages';
import { ConfigError } from '../../config/config-error';
import { TOPIC_CONFIG_DEF } from '../../config/topic-config';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { changeTopicConfig } from '../../admin/admin-zk';
import { NO_ERROR, apiError, kafkaErrorDetail } from './api-error';
import { describeResource, resourceTypeName } from './describe-configs';

type Result = samsa.AlterConfigsResponse.Result.$Properties;
type Resource = RequestBody<typeof ApiKey.AlterConfigs>['resources'][number];

const { CONFIG_RESOURCE_TOPIC: TOPIC, CONFIG_RESOURCE_BROKER: BROKER } = samsa.ConfigResourceType;

export function alterConfigsHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.AlterConfigs> {
  return async (request) => {
    const responses: Result[] = [];
    for (const resource of request.resources) {
      const result: Result = {
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        ...NO_ERROR,
      };
      try {
        await alter(services, resource, request.validateOnly);
      } catch (error) {
        Object.assign(
          result,
          apiError(error, log, `AlterConfigs for ${describeResource(resource)}`),
        );
      }
      if (result.errorMessage === null) delete result.errorMessage;
      responses.push(result);
    }
    return { responses };
  };
}

async function alter(
  services: BrokerServices,
  resource: Resource,
  validateOnly: boolean,
): Promise<void> {
  const nulls = resource.configs.filter((c) => c.value === undefined || c.value === null);
  if (nulls.length > 0) {
    throw new KafkaError(
      'INVALID_REQUEST',
      `Null value not supported for : ${nulls.map((c) => c.name).join(',')}`,
    );
  }
  switch (resource.resourceType) {
    case TOPIC: {
      const topic = resource.resourceName;
      if (!services.metadataCache.hasTopic(topic)) {
        throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${topic}' does not exist.`);
      }
      const unknown = resource.configs.find((c) => !TOPIC_CONFIG_DEF.has(c.name));
      if (unknown !== undefined) {
        throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${unknown.name}`);
      }
      const configs = new Map(resource.configs.map((c) => [c.name, c.value as string]));
      try {
        await changeTopicConfig(services, topic, configs, { validateOnly });
      } catch (error) {
        if (error instanceof KafkaError && error.cause instanceof ConfigError) {
          throw new KafkaError(
            'INVALID_REQUEST',
            `Invalid config value for resource ${describeResource(resource)}: ${kafkaErrorDetail(error)}`,
          );
        }
        throw error;
      }
      return;
    }
    case BROKER:
      throw new KafkaError(
        'INVALID_REQUEST',
        'dynamic broker configs are not supported: change server.properties and restart the broker',
      );
    default:
      throw new KafkaError(
        'INVALID_REQUEST',
        `AlterConfigs is only supported for topics and brokers, but resource type is ${resourceTypeName(resource.resourceType)}`,
      );
  }
}
