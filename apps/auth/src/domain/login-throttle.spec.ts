import { accountDelaySeconds, decideLoginAttempt, maxLoginRefusalSeconds, type CounterReading, type LoginThrottleLimits } from './login-throttle';

const limits: LoginThrottleLimits = { maxFailuresPerAccountAndAddress: 5, maxFailuresPerAddress: 50, maxFailuresPerAccount: 5, windowSeconds: 900 };
const now = new Date('2026-01-01T12:00:00Z');
const secondsAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const windowEndingIn = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const counter = (attempts: number, previousAttemptAt: Date | null = attempts > 1 ? secondsAgo(1) : null): CounterReading => ({
  attempts,
  windowEndsAt: windowEndingIn(600),
  previousAttemptAt,
});

describe('decideLoginAttempt', () => {
  it('when every counter is within its limit, then the attempt may go ahead', () => {
    expect(decideLoginAttempt({ accountAndAddress: counter(5), address: counter(50), account: counter(5) }, limits, now)).toEqual({ allowed: true });
  });

  it('when the account-and-address pair is past its limit, then it is refused until its window ends', () => {
    expect(decideLoginAttempt({ accountAndAddress: counter(6), address: counter(6), account: counter(3) }, limits, now)).toEqual({
      allowed: false,
      retryAfterSeconds: 600,
      scope: 'account_and_address',
    });
  });

  it('when the address is past its limit, then it is refused until its window ends', () => {
    expect(decideLoginAttempt({ accountAndAddress: counter(1), address: counter(51), account: counter(1) }, limits, now)).toMatchObject({ allowed: false, scope: 'address' });
  });

  it('when the account is flooded, then an address that has not tried it yet is still let through', () => {
    expect(decideLoginAttempt({ accountAndAddress: counter(1, null), address: counter(1), account: counter(10_000) }, limits, now)).toEqual({ allowed: true });
  });

  it('when the account is flooded, then an address that already tried it waits a delay counted from its previous attempt', () => {
    // 7 attempts on the account = 2 past its limit: a 2 s delay; the previous attempt of this address was 1 s ago.
    expect(decideLoginAttempt({ accountAndAddress: counter(2, secondsAgo(1)), address: counter(2), account: counter(7) }, limits, now)).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
      scope: 'account',
    });
    expect(decideLoginAttempt({ accountAndAddress: counter(2, secondsAgo(3)), address: counter(2), account: counter(7) }, limits, now)).toEqual({ allowed: true });
  });

  it('when the flood grows, then the delay doubles but never exceeds 15 minutes', () => {
    expect([1, 2, 3, 4, 5].map(accountDelaySeconds)).toEqual([1, 2, 4, 8, 16]);
    expect(accountDelaySeconds(11)).toBe(maxLoginRefusalSeconds);
    expect(accountDelaySeconds(1_000_000)).toBe(maxLoginRefusalSeconds);
    const decision = decideLoginAttempt({ accountAndAddress: counter(2, now), address: counter(2), account: counter(1_000_000) }, limits, now);
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 900, scope: 'account' });
  });

  it('when several counters refuse, then the longest wait is the answer', () => {
    const decision = decideLoginAttempt(
      { accountAndAddress: { attempts: 6, windowEndsAt: windowEndingIn(30), previousAttemptAt: now }, address: counter(2), account: counter(100) },
      limits,
      now,
    );
    expect(decision).toEqual({ allowed: false, retryAfterSeconds: 900, scope: 'account' });
  });

  it('when the address is unknown, then only the pair and the account decide', () => {
    expect(decideLoginAttempt({ accountAndAddress: counter(3), account: counter(3) }, limits, now)).toEqual({ allowed: true });
  });
});
