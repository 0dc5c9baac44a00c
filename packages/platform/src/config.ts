import { z } from 'zod';

/** A configuration that failed validation; `message` is one line naming each bad variable and what was expected. */
export class ConfigError extends Error {
  constructor(message: string) {
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
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
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

/** Settings every service has: listening, logging, telemetry, shutdown. */
export const serviceBaseConfigSchema = z.object({
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on'),
  LOG_LEVEL: env.logLevel().describe('pino log level'),
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional().describe('When set, traces/metrics/logs go to Application Insights'),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(10_000).describe('How long in-flight requests may take to drain on SIGTERM'),
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
    DATABASE_MAX_CONNECTIONS: env.positiveInt(10).describe('Connection pool size per pool (primary and replica)'),
    DATA_DIR: z.string().default(`.data/${appId}`).describe('PGlite data folder, relative to the working directory, when DATABASE_URL is unset'),
    OUTBOX_POLL_INTERVAL_MS: env.positiveInt(500).describe('How often the outbox relay looks for unpublished events when nothing nudges it'),
  };
}

/** A read replica without a primary is a configuration mistake: refused with the variable named. */
export function readReplicaNeedsPrimary(config: { DATABASE_URL?: string; DATABASE_READ_URL?: string }, context: z.RefinementCtx): void {
  if (config.DATABASE_READ_URL && !config.DATABASE_URL) context.addIssue({ code: 'custom', message: 'DATABASE_READ_URL needs DATABASE_URL', path: ['DATABASE_READ_URL'] });
}
