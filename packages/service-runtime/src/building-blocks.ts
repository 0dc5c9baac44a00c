import type { Express } from 'express';
import { z } from 'zod';
import { DaprEventBus, DaprServiceInvoker, DaprStateStore, HttpServiceInvoker, InMemoryEventBus, InMemoryStateStore, RedisStateStore, RedisStreamsEventBus, type EventBus, type HttpServiceInvokerOptions, type InMemoryBroker, type ServiceInvoker, type StateStore } from '@shop/building-blocks';
import { Components } from '@shop/contracts';
import { type Logger } from '@shop/kernel';
import { isProduction, type ConfigRule } from '@shop/platform';

/** Environment variables that choose and locate the building-block backends. */
export const buildingBlocksConfigSchema = z.object({
  BUILDING_BLOCKS: z
    .enum(['memory', 'redis', 'dapr'])
    .optional()
    .describe('memory (embedded default), redis (state + Redis Streams), or dapr (through the sidecar). Default: redis when REDIS_URL is set, else memory'),
  REDIS_URL: z.string().url().optional().describe('Redis for state and pub/sub when BUILDING_BLOCKS=redis'),
  DAPR_HOST: z.string().default('127.0.0.1').describe('Dapr sidecar host'),
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500).describe('Dapr sidecar HTTP port'),
  DAPR_SUBSCRIPTIONS: z
    .enum(['programmatic', 'declarative'])
    .default('programmatic')
    .describe('With BUILDING_BLOCKS=dapr: list subscriptions at /dapr/subscribe (programmatic) or leave them to Subscription resources (declarative: the chart)'),
  DAPR_API_TOKEN: z.string().optional().describe('Token the sidecar requires on its API, when app API token auth is on (a secret)'),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(50)
    .max(10_000)
    .optional()
    .describe('With BUILDING_BLOCKS=redis: how long a Redis command may take before the call fails (503 on request paths). Default 500'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('shop')
    .describe('With BUILDING_BLOCKS=redis: prefix of state keys (then the app id) and of event streams (shared by all apps)'),
  SERVICE_URLS: z
    .string()
    .default('')
    .describe('Without Dapr: where other services listen, as "appId=url,appId=url" (e.g. "auth=http://127.0.0.1:3001"); an app with several replicas lists their URLs separated by | ("catalog=http://127.0.0.1:3002|http://127.0.0.1:3012"), and calls take them in turn'),
});
export type BuildingBlocksConfig = z.infer<typeof buildingBlocksConfigSchema>;

/** Which building blocks a configuration chooses: BUILDING_BLOCKS, else redis when REDIS_URL is set, else memory. */
export function buildingBlocksKindOf(config: { BUILDING_BLOCKS?: unknown; REDIS_URL?: unknown }): 'memory' | 'redis' | 'dapr' {
  if (config.BUILDING_BLOCKS === 'memory' || config.BUILDING_BLOCKS === 'redis' || config.BUILDING_BLOCKS === 'dapr') return config.BUILDING_BLOCKS;
  return typeof config.REDIS_URL === 'string' ? 'redis' : 'memory';
}

/** The least an app API token may be: a random secret, not a word. */
const minimumAppApiTokenLength = 16;

/**
 * APP_API_TOKEN of a service: the shared secret of service-to-service calls (Dapr's app API token in Kubernetes, the
 * same value for every service when they run as separate processes). `what` says what it guards in this service.
 */
export function appApiTokenSetting(what: string) {
  return z
    .string()
    .min(minimumAppApiTokenLength)
    .optional()
    .describe(`Secret (at least ${minimumAppApiTokenLength} characters). Dapr's app API token, or the shared token of separate processes: ${what}. Required unless the service runs embedded (BUILDING_BLOCKS=memory, not in production)`);
}

/** The settings the building-block rules read. */
type BuildingBlockRuleSettings = { NODE_ENV?: unknown; BUILDING_BLOCKS?: unknown; REDIS_URL?: unknown; APP_API_TOKEN?: unknown };

/**
 * The rules of a service's building blocks (pass them to `withConfigRules`): production chooses dapr or redis
 * explicitly (in-memory state and events are lost at a restart and not shared by replicas), redis needs its URL, and a
 * service that other processes can call (anything but the one-process embedded mode) needs APP_API_TOKEN, so its
 * internal routes only answer the platform's services.
 */
export const buildingBlocksRules: ConfigRule<BuildingBlockRuleSettings>[] = [
  {
    variable: 'BUILDING_BLOCKS',
    expected: 'must be dapr or redis when NODE_ENV=production (in-memory state and events are for development only)',
    violated: (config) => isProduction(config) && config.BUILDING_BLOCKS !== 'dapr' && config.BUILDING_BLOCKS !== 'redis',
  },
  {
    variable: 'REDIS_URL',
    expected: 'is required with BUILDING_BLOCKS=redis: a redis:// URL',
    violated: (config) => config.BUILDING_BLOCKS === 'redis' && config.REDIS_URL === undefined,
  },
  {
    variable: 'APP_API_TOKEN',
    expected: `is required outside the one-process embedded mode (with BUILDING_BLOCKS=redis or dapr, or NODE_ENV=production): a random secret of at least ${minimumAppApiTokenLength} characters, the same for every service`,
    violated: (config) => config.APP_API_TOKEN === undefined && (isProduction(config) || buildingBlocksKindOf(config) !== 'memory'),
  },
];

/** The three Dapr building blocks a service uses, whatever backs them. */
export interface BuildingBlocks {
  kind: 'memory' | 'redis' | 'dapr';
  stateStore: StateStore;
  eventBus: EventBus;
  invoker: ServiceInvoker;
  /** Routes the backend needs on the service's own app (Dapr's subscription endpoints). Call inside mountRoutes. */
  mountOnApp(app: Express): void;
  /** Closes the bus and store (not shared ones). */
  close(): Promise<void>;
}

/**
 * Parses SERVICE_URLS ("auth=http://127.0.0.1:3001,catalog=http://127.0.0.1:3002|http://127.0.0.1:3012") into the
 * URLs of each app: one, or those of its replicas separated by `|`. Throws, naming the entry, on anything else.
 */
export function parseServiceUrls(value: string): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const separator = entry.indexOf('=');
    const appId = entry.slice(0, separator).trim();
    if (separator < 0 || !appId) throw new Error(`SERVICE_URLS entry "${entry}" is not appId=url or appId=url|url`);
    // Named twice is most likely an attempt at replicas, which would otherwise silently keep only the last URL.
    if (Object.hasOwn(map, appId)) throw new Error(`SERVICE_URLS names "${appId}" twice; list its replicas in one entry, ${appId}=url|url`);
    const urls = entry.slice(separator + 1).split('|').map((url) => url.trim());
    for (const url of urls) {
      if (!url) throw new Error(`SERVICE_URLS entry "${entry}" has an empty URL; separate the URLs of "${appId}" with a single |`);
      if (!/^https?:\/\/[^/]/.test(url)) throw new Error(`SERVICE_URLS entry "${entry}": "${url}" is not an http:// or https:// URL`);
    }
    map[appId] = urls;
  }
  return map;
}

/**
 * Builds the building blocks that `config` names for the app `appId`:
 * - `memory`: in-process state and events, direct HTTP to SERVICE_URLS (one process, or tests);
 * - `redis`: state as Redis keys under `<prefix>:state:<appId>:`, events on Redis Streams `<prefix>:events:<topic>`
 *   with the app id as consumer group, direct HTTP to SERVICE_URLS (several processes without Dapr);
 * - `dapr`: everything through the sidecar, with the platform's component names (AKS).
 */
export function createBuildingBlocks(config: BuildingBlocksConfig, options: { appId: string; logger?: Logger }): Promise<BuildingBlocks> {
  // Built inside the promise: a missing setting rejects, as a sidecar or Redis that cannot be reached would.
  return new Promise((resolve) => resolve(buildingBlocksOf(config, options)));
}

function buildingBlocksOf(config: BuildingBlocksConfig, options: { appId: string; logger?: Logger }): BuildingBlocks {
  const kind = buildingBlocksKindOf(config);
  switch (kind) {
    case 'memory':
      return createEmbeddedBuildingBlocks({ appId: options.appId, serviceUrls: parseServiceUrls(config.SERVICE_URLS) });
    case 'redis': {
      if (!config.REDIS_URL) throw new Error('BUILDING_BLOCKS=redis needs REDIS_URL');
      const commandTimeoutMs = config.REDIS_COMMAND_TIMEOUT_MS;
      const stateStore = new RedisStateStore({ url: config.REDIS_URL, keyPrefix: `${config.REDIS_KEY_PREFIX}:state:${options.appId}:`, logger: options.logger, commandTimeoutMs });
      const eventBus = new RedisStreamsEventBus({ url: config.REDIS_URL, source: options.appId, streamPrefix: `${config.REDIS_KEY_PREFIX}:events:`, logger: options.logger, commandTimeoutMs });
      return {
        kind,
        stateStore,
        eventBus,
        invoker: new HttpServiceInvoker({ services: parseServiceUrls(config.SERVICE_URLS), callerAppId: options.appId }),
        mountOnApp: () => undefined,
        close: async () => {
          await eventBus.close();
          await stateStore.close();
        },
      };
    }
    case 'dapr': {
      const sidecar = { daprHost: config.DAPR_HOST, daprHttpPort: config.DAPR_HTTP_PORT, daprApiToken: config.DAPR_API_TOKEN };
      const stateStore = new DaprStateStore({ ...sidecar, storeName: Components.stateStore, logger: options.logger });
      const eventBus = new DaprEventBus({ ...sidecar, source: options.appId, pubsubName: Components.pubsub, subscriptionMode: config.DAPR_SUBSCRIPTIONS, logger: options.logger });
      return {
        kind,
        stateStore,
        eventBus,
        invoker: new DaprServiceInvoker(sidecar),
        mountOnApp: (app) => {
          app.use(eventBus.subscriptionRouter());
        },
        close: async () => {
          await eventBus.close();
          await stateStore.close();
        },
      };
    }
  }
}

/**
 * In-process building blocks: an in-memory state store of the app's own, an event bus on `broker` (share one
 * broker between the services of one process so their events reach each other), and direct HTTP invocation.
 */
export function createEmbeddedBuildingBlocks(options: { appId: string; broker?: InMemoryBroker; serviceUrls: HttpServiceInvokerOptions['services'] }): BuildingBlocks {
  const stateStore = new InMemoryStateStore();
  const eventBus = new InMemoryEventBus({ source: options.appId, broker: options.broker });
  const invoker = new HttpServiceInvoker({ services: options.serviceUrls, callerAppId: options.appId });
  return {
    kind: 'memory',
    stateStore,
    eventBus,
    invoker,
    mountOnApp: () => undefined,
    close: async () => {
      await eventBus.close();
      await stateStore.close();
    },
  };
}
