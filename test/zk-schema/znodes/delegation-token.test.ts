import * as delegationToken from '../../../zk-schema/znodes/delegation-token';
import { createPath } from '../../../zk-schema/znodes/sequential';
import { zkDataError } from './arbitraries';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('/delegation_token', () => {
  it('builds the token and change paths', () => {
    expect(delegationToken.path('abc')).toBe('/delegation_token/tokens/abc');
    expect(delegationToken.tokensPath()).toBe('/delegation_token/tokens');
    expect(createPath(delegationToken.CHANGES)).toBe(
      '/delegation_token/token_changes/token_change_',
    );
    expect(() => delegationToken.path('a/b')).toThrow(/invalid delegation token id/);
  });

  it('stores principals sanitized and timestamps as numbers', () => {
    const encoded = delegationToken.encode({
      owner: 'User:alice',
      renewers: ['User:bob smith'],
      issueTimestamp: 1620000000000,
      maxTimestamp: 1620604800000,
      expiryTimestamp: 1620086400000,
      tokenId: 'tok1',
    });
    expect(encoded.toString()).toBe(
      '{"version":1,"owner":"User%3Aalice","renewers":["User%3Abob%20smith"],"issueTimestamp":1620000000000,' +
        '"maxTimestamp":1620604800000,"expiryTimestamp":1620086400000,"tokenId":"tok1"}',
    );
  });

  it('refuses an owner that is not a principal and a token id with a slash', () => {
    const base = '"renewers":[],"issueTimestamp":1,"maxTimestamp":1,"expiryTimestamp":1';
    expect(
      zkDataError(() =>
        delegationToken.decode(bytes(`{"version":1,"owner":"alice",${base},"tokenId":"t"}`)),
      ).message,
    ).toMatch(/field "owner": expected "<PrincipalType>:<name>"/);
    expect(
      zkDataError(() =>
        delegationToken.decode(bytes(`{"version":1,"owner":"User%3Aa",${base},"tokenId":"a/b"}`)),
      ).message,
    ).toMatch(/field "tokenId": "a\/b" contains '\/'/);
  });
});
