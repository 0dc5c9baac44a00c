// Ports: what services type against.
export * from './state/state-store';
export * from './events/event-bus';
export * from './invoke/service-invoker';
export { DeliveryDefaults, toCloudEvent, isCloudEvent } from './events/cloud-events';

// Adapters: only a service's wiring (main.ts, @shop/service-runtime) picks one.
export { InMemoryStateStore, type InMemoryStateStoreOptions } from './state/in-memory-state-store';
export { RedisStateStore, type RedisStateStoreOptions } from './state/redis-state-store';
export { DaprStateStore, type DaprStateStoreOptions } from './state/dapr-state-store';

export { InMemoryBroker, InMemoryEventBus, type InMemoryBrokerOptions, type InMemoryConsumer, type InMemoryEventBusOptions } from './events/in-memory-event-bus';
export { RedisStreamsEventBus, type RedisStreamsEventBusOptions } from './events/redis-streams-event-bus';
export { DaprEventBus, type DaprEventBusOptions, type DaprProgrammaticSubscription } from './events/dapr-event-bus';

export { HttpServiceInvoker, callerAppIdHeader, type HttpServiceInvokerOptions } from './invoke/http-service-invoker';
export { DaprServiceInvoker, type DaprServiceInvokerOptions } from './invoke/dapr-service-invoker';

export type { RedisClient, RedisConnectionOptions } from './redis-connection';
export { DaprSidecarError, SidecarUnreachableError, type DaprSidecarOptions, type SidecarFailure } from './dapr/dapr-sidecar';
export { DefaultOutageBreaker, OutageBreaker, type OutageBreakerOptions, type OutageBreakerSettings } from './outage-breaker';
