import Ajv from 'ajv';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWhenPresent, repoRoot, sharedSchemasDir, yamlDocuments } from './deploy-support';

const [skaffold] = yamlDocuments(join(repoRoot, 'skaffold.yaml'));
const schemaFile = join(sharedSchemasDir, 'skaffold-v4beta14.json');

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
    expect(valuesPatch.value).toEqual(['charts/shop/values-prod.yaml']);
    for (const patch of profiles.aks.patches as Array<{ value: unknown }>) {
      if (Array.isArray(patch.value)) for (const file of patch.value) expect(existsSync(join(repoRoot, String(file)))).toBe(true);
    }
  });
});

describeWhenPresent(schemaFile, 'skaffold.yaml against the published v4beta14 schema', () => {
  test('when validated, then it matches the schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    expect(validate(skaffold) ? [] : validate.errors).toEqual([]);
  });
});
