import { createHash } from 'node:crypto';
import { EtagMismatchError, type StateStore } from '@shop/building-blocks';
import type { LoginThrottle, ThrottleDecision } from '../domain/ports';

/** Limits of the login throttle. */
export interface LoginThrottleLimits {
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

/** A failure counter as stored: a fixed window that starts at the first failure and expires with its TTL. */
interface FailureWindow {
  failures: number;
  startedAtMs: number;
}

/** Attempts of an ETag-guarded increment before giving up (only reached under extreme contention on one key). */
const maxIncrementAttempts = 20;

/**
 * Counts failed logins per account (normalised email) and per client address in the state store, in fixed
 * windows kept by the store's TTL, and refuses further attempts once a limit is reached. Increments are
 * ETag-guarded read-modify-writes, so concurrent failures all count. Keys hold a hash of the email, not the
 * email itself.
 */
export class StateStoreLoginThrottle implements LoginThrottle {
  private readonly now: () => number;

  constructor(
    private readonly deps: { stateStore: StateStore; limits: LoginThrottleLimits; now?: () => number },
  ) {
    this.now = deps.now ?? Date.now;
  }

  async check(email: string, address: string | undefined): Promise<ThrottleDecision> {
    const { limits } = this.deps;
    const checks: Array<{ scope: 'account' | 'address'; key: string; max: number }> = [{ scope: 'account', key: accountKey(email), max: limits.maxFailuresPerAccount }];
    if (address) checks.push({ scope: 'address', key: addressKey(address), max: limits.maxFailuresPerAddress });
    const windows = await Promise.all(checks.map((c) => this.deps.stateStore.get<FailureWindow>(c.key)));
    let refusal: ThrottleDecision = { allowed: true };
    checks.forEach((c, i) => {
      const window = windows[i]?.value;
      if (!window || window.failures < c.max) return;
      const retryAfterSeconds = this.secondsLeft(window);
      if (refusal.allowed || retryAfterSeconds > refusal.retryAfterSeconds) refusal = { allowed: false, retryAfterSeconds, scope: c.scope };
    });
    return refusal;
  }

  async recordFailure(email: string, address: string | undefined): Promise<void> {
    await Promise.all([this.increment(accountKey(email)), address ? this.increment(addressKey(address)) : undefined]);
  }

  async resetAccount(email: string): Promise<void> {
    await this.deps.stateStore.delete(accountKey(email));
  }

  private secondsLeft(window: FailureWindow): number {
    const endsAt = window.startedAtMs + this.deps.limits.windowSeconds * 1000;
    return Math.max(1, Math.ceil((endsAt - this.now()) / 1000));
  }

  private async increment(key: string): Promise<void> {
    const store = this.deps.stateStore;
    for (let attempt = 0; attempt < maxIncrementAttempts; attempt += 1) {
      const current = await store.get<FailureWindow>(key);
      try {
        if (!current) {
          await store.save<FailureWindow>(key, { failures: 1, startedAtMs: this.now() }, { onlyIfAbsent: true, ttlSeconds: this.deps.limits.windowSeconds });
        } else {
          // The TTL is what is left of the window, so the window does not slide with every failure.
          const next = { failures: current.value.failures + 1, startedAtMs: current.value.startedAtMs };
          await store.save<FailureWindow>(key, next, { etag: current.etag, ttlSeconds: this.secondsLeft(current.value) });
        }
        return;
      } catch (error) {
        if (!(error instanceof EtagMismatchError)) throw error;
      }
    }
    throw new Error(`could not count a login failure on ${key}: too much contention`);
  }
}

function accountKey(email: string): string {
  return `auth:login-failures:account:${createHash('sha256').update(email).digest('base64url')}`;
}

function addressKey(address: string): string {
  return `auth:login-failures:address:${address}`;
}
