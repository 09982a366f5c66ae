/**
 * The topics in a consumer's subscription (the JoinGroup metadata of protocol type "consumer"),
 * read the way Kafka's coordinator reads them: only the version-0 prefix that every version of
 * ConsumerProtocol's Subscription starts with, so any later version decodes too.
 *
 *   int16  version (>= 0)
 *   array  topics: int32 count, then each topic as int16 length + UTF-8 bytes
 *   ...    (user data, owned partitions, ... : not read)
 *
 * Undefined when the bytes are not a subscription (the coordinator then does not know what the
 * group subscribes to, as in Kafka).
 */
import { KafkaError } from '../../../client/errors';
import { SchemaReader } from './schema-codec';

export function subscribedTopicsOf(subscription: Buffer): string[] | undefined {
  const reader = new SchemaReader(subscription, 'consumer subscription');
  try {
    if (reader.int16('version') < 0) return undefined;
    const count = reader.arrayLength('topics', 2);
    const topics: string[] = [];
    for (let i = 0; i < count; i++) topics.push(reader.string('topic'));
    return topics;
  } catch (error) {
    if (error instanceof KafkaError && error.type === 'CORRUPT_MESSAGE') return undefined;
    throw error;
  }
}
