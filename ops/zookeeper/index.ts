/**
 * samsa's ZooKeeper launcher, the API that `samsa zookeeper`, `samsa lab` and the test harness
 * use: find (or install) ZooKeeper, start an ensemble and wait for quorum, report each node's
 * mode, and stop, start, kill, pause or resume nodes. See ensemble.ts for the behaviour,
 * config.ts for the ports, state.ts for what is kept on disk.
 */
export {
  connectStringOf,
  DEFAULT_BASE_PORT,
  DEFAULT_TICK_TIME_MS,
  FOUR_LETTER_WORD_WHITELIST,
  parseConnectString,
  portsFromBase,
  renderZooCfg,
} from './config';
export type { NodeLayout, NodePorts, ZooCfgOptions } from './config';
export {
  connectStringStatus,
  DEFAULT_NODES,
  DEFAULT_QUORUM_TIMEOUT_MS,
  ensembleStatus,
  killLocalNodesSync,
  pauseNode,
  resumeNode,
  startEnsemble,
  startNode,
  stopEnsemble,
  stopNode,
  waitForQuorum,
} from './ensemble';
export type { EnsembleInfo, NodeMode, NodeStatus, StartOptions } from './ensemble';
export {
  ensureLocalZooKeeper,
  findLaunchableZooKeeper,
  findZooKeeper,
  NOT_FOUND_MESSAGE,
} from './find';
export type {
  FindOptions,
  FindProbes,
  LaunchableZooKeeper,
  LocalInstallation,
  ZooKeeperInstallation,
} from './find';
export { askSrvr, fourLetterWord, parseSrvr } from './four-letter-word';
export type { ServingMode, SrvrAnswer } from './four-letter-word';
export { provisionZooKeeper } from './provision';
export { defaultEnsembleDir, readState } from './state';
export type { EnsembleState, NodeRecord } from './state';
export { waitFor } from './wait-for';
export type { WaitForOptions } from './wait-for';
