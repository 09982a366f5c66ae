/**
 * The admin and metadata API handlers, one module per API, registered on the broker's socket
 * server by `registerAdminHandlers` (KafkaServer calls it before the listeners open):
 * Metadata, CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs,
 * UpdateMetadata, ControlledShutdown, ElectLeaders, AlterPartitionReassignments,
 * ListPartitionReassignments. ApiVersions is answered by the SocketServer itself (it lists
 * exactly the APIs with a handler). CreateTopics, DeleteTopics, CreatePartitions,
 * ControlledShutdown, ElectLeaders and the reassignment APIs are answered by the active controller
 * only (NOT_CONTROLLER elsewhere), as in Kafka 2.8's ZooKeeper mode. The topic APIs write
 * ZooKeeper and never call the controller (it learns of them through its watches); the others
 * are events on the controller's queue.
 */
import { logger } from '../../../client/logging';
import { ApiKey } from '../../../client/protocol/apis';
import type { SocketServer } from '../../network/socket-server';
import type { BrokerServices } from '../../server/broker-services';
import { AutoTopicCreationManager } from '../../admin/auto-topic-creation';
import { alterConfigsHandler } from './alter-configs';
import { alterPartitionReassignmentsHandler } from './alter-partition-reassignments';
import { controlledShutdownHandler } from './controlled-shutdown';
import { createPartitionsHandler } from './create-partitions';
import { createTopicsHandler } from './create-topics';
import { deleteTopicsHandler } from './delete-topics';
import { describeConfigsHandler } from './describe-configs';
import { electLeadersHandler } from './elect-leaders';
import { listPartitionReassignmentsHandler } from './list-partition-reassignments';
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
    .handle(ApiKey.ControlledShutdown, controlledShutdownHandler(services, log))
    .handle(ApiKey.ElectLeaders, electLeadersHandler(services, log))
    .handle(ApiKey.AlterPartitionReassignments, alterPartitionReassignmentsHandler(services, log))
    .handle(ApiKey.ListPartitionReassignments, listPartitionReassignmentsHandler(services));
}
