/**
 * The admin and metadata API handlers, one module per API, registered on the broker's socket
 * server by `registerAdminHandlers` (KafkaServer calls it before the listeners open):
 * Metadata, CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs,
 * UpdateMetadata, ControlledShutdown. ApiVersions is answered by the SocketServer itself (it
 * lists exactly the APIs with a handler). CreateTopics, DeleteTopics, CreatePartitions and
 * ControlledShutdown are answered by the active controller only (NOT_CONTROLLER elsewhere), as
 * in Kafka 2.8's ZooKeeper mode; they write ZooKeeper and never call the controller for topic
 * changes: the controller learns of them through its watches.
 */
import { logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { SocketServer } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { AutoTopicCreationManager } from '../../admin/auto-topic-creation';
import { alterConfigsHandler } from './alter-configs';
import { controlledShutdownHandler } from './controlled-shutdown';
import { createPartitionsHandler } from './create-partitions';
import { createTopicsHandler } from './create-topics';
import { deleteTopicsHandler } from './delete-topics';
import { describeConfigsHandler } from './describe-configs';
import { metadataHandler } from './metadata';
import { updateMetadataHandler } from './update-metadata';

export function registerAdminHandlers(server: SocketServer, services: BrokerServices): void {
  const log = logger(`KafkaApis broker=${services.brokerId}`);
  const autoTopicCreation = new AutoTopicCreationManager(services, services.metadataCache);
  server
    .handle(ApiKey.Metadata, metadataHandler(services, autoTopicCreation))
    .handle(ApiKey.CreateTopics, createTopicsHandler(services, log))
    .handle(ApiKey.DeleteTopics, deleteTopicsHandler(services, log))
    .handle(ApiKey.CreatePartitions, createPartitionsHandler(services, log))
    .handle(ApiKey.DescribeConfigs, describeConfigsHandler(services, log))
    .handle(ApiKey.AlterConfigs, alterConfigsHandler(services, log))
    .handle(ApiKey.UpdateMetadata, updateMetadataHandler(services, log))
    .handle(ApiKey.ControlledShutdown, controlledShutdownHandler(services, log));
}
