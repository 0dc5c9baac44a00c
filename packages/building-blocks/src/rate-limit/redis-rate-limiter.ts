import { createHash, randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '@shop/kernel';
import { loadRedisDriver } from '../drivers';
import { OutageBreaker, type OutageBreakerSettings } from '../outage-breaker';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS, DEFAULT_REDIS_CONNECT_WAIT_MS, isRedisOutage, RedisConnection, withCommandTimeout, type RedisConnectionOptions } from '../redis-connection';
import { assertValidConsume, assertValidSubject, resetSecondsOf, type RateLimitDecision, type RateLimiter, type RateLimitUsage } from './rate-limiter';

/** Options of the Redis rate limiter. */
export type RedisRateLimiterOptions = RedisConnectionOptions & {
  /**
   * How long one call may take before it fails, so a dead or stalled Redis costs a partner request this long and not
   * seconds. Default 500 ms (DEFAULT_REDIS_COMMAND_TIMEOUT_MS).
   */
  commandTimeoutMs?: number;
  /** Prepended to every key, so several limiters (and test runs) share one Redis. Default `ratelimit:`. */
  keyPrefix?: string;
  logger?: Logger;
  /** How long a call waits for the limiter's first connection to Redis. Default 500 ms. */
  connectWaitMs?: number;
  /** When the limiter stops calling a Redis that keeps failing. Default: 3 failures in a row, a trial call after 2 s. */
  breaker?: OutageBreakerSettings;
  /** What the limiter is called in its `unavailable` errors and logs. Default `The rate limiter`. */
  name?: string;
};

/** The default of `keyPrefix`. */
export const DEFAULT_RATE_LIMIT_KEY_PREFIX = 'ratelimit:';

/** A day's usage hash outlives its day by one, so yesterday's counts can still be read just after midnight, then goes. */
const USAGE_TTL_SECONDS = 2 * 24 * 60 * 60;

/**
 * `now` (Redis's clock, epoch ms) and `day` (its UTC date, YYYY-MM-DD) from TIME: every replica of every service
 * counts on the one clock of the server, so skewed application clocks can neither widen a window nor split a day.
 * Redis 5+ replicates a script's effects rather than the script, which is what allows writes after TIME (the
 * platform needs Redis 6+ anyway). Lua in Redis has no os.date, so the date is Hinnant's civil-from-days algorithm.
 */
const serverClock = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local z = math.floor(tonumber(time[1]) / 86400) + 719468
local era = math.floor(z / 146097)
local doe = z - era * 146097
local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
local mp = math.floor((5 * doy + 2) / 153)
local dd = doy - math.floor((153 * mp + 2) / 5) + 1
local mm = mp < 10 and mp + 3 or mp - 9
local yy = yoe + era * 400
if mm <= 2 then yy = yy + 1 end
local day = string.format('%04d-%02d-%02d', yy, mm, dd)`;

/**
 * The sliding log, in one script so no other request can slip in between the count and the add: KEYS[1] is the
 * subject's window, a sorted set of its accepted requests scored by their time (ms). Entries `windowMs` old or older
 * are dropped, the rest counted; under the limit the request is added under a member of its own (two requests in one
 * millisecond are two entries) and the set expires with its newest entry. A refused request adds nothing, so a client
 * hammering a full window does not keep it full. The same call counts the decision in the day's usage hash
 * `ARGV[4]..day` (accepted / rejected), which expires two days on.
 * ARGV: 1 limit, 2 windowMs, 3 member id, 4 usage key before the day, 5 usage TTL in s.
 * Answers {allowed 1|0, remaining, ms until the oldest entry leaves the window}.
 */
const consumeScript = `${serverClock}
local limit = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - windowMs)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], windowMs)
  count = count + 1
  allowed = 1
end
local resetMs = windowMs
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then resetMs = tonumber(oldest[2]) + windowMs - now end
local usageKey = ARGV[4] .. day
redis.call('HINCRBY', usageKey, allowed == 1 and 'accepted' or 'rejected', 1)
redis.call('EXPIRE', usageKey, tonumber(ARGV[5]))
local remaining = limit - count
if remaining < 0 then remaining = 0 end
return {allowed, remaining, resetMs}`;

/**
 * Today's usage of a subject, on the server's clock (the day consumeScript counted in). KEYS[1] is the subject's
 * window key, not read: it names the hash slot, which the usage key shares. ARGV: 1 usage key before the day.
 * Answers {day, accepted, rejected}.
 */
const usageScript = `${serverClock}
local counts = redis.call('HMGET', ARGV[1] .. day, 'accepted', 'rejected')
return {day, tonumber(counts[1]) or 0, tonumber(counts[2]) or 0}`;

/** A Lua script and its SHA-1, the name EVALSHA runs it by. */
interface Script {
  source: string;
  sha: string;
}

function scriptOf(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const consume = scriptOf(consumeScript);
const usage = scriptOf(usageScript);

/**
 * RateLimiter on Redis (Azure Cache for Redis in production), shared by every replica: a sliding log per subject in
 * one atomic script (see consumeScript), exact under any concurrency, timed by Redis's own clock.
 *
 * Keys, under `keyPrefix` (default `ratelimit:`):
 * - `<prefix>window:{<subject>}:<windowMs>`: sorted set of the accepted requests still in the window; expires with
 *   its newest entry;
 * - `<prefix>usage:{<subject>}:<YYYY-MM-DD>`: hash {accepted, rejected} of the subject's decisions on that UTC day
 *   (the server's clock); expires after two days.
 * The braces are a Redis Cluster hash tag: both keys of a subject live in one slot, as one script needs.
 *
 * Outages behave as the Redis state store's: every call has a timeout, a disconnected client fails at once and
 * reconnects by itself, and a circuit breaker stops calling a Redis that keeps failing; all surface as AppError
 * `unavailable` (503, Retry-After: 1) with the RedisCommandTimeoutError or RedisNotConnectedError as its cause. The
 * partner API lets that 503 through (fails closed); a caller that prefers to fail open catches it. A call that timed
 * out may still be counted once Redis answers: it costs its subject one unit of a window, never an extra request.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly connection: RedisConnection;
  private readonly breaker: OutageBreaker;
  private readonly commandTimeoutMs: number;
  private readonly connectWaitMs: number;

  constructor(options: RedisRateLimiterOptions) {
    const logger = options.logger ?? silentLogger;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
    this.connectWaitMs = options.connectWaitMs ?? DEFAULT_REDIS_CONNECT_WAIT_MS;
    this.prefix = options.keyPrefix ?? DEFAULT_RATE_LIMIT_KEY_PREFIX;
    const what = options.name ?? 'The rate limiter';
    // Opened on first use: a service that never rate-limits never connects.
    this.connection = new RedisConnection(options, { name: what, logger });
    this.breaker = new OutageBreaker({ what, isOutage: isRedisOutage, logger, ...options.breaker });
  }

  async consume(subject: string, limit: number, windowMs: number): Promise<RateLimitDecision> {
    assertValidConsume(subject, limit, windowMs);
    const answer = await this.run(consume, [this.windowKey(subject, windowMs)], [String(limit), String(windowMs), randomUUID(), this.usageKeyBase(subject), String(USAGE_TTL_SECONDS)]);
    const [allowed, remaining, resetMs] = answer as [number, number, number];
    return { allowed: allowed === 1, limit, remaining, resetSeconds: resetSecondsOf(resetMs) };
  }

  async usageToday(subject: string): Promise<RateLimitUsage> {
    assertValidSubject(subject);
    const answer = await this.run(usage, [this.windowKey(subject, 0)], [this.usageKeyBase(subject)]);
    const [day, accepted, rejected] = answer as [string, number, number];
    return { day, accepted, rejected };
  }

  /** Closes the connection if the limiter opened it (a shared client is left to its owner). */
  close(): Promise<void> {
    return this.connection.close();
  }

  private windowKey(subject: string, windowMs: number): string {
    return `${this.prefix}window:{${subject}}:${windowMs}`;
  }

  private usageKeyBase(subject: string): string {
    return `${this.prefix}usage:{${subject}}:`;
  }

  /**
   * Runs a script through the breaker by its SHA (one round trip, the source is not resent each time), loading it
   * with EVAL when the server does not know it yet (first use, or after a restart or SCRIPT FLUSH).
   */
  private run(script: Script, keys: string[], args: string[]): Promise<unknown> {
    return this.breaker.run(async () => {
      const client = await this.connection.ready(this.connectWaitMs);
      try {
        return await this.bounded(client.evalSha(script.sha, { keys, arguments: args }));
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return this.bounded(client.eval(script.source, { keys, arguments: args }));
      }
    });
  }

  /** One command, bounded by the command timeout: a stalled Redis costs this long, not seconds. */
  private bounded<R>(command: Promise<R>): Promise<R> {
    return withCommandTimeout(command, this.commandTimeoutMs);
  }
}

/** True for Redis's answer to EVALSHA of a script it does not hold. */
function isNoScript(error: unknown): boolean {
  return error instanceof loadRedisDriver().ErrorReply && error.message.startsWith('NOSCRIPT');
}
