import { z } from 'zod';
import { ConfigError, env, loadConfig, serviceBaseConfigSchema } from '@shop/platform';

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
