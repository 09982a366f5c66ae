/**
 * jest globalSetup of the integration project: clears what aborted runs left behind, then starts
 * the run's ZooKeeper ensemble (test/harness/zookeeper.ts).
 */
import { reapLeftoverProcesses } from './processes';
import { reapLeftoverTempDirs } from './temp-dirs';
import { reapLeftoverRuns, startRunEnsemble } from './zookeeper';

export default async function globalSetup(): Promise<void> {
  await reapLeftoverProcesses();
  await reapLeftoverRuns();
  await reapLeftoverTempDirs();
  await startRunEnsemble();
}
