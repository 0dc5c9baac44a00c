import { AppIds, RoutePrefixes } from '@shop/contracts';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy, Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildChartDependencies, exampleAksEnvironment, helm, renderShop, renderShopForAks, repoRoot, yamlDocuments, type KubeObject } from './deploy-support';

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
/** The services the Functions app calls through an internal load balancer (contract: auth, catalog, cart, order). */
const internalServices = ['auth', 'catalog', 'cart', 'order'];
const environments = [
  // Production as `skaffold run -p aks` installs it: values-prod.yaml plus the Bicep outputs through the aks profile.
  { valuesFile: 'values-prod.yaml', render: () => renderShopForAks(), services: ['auth', 'catalog', 'cart', 'order'], ingress: true, keyVault: true, azure: true },
  { valuesFile: 'values-dev.yaml', render: () => renderShop('values-dev.yaml'), services: ['auth', 'catalog', 'cart', 'order', 'gateway'], ingress: false, keyVault: false, azure: false },
];

/** The app port a NetworkPolicy rule admits ('http', 'metrics' or a number). */
type PolicyPort = { port: number | string; protocol: string };
type PolicyPeer = { ipBlock?: { cidr: string }; namespaceSelector?: { matchLabels: Record<string, string> }; podSelector?: { matchLabels: Record<string, string> } };
type PolicyRule = { from?: PolicyPeer[]; to?: PolicyPeer[]; ports?: PolicyPort[] };

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
    expect(() => renderShopForAks(exampleAksEnvironment, ['--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'])).toThrow(/Dapr is not installed in this cluster.*Microsoft\.Dapr/s);
  });
});

describe.each(environments)('charts/shop rendered with $valuesFile', ({ render, services, ingress, keyVault, azure }) => {
  let objects: KubeObject[] = [];
  beforeAll(() => {
    objects = render();
  });
  const policyOf = (service: string) => ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === `shop-${service}`)!;
  const deploymentOf = (service: string) => ofKind(objects, 'Deployment').find((d) => d.metadata.name === `shop-${service}`)!;

  test('when validated against the Kubernetes API schemas, then every object is valid (CRDs by shape)', () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) {
      const Validator = validators[`${obj.apiVersion}/${obj.kind}`];
      if (Validator) {
        expect(() => new Validator(obj).validate()).not.toThrow();
      } else if (obj.kind === 'SecretProviderClass') {
        expect(obj.apiVersion).toBe('secrets-store.csi.x-k8s.io/v1');
        expect(obj.spec.provider).toBe('azure');
        expect(obj.spec.parameters.usePodIdentity).toBe('false');
      } else {
        // Dapr components and Subscriptions are checked against Dapr's CRD schemas in dapr-components.test.ts, the PodMonitor below.
        expect(`${obj.apiVersion}/${obj.kind}`).toMatch(/^(dapr\.io\/v1alpha1\/Component|dapr\.io\/v2alpha1\/Subscription|azmonitoring\.coreos\.com\/v1\/PodMonitor)$/);
      }
      expect(obj.metadata.namespace).toBe('shop');
    }
  });

  test('when the services are deployed, then each has one Deployment, Service, ServiceAccount, ConfigMap, PDB, HPA-or-replicas and NetworkPolicy', () => {
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(services.map((s) => `shop-${s}`).sort());
    for (const kind of ['ServiceAccount', 'ConfigMap', 'PodDisruptionBudget']) {
      expect(ofKind(objects, kind).map((o) => o.metadata.name).sort()).toEqual(services.map((s) => `shop-${s}`).sort());
    }
    // One ClusterIP Service each, plus (AKS) the internal load balancer of each service the Functions app calls.
    const internal = azure ? internalServices.map((s) => `shop-${s}-internal`) : [];
    expect(ofKind(objects, 'Service').map((o) => o.metadata.name).sort()).toEqual([...services.map((s) => `shop-${s}`), ...internal].sort());
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
        expect(container.ports[0]).toEqual({ name: 'http', containerPort: ports[service], protocol: 'TCP' });
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
      if (['auth', 'catalog', 'order'].includes(service)) {
        expect(env.map((e) => e.name)).toContain('DATABASE_URL');
        // Azure's server has password authentication off: there the services sign in with their identity's token.
        if (azure) expect(config.DATABASE_AUTH).toBe('entra');
      }
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
    // On AKS the issuer is the Front Door endpoint Bicep outputs (publicBaseUrl), never a hand-written host.
    if (azure) expect([config.PUBLIC_BASE_URL, config.SHOP_ORIGINS]).toEqual([exampleAksEnvironment.PUBLIC_BASE_URL, exampleAksEnvironment.PUBLIC_BASE_URL]);
  });

  test('when traffic enters, then the Ingress routes exactly the RoutePrefixes to their services and never /internal', () => {
    const ingresses = ofKind(objects, 'Ingress');
    expect(ingresses.length).toBe(ingress ? 1 : 0);
    if (!ingress) return;
    expect(ingresses[0].spec.ingressClassName).toBe('azure-application-gateway');
    const paths = (ingresses[0].spec.rules as Array<{ http: { paths: Array<{ path: string; pathType: string; backend: { service: { name: string } } }> } }>).flatMap((r) => r.http.paths);
    // Beside the RoutePrefixes, one exact path: Front Door's health probe of the region (/readyz of the catalog).
    const probe = paths.filter((p) => p.pathType === 'Exact');
    expect(probe.map((p) => [p.path, p.backend.service.name])).toEqual([['/readyz', 'shop-catalog']]);
    const prefixes = paths.filter((p) => p.pathType !== 'Exact');
    expect(prefixes.map((p) => [p.path, p.backend.service.name]).sort()).toEqual(RoutePrefixes.map((r) => [r.prefix, `shop-${r.appId}`]).sort());
    expect(prefixes.every((p) => p.pathType === 'Prefix' && !p.path.startsWith('/internal'))).toBe(true);
    if (azure) {
      // Front Door reaches the gateway on 443 only: AGIC must build that listener with the certificate Bicep installed.
      const gatewayBicep = readFileSync(join(repoRoot, 'bicep', 'modules', 'app-gateway.bicep'), 'utf8');
      const installed = /param sslCertificateName string = '([^']+)'/.exec(gatewayBicep)?.[1];
      expect(ingresses[0].metadata.annotations?.['appgw.ingress.kubernetes.io/appgw-ssl-certificate']).toBe(exampleAksEnvironment.APPGW_SSL_CERTIFICATE);
      expect(exampleAksEnvironment.APPGW_SSL_CERTIFICATE).toBe(installed);
    }
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

  test('when the Functions app calls a service, then it goes through an internal load balancer at the Bicep address, port 80 to the app port, keeping its source address', () => {
    const loadBalancers = ofKind(objects, 'Service').filter((s) => s.spec.type === 'LoadBalancer');
    expect(loadBalancers.map((s) => s.metadata.name).sort()).toEqual(azure ? internalServices.map((s) => `shop-${s}-internal`).sort() : []);
    for (const service of azure ? internalServices : []) {
      const lb = loadBalancers.find((s) => s.metadata.name === `shop-${service}-internal`)!;
      expect(lb.metadata.annotations).toEqual({
        'service.beta.kubernetes.io/azure-load-balancer-internal': 'true',
        'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': exampleAksEnvironment.INTERNAL_LB_SUBNET,
        'service.beta.kubernetes.io/azure-load-balancer-ipv4': exampleAksEnvironment[`${service.toUpperCase()}_INTERNAL_IP`],
      });
      expect(lb.spec.externalTrafficPolicy).toBe('Local');
      expect(lb.spec.loadBalancerSourceRanges).toEqual(['10.20.19.0/24']);
      expect(lb.spec.loadBalancerIP).toBeUndefined();
      expect(lb.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
      expect(lb.spec.selector).toEqual(deploymentOf(service).spec.selector.matchLabels);
    }
  });

  test('when traffic comes from an address block, then only the App Gateway subnet (public routes) and the Functions subnet (services with an internal address) reach the app port, nothing else', () => {
    for (const service of services) {
      const rules = policyOf(service).spec.ingress as PolicyRule[];
      const byCidr = rules.filter((r) => r.from?.some((f) => f.ipBlock));
      const functionsRule = byCidr.find((r) => r.from!.some((f) => f.ipBlock!.cidr === '10.20.19.0/24'));
      if (azure && internalServices.includes(service)) {
        expect(functionsRule).toEqual({ from: [{ ipBlock: { cidr: '10.20.19.0/24' } }], ports: [{ port: 'http', protocol: 'TCP' }] });
      } else {
        expect(functionsRule).toBeUndefined();
      }
      for (const rule of byCidr) expect(rule.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
    }
  });

  test('when Prometheus scrapes, then the app serves metrics on its own port 9464 and kube-system reaches only that port and the sidecar\'s, never the app port', () => {
    for (const service of services) {
      const deployment = deploymentOf(service);
      const app = deployment.spec.template.spec.containers[0];
      expect(app.ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
      const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === `shop-${service}`)!.data as Record<string, string>;
      expect(config.METRICS_PORT).toBe('9464');
      expect(deployment.spec.template.metadata.annotations['dapr.io/metrics-port']).toBe('9090');
      const fromScrapers = (policyOf(service).spec.ingress as PolicyRule[]).filter((r) => r.from?.some((f) => f.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'kube-system'));
      expect(fromScrapers).toEqual([
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          ports: [
            { port: 'metrics', protocol: 'TCP' },
            { port: 9090, protocol: 'TCP' },
          ],
        },
      ]);
    }
  });

  test('when managed Prometheus discovers targets, then one azmonitoring PodMonitor (AKS only) selects every service pod and scrapes the app and the Dapr sidecar, labelling service and pod', () => {
    const monitors = ofKind(objects, 'PodMonitor');
    expect(monitors.length).toBe(azure ? 1 : 0);
    if (!azure) return;
    const [monitor] = monitors;
    expect(monitor.apiVersion).toBe('azmonitoring.coreos.com/v1');
    expect(monitor.spec).toMatchObject({ labelLimit: 63, labelNameLengthLimit: 511, labelValueLengthLimit: 1023, namespaceSelector: { matchNames: ['shop'] } });
    const selector = monitor.spec.selector.matchLabels as Record<string, string>;
    for (const service of services) expect(deploymentOf(service).spec.template.metadata.labels).toMatchObject(selector);
    const endpoints = monitor.spec.podMetricsEndpoints as Array<{ port: string; path: string; interval: string; relabelings: Array<{ sourceLabels: string[]; targetLabel: string }> }>;
    // dapr-metrics is the name Dapr's injector gives the sidecar's metrics port (dapr.io/metrics-port).
    expect(endpoints.map((e) => [e.port, e.path])).toEqual([
      ['metrics', '/metrics'],
      ['dapr-metrics', '/metrics'],
    ]);
    for (const endpoint of endpoints) {
      expect(endpoint.interval).toMatch(/^\d+s$/);
      const targets = Object.fromEntries(endpoint.relabelings.map((r) => [r.targetLabel, r.sourceLabels]));
      expect(targets).toMatchObject({ service: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], pod: ['__meta_kubernetes_pod_name'], namespace: ['__meta_kubernetes_namespace'] });
    }
  });

  test('when a pod exports telemetry or resolves names, then it may reach the OTLP collector on 4317/4318 and CoreDNS on 53 UDP and TCP', () => {
    for (const service of services) {
      const egress = policyOf(service).spec.egress as PolicyRule[];
      expect(egress).toContainEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
        ports: [
          { port: 4317, protocol: 'TCP' },
          { port: 4318, protocol: 'TCP' },
        ],
      });
      expect(egress).toContainEqual({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      });
    }
  });
});

describe('charts/shop on AKS: values that only the deployment knows', () => {
  beforeAll(() => buildChartDependencies());
  const deploymentOutputs = ['KEY_VAULT_NAME', 'SERVICE_BUS_NAMESPACE', 'REDIS_HOST', 'PUBLIC_BASE_URL', 'INTERNAL_LB_SUBNET', 'AZURE_TENANT_ID'];

  // Unset, Skaffold's template prints "<no value>" (the schema's patterns refuse it); set but empty, `required` does.
  test.each(deploymentOutputs.flatMap((name) => [
    [name, 'unset', undefined],
    [name, 'empty', ''],
  ]))('when Skaffold runs with %s %s, then the chart refuses to render instead of deploying a made-up name', (name, _how, value) => {
    expect(() => renderShopForAks({ ...exampleAksEnvironment, [name]: value })).toThrow(/values don't meet the specifications of the schema|is required/);
  });

  test('when values-prod.yaml is read, then it names no Azure resource, tenant or URL by hand', () => {
    const text = readFileSync(join(repoRoot, 'charts', 'shop', 'values-prod.yaml'), 'utf8');
    expect(text).not.toMatch(/shop\.example\.com|kv-shop-prod|sb-shop-prod|redis-shop-prod|00000000-0000-0000-0000-000000000000/);
    const [prod] = yamlDocuments(join(repoRoot, 'charts', 'shop', 'values-prod.yaml'));
    expect(prod.secrets.keyVault?.name).toBeUndefined();
    expect(prod.daprComponents).toEqual({ enabled: true });
  });

  test('when a service has no internal address, then it gets no load balancer and its policy admits no Functions traffic', () => {
    const objects = renderShopForAks({ ...exampleAksEnvironment, CART_INTERNAL_IP: '' });
    expect(objects.some((o) => o.metadata.name === 'shop-cart-internal')).toBe(false);
    const cart = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'shop-cart')!;
    expect(JSON.stringify(cart.spec.ingress)).not.toContain('10.20.19.0/24');
    expect(objects.some((o) => o.metadata.name === 'shop-order-internal')).toBe(true);
  });

  test('when the Functions subnet is admitted, then callerCidrs is the functions subnet of network.bicep (Bicep output functionsSubnetPrefix)', () => {
    const network = readFileSync(join(repoRoot, 'bicep', 'modules', 'network.bicep'), 'utf8');
    const functionsPrefix = /^ {2}functions: '([^']+)'/m.exec(network)![1];
    for (const file of ['values.yaml', 'values-prod.yaml']) {
      const [values] = yamlDocuments(join(repoRoot, 'charts', 'shop', file));
      expect(values.internalLoadBalancer.callerCidrs).toEqual([functionsPrefix]);
    }
  });

  test('when a route prefix under /internal is configured, then the render fails', () => {
    expect(() => renderShopForAks(exampleAksEnvironment, ['--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor', '--set', 'services.catalog.routePrefix=/internal/catalog'])).toThrow(
      /routePrefix/,
    );
  });

  test('when the cluster has no managed Prometheus CRDs, then the render fails and says to enable it', () => {
    expect(() => renderShopForAks(exampleAksEnvironment, ['--api-versions', 'dapr.io/v1alpha1'])).toThrow(/azmonitoring\.coreos\.com\/v1 PodMonitor.*managed Prometheus/s);
  });

  test('when node-local DNS is considered, then AKS runs none (so CoreDNS is the only DNS the policies must admit)', () => {
    const aks = readFileSync(join(repoRoot, 'bicep', 'modules', 'aks.bicep'), 'utf8');
    // AKS LocalDNS answers on link-local addresses a kube-dns pod selector does not match: enabling it needs an ipBlock rule.
    expect(aks).not.toMatch(/localDNSProfile|169\.254\.10\./);
  });
});

describe('charts/shop/ci/aks-example-values.yaml (the CI workflow renders production with it)', () => {
  test('when values-prod.yaml is rendered with it, then the objects are exactly those the aks profile renders from the example Bicep outputs', () => {
    const apis = ['--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'];
    const withFile = renderShop('values-prod.yaml', ['-f', 'charts/shop/ci/aks-example-values.yaml', ...apis]);
    expect(withFile).toEqual(renderShopForAks(exampleAksEnvironment, apis));
  });

  test('when the CI workflow lints and renders production, then it passes the example file and the PodMonitor API', () => {
    const workflow = readFileSync(join(repoRoot, '.github', 'workflows', 'ci.yml'), 'utf8');
    expect(workflow).toMatch(/helm lint --strict charts\/shop -f charts\/shop\/values-prod\.yaml -f charts\/shop\/ci\/aks-example-values\.yaml/);
    expect(workflow).toMatch(/--api-versions azmonitoring\.coreos\.com\/v1\/PodMonitor/);
  });
});
