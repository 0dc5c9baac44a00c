// Ports: what services type against.
export * from './state/state-store';
export * from './events/event-bus';
export * from './invoke/service-invoker';
export { type RateLimitDecision, type RateLimiter, type RateLimitUsage, utcDayOf } from './rate-limit/rate-limiter';
export { DeliveryDefaults, toCloudEvent, isCloudEvent } from './events/cloud-events';
export { broadcastSubscription } from './events/broadcast-subscription';
export { regionalSubscription } from './events/regional-subscription';

// Adapters: only a service's wiring (main.ts, @shop/service-runtime) picks one.
export { InMemoryStateStore, type InMemoryStateStoreOptions } from './state/in-memory-state-store';
export { RedisStateStore, type RedisStateStoreOptions } from './state/redis-state-store';
export { DaprStateStore, type DaprStateStoreOptions } from './state/dapr-state-store';

export { InMemoryBroker, InMemoryEventBus, type InMemoryBrokerOptions, type InMemoryConsumer, type InMemoryEventBusOptions } from './events/in-memory-event-bus';
export { RedisStreamsEventBus, type RedisStreamsEventBusOptions } from './events/redis-streams-event-bus';
export { DaprEventBus, type DaprEventBusOptions, type DaprProgrammaticSubscription } from './events/dapr-event-bus';

export { HttpServiceInvoker, callerAppIdHeader, type HttpServiceInvokerOptions } from './invoke/http-service-invoker';
export { DaprServiceInvoker, type DaprServiceInvokerOptions } from './invoke/dapr-service-invoker';

export { InMemoryRateLimiter, type InMemoryRateLimiterOptions } from './rate-limit/in-memory-rate-limiter';
export { DEFAULT_RATE_LIMIT_KEY_PREFIX, RedisRateLimiter, type RedisRateLimiterOptions } from './rate-limit/redis-rate-limiter';

export type { RedisClient, RedisConnectionOptions } from './redis-connection';
export { entraRedisCredentials, objectIdOf, redisEntraTokenScope, type EntraRedisCredentialsOptions, type RedisAccessToken, type RedisTokenCredential, type StreamingCredentialsProvider } from './redis-entra-credentials';
export { DaprSidecarError, SidecarUnreachableError, type DaprSidecarOptions, type SidecarFailure } from './dapr/dapr-sidecar';
export { DefaultOutageBreaker, OutageBreaker, type OutageBreakerOptions, type OutageBreakerSettings } from './outage-breaker';
