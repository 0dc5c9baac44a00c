import { assertValidConsume, assertValidSubject, resetSecondsOf, utcDayOf, type RateLimitDecision, type RateLimiter, type RateLimitUsage } from './rate-limiter';

/** Options of the in-memory rate limiter. */
export interface InMemoryRateLimiterOptions {
  /** Clock in epoch ms; tests can move time forward instead of sleeping. Default `Date.now`. */
  now?: () => number;
}

/** Windows that have emptied, and usage of past days, are swept on every N-th call so the maps do not grow forever. */
const SWEEP_EVERY_CALLS = 1024;

/**
 * RateLimiter held in process memory, for the embedded platform and tests: the same sliding log as the Redis script
 * (an entry per accepted request, dropped once it is `windowMs` old; a refused request leaves no entry), so both
 * adapters pass one contract suite. Each call runs to completion before the next (one event loop), which makes it
 * exact under concurrency. Only one process sees it: replicas each limit on their own.
 */
export class InMemoryRateLimiter implements RateLimiter {
  /** Accepted requests' times per subject and window length, oldest first. */
  private readonly windows = new Map<string, number[]>();
  private readonly usage = new Map<string, RateLimitUsage>();
  private readonly now: () => number;
  private callsSinceSweep = 0;

  constructor(options: InMemoryRateLimiterOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  // Each operation runs inside its promise's executor, so invalid arguments reject, as they do with Redis.
  consume(subject: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    return new Promise((resolve) => {
      assertValidConsume(subject, limit, windowMs);
      const now = this.now();
      // The window length is part of the key, as in Redis: two windows on one subject never trim each other.
      const key = `${windowMs}:${subject}`;
      const times = this.windows.get(key) ?? [];
      dropLeft(times, now - windowMs);
      const allowed = times.length < limit;
      if (allowed) insertInOrder(times, now);
      if (times.length > 0) this.windows.set(key, times);
      else this.windows.delete(key);
      this.count(subject, now, allowed);
      this.sweepNowAndThen(now);
      const resetMs = times.length > 0 ? times[0] + windowMs - now : windowMs;
      resolve({ allowed, limit, remaining: Math.max(0, limit - times.length), resetSeconds: resetSecondsOf(resetMs) });
    });
  }

  usageToday(subject: string): Promise<RateLimitUsage> {
    return new Promise((resolve) => {
      assertValidSubject(subject);
      const day = utcDayOf(this.now());
      const counted = this.usage.get(subject);
      resolve(counted?.day === day ? { ...counted } : { day, accepted: 0, rejected: 0 });
    });
  }

  close(): Promise<void> {
    this.windows.clear();
    this.usage.clear();
    return Promise.resolve();
  }

  /** Counts one decision in the subject's usage of today; a new day starts from zero (only today's is ever read). */
  private count(subject: string, now: number, allowed: boolean): void {
    const day = utcDayOf(now);
    let counted = this.usage.get(subject);
    if (counted?.day !== day) {
      counted = { day, accepted: 0, rejected: 0 };
      this.usage.set(subject, counted);
    }
    if (allowed) counted.accepted += 1;
    else counted.rejected += 1;
  }

  private sweepNowAndThen(now: number): void {
    this.callsSinceSweep += 1;
    if (this.callsSinceSweep < SWEEP_EVERY_CALLS) return;
    this.callsSinceSweep = 0;
    for (const [key, times] of this.windows) {
      const windowMs = Number(key.slice(0, key.indexOf(':')));
      if (times[times.length - 1] <= now - windowMs) this.windows.delete(key);
    }
    const today = utcDayOf(now);
    for (const [subject, counted] of this.usage) if (counted.day !== today) this.usage.delete(subject);
  }
}

/** Removes the leading times at or before `cutoff` (a request made exactly `windowMs` ago has left the window). */
function dropLeft(times: number[], cutoff: number): void {
  let expired = 0;
  while (expired < times.length && times[expired] <= cutoff) expired += 1;
  if (expired > 0) times.splice(0, expired);
}

/** Appends `time`, keeping the list sorted even when an injected clock goes backwards. */
function insertInOrder(times: number[], time: number): void {
  let index = times.length;
  while (index > 0 && times[index - 1] > time) index -= 1;
  times.splice(index, 0, time);
}
