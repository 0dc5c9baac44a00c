/** Limits of the login throttle. */
export interface LoginThrottleLimits {
  /** Strict: attempts one address may make against one account in a window (the owner's own typos count here). */
  maxFailuresPerAccountAndAddress: number;
  /** Attempts one address may make against all accounts in a window (credential stuffing from one place). */
  maxFailuresPerAddress: number;
  /** Loose: failures of an account, from all addresses, after which addresses that failed on it are slowed down. */
  maxFailuresPerAccount: number;
  /** Length of the fixed windows the counters run in. */
  windowSeconds: number;
}

/** The longest any refusal may last: a flood must never lock an account for longer than this. */
export const maxLoginRefusalSeconds = 15 * 60;

/** Which counter refused an attempt. */
export type ThrottleScope = 'account_and_address' | 'address' | 'account';

/** Whether a login attempt may go ahead. */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; scope: ThrottleScope };

/** One counter right after this attempt was counted in it. */
export interface CounterReading {
  /** Attempts in the current window, this one included. */
  attempts: number;
  windowEndsAt: Date;
  /** The attempt before this one in the window; null when this is the first. */
  previousAttemptAt: Date | null;
}

/** The counters of one attempt, as the atomic reservation returned them. */
export interface AttemptReadings {
  accountAndAddress: CounterReading;
  /** Absent when the client address is unknown. */
  address?: CounterReading;
  account: CounterReading;
}

/**
 * Port: reserves login attempts atomically BEFORE the password is verified (so N concurrent attempts see N distinct
 * counts, never the same one), and gives the reservation back when the password was right.
 */
export interface LoginThrottle {
  /** Counts this attempt against the account-and-address pair, the address and the account, and decides. */
  reserveAttempt(email: string, address: string | undefined): Promise<ThrottleDecision>;
  /** The password was right: forgets the pair's failures and gives back the attempt reserved on the address and the account. */
  recordSuccess(email: string, address: string | undefined): Promise<void>;
}

/**
 * The throttle's policy on counters that already include this attempt:
 * - per account and address, strictly: past the limit, refused until the window ends;
 * - per address: past the limit, refused until the window ends;
 * - per account, loosely: past the limit only addresses that already tried this account in the window are held
 *   back, by a delay that doubles with every further attempt on the account (1 s, 2 s, 4 s, ... at most 15 minutes)
 *   counted from their previous attempt. An address that has not tried the account is never held by it, so a flood
 *   from elsewhere does not lock the owner out.
 * The longest refusal wins; none is longer than `maxLoginRefusalSeconds`.
 */
export function decideLoginAttempt(readings: AttemptReadings, limits: LoginThrottleLimits, now: Date): ThrottleDecision {
  const refusals: Array<{ retryAfterSeconds: number; scope: ThrottleScope }> = [];
  const { accountAndAddress, address, account } = readings;
  if (accountAndAddress.attempts > limits.maxFailuresPerAccountAndAddress) {
    refusals.push({ scope: 'account_and_address', retryAfterSeconds: secondsUntil(accountAndAddress.windowEndsAt, now) });
  }
  if (address && address.attempts > limits.maxFailuresPerAddress) {
    refusals.push({ scope: 'address', retryAfterSeconds: secondsUntil(address.windowEndsAt, now) });
  }
  if (account.attempts > limits.maxFailuresPerAccount && accountAndAddress.previousAttemptAt) {
    const delaySeconds = accountDelaySeconds(account.attempts - limits.maxFailuresPerAccount);
    const allowedAt = new Date(accountAndAddress.previousAttemptAt.getTime() + delaySeconds * 1000);
    if (allowedAt > now) refusals.push({ scope: 'account', retryAfterSeconds: secondsUntil(allowedAt, now) });
  }
  if (refusals.length === 0) return { allowed: true };
  const longest = refusals.reduce((a, b) => (b.retryAfterSeconds > a.retryAfterSeconds ? b : a));
  return { allowed: false, ...longest };
}

/** The account-wide delay after `excess` attempts beyond its limit: 1, 2, 4, ... seconds, capped. */
export function accountDelaySeconds(excess: number): number {
  // The exponent is bounded so a very long flood cannot overflow to Infinity before the cap applies.
  return Math.min(2 ** Math.min(Math.max(excess - 1, 0), 20), maxLoginRefusalSeconds);
}

function secondsUntil(moment: Date, now: Date): number {
  return Math.min(maxLoginRefusalSeconds, Math.max(1, Math.ceil((moment.getTime() - now.getTime()) / 1000)));
}
