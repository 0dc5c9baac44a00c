import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { z } from 'zod';
import { DaprEventBus, DaprServiceInvoker, DaprStateStore, HttpServiceInvoker, InMemoryEventBus, InMemoryStateStore, RedisStateStore, RedisStreamsEventBus, type EventBus, type HttpServiceInvokerOptions, type InMemoryBroker, type ServiceInvoker, type StateStore } from '@shop/building-blocks';
import { InMemoryRateLimiter, RedisRateLimiter, entraRedisCredentials, type RateLimiter } from '@shop/building-blocks';
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
  PUBSUB_REDIS_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'With BUILDING_BLOCKS=redis: the Redis of the event streams when it is not REDIS_URL. Two local "regions" keep state on their own Redis and share one event Redis, as the regions in Azure share one Service Bus namespace (docs/regions.md). Default: REDIS_URL',
    ),
  RATE_LIMIT_REDIS_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'With BUILDING_BLOCKS=dapr: the Redis of the shared rate limiter (a secret when it carries a password; Dapr has no building block for an exact shared sliding window), required by a service that rate-limits (catalog\'s partner API). With redis the limiter uses REDIS_URL; with memory it is in-process',
    ),
  RATE_LIMIT_REDIS_AUTH: z
    .enum(['url', 'entra'])
    .default('url')
    .describe(
      'How the rate limiter signs in to RATE_LIMIT_REDIS_URL: url (whatever the URL carries) or entra (Azure Cache for Redis with access keys off: the workload identity\'s Entra tokens, renewed on the open connection)',
    ),
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
    .describe('With BUILDING_BLOCKS=redis (and for the rate limiter with dapr): how long a Redis command may take before the call fails (503 on request paths). Default 500'),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('shop')
    .describe('With BUILDING_BLOCKS=redis: prefix of state keys (then the app id) and of event streams (shared by all apps); with redis or dapr also of the rate limiter\'s keys (<prefix>:ratelimit:)'),
  SERVICE_URLS: z
    .string()
    .default('')
    .describe('Without Dapr: where other services listen, as "appId=url,appId=url" (e.g. "auth=http://127.0.0.1:3001"); an app with several replicas lists their URLs separated by | ("catalog=http://127.0.0.1:3002|http://127.0.0.1:3012"), and calls take them in turn'),
  INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/)
    .optional()
    .describe('Names this process among its app\'s replicas (its own consumer group on the broadcast bus); two running processes must never share one. Default: the pod name (HOSTNAME) in Kubernetes, else random per process'),
  REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,30}$/)
    .optional()
    .describe(
      'The code of the region this process runs in, when the platform runs in several (the chart\'s values-region-<location>.yaml sets it): state a region keeps for itself subscribes to changes with a consumer group of the region (BuildingBlocks.regionalBus), so every region hears of every change. Unset: one region',
    ),
  HOSTNAME: z.string().optional().describe('Set by Kubernetes to the pod name: the default INSTANCE_ID there (not used outside Kubernetes, where processes of one host share it)'),
  KUBERNETES_SERVICE_HOST: z.string().optional().describe('Set by Kubernetes in every pod: tells that HOSTNAME is a pod name, unique among the replicas'),
});
export type BuildingBlocksConfig = z.infer<typeof buildingBlocksConfigSchema>;

/** Which building blocks a configuration chooses: BUILDING_BLOCKS, else redis when REDIS_URL is set, else memory. */
export function buildingBlocksKindOf(config: { BUILDING_BLOCKS?: unknown; REDIS_URL?: unknown }): 'memory' | 'redis' | 'dapr' {
  if (config.BUILDING_BLOCKS === 'memory' || config.BUILDING_BLOCKS === 'redis' || config.BUILDING_BLOCKS === 'dapr') return config.BUILDING_BLOCKS;
  return typeof config.REDIS_URL === 'string' ? 'redis' : 'memory';
}

/**
 * The id of this process among its app's replicas: INSTANCE_ID, else the pod name in Kubernetes, else random. It names
 * the process's own consumer group on the broadcast bus (`broadcastSubscription`), so it must differ between replicas.
 */
export function instanceIdOf(config: { INSTANCE_ID?: string; HOSTNAME?: string; KUBERNETES_SERVICE_HOST?: string }): string {
  if (config.INSTANCE_ID) return config.INSTANCE_ID;
  if (config.KUBERNETES_SERVICE_HOST && config.HOSTNAME) return config.HOSTNAME;
  return randomInstanceId();
}

/** Random per process: a restart is a new instance, whose group starts at the newest event anyway. */
function randomInstanceId(): string {
  return `i-${randomBytes(6).toString('hex')}`;
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

/**
 * The rule of a service that uses `BuildingBlocks.rateLimiter` (add it to its `withConfigRules` beside
 * buildingBlocksRules): on Dapr it needs RATE_LIMIT_REDIS_URL. Only such a service: the others get no Redis secret.
 */
export const rateLimiterRules: ConfigRule<{ BUILDING_BLOCKS?: unknown; REDIS_URL?: unknown; RATE_LIMIT_REDIS_URL?: unknown }>[] = [
  {
    variable: 'RATE_LIMIT_REDIS_URL',
    expected: 'is required with BUILDING_BLOCKS=dapr by a service that rate-limits: a redis:// or rediss:// URL of the shared rate limiter',
    violated: (config) => buildingBlocksKindOf(config) === 'dapr' && config.RATE_LIMIT_REDIS_URL === undefined,
  },
];

/** The three Dapr building blocks a service uses, whatever backs them. */
export interface BuildingBlocks {
  kind: 'memory' | 'redis' | 'dapr';
  stateStore: StateStore;
  eventBus: EventBus;
  invoker: ServiceInvoker;
  /**
   * The sliding-window rate limiter shared by the service's replicas: in-process (memory), Redis on REDIS_URL
   * (redis) or on RATE_LIMIT_REDIS_URL (dapr; reading it without that setting throws, see rateLimiterRules). Its
   * Redis connection opens on first use, so a service that never rate-limits never connects.
   */
  rateLimiter: RateLimiter;
  /**
   * The bus on which every replica gets every event when it subscribes with `broadcastSubscription(appId, instanceId)`:
   * the event bus itself with memory and redis (a consumer group per process), the `Components.broadcastPubsub`
   * component with dapr (a subscription per pod, declared in dapr-components/, delivered under /dapr/broadcast/).
   * Subscribe before `start()`; start it too (with memory and redis that starts the event bus, which does no harm).
   */
  broadcastBus: EventBus;
  /** This process among its app's replicas (`instanceIdOf`): the instance of `broadcastSubscription`. */
  instanceId: string;
  /** The region this process runs in (REGION), when the platform runs in several: the region of `regionalSubscription`. */
  region?: string;
  /**
   * The bus on which every region gets every event once when it subscribes with `regionalSubscription(purpose, region)`:
   * the event bus itself with memory and redis (a consumer group per region), the `Components.regionalPubsub`
   * component with dapr when REGION is set (a Service Bus subscription per region, declared by the chart, delivered
   * under /dapr/regional/). Subscribe before `start()`, and start it too.
   */
  regionalBus: EventBus;
  /** Routes the backend needs on the service's own app (Dapr's subscription endpoints). Call inside mountRoutes. */
  mountOnApp(app: Express): void;
  /** Closes the bus, the store and the rate limiter (not shared ones). */
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
 * - `dapr`: everything through the sidecar, with the platform's component names (AKS), but the rate limiter, on
 *   RATE_LIMIT_REDIS_URL.
 * The rate limiter's keys are `<prefix>:ratelimit:…` with redis and dapr (see RedisRateLimiter), in-process with memory.
 */
export function createBuildingBlocks(config: BuildingBlocksConfig, options: { appId: string; logger?: Logger }): Promise<BuildingBlocks> {
  // Built inside the promise: a missing setting rejects, as a sidecar or Redis that cannot be reached would.
  return new Promise((resolve) => resolve(buildingBlocksOf(config, options)));
}

function buildingBlocksOf(config: BuildingBlocksConfig, options: { appId: string; logger?: Logger }): BuildingBlocks {
  const kind = buildingBlocksKindOf(config);
  const instanceId = instanceIdOf(config);
  switch (kind) {
    case 'memory':
      return createEmbeddedBuildingBlocks({ appId: options.appId, serviceUrls: parseServiceUrls(config.SERVICE_URLS), instanceId });
    case 'redis': {
      if (!config.REDIS_URL) throw new Error('BUILDING_BLOCKS=redis needs REDIS_URL');
      const commandTimeoutMs = config.REDIS_COMMAND_TIMEOUT_MS;
      const stateStore = new RedisStateStore({ url: config.REDIS_URL, keyPrefix: `${config.REDIS_KEY_PREFIX}:state:${options.appId}:`, logger: options.logger, commandTimeoutMs });
      // Events are global, state regional: one Service Bus namespace serves every region in Azure (docs/regions.md).
      const eventBus = new RedisStreamsEventBus({ url: config.PUBSUB_REDIS_URL ?? config.REDIS_URL, source: options.appId, streamPrefix: `${config.REDIS_KEY_PREFIX}:events:`, logger: options.logger, commandTimeoutMs });
      // Not per app: every replica of a service (and any service limiting the same subject) shares one window.
      const rateLimiter = new RedisRateLimiter({ url: config.REDIS_URL, keyPrefix: `${config.REDIS_KEY_PREFIX}:ratelimit:`, logger: options.logger, commandTimeoutMs });
      return {
        kind,
        stateStore,
        eventBus,
        // The same streams: a consumer group per process (perInstance) is all a broadcast needs, one per region a
        // regional subscription.
        broadcastBus: eventBus,
        regionalBus: eventBus,
        instanceId,
        region: config.REGION,
        rateLimiter,
        invoker: new HttpServiceInvoker({ services: parseServiceUrls(config.SERVICE_URLS), callerAppId: options.appId }),
        mountOnApp: () => undefined,
        close: async () => {
          await eventBus.close();
          await stateStore.close();
          await rateLimiter.close();
        },
      };
    }
    case 'dapr': {
      const sidecar = { daprHost: config.DAPR_HOST, daprHttpPort: config.DAPR_HTTP_PORT, daprApiToken: config.DAPR_API_TOKEN };
      const stateStore = new DaprStateStore({ ...sidecar, storeName: Components.stateStore, logger: options.logger });
      const eventBus = new DaprEventBus({ ...sidecar, source: options.appId, pubsubName: Components.pubsub, subscriptionMode: config.DAPR_SUBSCRIPTIONS, logger: options.logger });
      // Dapr takes the consumer group from the component (consumerID {appID}-{podName}), not from the subscription, so a
      // broadcast is a component of its own. Its Subscriptions are always declared (dapr-components/), and its deliveries
      // come under their own prefix, so neither bus's router catches the other's.
      const broadcastBus = new DaprEventBus({
        ...sidecar,
        source: options.appId,
        pubsubName: Components.broadcastPubsub,
        routePrefix: '/dapr/broadcast',
        subscriptionMode: 'declarative',
        logger: options.logger,
      });
      // Another component again: its consumerID names the region's Service Bus subscription. Only in several regions.
      const regionalBus =
        config.REGION === undefined
          ? eventBus
          : new DaprEventBus({ ...sidecar, source: options.appId, pubsubName: Components.regionalPubsub, routePrefix: '/dapr/regional', subscriptionMode: 'declarative', logger: options.logger });
      // Straight to Redis: Dapr's rate-limit middleware counts per sidecar, not one window shared by every replica.
      const rateLimiter =
        config.RATE_LIMIT_REDIS_URL === undefined
          ? undefined
          : new RedisRateLimiter({
              url: config.RATE_LIMIT_REDIS_URL,
              ...(config.RATE_LIMIT_REDIS_AUTH === 'entra'
                ? { credentials: entraRedisCredentials({ onError: (error) => options.logger?.warn({ err: error }, 'rate limiter: renewing the Entra token for Redis failed; retrying') }) }
                : {}),
              keyPrefix: `${config.REDIS_KEY_PREFIX}:ratelimit:`,
              logger: options.logger,
              commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
            });
      return {
        kind,
        stateStore,
        eventBus,
        broadcastBus,
        regionalBus,
        instanceId,
        region: config.REGION,
        // A service that never rate-limits needs no RATE_LIMIT_REDIS_URL; one that does fails at startup without it.
        get rateLimiter(): RateLimiter {
          if (!rateLimiter) throw new Error('BUILDING_BLOCKS=dapr needs RATE_LIMIT_REDIS_URL for the rate limiter (add rateLimiterRules to the service\'s config rules)');
          return rateLimiter;
        },
        invoker: new DaprServiceInvoker(sidecar),
        mountOnApp: (app) => {
          // The event bus first: its GET /dapr/subscribe answers (the broadcast bus's, declarative, would list nothing).
          app.use(eventBus.subscriptionRouter());
          app.use(broadcastBus.subscriptionRouter());
          if (regionalBus !== eventBus) app.use(regionalBus.subscriptionRouter());
        },
        close: async () => {
          if (regionalBus !== eventBus) await regionalBus.close();
          await broadcastBus.close();
          await eventBus.close();
          await stateStore.close();
          await rateLimiter?.close();
        },
      };
    }
  }
}

/**
 * In-process building blocks: an in-memory state store and rate limiter of the app's own, an event bus on `broker` (share one
 * broker between the services of one process so their events reach each other), and direct HTTP invocation.
 */
export function createEmbeddedBuildingBlocks(options: { appId: string; broker?: InMemoryBroker; serviceUrls: HttpServiceInvokerOptions['services']; instanceId?: string }): BuildingBlocks {
  const stateStore = new InMemoryStateStore();
  const eventBus = new InMemoryEventBus({ source: options.appId, broker: options.broker });
  const invoker = new HttpServiceInvoker({ services: options.serviceUrls, callerAppId: options.appId });
  const rateLimiter = new InMemoryRateLimiter();
  return {
    kind: 'memory',
    stateStore,
    eventBus,
    broadcastBus: eventBus,
    regionalBus: eventBus,
    instanceId: options.instanceId ?? randomInstanceId(),
    rateLimiter,
    invoker,
    mountOnApp: () => undefined,
    close: async () => {
      await eventBus.close();
      await stateStore.close();
      await rateLimiter.close();
    },
  };
}
