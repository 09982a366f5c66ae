/**
 * The launcher's record of an ensemble: `<dir>/ensemble.json`, written by `startEnsemble` and read
 * by status/stop/startNode, so any later process (the CLI, the lab, a test's teardown) can find and
 * control the nodes. Format (JSON, version 1):
 *
 *   { "version": 1, "kind": "local" | "docker", "tickTime": 500,
 *     "connectString": "127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183",
 *     "nodes": [ { "id": 1, "host": "127.0.0.1", "clientPort": 2181, "peerPort": 3181,
 *                  "electionPort": 4181, "dir": "<dir>/node-1",
 *                  "containerId": "…" (docker only) }, … ],
 *     "local":  { "source": "debian-package", "location": "/usr/share/java",
 *                 "java": "/usr/bin/java", "classpath": ["…jar", …] },   (local only)
 *     "docker": { "image": "zookeeper:3.8", "networkId": "…" } }          (docker only)
 *
 * Each node's folder `<dir>/node-<id>/` holds `zoo.cfg`, `data/` (with `myid`), `zookeeper.log`
 * (the JVM's stdout and stderr) and, while it runs, `zookeeper.pid`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SamsaError } from '../../client/errors';
import { NodeLayout } from './config';

export interface NodeRecord extends NodeLayout {
  dir: string;
  containerId?: string;
}

export interface LocalLaunch {
  source: string;
  location: string;
  java: string;
  classpath: string[];
}

export interface EnsembleState {
  version: 1;
  kind: 'local' | 'docker';
  tickTime: number;
  connectString: string;
  nodes: NodeRecord[];
  local?: LocalLaunch;
  docker?: { image: string; networkId: string };
}

export const STATE_FILE = 'ensemble.json';

/** `$SAMSA_HOME/zookeeper`, or `~/.samsa/zookeeper`. */
export function defaultEnsembleDir(): string {
  const home = process.env.SAMSA_HOME ?? path.join(os.homedir(), '.samsa');
  return path.join(home, 'zookeeper');
}

export function nodeDir(dir: string, id: number): string {
  return path.join(dir, `node-${id}`);
}

/** The recorded ensemble in `dir`, or undefined when there is none. */
export async function readState(dir: string): Promise<EnsembleState | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const state = JSON.parse(text) as EnsembleState;
  if (state.version !== 1 || !Array.isArray(state.nodes)) {
    throw new SamsaError(`${path.join(dir, STATE_FILE)} is not a samsa ensemble record`);
  }
  return state;
}

/** Like readState, but a missing record is an error naming the folder. */
export async function requireState(dir: string): Promise<EnsembleState> {
  const state = await readState(dir);
  if (state === undefined) {
    throw new SamsaError(
      `no ZooKeeper ensemble recorded in ${dir} (start one with: samsa zookeeper start --dir ${dir})`,
    );
  }
  return state;
}

export async function writeState(dir: string, state: EnsembleState): Promise<void> {
  const file = path.join(dir, STATE_FILE);
  await fs.writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await fs.rename(`${file}.tmp`, file);
}

export async function removeState(dir: string): Promise<void> {
  await fs.rm(path.join(dir, STATE_FILE), { force: true });
}

export function findNode(state: EnsembleState, id: number): NodeRecord {
  const node = state.nodes.find((n) => n.id === id);
  if (node === undefined) {
    throw new SamsaError(
      `no ZooKeeper node ${id}: the ensemble has nodes ${state.nodes.map((n) => n.id).join(', ')}`,
    );
  }
  return node;
}
