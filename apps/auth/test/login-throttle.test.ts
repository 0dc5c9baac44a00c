import type { Database } from '@shop/postgres';
import { describeEachDatabase } from '@shop/testing';
import { SqlLoginThrottle } from '../src/data/login-throttle';
import type { LoginThrottleLimits } from '../src/domain/login-throttle';
import { authDatabases } from './auth-test-kit';

const limits: LoginThrottleLimits = { maxFailuresPerAccountAndAddress: 5, maxFailuresPerAddress: 50, maxFailuresPerAccount: 5, windowSeconds: 900 };

describeEachDatabase<Database>('SqlLoginThrottle', authDatabases, (getDb) => {
  const clock = { now: Date.parse('2026-01-01T12:00:00Z') };
  const throttle = (overrides: Partial<LoginThrottleLimits> = {}) => new SqlLoginThrottle({ sql: getDb(), limits: { ...limits, ...overrides }, now: () => clock.now });
  let counter = 0;
  const unique = (label: string) => `${label}-${(counter += 1)}`;
  const email = () => `${unique('user')}@example.com`;

  it('when 100 attempts for one account from one address are reserved at once, then exactly 5 are allowed and the rest wait for the window', async () => {
    const subject = throttle();
    const account = email();
    const decisions = await Promise.all(Array.from({ length: 100 }, () => subject.reserveAttempt(account, '198.51.100.1')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number), scope: expect.stringMatching(/^account(_and_address)?$/) });
      if (!refused.allowed) expect(refused.retryAfterSeconds).toBeGreaterThan(0);
      if (!refused.allowed) expect(refused.retryAfterSeconds).toBeLessThanOrEqual(900);
    }
  });

  it('when 60 addresses reserve at once, then every address counter counts each of its attempts', async () => {
    const subject = throttle({ maxFailuresPerAddress: 30 });
    const address = unique('203.0.113');
    // Different accounts, so only the address counter can refuse; all 60 concurrent increments must land.
    const decisions = await Promise.all(Array.from({ length: 60 }, () => subject.reserveAttempt(email(), address)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(30);
    expect(decisions.filter((d) => !d.allowed && d.scope === 'address')).toHaveLength(30);
  });

  it('when the window ends, then the pair may try again', async () => {
    const subject = throttle();
    const account = email();
    for (let i = 0; i < 5; i += 1) expect(await subject.reserveAttempt(account, '198.51.100.2')).toEqual({ allowed: true });
    clock.now += 60_000;
    expect(await subject.reserveAttempt(account, '198.51.100.2')).toEqual({ allowed: false, retryAfterSeconds: 840, scope: 'account_and_address' });
    clock.now += 840_000;
    expect(await subject.reserveAttempt(account, '198.51.100.2')).toEqual({ allowed: true });
  });

  it('when an account is flooded from many addresses, then a new address still gets its attempt and the flooding ones are held', async () => {
    const subject = throttle();
    const account = email();
    for (let a = 0; a < 10; a += 1) for (let i = 0; i < 5; i += 1) await subject.reserveAttempt(account, `192.0.2.${a}`);
    expect(await subject.reserveAttempt(account, '192.0.2.0')).toMatchObject({ allowed: false });
    expect(await subject.reserveAttempt(account, '198.51.100.200')).toEqual({ allowed: true });
    // Its second try, right after the first failed, waits: the account is under attack.
    expect(await subject.reserveAttempt(account, '198.51.100.200')).toMatchObject({ allowed: false, scope: 'account' });
  });

  it('when a login succeeds, then the pair starts again and the attempt is given back to the address', async () => {
    const subject = throttle({ maxFailuresPerAddress: 3 });
    const account = email();
    const address = unique('203.0.113');
    await subject.reserveAttempt(account, address);
    await subject.reserveAttempt(account, address);
    await subject.reserveAttempt(account, address);
    await subject.recordSuccess(account, address);
    // The third attempt was the success: given back, so the address has used 2 of its 3.
    expect(await subject.reserveAttempt(email(), address)).toEqual({ allowed: true });
    expect(await subject.reserveAttempt(email(), address)).toMatchObject({ allowed: false, scope: 'address' });
    const { rows } = await getDb().query<{ attempts: number }>(`SELECT attempts FROM login_throttle_counters WHERE scope_key LIKE 'account-address:%:' || $1`, [address]);
    // Only the pairs of the two other accounts are left: the succeeding account's pair (3 attempts) is gone.
    expect(rows.map((row) => Number(row.attempts))).toEqual([1, 1]);
  });

  it('when counters have expired, then reservations going by delete them', async () => {
    const stale = email();
    await throttle().reserveAttempt(stale, '198.51.100.4');
    clock.now += 901_000;
    const subject = throttle();
    // The sweep runs once every 100 reservations of a throttle.
    for (let i = 0; i < 100; i += 1) await subject.reserveAttempt(email(), '198.51.100.5');
    const { rows } = await getDb().query('SELECT 1 FROM login_throttle_counters WHERE window_ends_at <= $1', [new Date(clock.now)]);
    expect(rows).toEqual([]);
  });

  it('when counters are stored, then the e-mail itself is not', async () => {
    const account = email();
    await throttle().reserveAttempt(account, '198.51.100.3');
    const { rows } = await getDb().query<{ n: number }>(`SELECT count(*)::int8 AS n FROM login_throttle_counters WHERE scope_key LIKE '%' || $1 || '%'`, [account]);
    expect(Number(rows[0].n)).toBe(0);
  });
});
