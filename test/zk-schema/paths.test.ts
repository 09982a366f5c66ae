import {
  ACL_AUTHORIZER_PATHS,
  PERSISTENT_PATHS,
  SECURE_ROOT_PATHS,
  SENSITIVE_ROOT_PATHS,
  defaultAclPolicy,
  isSensitivePath,
  validateTopicName,
} from '../../zk-schema/paths';

describe('zk-schema paths', () => {
  it("lists the broker's startup paths in Kafka's order", () => {
    expect(PERSISTENT_PATHS).toEqual([
      '/consumers',
      '/brokers/ids',
      '/brokers/topics',
      '/config/changes',
      '/admin/delete_topics',
      '/brokers/seqid',
      '/isr_change_notification',
      '/latest_producer_id_block',
      '/log_dir_event_notification',
      '/config/topics',
      '/config/clients',
      '/config/users',
      '/config/brokers',
      '/config/ips',
    ]);
  });

  it('lists the ACL stores, one node per resource type, and both change roots', () => {
    expect(ACL_AUTHORIZER_PATHS).toEqual([
      '/kafka-acl',
      '/kafka-acl/Topic',
      '/kafka-acl/Group',
      '/kafka-acl/Cluster',
      '/kafka-acl/TransactionalId',
      '/kafka-acl/DelegationToken',
      '/kafka-acl-extended/prefixed',
      '/kafka-acl-extended/prefixed/Topic',
      '/kafka-acl-extended/prefixed/Group',
      '/kafka-acl-extended/prefixed/Cluster',
      '/kafka-acl-extended/prefixed/TransactionalId',
      '/kafka-acl-extended/prefixed/DelegationToken',
      '/kafka-acl-changes',
      '/kafka-acl-extended-changes',
    ]);
  });

  it('secures every top-level root Kafka creates except /consumers', () => {
    const topLevel = (p: string) => `/${p.split('/')[1]}`;
    for (const path of [...PERSISTENT_PATHS, ...ACL_AUTHORIZER_PATHS]) {
      if (topLevel(path) === '/consumers') continue;
      expect(SECURE_ROOT_PATHS).toContain(topLevel(path));
    }
    for (const root of [
      '/controller',
      '/controller_epoch',
      '/cluster',
      '/feature',
      '/delegation_token',
    ]) {
      expect(SECURE_ROOT_PATHS).toContain(root);
    }
    expect(SECURE_ROOT_PATHS).not.toContain('/consumers');
  });

  it('gives creator-only ACLs to secrets, open ACLs to /consumers and without zookeeper.set.acl', () => {
    expect(SENSITIVE_ROOT_PATHS).toEqual([
      '/config/users',
      '/config/brokers',
      '/delegation_token/tokens',
    ]);
    expect(isSensitivePath('/config/users/User%3Aalice')).toBe(true);
    expect(isSensitivePath('/config/usersx')).toBe(false);
    expect(defaultAclPolicy('/config/users/alice', true)).toBe('creator-all');
    expect(defaultAclPolicy('/delegation_token/tokens/t1', true)).toBe('creator-all');
    expect(defaultAclPolicy('/brokers/ids/1', true)).toBe('creator-all+world-read');
    expect(defaultAclPolicy('/consumers', true)).toBe('open');
    expect(defaultAclPolicy('/config/users/alice', false)).toBe('open');
  });

  it('validates topic names for path building', () => {
    expect(validateTopicName('orders')).toBe('orders');
    expect(() => validateTopicName('../controller')).toThrow(/INVALID_TOPIC_EXCEPTION/);
  });
});
