/**
 * `samsa lab up` when things go wrong, against the real ZooKeeper ensemble the lab launches
 * (one node, on free ports) and a stand-in for `samsa server-start` (stand-in-broker.ts): a broker
 * that exits during start-up fails the start with its server.log's last lines and leaves nothing
 * running; brokers that never register fail it at the deadline; a taken port or a foreign folder
 * is refused before anything starts; and `down --purge` cleans up what is left.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { brokerProcess } from '../../../ops/lab/broker-process';
import { labDown, labUp, UpOptions } from '../../../ops/lab/lab';
import { BrokerLaunch, readLabState } from '../../../ops/lab/state';
import { ensembleStatus } from '../../../ops/zookeeper';
import { onCleanup, tempDir, useHarness } from '../../harness';
import { freeRun } from './lab-ports';
import { writeStandInBroker } from './stand-in-broker';

useHarness();

describe('samsa lab up: failures', () => {
  let launch: BrokerLaunch;
  const labs: string[] = [];
  const notices: string[] = [];

  async function options(label: string, change: Partial<UpOptions> = {}): Promise<UpOptions> {
    const dir = path.join(await tempDir(label), 'lab');
    labs.push(dir);
    return {
      dir,
      dirFlag: ` --dir ${dir}`,
      zookeepers: 1,
      brokers: 2,
      basePort: await freeRun(2),
      zookeeperBasePort: await freeRun(1),
      launch,
      notice: (line) => notices.push(line),
      ...change,
    };
  }

  function withMode<T>(mode: string, run: () => Promise<T>): Promise<T> {
    const saved = process.env.STAND_IN_MODE;
    process.env.STAND_IN_MODE = mode;
    return run().finally(() => {
      if (saved === undefined) delete process.env.STAND_IN_MODE;
      else process.env.STAND_IN_MODE = saved;
    });
  }

  beforeAll(async () => {
    launch = { node: process.execPath, entry: await writeStandInBroker(await tempDir('stand-in')) };
    onCleanup(async () => {
      for (const dir of labs) {
        if ((await readLabState(dir)) !== undefined) {
          await labDown(dir, { purge: true, notice: () => undefined });
        }
      }
    });
  });

  beforeEach(() => {
    notices.length = 0;
  });

  it('fails when a broker exits during start-up, prints its server.log tail, and stops what it started', async () => {
    const opts = await options('lab-fail');
    await expect(withMode('fail', () => labUp(opts))).rejects.toThrow(
      `broker 1 exited during start-up (exit code 1); the last lines of ${path.join(opts.dir, 'broker-1', 'server.log')} are above`,
    );
    expect(notices).toContain(
      'ERROR Invalid value x for configuration broker.id: Not a number of type INT',
    );
    expect(notices).toContain(
      `---- last lines of ${path.join(opts.dir, 'broker-1', 'server.log')} ----`,
    );
    expect(notices).toContain(
      `samsa: stopped what this start launched; configs and logs stay in ${opts.dir}`,
    );
    for (const id of [1, 2]) {
      expect((await brokerProcess(path.join(opts.dir, `broker-${id}`))).state).toBe('gone');
    }
    const zk = await ensembleStatus(path.join(opts.dir, 'zookeeper'));
    expect(zk.nodes.map((n) => n.mode)).toEqual(['down']);
    await fs.access(path.join(opts.dir, 'lab.json'));
    await fs.access(path.join(opts.dir, 'broker-2', 'server.properties'));

    const down = await labDown(opts.dir, { purge: true, notice: () => undefined });
    expect(down).toEqual([
      'broker 1: was not running',
      'broker 2: was not running',
      'ZooKeeper: no node was running',
      `deleted ${opts.dir}`,
    ]);
    await expect(fs.access(opts.dir)).rejects.toThrow();
  });

  it('fails at the deadline when the brokers never register, naming them', async () => {
    const opts = await options('lab-silent', { timeoutMs: 2000 });
    await expect(withMode('', () => labUp(opts))).rejects.toThrow(
      'the brokers did not all register within 2000 ms: not registered: 1, 2, no controller;',
    );
    for (const id of [1, 2]) {
      expect((await brokerProcess(path.join(opts.dir, `broker-${id}`))).state).toBe('gone');
    }
  });

  it('refuses a taken broker port before starting anything', async () => {
    const opts = await options('lab-port');
    const server = net.createServer();
    const taken = (opts.basePort as number) + 1;
    await new Promise<void>((resolve) => server.listen(taken, '127.0.0.1', resolve));
    try {
      await expect(labUp(opts)).rejects.toThrow(`port ${taken} (broker 2) is in use`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(fs.access(opts.dir)).rejects.toThrow();
  });

  it('refuses a folder that holds other files, since down --purge would delete them', async () => {
    const opts = await options('lab-foreign');
    await fs.mkdir(opts.dir, { recursive: true });
    await fs.writeFile(path.join(opts.dir, 'notes.txt'), 'mine');
    await expect(labUp(opts)).rejects.toThrow(
      `${opts.dir} is not empty and holds no lab.json: a lab needs a new or empty folder`,
    );
    await expect(labDown(opts.dir, { purge: true, notice: () => undefined })).rejects.toThrow(
      `${opts.dir} holds no lab.json: it is not a samsa lab, so it is left alone`,
    );
    await fs.access(path.join(opts.dir, 'notes.txt'));
  });

  it('refuses to start an existing lab with other settings', async () => {
    const opts = await options('lab-settings');
    await expect(withMode('fail', () => labUp(opts))).rejects.toThrow('exited during start-up');
    await expect(labUp({ ...opts, brokers: 3 })).rejects.toThrow(
      `the lab in ${opts.dir} was created with other settings: --brokers 3 (the lab has 2); start it as it is (samsa lab up --dir ${opts.dir})`,
    );
  });
});
