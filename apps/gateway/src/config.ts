import { z } from 'zod';
import { env, loadConfig, serviceBaseConfigSchema } from '@shop/platform';

/** The gateway's settings. */
export const gatewayConfigSchema = serviceBaseConfigSchema.extend({
  PORT: env.port(8080),
  SERVICE_URLS: z.string().default('auth=http://127.0.0.1:3001,catalog=http://127.0.0.1:3002,cart=http://127.0.0.1:3003,order=http://127.0.0.1:3004').describe('Where each app listens, "appId=url,..."; an app with several replicas lists their URLs separated by | ("catalog=http://127.0.0.1:3002|http://127.0.0.1:3012"), and requests take them in turn'),
  WEB_APP_DIR: z.string().optional().describe('Folder of the built web app (apps/storefront/dist) to serve at /; unset: API only'),
  UPSTREAM_TIMEOUT_MS: env.positiveInt(30_000).describe('How long a service may take to answer before the gateway answers 504'),
});

/** The gateway's validated settings. */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/** Reads and validates the gateway's environment. */
export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
