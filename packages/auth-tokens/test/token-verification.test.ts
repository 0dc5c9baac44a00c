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
