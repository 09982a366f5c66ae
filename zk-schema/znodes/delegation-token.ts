/**
 * Delegation tokens (1.1+, KIP-48; only when tokens are enabled). Kafka: `DelegationTokenAuthZNode`,
 * `DelegationTokensZNode`, `DelegationTokenInfoZNode`, `DelegationTokenChangeNotification*ZNode`,
 * `DelegationTokenManager.toJsonCompatibleMap`.
 *
 *   /delegation_token/tokens/<tokenId>                  persistent; token info JSON, version 1:
 *     {"version":1,"owner":"User%3Aalice","renewers":["User%3Abob"],"issueTimestamp":1620000000000,
 *      "maxTimestamp":1620604800000,"expiryTimestamp":1620086400000,"tokenId":"<tokenId>"}
 *     Principals are sanitized (URL-encoded); timestamps are JSON numbers (ms). The HMAC is not
 *     stored: brokers recompute it from the shared secret. `/delegation_token/tokens` is a
 *     sensitive root (creator-only ACLs when `zookeeper.set.acl=true`).
 *   /delegation_token/token_changes/token_change_<seq>  persistent-sequential; the token id as
 *     plain text, in the notification pattern (every broker watches, reloads, purges after 15 min).
 * Writers: the broker handling Create/Renew/ExpireDelegationToken, and the controller's expiry
 * task. Nobody watches the token znodes themselves.
 */
import {
  NON_NEGATIVE_SAFE_LONG,
  ZkDataError,
  encodeVerified,
  parseJsonObject,
  readText,
  verify,
} from '../json';
import { ZnodeMode } from './mode';
import { desanitize, nodeNameProblem, sanitize, validateNodeName } from './names';
import { SequentialStore } from './sequential';

export const MODE: ZnodeMode = 'persistent';
export const CHANGE_MODE: ZnodeMode = 'persistent-sequential';
export const VERSION = 1;

export interface TokenInfo {
  /** The owner principal, `User:alice` (stored sanitized). */
  owner: string;
  renewers: string[];
  issueTimestamp: number;
  maxTimestamp: number;
  expiryTimestamp: number;
  tokenId: string;
}

/** `/delegation_token` (no data). */
export function delegationTokenPath(): string {
  return '/delegation_token';
}

/** `/delegation_token/tokens` (no data). */
export function tokensPath(): string {
  return `${delegationTokenPath()}/tokens`;
}

/** `/delegation_token/tokens/<tokenId>`. */
export function path(tokenId: string): string {
  return `${tokensPath()}/${validateNodeName(tokenId, 'delegation token id')}`;
}

/** `/delegation_token/token_changes`, children `token_change_<seq>`. */
export const CHANGES: SequentialStore = {
  root: `${delegationTokenPath()}/token_changes`,
  prefix: 'token_change_',
};

export function encode(value: TokenInfo): Buffer {
  return encodeVerified(
    {
      version: VERSION,
      owner: sanitize(value.owner),
      renewers: value.renewers.map(sanitize),
      issueTimestamp: value.issueTimestamp,
      maxTimestamp: value.maxTimestamp,
      expiryTimestamp: value.expiryTimestamp,
      tokenId: value.tokenId,
    },
    '/delegation_token/tokens/<tokenId>',
    decode,
  );
}

export function decode(bytes: Buffer, where = '/delegation_token/tokens/<tokenId>'): TokenInfo {
  const json = parseJsonObject(bytes, where);
  json.version([VERSION]);
  const principal = (raw: string, field: string): string => {
    const name = desanitize(raw, `${where}: ${field}`);
    if (name.indexOf(':') <= 0) {
      throw new ZkDataError(
        `${where}: field "${field}": expected "<PrincipalType>:<name>", got ${JSON.stringify(name)}`,
      );
    }
    return name;
  };
  const tokenIdField = json.get('tokenId');
  const tokenId = tokenIdField.string();
  const problem = nodeNameProblem(tokenId);
  if (problem !== undefined) throw tokenIdField.error(problem);
  return {
    owner: principal(json.get('owner').string(), 'owner'),
    renewers: json
      .get('renewers')
      .stringArray()
      .map((r, i) => principal(r, `renewers[${i}]`)),
    issueTimestamp: json.get('issueTimestamp').int(NON_NEGATIVE_SAFE_LONG),
    maxTimestamp: json.get('maxTimestamp').int(NON_NEGATIVE_SAFE_LONG),
    expiryTimestamp: json.get('expiryTimestamp').int(NON_NEGATIVE_SAFE_LONG),
    tokenId,
  };
}

/** The payload of a `token_change_<seq>` notification: the token id as text. */
export function encodeChange(tokenId: string): Buffer {
  return verify(
    Buffer.from(tokenId, 'utf8'),
    `${CHANGES.root}/${CHANGES.prefix}<seq>`,
    decodeChange,
  );
}

export function decodeChange(
  bytes: Buffer,
  where = `${CHANGES.root}/${CHANGES.prefix}<seq>`,
): string {
  const tokenId = readText(bytes, where);
  const problem = nodeNameProblem(tokenId);
  if (problem !== undefined) throw new ZkDataError(`${where}: invalid token id: ${problem}`);
  return tokenId;
}
