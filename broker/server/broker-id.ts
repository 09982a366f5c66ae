/**
 * Which `broker.id` a starting broker uses (Kafka's `KafkaServer.getOrGenerateBrokerId`), from
 * the configured value and the ids stored in the `meta.properties` of its log dirs:
 * - the stored ids must agree across log dirs;
 * - a configured id (≥ 0) must equal the stored one, if any;
 * - `broker.id=-1` takes the stored id, or, when there is none and
 *   `broker.id.generation.enable=true`, a new id generated through `/brokers/seqid`.
 * Mismatches are one-line errors in Kafka's words (InconsistentBrokerIdException).
 */
import { SamsaError } from '../../client/errors';

export type BrokerIdChoice =
  { readonly kind: 'use'; readonly brokerId: number } | { readonly kind: 'generate' };

export function chooseBrokerId(
  configured: number,
  generationEnabled: boolean,
  storedIds: readonly number[],
): BrokerIdChoice {
  const stored = [...new Set(storedIds)];
  if (stored.length > 1) {
    throw new SamsaError(
      'Failed to match broker.id across log.dirs. This could happen if multiple brokers shared ' +
        'a log directory (log.dirs) or partial data was manually copied from another broker. ' +
        `Found ${stored.join(', ')}`,
    );
  }
  const storedId = stored[0];
  if (configured >= 0 && storedId !== undefined && storedId !== configured) {
    throw new SamsaError(
      `Configured broker.id ${configured} doesn't match stored broker.id ${storedId} in ` +
        'meta.properties. If you moved your data, make sure your configured broker.id matches. ' +
        'If you intend to create a new broker, you should remove all data in your data ' +
        'directories (log.dirs).',
    );
  }
  if (storedId !== undefined) return { kind: 'use', brokerId: storedId };
  if (configured < 0 && generationEnabled) return { kind: 'generate' };
  if (configured < 0) {
    throw new SamsaError(
      'broker.id is -1, no log dir holds a meta.properties naming one, and ' +
        'broker.id.generation.enable is false: set broker.id.',
    );
  }
  return { kind: 'use', brokerId: configured };
}
