import type { ClusterView, PartitionView, TopicView } from '../../../ops/lab/cluster-view';
import {
  brokerFaultHint,
  dirFlag,
  formatStatus,
  formatUpSummary,
  quorumPhrase,
  StatusReport,
  table,
  UpSummary,
} from '../../../ops/lab/report';
import { labBrokers, resolveSettings } from '../../../ops/lab/settings';
import type { NodeStatus } from '../../../ops/zookeeper';

const DIR = '/home/ada/.samsa/lab';
const settings = resolveSettings({});
const brokers = labBrokers(settings, DIR);
const ZK = '127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183';

function summary(change: Partial<UpSummary> = {}): UpSummary {
  return {
    dir: DIR,
    dirFlag: '',
    settings,
    zookeeperConnect: ZK,
    brokers: brokers.map((broker, i) => ({ broker, pid: 40211 + i })),
    controllerId: 2,
    controllerEpoch: 1,
    startedBrokers: [1, 2, 3],
    startedZookeepers: [1, 2, 3],
    samsaOnPath: true,
    entry: '/src/samsa/dist/ops/bin/samsa.js',
    ...change,
  };
}

function partition(id: number, replicas: number[], leader: number, isr: number[]): PartitionView {
  return { partition: id, replicas, state: { leader, isr, leaderEpoch: 1, controllerEpoch: 2 } };
}

function topic(name: string, partitions: PartitionView[], internal = false): TopicView {
  return { name, internal, markedForDeletion: false, partitions };
}

describe('samsa lab up: the summary', () => {
  it('names the connect string, each broker, the controller, the folder and the next commands', () => {
    expect(formatUpSummary(summary())).toBe(
      [
        `samsa lab is up in ${DIR}: 3 ZooKeeper nodes, 3 brokers.`,
        '',
        `ZooKeeper   ${ZK}`,
        'Brokers     ID  ADDRESS         PID',
        '            1   127.0.0.1:9092  40211',
        '            2   127.0.0.1:9093  40212',
        '            3   127.0.0.1:9094  40213',
        'Controller  broker 2 (epoch 1)',
        `Data        ${DIR} (each broker's log: broker-<id>/server.log)`,
        '',
        'Try it:',
        '  samsa topics --bootstrap-server 127.0.0.1:9092 --create --topic demo --partitions 3 --replication-factor 3',
        '  samsa console-producer --bootstrap-server 127.0.0.1:9092 --topic demo',
        '  samsa console-consumer --bootstrap-server 127.0.0.1:9092 --topic demo --from-beginning',
        '  samsa lab kill broker 2  # broker 2 is the controller: watch another broker take over',
        '  samsa lab status',
        `  samsa lab down           # --purge also deletes ${DIR}`,
        '',
      ].join('\n'),
    );
  });

  it('adds --dir to the lab commands of a lab outside the default folder', () => {
    const text = formatUpSummary(summary({ dir: '/tmp/l', dirFlag: ' --dir /tmp/l' }));
    expect(text).toContain('  samsa lab kill broker 2 --dir /tmp/l');
    expect(text).toContain('  samsa lab status --dir /tmp/l\n');
  });

  it('says what it started when part of the lab was running already', () => {
    expect(formatUpSummary(summary({ startedBrokers: [3], startedZookeepers: [] }))).toMatch(
      /^samsa lab is up in \S+: 3 ZooKeeper nodes, 3 brokers \(started broker 3; the rest was running\)\.\n/,
    );
    expect(formatUpSummary(summary({ startedBrokers: [], startedZookeepers: [] }))).toMatch(
      /3 brokers \(it was already running\)\.\n/,
    );
  });

  it('tells how to run samsa when it is not on the PATH', () => {
    expect(formatUpSummary(summary({ samsaOnPath: false }))).toMatch(
      /\n\(samsa is not on your PATH: run `npm link` in the samsa folder once, or type `node \/src\/samsa\/dist\/ops\/bin\/samsa\.js` for `samsa`\)\n$/,
    );
  });

  it('sizes the suggested topic to the lab: replication factor 1 on one broker', () => {
    const one = resolveSettings({ brokers: 1 });
    const text = formatUpSummary(
      summary({
        settings: one,
        brokers: [{ broker: labBrokers(one, DIR)[0], pid: 7 }],
        controllerId: 1,
      }),
    );
    expect(text).toContain('--partitions 3 --replication-factor 1\n');
  });
});

describe('samsa lab status: the report', () => {
  const view: ClusterView = {
    registeredBrokers: [2, 3],
    controllerId: 2,
    controllerEpoch: 2,
    topics: [
      topic(
        '__consumer_offsets',
        [partition(0, [1, 2, 3], 2, [2, 3]), partition(1, [2, 3, 1], 2, [2, 3, 1])],
        true,
      ),
      topic('demo', [
        partition(0, [1, 2, 3], 2, [2, 3]),
        partition(1, [2, 3, 1], 2, [2, 3, 1]),
        partition(2, [3], -1, [3]),
      ]),
    ],
  };

  function report(change: Partial<StatusReport> = {}): StatusReport {
    return {
      dir: DIR,
      settings,
      zookeeperConnect: ZK,
      ensembleKind: 'local',
      zookeeperNodes: [
        { id: 1, host: '127.0.0.1', clientPort: 2181, mode: 'follower', pid: 100 },
        { id: 2, host: '127.0.0.1', clientPort: 2182, mode: 'leader', pid: 101 },
        { id: 3, host: '127.0.0.1', clientPort: 2183, mode: 'down' },
      ],
      brokers: [
        { broker: brokers[0], process: { state: 'gone' } },
        { broker: brokers[1], process: { state: 'running', pid: 40212 } },
        { broker: brokers[2], process: { state: 'paused', pid: 40213 } },
      ],
      view,
      showInternal: false,
      ...change,
    };
  }

  it('shows ZooKeeper modes, brokers, the controller and epoch, and partitions with their health', () => {
    expect(formatStatus(report())).toBe(
      [
        `samsa lab in ${DIR}`,
        '',
        `ZooKeeper ${ZK} (local): 2 of 3 serving, quorum needs 2`,
        '  NODE  ADDRESS         MODE      PID',
        '  1     127.0.0.1:2181  follower  100',
        '  2     127.0.0.1:2182  leader    101',
        '  3     127.0.0.1:2183  down      -',
        '',
        'Brokers: 2 of 3 registered',
        '  BROKER  ADDRESS         PROCESS  PID    REGISTERED  ROLE',
        '  1       127.0.0.1:9092  dead     -      no',
        '  2       127.0.0.1:9093  running  40212  yes         controller',
        '  3       127.0.0.1:9094  paused   40213  yes',
        '  broker 3 is paused but still registered: ZooKeeper removes /brokers/ids/3 when its session expires (zookeeper.session.timeout.ms)',
        '',
        'Controller: broker 2 (epoch 2)',
        '',
        'Topics: 2 (1 internal), 5 partitions: 2 in sync, 2 under-replicated, 1 offline',
        '  TOPIC  PARTITION  LEADER  REPLICAS  ISR    STATE',
        '  demo   0          2       1,2,3     2,3    under-replicated',
        '  demo   1          2       2,3,1     2,3,1',
        '  demo   2          none    3         3      OFFLINE',
        '  __consumer_offsets: 2 partitions: 1 in sync, 1 under-replicated, 0 offline (--internal lists them)',
        '',
      ].join('\n'),
    );
  });

  it('lists internal partitions too with --internal', () => {
    const text = formatStatus(report({ showInternal: true }));
    expect(text).toContain(
      '  __consumer_offsets  0          2       1,2,3     2,3    under-replicated\n',
    );
    expect(text).not.toContain('--internal lists them');
  });

  it('says when ZooKeeper has no quorum and cannot be read', () => {
    const text = formatStatus(
      report({
        zookeeperNodes: [
          { id: 1, host: '127.0.0.1', clientPort: 2181, mode: 'not-serving', pid: 100 },
          { id: 2, host: '127.0.0.1', clientPort: 2182, mode: 'down' },
          { id: 3, host: '127.0.0.1', clientPort: 2183, mode: 'paused', pid: 102 },
        ],
        view: { error: 'no ZooKeeper node is serving' },
      }),
    );
    expect(text).toContain(`ZooKeeper ${ZK} (local): 0 of 3 serving: NO QUORUM (needs 2)\n`);
    expect(text).toContain('Brokers: registration unknown\n');
    expect(text).toContain('  1       127.0.0.1:9092  dead     -      ?\n');
    expect(text).toContain(
      'Controller and topics: cannot read ZooKeeper (no ZooKeeper node is serving)\n',
    );
  });

  it('says when there is no controller, and when there are no topics yet', () => {
    const text = formatStatus(
      report({
        view: { registeredBrokers: [], controllerId: null, controllerEpoch: 3, topics: [] },
      }),
    );
    expect(text).toContain('Controller: none (/controller does not exist; epoch 3)');
    expect(text).toContain(
      'Topics: none yet (samsa topics --bootstrap-server 127.0.0.1:9092 --create --topic demo ...)\n',
    );
  });

  it('names brokers registered in ZooKeeper that the lab did not start', () => {
    const text = formatStatus(report({ view: { ...view, registeredBrokers: [2, 3, 7] } }));
    expect(text).toContain('  also registered, not started by this lab: 7\n');
  });
});

describe('the ensemble in one phrase', () => {
  function nodes(...modes: NodeStatus['mode'][]): NodeStatus[] {
    return modes.map((mode, i) => ({ id: i + 1, host: '127.0.0.1', clientPort: 2181 + i, mode }));
  }

  it.each([
    [['standalone'], 'serving'],
    [['down'], 'not serving'],
    [['follower', 'leader', 'down'], '2 of 3 serving, quorum needs 2'],
    [['not-serving', 'not-serving', 'down'], '0 of 3 serving: electing a leader (2 of 3 running)'],
    [['not-serving', 'paused', 'down'], '0 of 3 serving: NO QUORUM (needs 2)'],
    [[], 'not started'],
  ] as [NodeStatus['mode'][], string][])('%j: %s', (modes, phrase) => {
    expect(quorumPhrase(nodes(...modes))).toBe(phrase);
  });
});

describe('fault hints', () => {
  const view: ClusterView = {
    registeredBrokers: [1, 2, 3],
    controllerId: 1,
    controllerEpoch: 4,
    topics: [topic('demo', [partition(0, [1, 2], 1, [1, 2]), partition(1, [2, 1], 2, [2, 1])])],
  };

  it('explains what happens after killing the controller, with the session timeout', () => {
    expect(brokerFaultHint('kill', 1, view, '')).toEqual([
      'Broker 1 was the controller (epoch 4). Its ZooKeeper session stays alive until zookeeper.session.timeout.ms (6 s) passes without a heartbeat; then ZooKeeper deletes /controller and /brokers/ids/1, the other brokers race to create /controller, and the winner raises /controller_epoch.',
      'It led 1 partition (demo-0): the controller hands each to another in-sync replica and removes broker 1 from the ISRs.',
      'bring it back with: samsa lab start broker 1',
      'watch: samsa lab status',
    ]);
  });

  it('names the controller that reacts when another broker is paused', () => {
    const lines = brokerFaultHint('pause', 2, view, ' --dir /l');
    expect(lines[0]).toBe(
      'It keeps its sockets open but answers nothing; its ZooKeeper session expires after zookeeper.session.timeout.ms (6 s); then ZooKeeper deletes /brokers/ids/2 and the controller (broker 1) reacts.',
    );
    expect(lines.slice(-2)).toEqual([
      'resume it with: samsa lab resume broker 2 --dir /l',
      'watch: samsa lab status --dir /l',
    ]);
  });

  it('says so when ZooKeeper could not be read', () => {
    expect(brokerFaultHint('kill', 3, { error: 'CONNECTION_LOSS' }, '')).toContain(
      '(cannot read ZooKeeper to tell what broker 3 was doing: CONNECTION_LOSS)',
    );
  });
});

describe('output helpers', () => {
  it('aligns table columns two spaces apart without trailing spaces', () => {
    expect(
      table(
        [
          ['A', 'BB', ''],
          ['ccc', 'd', ''],
        ],
        '> ',
      ),
    ).toEqual(['> A    BB', '> ccc  d']);
  });

  it('adds --dir only outside the default folder, quoting it for the shell when needed', () => {
    expect(dirFlag('/d', '/d')).toBe('');
    expect(dirFlag('/tmp/lab-1', '/d')).toBe(' --dir /tmp/lab-1');
    expect(dirFlag("/tmp/my lab's", '/d')).toBe(" --dir '/tmp/my lab'\\''s'");
  });
});
