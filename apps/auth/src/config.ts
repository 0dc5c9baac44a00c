import { z } from 'zod';
import { defaultMaxTokenLifetimeSeconds, defaultTokenAudience, defaultTokenIssuer, signingKeyFromPem, type SigningKey } from '@shop/auth-tokens';
import { AppIds } from '@shop/contracts';
import { env, isProduction, loadConfig, readReplicaNeedsPrimary, serviceBaseConfigSchema, serviceDatabaseConfigShape, serviceDatabaseRules, withConfigRules } from '@shop/platform';
import { appApiTokenSetting, buildingBlocksConfigSchema, buildingBlocksRules } from '@shop/service-runtime';

const pemBlockPattern = /-----BEGIN ((?:RSA )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/g;

/**
 * Splits AUTH_SIGNING_KEYS into PEM private keys. Any separator works (a blank line is the documented one), and
 * literal `\n` sequences are accepted because some secret stores flatten multi-line values that way.
 */
export function parseSigningKeys(value: string): SigningKey[] {
  const text = value.replace(/\\n/g, '\n');
  const blocks = text.match(pemBlockPattern) ?? [];
  if (blocks.length === 0) throw new Error('contains no PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)');
  return blocks.map((pem, index) => {
    try {
      return signingKeyFromPem(pem);
    } catch (error) {
      throw new Error(`key #${index + 1} cannot be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  });
}

const isPowerOfTwo = (n: number) => Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;

/** `https://shop.example.com` as an origin: http(s), a host, an optional port, nothing after (a trailing / is dropped). */
function asOrigin(entry: string): string | undefined {
  const trimmed = entry.trim().replace(/\/$/, '');
  try {
    const url = new URL(trimmed);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === trimmed ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The shop origins when SHOP_ORIGINS is unset (development only): the origin of PUBLIC_BASE_URL, whose default is the
 * gateway's local URL; a loopback one is allowed under both of its names, since a browser may open either.
 */
export function defaultShopOrigins(publicBaseUrl: string): string[] {
  const url = new URL(publicBaseUrl);
  if (url.hostname !== 'localhost' && url.hostname !== '127.0.0.1') return [url.origin];
  const port = url.port ? `:${url.port}` : '';
  return [`${url.protocol}//localhost${port}`, `${url.protocol}//127.0.0.1${port}`];
}

/** The origins whose pages may use the session cookie (refresh, logout): SHOP_ORIGINS, else the development default. */
export function resolveShopOrigins(config: Pick<AuthConfig, 'SHOP_ORIGINS' | 'PUBLIC_BASE_URL'>): string[] {
  return config.SHOP_ORIGINS ?? defaultShopOrigins(config.PUBLIC_BASE_URL);
}

/** The auth service's environment: every variable it reads, described and defaulted where that is safe. */
export const authConfigSchema = serviceBaseConfigSchema
  .extend(buildingBlocksConfigSchema.shape)
  .extend({
    PORT: env.port(3001),
    ...serviceDatabaseConfigShape(AppIds.auth),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development').describe('production refuses unsafe defaults'),
    PUBLIC_BASE_URL: z
      .string()
      .url()
      .default('http://localhost:8080')
      .transform((url) => url.replace(/\/+$/, ''))
      .describe('Public origin of the gateway, used to build the URLs of the discovery document'),
    AUTH_SIGNING_KEYS: z
      .string()
      .optional()
      .transform((value, context) => {
        if (value === undefined) return undefined;
        try {
          return parseSigningKeys(value);
        } catch (error) {
          context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
          return z.NEVER;
        }
      })
      .describe('One or more PEM RSA private keys separated by a blank line: the first signs, all are published in the JWKS. Unset: a key is generated at start (not in production)'),
    TOKEN_ISSUER: z.string().min(1).default(defaultTokenIssuer).describe('`iss` of access tokens and of the discovery document; verifiers must expect the same'),
    TOKEN_AUDIENCE: z.string().min(1).default(defaultTokenAudience).describe('`aud` of access tokens'),
    ACCESS_TOKEN_TTL_SECONDS: env
      .positiveInt(900)
      .pipe(z.number().max(defaultMaxTokenLifetimeSeconds, { error: `must be at most ${defaultMaxTokenLifetimeSeconds}: every service refuses longer-lived tokens` }))
      .describe('Lifetime of access tokens; also how long a role change takes to reach every service'),
    REFRESH_TOKEN_TTL_SECONDS: env.positiveInt(30 * 24 * 3600).describe('Lifetime of each refresh token (every refresh issues a new one)'),
    PASSWORD_HASH_COST: z.coerce
      .number()
      .int()
      .refine(isPowerOfTwo, 'must be a power of two >= 2')
      .default(2 ** 15)
      .describe('scrypt N for new password hashes (existing hashes keep theirs and are upgraded at the next login)'),
    ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email()).optional().describe('The first admin: created at start if missing, else given the admin role'),
    ADMIN_PASSWORD: z.string().optional().describe('Password of the first admin when it has to be created (an existing account keeps its password)'),
    LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: env.positiveInt(5).describe('Strict: failed logins of one client address against one account within the window before 429'),
    LOGIN_MAX_FAILURES_PER_ACCOUNT: env
      .positiveInt(5)
      .describe('Loose: failed logins of one account (all addresses) within the window after which addresses that already failed on it wait a doubling delay (at most 15 minutes); addresses that have not failed are never held'),
    LOGIN_MAX_FAILURES_PER_ADDRESS: env.positiveInt(50).describe('Failed logins per client address within the window before 429'),
    LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .max(900, 'must be at most 900: a refusal must never last longer than 15 minutes')
      .default(900)
      .describe('Window of the login counters (at most 900 s)'),
    APP_API_TOKEN: appApiTokenSetting('the internal routes (/internal/auth/...) require it in the dapr-api-token header'),
    SHOP_ORIGINS: z
      .string()
      .optional()
      .transform((value, context) => {
        if (value === undefined) return undefined;
        const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
        const origins = entries.map(asOrigin);
        const wrong = entries.filter((_, index) => origins[index] === undefined);
        if (entries.length === 0 || wrong.length > 0) {
          context.addIssue({ code: 'custom', message: `must be a comma-separated list of origins such as https://shop.example.com (not: ${wrong.join(', ') || 'an empty list'})` });
          return z.NEVER;
        }
        return [...new Set(origins as string[])];
      })
      .describe('Origins of the shop\'s pages (comma-separated, e.g. https://shop.example.com): a session refresh or logout whose Origin header is not one of them is refused (403). Unset: the origin of PUBLIC_BASE_URL, both localhost and 127.0.0.1 for a loopback one (not in production)'),
    API_KEY_HASH_SECRET: z
      .string()
      .min(32, 'must be at least 32 characters (e.g. openssl rand -base64 48)')
      .optional()
      .describe('Server-side secret partner API keys are hashed with (HMAC-SHA-256); changing it voids every issued key. Unset: generated at start (not in production), so keys stop working after a restart'),
    API_KEY_ROTATION_GRACE_HOURS: env
      .positiveInt(24)
      .pipe(z.number().max(24 * 30, { error: 'must be at most 720 (30 days)' }))
      .describe('How long a partner key keeps working after it was rotated'),
    AUDIT_LOG_RETENTION_DAYS: env
      .positiveInt(90)
      .pipe(z.number().max(3660, { error: 'must be at most 3660 (10 years)' }))
      .describe('How long audit entries are kept: monthly partitions entirely older than this are dropped by the partition job'),
    SESSION_COOKIE_SECURE: env
      .boolean(true)
      .describe('Secure attribute of the shop_refresh cookie. false only for a plain-http development setup on another host than localhost (browsers accept Secure cookies on http://localhost); refused in production'),
  })
  .apply(
    withConfigRules([
      ...serviceDatabaseRules,
      ...buildingBlocksRules,
      {
        variable: 'SHOP_ORIGINS',
        expected: 'is required when NODE_ENV=production: the origins of the shop (https://shop.example.com), whose pages alone may refresh a session',
        violated: (config) => isProduction(config) && config.SHOP_ORIGINS === undefined,
      },
      {
        variable: 'SESSION_COOKIE_SECURE',
        expected: 'must not be false when NODE_ENV=production: the refresh cookie must never travel over plain http',
        violated: (config) => isProduction(config) && config.SESSION_COOKIE_SECURE === false,
      },
    ]),
  )
  .superRefine((config, context) => {
    readReplicaNeedsPrimary(config, context);
    if (config.NODE_ENV === 'production' && !config.AUTH_SIGNING_KEYS) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_SIGNING_KEYS'],
        message: 'is required when NODE_ENV=production (generated keys would change at every restart and differ between replicas)',
      });
    }
    if (config.NODE_ENV === 'production' && !config.API_KEY_HASH_SECRET) {
      context.addIssue({ code: 'custom', path: ['API_KEY_HASH_SECRET'], message: 'is required when NODE_ENV=production (a generated one would void every partner key at each restart and differ between replicas)' });
    }
    if (config.NODE_ENV === 'production' && config.PASSWORD_HASH_COST < 2 ** 14) {
      context.addIssue({ code: 'custom', path: ['PASSWORD_HASH_COST'], message: 'must be at least 16384 when NODE_ENV=production' });
    }
    if ((config.ADMIN_EMAIL === undefined) !== (config.ADMIN_PASSWORD === undefined)) {
      context.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together' });
    }
  });

/** The validated configuration of the auth service. */
export type AuthConfig = z.infer<typeof authConfigSchema>;

/** Reads and validates the auth service's configuration; throws ConfigError naming each bad variable. */
export function loadAuthConfig(environment: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(authConfigSchema, environment);
}
