import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * The dependency rule of docs/architecture.md, proved on deliberate violations: eslint.config.mjs (the lint `npm test`
 * runs) must report each of them with the rule that enforces it, and must pass the same files written the right way.
 * A probe is source text linted as if it lived at a path of the tree (the rule classifies a file by its path); its
 * imports point at real files, which the rule resolves on disk. Nothing is written to the tree.
 */
const repositoryRoot = join(__dirname, '..', '..');

/** The import path of one real TypeScript file of `folder` (relative to the probe's folder), e.g. `../http/products.routes`. */
function someModuleOf(folder: string, from: string, suffix = '.ts'): string {
  const file = readdirSync(join(repositoryRoot, folder)).find((name) => name.endsWith(suffix) && !name.endsWith('.spec.ts'));
  if (!file) throw new Error(`no ${suffix} file in ${folder} to point a probe at`);
  return `${from}/${file.replace(/\.ts$/, '')}`;
}

const catalogDomain = 'apps/catalog/src/domain';
const catalogHttp = 'apps/catalog/src/http';
const domainProbe = `${catalogDomain}/lint-probe.ts`;
const routesProbe = `${catalogHttp}/lint-probe.routes.ts`;
const packageProbe = 'packages/platform/src/lint-probe.ts';

// The project's config as it is, without type information: the dependency rule does not need it, and the probes
// are not part of a TypeScript program.
const eslint = new ESLint({ cwd: repositoryRoot, cache: false, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** The messages ESLint reports for `source` as the file at `path`. */
async function lint(path: string, source: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(source, { filePath: join(repositoryRoot, path) });
  return result.messages;
}

describe('the dependency rule', () => {
  it.each([
    {
      violation: 'a domain file imports express',
      path: domainProbe,
      source: () => `import { Router } from 'express';\nexport const router = Router();\n`,
      ruleId: 'boundaries/dependencies',
    },
    {
      violation: 'a domain file calls setTimeout',
      path: domainProbe,
      source: () => `export function later(run: () => void): void {\n  setTimeout(run, 10);\n}\n`,
      ruleId: 'no-restricted-globals',
    },
    {
      violation: 'a domain file imports its app\'s routes',
      path: domainProbe,
      source: () => `import * as routes from '${someModuleOf(catalogHttp, '../http', '.routes.ts')}';\nexport const mounted = routes;\n`,
      ruleId: 'boundaries/dependencies',
    },
    {
      violation: 'a package imports an app (@shop/catalog)',
      path: packageProbe,
      source: () => `import * as catalog from '@shop/catalog';\nexport const app = catalog;\n`,
      ruleId: 'boundaries/dependencies',
    },
    {
      violation: "an app's http file imports another app's internals",
      path: routesProbe,
      source: () => `import * as cart from '${someModuleOf('apps/cart/src/domain', '../../../cart/src/domain')}';\nexport const other = cart;\n`,
      ruleId: 'boundaries/dependencies',
    },
  ])('when $violation, then $ruleId fails the lint', async ({ path, source, ruleId }) => {
    const messages = await lint(path, source());

    expect(messages.map((message) => message.ruleId)).toContain(ruleId);
    expect(messages.find((message) => message.ruleId === ruleId)?.severity).toBe(2);
  });

  it.each([
    {
      file: 'a domain file imports zod',
      path: domainProbe,
      source: () => `import { z } from 'zod';\nexport const quantitySchema = z.number().int().positive();\n`,
    },
    {
      file: 'a domain file decides without a timer',
      path: domainProbe,
      source: () => `export function isExpired(deadline: number, now: number): boolean {\n  return now >= deadline;\n}\n`,
    },
    {
      file: 'a domain file imports its own domain',
      path: domainProbe,
      source: () => `import * as domain from '${someModuleOf(catalogDomain, '.')}';\nexport const own = domain;\n`,
    },
    {
      file: 'a package imports the kernel',
      path: packageProbe,
      source: () => `import { AppError } from '@shop/kernel';\nexport const notFound = (): AppError => new AppError('not_found', 'gone');\n`,
    },
    {
      file: "an app's http file imports its own domain",
      path: routesProbe,
      source: () => `import * as domain from '${someModuleOf(catalogDomain, '../domain')}';\nexport const own = domain;\n`,
    },
  ])('when $file, then the lint passes', async ({ path, source }) => {
    expect(await lint(path, source())).toEqual([]);
  });
});
