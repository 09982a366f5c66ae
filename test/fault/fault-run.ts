/**
 * The shape every replication fault test shares: rounds of "stop a broker, wait until ZooKeeper
 * has noticed, check what must hold while it is down, start it again, wait until it is back in
 * every ISR" while a ContinuousProducer runs; then the end of the run, once the producer has
 * stopped: wait for the replicas' logs to agree and compare them (replica-logs.ts), drain the
 * topic and check the contract, and print one summary line.
 */
import type { BrokerProcess, TestCluster } from '../cluster/cluster-harness';
import { waitForIsr } from '../cluster/replicated-topic';
import type { ExitStatus } from '../harness';
import {
  ConsumedRecord,
  ContinuousProducer,
  ContractReport,
  checkContract,
  describeRun,
  drainTopic,
  waitForDeregistration,
} from './fault-helpers';
import { ReplicaAgreement, waitForReplicaAgreement } from './replica-logs';

export interface BounceOptions {
  readonly rounds: number;
  /** SIGKILL (hard bounce) or SIGTERM (controlled shutdown). */
  readonly signal: 'SIGKILL' | 'SIGTERM';
  /** Which broker to stop this round (asked just before the stop). */
  readonly pickVictim: (round: number) => Promise<number>;
  /** Records acknowledged before each round's stop and after the last restart. Default 20. */
  readonly progressPerRound?: number;
  /** Runs after the victim's process has exited (before waiting for its znode to go). */
  readonly afterExit?: (victim: BrokerProcess, exit: ExitStatus, round: number) => Promise<void>;
  /** Runs once the victim's znode is gone, before the restart. */
  readonly whileDown?: (victim: BrokerProcess, round: number) => Promise<void>;
  /** Runs once the restarted victim is back in every ISR. */
  readonly afterRejoin?: (victim: BrokerProcess, round: number) => void;
}

/**
 * Bounces brokers of `cluster` round after round while `producer` runs on `topic`; each round
 * ends when the victim is back in the ISR of every partition of `topic`.
 */
export async function bounceRounds(
  cluster: TestCluster,
  topic: string,
  producer: ContinuousProducer,
  options: BounceOptions,
): Promise<void> {
  const progress = options.progressPerRound ?? 20;
  for (let round = 1; round <= options.rounds; round++) {
    await producer.waitForProgress(progress, `before round ${round}`);
    const victim = cluster.broker(await options.pickVictim(round));
    const exit = await victim.stop(options.signal, 20000);
    await options.afterExit?.(victim, exit, round);
    await waitForDeregistration(cluster, victim.id);
    await options.whileDown?.(victim, round);
    victim.start();
    await cluster.waitForBrokers(cluster.brokers.map((b) => b.id));
    await waitForIsr(
      cluster,
      topic,
      (isr) => isr.length === cluster.brokers.length,
      `broker ${victim.id} back in every ISR (round ${round})`,
    );
    options.afterRejoin?.(victim, round);
  }
  await producer.waitForProgress(progress, 'after the last round');
}

/**
 * Waits until the controller has given every partition of `topic` a leader other than the dead
 * broker and taken it out of every ISR.
 */
export async function waitForLiveLeadersWithout(
  cluster: TestCluster,
  topic: string,
  dead: number,
  round: number,
): Promise<void> {
  await waitForIsr(
    cluster,
    topic,
    (isr, state) => state.leader >= 0 && state.leader !== dead && !isr.includes(dead),
    `every partition led by a live broker, without broker ${dead} in its ISR (round ${round})`,
  );
}

export interface RunOutcome {
  readonly agreement: ReplicaAgreement;
  readonly consumed: ConsumedRecord[];
  readonly report: ContractReport;
}

/**
 * Ends a run once `producer` has stopped: waits for the replicas to agree and compares their
 * logs, drains the topic, checks the contract and prints the summary line.
 */
export async function finishRun(
  name: string,
  cluster: TestCluster,
  topic: string,
  producer: ContinuousProducer,
  options: { padded?: boolean } = {},
): Promise<RunOutcome> {
  const agreement = await waitForReplicaAgreement(cluster, topic);
  const consumed = await drainTopic(cluster.bootstrapServers(), topic, {
    padded: options.padded,
    timeoutMs: 60000,
  });
  const report = checkContract(producer.acked, consumed);
  const logs = agreement.partitions
    .map((p) => `p${p.partition} ${p.batches} batches to offset ${p.logEndOffset}`)
    .join(', ');
  process.stdout.write(
    `${describeRun(name, producer, report)}; replica logs (${logs}): ${
      agreement.problems.length === 0 ? 'identical' : `${agreement.problems.length} problems`
    }\n`,
  );
  return { agreement, consumed, report };
}

/** The assertions every run ends with. */
export function expectContractHeld({ agreement, report }: RunOutcome): void {
  expect(report.lost).toEqual([]);
  expect(report.outOfOrder).toEqual([]);
  expect(report.corrupt).toEqual([]);
  expect(agreement.problems).toEqual([]);
}
