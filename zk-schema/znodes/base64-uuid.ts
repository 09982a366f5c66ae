/**
 * Kafka's 22-character ids: a random (version 4) UUID's 16 bytes in URL-safe base64 without
 * padding, as in `/cluster/id` (`CoreUtils.generateUuidAsBase64`) and a topic's `topic_id`
 * (`Uuid.toString`, KIP-516). Example: `wvXvRmMIQQa3Jmx4XbdhvA`.
 */
import { randomUUID } from 'node:crypto';

const BASE64_UUID = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** A fresh random id in Kafka's format. */
export function randomBase64Uuid(): string {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

/** True when `id` is 16 bytes in unpadded URL-safe base64 (22 characters). */
export function isBase64Uuid(id: string): boolean {
  return BASE64_UUID.test(id);
}
