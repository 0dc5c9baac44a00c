import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './deploy-support';

/** Services that get an image (the gateway only for local clusters). */
const imageServices = ['auth', 'catalog', 'cart', 'order', 'gateway'];

const workspaces = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(repoRoot, group))
    .filter((name) => existsSync(join(repoRoot, group, name, 'package.json')))
    .map((name) => `${group}/${name}`),
);

const packageJson = (workspace: string) => JSON.parse(readFileSync(join(repoRoot, workspace, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };

/** The @shop/* packages a workspace needs at run time, transitively (dependencies only, not devDependencies). */
function runtimeShopPackages(workspace: string, seen = new Set<string>()): Set<string> {
  for (const dep of Object.keys(packageJson(workspace).dependencies ?? {})) {
    if (!dep.startsWith('@shop/')) continue;
    const name = dep.slice('@shop/'.length);
    if (seen.has(name)) continue;
    seen.add(name);
    runtimeShopPackages(`packages/${name}`, seen);
  }
  return seen;
}

describe.each(imageServices)('apps/%s/Dockerfile', (service) => {
  const dockerfile = readFileSync(join(repoRoot, 'apps', service, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#'));
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf(' AS runtime'));

  test('when built, then every stage starts from a pinned Node LTS slim image', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22\.\d+\.\d+-bookworm-slim$/m);
    expect(instructions.filter((l) => l.startsWith('FROM ')).every((l) => l.startsWith('FROM ${NODE_IMAGE} AS '))).toBe(true);
  });

  test('when the manifests are copied before npm ci, then every workspace manifest is listed (npm ci needs the whole set)', () => {
    const copied = new Set([...dockerfile.matchAll(/^COPY ((?:packages|apps)\/[^/]+)\/package\.json /gm)].map((m) => m[1]));
    expect([...copied].sort()).toEqual(expect.arrayContaining(workspaces.sort()));
    expect(dockerfile.indexOf('RUN npm ci --ignore-scripts')).toBeLessThan(dockerfile.indexOf('COPY packages/ packages/'));
  });

  test('when the runtime stage is assembled, then it holds production dependencies of this service only', () => {
    expect(dockerfile).toContain(`npm ci --omit=dev --workspace apps/${service} --include-workspace-root=false`);
    expect(runtimeStage).not.toMatch(/npm (ci|install)|apt-get|build-essential|python3|COPY (packages|apps)\/ /);
  });

  test('when the service runs, then it is the compiled main as uid 10001 with NODE_ENV=production and no HEALTHCHECK', () => {
    expect(runtimeStage).toContain('NODE_ENV=production');
    expect(runtimeStage).toMatch(/^USER 10001:10001$/m);
    expect(runtimeStage).toContain(`CMD ["node", "apps/${service}/dist/main.js"]`);
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
  });

  test('when the service needs workspaces at run time, then exactly their dist/ (and the outbox migrations) are copied', () => {
    const copiedPackages = [...runtimeStage.matchAll(/\/src\/packages\/([^/]+)\/dist /g)].map((m) => m[1]).sort();
    expect(copiedPackages).toEqual([...runtimeShopPackages(`apps/${service}`)].sort());
    expect(runtimeStage.includes('packages/outbox/migrations')).toBe(copiedPackages.includes('outbox'));
    const hasMigrations = existsSync(join(repoRoot, 'apps', service, 'migrations'));
    expect(runtimeStage.includes(`/src/apps/${service}/migrations`)).toBe(hasMigrations);
  });
});

test('when the build context is sent, then .dockerignore keeps out node_modules, builds, tests, local data and secrets', () => {
  const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
  for (const entry of ['**/node_modules', '**/dist', '**/.data', '.git', 'test', '**/.env', '**/*.pem']) expect(ignore).toContain(entry);
});
