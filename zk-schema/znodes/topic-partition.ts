/**
 * `{"topic":..,"partition":..}` entries, shared by the payloads that list partitions
 * (`/admin/reassign_partitions`, `/admin/preferred_replica_election`, `isr_change_<seq>`).
 * Topics must be legal topic names and partitions ids >= 0, because these values become znode
 * paths in the controller; a partition listed twice is refused.
 */
import { JsonObject, JsonValue, NON_NEGATIVE_INT32 } from '../json';
import { topicNameProblem } from './names';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Reads `topic` and `partition` from one entry of a partitions array. */
export function readTopicPartition(entry: JsonObject): TopicPartition {
  const topicField = entry.get('topic');
  const topic = topicField.string();
  const problem = topicNameProblem(topic);
  if (problem !== undefined) throw topicField.error(problem);
  return { topic, partition: entry.get('partition').int(NON_NEGATIVE_INT32) };
}

/** Reads an array of entries with `read`, refusing a topic-partition that appears twice. */
export function readDistinct<T extends TopicPartition>(
  array: JsonValue,
  read: (entry: JsonObject) => T,
): T[] {
  const seen = new Set<string>();
  return array.array().map((item) => {
    const entry = read(item.object());
    const key = `${entry.topic}-${entry.partition}`;
    if (seen.has(key)) throw item.error(`partition ${key} is listed twice`);
    seen.add(key);
    return entry;
  });
}

/** The JSON form of a topic-partition, in Kafka's key order. */
export function topicPartitionJson(tp: TopicPartition): { topic: string; partition: number } {
  return { topic: tp.topic, partition: tp.partition };
}
