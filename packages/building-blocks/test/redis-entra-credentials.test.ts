import { describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { createClient } from 'redis';
import { entraRedisCredentials, objectIdOf, redisEntraTokenScope, type RedisAccessToken } from '../src';
import { RedisConnection } from '../src/redis-connection';

/** An unsigned JWT with the claims Azure's tokens carry that matter here (Redis compares the password verbatim). */
function fakeAccessToken(oid: string, nonce: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ oid, aud: 'https://redis.azure.com', nonce })}.signature`;
}

describe('objectIdOf', () => {
  it('when a token carries an oid claim, then that is the Redis user name', () => {
    expect(objectIdOf(fakeAccessToken('7d1c0a52-0000-4000-8000-000000000001', 'n'))).toBe('7d1c0a52-0000-4000-8000-000000000001');
  });

  it('when a token is no JWT or has no oid, then it is refused with a reason', () => {
    expect(() => objectIdOf('opaque')).toThrow(/not a JWT/);
    expect(() => objectIdOf(`${Buffer.from('{}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.x`)).toThrow(/no oid/);
  });
});

describeWithBackend('redis', 'entraRedisCredentials on a real Redis with ACL users standing in for Entra identities', (url) => {
  const firstUser = uniqueTestTag('oid-a');
  const secondUser = uniqueTestTag('oid-b');
  let admin: ReturnType<typeof createClient>;

  beforeAll(async () => {
    admin = createClient({ url });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.sendCommand(['ACL', 'DELUSER', firstUser, secondUser]);
    await admin.close();
  });

  it('when the token nears its expiry, then the open connection authenticates again with the next token, without reconnecting', async () => {
    const firstToken = fakeAccessToken(firstUser, '1');
    // The renewal hands out a token of another identity, so the connection's user name proves the re-authentication.
    const secondToken = fakeAccessToken(secondUser, '2');
    await admin.sendCommand(['ACL', 'SETUSER', firstUser, 'on', `>${firstToken}`, '~*', '+@all']);
    await admin.sendCommand(['ACL', 'SETUSER', secondUser, 'on', `>${secondToken}`, '~*', '+@all']);
    const issued: RedisAccessToken[] = [
      { token: firstToken, expiresOnTimestamp: Date.now() + 300 },
      { token: secondToken, expiresOnTimestamp: Date.now() + 3_600_000 },
    ];
    const scopes: Array<string | string[]> = [];
    const credential = {
      getToken: async (scope: string | string[]) => {
        scopes.push(scope);
        return issued.shift() ?? null;
      },
    };
    const connection = new RedisConnection({ url, credentials: entraRedisCredentials({ credential, refreshBeforeExpiryMs: 0 }) }, { name: 'entra test' });
    try {
      const client = await connection.ready(2000);
      expect(await client.sendCommand(['ACL', 'WHOAMI'])).toBe(firstUser);
      const connectionId = await client.sendCommand(['CLIENT', 'ID']);
      await eventually(async () => (await client.sendCommand(['ACL', 'WHOAMI'])) as unknown as string === secondUser, 3000);
      expect(await client.sendCommand(['CLIENT', 'ID'])).toEqual(connectionId);
      expect(scopes).toEqual([redisEntraTokenScope, redisEntraTokenScope]);
    } finally {
      await connection.close();
    }
  });

  it('when a renewal fails, then the connection keeps its token, the failure is reported, and a later renewal succeeds', async () => {
    const token = fakeAccessToken(firstUser, '3');
    await admin.sendCommand(['ACL', 'SETUSER', firstUser, 'on', `>${token}`, '~*', '+@all']);
    const errors: Error[] = [];
    let calls = 0;
    const credential = {
      getToken: async () => {
        calls += 1;
        if (calls === 2) throw new Error('Entra ID is unreachable');
        return { token, expiresOnTimestamp: Date.now() + (calls === 1 ? 100 : 3_600_000) };
      },
    };
    const connection = new RedisConnection(
      { url, credentials: entraRedisCredentials({ credential, refreshBeforeExpiryMs: 0, retryAfterMs: 50, onError: (error) => errors.push(error) }) },
      { name: 'entra test' },
    );
    try {
      const client = await connection.ready(2000);
      await eventually(() => calls >= 3, 3000);
      expect(errors.map((error) => error.message)).toEqual(['Entra ID is unreachable']);
      expect(await client.sendCommand(['ACL', 'WHOAMI'])).toBe(firstUser);
      expect(await client.ping()).toBe('PONG');
    } finally {
      await connection.close();
    }
  });
});
