import request from 'supertest';
import { EventTypes, registrationAcceptedReplySchema, tokenResponseSchema } from '@shop/contracts';
import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { authDatabases, buildTestApp, newAccount, rowCounts, sessionCookieValue, shopOrigin } from './auth-test-kit';
import { PasswordHasher } from '../src/domain/password-hasher';
import type { AuthApp } from '../src/composition';

describeEachDatabase<Database>('auth accounts over HTTP', authDatabases, (getDb) => {
  let auth: AuthApp;
  beforeAll(() => {
    auth = buildTestApp(getDb(), { env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '6' } });
  });
  const api = () => request(auth.app);
  /** Each test logs in from its own address, so the per-address counter of one test does not leak into another. */
  let addressCounter = 0;
  const nextAddress = () => `203.0.113.${(addressCounter += 1)}`;

  describe('register, login, me', () => {
    it('when a user registers, logs in and asks for /me, then each step answers with the same account', async () => {
      const account = newAccount();
      const registered = await api().post('/api/auth/register').send(account).expect(202);
      // The answer names no account (an existing e-mail gets the same one); the account is there to sign in with.
      expect(registered.body).toEqual({ status: 'accepted', email: account.email });
      expect(registered.headers.location).toBeUndefined();
      // The replies are the contract's shapes, member for member (parsing drops nothing).
      expect(registrationAcceptedReplySchema.parse(registered.body)).toEqual(registered.body);

      const login = await api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email: account.email, password: account.password }).expect(200);
      expect(login.body).toEqual({
        accessToken: expect.any(String),
        expiresIn: 900,
        tokenType: 'Bearer',
        user: { id: expect.any(String), email: account.email, name: account.name, roles: ['customer'], emailVerified: false, createdAt: expect.any(String) },
      });
      // The refresh token is the session cookie's, never in the body.
      expect(sessionCookieValue(login)).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(login.headers['cache-control']).toBe('no-store');
      expect(tokenResponseSchema.parse(login.body)).toEqual(login.body);

      const me = await api().get('/api/auth/me').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
      expect(me.body.user).toEqual(login.body.user);
    });

    it('when the email is given in other case and with spaces at login, then it still signs in', async () => {
      const account = newAccount();
      await api().post('/api/auth/register').send(account).expect(202);
      await api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email: `  ${account.email.toUpperCase()} `, password: account.password }).expect(200);
    });

    it('when /me is called without a token, then 401 problem+json', async () => {
      const res = await api().get('/api/auth/me').expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('when an e-mail that has an account registers again, then the answer is a new registration\'s, field by field, and nothing but one event is written', async () => {
      const existing = newAccount('taken');
      await api().post('/api/auth/register').send(existing).expect(202);
      const fresh = newAccount('free');
      const hashes = jest.spyOn(PasswordHasher.prototype, 'hash');
      try {
        const asNew = await api().post('/api/auth/register').send(fresh);
        const before = await rowCounts(getDb());
        const asRepeat = await api()
          .post('/api/auth/register')
          .send({ ...existing, name: 'Someone Else', email: `  ${existing.email.toUpperCase()}  ` });
        // Same status, same headers that could differ, same body but for the e-mail each one sent.
        expect(asRepeat.status).toBe(asNew.status);
        expect(asRepeat.status).toBe(202);
        for (const header of ['content-type', 'cache-control', 'pragma', 'location']) expect([header, asRepeat.headers[header]]).toEqual([header, asNew.headers[header]]);
        expect(Object.keys(asRepeat.body).sort()).toEqual(Object.keys(asNew.body).sort());
        expect({ ...asRepeat.body, email: '<email>' }).toEqual({ ...asNew.body, email: '<email>' });
        expect(asNew.body.email).toBe(fresh.email);
        expect(asRepeat.body.email).toBe(existing.email);
        // The password is hashed in both paths, so the time does not tell them apart either.
        expect(hashes).toHaveBeenCalledTimes(2);
        // No second account, no session; one event for the owner, none for a new account.
        expect(await rowCounts(getDb())).toEqual({ ...before, outbox: before.outbox + 1 });
        const { rows } = await getDb().query<{ type: string; data: { email: string; name: string } }>(
          'SELECT type, data FROM outbox_events WHERE subject = (SELECT id::text FROM users WHERE email = $1) ORDER BY seq',
          [existing.email],
        );
        expect(rows.map((row) => row.type)).toEqual([EventTypes.userRegistered, EventTypes.userEmailVerificationRequested, EventTypes.userRegistrationRepeated]);
        expect(rows[2].data).toMatchObject({ email: existing.email, name: existing.name });
      } finally {
        hashes.mockRestore();
      }
      // The owner's password is untouched; the stranger's does not sign in.
      await api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email: existing.email, password: existing.password }).expect(200);
    });

    it('when the same new e-mail is registered 10 times at once, then one account exists and every answer is the same 202', async () => {
      const account = newAccount('racing');
      const answers = await Promise.all(Array.from({ length: 10 }, () => api().post('/api/auth/register').send(account)));
      expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 10 }, () => 202));
      expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
      const { rows } = await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM users WHERE email = $1', [account.email]);
      expect(Number(rows[0].n)).toBe(1);
      const events = await getDb().query<{ type: string }>(
        'SELECT type FROM outbox_events WHERE subject = (SELECT id::text FROM users WHERE email = $1)',
        [account.email],
      );
      expect(events.rows.filter((row) => row.type === EventTypes.userRegistered)).toHaveLength(1);
      expect(events.rows.filter((row) => row.type === EventTypes.userRegistrationRepeated)).toHaveLength(9);
    });

    it.each([
      ['too short', 'short1!', 'at least 10 characters'],
      ['a single repeated character', 'aaaaaaaaaaaa', 'single repeated character'],
      ['too long', 'x'.repeat(60) + 'y'.repeat(69), 'at most 128 characters'],
      ['too common', 'password123', 'too common'],
    ])('when the password is %s, then 400 names the reason and nothing is written', async (_label, password, reason) => {
      const before = await rowCounts(getDb());
      const res = await api()
        .post('/api/auth/register')
        .send({ ...newAccount(), password })
        .expect(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([{ field: 'body.password', message: expect.stringContaining(reason) }]));
      expect(await rowCounts(getDb())).toEqual(before);
    });

    it('when the password is the email address, then 400 says so', async () => {
      const account = newAccount();
      const res = await api()
        .post('/api/auth/register')
        .send({ ...account, password: account.email.toUpperCase() })
        .expect(400);
      expect(res.body.detail).toContain('must not be the email address');
    });
  });

  describe('login failures', () => {
    it('when the password is wrong or the email unknown, then both answer the same 401', async () => {
      const account = newAccount();
      await api().post('/api/auth/register').send(account).expect(202);
      const wrongPassword = await api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email: account.email, password: 'not the password at all' }).expect(401);
      const unknownEmail = await api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email: `nobody-${account.email}`, password: 'not the password at all' }).expect(401);
      const shape = (body: Record<string, unknown>) => ({ type: body.type, title: body.title, status: body.status, detail: body.detail });
      expect(shape(wrongPassword.body)).toEqual(shape(unknownEmail.body));
      expect(wrongPassword.body.detail).toBe('The email or password is incorrect');
      expect(wrongPassword.headers['www-authenticate']).toBe(unknownEmail.headers['www-authenticate']);
    });

    it('when an account is flooded with wrong passwords from many addresses, then its owner still signs in from an address that has not failed', async () => {
      const account = newAccount();
      await api().post('/api/auth/register').send(account).expect(202);
      const attempt = (address: string, password: string) => api().post('/api/auth/login').set('X-Forwarded-For', address).send({ email: account.email, password });
      const flooders = Array.from({ length: 20 }, () => nextAddress());
      // The owner signs in while the flood is running, and again once it is over.
      const [flood, duringTheFlood] = await Promise.all([
        Promise.all(flooders.flatMap((address) => Array.from({ length: 8 }, () => attempt(address, 'wrong password here')))),
        attempt(nextAddress(), account.password),
      ]);
      expect(duringTheFlood.status).toBe(200);
      await attempt(nextAddress(), account.password).expect(200);
      const refused = flood.filter((answer) => answer.status === 429);
      // Each flooding address is held to the strict per account-and-address limit (5) at most.
      expect(flood.filter((answer) => answer.status === 401).length).toBeLessThanOrEqual(flooders.length * 5);
      expect(refused.length).toBeGreaterThanOrEqual(flooders.length * 3);
      for (const answer of refused) {
        expect(answer.body.type).toBe('urn:shop:problem:too_many_requests');
        expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(answer.headers['retry-after'])).toBeLessThanOrEqual(900);
      }
      // An address that failed is still refused, even with the right password.
      await attempt(flooders[0], account.password).expect(429);
    });

    it('when failures are interleaved with a successful login, then the account counter starts again', async () => {
      const account = newAccount();
      await api().post('/api/auth/register').send(account).expect(202);
      const attempt = (password: string) => api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email: account.email, password });
      await attempt('wrong password here').expect(401);
      await attempt('wrong password here').expect(401);
      await attempt(account.password).expect(200);
      await attempt('wrong password here').expect(401);
      await attempt('wrong password here').expect(401);
      await attempt(account.password).expect(200);
    });

    it('when 100 wrong passwords for one account come at once from one address, then at most 5 are verified and the rest are 429 with Retry-After', async () => {
      const account = newAccount();
      await api().post('/api/auth/register').send(account).expect(202);
      const address = nextAddress();
      const verifications = jest.spyOn(PasswordHasher.prototype, 'verify');
      try {
        const answers = await Promise.all(
          Array.from({ length: 100 }, () => api().post('/api/auth/login').set('X-Forwarded-For', address).send({ email: account.email, password: 'wrong password here' })),
        );
        expect(verifications.mock.calls.length).toBeLessThanOrEqual(5);
        expect(answers.filter((answer) => answer.status === 401)).toHaveLength(verifications.mock.calls.length);
        const refused = answers.filter((answer) => answer.status === 429);
        expect(refused).toHaveLength(100 - verifications.mock.calls.length);
        for (const answer of refused) expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        verifications.mockRestore();
      }
      // The right password from that address is refused too: the pair has used up its attempts.
      await api().post('/api/auth/login').set('X-Forwarded-For', address).send({ email: account.email, password: account.password }).expect(429);
    });

    it('when one address fails against many accounts, then it gets 429 while another address still signs in', async () => {
      const address = nextAddress();
      for (let i = 0; i < 6; i += 1) {
        await api().post('/api/auth/login').set('X-Forwarded-For', address).send({ email: `unknown-${i}@example.com`, password: 'wrong password here' }).expect(401);
      }
      const account = newAccount();
      await api().post('/api/auth/register').send(account).expect(202);
      const blocked = await api().post('/api/auth/login').set('X-Forwarded-For', address).send({ email: account.email, password: account.password }).expect(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      await api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email: account.email, password: account.password }).expect(200);
    });
  });

  describe('bad input', () => {
    const expectProblemAndNoWrites = async (send: () => request.Test, status: number) => {
      const before = await rowCounts(getDb());
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.status).toBe(status);
      expect(await rowCounts(getDb())).toEqual(before);
      return res;
    };

    it('when the body is malformed JSON, then 400', async () => {
      await expectProblemAndNoWrites(() => api().post('/api/auth/register').set('Content-Type', 'application/json').send('{"email": "a@example.com",'), 400);
    });

    it.each([
      ['a number for the email', { email: 42, password: 'correct horse battery', name: 'A' }, 'body.email'],
      ['an array for the name', { email: 'ok@example.com', password: 'correct horse battery', name: ['A'] }, 'body.name'],
      ['no password', { email: 'ok@example.com', name: 'A' }, 'body.password'],
      ['an unknown extra field', { email: 'ok@example.com', password: 'correct horse battery', name: 'A', roles: ['admin'] }, 'body'],
      ['an overlong name', { email: 'ok@example.com', password: 'correct horse battery', name: 'n'.repeat(101) }, 'body.name'],
      ['an overlong email', { email: `${'e'.repeat(300)}@example.com`, password: 'correct horse battery', name: 'A' }, 'body.email'],
      ['an overlong password', { email: 'ok@example.com', password: 'p'.repeat(5000), name: 'A' }, 'body.password'],
      ['SQL in the email', { email: "x'; DROP TABLE users;--@example.com", password: 'correct horse battery', name: 'A' }, 'body.email'],
      ['a non-ASCII email', { email: 'zoë@exämple.com', password: 'correct horse battery', name: 'A' }, 'body.email'],
      ['a control character in the name', { email: 'ok@example.com', password: 'correct horse battery', name: 'A\u0000B' }, 'body.name'],
      ['a JSON array as the body', [1, 2], 'body'],
    ])('when registering with %s, then 400 names the field and nothing is written', async (_label, body, field) => {
      const res = await expectProblemAndNoWrites(() => api().post('/api/auth/register').send(body), 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it('when login has an extra field or a wrong type, then 400', async () => {
      await expectProblemAndNoWrites(() => api().post('/api/auth/login').send({ email: 'a@example.com', password: 'x', remember: true }), 400);
      await expectProblemAndNoWrites(() => api().post('/api/auth/login').send({ email: 'a@example.com', password: 123 }), 400);
      await expectProblemAndNoWrites(() => api().post('/api/auth/session/refresh').set('Origin', shopOrigin).send({ refreshToken: 'x' }), 400);
      await expectProblemAndNoWrites(() => api().post('/api/auth/session/logout').set('Origin', shopOrigin).send({ refreshToken: 'x'.repeat(600) }), 400);
    });

    it('when the body is 2 MB, then 413', async () => {
      await expectProblemAndNoWrites(() => api().post('/api/auth/register').set('Content-Type', 'application/json').send(JSON.stringify({ ...newAccount(), name: 'n'.repeat(2 * 1024 * 1024) })), 413);
    });

    it('when the body is text/plain, then 415', async () => {
      await expectProblemAndNoWrites(() => api().post('/api/auth/register').set('Content-Type', 'text/plain').send('email=a@example.com'), 415);
    });

    it('when the name has unicode and SQL metacharacters and the email an apostrophe, then they are stored and returned verbatim', async () => {
      const name = "Zoë 山田 O'Brien\"; DROP TABLE users;-- 🙂";
      const email = `o'brien+${Date.now()}@example.com`;
      await api().post('/api/auth/register').send({ email, password: 'correct horse battery', name }).expect(202);
      const login = await api().post('/api/auth/login').set('X-Forwarded-For', nextAddress()).send({ email, password: 'correct horse battery' }).expect(200);
      expect(login.body.user.name).toBe(name);
      const { rows } = await getDb().query<{ n: number }>('SELECT count(*)::int8 AS n FROM users WHERE name = $1', [name]);
      expect(rows[0].n).toBe(1);
    });
  });
});
