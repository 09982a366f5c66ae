/**
 * Znode ACLs and digest authentication.
 *
 * An ACL entry is (permissions, scheme, id), as in ZooKeeper. The `digest` scheme's id is
 * `user:base64(sha1("user:password"))` — the client authenticates with `user:password` and the
 * server compares digests. The `auth` scheme with an empty id means "whoever created the node"
 * (every identity the creating session has authenticated as), which is how Kafka's
 * `zookeeper.set.acl` protects its znodes (`CREATOR_ALL_ACL` plus world-read).
 */
import { createHash } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { ZkError } from './errors';

/** ZooKeeper permission bits. */
export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;

/** One ACL entry: `perms` is a bitmask of `Perms`. */
export interface ZkAcl {
  perms: number;
  scheme: string;
  id: string;
}

/** Credentials sent when a session is established, e.g. `{ scheme: 'digest', credentials: 'kafka:secret' }`. */
export interface ZkAuth {
  scheme: string;
  credentials: string;
}

/** Anyone may do anything (ZooKeeper's `OPEN_ACL_UNSAFE`): the default ACL. */
export const OPEN_ACL_UNSAFE: readonly ZkAcl[] = [
  { perms: Perms.ALL, scheme: 'world', id: 'anyone' },
];
/** The creator's authenticated identities may do anything (`CREATOR_ALL_ACL`). */
export const CREATOR_ALL_ACL: readonly ZkAcl[] = [{ perms: Perms.ALL, scheme: 'auth', id: '' }];
/** Anyone may read (`READ_ACL_UNSAFE`). */
export const READ_ACL_UNSAFE: readonly ZkAcl[] = [
  { perms: Perms.READ, scheme: 'world', id: 'anyone' },
];

/** The id of a `digest` ACL entry for `user` with `password`. */
export function digestAclId(user: string, password: string): string {
  const digest = createHash('sha1').update(`${user}:${password}`, 'utf8').digest('base64');
  return `${user}:${digest}`;
}

/** A `digest` ACL entry granting `perms` to `user` (identified by `password`). */
export function digestAcl(user: string, password: string, perms: number = Perms.ALL): ZkAcl {
  return { perms, scheme: 'digest', id: digestAclId(user, password) };
}

function validateAcl(acl: readonly ZkAcl[]): void {
  if (!Array.isArray(acl) || acl.length === 0) {
    throw new ZkError('INVALID_ACL', { detail: 'an ACL must have at least one entry' });
  }
  for (const entry of acl) {
    if (!Number.isInteger(entry.perms) || entry.perms < 1 || entry.perms > Perms.ALL) {
      throw new ZkError('INVALID_ACL', { detail: `bad permission bits ${String(entry.perms)}` });
    }
    if (typeof entry.scheme !== 'string' || entry.scheme.length === 0) {
      throw new ZkError('INVALID_ACL', { detail: 'an ACL entry needs a scheme' });
    }
    if (typeof entry.id !== 'string') {
      throw new ZkError('INVALID_ACL', { detail: 'an ACL entry needs an id string' });
    }
  }
}

/** Converts ZkAcl entries into node-zookeeper-client ACL objects (validating them). */
export function toLibraryAcl(acl: readonly ZkAcl[]): zookeeper.ACL[] {
  validateAcl(acl);
  return acl.map((e) => new zookeeper.ACL(e.perms, new zookeeper.Id(e.scheme, e.id)));
}

/**
 * Converts ACL objects returned by node-zookeeper-client. Its objects keep the bits in
 * `permission` (its type declarations say `perms`), so both are read.
 */
export function fromLibraryAcl(acl: readonly zookeeper.ACL[]): ZkAcl[] {
  return acl.map((e) => {
    const bits = (e as unknown as { permission?: number }).permission ?? e.perms;
    return { perms: bits, scheme: e.id.scheme, id: e.id.id };
  });
}
