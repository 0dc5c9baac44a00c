import type { Express } from 'express';
import { z } from 'zod';
import { HttpServiceInvoker, InMemoryEventBus, InMemoryStateStore, type InMemoryBroker, type EventBus, type ServiceInvoker, type StateStore } from '@shop/building-blocks';

/** Environment variables that choose and locate the building-block backends. */
export const buildingBlocksConfigSchema = z.object({
  BUILDING_BLOCKS: z
    .enum(['memory', 'redis', 'dapr'])
    .optional()
    .describe('memory (embedded default), redis (state + Redis Streams), or dapr (through the sidecar). Default: redis when REDIS_URL is set, else memory'),
  REDIS_URL: z.string().url().optional().describe('Redis for state and pub/sub when BUILDING_BLOCKS=redis'),
  DAPR_HOST: z.string().default('127.0.0.1').describe('Dapr sidecar host'),
  DAPR_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(3500).describe('Dapr sidecar HTTP port'),
  SERVICE_URLS: z
    .string()
    .default('')
    .describe('Without Dapr: where other services listen, as "appId=url,appId=url" (e.g. "auth=http://127.0.0.1:3001")'),
});
export type BuildingBlocksConfig = z.infer<typeof buildingBlocksConfigSchema>;

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

/** Parses SERVICE_URLS ("auth=http://127.0.0.1:3001,catalog=...") into a map. */
export function parseServiceUrls(value: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [appId, url] = pair.split('=', 2);
    if (!appId || !url) throw new Error(`SERVICE_URLS entry "${pair}" is not appId=url`);
    map[appId.trim()] = url.trim();
  }
  return map;
}

/** Builds the building blocks that `config` names for the app `appId`. */
export async function createBuildingBlocks(config: BuildingBlocksConfig, options: { appId: string }): Promise<BuildingBlocks> {
  const kind = config.BUILDING_BLOCKS ?? (config.REDIS_URL ? 'redis' : 'memory');
  switch (kind) {
    case 'memory':
      return createEmbeddedBuildingBlocks({ appId: options.appId, serviceUrls: parseServiceUrls(config.SERVICE_URLS) });
    default:
      throw new Error(`BUILDING_BLOCKS=${kind} is not wired yet`);
  }
}

/**
 * In-process building blocks: an in-memory state store of the app's own, an event bus on `broker` (share one
 * broker between the services of one process so their events reach each other), and direct HTTP invocation.
 */
export function createEmbeddedBuildingBlocks(options: { appId: string; broker?: InMemoryBroker; serviceUrls: Record<string, string> }): BuildingBlocks {
  const stateStore = new InMemoryStateStore();
  const eventBus = new InMemoryEventBus({ source: options.appId, broker: options.broker });
  const invoker = new HttpServiceInvoker({ services: options.serviceUrls });
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
