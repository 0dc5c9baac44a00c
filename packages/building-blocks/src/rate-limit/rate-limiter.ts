/**
 * The outcome of one request against a sliding window: whether it may go on, and what the `RateLimit-*` headers say.
 * `resetSeconds` is the whole seconds (rounded up, at least 1) until the oldest request still in the window leaves
 * it, i.e. until the window has room for one more request than it has now: for a refused request the earliest moment
 * a retry can succeed (`Retry-After`), for an allowed one the moment `remaining` next grows.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests the window still admits after this one (0 when refused). */
  remaining: number;
  resetSeconds: number;
}

/**
 * Port: a sliding-window rate limiter shared by every replica of a service (Redis), or by one process (in memory).
 * Adapters that reach a backend fail an outage as AppError `unavailable` (503, Retry-After: 1); whether a caller then
 * refuses the request (fail closed, as the partner API does) or lets it through (fail open) is the caller's choice.
 */
export interface RateLimiter {
  /** One request of `subject` against `limit` per `windowMs`, sliding window; a refused request is not added to the window. */
  consume(subject: string, limit: number, windowMs: number): Promise<RateLimitDecision>;
  /** Accepted and rejected requests of `subject` in the current UTC day. */
  usageToday(subject: string): Promise<{ day: string; accepted: number; rejected: number }>;
  /** Releases connections (a shared client is left to its owner). */
  close(): Promise<void>;
}

/** A subject's counts of one UTC day, as `usageToday` answers them. */
export type RateLimitUsage = Awaited<ReturnType<RateLimiter['usageToday']>>;

/** Throws a RangeError for a subject that is not a non-empty string. */
export function assertValidSubject(subject: string): void {
  if (typeof subject !== 'string' || subject === '') throw new RangeError('a rate-limit subject must be a non-empty string');
}

/** Throws a RangeError for arguments no adapter can honour, so every adapter refuses them the same way. */
export function assertValidConsume(subject: string, limit: number, windowMs: number): void {
  assertValidSubject(subject);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`a rate limit must be a positive integer, not ${limit}`);
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new RangeError(`a rate-limit window must be a positive integer of milliseconds, not ${windowMs}`);
}

/** `resetSeconds` from the milliseconds until the oldest request leaves the window: rounded up, never below 1. */
export function resetSecondsOf(resetMs: number): number {
  return Math.max(1, Math.ceil(resetMs / 1000));
}

/** The UTC day of an epoch-ms instant as YYYY-MM-DD, the day `usageToday` counts in. */
export function utcDayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
