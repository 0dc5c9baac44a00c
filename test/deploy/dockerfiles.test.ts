import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './deploy-support';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of scripts/ without types, typed here
const { assembleRuntime, runtimeClosure, workspaces } = require('../../scripts/assemble-runtime.js') as {
  assembleRuntime(folder: string, outDir: string): string[];
  runtimeClosure(folder: string, byName: Map<string, string>): string[];
  workspaces(): Map<string, string>;
};

/** Services that get an image (the gateway only for local clusters), with their ports. */
const imageServices: Record<string, number> = { auth: 3001, catalog: 3002, cart: 3003, order: 3004, gateway: 8080 };

const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#'));
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf(' AS runtime'));

describe('Dockerfile', () => {
  test('when built, then every stage starts from a pinned Node LTS slim image', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22\.\d+\.\d+-bookworm-slim$/m);
    expect(instructions.filter((l) => l.startsWith('FROM ')).every((l) => l.startsWith('FROM ${NODE_IMAGE} AS '))).toBe(true);
  });

  test('when dependencies are installed, then only the manifests are in that layer, and the service gets production dependencies only', () => {
    expect(dockerfile).toMatch(/-type f ! -name package\.json ! -name package-lock\.json -delete/);
    expect(dockerfile.indexOf('RUN npm ci --ignore-scripts')).toBeLessThan(dockerfile.indexOf('COPY . .\nRUN npm run build'));
    expect(dockerfile).toContain('npm ci --omit=dev --workspace "${SERVICE}" --include-workspace-root=false');
    expect(runtimeStage).not.toMatch(/npm (ci|install)|apt-get|build-essential|python3|COPY \. /);
  });

  test('when the service runs, then it is the assembled entry point as uid 10001 with NODE_ENV=production and no HEALTHCHECK', () => {
    expect(runtimeStage).toContain('NODE_ENV=production');
    expect(runtimeStage).toMatch(/^USER 10001:10001$/m);
    expect(runtimeStage).toContain('CMD ["node", "start.js"]');
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
  });

  test('when a service starts, then NODE_OPTIONS preloads OpenTelemetry from where the assembled runtime puts the platform, named after the service', () => {
    // /app is the runtime's WORKDIR, where the build's /out (laid out as the repository) is copied.
    expect(runtimeStage).toMatch(/^WORKDIR \/app$/m);
    expect(runtimeStage).toContain('NODE_OPTIONS="--require /app/packages/platform/dist/telemetry-preload.js"');
    expect(runtimeStage).toMatch(/^ARG SERVICE$/m);
    expect(runtimeStage).toContain('OTEL_SERVICE_NAME=${SERVICE#apps/}');
    expect(existsSync(join(repoRoot, 'packages', 'platform', 'src', 'telemetry-preload.ts'))).toBe(true);
  });

  test('when Skaffold builds the images, then every service is an artifact of this Dockerfile with its workspace and port', () => {
    const skaffold = parse(readFileSync(join(repoRoot, 'skaffold.yaml'), 'utf8')) as { build: { artifacts: Array<{ image: string; docker: { dockerfile: string; buildArgs: Record<string, string> } }> } };
    const artifacts = Object.fromEntries(skaffold.build.artifacts.map((a) => [a.image, a.docker]));
    for (const [service, port] of Object.entries(imageServices)) {
      expect(artifacts[`shop/${service}`]).toEqual({ dockerfile: 'Dockerfile', buildArgs: { SERVICE: `apps/${service}`, PORT: String(port) } });
    }
  });

  test('when the build context is sent, then .dockerignore keeps out node_modules, builds, tests, local data and secrets, but not the assemble script', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '**/.data', '.git', 'test', '**/.env', '**/*.pem', 'functions/test']) expect(ignore).toContain(entry);
    expect(ignore).toContain('!scripts/assemble-runtime.js');
  });
});

describe('scripts/assemble-runtime.js', () => {
  const byName = workspaces();

  test('when a service depends on workspaces, then its closure follows dependencies (not devDependencies) transitively', () => {
    // The gateway reaches outbox and postgres through service-runtime, and serves the OpenAPI document (api-docs).
    expect(runtimeClosure('apps/gateway', byName)).toEqual([
      'apps/gateway',
      'packages/api-docs',
      'packages/auth-tokens',
      'packages/building-blocks',
      'packages/contracts',
      'packages/kernel',
      'packages/outbox',
      'packages/platform',
      'packages/postgres',
      'packages/service-runtime',
    ]);
    expect(runtimeClosure('apps/catalog', byName)).toContain('packages/outbox');
    expect(runtimeClosure('apps/catalog', byName)).not.toContain('packages/testing');
    expect(runtimeClosure('apps/catalog', byName)).not.toContain('packages/dapr-sidecar-stand-in');
  });

  const built = existsSync(join(repoRoot, 'apps', 'catalog', 'dist', 'main.js'));
  const describeBuilt = built ? describe : describe.skip;
  describeBuilt(built ? 'the assembled runtime' : 'the assembled runtime [skipped: nothing is built; npm test builds first, or run npm run build]', () => test.each(Object.keys(imageServices))(
    'when %s is assembled from the build, then the folder holds its closure\'s dist/ and migrations/, an entry point, and no sources or tests',
    (service) => {
      const out = mkdtempSync(join(tmpdir(), `assemble-${service}-`));
      try {
        const folders = assembleRuntime(`apps/${service}`, out);
        for (const folder of folders) {
          expect(statSync(join(out, folder, 'dist')).isDirectory()).toBe(true);
          if (existsSync(join(repoRoot, folder, 'migrations'))) expect(readdirSync(join(out, folder, 'migrations')).length).toBeGreaterThan(0);
        }
        expect(readFileSync(join(out, 'start.js'), 'utf8')).toContain(`require('./apps/${service}/dist/main.js')`);
        // The file the image's NODE_OPTIONS requires.
        expect(existsSync(join(out, 'packages', 'platform', 'dist', 'telemetry-preload.js'))).toBe(true);
        const files: string[] = [];
        const walk = (dir: string) => {
          for (const entry of readdirSync(dir, { withFileTypes: true })) {
            if (entry.isDirectory()) walk(join(dir, entry.name));
            else files.push(entry.name);
          }
        };
        walk(out);
        expect(files.filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))).toEqual([]);
        expect(files.filter((name) => /\.(spec|test)\.js$/.test(name))).toEqual([]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  ));
});
