import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './deploy-support';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of scripts/ without types, typed here
const { packageFunctions } = require('../../scripts/package-functions.js') as {
  packageFunctions(options: { outDir: string; install: boolean; zip: boolean }): { outDir: string };
};

/** Where a zip deploy puts the Functions app's package on the Linux host. */
const functionsAppRoot = '/home/site/wwwroot';
const preloadInPackage = 'node_modules/@shop/platform/dist/telemetry-preload.js';

const functionsBicep = readFileSync(join(repoRoot, 'bicep', 'modules', 'functions.bicep'), 'utf8');

/** The value of one app setting of functions.bicep (`name: '...'` followed by `value: '...'`). */
function appSetting(name: string): string | undefined {
  return new RegExp(`name: '${name}'\\s*\\n\\s*value: '([^']*)'`).exec(functionsBicep)?.[1];
}

describe('the OpenTelemetry preload of the Functions app', () => {
  test('when the host starts the Node.js worker, then its arguments require the preload at its path in the deployed package', () => {
    expect(appSetting('languageWorkers__node__arguments')).toBe(`--require ${functionsAppRoot}/${preloadInPackage}`);
  });

  test('when it exports, then it authenticates with the app\'s identity (Entra ID), as the host does', () => {
    expect(appSetting('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe('ClientId=${identity.properties.clientId};Authorization=AAD');
  });

  const built = existsSync(join(repoRoot, 'functions', 'dist', 'index.js')) && existsSync(join(repoRoot, 'packages', 'platform', 'dist', 'telemetry-preload.js'));
  (built ? test : test.skip)(built ? 'when packaged, then the preload is where the setting points' : 'when packaged, then the preload is where the setting points [skipped: nothing is built]', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'functions-preload-')), 'functions');
    try {
      packageFunctions({ outDir: out, install: false, zip: false });
      expect(existsSync(join(out, preloadInPackage))).toBe(true);
    } finally {
      rmSync(join(out, '..'), { recursive: true, force: true });
    }
  });
});
