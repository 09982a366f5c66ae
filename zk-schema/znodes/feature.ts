/**
 * `/feature` (persistent, 2.7+, KIP-584): the cluster-wide finalized feature versions.
 * Kafka: `FeatureZNode`.
 *
 * Payload, version 1; `status` 1 = enabled (IBP >= 2.7-IV0), 0 = disabled:
 *   {"version":1,"status":1,"features":{"<name>":{"min_version_level":1,"max_version_level":2}}}
 * (`features` is `{}` in 2.7/2.8.) Written by the controller on every failover (create or
 * update; **not** fenced by the controller epoch) and for UpdateFeatures requests. Every broker
 * watches its data (FinalizedFeatureChangeListener); its zkVersion is the "feature epoch".
 */
import { JsonValue, encodeVerified, parseJsonObject } from '../json';
import { ZnodeMode } from './mode';

export const MODE: ZnodeMode = 'persistent';
export const VERSION = 1;

export type FeatureStatus = 'disabled' | 'enabled';
const STATUS_CODES: Record<FeatureStatus, number> = { disabled: 0, enabled: 1 };

/** A finalized feature version range (both ends inclusive, 1 .. 32767). */
export interface FinalizedVersionRange {
  minVersionLevel: number;
  maxVersionLevel: number;
}

export interface FinalizedFeatures {
  status: FeatureStatus;
  features: Map<string, FinalizedVersionRange>;
}

const LEVEL = { min: 1, max: 32767 };

/** `/feature`. */
export function path(): string {
  return '/feature';
}

export function encode(value: FinalizedFeatures): Buffer {
  return encodeVerified(
    {
      version: VERSION,
      status: STATUS_CODES[value.status],
      features: Object.fromEntries(
        [...value.features].map(([name, r]) => [
          name,
          { min_version_level: r.minVersionLevel, max_version_level: r.maxVersionLevel },
        ]),
      ),
    },
    path(),
    decode,
  );
}

export function decode(bytes: Buffer, where = path()): FinalizedFeatures {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  const statusField = json.get('status');
  const code = statusField.int();
  const status = (Object.keys(STATUS_CODES) as FeatureStatus[]).find(
    (s) => STATUS_CODES[s] === code,
  );
  if (status === undefined)
    throw statusField.error(`unknown status ${code} (0 disabled, 1 enabled)`);
  const features = new Map<string, FinalizedVersionRange>();
  for (const [name, value] of json.get('features').object().entries()) {
    features.set(name, readRange(value));
  }
  return { status, features };
}

function readRange(value: JsonValue): FinalizedVersionRange {
  const range = value.object();
  const minVersionLevel = range.get('min_version_level').int(LEVEL);
  const maxVersionLevel = range.get('max_version_level').int(LEVEL);
  if (maxVersionLevel < minVersionLevel) {
    throw value.error(
      `max_version_level ${maxVersionLevel} is below min_version_level ${minVersionLevel}`,
    );
  }
  return { minVersionLevel, maxVersionLevel };
}
