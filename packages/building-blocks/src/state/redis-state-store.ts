import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '@shop/kernel';
import { OutageBreaker, type OutageBreakerSettings } from '../outage-breaker';
import {
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_REDIS_CONNECT_WAIT_MS,
  isRedisOutage,
  RedisCommandTimeoutError,
  RedisConnection,
  withCommandTimeout,
  type RedisClient,
  type RedisConnectionOptions,
} from '../redis-connection';
import { assertValidSaveOptions, toStateJson } from './save-options';
import { EtagMismatchError, type SaveOptions, type StateEntry, type StateStore } from './state-store';

/** Options of the Redis state store. */
export type RedisStateStoreOptions = RedisConnectionOptions & {
  /** Prepended to every key (e.g. `cart:`), so several stores and test runs share one Redis. */
  keyPrefix: string;
  logger?: Logger;
  /**
   * How long one command may take before the call fails, so a dead or stalled Redis costs its caller this long and
   * not seconds. A write that timed out never lands afterwards (see the scripts). Default 500 ms (DEFAULT_REDIS_COMMAND_TIMEOUT_MS).
   */
  commandTimeoutMs?: number;
  /** How long a call waits for the store's first connection to Redis. Default 500 ms. */
  connectWaitMs?: number;
  /** When the store stops calling a Redis that keeps failing. Default: 3 failures in a row, a trial call after 2 s. */
  breaker?: OutageBreakerSettings;
  /** What the store is called in its `unavailable` errors and logs. Default `The state store`. */
  name?: string;
};

/**
 * A write's script must have run this long before the caller gives up on it, so its reply (and the ETag in it) still
 * reaches the caller in time: a write either answers or never happens. Covers the way back and the clock offset's error.
 */
const WRITE_DEADLINE_MARGIN_MS = 25;

/** How often the offset between Redis's clock and ours is measured again (also after every reconnection). */
const CLOCK_OFFSET_REFRESH_MS = 60_000;

/**
 * The guard every write script starts with: past ARGV[1] (Redis's clock, epoch ms; '' = no deadline) it returns 2
 * and writes nothing. A write held up on the way (a stalled connection, a busy server) would otherwise land after its
 * caller was told it failed, and a client retrying that "failed" add would add twice. Redis 5+ replicates a script's
 * effects, not the script, so reading TIME here is allowed.
 */
const deadlineGuard = `
if ARGV[1] ~= '' then
  local now = redis.call('TIME')
  if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[1]) then return 2 end
end`;

/**
 * Each key is a hash {d: JSON value, e: ETag}. The guard, the write and the expiry happen in one script, so no
 * other writer can slip in between the ETag check and the write.
 * ARGV: 1 deadline, 2 mode (any | absent | match), 3 expected ETag, 4 JSON, 5 new ETag, 6 TTL in ms ('' = none).
 * Answers 1 saved, 0 guard failed, 2 too late.
 */
const saveScript = `${deadlineGuard}
local current = redis.call('HGET', KEYS[1], 'e')
if ARGV[2] == 'absent' and current then return 0 end
if ARGV[2] == 'match' and current ~= ARGV[3] then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[4], 'e', ARGV[5])
if ARGV[6] == '' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
return 1`;

/** ARGV: 1 deadline, 2 expected ETag ('' = unconditional). A missing key counts as deleted, whatever the ETag. */
const deleteScript = `${deadlineGuard}
local current = redis.call('HGET', KEYS[1], 'e')
if not current then return 1 end
if ARGV[2] ~= '' and current ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

/** The script found its deadline passed and wrote nothing. */
const TOO_LATE = 2;

/**
 * StateStore on Redis (Azure Cache for Redis in production, when not going through Dapr). ETags are random per
 * write rather than a per-key counter, so a key deleted and created again never reuses an ETag someone still holds.
 *
 * Redis being down or stalled costs a caller one bounded failure: every command has a timeout, a disconnected client
 * fails at once (no offline queue) and reconnects by itself, and a circuit breaker stops calling a Redis that keeps
 * failing. All of these surface as AppError `unavailable` (503, Retry-After: 1); ETag conflicts stay EtagMismatchError.
 */
export class RedisStateStore implements StateStore {
  private readonly prefix: string;
  private readonly connection: RedisConnection;
  private readonly breaker: OutageBreaker;
  private readonly commandTimeoutMs: number;
  private readonly connectWaitMs: number;
  private clockOffset?: { offsetMs: Promise<number>; measuredAt: number };

  constructor(options: RedisStateStoreOptions) {
    const logger = options.logger ?? silentLogger;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
    this.connectWaitMs = options.connectWaitMs ?? DEFAULT_REDIS_CONNECT_WAIT_MS;
    this.prefix = options.keyPrefix;
    const what = options.name ?? 'The state store';
    this.connection = new RedisConnection(options, { name: what, logger });
    // Another server, or the same one restarted with another clock: measure again before the next write.
    this.connection.onReady(() => (this.clockOffset = undefined));
    this.breaker = new OutageBreaker({ what, isOutage: isRedisOutage, logger, ...options.breaker });
  }

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    const [json, etag] = await this.call((client) => this.bounded(client.hmGet(this.prefix + key, ['d', 'e'])));
    if (json === null || etag === null) return undefined;
    return { key, value: JSON.parse(json) as T, etag };
  }

  async save<T>(key: string, value: T, options: SaveOptions = {}): Promise<string> {
    assertValidSaveOptions(options);
    const json = toStateJson(key, value);
    const etag = randomBytes(12).toString('base64url');
    const mode = options.onlyIfAbsent ? 'absent' : options.etag !== undefined ? 'match' : 'any';
    const ttl = options.ttlSeconds === undefined ? '' : String(Math.max(1, Math.round(options.ttlSeconds * 1000)));
    const saved = await this.write(key, saveScript, [mode, options.etag ?? '', json, etag, ttl]);
    if (saved !== 1) throw new EtagMismatchError(key);
    return etag;
  }

  async delete(key: string, options: { etag?: string } = {}): Promise<void> {
    const deleted = await this.write(key, deleteScript, [options.etag ?? '']);
    if (deleted !== 1) throw new EtagMismatchError(key);
  }

  /** Closes the connection if the store opened it (a shared client is left to its owner). */
  close(): Promise<void> {
    return this.connection.close();
  }

  /** One call to Redis through the breaker, on a connected client. */
  private call<R>(command: (client: RedisClient) => Promise<R>): Promise<R> {
    return this.breaker.run(async () => command(await this.connection.ready(this.connectWaitMs)));
  }

  /** Runs a write script with the deadline by which Redis must run it; a script that found itself late is a timeout. */
  private async write(key: string, script: string, args: string[]): Promise<unknown> {
    return this.call(async (client) => {
      const offsetMs = await this.serverClockOffsetMs(client);
      const budgetMs = Math.max(this.commandTimeoutMs - WRITE_DEADLINE_MARGIN_MS, this.commandTimeoutMs / 2);
      const deadline = String(Math.floor(Date.now() + offsetMs + budgetMs));
      const answer = await this.bounded(client.eval(script, { keys: [this.prefix + key], arguments: [deadline, ...args] }));
      if (answer === TOO_LATE) {
        this.clockOffset = undefined;
        throw new RedisCommandTimeoutError(this.commandTimeoutMs);
      }
      return answer;
    });
  }

  /**
   * Redis's clock minus ours, in ms, from one TIME round trip (its error is at most half of it, well inside the
   * deadline margin). Measured per connection and refreshed every minute, so neither clock's drift matters.
   */
  private serverClockOffsetMs(client: RedisClient): Promise<number> {
    const now = Date.now();
    if (!this.clockOffset || now - this.clockOffset.measuredAt > CLOCK_OFFSET_REFRESH_MS) {
      const offsetMs = this.bounded(client.time()).then(([seconds, micros]) => {
        const answeredAt = Date.now();
        return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (now + answeredAt) / 2;
      });
      const measurement = { offsetMs, measuredAt: now };
      this.clockOffset = measurement;
      // A failed measurement is not kept: the next write measures again.
      offsetMs.catch(() => {
        if (this.clockOffset === measurement) this.clockOffset = undefined;
      });
    }
    return this.clockOffset.offsetMs;
  }

  /** One command, bounded by the command timeout: a stalled Redis costs this long, not seconds. */
  private bounded<R>(command: Promise<R>): Promise<R> {
    return withCommandTimeout(command, this.commandTimeoutMs);
  }
}
