/**
 * The output of `samsa topics --describe`, exactly as Kafka 2.8's TopicCommand prints it, and the
 * partition filters of the describe reports.
 *
 * One line per topic, then one line per partition starting with a TAB; fields are TAB-separated:
 *
 *   Topic: orders⇥PartitionCount: 3⇥ReplicationFactor: 3⇥Configs: segment.bytes=1073741824
 *   ⇥Topic: orders⇥Partition: 0⇥Leader: 1⇥Replicas: 1,2,3⇥Isr: 1,2,3
 *
 * `TopicId: <uuid>` follows the name only when the topic has an id (samsa's protocol carries
 * none, so it is never printed, as Kafka prints none for a zero id). `Configs:` lists the entries
 * whose source is not DEFAULT_CONFIG (Kafka's ConfigEntry.isDefault), so a broker's static
 * setting such as log.segment.bytes shows up. A partition without a leader prints `Leader: none`.
 * A partition being reassigned also prints `⇥Adding Replicas: a,b⇥Removing Replicas: c`, and its
 * replication factor (for the topic line and --under-replicated-partitions) is that of the
 * original replica set, Kafka's getReplicationFactor: the replicas less those being added.
 */

export interface PartitionState {
  partition: number;
  /** The leader's broker id; null when the partition has no leader. */
  leader: number | null;
  replicas: number[];
  isr: number[];
  /** Present while the partition is being reassigned. */
  reassignment?: { adding: number[]; removing: number[] };
}

/**
 * Kafka's getReplicationFactor: while a reassignment still changes the partition's replicas, the
 * replicas less those being added; otherwise all of them.
 */
export function replicationFactor(partition: PartitionState): number {
  const reassignment = partition.reassignment;
  if (reassignment === undefined) return partition.replicas.length;
  const changing = new Set([...reassignment.adding, ...reassignment.removing]);
  if (!partition.replicas.some((id) => changing.has(id))) return partition.replicas.length;
  const adding = new Set(reassignment.adding);
  return partition.replicas.filter((id) => !adding.has(id)).length;
}

export interface ConfigValue {
  name: string;
  value: string | null;
  /** True when the value is the built-in default (source DEFAULT_CONFIG). */
  isDefault: boolean;
}

export interface TopicState {
  name: string;
  topicId?: string;
  partitions: PartitionState[];
  configs: ConfigValue[];
}

/** The topic line: `Topic: t⇥PartitionCount: n⇥ReplicationFactor: r⇥Configs: k=v,...`. */
export function formatTopicLine(topic: TopicState, markedForDeletion = false): string {
  const configs = topic.configs
    .filter((entry) => !entry.isDefault)
    .map((entry) => `${entry.name}=${entry.value ?? 'null'}`)
    .join(',');
  const first = [...topic.partitions].sort((a, b) => a.partition - b.partition)[0];
  let line = `Topic: ${topic.name}`;
  if (topic.topicId !== undefined) line += `\tTopicId: ${topic.topicId}`;
  line += `\tPartitionCount: ${topic.partitions.length}`;
  line += `\tReplicationFactor: ${first === undefined ? 0 : replicationFactor(first)}`;
  line += `\tConfigs: ${configs}`;
  if (markedForDeletion) line += '\tMarkedForDeletion: true';
  return line;
}

/** A partition line: `⇥Topic: t⇥Partition: p⇥Leader: l⇥Replicas: a,b⇥Isr: a,b`. */
export function formatPartitionLine(
  topic: string,
  partition: PartitionState,
  markedForDeletion = false,
): string {
  let line = `\tTopic: ${topic}`;
  line += `\tPartition: ${partition.partition}`;
  line += `\tLeader: ${partition.leader === null ? 'none' : partition.leader}`;
  line += `\tReplicas: ${partition.replicas.join(',')}`;
  line += `\tIsr: ${partition.isr.join(',')}`;
  if (partition.reassignment !== undefined) {
    line += `\tAdding Replicas: ${partition.reassignment.adding.join(',')}`;
    line += `\tRemoving Replicas: ${partition.reassignment.removing.join(',')}`;
  }
  if (markedForDeletion) line += '\tMarkedForDeletion: true';
  return line;
}

/** Which parts `--describe` prints, from its report flags (Kafka's DescribeOptions). */
export interface DescribeReports {
  underReplicated: boolean;
  unavailable: boolean;
  underMinIsr: boolean;
  atMinIsr: boolean;
  overriddenConfigs: boolean;
}

function minIsr(configs: readonly ConfigValue[]): number | undefined {
  const entry = configs.find((c) => c.name === 'min.insync.replicas');
  if (entry === undefined || entry.value === null) return undefined;
  const value = Number(entry.value);
  return Number.isInteger(value) ? value : undefined;
}

/**
 * The lines of `--describe` for the topics given (sorted by name by the caller), following
 * Kafka's rules: with a partition report (under-replicated, unavailable, under-min-isr,
 * at-min-isr) only the matching partitions and no topic lines; with --topics-with-overrides
 * only the topic lines of topics that have a non-default config.
 */
export function describeLines(
  topics: readonly TopicState[],
  reports: DescribeReports,
  liveBrokers: ReadonlySet<number>,
): string[] {
  const describeConfigs =
    !reports.unavailable && !reports.underReplicated && !reports.underMinIsr && !reports.atMinIsr;
  const describePartitions = !reports.overriddenConfigs;
  const lines: string[] = [];
  for (const topic of topics) {
    if (describeConfigs) {
      const hasNonDefault = topic.configs.some((c) => !c.isDefault);
      if (!reports.overriddenConfigs || hasNonDefault) lines.push(formatTopicLine(topic));
    }
    if (!describePartitions) continue;
    const min = minIsr(topic.configs);
    const sorted = [...topic.partitions].sort((a, b) => a.partition - b.partition);
    for (const partition of sorted) {
      const hasLeader = partition.leader !== null;
      const show =
        describeConfigs ||
        (reports.underReplicated && replicationFactor(partition) - partition.isr.length > 0) ||
        (reports.unavailable && (!hasLeader || !liveBrokers.has(partition.leader as number))) ||
        (reports.underMinIsr &&
          (!hasLeader || (min !== undefined && partition.isr.length < min))) ||
        (reports.atMinIsr && min !== undefined && partition.isr.length === min);
      if (show) lines.push(formatPartitionLine(topic.name, partition));
    }
  }
  return lines;
}
