import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey, type SigningKey } from '@shop/auth-tokens';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import type { AuthApp } from '../src/composition';
import { authDatabases, buildTestApp, newAccount, testSigningKey } from './auth-test-kit';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describeEachDatabase<Database>('auth access tokens and key publication', authDatabases, (getDb) => {
  let auth: AuthApp;
  let retiredKey: SigningKey;
  let session: { accessToken: string; user: { id: string; email: string } };

  beforeAll(async () => {
    retiredKey = generateSigningKey();
    // The current key signs; the retired one is still published during the rotation.
    auth = buildTestApp(getDb(), { signingKeys: [testSigningKey(), retiredKey], env: { PUBLIC_BASE_URL: 'https://shop.example.com/' } });
    const account = newAccount('tokens');
    await request(auth.app).post('/api/auth/register').send(account).expect(202);
    session = (await request(auth.app).post('/api/auth/login').send({ email: account.email, password: account.password }).expect(200)).body;
  });
  const api = () => request(auth.app);
  const me = (token: string) => api().get('/api/auth/me').set('Authorization', `Bearer ${token}`);

  it('when the JWKS is fetched, then it lists every key as a public RS256 signing key and may be cached', async () => {
    const res = await api().get('/api/auth/.well-known/jwks.json').expect(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.body.keys).toHaveLength(2);
    expect(res.body.keys.map((k: { kid: string }) => k.kid)).toEqual([testSigningKey().kid, retiredKey.kid]);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB' });
      expect(key).not.toHaveProperty('d');
      expect(key).not.toHaveProperty('p');
    }
  });

  it('when the discovery document is fetched, then it points at the public URLs', async () => {
    const res = await api().get('/api/auth/.well-known/openid-configuration').expect(200);
    expect(res.body).toMatchObject({
      issuer: 'shop-auth',
      jwks_uri: 'https://shop.example.com/api/auth/.well-known/jwks.json',
      token_endpoint: 'https://shop.example.com/api/auth/login',
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('when a TokenVerifier is built on the served JWKS, then the issued access token verifies to the user', async () => {
    const jwks = (await api().get('/api/auth/.well-known/jwks.json').expect(200)).body;
    const verifier = new TokenVerifier({ jwks: new StaticJwks(jwks) });
    await expect(verifier.verify(session.accessToken)).resolves.toEqual({ userId: session.user.id, email: session.user.email, roles: ['customer'] });
    expect(jwt.decode(session.accessToken, { complete: true })?.header).toMatchObject({ alg: 'RS256', kid: testSigningKey().kid });
  });

  it('when a token was signed by the retired key, then it is still accepted', async () => {
    const oldSigner = new AccessTokenSigner({ keys: [retiredKey] });
    await me(oldSigner.sign({ userId: session.user.id, email: session.user.email, roles: ['customer'] })).expect(200);
  });

  it('when a token is signed by an unknown key, then 401', async () => {
    const stranger = new AccessTokenSigner({ keys: [generateSigningKey()] });
    const res = await me(stranger.sign({ userId: session.user.id, email: session.user.email, roles: ['admin'] })).expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('when a token has expired, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign({ email: session.user.email, roles: ['customer'], iat: now - 1000, exp: now - 60 }, testSigningKey().privateKey, {
      algorithm: 'RS256',
      keyid: testSigningKey().kid,
      subject: session.user.id,
      issuer: 'shop-auth',
      audience: 'shop-api',
    });
    const res = await me(expired).expect(401);
    expect(res.body.detail).toMatch(/expired/);
  });

  it('when a token says alg none, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: session.user.id, email: session.user.email, roles: ['admin'], iss: 'shop-auth', aud: 'shop-api', iat: now, exp: now + 600 };
    await me(`${b64({ alg: 'none', typ: 'JWT', kid: testSigningKey().kid })}.${b64(payload)}.`).expect(401);
  });

  it('when a token is HS256-signed with the public key as the secret, then 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { sub: session.user.id, email: session.user.email, roles: ['admin'], iss: 'shop-auth', aud: 'shop-api', iat: now, exp: now + 600 };
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: testSigningKey().kid })}.${b64(payload)}`;
    const publicPem = testSigningKey().publicKey.export({ type: 'spki', format: 'pem' });
    const signature = createHmac('sha256', publicPem).update(signingInput).digest('base64url');
    await me(`${signingInput}.${signature}`).expect(401);
  });

  it('when the payload of a valid token is altered, then 401', async () => {
    const [header, payload, signature] = session.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    await me(`${header}.${b64({ ...claims, roles: ['customer', 'admin'] })}.${signature}`).expect(401);
  });

  it('when the Authorization header is not a bearer token, then 401', async () => {
    await api().get('/api/auth/me').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
  });
});
