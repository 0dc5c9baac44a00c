import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '@shop/platform';
import { loadAuthConfig } from './config';

const pem = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('loadAuthConfig', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    const config = loadAuthConfig({});
    expect(config).toMatchObject({
      PORT: 3001,
      DATA_DIR: '.data/auth',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 2_592_000,
      PASSWORD_HASH_COST: 32768,
      PUBLIC_BASE_URL: 'http://localhost:8080',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
      LOGIN_MAX_FAILURES_PER_ADDRESS: 50,
      LOGIN_THROTTLE_WINDOW_SECONDS: 900,
    });
    expect(config.AUTH_SIGNING_KEYS).toBeUndefined();
  });

  it('when NODE_ENV=production has no signing keys, then loading fails naming AUTH_SIGNING_KEYS', () => {
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SIGNING_KEYS: is required when NODE_ENV=production/);
  });

  it('when several PEM keys are given separated by a blank line or with escaped newlines, then all load and the first signs', () => {
    const [a, b] = [pem(), pem()];
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://auth@db.internal/auth', BUILDING_BLOCKS: 'dapr', APP_API_TOKEN: 'x'.repeat(16) };
    const config = loadAuthConfig({ ...production, AUTH_SIGNING_KEYS: `${a}\n${b}` });
    expect(config.AUTH_SIGNING_KEYS).toHaveLength(2);
    const escaped = loadAuthConfig({ AUTH_SIGNING_KEYS: a.replace(/\n/g, '\\n') });
    expect(escaped.AUTH_SIGNING_KEYS![0].kid).toBe(config.AUTH_SIGNING_KEYS![0].kid);
  });

  it('when the keys are garbage, then the error names the variable without echoing it', () => {
    expect(() => loadAuthConfig({ AUTH_SIGNING_KEYS: 'secret-garbage' })).toThrow(/AUTH_SIGNING_KEYS: contains no PEM private key .*<redacted>/);
    expect(() => loadAuthConfig({ AUTH_SIGNING_KEYS: 'secret-garbage' })).not.toThrow(/secret-garbage/);
  });

  it('when the hash cost is not a power of two, or only one admin variable is set, then loading fails', () => {
    expect(() => loadAuthConfig({ PASSWORD_HASH_COST: '1000' })).toThrow(/PASSWORD_HASH_COST/);
    expect(() => loadAuthConfig({ ADMIN_EMAIL: 'root@example.com' })).toThrow(/ADMIN_PASSWORD/);
    expect(loadAuthConfig({ ADMIN_EMAIL: ' Root@Example.com ', ADMIN_PASSWORD: 'long enough pass' }).ADMIN_EMAIL).toBe('root@example.com');
  });
});
