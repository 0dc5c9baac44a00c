import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_MARKET_ID, defaultMarkets, marketIdSchema, marketsSchema } from '@shop/contracts';

/**
 * A configuration that failed validation; `message` is one line naming each bad variable and what was expected, and
 * `problems` the same, one entry per variable (what a refusing service prints, one per line).
 */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Validates environment variables against a zod object schema whose keys are the variable names.
 * Called once, at start, from a service's config.ts: the only code that reads `process.env`.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  // Empty strings count as unset, so `FOO=` in a shell falls back to the default instead of failing.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const got = issue.path.length > 0 ? cleaned[String(issue.path[0])] : undefined;
    const shown = got === undefined ? 'it is not set' : `got "${redactIfSecret(variable, got)}"`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`, problems);
}

function redactIfSecret(variable: string, value: string): string {
  return /PASSWORD|SECRET|KEY|TOKEN|CONNECTION_STRING|URL/i.test(variable) ? '<redacted>' : value;
}

/** Reusable field schemas for environment variables. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback).describe('TCP port to listen on (0: any free port)'),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  url: () => z.string().url(),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/** The names Express's `trust proxy` knows besides addresses and CIDRs (proxy-addr's pre-defined ranges). */
const namedProxyRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Whether `entry` is an IP address, a CIDR (address/prefix length) or one of the named ranges. */
function isProxyAddressOrRange(entry: string): boolean {
  if (namedProxyRanges.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * TRUSTED_PROXIES: the hops whose X-Forwarded-For the service believes, as "cidr,cidr" (or `loopback`, `linklocal`,
 * `uniquelocal`). Empty (the default) trusts nobody: the client address is the socket's peer.
 */
export const trustedProxiesSetting = () =>
  z
    .string()
    .default('')
    .transform((value) => value.split(',').map((entry) => entry.trim()).filter(Boolean))
    .refine((entries) => entries.every(isProxyAddressOrRange), 'must be a comma-separated list of IP addresses, CIDRs (10.20.16.0/24) or loopback, linklocal, uniquelocal')
    .describe('Proxies whose X-Forwarded-For is believed (comma-separated CIDRs, or loopback); empty: nobody, the client address is the peer');

/** Settings every service has: listening, logging, telemetry, shutdown, the proxies it trusts. */
export const serviceBaseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development').describe('production refuses unsafe defaults (embedded database, in-memory building blocks, no app API token)'),
  HOST: z.string().default('127.0.0.1').describe('Interface to listen on: loopback unless told otherwise (the Dockerfile and the chart set 0.0.0.0)'),
  TRUSTED_PROXIES: trustedProxiesSetting(),
  LOG_LEVEL: env.logLevel().describe('pino log level'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional().describe('When set, traces/metrics/logs go to Application Insights'),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(10_000).describe('How long in-flight requests may take to drain on SIGTERM'),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .describe('When set, GET /metrics is served on this port (same HOST) and no longer on PORT (the chart sets 9464, the port only the scrapers reach); unset: /metrics on PORT'),
});

/**
 * Settings of a service that owns a database: PostgreSQL from DATABASE_URL (with an optional read replica), else an
 * embedded PGlite in DATA_DIR (`.data/<appId>`), and the outbox relay's poll. Spread into the service's schema, with
 * `readReplicaNeedsPrimary` as its `superRefine`.
 */
export function serviceDatabaseConfigShape(appId: string) {
  return {
    DATABASE_URL: z.string().url().optional().describe('PostgreSQL primary. When unset, an embedded PGlite database in DATA_DIR is used'),
    DATABASE_READ_URL: z.string().url().optional().describe('PostgreSQL read replica for the read-only queries (only with DATABASE_URL)'),
    DATABASE_READ_MAX_LAG_SECONDS: env
      .positiveInt(10)
      .describe('The most the read replica may lag behind the primary (measured every second) and still serve reads; further behind, reads go to the primary until it catches up'),
    DATABASE_AUTH: z
      .enum(['password', 'entra'])
      .default('password')
      .describe("How PostgreSQL connections sign in: 'password' as the URL says, or 'entra' with an Entra access token of the workload identity as the password (Azure; the URLs then name the identity's role and carry no password)"),
    DATABASE_MAX_CONNECTIONS: env.positiveInt(10).describe('Connection pool size per pool (primary and replica)'),
    // 5 s, not less: in a flash sale (200 checkouts at once on a pool of 10) a 1 s wait answered 503 to shoppers on a
    // healthy database; an outage is cut short by the breaker and by refused connections failing at once instead.
    DATABASE_ACQUIRE_TIMEOUT_MS: env
      .positiveInt(5000)
      .describe('Longest wait for a PostgreSQL connection from the pool, opening a new one included; past it the call answers 503'),
    DATABASE_STATEMENT_TIMEOUT_MS: env
      .positiveInt(5000)
      .describe("PostgreSQL's statement_timeout; a server that stops answering altogether is given up on 500 ms after it (503)"),
    DATA_DIR: z.string().default(`.data/${appId}`).describe('PGlite data folder, relative to the working directory, when DATABASE_URL is unset'),
    OUTBOX_POLL_INTERVAL_MS: env.positiveInt(500).describe('How often the outbox relay looks for unpublished events when nothing nudges it'),
  };
}

/** A read replica without a primary is a configuration mistake: refused with the variable named. */
export function readReplicaNeedsPrimary(config: { DATABASE_URL?: string; DATABASE_READ_URL?: string }, context: z.RefinementCtx): void {
  if (config.DATABASE_READ_URL && !config.DATABASE_URL) context.addIssue({ code: 'custom', message: 'DATABASE_READ_URL needs DATABASE_URL', path: ['DATABASE_READ_URL'] });
}

/**
 * The shop's markets (MARKETS, DEFAULT_MARKET), the same variables in every service that prices or chooses a market
 * (catalog prices in them, the cart keeps one per cart): a service validates them with `defaultMarketIsAMarket`.
 */
export const marketsConfigShape = {
  MARKETS: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return [...defaultMarkets];
      try {
        return JSON.parse(value) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be a JSON array of markets' });
        return z.NEVER;
      }
    })
    .pipe(marketsSchema)
    .describe('The markets as a JSON array of {id, name, currency, defaultLocale, countries, pricesIncludeTax}; default: eu (EUR), us (USD), uk (GBP), jp (JPY)'),
  DEFAULT_MARKET: marketIdSchema.default(DEFAULT_MARKET_ID).describe('The market of a request that names none and whose country and languages no market serves'),
};

/** The refinement of `marketsConfigShape`: the default market is one of the markets. */
export function defaultMarketIsAMarket(config: { MARKETS: ReadonlyArray<{ id: string }>; DEFAULT_MARKET: string }, context: z.RefinementCtx): void {
  if (!config.MARKETS.some((market) => market.id === config.DEFAULT_MARKET)) {
    context.addIssue({ code: 'custom', path: ['DEFAULT_MARKET'], message: `must be one of the MARKETS (${config.MARKETS.map((market) => market.id).join(', ')})` });
  }
}

/** A rule over several variables of a configuration: `violated` says when `variable` is wrong, `expected` what it must be. */
export interface ConfigRule<T = Record<string, unknown>> {
  variable: string;
  expected: string;
  violated: (config: T) => boolean;
}

/**
 * Adds `rules` to an object schema (`schema.apply(withConfigRules(rules))`) so that they are checked even when some
 * variable already failed: a refused start then names every problem at once. A rule may see a failed variable as null
 * or its raw value, so it tests presence and exact values only.
 */
export function withConfigRules(rules: ConfigRule[]): <S extends z.ZodObject>(schema: S) => S {
  return (schema) => rules.reduce((checked, rule) => checked.refine((config) => !rule.violated(config as Record<string, unknown>), { path: [rule.variable], message: rule.expected, when: () => true }), schema);
}

/** Whether the configuration says production (the chart and the Dockerfile set NODE_ENV=production). */
export function isProduction(config: { NODE_ENV?: unknown }): boolean {
  return config.NODE_ENV === 'production';
}

/**
 * The rules of a service that owns a database: production needs PostgreSQL (the embedded PGlite would keep the data
 * inside the container, apart for every replica). Beside `readReplicaNeedsPrimary`.
 */
export const serviceDatabaseRules: ConfigRule<{ NODE_ENV?: unknown; DATABASE_URL?: unknown; DATABASE_READ_URL?: unknown; DATABASE_AUTH?: unknown }>[] = [
  {
    variable: 'DATABASE_URL',
    expected: 'is required when NODE_ENV=production: a postgres:// URL (the embedded PGlite is for development only)',
    // An invalid URL is reported by its own check; this rule is about a missing one.
    violated: (config) => isProduction(config) && config.DATABASE_URL === undefined,
  },
  // With Entra sign-in the token is the password: one written in the URL would be sent instead of it.
  ...(['DATABASE_URL', 'DATABASE_READ_URL'] as const).map((variable) => ({
    variable,
    expected: "carries no password when DATABASE_AUTH=entra (postgres://<identity's role>@<host>:5432/<database>?sslmode=verify-full)",
    violated: (config: Record<string, unknown>) => config.DATABASE_AUTH === 'entra' && urlHasPassword(config[variable]),
  })),
];

/** Whether a value is a URL with a password in it (anything else is some other check's business). */
function urlHasPassword(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  return new URL(value).password !== '';
}
