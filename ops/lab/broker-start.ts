/**
 * Starting lab brokers and waiting until ZooKeeper shows them: a broker is launched only when its
 * port is free and its previous session's `/brokers/ids/<id>` is gone (a broker restarted right
 * after a kill would otherwise find it and stop: "broker.id already registered"); then the caller
 * waits — with a deadline — for its registration (and, for `up`, a controller among the lab's
 * brokers), failing at once with the broker's server.log tail if it exits meanwhile.
 */
import { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SamsaError } from '../../client/errors';
import { ZkClient } from '../../zk-schema/client';
import * as brokerRegistration from '../../zk-schema/znodes/broker-registration';
import { waitFor } from '../zookeeper';
import {
  assertPortFree,
  brokerProcess,
  launchBroker,
  serverLogFile,
  serverLogTail,
} from './broker-process';
import { controllerId, registeredBrokers } from './cluster-view';
import { LAB_SESSION_TIMEOUT_MS } from './server-properties';
import { LabBroker } from './settings';
import { LabState } from './state';

/** How long `up` and `start broker` wait for registrations and a controller. */
export const DEFAULT_UP_TIMEOUT_MS = 90_000;
/** How long a restarted broker waits for its previous session's registration to expire. */
const OLD_SESSION_WAIT_MS = LAB_SESSION_TIMEOUT_MS * 3;

/** Writes one line for the user (on stderr, in the command). */
export type Notice = (line: string) => void;

/** The environment brokers run with: the caller's, with broker logging at info unless set. */
function brokerEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, SAMSA_LOG_LEVEL: process.env.SAMSA_LOG_LEVEL ?? 'info' };
}

/**
 * A broker restarted right after a kill finds its previous session's `/brokers/ids/<id>` still
 * there until ZooKeeper expires that session; wait for it to go, saying why.
 */
async function awaitOldRegistrationGone(zk: ZkClient, id: number, notice: Notice): Promise<void> {
  if ((await zk.exists(brokerRegistration.path(id))) === null) return;
  notice(
    `samsa: /brokers/ids/${id} still belongs to the previous broker ${id}'s ZooKeeper session; waiting for ZooKeeper to expire it (zookeeper.session.timeout.ms, ${LAB_SESSION_TIMEOUT_MS / 1000} s)`,
  );
  await waitFor(async () => (await zk.exists(brokerRegistration.path(id))) === null, {
    timeoutMs: OLD_SESSION_WAIT_MS,
    intervalMs: 200,
    what: `the previous registration /brokers/ids/${id} to expire`,
  });
}

/** Launches one broker that is not running: its port must be free and its old registration gone. */
export async function startOneBroker(
  state: LabState,
  broker: LabBroker,
  zk: ZkClient,
  notice: Notice,
): Promise<ChildProcess> {
  await assertPortFree(broker.host, broker.port, `broker ${broker.id}`);
  await awaitOldRegistrationGone(zk, broker.id, notice);
  return launchBroker(state.launch, broker.dir, brokerEnvironment());
}

type Readiness =
  { ready: true; controllerId: number } | { ready: false; exited: LabBroker; child?: ChildProcess };

export function describeExit(child: ChildProcess | undefined): string {
  if (child === undefined || (child.exitCode === null && child.signalCode === null))
    return 'it is gone';
  return child.signalCode !== null
    ? `killed by ${child.signalCode}`
    : `exit code ${child.exitCode}`;
}

/**
 * Waits until every broker in `brokers` is registered and `/controller` names one of them, or one
 * of them exits (the failing broker's server.log tail is written with `notice`, then this throws).
 */
export async function awaitBrokers(
  zk: ZkClient,
  brokers: LabBroker[],
  children: Map<number, ChildProcess>,
  timeoutMs: number,
  notice: Notice,
): Promise<number> {
  let last: { registered: number[]; controller: number | null } = {
    registered: [],
    controller: null,
  };
  let outcome: Readiness;
  try {
    outcome = await waitFor<Readiness | undefined>(
      async () => {
        for (const broker of brokers) {
          if ((await brokerProcess(broker.dir)).state === 'gone') {
            return { ready: false, exited: broker, child: children.get(broker.id) };
          }
        }
        last = { registered: await registeredBrokers(zk), controller: await controllerId(zk) };
        const all = brokers.every((b) => last.registered.includes(b.id));
        const controller = last.controller;
        if (all && controller !== null && brokers.some((b) => b.id === controller)) {
          return { ready: true, controllerId: controller };
        }
        return undefined;
      },
      { timeoutMs, intervalMs: 200, what: 'the brokers to register and a controller' },
    );
  } catch (error) {
    const missing = brokers.filter((b) => !last.registered.includes(b.id));
    for (const broker of missing) await printTail(broker, notice, 10);
    const controller = last.controller === null ? 'no controller' : `controller ${last.controller}`;
    throw new SamsaError(
      `the brokers did not all register within ${timeoutMs} ms: ` +
        `${missing.length === 0 ? 'all registered' : `not registered: ${missing.map((b) => b.id).join(', ')}`}, ${controller}; ` +
        `logs: ${path.join(path.dirname(brokers[0].dir), 'broker-<id>', 'server.log')}`,
      { cause: error },
    );
  }
  if (!outcome.ready) {
    await printTail(outcome.exited, notice, 20);
    throw new SamsaError(
      `broker ${outcome.exited.id} exited during start-up (${describeExit(outcome.child)}); ` +
        `the last lines of ${serverLogFile(outcome.exited.dir)} are above`,
    );
  }
  return outcome.controllerId;
}

async function printTail(broker: LabBroker, notice: Notice, lines: number): Promise<void> {
  notice(`---- last lines of ${serverLogFile(broker.dir)} ----`);
  for (const line of (await serverLogTail(broker.dir, lines)).split('\n')) notice(line);
  notice('----');
}

/** Waits for one started broker's registration, or throws with its log tail if it exits. */
export async function awaitRegistered(
  zk: ZkClient,
  broker: LabBroker,
  child: ChildProcess,
  timeoutMs: number,
  notice: Notice,
): Promise<void> {
  const outcome = await waitFor(
    async () => {
      if ((await brokerProcess(broker.dir)).state === 'gone') return 'exited';
      return (await zk.exists(brokerRegistration.path(broker.id))) !== null
        ? 'registered'
        : undefined;
    },
    {
      timeoutMs,
      intervalMs: 200,
      what: `broker ${broker.id} to register at /brokers/ids/${broker.id}`,
    },
  );
  if (outcome === 'exited') {
    await printTail(broker, notice, 20);
    throw new SamsaError(
      `broker ${broker.id} exited during start-up (${describeExit(child)}); the last lines of ${serverLogFile(broker.dir)} are above`,
    );
  }
}
