import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt parameters; N is the cost (a power of two), r the block size, p the parallelism. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

const keyLength = 64;
const saltLength = 16;

function scryptAsync(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node refuses above maxmem (32 MiB by default), which N = 2^15, r = 8 just reaches.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

function parseHash(encoded: string): ParsedHash | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return undefined;
  return { params: { N, r, p }, salt: Buffer.from(parts[4], 'base64url'), hash: Buffer.from(parts[5], 'base64url') };
}

/**
 * Hashes passwords with scrypt into self-describing strings `scrypt$N$r$p$salt$hash` (base64url), so the cost can
 * be raised later: old hashes still verify with their own parameters and `needsRehash` says when to upgrade.
 */
export class PasswordHasher {
  private readonly params: ScryptParams;
  private dummyHash?: Promise<string>;

  constructor(options: { cost: number; blockSize?: number; parallelism?: number }) {
    this.params = { N: options.cost, r: options.blockSize ?? 8, p: options.parallelism ?? 1 };
  }

  /** A new hash of `password` with a random salt and the current parameters. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(saltLength);
    const hash = await scryptAsync(password, salt, this.params);
    const { N, r, p } = this.params;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
  }

  /** Whether `password` matches `encoded`, compared in constant time; a malformed hash never matches. */
  async verify(password: string, encoded: string): Promise<boolean> {
    const parsed = parseHash(encoded);
    if (!parsed) return false;
    const candidate = await scryptAsync(password, parsed.salt, parsed.params);
    return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
  }

  /**
   * Spends the same time as verifying a real account's password, for logins with an unknown email, so response
   * times do not reveal which emails have accounts.
   */
  async verifyAgainstDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummyHash);
  }

  /** True when `encoded` was made with other parameters than the current ones (re-hash after a successful login). */
  needsRehash(encoded: string): boolean {
    const parsed = parseHash(encoded);
    return !parsed || parsed.params.N !== this.params.N || parsed.params.r !== this.params.r || parsed.params.p !== this.params.p;
  }
}
