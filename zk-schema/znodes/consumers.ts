/**
 * `/consumers` (persistent, no data): the root of the legacy Scala consumer's group registry.
 * Kafka: `ConsumerPathZNode`. Brokers still create it at startup (it is the first of the
 * persistent paths) and it normally stays empty; samsa's consumers keep their offsets in
 * `__consumer_offsets`, as Kafka's do. It is the one root that keeps an open ACL even with
 * `zookeeper.set.acl=true`, because old consumers wrote under it.
 */
import { ZnodeMode } from './mode';

export const MODE: ZnodeMode = 'persistent';

/** `/consumers`. */
export function path(): string {
  return '/consumers';
}
