import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWhenPresent, exampleAksEnvironment, repoRoot, sharedSchemasDir, skaffoldAksValues, yamlDocuments } from './deploy-support';

const skaffoldText = readFileSync(join(repoRoot, 'skaffold.yaml'), 'utf8');
const [skaffold] = yamlDocuments(join(repoRoot, 'skaffold.yaml'));
const schemaFile = join(sharedSchemasDir, 'skaffold-v4beta14.json');

/** What the aks profile must read from the environment (the cross-helper contract of issue 15, plus the ids it had). */
const aksEnvironment = [
  'AZURE_TENANT_ID',
  'APPGW_SSL_CERTIFICATE',
  'KEY_VAULT_NAME',
  'AUTH_CLIENT_ID',
  'CATALOG_CLIENT_ID',
  'CART_CLIENT_ID',
  'ORDER_CLIENT_ID',
  'AUTH_INTERNAL_IP',
  'CATALOG_INTERNAL_IP',
  'CART_INTERNAL_IP',
  'ORDER_INTERNAL_IP',
  'INTERNAL_LB_SUBNET',
  'PUBLIC_BASE_URL',
  'SERVICE_BUS_NAMESPACE',
  'REDIS_HOST',
  'MEDIA_BLOB_ACCOUNT_URL',
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON schema is walked by key; a missing key fails the assertion
type JsonSchema = { properties?: Record<string, JsonSchema>; additionalProperties?: boolean | JsonSchema; propertyNames?: { enum?: string[]; pattern?: string } } & Record<string, any>;

/** The sub-schema of values.schema.json that a dotted Helm key (services.auth.env.X) lands in, or undefined when the schema has no such key. */
function schemaAt(schema: JsonSchema, dottedKey: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const segment of dottedKey.split('.')) {
    if (!node) return undefined;
    if (node.properties?.[segment]) {
      node = node.properties[segment];
    } else if (typeof node.additionalProperties === 'object') {
      const names = node.propertyNames;
      if (names?.enum && !names.enum.includes(segment)) return undefined;
      if (names?.pattern && !new RegExp(names.pattern).test(segment)) return undefined;
      node = node.additionalProperties;
    } else {
      return undefined;
    }
  }
  return node;
}

/** The aks profile's second values file: Skaffold templates valuesFiles (Go template with Sprig's default). */
const regionValuesTemplate = '{{ default "charts/shop/values-prod.yaml" .SHOP_REGION_VALUES }}';

/** A valuesFiles entry as Skaffold resolves it, with SHOP_REGION_VALUES set or not. */
function resolveRegionValues(file: string, shopRegionValues: string | undefined): string {
  return file === regionValuesTemplate ? (shopRegionValues || 'charts/shop/values-prod.yaml') : file;
}

describe('skaffold.yaml', () => {
  test('when Skaffold reads it, then it is a skaffold/v4beta14 Config', () => {
    expect(skaffold.apiVersion).toBe('skaffold/v4beta14');
    expect(skaffold.kind).toBe('Config');
  });

  test('when images are built, then every service has an artifact from the repository root with an existing Dockerfile', () => {
    const artifacts = skaffold.build.artifacts as Array<{ image: string; context: string; docker: { dockerfile: string } }>;
    expect(artifacts.map((a) => a.image).sort()).toEqual(['shop/auth', 'shop/cart', 'shop/catalog', 'shop/gateway', 'shop/order']);
    for (const artifact of artifacts) {
      expect(artifact.context).toBe('.');
      expect(existsSync(join(repoRoot, artifact.docker.dockerfile))).toBe(true);
    }
  });

  test('when it deploys, then the chart and values files exist and every built image is mapped onto its service', () => {
    const [release] = skaffold.deploy.helm.releases as Array<{ chartPath: string; valuesFiles: string[]; setValueTemplates: Record<string, string> }>;
    expect(existsSync(join(repoRoot, release.chartPath, 'Chart.yaml'))).toBe(true);
    for (const file of release.valuesFiles) expect(existsSync(join(repoRoot, file))).toBe(true);
    for (const artifact of skaffold.build.artifacts as Array<{ image: string }>) {
      const service = artifact.image.split('/')[1];
      const key = artifact.image.replace(/[/-]/g, '_');
      expect(release.setValueTemplates[`services.${service}.image.repository`]).toBe(`{{.IMAGE_REPO_${key}}}`);
      expect(release.setValueTemplates[`services.${service}.image.tag`]).toBe(`{{.IMAGE_TAG_${key}}}`);
    }
  });

  test('when a profile is chosen, then local, aks and debug exist and aks deploys values-prod with pushed images', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML is walked by path; a wrong path fails the assertion that reads it
    const profiles = Object.fromEntries((skaffold.profiles as Array<{ name: string }>).map((p) => [p.name, p as any]));
    expect(Object.keys(profiles).sort()).toEqual(['aks', 'debug', 'local']);
    expect(profiles.local.build.local.push).toBe(false);
    expect(profiles.aks.build.local.push).toBe(true);
    // AKS nodes are x86-64: an image built on an arm64 workstation must still start there.
    expect(profiles.aks.build.platforms).toEqual(['linux/amd64']);
    const valuesPatch = profiles.aks.patches.find((p: { path: string }) => p.path === '/deploy/helm/releases/0/valuesFiles');
    expect(valuesPatch.value).toEqual(['charts/shop/values-prod.yaml', regionValuesTemplate]);
    for (const patch of profiles.aks.patches as Array<{ value: unknown }>) {
      if (Array.isArray(patch.value)) for (const file of patch.value) expect(existsSync(join(repoRoot, resolveRegionValues(String(file), undefined)))).toBe(true);
    }
  });

  test('when the aks profile deploys one region of several, then SHOP_REGION_VALUES adds that region\'s values file after values-prod.yaml (unset: values-prod.yaml alone)', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML is walked by path; a wrong path fails the assertion that reads it
    const aks = (skaffold.profiles as Array<{ name: string; patches: any[] }>).find((p) => p.name === 'aks')!;
    const files = aks.patches.find((p: { path: string }) => p.path === '/deploy/helm/releases/0/valuesFiles').value as string[];
    expect(files.map((file) => resolveRegionValues(file, undefined))).toEqual(['charts/shop/values-prod.yaml', 'charts/shop/values-prod.yaml']);
    for (const location of ['westeurope', 'northeurope', 'francecentral']) {
      const regionFile = `charts/shop/values-region-${location}.yaml`;
      expect(existsSync(join(repoRoot, regionFile))).toBe(true);
      expect(files.map((file) => resolveRegionValues(file, regionFile))).toEqual(['charts/shop/values-prod.yaml', regionFile]);
    }
    // Documented at the top with the other variables.
    expect(skaffoldText.slice(0, skaffoldText.indexOf('apiVersion:'))).toMatch(/^#\s+SHOP_REGION_VALUES\s+charts\/shop\/values-region-<location>\.yaml/m);
  });
});

describeWhenPresent(schemaFile, 'skaffold.yaml against the published v4beta14 schema', () => {
  test('when validated, then it matches the schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    expect(validate(skaffold) ? [] : validate.errors).toEqual([]);
  });
});

describe('skaffold.yaml aks profile: the Bicep outputs reach the chart', () => {
  const valuesSchema = JSON.parse(readFileSync(join(repoRoot, 'charts', 'shop', 'values.schema.json'), 'utf8')) as JsonSchema;
  const templates = skaffoldAksValues(Object.fromEntries(aksEnvironment.map((name) => [name, `{{.${name}}}`])));
  const header = skaffoldText.slice(0, skaffoldText.indexOf('apiVersion:'));

  test('when the aks profile sets a Helm value, then values.schema.json has that key (a typo would be ignored by Helm otherwise)', () => {
    const [release] = skaffold.deploy.helm.releases as Array<{ setValueTemplates: Record<string, string> }>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML is walked by path; a wrong path fails the assertion that reads it
    const debug = (skaffold.profiles as Array<{ name: string; patches: Array<{ value: any }> }>).find((p) => p.name === 'debug')!;
    const keys = [...Object.keys(release.setValueTemplates), ...Object.keys(templates), ...debug.patches.flatMap((p) => Object.keys(p.value))];
    expect(keys.length).toBeGreaterThan(20);
    for (const key of new Set(keys)) expect({ key, inSchema: schemaAt(valuesSchema, key) !== undefined }).toEqual({ key, inSchema: true });
  });

  test('when an operator reads skaffold.yaml, then every environment variable it uses is documented at the top with its Bicep output, and main.bicep has that output', () => {
    const used = [...new Set([...skaffoldText.matchAll(/\{\{\s*\.(\w+)\s*\}\}/g)].map((m) => m[1]).filter((name) => !name.startsWith('IMAGE_')))];
    expect(used.sort()).toEqual([...aksEnvironment].sort());
    const main = readFileSync(join(repoRoot, 'bicep', 'main.bicep'), 'utf8');
    for (const name of [...used, 'SKAFFOLD_DEFAULT_REPO']) {
      const row = new RegExp(`^#\\s+${name}\\s+([\\w.]+)\\s+\\S`, 'm').exec(header);
      expect({ name, documented: Boolean(row) }).toEqual({ name, documented: true });
      const output = row![1].split('.')[0];
      expect({ name, output, inMainBicep: new RegExp(`^output ${output} `, 'm').test(main) }).toMatchObject({ inMainBicep: true });
    }
  });

  test('when the aks profile resolves its templates, then each contract variable lands on its chart value', () => {
    const resolved = skaffoldAksValues(exampleAksEnvironment);
    expect(resolved).toMatchObject({
      'global.azure.tenantId': exampleAksEnvironment.AZURE_TENANT_ID,
      'secrets.keyVault.name': exampleAksEnvironment.KEY_VAULT_NAME,
      'internalLoadBalancer.subnetName': exampleAksEnvironment.INTERNAL_LB_SUBNET,
      'services.auth.env.PUBLIC_BASE_URL': exampleAksEnvironment.PUBLIC_BASE_URL,
      'services.auth.env.SHOP_ORIGINS': exampleAksEnvironment.PUBLIC_BASE_URL,
      'daprComponents.serviceBus.namespace': exampleAksEnvironment.SERVICE_BUS_NAMESPACE,
      'daprComponents.redis.host': exampleAksEnvironment.REDIS_HOST,
      'services.catalog.env.RATE_LIMIT_REDIS_URL': `rediss://${exampleAksEnvironment.REDIS_HOST}`,
      'services.catalog.env.MEDIA_BLOB_ACCOUNT_URL': exampleAksEnvironment.MEDIA_BLOB_ACCOUNT_URL,
      'services.catalog.env.MEDIA_PUBLIC_BASE_URL': exampleAksEnvironment.PUBLIC_BASE_URL,
    });
    for (const app of ['auth', 'catalog', 'cart', 'order']) {
      expect(resolved[`services.${app}.workloadIdentity.clientId`]).toBe(exampleAksEnvironment[`${app.toUpperCase()}_CLIENT_ID`]);
      expect(resolved[`services.${app}.internalLoadBalancer.ip`]).toBe(exampleAksEnvironment[`${app.toUpperCase()}_INTERNAL_IP`]);
    }
    // Helm's --set splits on commas: a value with one would set a list, not the value.
    for (const value of Object.values(resolved)) expect(value).not.toContain(',');
  });
});
