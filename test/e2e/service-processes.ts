import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { databaseOnServer, eventually, untilDatabaseOnReplica } from '@shop/testing';

const repositoryRoot = join(__dirname, '..', '..');

/** One service running as its own Node process from its build, as its container would run it. */
export interface ServiceProcess {
  appId: string;
  url: string;
  child: ChildProcess;
  /** Everything it wrote, for the failure message of a test. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `apps/<app>/dist/main.js` with `env` and waits until its /readyz answers 200. */
export async function startServiceProcess(app: string, port: number, env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(repositoryRoot, 'apps', app, 'dist', 'main.js')], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  // A refused connection (not listening yet) is a throw, which `eventually` takes as "not yet".
  const outcome = await eventually(async () => {
    if (child.exitCode !== null) return 'exited';
    return (await fetch(`${url}/readyz`)).status === 200 && 'ready';
  }, 60_000, 100).catch(() => 'not ready in time');
  if (outcome === 'exited') throw new Error(`${app} exited with ${child.exitCode} before it was ready:\n${output}`);
  if (outcome !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`${app} was not ready within 60 s:\n${output}`);
  }
  return {
    appId: app,
    url,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The apps that own a database. */
export type DatabaseOwner = 'auth' | 'catalog' | 'order';

/** What processes of one platform must share with another's to serve the same shoppers (a second region). */
export interface PlatformSecrets {
  /** Auth's RSA signing key (PEM): a token one region's auth signed verifies in the other. */
  signingKey: string;
  /** The token of the internal routes. */
  appApiToken: string;
}

/** The whole platform as separate processes on real PostgreSQL (a database per service) and Redis. */
export interface ProcessPlatform {
  gatewayUrl: string;
  admin: { email: string; password: string };
  services: ServiceProcess[];
  /** The database URL of each service that has one (created by this platform, or given to it). */
  databaseUrls: Partial<Record<DatabaseOwner, string>>;
  secrets: PlatformSecrets;
  /** Stops the processes and drops the databases it created (never the ones it was given). */
  stop(): Promise<void>;
}

export interface ProcessPlatformOptions {
  /** The server the throwaway databases are created on (one per service, unless `databaseUrls` names it). */
  databaseServerUrl: string;
  /** Redis for state (and events, unless `pubsubRedisUrl`). */
  redisUrl: string;
  redisKeyPrefix: string;
  /** Which of auth, catalog, cart and order run (the gateway always does). */
  apps: string[];
  /** The Redis of the event streams when it is not `redisUrl` (two regions: state apart, events shared). */
  pubsubRedisUrl?: string;
  /** Databases to use as they are instead of creating throwaway ones (another region's); never dropped here. */
  databaseUrls?: Partial<Record<DatabaseOwner, string>>;
  /** A read replica of the database server: each service reads from the same database on it (`DATABASE_READ_URL`). */
  replicaServerUrl?: string;
  /** Another platform's secrets, to serve the same shoppers. Default: new ones. */
  secrets?: PlatformSecrets;
  /** More settings per app, over the defaults (e.g. `{ order: { DATABASE_READ_MAX_LAG_SECONDS: '2' } }`). */
  env?: Partial<Record<string, Record<string, string>>>;
}

/** Starts auth, catalog, cart, order and the gateway as processes; `apps` limits which of the optional ones run. */
export async function startProcessPlatform(options: ProcessPlatformOptions): Promise<ProcessPlatform> {
  const databases: ThrowawayDatabase[] = [];
  const services: ServiceProcess[] = [];
  const databaseUrls: Partial<Record<DatabaseOwner, string>> = { ...options.databaseUrls };
  const stop = async () => {
    for (const service of [...services].reverse()) await service.stop();
    for (const database of databases) await database.drop().catch(() => undefined);
  };
  try {
    const ports = Object.fromEntries(await Promise.all(['auth', 'catalog', 'cart', 'order', 'gateway'].map(async (app) => [app, await freePort()] as const)));
    const serviceUrls = options.apps.map((app) => `${app}=http://127.0.0.1:${ports[app]}`).join(',');
    const admin = { email: 'admin@e2e.example', password: 'e2e-Admin-password-42' };
    const secrets: PlatformSecrets = options.secrets ?? {
      signingKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      // Separate processes guard their internal routes with one shared token (they refuse to start without it).
      appApiToken: randomBytes(24).toString('base64url'),
    };
    const common = {
      REDIS_URL: options.redisUrl,
      ...(options.pubsubRedisUrl ? { PUBSUB_REDIS_URL: options.pubsubRedisUrl } : {}),
      BUILDING_BLOCKS: 'redis',
      REDIS_KEY_PREFIX: options.redisKeyPrefix,
      SERVICE_URLS: serviceUrls,
      LOG_LEVEL: 'warn',
      APP_API_TOKEN: secrets.appApiToken,
    };
    const databaseFor = async (app: DatabaseOwner): Promise<Record<string, string>> => {
      let url = databaseUrls[app];
      if (url === undefined) {
        const database = await createThrowawayDatabase(options.databaseServerUrl, `e2e${app}`);
        databases.push(database);
        url = database.url;
        databaseUrls[app] = url;
        // The service's first read on the replica must find the database the primary just created.
        if (options.replicaServerUrl) await untilDatabaseOnReplica(databaseOnServer(url, options.replicaServerUrl));
      }
      return { DATABASE_URL: url, ...(options.replicaServerUrl ? { DATABASE_READ_URL: databaseOnServer(url, options.replicaServerUrl) } : {}) };
    };
    const perApp: Record<string, () => Promise<Record<string, string>>> = {
      auth: async () => ({ ...(await databaseFor('auth')), AUTH_SIGNING_KEYS: secrets.signingKey, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, PASSWORD_HASH_COST: '1024' }),
      catalog: async () => ({ ...(await databaseFor('catalog')), SEED_DEMO_CATALOG: 'false' }),
      cart: async () => ({}),
      order: async () => ({ ...(await databaseFor('order')), PAYMENT_TIMEOUT_MS: '2000' }),
    };
    for (const app of options.apps) {
      services.push(await startServiceProcess(app, ports[app], { ...common, ...(await perApp[app]()), ...options.env?.[app] }));
    }
    services.push(await startServiceProcess('gateway', ports.gateway, { SERVICE_URLS: serviceUrls, LOG_LEVEL: 'warn', ...options.env?.gateway }));
    return { gatewayUrl: `http://127.0.0.1:${ports.gateway}`, admin, services, databaseUrls, secrets, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
