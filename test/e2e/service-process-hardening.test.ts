import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@shop/testing';
import { freePort, startServiceProcess, type ServiceProcess } from './service-processes';

const repositoryRoot = join(__dirname, '..', '..');

/** Runs a Node script (a built service's main.js, or `-e` code) with only `env`, to its exit. */
async function runToExit(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, args, { cwd: repositoryRoot, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, output };
}

const mainOf = (app: string) => join(repositoryRoot, 'apps', app, 'dist', 'main.js');

describe('a service started with NODE_ENV=production', () => {
  const required: Record<string, string[]> = {
    auth: ['DATABASE_URL', 'BUILDING_BLOCKS', 'APP_API_TOKEN', 'SHOP_ORIGINS', 'AUTH_SIGNING_KEYS', 'API_KEY_HASH_SECRET'],
    catalog: ['DATABASE_URL', 'BUILDING_BLOCKS', 'APP_API_TOKEN'],
    cart: ['BUILDING_BLOCKS', 'APP_API_TOKEN'],
    order: ['DATABASE_URL', 'BUILDING_BLOCKS', 'APP_API_TOKEN'],
  };

  it.each(Object.entries(required))('when %s has none of its settings, then it refuses to start (exit 1) and names every missing one at once', async (app, names) => {
    const { code, output } = await runToExit([mainOf(app)], { NODE_ENV: 'production', PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(output).toContain(`${app}: refusing to start: ${names.length} settings are missing or invalid`);
    for (const name of names) expect(output).toMatch(new RegExp(`^  - ${name}: `, 'm'));
    expect(output).not.toMatch(/listening/);
  });

  it('when the catalog gets its secrets in an invalid form, then it refuses and names them without printing their values', async () => {
    const secrets = { DATABASE_URL: 'postgres://shop:Sup3rS3cretPassw0rd@db host/catalog', APP_API_TOKEN: 'sh0rtS3cret', REDIS_URL: 'redis://:R3disPassw0rd@ no-host' };
    const { code, output } = await runToExit([mainOf('catalog')], { NODE_ENV: 'production', BUILDING_BLOCKS: 'redis', ...secrets });
    expect(code).toBe(1);
    for (const name of ['DATABASE_URL', 'APP_API_TOKEN', 'REDIS_URL']) expect(output).toMatch(new RegExp(`^  - ${name}: `, 'm'));
    for (const value of ['Sup3rS3cret', 'sh0rtS3cret', 'R3disPassw0rd']) expect(output).not.toContain(value);
  });

  it('when the embedded launcher (npm start) is started in production, then it refuses: embedded defaults are for development only', async () => {
    const { code, output } = await runToExit([mainOf('launcher')], { NODE_ENV: 'production', PORT: String(await freePort()), DATA_DIR: join(tmpdir(), 'never-created') });
    expect(code).toBe(1);
    expect(output).toMatch(/NODE_ENV: must not be production/);
  });
});

describe('a running service process', () => {
  const appApiToken = 'lifecycle-test-app-api-token';
  const admin = { email: 'admin@lifecycle.example', password: 'lifecycle-Admin-password-42' };
  let dataDir: string;
  let auth: ServiceProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shop-lifecycle-'));
    auth = await startServiceProcess('auth', await freePort(), {
      DATA_DIR: dataDir,
      APP_API_TOKEN: appApiToken,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      PASSWORD_HASH_COST: '1024',
      LOG_LEVEL: 'warn',
    });
  }, 90_000);
  afterAll(async () => {
    await auth?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when an internal route is called without the app API token or with a wrong one, then 401; with it, the route answers', async () => {
    expect((await fetch(`${auth.url}/internal/auth/admins`)).status).toBe(401);
    expect((await fetch(`${auth.url}/internal/auth/admins`, { headers: { 'dapr-api-token': 'not-the-app-api-token' } })).status).toBe(401);
    expect((await fetch(`${auth.url}/internal/auth/admins`, { headers: { 'dapr-api-token': appApiToken } })).status).toBe(200);
  });

  it('when SIGTERM arrives while a request is in flight, then the service stops accepting, the request completes with 200 and the process exits 0', async () => {
    const body = JSON.stringify(admin);
    // Expect: 100-continue makes the server say when it has the request in hand, before the body is sent.
    const login = httpRequest(`${auth.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' } });
    const answered = once(login, 'response') as Promise<[IncomingMessage]>;
    login.flushHeaders();
    await once(login, 'continue');

    const exited = once(auth.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    auth.child.kill('SIGTERM');
    // Draining: a new connection is refused while the request that arrived before the signal is still open.
    await eventually(async () => {
      try {
        await fetch(`${auth.url}/healthz`);
        return false;
      } catch {
        return true;
      }
    }, 10_000, 20);
    login.end(body);

    const [response] = await answered;
    let text = '';
    for await (const chunk of response) text += (chunk as Buffer).toString();
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(text)).toHaveProperty('accessToken');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  }, 30_000);
});

describe('a fault nobody handles', () => {
  /** A service whose start succeeds and then leaves `fault` behind; its stop prints that it ran. */
  const serviceLeaving = (fault: string) => `
    const { runServiceMain } = require(${JSON.stringify(join(repositoryRoot, 'packages', 'service-runtime'))});
    runServiceMain({
      appId: 'faulty',
      loadConfig: () => ({ LOG_LEVEL: 'info' }),
      start: async () => {
        setTimeout(() => { ${fault} }, 10);
        return { server: undefined, port: 0, url: 'http://127.0.0.1:0', stop: async () => void process.stdout.write('graceful stop ran\\n') };
      },
    });`;

  it.each([
    ['an unhandled promise rejection', "void Promise.reject(new Error('nobody awaited this'));", /unhandled promise rejection/],
    ['an uncaught exception', "throw new Error('thrown in a timer');", /uncaught exception/],
  ])('when %s happens, then it is logged with the error, the service stops gracefully and the process exits 1', async (_what, fault, logged) => {
    const { code, output } = await runToExit(['-e', serviceLeaving(fault)], {});
    expect(code).toBe(1);
    expect(output).toMatch(logged);
    expect(output).toMatch(/nobody awaited this|thrown in a timer/);
    expect(output).toContain('graceful stop ran');
  });
});
