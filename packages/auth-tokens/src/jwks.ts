import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** Port: where a verifier finds the public key of a `kid`. */
export interface JwksSource {
  /** The key for `kid`, or undefined when the issuer does not publish it. */
  getKey(kid: string): Promise<KeyObject | undefined>;
}

/** A JWKS document. */
export interface JwksDocument {
  keys: Array<JsonWebKey & { kid?: string; use?: string; alg?: string }>;
}

function toKeyMap(document: JwksDocument): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of document.keys ?? []) {
    if (!jwk.kid || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
  }
  return keys;
}

/** A fixed key set (tests, or a service that holds the keys itself). */
export class StaticJwks implements JwksSource {
  private readonly keys: Map<string, KeyObject>;
  constructor(document: JwksDocument) {
    this.keys = toKeyMap(document);
  }
  getKey(kid: string): Promise<KeyObject | undefined> {
    return Promise.resolve(this.keys.get(kid));
  }
}

/** Options of the remote JWKS cache. */
export interface RemoteJwksOptions {
  /** Fetches the issuer's JWKS (through service invocation, or plain HTTP). */
  fetchJwks: () => Promise<JwksDocument>;
  /** Keys are refetched after this long even when no unknown kid shows up. Default 10 minutes. */
  maxAgeMs?: number;
  /** An unknown kid triggers a refetch at most this often, so forged kids cannot flood the issuer. Default 30 s. */
  minRefreshIntervalMs?: number;
  now?: () => number;
}

/**
 * The issuer's JWKS, cached: refreshed when it is older than `maxAgeMs`, and when a token names a kid the cache
 * does not know (a key rotation), at most once per `minRefreshIntervalMs`. A failed refresh keeps the old keys.
 */
export class RemoteJwks implements JwksSource {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = -Infinity;
  private inFlight?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: RemoteJwksOptions) {
    this.now = options.now ?? Date.now;
  }

  async getKey(kid: string): Promise<KeyObject | undefined> {
    const age = this.now() - this.fetchedAt;
    const stale = age > (this.options.maxAgeMs ?? 600_000);
    const unknownAndMayRefresh = !this.keys.has(kid) && age > (this.options.minRefreshIntervalMs ?? 30_000);
    if (stale || unknownAndMayRefresh) await this.refresh();
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        this.keys = toKeyMap(await this.options.fetchJwks());
        this.fetchedAt = this.now();
      } catch {
        // Keep serving the keys we had; count the attempt so an unreachable issuer is not hammered.
        this.fetchedAt = Math.max(this.fetchedAt, this.now() - (this.options.maxAgeMs ?? 600_000) + (this.options.minRefreshIntervalMs ?? 30_000));
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}
