import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@shop/postgres';
import { eventually } from '@shop/testing';

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

/** The whole platform as separate processes on real PostgreSQL (a database per service) and Redis. */
export interface ProcessPlatform {
  gatewayUrl: string;
  admin: { email: string; password: string };
  services: ServiceProcess[];
  stop(): Promise<void>;
}

/** Starts auth, catalog, cart, order and the gateway as processes; `apps` limits which of the optional ones run. */
export async function startProcessPlatform(options: { databaseServerUrl: string; redisUrl: string; redisKeyPrefix: string; apps: string[] }): Promise<ProcessPlatform> {
  const databases: ThrowawayDatabase[] = [];
  const services: ServiceProcess[] = [];
  const stop = async () => {
    for (const service of [...services].reverse()) await service.stop();
    for (const database of databases) await database.drop().catch(() => undefined);
  };
  try {
    const ports = Object.fromEntries(await Promise.all(['auth', 'catalog', 'cart', 'order', 'gateway'].map(async (app) => [app, await freePort()] as const)));
    const serviceUrls = options.apps.map((app) => `${app}=http://127.0.0.1:${ports[app]}`).join(',');
    const admin = { email: 'admin@e2e.example', password: 'e2e-Admin-password-42' };
    const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const common = {
      REDIS_URL: options.redisUrl,
      BUILDING_BLOCKS: 'redis',
      REDIS_KEY_PREFIX: options.redisKeyPrefix,
      SERVICE_URLS: serviceUrls,
      LOG_LEVEL: 'warn',
      // Separate processes guard their internal routes with one shared token (they refuse to start without it).
      APP_API_TOKEN: randomBytes(24).toString('base64url'),
    };
    const databaseFor = async (app: string) => {
      const database = await createThrowawayDatabase(options.databaseServerUrl, `e2e${app}`);
      databases.push(database);
      return database.url;
    };
    const perApp: Record<string, () => Promise<Record<string, string>>> = {
      auth: async () => ({ DATABASE_URL: await databaseFor('auth'), AUTH_SIGNING_KEYS: signingKey, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password, PASSWORD_HASH_COST: '1024' }),
      catalog: async () => ({ DATABASE_URL: await databaseFor('catalog'), SEED_DEMO_CATALOG: 'false' }),
      cart: async () => ({}),
      order: async () => ({ DATABASE_URL: await databaseFor('order'), PAYMENT_TIMEOUT_MS: '2000' }),
    };
    for (const app of options.apps) {
      services.push(await startServiceProcess(app, ports[app], { ...common, ...(await perApp[app]()) }));
    }
    services.push(await startServiceProcess('gateway', ports.gateway, { SERVICE_URLS: serviceUrls, LOG_LEVEL: 'warn' }));
    return { gatewayUrl: `http://127.0.0.1:${ports.gateway}`, admin, services, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
