import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './deploy-support';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of scripts/ without types, typed here
const { packageFunctions } = require('../../scripts/package-functions.js') as {
  packageFunctions(options: { outDir: string; install: boolean; zip: boolean }): { outDir: string; zipFile?: string; workspaces: string[]; dependencies: Record<string, string> };
};

const built = existsSync(join(repoRoot, 'functions', 'dist', 'index.js'));
const describeBuilt = built ? describe : describe.skip;

describeBuilt(built ? 'scripts/package-functions.js' : 'scripts/package-functions.js [skipped: nothing is built; npm test builds first, or run npm run build]', () => {
  let out: string;
  let result: ReturnType<typeof packageFunctions>;

  beforeAll(() => {
    out = join(mkdtempSync(join(tmpdir(), 'functions-package-')), 'functions');
    result = packageFunctions({ outDir: out, install: false, zip: true });
  });
  afterAll(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  test('when packaged, then the folder has host.json, a package.json whose main is the compiled app, and a zip beside it', () => {
    expect(JSON.parse(readFileSync(join(out, 'host.json'), 'utf8')).version).toBe('2.0');
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    expect(manifest.main).toBe('dist/index.js');
    expect(existsSync(join(out, manifest.main))).toBe(true);
    expect(existsSync(result.zipFile!)).toBe(true);
  });

  test('when the app requires a module, then it is a Node builtin, a bundled workspace or a declared dependency', () => {
    const declared = new Set(Object.keys(result.dependencies));
    const bundled = new Set(readdirSync(join(out, 'node_modules', '@shop')).map((name) => `@shop/${name}`));
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const missing = new Set<string>();
    const scan = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) scan(path);
        else if (entry.name.endsWith('.js')) {
          for (const [, specifier] of readFileSync(path, 'utf8').matchAll(/require\("([^."][^"]*)"\)/g)) {
            const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
            if (!builtins.has(specifier) && !builtins.has(name) && !bundled.has(name) && !declared.has(name)) missing.add(`${name} (${path.slice(out.length)})`);
          }
        }
      }
    };
    scan(join(out, 'dist'));
    scan(join(out, 'node_modules', '@shop'));
    expect([...missing]).toEqual([]);
  });

  test('when packaged, then no sources, tests or dev-only workspaces are in it', () => {
    expect(result.workspaces).not.toContain('packages/testing');
    expect(existsSync(join(out, 'node_modules', '@shop', 'testing'))).toBe(false);
    const files: string[] = [];
    const walk = (dir: string) => readdirSync(dir, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(dir, e.name)) : files.push(e.name)));
    walk(out);
    expect(files.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || /\.(spec|test)\.js$/.test(f))).toEqual([]);
  });
});
