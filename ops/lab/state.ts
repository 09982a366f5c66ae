/**
 * The lab's record, `<dir>/lab.json`: written by `samsa lab up` before it launches anything (so
 * `samsa lab down` can clean up even after an interrupted start) and read by every other lab
 * command. Format (JSON, version 1):
 *
 *   { "version": 1,
 *     "createdAt": "2024-05-01T10:00:00.000Z",
 *     "settings": { "zookeepers": 3, "brokers": 3, "basePort": 9092,
 *                   "zookeeperBasePort": 2181, "chroot": null },
 *     "zookeeperConnect": "127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183",  (the brokers'
 *                                            zookeeper.connect: the ensemble plus the chroot)
 *     "brokers": [ { "id": 1, "host": "127.0.0.1", "port": 9092, "dir": "<dir>/broker-1" }, … ],
 *     "launch": { "node": "/usr/bin/node", "entry": "<repo>/dist/ops/bin/samsa.js" } }
 *
 * `launch` is how brokers are started: `<node> <entry> server-start <broker dir>/server.properties`;
 * `samsa lab up` rewrites it with its own node and entry, so the latest build runs. The ensemble's
 * own record is `<dir>/zookeeper/ensemble.json` (ops/zookeeper/state.ts); each broker's folder
 * holds `server.properties`, `server.log`, `broker.pid` and `logs/` (broker-process.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SamsaError } from '../../client/errors';
import { LabBroker, LabSettings } from './settings';

export const LAB_FILE = 'lab.json';

export interface BrokerLaunch {
  /** The Node.js executable. */
  node: string;
  /** The compiled `samsa` entry (dist/ops/bin/samsa.js). */
  entry: string;
}

export interface LabState {
  version: 1;
  createdAt: string;
  settings: LabSettings;
  zookeeperConnect: string;
  brokers: LabBroker[];
  launch: BrokerLaunch;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBroker(value: unknown): value is LabBroker {
  return (
    isObject(value) &&
    Number.isInteger(value.id) &&
    typeof value.host === 'string' &&
    Number.isInteger(value.port) &&
    typeof value.dir === 'string'
  );
}

/** Checks a parsed lab.json; throws naming the file when it is not a lab record. */
export function parseLabState(text: string, file: string): LabState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SamsaError(`${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const settings = isObject(json) ? json.settings : undefined;
  const launch = isObject(json) ? json.launch : undefined;
  if (
    !isObject(json) ||
    json.version !== 1 ||
    typeof json.createdAt !== 'string' ||
    typeof json.zookeeperConnect !== 'string' ||
    !isObject(settings) ||
    !Number.isInteger(settings.zookeepers) ||
    !Number.isInteger(settings.brokers) ||
    !Number.isInteger(settings.basePort) ||
    !Number.isInteger(settings.zookeeperBasePort) ||
    !(settings.chroot === null || typeof settings.chroot === 'string') ||
    !Array.isArray(json.brokers) ||
    !json.brokers.every(isBroker) ||
    !isObject(launch) ||
    typeof launch.node !== 'string' ||
    typeof launch.entry !== 'string'
  ) {
    throw new SamsaError(`${file} is not a samsa lab record (version 1)`);
  }
  return json as unknown as LabState;
}

/** The lab recorded in `dir`, or undefined when there is none. */
export async function readLabState(dir: string): Promise<LabState | undefined> {
  const file = path.join(dir, LAB_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseLabState(text, file);
}

/** Like readLabState, but a missing record is an error saying how to start a lab there. */
export async function requireLabState(dir: string, dirFlag: string): Promise<LabState> {
  const state = await readLabState(dir);
  if (state === undefined) {
    throw new SamsaError(`no lab in ${dir} (start one with: samsa lab up${dirFlag})`);
  }
  return state;
}

/** Writes lab.json atomically (a temporary file renamed over it). */
export async function writeLabState(dir: string, state: LabState): Promise<void> {
  const file = path.join(dir, LAB_FILE);
  await fs.writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await fs.rename(`${file}.tmp`, file);
}

export function findBroker(state: LabState, id: number): LabBroker {
  const broker = state.brokers.find((b) => b.id === id);
  if (broker === undefined) {
    throw new SamsaError(
      `no broker ${id} in this lab: its brokers are ${state.brokers.map((b) => b.id).join(', ')}`,
    );
  }
  return broker;
}
