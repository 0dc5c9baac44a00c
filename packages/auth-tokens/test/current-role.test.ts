import express from 'express';
import request from 'supertest';
import type { UserAuthorization } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { createHttpApp, createLogger, createServiceMetrics } from '@shop/platform';
import { AccessTokenSigner, StaticJwks, TokenVerifier, authenticate, generateSigningKey, requireCurrentRole, type UserAuthorizations } from '@shop/auth-tokens';

const logger = createLogger({ service: 'test', level: 'silent' });
const signer = new AccessTokenSigner({ keys: [generateSigningKey()], ttlSeconds: 60 });
const verifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) });
const adminToken = (userId: string) => `Bearer ${signer.sign({ userId, email: `${userId}@example.com`, roles: ['customer', 'admin'] })}`;
const customerToken = `Bearer ${signer.sign({ userId: 'customer', email: 'customer@example.com', roles: ['customer'] })}`;

/** What "auth's database" says in these tests, and who was asked. */
const stored = new Map<string, UserAuthorization>([
  ['still-admin', { userId: 'still-admin', roles: ['customer', 'admin'], disabled: false }],
  ['demoted', { userId: 'demoted', roles: ['customer'], disabled: false }],
  ['disabled-admin', { userId: 'disabled-admin', roles: ['customer', 'admin'], disabled: true }],
]);
const asked: string[] = [];
let authAnswers = true;
const authorizations: UserAuthorizations = {
  authorizationOf: async (userId) => {
    asked.push(userId);
    if (!authAnswers) throw new AppError('unavailable', 'auth is unreachable', { retryAfterSeconds: 1 });
    return stored.get(userId);
  },
};

const app = createHttpApp({
  service: 'test',
  logger,
  metrics: createServiceMetrics('test', { collectProcessMetrics: false }),
  mountRoutes: (a) => {
    const router = express.Router();
    router.delete('/things/:id', authenticate(verifier), requireCurrentRole(authorizations, 'admin'), (_req, res) => void res.status(204).end());
    a.use(router);
  },
}).app;

describe('requireCurrentRole', () => {
  beforeEach(() => {
    asked.length = 0;
    authAnswers = true;
  });

  it('when auth\'s database still gives the token\'s user the role, then the route runs', async () => {
    await request(app).delete('/things/1').set('Authorization', adminToken('still-admin')).expect(204);
    expect(asked).toEqual(['still-admin']);
  });

  it.each([
    ['no longer holds the role', 'demoted'],
    ['is disabled', 'disabled-admin'],
    ['no longer exists', 'deleted-admin'],
  ])('when the admin token\'s user %s, then 403 problem+json', async (_case, userId) => {
    const answer = await request(app).delete('/things/1').set('Authorization', adminToken(userId)).expect(403);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(asked).toEqual([userId]);
  });

  it('when the token itself lacks the role, then 403 without asking auth; without a token, 401', async () => {
    await request(app).delete('/things/1').set('Authorization', customerToken).expect(403);
    await request(app).delete('/things/1').expect(401);
    expect(asked).toEqual([]);
  });

  it('when auth cannot answer, then 503 problem+json with Retry-After: closed, not open', async () => {
    authAnswers = false;
    const answer = await request(app).delete('/things/1').set('Authorization', adminToken('still-admin')).expect(503);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.headers['retry-after']).toBe('1');
  });
});
