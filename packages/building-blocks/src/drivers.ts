import type * as DaprSdk from '@dapr/dapr';
import type * as RedisDriver from 'redis';

// The drivers are loaded on first use, not on import: every service and test imports this package for the ports
// and the in-memory adapters, and loading node-redis and the Dapr SDK (with gRPC) up front costs about 0.7 s each time.
let redisDriver: typeof RedisDriver | undefined;
let daprSdk: typeof DaprSdk | undefined;

/** node-redis, loaded when a Redis adapter first connects. */
export function loadRedisDriver(): typeof RedisDriver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load: an import would load the driver with the package
  return (redisDriver ??= require('redis') as typeof RedisDriver);
}

/** The Dapr JavaScript SDK, loaded when a Dapr adapter is first built. */
export function loadDaprSdk(): typeof DaprSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load: an import would load the SDK with the package
  return (daprSdk ??= require('@dapr/dapr') as typeof DaprSdk);
}
