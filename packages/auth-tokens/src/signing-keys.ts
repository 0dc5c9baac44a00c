import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

/** An RS256 signing key with its key id. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A public key as published in a JWKS. */
export interface PublicJwk extends JsonWebKey {
  kid: string;
  kty: string;
  alg: 'RS256';
  use: 'sig';
}

/** Key id derived from the public key itself (RFC 7638 thumbprint), so the same key always has the same kid. */
function thumbprintKid(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** Generates a fresh 2048-bit RSA signing key (the embedded default does this at start). */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: thumbprintKid(publicKey), privateKey, publicKey };
}

/** Loads a signing key from a PEM-encoded private key (PKCS#8 or PKCS#1), as stored in Key Vault. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('signing keys must be RSA (RS256)');
  const publicKey = createPublicKey(privateKey);
  return { kid: thumbprintKid(publicKey), privateKey, publicKey };
}

/** The JWK of a key's public half, as served at `.well-known/jwks.json`. */
export function publicJwkOf(key: Pick<SigningKey, 'kid' | 'publicKey'>): PublicJwk {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { kty: jwk.kty as string, n: jwk.n, e: jwk.e, kid: key.kid, alg: 'RS256', use: 'sig' };
}
