/**
 * `/admin/delete_topics/<topic>` (persistent, no data): a request to delete a topic.
 * Kafka: `AdminZNode`, `DeleteTopicsZNode`, `DeleteTopicsTopicZNode`.
 *
 * Created by the broker handling DeleteTopics (the controller) or a `--zookeeper` tool; creating
 * it when it exists means "already marked for deletion". The controller keeps a child watch on
 * `/admin/delete_topics` and deletes the child (fenced by the `/controller_epoch` zkVersion) when
 * the deletion finishes, when the topic does not exist, or at once if
 * `delete.topic.enable=false`.
 */
import { ZnodeMode } from './mode';
import { validateTopicName } from './names';

export const MODE: ZnodeMode = 'persistent';

/** `/admin` (no data). */
export function adminPath(): string {
  return '/admin';
}

/** `/admin/delete_topics` (no data), created at broker startup. */
export function deleteTopicsPath(): string {
  return `${adminPath()}/delete_topics`;
}

/** `/admin/delete_topics/<topic>`. */
export function path(topic: string): string {
  return `${deleteTopicsPath()}/${validateTopicName(topic)}`;
}

/** The topic named by a child of `/admin/delete_topics` (INVALID_TOPIC_EXCEPTION if illegal). */
export function parseChildName(name: string): string {
  return validateTopicName(name);
}

/** The (empty) data of a deletion request. */
export function encode(): Buffer {
  return Buffer.alloc(0);
}
