/**
 * `samsa lab`: a whole local cluster (a ZooKeeper ensemble and brokers 1..N) with fault injection
 * for classrooms. lab.ts brings it up, reports on it and takes it down; faults.ts breaks one node
 * at a time; settings.ts shapes it, state.ts records it in lab.json, server-properties.ts writes
 * each broker's configuration, broker-process.ts and broker-start.ts run the broker processes,
 * lab-zookeeper.ts and cluster-view.ts read ZooKeeper, report.ts words the output.
 */
export { DEFAULT_UP_TIMEOUT_MS } from './broker-start';
export type { Notice } from './broker-start';
export { brokerAction, NODE_ACTIONS, zookeeperAction } from './faults';
export type { NodeAction } from './faults';
export { defaultLaunch, labDown, labStatus, labUp } from './lab';
export type { UpOptions } from './lab';
export { dirFlag, formatStatus } from './report';
export type { StatusReport, UpSummary } from './report';
export {
  DEFAULT_BROKER_BASE_PORT,
  DEFAULT_BROKERS,
  DEFAULT_ZOOKEEPER_BASE_PORT,
  DEFAULT_ZOOKEEPERS,
  defaultLabDir,
  MAX_BROKERS,
  ZOOKEEPER_SIZES,
} from './settings';
export type { LabSettings } from './settings';
export { LAB_FILE, readLabState } from './state';
export type { BrokerLaunch, LabState } from './state';
