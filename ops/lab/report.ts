/**
 * What the lab commands print, as pure functions of what they found: the summary of
 * `samsa lab up`, the report of `samsa lab status`, and the hints of the fault-injection commands.
 * Tables are left-aligned columns separated by two spaces, headers in capitals, like
 * `samsa zookeeper status`.
 */
import type { NodeStatus } from '../zookeeper';
import type { BrokerProcess } from './broker-process';
import {
  ClusterView,
  HealthCounts,
  healthCounts,
  PartitionHealth,
  partitionHealth,
  partitionsLedBy,
  PartitionView,
  TopicView,
} from './cluster-view';
import { LAB_SESSION_TIMEOUT_MS } from './server-properties';
import { LabBroker, LabSettings, replicationFactor } from './settings';

/** Rows of cells as aligned lines, each prefixed with `indent`; trailing spaces trimmed. */
export function table(rows: string[][], indent = ''): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, c) => cell.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
  );
}

/** `1.4 s`. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function ids(list: readonly number[]): string {
  return list.length === 0 ? '-' : list.join(',');
}

/** ` --dir <dir>` when the lab is not in the default folder, so printed commands work as shown. */
export function dirFlag(dir: string, defaultDir: string): string {
  if (dir === defaultDir) return '';
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(dir)
    ? ` --dir ${dir}`
    : ` --dir '${dir.replace(/'/g, "'\\''")}'`;
}

export interface UpSummary {
  dir: string;
  /** ` --dir <dir>` or '' (see dirFlag). */
  dirFlag: string;
  settings: LabSettings;
  /** The brokers' zookeeper.connect (the ensemble plus the chroot). */
  zookeeperConnect: string;
  brokers: { broker: LabBroker; pid: number }[];
  controllerId: number;
  controllerEpoch: number;
  /** Brokers and ZooKeeper nodes this run started (the rest were running already). */
  startedBrokers: number[];
  startedZookeepers: number[];
  /** The compiled samsa entry, named when `samsa` is not on the PATH. */
  samsaOnPath: boolean;
  entry: string;
}

function startedNote(s: UpSummary): string {
  const total = s.settings.brokers + s.settings.zookeepers;
  const started = s.startedBrokers.length + s.startedZookeepers.length;
  if (started === total) return '';
  if (started === 0) return ' (it was already running)';
  const parts: string[] = [];
  if (s.startedZookeepers.length > 0) {
    parts.push(
      `ZooKeeper ${s.startedZookeepers.length === 1 ? 'node' : 'nodes'} ${s.startedZookeepers.join(', ')}`,
    );
  }
  if (s.startedBrokers.length > 0) {
    parts.push(
      `${s.startedBrokers.length === 1 ? 'broker' : 'brokers'} ${s.startedBrokers.join(', ')}`,
    );
  }
  return ` (started ${parts.join(' and ')}; the rest was running)`;
}

/** The next commands to try, for the summary of `samsa lab up` (comments aligned). */
export function nextCommands(s: UpSummary): string[] {
  const first = s.brokers[0].broker;
  const bootstrap = `--bootstrap-server ${first.host}:${first.port}`;
  const partitions = Math.max(3, s.settings.brokers);
  const rf = replicationFactor(s.settings);
  return [
    `  samsa topics ${bootstrap} --create --topic demo --partitions ${partitions} --replication-factor ${rf}`,
    `  samsa console-producer ${bootstrap} --topic demo`,
    `  samsa console-consumer ${bootstrap} --topic demo --from-beginning`,
    ...table(
      [
        [
          `samsa lab kill broker ${s.controllerId}${s.dirFlag}`,
          `# broker ${s.controllerId} is the controller: watch another broker take over`,
        ],
        [`samsa lab status${s.dirFlag}`, ''],
        [`samsa lab down${s.dirFlag}`, `# --purge also deletes ${s.dir}`],
      ],
      '  ',
    ),
  ];
}

/** The summary `samsa lab up` prints on stdout once every broker is registered. */
export function formatUpSummary(s: UpSummary): string {
  const nodes = plural(s.settings.zookeepers, 'ZooKeeper node');
  const brokers = plural(s.settings.brokers, 'broker');
  const brokerRows = table([
    ['ID', 'ADDRESS', 'PID'],
    ...s.brokers.map(({ broker, pid }) => [
      String(broker.id),
      `${broker.host}:${broker.port}`,
      String(pid),
    ]),
  ]);
  const label = (name: string): string => name.padEnd(12);
  const lines = [
    `samsa lab is up in ${s.dir}: ${nodes}, ${brokers}${startedNote(s)}.`,
    '',
    `${label('ZooKeeper')}${s.zookeeperConnect}`,
    ...brokerRows.map((row, i) => `${label(i === 0 ? 'Brokers' : '')}${row}`),
    `${label('Controller')}broker ${s.controllerId} (epoch ${s.controllerEpoch})`,
    `${label('Data')}${s.dir} (each broker's log: broker-<id>/server.log)`,
    '',
    'Try it:',
    ...nextCommands(s),
  ];
  if (!s.samsaOnPath) {
    lines.push(
      `(samsa is not on your PATH: run \`npm link\` in the samsa folder once, or type \`node ${s.entry}\` for \`samsa\`)`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One configured broker as the status shows it. */
export interface BrokerStatus {
  broker: LabBroker;
  process: BrokerProcess;
}

export interface StatusReport {
  dir: string;
  settings: LabSettings;
  zookeeperConnect: string;
  ensembleKind: string;
  zookeeperNodes: NodeStatus[];
  brokers: BrokerStatus[];
  /** What ZooKeeper says, or why it could not be read. */
  view: ClusterView | { error: string };
  /** List every partition of internal topics too (else only their unhealthy ones). */
  showInternal: boolean;
}

const PROCESS_WORDS: Record<BrokerProcess['state'], string> = {
  running: 'running',
  paused: 'paused',
  gone: 'dead',
};

/**
 * The ensemble in one phrase: serving; or, with fewer than a majority serving, electing a leader
 * (a majority of the nodes run) or without quorum (they do not).
 */
export function quorumPhrase(nodes: readonly NodeStatus[]): string {
  const size = nodes.length;
  const serving = nodes.filter((n) =>
    ['leader', 'follower', 'observer', 'standalone'].includes(n.mode),
  ).length;
  const running = nodes.filter((n) => n.mode !== 'down' && n.mode !== 'paused').length;
  const majority = Math.floor(size / 2) + 1;
  if (size === 0) return 'not started';
  if (serving >= majority) {
    return size === 1 ? 'serving' : `${serving} of ${size} serving, quorum needs ${majority}`;
  }
  if (running >= majority) {
    return `${serving} of ${size} serving: electing a leader (${running} of ${size} running)`;
  }
  return size === 1
    ? 'not serving'
    : `${serving} of ${size} serving: NO QUORUM (needs ${majority})`;
}

function zookeeperSection(r: StatusReport): string[] {
  const quorum = quorumPhrase(r.zookeeperNodes);
  return [
    `ZooKeeper ${r.zookeeperConnect} (${r.ensembleKind}): ${quorum}`,
    ...table(
      [
        ['NODE', 'ADDRESS', 'MODE', 'PID'],
        ...r.zookeeperNodes.map((n) => [
          String(n.id),
          `${n.host}:${n.clientPort}`,
          n.mode,
          String(n.pid ?? '-'),
        ]),
      ],
      '  ',
    ),
  ];
}

function brokerSection(r: StatusReport, view: ClusterView | undefined): string[] {
  const registered = view?.registeredBrokers;
  const count =
    registered === undefined
      ? 'registration unknown'
      : `${r.brokers.filter((b) => registered.includes(b.broker.id)).length} of ${r.brokers.length} registered`;
  const rows = r.brokers.map(({ broker, process }) => [
    String(broker.id),
    `${broker.host}:${broker.port}`,
    PROCESS_WORDS[process.state],
    String(process.pid ?? '-'),
    registered === undefined ? '?' : registered.includes(broker.id) ? 'yes' : 'no',
    view?.controllerId === broker.id ? 'controller' : '',
  ]);
  const lines = [
    `Brokers: ${count}`,
    ...table([['BROKER', 'ADDRESS', 'PROCESS', 'PID', 'REGISTERED', 'ROLE'], ...rows], '  '),
  ];
  for (const { broker, process } of r.brokers) {
    if (process.state !== 'running' && registered?.includes(broker.id)) {
      lines.push(
        `  broker ${broker.id} is ${PROCESS_WORDS[process.state]} but still registered: ZooKeeper removes /brokers/ids/${broker.id} when its session expires (zookeeper.session.timeout.ms)`,
      );
    }
  }
  const others = (registered ?? []).filter((id) => !r.brokers.some((b) => b.broker.id === id));
  if (others.length > 0) {
    lines.push(`  also registered, not started by this lab: ${others.join(', ')}`);
  }
  return lines;
}

function controllerLine(view: ClusterView): string {
  const epoch = view.controllerEpoch === null ? 'no epoch yet' : `epoch ${view.controllerEpoch}`;
  if (view.controllerId === null) {
    return `Controller: none (/controller does not exist; ${epoch}): a broker takes over within moments if any is registered`;
  }
  return `Controller: broker ${view.controllerId} (${epoch})`;
}

const HEALTH_WORDS: Record<PartitionHealth, string> = {
  ok: '',
  'under-replicated': 'under-replicated',
  offline: 'OFFLINE',
  'no-state': 'no leader yet',
};

function countsLine(counts: HealthCounts): string {
  const total = counts.ok + counts['under-replicated'] + counts.offline + counts['no-state'];
  const parts = [
    `${counts.ok} in sync`,
    `${counts['under-replicated']} under-replicated`,
    `${counts.offline} offline`,
  ];
  if (counts['no-state'] > 0) parts.push(`${counts['no-state']} without a leader yet`);
  return `${plural(total, 'partition')}: ${parts.join(', ')}`;
}

function partitionRow(topic: TopicView, p: PartitionView, registered: readonly number[]): string[] {
  const leader = p.state === null ? '-' : p.state.leader < 0 ? 'none' : String(p.state.leader);
  return [
    topic.markedForDeletion ? `${topic.name} (deleting)` : topic.name,
    String(p.partition),
    leader,
    ids(p.replicas),
    p.state === null ? '-' : ids(p.state.isr),
    HEALTH_WORDS[partitionHealth(p, registered)],
  ];
}

/**
 * Every partition of the ordinary topics; internal topics (50 partitions of __consumer_offsets)
 * as one line of counts each, unless `showInternal`.
 */
function topicSection(r: StatusReport, view: ClusterView): string[] {
  const first = r.brokers[0].broker;
  const create = `samsa topics --bootstrap-server ${first.host}:${first.port} --create --topic demo ...`;
  if (view.topics.length === 0) return [`Topics: none yet (${create})`];
  const registered = view.registeredBrokers;
  const listed = view.topics.filter((t) => !t.internal || r.showInternal);
  const folded = view.topics.filter((t) => t.internal && !r.showInternal);
  const internal = view.topics.filter((t) => t.internal).length;
  const lines = [
    `Topics: ${view.topics.length}${internal > 0 ? ` (${internal} internal)` : ''}, ` +
      countsLine(healthCounts(view.topics, registered)),
  ];
  const rows = listed.flatMap((t) => t.partitions.map((p) => partitionRow(t, p, registered)));
  if (rows.length > 0) {
    lines.push(
      ...table([['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'STATE'], ...rows], '  '),
    );
  } else {
    lines.push(`  no topics of your own yet (${create})`);
  }
  for (const topic of folded) {
    lines.push(
      `  ${topic.name}: ${countsLine(healthCounts([topic], registered))} (--internal lists them)`,
    );
  }
  return lines;
}

/** The report of `samsa lab status`. */
export function formatStatus(r: StatusReport): string {
  const view = 'error' in r.view ? undefined : r.view;
  const lines = [
    `samsa lab in ${r.dir}`,
    '',
    ...zookeeperSection(r),
    '',
    ...brokerSection(r, view),
    '',
  ];
  if (view === undefined) {
    lines.push(
      `Controller and topics: cannot read ZooKeeper (${(r.view as { error: string }).error})`,
    );
  } else {
    lines.push(controllerLine(view), '', ...topicSection(r, view));
  }
  return `${lines.join('\n')}\n`;
}

/** What `samsa lab kill|pause broker <id>` adds about what happens next. */
export function brokerFaultHint(
  action: 'kill' | 'pause',
  brokerId: number,
  view: ClusterView | { error: string },
  dirFlagText: string,
): string[] {
  const seconds = LAB_SESSION_TIMEOUT_MS / 1000;
  const watch = `watch: samsa lab status${dirFlagText}`;
  const after =
    action === 'kill'
      ? `Its ZooKeeper session stays alive until zookeeper.session.timeout.ms (${seconds} s) passes without a heartbeat`
      : `It keeps its sockets open but answers nothing; its ZooKeeper session expires after zookeeper.session.timeout.ms (${seconds} s)`;
  if ('error' in view) {
    return [
      `${after}.`,
      `(cannot read ZooKeeper to tell what broker ${brokerId} was doing: ${view.error})`,
      watch,
    ];
  }
  const led = partitionsLedBy(view, brokerId);
  const lines: string[] = [];
  if (view.controllerId === brokerId) {
    lines.push(
      `Broker ${brokerId} was the controller (epoch ${view.controllerEpoch ?? '?'}). ${after}; then ZooKeeper deletes /controller and /brokers/ids/${brokerId}, ` +
        `the other brokers race to create /controller, and the winner raises /controller_epoch.`,
    );
  } else {
    const controller =
      view.controllerId === null
        ? 'the next controller'
        : `the controller (broker ${view.controllerId})`;
    lines.push(
      `${after}; then ZooKeeper deletes /brokers/ids/${brokerId} and ${controller} reacts.`,
    );
  }
  if (led.length > 0) {
    const shown = led.length > 6 ? `${led.slice(0, 6).join(', ')}, ...` : led.join(', ');
    lines.push(
      `It led ${plural(led.length, 'partition')} (${shown}): the controller hands each to another in-sync replica and removes broker ${brokerId} from the ISRs.`,
    );
  }
  if (action === 'pause') {
    lines.push(`resume it with: samsa lab resume broker ${brokerId}${dirFlagText}`);
  } else {
    lines.push(`bring it back with: samsa lab start broker ${brokerId}${dirFlagText}`);
  }
  lines.push(watch);
  return lines;
}

/** `node 1 follower, node 2 down, node 3 leader`. */
export function describeModes(nodes: NodeStatus[]): string {
  return nodes.map((n) => `node ${n.id} ${n.mode}`).join(', ');
}
