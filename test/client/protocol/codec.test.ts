import fc from 'fast-check';
import { ApiKey, allApis } from '../../../client/protocol/apis';
import {
  decodeRequest,
  decodeResponse,
  decodeResponseCorrelationId,
  encodeRequest,
  encodeResponse,
} from '../../../client/protocol/codec';
import { FrameDecoder, encodeFrame } from '../../../client/protocol/framing';
import { samsa } from '../../../client/protocol/generated/messages';
import {
  MalformedMessageError,
  ProtocolError,
  UnknownApiKeyError,
  UnsupportedVersionError,
} from '../../../client/protocol/protocol-errors';
import { RECORDS, samples } from './api-samples';

/** The body of a frame produced by an encoder, read back through the frame decoder. */
function unframe(frame: Buffer): Buffer {
  const bodies = new FrameDecoder().push(frame);
  expect(bodies).toHaveLength(1);
  return bodies[0];
}

/** Raw envelope bytes, for requests the typed encoder refuses to build. */
function rawRequest(message: samsa.Request.$Properties): Buffer {
  return Buffer.from(samsa.Request.encode(message).finish());
}

describe('request and response codecs', () => {
  test.each(allApis().map((api) => [api.name, api.key] as const))(
    '%s request survives a round trip with every field',
    (_name, apiKey) => {
      const header = { apiKey, apiVersion: 0, correlationId: 41, clientId: 'console-producer' };
      const frame = encodeRequest(header, samples[apiKey].request);
      expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
      const request = decodeRequest(unframe(frame));
      expect(request).toMatchObject({ ...header, body: samples[apiKey].request });
    },
  );

  test.each(allApis().map((api) => [api.name, api.key] as const))(
    '%s response survives a round trip with every field',
    (_name, apiKey) => {
      const frame = encodeResponse(apiKey, 2147483647, samples[apiKey].response);
      const response = decodeResponse(unframe(frame), apiKey);
      expect(response.correlationId).toBe(2147483647);
      expect(response.body).toMatchObject(samples[apiKey].response);
    },
  );

  test('64-bit offsets and timestamps decode as numbers, defaults included', () => {
    const frame = encodeResponse(ApiKey.Produce, 1, {
      responses: [
        {
          name: 't',
          partitionResponses: [{ index: 0, baseOffset: 2 ** 53 - 1, logAppendTimeMs: -1 }],
        },
      ],
    });
    const partition = decodeResponse(unframe(frame), ApiKey.Produce).body.responses[0]
      .partitionResponses[0];
    expect(partition.baseOffset).toBe(2 ** 53 - 1);
    expect(partition.logAppendTimeMs).toBe(-1);
    expect(partition.logStartOffset).toBe(0);
    expect(typeof partition.logStartOffset).toBe('number');
  });

  test('record batch bytes decode as a view of the frame, not a copy', () => {
    const body = unframe(
      encodeRequest(
        { apiKey: ApiKey.Produce, apiVersion: 0, correlationId: 1, clientId: 'c' },
        samples[ApiKey.Produce].request,
      ),
    );
    const request = decodeRequest(body);
    if (request.apiKey !== ApiKey.Produce) throw new Error('expected a Produce request');
    const records = request.body.topicData[0].partitionData[0].records;
    expect(Buffer.from(records).equals(RECORDS)).toBe(true);
    expect(records.buffer).toBe(body.buffer);
  });

  test('a missing nullable string decodes as null, an empty one as the empty string', () => {
    const frame = encodeResponse(ApiKey.Metadata, 1, {
      brokers: [{ nodeId: 1, host: 'h', port: 1 }],
      clusterId: '',
    });
    const body = decodeResponse(unframe(frame), ApiKey.Metadata).body;
    expect(body.brokers[0].rack).toBeNull();
    expect(body.clusterId).toBe('');
  });

  test('the correlation id of a response can be read without decoding its body', () => {
    const frame = encodeResponse(ApiKey.Metadata, 77, samples[ApiKey.Metadata].response);
    expect(decodeResponseCorrelationId(unframe(frame))).toBe(77);
  });
});

describe('request decoding errors', () => {
  test('an unknown api key is an UnknownApiKeyError naming the key and correlation id', () => {
    const bytes = rawRequest({ apiKey: 48, apiVersion: 0, correlationId: 9, clientId: 'c' });
    const error = catchError(() => decodeRequest(bytes));
    expect(error).toBeInstanceOf(UnknownApiKeyError);
    expect(error).toMatchObject({ apiKey: 48, correlationId: 9, message: 'unknown api key 48' });
  });

  test('a version outside the supported range is an UnsupportedVersionError', () => {
    const bytes = rawRequest({
      apiKey: ApiKey.Metadata,
      apiVersion: 3,
      correlationId: 5,
      metadata: {},
    });
    const error = catchError(() => decodeRequest(bytes));
    expect(error).toBeInstanceOf(UnsupportedVersionError);
    expect(error.message).toBe('unsupported version 3 of Metadata (supported: 0..0)');
  });

  test('a body of another API is malformed', () => {
    const bytes = rawRequest({ apiKey: ApiKey.Metadata, correlationId: 5, produce: {} });
    expect(() => decodeRequest(bytes)).toThrow(
      'Metadata request (correlation id 5) carries a produce body',
    );
  });

  test('a request without a body is malformed', () => {
    const bytes = rawRequest({ apiKey: ApiKey.Fetch, correlationId: 5 });
    expect(() => decodeRequest(bytes)).toThrow(MalformedMessageError);
  });

  test('a request whose body holds invalid bytes names its API in the error', () => {
    const frameBody = unframe(
      encodeRequest(
        { apiKey: ApiKey.Metadata, apiVersion: 0, correlationId: 3, clientId: 'c' },
        { topics: [{ name: 'orders' }] },
      ),
    );
    // Turn the topic name into invalid UTF-8: the body's length framing stays intact.
    const corrupt = Buffer.from(frameBody);
    corrupt[corrupt.indexOf('orders')] = 0xff;
    const error = catchError(() => decodeRequest(corrupt));
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect(error.message).toMatch(/^malformed Metadata request \(correlation id 3\): /);
  });

  test('a truncated request is malformed', () => {
    const frameBody = unframe(
      encodeRequest(
        { apiKey: ApiKey.Produce, apiVersion: 0, correlationId: 3, clientId: 'c' },
        samples[ApiKey.Produce].request,
      ),
    );
    expect(() => decodeRequest(frameBody.subarray(0, frameBody.length - 5))).toThrow(
      MalformedMessageError,
    );
  });

  test('an int64 beyond 2^53 is rejected instead of being rounded', () => {
    // ControlledShutdownRequest { broker_id: 1, broker_epoch: 2^60 }, broker_epoch as a 9-byte varint.
    const body = [0x08, 0x01, 0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10];
    // Request { api_key: 7, correlation_id: 1, controlled_shutdown (field 107): body }
    const bytes = Buffer.from([0x08, 0x07, 0x18, 0x01, 0xda, 0x06, body.length, ...body]);
    const error = catchError(() => decodeRequest(bytes));
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect(error.message).toMatch(/does not fit in a JavaScript number/);
  });

  test('int64 values up to 2^53 - 1 in magnitude decode exactly, negative ones included', () => {
    for (const brokerEpoch of [0, 1, -1, 2 ** 32, -(2 ** 32) - 7, 2 ** 53 - 1, -(2 ** 53 - 1)]) {
      const frame = encodeRequest(
        { apiKey: ApiKey.ControlledShutdown, apiVersion: 0, correlationId: 1, clientId: '' },
        { brokerId: 1, brokerEpoch },
      );
      expect(decodeRequest(unframe(frame)).body).toMatchObject({ brokerEpoch });
    }
  });

  test('random bytes raise only ProtocolErrors and never touch Object.prototype (fuzz)', () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeRequest(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  });

  test('mutated valid requests raise only ProtocolErrors (fuzz)', () => {
    const valid = allApis().map((api) =>
      unframe(
        encodeRequest(
          { apiKey: api.key, apiVersion: 0, correlationId: 1, clientId: 'fuzz' },
          samples[api.key].request,
        ),
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (original, mutations) => {
          const bytes = Buffer.from(original);
          for (const [position, value] of mutations) bytes[position % bytes.length] = value;
          try {
            decodeRequest(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('response decoding errors', () => {
  test('a response carrying the body of another API is malformed', () => {
    const frame = encodeResponse(ApiKey.Metadata, 1, {});
    expect(() => decodeResponse(unframe(frame), ApiKey.Fetch)).toThrow(
      'expected a Fetch response (correlation id 1), got a metadata body',
    );
  });

  test('undecodable response bytes are malformed', () => {
    expect(() => decodeResponse(Buffer.from([0x0a, 0x05, 0x01]), ApiKey.Fetch)).toThrow(
      MalformedMessageError,
    );
  });
});

test('frames from encodeFrame carry encoder output unchanged', () => {
  const body = Buffer.from(samsa.Response.encode({ correlationId: 3, metadata: {} }).finish());
  expect(encodeFrame(body).equals(encodeResponse(ApiKey.Metadata, 3, {}))).toBe(true);
});

function catchError(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
