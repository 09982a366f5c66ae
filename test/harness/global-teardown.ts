/** jest globalTeardown of the integration project: stops the run's ensemble, removes its folder. */
import { stopRunEnsemble } from './zookeeper';

export default async function globalTeardown(): Promise<void> {
  await stopRunEnsemble();
}
