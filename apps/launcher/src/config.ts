import { z } from 'zod';
import { env, loadConfig, serviceBaseConfigSchema, trustedProxiesSetting } from '@shop/platform';

/** Settings of the embedded platform (`npm start`). Every service's own settings pass through to it as well. */
export const launcherConfigSchema = serviceBaseConfigSchema.extend({
  PORT: env.port(8080).describe('Gateway port: the one URL to open'),
  HOST: z.string().default('127.0.0.1').describe('Interface the gateway listens on (services always listen on 127.0.0.1)'),
  DATA_DIR: z.string().default('.data').describe('Folder of the embedded PGlite databases, one subfolder per service'),
  ADMIN_EMAIL: z.string().email().default('admin@shop.local').describe('The first admin account'),
  ADMIN_PASSWORD: z.string().optional().describe('Its password; when unset one is generated on first start and kept in DATA_DIR'),
  API_KEY_HASH_SECRET: z.string().min(32).optional().describe('Secret partner API keys are hashed with; when unset one is generated on first start and kept in DATA_DIR'),
  AUTH_SIGNING_KEYS: z.string().optional().describe('PEM signing key(s) of the auth service; when unset one is generated on first start and kept in DATA_DIR'),
  WEB_APP_DIR: z.string().optional().describe('The built storefront served at / (default: apps/storefront/dist of this checkout)'),
  SEED_DEMO_CATALOG: env.boolean(true).describe('Seed the demo catalog into an empty catalog database'),
  DEMO_HISTORY_DAYS: z.coerce
    .number()
    .int()
    .min(0)
    .max(90)
    .default(30)
    .describe('Days of past orders, price and stock changes, views, searches and daily reports the demo seeds on first start (with SEED_DEMO_CATALOG); 0: none'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn').describe('Log level of every service (warn keeps the console readable)'),
  TRUSTED_PROXIES: trustedProxiesSetting().describe('Proxies in front of the gateway whose X-Forwarded-For it believes (default none; the services always trust the gateway on loopback)'),
}).refine((config) => config.NODE_ENV !== 'production', {
  path: ['NODE_ENV'],
  message: 'must not be production: the embedded platform keeps data in PGlite and events in memory; in production run each service on its own (see the README)',
});
export type LauncherConfig = z.infer<typeof launcherConfigSchema>;

/** Reads and validates the launcher's environment. */
export function loadLauncherConfig(environment: NodeJS.ProcessEnv = process.env): LauncherConfig {
  return loadConfig(launcherConfigSchema, environment);
}

/**
 * The environment a service embedded in the launcher sees: the caller's, minus anything that would point two
 * services at one external database or Redis (each service owns its data; external backends are for the
 * one-process-per-service mode), plus the overrides.
 */
export function embeddedServiceEnvironment(environment: NodeJS.ProcessEnv, overrides: Record<string, string>): NodeJS.ProcessEnv {
  // METRICS_PORT too: one port cannot take the metrics of five services; embedded, each serves /metrics on its own port.
  const { DATABASE_URL: _db, DATABASE_READ_URL: _replica, REDIS_URL: _redis, BUILDING_BLOCKS: _blocks, PORT: _port, METRICS_PORT: _metrics, ...rest } = environment;
  return { ...rest, ...overrides };
}
