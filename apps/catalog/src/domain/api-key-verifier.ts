import type { VerifiedApiKey } from '@shop/contracts';

/**
 * Port: who a partner API key belongs to and what it may do, or undefined for a key that does not open the partner
 * API now (unknown, revoked, or past the grace period of a rotation). Throws AppError `unavailable` when the answer
 * cannot be had (auth unreachable): the caller then refuses the request (fail closed), it never guesses.
 */
export interface ApiKeyVerifier {
  verify(key: string): Promise<VerifiedApiKey | undefined>;
}

/** A verifier that keeps answers and can be told to forget those of one key (revoked or rotated elsewhere). */
export interface ForgettingApiKeyVerifier extends ApiKeyVerifier {
  /** Drops every kept answer about `keyId`, so that the next request with it is verified afresh. */
  forgetKey(keyId: string): void;
}
