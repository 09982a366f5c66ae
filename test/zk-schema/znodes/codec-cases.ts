/**
 * One entry per znode codec: a fast-check generator of canonical values (what the decoder
 * returns) with the codec's encode and decode. Shared by the unit round-trip test
 * (codec-round-trip.test.ts) and the round trip through a real ZooKeeper ensemble
 * (codec-round-trip.it.test.ts), so every codec is proven both ways with the same values.
 */
import fc from 'fast-check';
import * as acl from '../../../zk-schema/znodes/acl';
import { changeStore } from '../../../zk-schema/znodes/acl-change';
import * as brokerRegistration from '../../../zk-schema/znodes/broker-registration';
import * as clusterId from '../../../zk-schema/znodes/cluster-id';
import * as configChange from '../../../zk-schema/znodes/config-change';
import * as controller from '../../../zk-schema/znodes/controller';
import * as controllerEpoch from '../../../zk-schema/znodes/controller-epoch';
import * as delegationToken from '../../../zk-schema/znodes/delegation-token';
import * as entityConfig from '../../../zk-schema/znodes/entity-config';
import { ConfigEntity, DEFAULT_ENTITY } from '../../../zk-schema/znodes/entity-config';
import * as feature from '../../../zk-schema/znodes/feature';
import * as isrChange from '../../../zk-schema/znodes/isr-change-notification';
import * as logDirEvent from '../../../zk-schema/znodes/log-dir-event-notification';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import * as preferredElection from '../../../zk-schema/znodes/preferred-replica-election';
import * as producerIdBlock from '../../../zk-schema/znodes/producer-id-block';
import * as reassignPartitions from '../../../zk-schema/znodes/reassign-partitions';
import * as topicAssignment from '../../../zk-schema/znodes/topic-assignment';
import {
  brokerId,
  epoch,
  featureName,
  mapKey,
  partitionId,
  replicaList,
  timestamp,
  topic,
  topicPartitions,
  unicode,
} from './arbitraries';

export interface CodecCase<T> {
  readonly name: string;
  readonly values: fc.Arbitrary<T>;
  encode(value: T): Buffer;
  decode(bytes: Buffer): T;
}

function codec<T>(c: CodecCase<T>): CodecCase<unknown> {
  return c as CodecCase<unknown>;
}

/** Any resource name, even one no znode could hold: notifications carry it as data. */
const resourceName = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 });

/** ACL resource patterns of the given pattern types. */
export function aclPattern(patternTypes: acl.PatternType[]): fc.Arbitrary<acl.ResourcePattern> {
  return fc.record({
    resourceType: fc.constantFrom(...acl.RESOURCE_TYPES),
    name: resourceName,
    patternType: fc.constantFrom(...patternTypes),
  });
}

const versionRange = fc
  .tuple(fc.integer({ min: 1, max: 32767 }), fc.integer({ min: 1, max: 32767 }))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

const registration = fc.record(
  {
    endpoints: fc.uniqueArray(
      fc.record({
        listenerName: fc.stringMatching(/^[A-Z_]{1,12}$/),
        host: fc.oneof(fc.stringMatching(/^[a-z0-9.-]{0,20}$/), fc.ipV6(), fc.ipV4()),
        port: fc.integer({ min: 0, max: 65535 }),
        securityProtocol: fc.constantFrom(...brokerRegistration.SECURITY_PROTOCOLS),
      }),
      { maxLength: 4, selector: (e) => e.listenerName },
    ),
    jmxPort: fc.integer({ min: -1, max: 65535 }),
    timestamp,
    rack: fc.string({ maxLength: 10 }),
    features: fc
      .uniqueArray(
        fc.tuple(
          featureName,
          versionRange.map(([minVersion, maxVersion]) => ({ minVersion, maxVersion })),
        ),
        { maxLength: 3, selector: ([name]) => name },
      )
      .map((entries) => new Map(entries)),
  },
  { requiredKeys: ['endpoints', 'jmxPort', 'timestamp', 'features'] },
);

const assignment = fc
  .tuple(replicaList(), replicaList(0), replicaList(0))
  .map(([replicas, addingReplicas, removingReplicas]) => ({
    replicas,
    addingReplicas,
    removingReplicas,
  }));

const topicAssignmentValue = fc.record(
  {
    topicId: fc
      .uint8Array({ minLength: 16, maxLength: 16 })
      .map((b) => Buffer.from(b).toString('base64url')),
    partitions: fc
      .uniqueArray(fc.tuple(partitionId, assignment), { maxLength: 6, selector: ([p]) => p })
      .map((entries) => new Map(entries)),
  },
  { requiredKeys: ['partitions'] },
);

const configEntity = fc.oneof(
  topic.map((name): ConfigEntity => ({ type: 'topics', name })),
  fc
    .oneof(
      unicode.filter((n) => n.length > 0),
      fc.constant(DEFAULT_ENTITY),
    )
    .chain((name) =>
      fc.constantFrom<ConfigEntity>(
        { type: 'clients', name },
        { type: 'users', name },
        { type: 'users', name, clientId: name },
      ),
    ),
  fc.integer({ min: 0, max: 2147483647 }).map((id): ConfigEntity => ({
    type: 'brokers',
    name: String(id),
  })),
  fc.ipV4().map((name): ConfigEntity => ({ type: 'ips', name })),
);

const reassignment = topicPartitions.chain((tps) =>
  fc
    .tuple(...tps.map(() => replicaList()))
    .map((lists) => ({ partitions: tps.map((tp, i) => ({ ...tp, replicas: lists[i] })) })),
);

const aclEntry = fc.record({
  principal: fc
    .tuple(fc.constantFrom('User', 'Group'), fc.string({ maxLength: 10 }))
    .map(([t, n]) => `${t}:${n}`),
  permissionType: fc.constantFrom(...acl.PERMISSION_TYPES),
  operation: fc.constantFrom(...acl.OPERATIONS),
  host: fc.oneof(fc.constant('*'), fc.ipV4(), fc.ipV6()),
});

const principal = unicode.map((n) => `User:${n}`);
const tokenId = fc.stringMatching(/^[A-Za-z0-9_-]{1,22}$/);

/** Every znode codec of zk-schema/znodes. */
export const CODEC_CASES: readonly CodecCase<unknown>[] = [
  codec({
    name: 'cluster id',
    values: fc.string({ minLength: 1 }).map((id) => ({ id })),
    encode: clusterId.encode,
    decode: (b) => clusterId.decode(b),
  }),
  codec({
    name: 'controller',
    values: fc.record({ brokerId, timestamp }),
    encode: controller.encode,
    decode: (b) => controller.decode(b),
  }),
  codec({
    name: 'controller epoch',
    values: epoch,
    encode: controllerEpoch.encode,
    decode: (b) => controllerEpoch.decode(b),
  }),
  codec({
    name: 'broker registration',
    values: registration,
    encode: brokerRegistration.encode,
    decode: (b) => brokerRegistration.decode(b),
  }),
  codec({
    name: 'topic assignment',
    values: topicAssignmentValue,
    encode: topicAssignment.encode,
    decode: (b) => topicAssignment.decode(b),
  }),
  codec({
    name: 'partition state',
    values: fc.record({
      leader: fc.integer({ min: -1, max: 2147483647 }),
      leaderEpoch: epoch,
      isr: replicaList(0),
      controllerEpoch: epoch,
    }),
    encode: partitionState.encode,
    decode: (b) => partitionState.decode(b),
  }),
  codec({
    name: 'entity config',
    values: fc
      .uniqueArray(fc.tuple(mapKey, unicode), { selector: ([k]) => k })
      .map((entries) => new Map(entries)),
    encode: entityConfig.encode,
    decode: (b) => entityConfig.decode(b),
  }),
  codec({
    name: 'config change notification',
    values: configEntity.map((entity) => ({ entity })),
    encode: configChange.encode,
    decode: (b) => configChange.decode(b),
  }),
  codec({
    name: 'reassign partitions',
    values: reassignment,
    encode: reassignPartitions.encode,
    decode: (b) => reassignPartitions.decode(b),
  }),
  codec({
    name: 'preferred replica election',
    values: topicPartitions.map((partitions) => ({ partitions })),
    encode: preferredElection.encode,
    decode: (b) => preferredElection.decode(b),
  }),
  codec({
    name: 'isr change notification',
    values: topicPartitions.map((partitions) => ({ partitions })),
    encode: isrChange.encode,
    decode: (b) => isrChange.decode(b),
  }),
  codec({
    name: 'log dir event notification',
    values: brokerId.map((id) => ({ brokerId: id })),
    encode: logDirEvent.encode,
    decode: (b) => logDirEvent.decode(b),
  }),
  codec({
    name: 'producer id block',
    values: fc
      .tuple(brokerId, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1000 }))
      .map(([id, start]) => ({ brokerId: id, blockStart: start, blockEnd: start + 999 })),
    encode: producerIdBlock.encode,
    decode: (b) => producerIdBlock.decode(b),
  }),
  codec({
    name: 'feature',
    values: fc.record({
      status: fc.constantFrom<feature.FeatureStatus>('enabled', 'disabled'),
      features: fc
        .uniqueArray(
          fc.tuple(
            featureName,
            versionRange.map(([minVersionLevel, maxVersionLevel]) => ({
              minVersionLevel,
              maxVersionLevel,
            })),
          ),
          { maxLength: 4, selector: ([n]) => n },
        )
        .map((entries) => new Map(entries)),
    }),
    encode: feature.encode,
    decode: (b) => feature.decode(b),
  }),
  codec({
    name: 'acl',
    values: fc.array(aclEntry, { maxLength: 6 }).map((acls) => ({ acls })),
    encode: acl.encode,
    decode: (b) => acl.decode(b),
  }),
  codec({
    name: 'literal acl change',
    values: aclPattern(['LITERAL']),
    encode: (p) => changeStore('LITERAL').encode(p),
    decode: (b) => changeStore('LITERAL').decode(b),
  }),
  codec({
    name: 'extended acl change',
    values: aclPattern(['PREFIXED']),
    encode: (p) => changeStore('PREFIXED').encode(p),
    decode: (b) => changeStore('PREFIXED').decode(b),
  }),
  codec({
    name: 'delegation token',
    values: fc.record({
      owner: principal,
      renewers: fc.array(principal, { maxLength: 3 }),
      issueTimestamp: timestamp,
      maxTimestamp: timestamp,
      expiryTimestamp: timestamp,
      tokenId,
    }),
    encode: delegationToken.encode,
    decode: (b) => delegationToken.decode(b),
  }),
  codec({
    name: 'delegation token change',
    values: tokenId,
    encode: delegationToken.encodeChange,
    decode: (b) => delegationToken.decodeChange(b),
  }),
];
