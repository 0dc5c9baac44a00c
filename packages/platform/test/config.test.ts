import { z } from 'zod';
import { ConfigError, env, isProduction, loadConfig, serviceBaseConfigSchema, serviceDatabaseRules, withConfigRules } from '@shop/platform';

const schema = serviceBaseConfigSchema.extend({
  PORT: env.port(3000),
  DATABASE_URL: z.string().url().optional(),
  CACHE: env.boolean(true),
});

describe('loadConfig', () => {
  it('when variables are absent or empty, then defaults apply', () => {
    const config = loadConfig(schema, { PORT: '', LOG_LEVEL: undefined });
    expect(config).toMatchObject({ PORT: 3000, LOG_LEVEL: 'info', CACHE: true, SHUTDOWN_TIMEOUT_MS: 10_000 });
  });

  it('when values are given as strings, then they are coerced', () => {
    expect(loadConfig(schema, { PORT: '8081', CACHE: 'false' })).toMatchObject({ PORT: 8081, CACHE: false });
  });

  it('when a variable is bad, then one line names it and what was expected, without echoing secrets', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', DATABASE_URL: 'not a url with password=secret' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/PORT: .*got "eighty"/);
    expect(message).toMatch(/DATABASE_URL: .*<redacted>/);
    expect(message).not.toContain('secret');
  });
});

describe('service base settings', () => {
  it('when nothing is set, then a service listens on loopback only, in development, trusting no proxy', () => {
    expect(loadConfig(serviceBaseConfigSchema, {})).toMatchObject({ HOST: '127.0.0.1', NODE_ENV: 'development', TRUSTED_PROXIES: [] });
  });

  it('when TRUSTED_PROXIES lists addresses, CIDRs and named ranges, then they are kept as a list; anything else is refused', () => {
    expect(loadConfig(serviceBaseConfigSchema, { TRUSTED_PROXIES: ' loopback, 10.20.16.0/24,2001:db8::/32,192.0.2.7 ' }).TRUSTED_PROXIES).toEqual(['loopback', '10.20.16.0/24', '2001:db8::/32', '192.0.2.7']);
    for (const bad of ['everyone', '10.0.0.0/33', '10.0.0/8', '*', 'true']) {
      expect(() => loadConfig(serviceBaseConfigSchema, { TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES: must be a comma-separated list/);
    }
  });
});

describe('withConfigRules', () => {
  const production = serviceBaseConfigSchema
    .extend({ PORT: env.port(3000), DATABASE_URL: z.string().url().optional() })
    .apply(withConfigRules([...serviceDatabaseRules, { variable: 'PORT', expected: 'must not be 0 in production', violated: (config) => isProduction(config) && config.PORT === 0 }]));

  it('when production lacks settings and another variable is invalid, then one error lists every problem, each with its name', () => {
    let error: unknown;
    try {
      loadConfig(production, { NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^LOG_LEVEL: /), expect.stringMatching(/^DATABASE_URL: is required when NODE_ENV=production.*it is not set/), expect.stringMatching(/^PORT: must not be 0/)]),
    );
  });

  it('when a required URL is given but invalid, then it is reported once as invalid (not also as missing) and its value is not echoed', () => {
    let error: unknown;
    try {
      loadConfig(production, { NODE_ENV: 'production', DATABASE_URL: 'postgres user:s3cret-value at host' });
    } catch (caught) {
      error = caught;
    }
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^DATABASE_URL: .*<redacted>/);
    expect(problems[0]).not.toContain('s3cret');
  });

  it('when not in production, then the embedded defaults stay allowed', () => {
    const config = loadConfig(production, { PORT: '0' });
    expect(config.PORT).toBe(0);
    expect(config.DATABASE_URL).toBeUndefined();
  });
});
