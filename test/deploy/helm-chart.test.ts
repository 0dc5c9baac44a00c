import { AppIds, RoutePrefixes } from '@shop/contracts';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy, Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { buildChartDependencies, helm, renderShop, type KubeObject } from './deploy-support';

/** The validator class of each built-in kind the chart renders. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML is walked by path; a wrong path fails the assertion that reads it
const validators: Record<string, new (obj: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

/** The services each environment deploys, with the port of their config.ts. */
const ports: Record<string, number> = { auth: 3001, catalog: 3002, cart: 3003, order: 3004, gateway: 8080 };
const environments = [
  { valuesFile: 'values-prod.yaml', services: ['auth', 'catalog', 'cart', 'order'], ingress: true, keyVault: true },
  { valuesFile: 'values-dev.yaml', services: ['auth', 'catalog', 'cart', 'order', 'gateway'], ingress: false, keyVault: false },
];

const ofKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe('charts', () => {
  beforeAll(() => buildChartDependencies());

  test.each(['charts/shop-lib', 'charts/shop', 'charts/shop -f charts/shop/values-dev.yaml', 'charts/shop -f charts/shop/values-prod.yaml'])(
    'when `helm lint --strict %s` runs, then it passes',
    (target) => {
      expect(helm(['lint', '--strict', ...target.split(' ')])).toMatch(/0 chart\(s\) failed/);
    },
  );

  test('when the cluster has no Dapr API, then the render fails and says to install the AKS Dapr extension', () => {
    expect(() => renderShop('values-prod.yaml', [])).toThrow(/Dapr is not installed in this cluster.*Microsoft\.Dapr/s);
  });
});

describe.each(environments)('charts/shop rendered with $valuesFile', ({ valuesFile, services, ingress, keyVault }) => {
  let objects: KubeObject[] = [];
  beforeAll(() => {
    objects = renderShop(valuesFile);
  });
  const deploymentOf = (service: string) => ofKind(objects, 'Deployment').find((d) => d.metadata.name === `shop-${service}`)!;

  test('when validated against the Kubernetes API schemas, then every object is valid (CRDs by shape)', () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) {
      const Validator = validators[`${obj.apiVersion}/${obj.kind}`];
      if (Validator) {
        expect(() => new Validator(obj).validate()).not.toThrow();
      } else {
        expect(`${obj.apiVersion}/${obj.kind}`).toBe('secrets-store.csi.x-k8s.io/v1/SecretProviderClass');
        expect(obj.spec.provider).toBe('azure');
        expect(obj.spec.parameters.usePodIdentity).toBe('false');
      }
      expect(obj.metadata.namespace).toBe('shop');
    }
  });

  test('when the services are deployed, then each has one Deployment, Service, ServiceAccount, ConfigMap, PDB, HPA-or-replicas and NetworkPolicy', () => {
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(services.map((s) => `shop-${s}`).sort());
    for (const kind of ['Service', 'ServiceAccount', 'ConfigMap', 'PodDisruptionBudget']) {
      expect(ofKind(objects, kind).map((o) => o.metadata.name).sort()).toEqual(services.map((s) => `shop-${s}`).sort());
    }
    const policies = ofKind(objects, 'NetworkPolicy').map((o) => o.metadata.name).sort();
    expect(policies).toEqual(['shop-default-deny', ...services.map((s) => `shop-${s}`)].sort());
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name);
    for (const service of services) {
      const hasHpa = hpas.includes(`shop-${service}`);
      expect(hasHpa || typeof deploymentOf(service).spec.replicas === 'number').toBe(true);
      if (hasHpa) expect(deploymentOf(service).spec.replicas).toBeUndefined();
    }
    for (const service of services.filter((s) => s !== 'gateway')) expect(hpas).toContain(`shop-${service}`);
  });

  test('when a pod starts, then its sidecar has the AppIds app id, the app port, the config, resources and metrics', () => {
    for (const service of services) {
      const annotations = deploymentOf(service).spec.template.metadata.annotations as Record<string, string>;
      expect(annotations['dapr.io/enabled']).toBe('true');
      expect(annotations['dapr.io/app-id']).toBe(AppIds[service as keyof typeof AppIds]);
      expect(annotations['dapr.io/app-port']).toBe(String(ports[service]));
      expect(annotations['dapr.io/app-protocol']).toBe('http');
      expect(annotations['dapr.io/config']).toBe('shop-dapr-config');
      expect(annotations['dapr.io/enable-metrics']).toBe('true');
      for (const key of ['sidecar-cpu-request', 'sidecar-cpu-limit', 'sidecar-memory-request', 'sidecar-memory-limit']) {
        expect(annotations[`dapr.io/${key}`]).toMatch(/^\d+(m|Mi|Gi)?$/);
      }
      expect(annotations['checksum/config']).toMatch(/^[a-f0-9]{64}$/);
      if (keyVault) expect(annotations['dapr.io/app-token-secret']).toBe(`shop-${service}-dapr-app-token`);
    }
  });

  test('when a container runs, then it is non-root, read-only, without privileges or capabilities, with probes and resources', () => {
    for (const service of services) {
      const pod = deploymentOf(service).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'tmp', emptyDir: expect.any(Object) }]));
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(container.volumeMounts).toEqual(expect.arrayContaining([{ name: 'tmp', mountPath: '/tmp' }]));
        expect(container.startupProbe.httpGet.path).toBe('/healthz');
        expect(container.livenessProbe.httpGet.path).toBe('/healthz');
        expect(container.readinessProbe.httpGet.path).toBe('/readyz');
        expect(container.resources.requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
        expect(container.resources.limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
        expect(container.ports[0].containerPort).toBe(ports[service]);
      }
      const topologyKeys = pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey);
      expect(topologyKeys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    }
  });

  test('when a pod signs in to Azure, then it uses workload identity through its own annotated ServiceAccount', () => {
    for (const service of services) {
      const deployment = deploymentOf(service);
      expect(deployment.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
      const account = ofKind(objects, 'ServiceAccount').find((a) => a.metadata.name === deployment.spec.template.spec.serviceAccountName)!;
      expect(account.metadata.annotations!['azure.workload.identity/client-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  test('when the services are configured, then they run on Dapr in production mode and take DATABASE_URL from a secret', () => {
    for (const service of services.filter((s) => s !== 'gateway')) {
      const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === `shop-${service}`)!.data as Record<string, string>;
      expect(config).toMatchObject({ BUILDING_BLOCKS: 'dapr', NODE_ENV: 'production', PORT: String(ports[service]) });
      expect(Object.keys(config).some((key) => /DATABASE_URL|PASSWORD|SIGNING|CONNECTION_STRING|TOKEN/.test(key))).toBe(false);
      const env = deploymentOf(service).spec.template.spec.containers[0].env as Array<{ name: string; valueFrom?: { secretKeyRef?: unknown } }>;
      for (const variable of env) expect(variable.valueFrom?.secretKeyRef).toBeDefined();
      if (['auth', 'catalog', 'order'].includes(service)) expect(env.map((e) => e.name)).toContain('DATABASE_URL');
      expect(env.map((e) => e.name)).toContain('APPLICATIONINSIGHTS_CONNECTION_STRING');
    }
    expect(ofKind(objects, 'SecretProviderClass').length).toBe(keyVault ? services.length : 0);
  });

  test('when auth is configured, then it names the shop\'s origins (production requires them) and keeps the refresh cookie Secure', () => {
    const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'shop-auth')!.data as Record<string, string>;
    const origins = config.SHOP_ORIGINS.split(',');
    for (const origin of origins) expect(new URL(origin).origin).toBe(origin);
    // The shop's public URL is one of them: its pages are the ones that refresh sessions.
    expect(origins).toContain(new URL(config.PUBLIC_BASE_URL).origin);
    expect(config.SESSION_COOKIE_SECURE ?? 'true').toBe('true');
  });

  test('when traffic enters, then the Ingress routes exactly the RoutePrefixes to their services and never /internal', () => {
    const ingresses = ofKind(objects, 'Ingress');
    expect(ingresses.length).toBe(ingress ? 1 : 0);
    if (!ingress) return;
    expect(ingresses[0].spec.ingressClassName).toBe('azure-application-gateway');
    const paths = (ingresses[0].spec.rules as Array<{ http: { paths: Array<{ path: string; pathType: string; backend: { service: { name: string } } }> } }>).flatMap((r) => r.http.paths);
    expect(paths.map((p) => [p.path, p.backend.service.name]).sort()).toEqual(RoutePrefixes.map((r) => [r.prefix, `shop-${r.appId}`]).sort());
    expect(paths.every((p) => p.pathType === 'Prefix' && !p.path.startsWith('/internal'))).toBe(true);
  });

  test('when pods talk, then the default-deny policy selects every pod of the release and public services admit only the ingress', () => {
    const deny = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'shop-default-deny')!;
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop' } }, policyTypes: ['Ingress', 'Egress'] });
    for (const service of services) {
      const policy = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === `shop-${service}`)!;
      const egressPorts = (policy.spec.egress as Array<{ ports?: Array<{ port: number | string }> }>).flatMap((r) => r.ports ?? []).map((p) => p.port);
      expect(egressPorts).toContain(53);
      if (ingress && service !== 'gateway') {
        const ipBlocks = (policy.spec.ingress as Array<{ from: Array<{ ipBlock?: { cidr: string } }> }>).flatMap((r) => r.from).filter((f) => f.ipBlock);
        expect(ipBlocks.length).toBeGreaterThan(0);
      }
    }
  });
});
