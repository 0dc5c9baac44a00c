import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ServiceUnavailableError, type ServiceInvoker } from '@shop/building-blocks';
import { AuthInternalPaths, verifiedApiKeySchema, type VerifiedApiKey } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { appApiTokenHeader, propagationHeaders } from '@shop/platform';
import type { ApiKeyVerifier, ForgettingApiKeyVerifier } from '../domain/api-key-verifier';

/** Options of the auth adapter. */
export interface AuthApiKeyVerifierOptions {
  invoker: ServiceInvoker;
  authAppId: string;
  /** Sent as `dapr-api-token` when set (auth's internal routes then require it). */
  appApiToken?: string;
  /** Default 2000 ms: a partner waits at most this long before a 503. */
  timeoutMs?: number;
}

/**
 * ApiKeyVerifier on auth's internal verify route, through service invocation. Fails closed: an auth that cannot be
 * reached, answers an error or breaks the contract is `unavailable` (503 with Retry-After), never a valid key.
 */
export class AuthApiKeyVerifier implements ApiKeyVerifier {
  constructor(private readonly options: AuthApiKeyVerifierOptions) {}

  async verify(key: string): Promise<VerifiedApiKey | undefined> {
    let response;
    try {
      response = await this.options.invoker.invoke(this.options.authAppId, {
        method: 'POST',
        path: AuthInternalPaths.verifyApiKey,
        body: { key },
        timeoutMs: this.options.timeoutMs ?? 2000,
        headers: { ...propagationHeaders(), ...(this.options.appApiToken ? { [appApiTokenHeader]: this.options.appApiToken } : {}) },
      });
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw unavailable(error);
      throw error;
    }
    if (response.status === 401) return undefined;
    const verified = response.status === 200 ? verifiedApiKeySchema.safeParse(response.body) : undefined;
    if (!verified?.success) throw unavailable(new Error(`auth answered ${response.status} to the verification of an API key`));
    return verified.data;
  }
}

function unavailable(cause: unknown): AppError {
  return new AppError('unavailable', 'API keys cannot be verified right now; try again', { retryAfterSeconds: 1, cause });
}

/** How long an answer is kept. */
export interface ApiKeyCacheSettings {
  /** A valid key's answer (API_KEY_CACHE_TTL_SECONDS, default 30); never beyond the key's validUntil. */
  positiveTtlMs?: number;
  /** An invalid key's answer (default 5000): a partner with a mistyped key does not reach auth on every request. */
  negativeTtlMs?: number;
  /** Answers kept at most (default 10 000; the least recently used go first). */
  maxEntries?: number;
  /** Epoch-ms clock (tests move it instead of waiting). */
  now?: () => number;
}

/** A kept answer: the verified key, or `null` for a key that does not open the API. */
interface CachedAnswer {
  verified: VerifiedApiKey | null;
}

/**
 * Keeps the answers of another verifier in process (an LRU keyed by the SHA-256 of the key, so no key sits in
 * memory as the map's key): valid keys for a short TTL capped by their validUntil, invalid ones for less. Concurrent
 * verifications of one key share one call. `forgetKey` (on a revocation or rotation event) drops the answers about a
 * key, and a verification that was on its way when a key was forgotten is not kept: it may predate the change.
 * An `unavailable` answer is never kept.
 */
export class CachingApiKeyVerifier implements ForgettingApiKeyVerifier {
  private readonly cache: LRUCache<string, CachedAnswer>;
  private readonly inFlight = new Map<string, Promise<VerifiedApiKey | undefined>>();
  private readonly positiveTtlMs: number;
  private readonly negativeTtlMs: number;
  private readonly now: () => number;
  /** Bumped by every forgetKey: an answer asked for before it is not kept. */
  private generation = 0;

  constructor(
    private readonly source: ApiKeyVerifier,
    settings: ApiKeyCacheSettings = {},
  ) {
    this.positiveTtlMs = settings.positiveTtlMs ?? 30_000;
    this.negativeTtlMs = settings.negativeTtlMs ?? 5000;
    this.now = settings.now ?? Date.now;
    // ttlResolution 0: every read asks the clock (lru-cache would otherwise reuse a reading for up to 1 ms).
    this.cache = new LRUCache<string, CachedAnswer>({ max: settings.maxEntries ?? 10_000, perf: { now: this.now }, ttlResolution: 0 });
  }

  verify(key: string): Promise<VerifiedApiKey | undefined> {
    const hash = createHash('sha256').update(key).digest('base64url');
    const cached = this.cache.get(hash);
    if (cached) {
      // The TTL already stops at validUntil; checked again so that a rotated-away key is never let through late.
      if (cached.verified && !this.stillValid(cached.verified)) return Promise.resolve(undefined);
      return Promise.resolve(cached.verified ?? undefined);
    }
    const pending = this.inFlight.get(hash);
    if (pending) return pending;
    const generation = this.generation;
    const verification = this.source
      .verify(key)
      .then((verified) => {
        if (generation === this.generation) this.keep(hash, verified);
        return verified;
      })
      .finally(() => {
        if (this.inFlight.get(hash) === verification) this.inFlight.delete(hash);
      });
    this.inFlight.set(hash, verification);
    return verification;
  }

  forgetKey(keyId: string): void {
    this.generation += 1;
    // A request from now on must not join a verification that started before the change.
    this.inFlight.clear();
    const forgotten: string[] = [];
    for (const [hash, answer] of this.cache.entries()) if (answer.verified?.keyId === keyId) forgotten.push(hash);
    for (const hash of forgotten) this.cache.delete(hash);
  }

  private keep(hash: string, verified: VerifiedApiKey | undefined): void {
    if (!verified) {
      this.cache.set(hash, { verified: null }, { ttl: this.negativeTtlMs });
      return;
    }
    const untilInvalid = verified.validUntil === null ? Infinity : Date.parse(verified.validUntil) - this.now();
    const ttl = Math.min(this.positiveTtlMs, untilInvalid);
    if (ttl >= 1) this.cache.set(hash, { verified }, { ttl });
  }

  private stillValid(verified: VerifiedApiKey): boolean {
    return verified.validUntil === null || Date.parse(verified.validUntil) > this.now();
  }
}
