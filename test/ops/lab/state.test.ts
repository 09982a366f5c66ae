import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labBrokers, resolveSettings } from '../../../ops/lab/settings';
import {
  findBroker,
  LabState,
  parseLabState,
  readLabState,
  requireLabState,
  writeLabState,
} from '../../../ops/lab/state';

function sampleState(dir: string): LabState {
  const settings = resolveSettings({ brokers: 2, chroot: '/lab' });
  return {
    version: 1,
    createdAt: '2024-05-01T10:00:00.000Z',
    settings,
    zookeeperConnect: '127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183/lab',
    brokers: labBrokers(settings, dir),
    launch: { node: '/usr/bin/node', entry: '/repo/dist/ops/bin/samsa.js' },
  };
}

describe('lab.json', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'samsa-lab-state-'));
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads back exactly what was written', async () => {
    const state = sampleState(dir);
    await writeLabState(dir, state);
    expect(await readLabState(dir)).toEqual(state);
    expect(await fs.readdir(dir)).toEqual(['lab.json']);
  });

  it('is absent (undefined) in a folder without a lab', async () => {
    expect(await readLabState(dir)).toBeUndefined();
  });

  it('is required by the commands that act on a lab, with a hint to start one', async () => {
    await expect(requireLabState(dir, ` --dir ${dir}`)).rejects.toThrow(
      `no lab in ${dir} (start one with: samsa lab up --dir ${dir})`,
    );
  });

  it('rejects a file that is not JSON, naming it', () => {
    expect(() => parseLabState('{', '/x/lab.json')).toThrow(/^\/x\/lab\.json is not valid JSON/);
  });

  it.each([
    ['another version', { version: 2 }],
    ['brokers without ports', { brokers: [{ id: 1, host: 'h', dir: '/d' }] }],
    [
      'settings without a chroot field',
      { settings: { zookeepers: 3, brokers: 3, basePort: 1, zookeeperBasePort: 2 } },
    ],
    ['no launch command', { launch: undefined }],
  ])('rejects a record with %s', (_what, change) => {
    const text = JSON.stringify({ ...sampleState('/l'), ...change });
    expect(() => parseLabState(text, '/l/lab.json')).toThrow(
      '/l/lab.json is not a samsa lab record (version 1)',
    );
  });

  it('finds a broker by id, and names the ids there are otherwise', () => {
    const state = sampleState('/l');
    expect(findBroker(state, 2).port).toBe(9093);
    expect(() => findBroker(state, 3)).toThrow('no broker 3 in this lab: its brokers are 1, 2');
  });
});
