/**
 * DescribeConfigs (api key 32), answered by any broker, per resource:
 * - TOPIC: the topic's effective config — every topic key with its value, its source
 *   (TOPIC_CONFIG for an override from `/config/topics/<t>`, read now; else where the broker's
 *   value came from: STATIC_BROKER_CONFIG or DEFAULT_CONFIG) and, when asked, its synonyms and
 *   documentation (broker/config/topic-config.ts). A topic the metadata cache does not know →
 *   UNKNOWN_TOPIC_OR_PARTITION; an illegal name → INVALID_TOPIC_EXCEPTION.
 * - BROKER with this broker's id: every broker key (read-only in samsa: no dynamic broker
 *   configs; broker/config/config-entries.ts). With an empty name (the cluster-wide dynamic
 *   defaults): none. Another broker's id, or a name that is not a number → INVALID_REQUEST, as
 *   in Kafka (ask that broker).
 * - anything else → INVALID_REQUEST.
 * `configuration_keys` limits the entries to those keys (empty: all).
 */
import type { Logger } from '../../../client/logging';
import { ApiKey, type RequestBody } from '../../../client/protocol/apis';
import { samsa } from '../../../client/protocol/generated/messages';
import { validateTopicName } from '../../../zk-schema/znodes/names';
import { brokerConfigEntries } from '../../config/config-entries';
import type { RequestHandler } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { fetchTopicConfig } from '../../admin/admin-zk';
import { KafkaError } from '../../../client/errors';
import { NO_ERROR, apiError } from './api-error';
import { describeConfigEntries, type DescribeOptions } from './config-response';

type Result = samsa.DescribeConfigsResponse.Result.$Properties;
type Resource = RequestBody<typeof ApiKey.DescribeConfigs>['resources'][number];

const { CONFIG_RESOURCE_TOPIC: TOPIC, CONFIG_RESOURCE_BROKER: BROKER } = samsa.ConfigResourceType;

export function describeConfigsHandler(
  services: BrokerServices,
  log: Logger,
): RequestHandler<typeof ApiKey.DescribeConfigs> {
  return async (request) => {
    const results: Result[] = [];
    for (const resource of request.resources) {
      const options: DescribeOptions = {
        includeSynonyms: request.includeSynonyms,
        includeDocumentation: request.includeDocumentation,
        keys: resource.configurationKeys,
      };
      const result: Result = {
        resourceType: resource.resourceType,
        resourceName: resource.resourceName,
        ...NO_ERROR,
        configs: [],
      };
      try {
        result.configs = await describe(services, resource, options);
      } catch (error) {
        Object.assign(
          result,
          apiError(error, log, `DescribeConfigs for ${describeResource(resource)}`),
        );
      }
      if (result.errorMessage === null) delete result.errorMessage;
      results.push(result);
    }
    return { results };
  };
}

async function describe(
  services: BrokerServices,
  resource: Resource,
  options: DescribeOptions,
): Promise<samsa.DescribeConfigsResponse.Config.$Properties[]> {
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case TOPIC: {
      validateTopicName(name);
      if (!services.metadataCache.hasTopic(name)) {
        throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Topic ${name} does not exist.`);
      }
      const config = await fetchTopicConfig(services, name);
      return describeConfigEntries(config.entries(), options);
    }
    case BROKER: {
      if (name === '') return [];
      if (!/^-?[0-9]+$/.test(name)) {
        throw new KafkaError('INVALID_REQUEST', `Broker id must be an integer, but it is: ${name}`);
      }
      if (Number(name) !== services.brokerId) {
        throw new KafkaError(
          'INVALID_REQUEST',
          `Unexpected broker id, expected ${services.brokerId} or empty string, but received ${name}`,
        );
      }
      return describeConfigEntries(brokerConfigEntries(services.config), options);
    }
    default:
      throw new KafkaError(
        'INVALID_REQUEST',
        `Unsupported resource type: ${resourceTypeName(resource.resourceType)}`,
      );
  }
}

/** Kafka's name of a config resource type (`TOPIC`, `BROKER`, ...), or its number. */
export function resourceTypeName(type: number): string {
  const name: string | undefined = samsa.ConfigResourceType[type];
  return name === undefined ? String(type) : name.replace('CONFIG_RESOURCE_', '');
}

/** `ConfigResource(type=TOPIC, name='orders')`, as Kafka prints a resource. */
export function describeResource(resource: { resourceType: number; resourceName: string }): string {
  return `ConfigResource(type=${resourceTypeName(resource.resourceType)}, name='${resource.resourceName}')`;
}
