/**
 * Every znode decoder against malformed and hostile payloads: each must fail with a one-line,
 * non-retriable ZkDataError naming the znode, never crash with another error, and never let a
 * payload reach an object prototype.
 */
import fc from 'fast-check';
import { MAX_JSON_DEPTH, MAX_ZNODE_DATA_BYTES, ZkDataError } from '../../../zk-schema/json';
import * as acl from '../../../zk-schema/znodes/acl';
import { EXTENDED_CHANGES, LITERAL_CHANGES } from '../../../zk-schema/znodes/acl-change';
import * as brokerRegistration from '../../../zk-schema/znodes/broker-registration';
import * as clusterId from '../../../zk-schema/znodes/cluster-id';
import * as configChange from '../../../zk-schema/znodes/config-change';
import * as controller from '../../../zk-schema/znodes/controller';
import * as controllerEpoch from '../../../zk-schema/znodes/controller-epoch';
import * as delegationToken from '../../../zk-schema/znodes/delegation-token';
import * as entityConfig from '../../../zk-schema/znodes/entity-config';
import * as feature from '../../../zk-schema/znodes/feature';
import * as isrChange from '../../../zk-schema/znodes/isr-change-notification';
import * as logDirEvent from '../../../zk-schema/znodes/log-dir-event-notification';
import * as partitionState from '../../../zk-schema/znodes/partition-state';
import * as preferredElection from '../../../zk-schema/znodes/preferred-replica-election';
import * as producerIdBlock from '../../../zk-schema/znodes/producer-id-block';
import * as reassignPartitions from '../../../zk-schema/znodes/reassign-partitions';
import * as topicAssignment from '../../../zk-schema/znodes/topic-assignment';
import { zkDataError } from './arbitraries';

type Decoder = (bytes: Buffer, where?: string) => unknown;

const jsonDecoders: Array<[string, Decoder]> = [
  ['/cluster/id', clusterId.decode],
  ['/controller', controller.decode],
  ['/brokers/ids/<id>', brokerRegistration.decode],
  ['/brokers/topics/<topic>', topicAssignment.decode],
  ['partition state', partitionState.decode],
  ['/config/<type>/<name>', entityConfig.decode],
  ['config change', configChange.decode],
  ['/admin/reassign_partitions', reassignPartitions.decode],
  ['/admin/preferred_replica_election', preferredElection.decode],
  ['isr change', isrChange.decode],
  ['log dir event', logDirEvent.decode],
  ['/latest_producer_id_block', producerIdBlock.decode],
  ['/feature', feature.decode],
  ['ACL resource', acl.decode],
  ['extended ACL change', EXTENDED_CHANGES.decode],
  ['delegation token', delegationToken.decode],
];

const textDecoders: Array<[string, Decoder]> = [
  ['/controller_epoch', controllerEpoch.decode],
  ['literal ACL change', LITERAL_CHANGES.decode],
  ['token change', delegationToken.decodeChange],
];

const allDecoders = [...jsonDecoders, ...textDecoders];

function nested(depth: number): string {
  return `{"version":1,"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

const hostilePayloads: Array<[string, Buffer, RegExp]> = [
  [
    'invalid UTF-8',
    Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    /payload is not valid UTF-8/,
  ],
  ['truncated JSON', Buffer.from('{"version":1,'), /payload is not valid JSON/],
  ['an array', Buffer.from('[{"version":1}]'), /expected a JSON object, got an array/],
  ['a string', Buffer.from('"version"'), /expected a JSON object, got string/],
  ['null', Buffer.from('null'), /expected a JSON object, got null/],
  ['a __proto__ key', Buffer.from('{"__proto__":{"polluted":1}}'), /forbidden key "__proto__"/],
  [
    'constructor.prototype',
    Buffer.from('{"constructor":{"prototype":{"polluted":1}}}'),
    /forbidden key "constructor"/,
  ],
  [
    'a nested __proto__ key',
    Buffer.from(
      '{"version":1,"partitions":{"0":[1]},"extra":[{"a":{"__proto__":{"polluted":1}}}]}',
    ),
    /forbidden key "__proto__"/,
  ],
  [
    'a prototype key',
    Buffer.from('{"version":1,"prototype":{"polluted":1}}'),
    /forbidden key "prototype"/,
  ],
  ['a huge version', Buffer.from('{"version":1e400}'), /field "version": unsupported version/],
  ['a string version', Buffer.from('{"version":"2"}'), /field "version": unsupported version/],
  ['deep nesting', Buffer.from(nested(100000)), new RegExp(`nested deeper than ${MAX_JSON_DEPTH}`)],
  [
    'an oversize payload',
    Buffer.alloc(MAX_ZNODE_DATA_BYTES + 1, 0x20),
    new RegExp(
      `payload of ${MAX_ZNODE_DATA_BYTES + 1} bytes exceeds ${MAX_ZNODE_DATA_BYTES} bytes`,
    ),
  ],
];

function expectCleanFailure(decode: Decoder, bytes: Buffer, pattern: RegExp): void {
  const error = zkDataError(() => decode(bytes, '/the/znode'));
  expect(error).toBeInstanceOf(ZkDataError);
  expect(error.retriable).toBe(false);
  expect(error.message).toMatch(/^\/the\/znode: /);
  expect(error.message).not.toMatch(/[\r\n]/);
  expect(error.message).toMatch(pattern);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

describe.each(jsonDecoders)('the %s decoder', (_name, decode) => {
  it.each(hostilePayloads)('refuses %s with a one-line ZkDataError', (_what, bytes, pattern) => {
    expectCleanFailure(decode, bytes, pattern);
  });
});

describe.each(textDecoders)('the %s decoder', (_name, decode) => {
  it('refuses invalid UTF-8', () => {
    expectCleanFailure(decode, Buffer.from([0x31, 0xff]), /payload is not valid UTF-8/);
  });

  it('refuses an oversize payload', () => {
    expectCleanFailure(decode, Buffer.alloc(MAX_ZNODE_DATA_BYTES + 1, 0x31), /exceeds/);
  });

  it('cannot pollute a prototype with a JSON payload', () => {
    try {
      decode(Buffer.from('{"__proto__":{"polluted":1}}'));
    } catch (e) {
      expect(e).toBeInstanceOf(ZkDataError);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('every decoder', () => {
  it.each(allDecoders)('%s refuses a value that is not a buffer', (_name, decode) => {
    const notABuffer = 'not a buffer' as unknown as Buffer;
    expectCleanFailure(decode, notABuffer, /expected a byte buffer, got string/);
  });

  it('never throws anything but ZkDataError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (raw) => {
        for (const [, decode] of allDecoders) {
          try {
            decode(Buffer.from(raw));
          } catch (e) {
            if (!(e instanceof ZkDataError)) throw e;
          }
        }
      }),
    );
  });

  it('never throws anything but ZkDataError on random JSON, even around known fields', () => {
    const field = fc.constantFrom(
      'version',
      'partitions',
      'isr',
      'leader',
      'endpoints',
      'features',
      'config',
      'acls',
      'entity_path',
      'topic',
      'replicas',
      'listener_security_protocol_map',
      '__proto__',
    );
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(field, fc.jsonValue({ maxDepth: 3 })),
      fc
        .dictionary(field, fc.jsonValue({ maxDepth: 3 }))
        .map((d) => ({ ...d, version: 1 }))
        .map((d) => d as unknown),
    );
    fc.assert(
      fc.property(payload, (value) => {
        const bytes = Buffer.from(JSON.stringify(value) ?? 'null');
        for (const [, decode] of allDecoders) {
          try {
            decode(bytes);
          } catch (e) {
            if (!(e instanceof ZkDataError)) throw e;
          }
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
