import { generateRefreshToken, hashRefreshToken, refusalOf } from './refresh-token';

describe('refresh tokens', () => {
  it('when a token is generated, then it is 32 random bytes in base64url and its hash is SHA-256 hex', () => {
    const token = generateRefreshToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(token).not.toBe(generateRefreshToken());
    expect(hashRefreshToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when a token could not be consumed, then the refusal says why and only a used one counts as a replay', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const later = new Date('2030-02-01T00:00:00Z');
    const earlier = new Date('2029-12-01T00:00:00Z');
    expect(refusalOf(undefined, now)).toBe('unknown');
    expect(refusalOf({ usedAt: earlier, revokedAt: null, expiresAt: later }, now)).toBe('reused');
    expect(refusalOf({ usedAt: earlier, revokedAt: earlier, expiresAt: later }, now)).toBe('revoked');
    expect(refusalOf({ usedAt: null, revokedAt: null, expiresAt: earlier }, now)).toBe('expired');
  });
});
