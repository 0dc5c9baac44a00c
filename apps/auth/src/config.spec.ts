import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '@shop/platform';
import { loadAuthConfig, resolveShopOrigins } from './config';

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
      SESSION_COOKIE_SECURE: true,
    });
    // The gateway's local URL, under both loopback names a browser may open it by.
    expect(resolveShopOrigins(config)).toEqual(['http://localhost:8080', 'http://127.0.0.1:8080']);
    expect(config.AUTH_SIGNING_KEYS).toBeUndefined();
  });

  it('when NODE_ENV=production has no signing keys, then loading fails naming AUTH_SIGNING_KEYS', () => {
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SIGNING_KEYS: is required when NODE_ENV=production/);
  });

  it('when several PEM keys are given separated by a blank line or with escaped newlines, then all load and the first signs', () => {
    const [a, b] = [pem(), pem()];
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://auth@db.internal/auth',
      BUILDING_BLOCKS: 'dapr',
      APP_API_TOKEN: 'x'.repeat(16),
      SHOP_ORIGINS: 'https://shop.example.com',
      API_KEY_HASH_SECRET: 'k'.repeat(32),
    };
    const config = loadAuthConfig({ ...production, AUTH_SIGNING_KEYS: `${a}\n${b}` });
    expect(config.AUTH_SIGNING_KEYS).toHaveLength(2);
    const escaped = loadAuthConfig({ AUTH_SIGNING_KEYS: a.replace(/\n/g, '\\n') });
    expect(escaped.AUTH_SIGNING_KEYS![0].kid).toBe(config.AUTH_SIGNING_KEYS![0].kid);
  });

  it('when NODE_ENV=production has no API key hash secret, or a short one anywhere, then loading fails naming API_KEY_HASH_SECRET without echoing it', () => {
    expect(() => loadAuthConfig({ NODE_ENV: 'production' })).toThrow(/API_KEY_HASH_SECRET: is required when NODE_ENV=production/);
    expect(() => loadAuthConfig({ API_KEY_HASH_SECRET: 'short-secret-value' })).toThrow(/API_KEY_HASH_SECRET: must be at least 32 characters/);
    expect(() => loadAuthConfig({ API_KEY_HASH_SECRET: 'short-secret-value' })).not.toThrow(/short-secret-value/);
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

  it('when SHOP_ORIGINS lists origins, then they are the shop origins, else the default follows PUBLIC_BASE_URL', () => {
    expect(resolveShopOrigins(loadAuthConfig({ SHOP_ORIGINS: ' https://shop.example.com/ ,https://www.shop.example.com:8443' }))).toEqual([
      'https://shop.example.com',
      'https://www.shop.example.com:8443',
    ]);
    expect(resolveShopOrigins(loadAuthConfig({ PUBLIC_BASE_URL: 'http://127.0.0.1:9090' }))).toEqual(['http://localhost:9090', 'http://127.0.0.1:9090']);
    expect(resolveShopOrigins(loadAuthConfig({ PUBLIC_BASE_URL: 'https://shop.example.com/' }))).toEqual(['https://shop.example.com']);
  });

  it.each(['https://shop.example.com/account', 'shop.example.com', 'ftp://shop.example.com', 'https://user@shop.example.com', ','])(
    'when SHOP_ORIGINS holds %s, then loading fails naming it',
    (value) => {
      expect(() => loadAuthConfig({ SHOP_ORIGINS: value })).toThrow(/SHOP_ORIGINS: must be a comma-separated list of origins/);
    },
  );

  it('when NODE_ENV=production lacks SHOP_ORIGINS or sets SESSION_COOKIE_SECURE=false, then loading fails naming both at once', () => {
    let problems: string[] = [];
    try {
      loadAuthConfig({ NODE_ENV: 'production', SESSION_COOKIE_SECURE: 'false' });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^SHOP_ORIGINS: is required when NODE_ENV=production/), expect.stringMatching(/^SESSION_COOKIE_SECURE: must not be false when NODE_ENV=production/)]),
    );
    // Outside production a plain-http development host may turn it off.
    expect(loadAuthConfig({ SESSION_COOKIE_SECURE: 'false' }).SESSION_COOKIE_SECURE).toBe(false);
  });
});
