import { Writable } from 'node:stream';
import request from 'supertest';
import { EventTypes, acceptedReplySchema, userPasswordResetRequestedDataSchema } from '@shop/contracts';
import { createLogger } from '@shop/platform';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import type { AuthApp } from '../src/composition';
import { hashOneTimeToken } from '../src/domain/one-time-token';
import {
  authDatabases,
  buildTestApp,
  eventCount,
  latestLinkToken,
  newAccount,
  registerAndStartSession,
  rowCounts,
  sessionCookieHeader,
  shopOrigin,
  startSession,
  testClock,
} from './auth-test-kit';

describeEachDatabase<Database>('auth password reset over HTTP', authDatabases, (getDb) => {
  const clock = testClock(Date.parse('2031-05-01T10:00:00Z'));
  const logLines: string[] = [];
  let auth: AuthApp;
  beforeAll(() => {
    // Every line the service logs, at the most talkative level, to look for the token in.
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    auth = buildTestApp(getDb(), { now: clock.read, logger: createLogger({ service: 'auth-test', level: 'trace', destination }) });
  });
  const api = () => request(auth.app);
  const requestReset = (email: string) => api().post('/api/auth/password-reset').send({ email });
  const confirm = (token: string, password: string) => api().post('/api/auth/password-reset/confirm').send({ token, password });
  const refresh = (refreshToken: string) => api().post('/api/auth/session/refresh').set('Origin', shopOrigin).set('Cookie', sessionCookieHeader(refreshToken));
  const resetEvents = (userId: string) => eventCount(getDb(), userId, EventTypes.userPasswordResetRequested);
  const newPassword = 'a brand new passphrase';

  /** A registered account with a fresh session, the clock moved past any earlier link limit. */
  async function account(label: string) {
    clock.advanceSeconds(120);
    const created = newAccount(label);
    const session = await registerAndStartSession(auth.app, created);
    return { ...created, id: session.grant.user.id, refreshToken: session.refreshToken };
  }

  it('when a reset is asked for a registered and an unknown address, then both answer the same 202 and only the registered one gets a link', async () => {
    const known = await account('known');
    const unknownEmail = `nobody-${known.email}`;
    const before = await rowCounts(getDb());
    const asUnknown = await requestReset(unknownEmail);
    // Nothing is written for the unknown address: no token, no event.
    expect(await rowCounts(getDb())).toEqual(before);
    const asKnown = await requestReset(known.email.toUpperCase());

    expect(asKnown.status).toBe(202);
    expect(asUnknown.status).toBe(202);
    expect(asKnown.body).toEqual({ status: 'accepted' });
    expect(asUnknown.body).toEqual(asKnown.body);
    expect(acceptedReplySchema.parse(asKnown.body)).toEqual(asKnown.body);
    for (const header of ['content-type', 'cache-control', 'pragma', 'set-cookie']) expect([header, asUnknown.headers[header]]).toEqual([header, asKnown.headers[header]]);

    expect(await rowCounts(getDb())).toEqual({ ...before, outbox: before.outbox + 1, oneTimeTokens: before.oneTimeTokens + 1 });
    const { rows } = await getDb().query<{ data: unknown }>('SELECT data FROM outbox_events WHERE subject = $1 AND type = $2', [known.id, EventTypes.userPasswordResetRequested]);
    const data = userPasswordResetRequestedDataSchema.parse(rows[0].data);
    expect(data).toMatchObject({ userId: known.id, email: known.email, name: known.name, requestedAt: new Date(clock.now).toISOString() });
    expect(Buffer.from(data.token, 'base64url')).toHaveLength(32);
    expect(Date.parse(data.expiresAt) - Date.parse(data.requestedAt)).toBe(30 * 60 * 1000);
    // Only the token's SHA-256 is stored.
    const stored = await getDb().query<{ token_hash: string; purpose: string; expires_at: Date }>('SELECT token_hash, purpose, expires_at FROM one_time_tokens WHERE user_id = $1 AND purpose = $2', [
      known.id,
      'password_reset',
    ]);
    expect(stored.rows).toEqual([{ token_hash: hashOneTimeToken(data.token), purpose: 'password_reset', expires_at: new Date(data.expiresAt) }]);
  });

  it('when a reset is asked again within 60 s, then it answers 202 and sends nothing; after the minute, a new link goes out', async () => {
    const owner = await account('limited');
    await requestReset(owner.email).expect(202);
    clock.advanceSeconds(59);
    await requestReset(owner.email).expect(202);
    // Ten at once inside the minute: still nothing more.
    await Promise.all(Array.from({ length: 10 }, () => requestReset(owner.email).expect(202)));
    expect(await resetEvents(owner.id)).toBe(1);
    clock.advanceSeconds(2);
    await requestReset(owner.email).expect(202);
    expect(await resetEvents(owner.id)).toBe(2);
  });

  it('when 10 resets of one address arrive at once, then one link is e-mailed', async () => {
    const owner = await account('burst');
    const answers = await Promise.all(Array.from({ length: 10 }, () => requestReset(owner.email)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 202));
    expect(await resetEvents(owner.id)).toBe(1);
  });

  it('when the link is used, then the password changes, every session ends (the old cookie is refused) and the link cannot be used again', async () => {
    const owner = await account('resetting');
    const otherDevice = await startSession(auth.app, owner);
    await requestReset(owner.email).expect(202);
    const token = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;

    const done = await confirm(token, newPassword).expect(204);
    expect(done.headers['set-cookie']?.[0]).toMatch(/^shop_refresh=;.*Expires=Thu, 01 Jan 1970/);
    await refresh(owner.refreshToken).expect(401);
    await refresh(otherDevice.refreshToken).expect(401);
    const { rows } = await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL', [owner.id]);
    expect(Number(rows[0].n)).toBe(0);

    await api().post('/api/auth/login').send({ email: owner.email, password: owner.password }).expect(401);
    const login = await api().post('/api/auth/login').send({ email: owner.email, password: newPassword }).expect(200);
    // The link came to the inbox, so the address is proved.
    expect(login.body.user.emailVerified).toBe(true);

    const again = await confirm(token, 'yet another passphrase').expect(400);
    expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(again.body).toMatchObject({ type: 'urn:shop:problem:invalid', detail: 'The reset link is invalid or has expired', errors: [{ field: 'body.token', message: expect.any(String) }] });
    await api().post('/api/auth/login').send({ email: owner.email, password: 'yet another passphrase' }).expect(401);
  });

  it('when the same link is confirmed twice at once, then exactly one succeeds', async () => {
    const owner = await account('racing-reset');
    await requestReset(owner.email).expect(202);
    const token = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;
    const answers = await Promise.all(['first new passphrase', 'second new passphrase'].map((password) => confirm(token, password)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 400]);
  });

  it('when the link is older than 30 minutes, then it is refused and the password stays', async () => {
    const owner = await account('expired');
    await requestReset(owner.email).expect(202);
    const token = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;
    clock.advanceSeconds(30 * 60);
    const res = await confirm(token, newPassword).expect(400);
    expect(res.body).toMatchObject({ detail: 'The reset link is invalid or has expired', errors: [{ field: 'body.token' }] });
    await api().post('/api/auth/login').send({ email: owner.email, password: owner.password }).expect(200);
  });

  it('when a link just inside its 30 minutes is used, then it works', async () => {
    const owner = await account('just-in-time');
    await requestReset(owner.email).expect(202);
    const token = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;
    clock.advanceSeconds(30 * 60 - 1);
    await confirm(token, newPassword).expect(204);
  });

  it('when the new password breaks the policy, then 400 names body.password and the link stays usable', async () => {
    const owner = await account('weak');
    await requestReset(owner.email).expect(202);
    const token = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;
    for (const weak of ['short', 'password123', owner.email]) {
      const res = await confirm(token, weak).expect(400);
      expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual(expect.arrayContaining(['body.password']));
    }
    await refresh(owner.refreshToken).expect(200);
    await confirm(token, newPassword).expect(204);
  });

  it('when a later link is used, then the earlier ones are spent with it', async () => {
    const owner = await account('two-links');
    await requestReset(owner.email).expect(202);
    const first = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;
    clock.advanceSeconds(61);
    await requestReset(owner.email).expect(202);
    const second = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;
    expect(second).not.toBe(first);
    await confirm(second, newPassword).expect(204);
    await confirm(first, 'another new passphrase').expect(400);
  });

  it('when the token is unknown, malformed or a verification token, then 400 on body.token', async () => {
    const owner = await account('wrong-kind');
    const verificationToken = (await latestLinkToken(getDb(), owner.id, EventTypes.userEmailVerificationRequested))!;
    await confirm(verificationToken, newPassword).expect(400);
    await confirm('A'.repeat(43), newPassword).expect(400);
    const missing = await api().post('/api/auth/password-reset/confirm').send({ password: newPassword }).expect(400);
    expect(missing.body.errors.map((error: { field: string }) => error.field)).toContain('body.token');
    await api().post('/api/auth/password-reset').send({ email: 'not an address' }).expect(400);
    await api().post('/api/auth/password-reset').send({ email: owner.email, extra: true }).expect(400);
  });

  it('when a reset is asked and used, then no log line carries the token', async () => {
    const owner = await account('logged');
    logLines.length = 0;
    await requestReset(owner.email).expect(202);
    const token = (await latestLinkToken(getDb(), owner.id, EventTypes.userPasswordResetRequested))!;
    await confirm(token, newPassword).expect(204);
    await confirm(token, newPassword).expect(400);
    // The access log saw the requests; none of its lines holds the token or its hash.
    expect(logLines.length).toBeGreaterThanOrEqual(3);
    for (const line of logLines) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(hashOneTimeToken(token));
    }
  });
});
