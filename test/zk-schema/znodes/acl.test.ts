import * as acl from '../../../zk-schema/znodes/acl';
import {
  EXTENDED_CHANGES,
  LITERAL_CHANGES,
  changeStore,
} from '../../../zk-schema/znodes/acl-change';
import { AclEntry, ResourcePattern } from '../../../zk-schema/znodes/acl';
import { zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('ACL resource znodes', () => {
  it('stores literal patterns under /kafka-acl and prefixed ones under /kafka-acl-extended/prefixed', () => {
    expect(acl.path({ resourceType: 'Topic', name: 'orders', patternType: 'LITERAL' })).toBe(
      '/kafka-acl/Topic/orders',
    );
    expect(
      acl.path({ resourceType: 'Topic', name: acl.WILDCARD_RESOURCE, patternType: 'LITERAL' }),
    ).toBe('/kafka-acl/Topic/*');
    expect(acl.path({ resourceType: 'Group', name: 'app-', patternType: 'PREFIXED' })).toBe(
      '/kafka-acl-extended/prefixed/Group/app-',
    );
    expect(
      acl.path({
        resourceType: 'Cluster',
        name: acl.CLUSTER_RESOURCE_NAME,
        patternType: 'LITERAL',
      }),
    ).toBe('/kafka-acl/Cluster/kafka-cluster');
    expect(acl.resourceTypePath('LITERAL', 'TransactionalId')).toBe('/kafka-acl/TransactionalId');
  });

  it('refuses resource names ZooKeeper cannot hold as one node', () => {
    for (const name of ['a/b', '..', '', 'a\u0000b']) {
      expect(
        zkDataError(() => acl.path({ resourceType: 'Group', name, patternType: 'LITERAL' }))
          .message,
      ).toMatch(/^invalid ACL resource name: /);
    }
  });

  it('lists every node the authorizer creates at startup', () => {
    const paths = acl.authorizerPaths();
    expect(paths).toContain('/kafka-acl');
    expect(paths).toContain('/kafka-acl/DelegationToken');
    expect(paths).toContain('/kafka-acl-extended/prefixed');
    expect(paths).toContain('/kafka-acl-extended/prefixed/Topic');
    expect(paths).toHaveLength(12);
  });

  it('writes the reference payload and reads upper-case and snake-case names', () => {
    const text =
      '{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"},' +
      '{"principal":"User:*","permissionType":"Deny","operation":"Write","host":"198.51.100.3"}]}';
    const value = {
      acls: [
        { principal: 'User:alice', permissionType: 'Allow', operation: 'Read', host: '*' },
        { principal: 'User:*', permissionType: 'Deny', operation: 'Write', host: '198.51.100.3' },
      ] as AclEntry[],
    };
    expect(acl.encode(value).toString()).toBe(text);
    expect(acl.decode(bytes(text))).toEqual(value);
    expect(
      acl.decode(
        bytes(
          '{"version":1,"acls":[{"principal":"User:bob","permissionType":"ALLOW","operation":"CLUSTER_ACTION","host":"*"}]}',
        ),
      ).acls[0],
    ).toEqual({
      principal: 'User:bob',
      permissionType: 'Allow',
      operation: 'ClusterAction',
      host: '*',
    });
  });

  it.each([
    [
      'an unknown operation',
      '{"version":1,"acls":[{"principal":"User:a","permissionType":"Allow","operation":"Fly","host":"*"}]}',
      /field "acls\[0\].operation": unknown operation "Fly"/,
    ],
    [
      'a principal without type',
      '{"version":1,"acls":[{"principal":"alice","permissionType":"Allow","operation":"Read","host":"*"}]}',
      /expected "<PrincipalType>:<name>"/,
    ],
    [
      'an unknown permission',
      '{"version":1,"acls":[{"principal":"User:a","permissionType":"Maybe","operation":"Read","host":"*"}]}',
      /unknown permission type/,
    ],
    [
      'an empty host',
      '{"version":1,"acls":[{"principal":"User:a","permissionType":"Allow","operation":"Read","host":""}]}',
      /empty host/,
    ],
    ['version 2', '{"version":2,"acls":[]}', /unsupported version/],
  ])('refuses %s', (_name, text, pattern) => {
    expect(zkDataError(() => acl.decode(bytes(text), '/kafka-acl/Topic/t')).message).toMatch(
      pattern,
    );
  });
});

describe('ACL change notifications', () => {
  it('writes literal changes as plain text with the 2.5+ upper-case type', () => {
    expect(LITERAL_CHANGES.root).toBe('/kafka-acl-changes');
    expect(LITERAL_CHANGES.prefix).toBe('acl_changes_');
    expect(
      LITERAL_CHANGES.encode({
        resourceType: 'TransactionalId',
        name: 'tx:1',
        patternType: 'LITERAL',
      }).toString(),
    ).toBe('TRANSACTIONAL_ID:tx:1');
  });

  it('reads literal changes in any case, splitting at the first colon', () => {
    const expected: ResourcePattern = {
      resourceType: 'Topic',
      name: 'orders',
      patternType: 'LITERAL',
    };
    expect(LITERAL_CHANGES.decode(bytes('Topic:orders'))).toEqual(expected);
    expect(LITERAL_CHANGES.decode(bytes('TOPIC:orders'))).toEqual(expected);
    expect(LITERAL_CHANGES.decode(bytes('topic:orders'))).toEqual(expected);
    expect(LITERAL_CHANGES.decode(bytes('Group:a:b')).name).toBe('a:b');
    expect(zkDataError(() => LITERAL_CHANGES.decode(bytes('Widget:x'))).message).toMatch(
      /^\/kafka-acl-changes\/acl_changes_<seq>: expected "<ResourceType>:<name>"/,
    );
  });

  it('writes extended changes as the reference JSON', () => {
    expect(EXTENDED_CHANGES.root).toBe('/kafka-acl-extended-changes');
    expect(
      EXTENDED_CHANGES.encode({
        resourceType: 'Topic',
        name: 'orders-',
        patternType: 'PREFIXED',
      }).toString(),
    ).toBe('{"version":1,"resourceType":"TOPIC","name":"orders-","patternType":"PREFIXED"}');
    expect(
      EXTENDED_CHANGES.decode(
        bytes('{"version":1,"resourceType":"Topic","name":"o","patternType":"Prefixed"}'),
      ),
    ).toEqual({ resourceType: 'Topic', name: 'o', patternType: 'PREFIXED' });
  });

  it('keeps each pattern type in its own store', () => {
    expect(changeStore('LITERAL')).toBe(LITERAL_CHANGES);
    expect(changeStore('PREFIXED')).toBe(EXTENDED_CHANGES);
    expect(() =>
      LITERAL_CHANGES.encode({ resourceType: 'Topic', name: 'x', patternType: 'PREFIXED' }),
    ).toThrow(/cannot hold a PREFIXED pattern/);
    expect(
      zkDataError(() =>
        EXTENDED_CHANGES.decode(
          bytes('{"version":1,"resourceType":"TOPIC","name":"o","patternType":"LITERAL"}'),
        ),
      ).message,
    ).toMatch(/field "patternType": expected a non-literal pattern type/);
  });
});
