import express from 'express';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createHttpApp, createLogger, createServiceMetrics } from '@shop/platform';
import { AccessTokenSigner, RemoteJwks, StaticJwks, TokenVerifier, authenticate, generateSigningKey, principalOf, requireRole } from '@shop/auth-tokens';

const logger = createLogger({ service: 'test', level: 'silent' });
const key = generateSigningKey();
const signer = new AccessTokenSigner({ keys: [key], ttlSeconds: 60 });
const verifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) });
const customer = { userId: 'u1', email: 'c@example.com', roles: ['customer' as const] };
const admin = { userId: 'u2', email: 'a@example.com', roles: ['customer' as const, 'admin' as const] };
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A token validly signed by the test key with exactly `claims` beside the admin's subject, e-mail and roles: no
 * registered claim is added behind the test's back (jsonwebtoken keeps an `iat` it is given and, with `noTimestamp`,
 * adds none when it is not).
 */
function signedWith(claims: Record<string, unknown>): string {
  return jwt.sign({ sub: admin.userId, email: admin.email, roles: admin.roles, ...claims }, key.privateKey, {
    algorithm: 'RS256',
    keyid: key.kid,
    noTimestamp: !('iat' in claims),
  });
}
/** The claims auth puts on a 15-minute token issued now. */
const wellFormedClaims = () => ({ iss: 'shop-auth', aud: 'shop-api', iat: nowSeconds(), exp: nowSeconds() + 900 });
/** `wellFormedClaims` without `name`. */
function claimsWithout(name: keyof ReturnType<typeof wellFormedClaims>): Record<string, unknown> {
  const { [name]: _left, ...rest } = wellFormedClaims();
  return rest;
}

function app() {
  return createHttpApp({
    service: 'test',
    logger,
    metrics: createServiceMetrics('test', { collectProcessMetrics: false }),
    mountRoutes: (a) => {
      const router = express.Router();
      router.get('/public', authenticate(verifier, { optional: true }), (_req, res) => void res.json({ user: principalOf(res)?.userId ?? null }));
      router.get('/admin', authenticate(verifier), requireRole('admin'), (_req, res) => void res.json({ ok: true }));
      a.use(router);
    },
  }).app;
}

describe('authenticate and requireRole', () => {
  it('when an admin token is sent, then the admin route answers', async () => {
    const res = await request(app()).get('/admin').set('authorization', `Bearer ${signer.sign(admin)}`);
    expect(res.status).toBe(200);
  });

  it('when a customer token is sent to an admin route, then 403', async () => {
    const res = await request(app()).get('/admin').set('authorization', `Bearer ${signer.sign(customer)}`);
    expect(res.status).toBe(403);
  });

  it('when no token is sent, then 401 on a protected route and anonymous on an optional one', async () => {
    expect((await request(app()).get('/admin')).status).toBe(401);
    expect((await request(app()).get('/public')).body).toEqual({ user: null });
  });

  it.each([
    ['a token signed by an unknown key', () => new AccessTokenSigner({ keys: [generateSigningKey()] }).sign(admin)],
    ['a token with a forged kid of the real key but another signature', () => {
      const other = generateSigningKey();
      return jwt.sign({ email: admin.email, roles: admin.roles }, other.privateKey, { algorithm: 'RS256', keyid: key.kid, subject: admin.userId, issuer: 'shop-auth', audience: 'shop-api' });
    }],
    ['an HS256 token keyed with the public key', () =>
      jwt.sign({ email: admin.email, roles: admin.roles }, 'secret', { algorithm: 'HS256', keyid: key.kid, subject: admin.userId, issuer: 'shop-auth', audience: 'shop-api' })],
    ['an unsigned alg=none token', () => jwt.sign({ email: admin.email, roles: admin.roles, sub: admin.userId, iss: 'shop-auth', aud: 'shop-api' }, '', { algorithm: 'none', keyid: key.kid } as jwt.SignOptions)],
    ['an expired token', () => jwt.sign({ email: admin.email, roles: admin.roles }, key.privateKey, { algorithm: 'RS256', keyid: key.kid, subject: admin.userId, issuer: 'shop-auth', audience: 'shop-api', expiresIn: -60 })],
    ['a token for another audience', () => jwt.sign({ email: admin.email, roles: admin.roles }, key.privateKey, { algorithm: 'RS256', keyid: key.kid, subject: admin.userId, issuer: 'shop-auth', audience: 'someone-else' })],
    ['garbage', () => 'not.a.jwt'],
    ['a validly signed token without exp', () => signedWith(claimsWithout('exp'))],
    ['a validly signed token without iat', () => signedWith(claimsWithout('iat'))],
    ['a validly signed token without iss', () => signedWith(claimsWithout('iss'))],
    ['a validly signed token without aud', () => signedWith(claimsWithout('aud'))],
    ['a validly signed token of another issuer', () => signedWith({ ...wellFormedClaims(), iss: 'someone-else' })],
    ['a validly signed token for another audience', () => signedWith({ ...wellFormedClaims(), aud: 'someone-else' })],
    ['a validly signed token issued a minute in the future', () => signedWith({ ...wellFormedClaims(), iat: nowSeconds() + 60, exp: nowSeconds() + 960 })],
    ['a validly signed token with a 10-day lifetime', () => signedWith({ ...wellFormedClaims(), exp: nowSeconds() + 10 * 24 * 3600 })],
  ])('when %s is sent, then 401 problem+json, even on an optional route', async (_what, makeToken) => {
    const token = makeToken();
    for (const path of ['/admin', '/public']) {
      const res = await request(app()).get(path).set('authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.type).toBe('urn:shop:problem:unauthorized');
    }
  });

  it('when the Authorization header is not a bearer token, then 401', async () => {
    const res = await request(app()).get('/admin').set('authorization', 'Basic dXNlcjpwYXNz');
    expect(res.status).toBe(401);
  });
});

describe('TokenVerifier registered claims', () => {
  const refusal = { type: 'unauthorized' };

  it('when a validly signed token carries every claim auth puts on its tokens, then it verifies (the control of the refusals above)', async () => {
    await expect(verifier.verify(signedWith(wellFormedClaims()))).resolves.toEqual(admin);
    await expect(verifier.verify(signedWith({ ...wellFormedClaims(), aud: ['other-api', 'shop-api'] }))).resolves.toEqual(admin);
  });

  it('when a token lacks exp or iat, then the refusal says so', async () => {
    await expect(verifier.verify(signedWith(claimsWithout('exp')))).rejects.toMatchObject({ ...refusal, message: 'The access token lacks its expiry or issue time' });
    await expect(verifier.verify(signedWith(claimsWithout('iat')))).rejects.toMatchObject({ ...refusal, message: 'The access token lacks its expiry or issue time' });
  });

  it('when iat is ahead of the clock, then within the clock tolerance it verifies and beyond it it is refused', async () => {
    const now = nowSeconds();
    const fixedClock = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()), clockToleranceSeconds: 5, now: () => now * 1000 });
    await expect(fixedClock.verify(signedWith({ ...wellFormedClaims(), iat: now + 5, exp: now + 905 }))).resolves.toEqual(admin);
    await expect(fixedClock.verify(signedWith({ ...wellFormedClaims(), iat: now + 6, exp: now + 906 }))).rejects.toMatchObject({
      ...refusal,
      message: 'The access token is issued in the future',
    });
  });

  it('when maxLifetimeSeconds is configured, then a token living exactly that long verifies and one a second longer is refused', async () => {
    const strict = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()), maxLifetimeSeconds: 600 });
    const iat = nowSeconds();
    await expect(strict.verify(signedWith({ ...wellFormedClaims(), iat, exp: iat + 600 }))).resolves.toEqual(admin);
    await expect(strict.verify(signedWith({ ...wellFormedClaims(), iat, exp: iat + 601 }))).rejects.toMatchObject({ ...refusal, message: 'The access token lives longer than allowed' });
  });

  it('when no maximum is configured, then a one-hour token verifies and a token one second longer is refused', async () => {
    const iat = nowSeconds();
    await expect(verifier.verify(signedWith({ ...wellFormedClaims(), iat, exp: iat + 3600 }))).resolves.toEqual(admin);
    await expect(verifier.verify(signedWith({ ...wellFormedClaims(), iat, exp: iat + 3601 }))).rejects.toMatchObject(refusal);
  });

  it('when a verifier is configured with an empty issuer or audience, then it refuses to be built (jsonwebtoken would skip the check)', () => {
    expect(() => new TokenVerifier({ jwks: new StaticJwks(signer.jwks()), issuer: '' })).toThrow(/issuer and audience/);
    expect(() => new TokenVerifier({ jwks: new StaticJwks(signer.jwks()), audience: '' })).toThrow(/issuer and audience/);
  });
});

describe('RemoteJwks', () => {
  it('when a token names a kid the cache lacks, then the JWKS is refetched once and the rotated key verifies', async () => {
    const rotated = generateSigningKey();
    let published = new AccessTokenSigner({ keys: [key] }).jwks();
    let fetches = 0;
    const remote = new RemoteJwks({ fetchJwks: async () => { fetches += 1; return published; }, minRefreshIntervalMs: 0 });
    const remoteVerifier = new TokenVerifier({ jwks: remote });
    await remoteVerifier.verify(signer.sign(customer));
    expect(fetches).toBe(1);
    await remoteVerifier.verify(signer.sign(customer));
    expect(fetches).toBe(1);
    published = new AccessTokenSigner({ keys: [rotated, key] }).jwks();
    const rotatedSigner = new AccessTokenSigner({ keys: [rotated, key] });
    await expect(remoteVerifier.verify(rotatedSigner.sign(customer))).resolves.toMatchObject({ userId: 'u1' });
    expect(fetches).toBe(2);
  });

  it('when unknown kids keep coming, then the issuer is asked at most once per refresh interval', async () => {
    let now = 0;
    let fetches = 0;
    const remote = new RemoteJwks({ fetchJwks: async () => { fetches += 1; return signer.jwks(); }, minRefreshIntervalMs: 30_000, now: () => now });
    for (let i = 0; i < 20; i += 1) await remote.getKey(`forged-${i}`);
    expect(fetches).toBe(1);
    now += 31_000;
    await remote.getKey('forged-again');
    expect(fetches).toBe(2);
  });

  it('when the issuer is down, then the keys already known keep verifying', async () => {
    let now = 0;
    let up = true;
    const remote = new RemoteJwks({ fetchJwks: async () => { if (!up) throw new Error('down'); return signer.jwks(); }, maxAgeMs: 1000, now: () => now });
    expect(await remote.getKey(key.kid)).toBeDefined();
    up = false;
    now += 5000;
    expect(await remote.getKey(key.kid)).toBeDefined();
  });
});
