// The lint of the monorepo, run by `npm test` (`npm run lint`). Two jobs:
// 1. The dependency rule of docs/architecture.md, checked by eslint-plugin-boundaries: what a folder is called tells
//    what it may import (domain code imports no driver, framework or timer; adapters import the domain, never the
//    other way round; packages never import apps; no app imports another app's internals).
// 2. typescript-eslint's type-aware recommended rules on every TypeScript file, tests included: a forgotten `await`
//    in a saga step is a lost order, so floating and misused promises are errors everywhere.
// test/lint/dependency-rule.test.ts proves the first job with deliberate violations.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const rootDir = dirname(fileURLToPath(import.meta.url));

const typeScriptFiles = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const javaScriptFiles = ['**/*.js', '**/*.cjs', '**/*.mjs'];
const testFiles = ['**/test/**', '**/*.spec.ts', '**/*.spec.tsx'];

/** The app layers below `apps/<app>/src/`, each a folder of one kind of code (docs/architecture.md). */
const adapterLayers = ['http', 'data', 'clients', 'events', 'jobs'];

/**
 * Workspace packages resolve to their TypeScript sources, not to `dist/` (which a fresh checkout or a lint job that
 * does not build first lacks): `@shop/catalog` is `apps/catalog/src/index.ts`, as in tsconfig.json's `paths`, and a
 * subpath such as `@shop/contracts/browser` is `packages/contracts/src/browser.ts`.
 */
const isWorkspacePackage = (manifest) => typeof manifest.name === 'string' && manifest.name.startsWith('@shop/');
function readWorkspaceSourcePackage(readFile, packageFile) {
  const manifest = JSON.parse(readFile(packageFile).toString());
  if (!isWorkspacePackage(manifest)) return manifest;
  return { ...manifest, main: manifest.name === '@shop/storefront' ? 'src/main.tsx' : 'src/index.ts' };
}
function workspaceSourcePath(manifest, candidate, pathInPackage) {
  // Only a bare `@shop/<name>/<subpath>` (found through node_modules); relative imports stay as written.
  if (!isWorkspacePackage(manifest) || !candidate.includes('/node_modules/') || /^(src|dist)\//.test(pathInPackage)) return undefined;
  return `src/${pathInPackage}`;
}

/** Boundaries' element of the importing file and of the imported one, for the policies below. */
const element = (type, captured) => ({ element: captured ? { type, captured } : { type } });
const sameApp = { app: '{{ from.element.captured.app }}' };
const anyExternal = { module: { origin: ['external', 'core'] } };
const sharedPackages = [element('kernel'), element('contracts'), element('package')];

const dependencyPolicies = [
  // kernel: the dependency-free core every layer may import. Nothing of ours, no npm package.
  // contracts: the wire shapes the browser bundle loads too. zod and nothing else.
  { from: element('contracts'), allow: { to: { module: { origin: 'external', source: 'zod' } } } },
  // Packages: any npm or Node module and each other; never an app.
  { from: element('package'), allow: { to: [...sharedPackages, anyExternal] } },
  // The domain: the model, services and ports. The kernel, the contracts, zod and node:crypto; no driver, framework,
  // HTTP or timer module, no adapter of its own app.
  {
    from: element('domain'),
    allow: {
      to: [
        element('kernel'),
        element('contracts'),
        { module: { origin: 'external', source: 'zod' } },
        { module: { origin: 'core', source: ['node:crypto', 'crypto'] } },
      ],
    },
  },
  // Adapters: their own app's domain and their own kind, the packages, any npm or Node module; never another app.
  ...adapterLayers.map((layer) => ({
    from: element(layer),
    allow: { to: [...sharedPackages, element('domain', sameApp), element(layer, sameApp), anyExternal] },
  })),
  // The wiring (apps/<app>/src/*.ts: main, composition, config, index): everything of its own app and the packages.
  {
    from: { element: { type: 'app', captured: { app: '*' } }, file: { categories: 'composition' } },
    allow: {
      to: [
        ...sharedPackages,
        anyExternal,
        ...['domain', ...adapterLayers, 'app'].map((type) => element(type, sameApp)),
      ],
    },
  },
  // Only the launcher puts apps together, and only through their public entries (`@shop/<app>`).
  {
    from: { element: { type: 'app', captured: { app: 'launcher' } }, file: { categories: 'composition' } },
    allow: { to: [{ ...element('app'), file: { categories: 'entry' } }, { ...element('functions'), file: { categories: 'entry' } }] },
  },
  // The Functions app: one app folder of its own; packages and any npm or Node module.
  { from: element('functions'), allow: { to: [...sharedPackages, anyExternal] } },
  // The storefront is a browser bundle: @shop/contracts and npm packages, no Node module and nothing else of ours.
  { from: element('storefront'), allow: { to: [element('contracts'), { module: { origin: 'external' } }] } },
  // Tests (test folders and *.spec.ts): their own app's internals and test support, other apps' public entries.
  {
    from: { file: { categories: 'test' } },
    allow: {
      to: [
        ...sharedPackages,
        anyExternal,
        ...['domain', ...adapterLayers, 'app'].map((type) => element(type, sameApp)),
        { ...element('app'), file: { categories: 'entry' } },
        { ...element('functions'), file: { categories: 'entry' } },
      ],
    },
  },
  { from: { element: { type: 'app', captured: { app: 'storefront' } }, file: { categories: 'test' } }, allow: { to: element('storefront') } },
  { from: { file: { categories: 'test' } }, allow: { to: element('tooling') } },
  // Build settings of an app (vite.config.ts): npm and Node modules.
  { from: { file: { categories: 'build-config' } }, allow: { to: anyExternal } },
  // Scripts and benchmarks drive the built platform from outside: anything.
  { from: element('tooling'), allow: { to: { module: { origin: ['local', 'external', 'core'] } } } },
  // A file of an app outside its layers and wiring (a `seed/` or `integrations/` folder) has no place in the picture.
  {
    from: { element: { type: 'app' }, file: { isUnknown: true } },
    disallow: { to: { module: { origin: ['local', 'external', 'core'] } } },
    message:
      'apps/<app>/src/ holds main, composition, config and index and the folders domain, http, data, clients, events and jobs (docs/architecture.md): move this file into its layer',
  },
  // Production code never loads the test helpers.
  {
    from: [{ file: { isUnknown: true } }, { file: { categories: { noneOf: ['test'] } } }],
    disallow: { to: element('package', { package: 'testing' }) },
    message: 'only tests import @shop/testing',
  },
];

export default defineConfig([
  globalIgnores(['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.data/**', '**/.cache/**', '**/test-output/**']),

  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  {
    name: 'shop/javascript',
    files: javaScriptFiles,
    extends: [js.configs.recommended],
    languageOptions: {
      // Scripts, benchmarks and Jest's plumbing run on Node: its globals are the globals of the Node running the lint.
      globals: Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly'])),
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { __dirname: 'readonly', __filename: 'readonly', require: 'readonly', module: 'writable', exports: 'writable' },
    },
  },

  {
    name: 'shop/typescript',
    files: typeScriptFiles,
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: rootDir },
    },
    rules: {
      // A promise nobody awaits is a step that may fail unseen (a lost order): everywhere, tests included.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  {
    name: 'shop/tests',
    files: testFiles,
    rules: {
      // `expect(port.save).toHaveBeenCalled()` passes a jest mock's method unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // supertest's `res.body` and a parsed JSON answer are `any` by design; the test's expectations are the check.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // A fake that implements an async port (`async publish(event) { seen.push(event); }`) has nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    name: 'shop/dependency-rule',
    files: [...typeScriptFiles, ...javaScriptFiles],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': rootDir,
      'import/resolver': {
        node: {
          extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'],
          // `@shop/*` are symlinks in node_modules: resolved to their real folders they are ours, not npm's.
          preserveSymlinks: false,
          readPackageSync: readWorkspaceSourcePackage,
          pathFilter: workspaceSourcePath,
        },
      },
      // First match wins: the layers before the rest of their app.
      'boundaries/elements': [
        { type: 'kernel', pattern: 'packages/kernel', partialMatch: false },
        { type: 'contracts', pattern: 'packages/contracts', partialMatch: false },
        { type: 'package', pattern: 'packages/*', capture: ['package'], partialMatch: false },
        { type: 'storefront', pattern: 'apps/storefront/src', partialMatch: false },
        ...['domain', ...adapterLayers].map((type) => ({
          type,
          pattern: `apps/*/src/${type}`,
          capture: ['app'],
          partialMatch: false,
        })),
        { type: 'app', pattern: 'apps/*', capture: ['app'], partialMatch: false },
        { type: 'functions', pattern: 'functions', partialMatch: false },
        { type: 'repository-tests', pattern: 'test', partialMatch: false },
        { type: 'tooling', pattern: ['scripts', 'bench'], partialMatch: false },
      ],
      'boundaries/files': [
        { category: 'composition', pattern: 'apps/*/src/*.ts' },
        { category: 'entry', pattern: ['apps/*/src/index.ts', 'functions/src/index.ts'] },
        { category: 'test', pattern: testFiles },
        { category: 'build-config', pattern: 'apps/*/*.config.ts' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        { default: 'disallow', checkAllOrigins: true, checkUnknownLocals: true, policies: dependencyPolicies },
      ],
    },
  },

  {
    name: 'shop/domain-has-no-timers',
    files: ['apps/*/src/domain/**/*.ts'],
    ignores: testFiles,
    rules: {
      'no-restricted-globals': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate'].map((name) => ({
          name,
          message: 'Timers and loops live in jobs/ (a PeriodicTask); the domain decides, it does not schedule.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate'].map((property) => ({
          object: 'globalThis',
          property,
          message: 'Timers and loops live in jobs/ (a PeriodicTask); the domain decides, it does not schedule.',
        })),
      ],
    },
  },
]);
