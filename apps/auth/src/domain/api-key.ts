import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX_LENGTH, apiKeyPattern } from '@shop/contracts';

/** A newly made key: the key in clear (shown once), and what is stored of it. */
export interface NewApiKeySecret {
  key: string;
  prefix: string;
  secretHash: string;
}

/**
 * Makes and recognises partner keys. A key is `shp_` + 32 random bytes in base64url; only its HMAC-SHA-256 under the
 * server-side secret is stored, so a copy of the database opens nothing, and the HMAC (not a plain hash) means a
 * guessed key cannot be checked against a stolen table without the secret too.
 */
export class ApiKeyHasher {
  private readonly secret: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('the API key hash secret must be at least 32 characters');
    this.secret = Buffer.from(secret, 'utf8');
  }

  /** A new random key and what is stored of it. */
  newSecret(): NewApiKeySecret {
    const key = `shp_${randomBytes(32).toString('base64url')}`;
    return { key, prefix: prefixOf(key), secretHash: this.hashOf(key) };
  }

  /** The stored form of `key` (hex). */
  hashOf(key: string): string {
    return createHmac('sha256', this.secret).update(key, 'utf8').digest('hex');
  }

  /** Whether `key` is the one `secretHash` was made from, in time independent of where they differ. */
  matches(key: string, secretHash: string): boolean {
    const presented = Buffer.from(this.hashOf(key), 'hex');
    const stored = Buffer.from(secretHash, 'hex');
    return presented.length === stored.length && timingSafeEqual(presented, stored);
  }
}

/** Whether `value` has the shape of a key at all (anything else is refused without a lookup). */
export const looksLikeApiKey = (value: string): boolean => apiKeyPattern.test(value);

/** The visible start of a key, stored beside its hash to find it and shown to admins to recognise it. */
export const prefixOf = (key: string): string => key.slice(0, API_KEY_PREFIX_LENGTH);
