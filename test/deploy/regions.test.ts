import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declarationsOf, loadBicepParser, paramValue, propertyValue } from './bicep-declarations';
import { exampleAksEnvironment, renderShopForAks, repoRoot, yamlDocuments, type KubeObject } from './deploy-support';

// The platform in two or three regions (docs/regions.md): the parameter files' regions, the regional stamp, Front
// Door's origin per region, the cross-region PostgreSQL replicas, the per-region chart values, the blob lifecycle rules.

const bicepDir = join(repoRoot, 'bicep');
const read = (...path: string[]) => readFileSync(join(bicepDir, ...path), 'utf8');
const multiRegionFiles = ['main.prod-2regions.bicepparam', 'main.prod-3regions.bicepparam'];

/** A region entry of a parameter file's `param regions = [...]`. */
interface RegionEntry {
  location: string;
  code: string;
  addressPrefix: string;
}

/** The regions a parameter file deploys, read from its literal entries. */
function regionsOf(file: string): RegionEntry[] {
  const block = /^param regions = \[\n([\s\S]*?)\n\]$/m.exec(read(file))?.[1] ?? '';
  return block.split(/\n {2}\}\n {2}\{/).map((entry) => ({
    location: /location: '([^']+)'/.exec(entry)![1],
    code: /code: '([^']+)'/.exec(entry)![1],
    addressPrefix: /addressPrefix: '([^']+)'/.exec(entry)![1],
  }));
}

/** The second octet of a 10.x.0.0/16. */
const secondOctet = (prefix: string) => Number(/^10\.(\d+)\.0\.0\/16$/.exec(prefix)![1]);

beforeAll(loadBicepParser);

describe('regions: the parameter files', () => {
  test.each(multiRegionFiles)('when %s is deployed, then its regions are distinct, the home region (location) first, each VNet a /16 of its own', (file) => {
    const regions = regionsOf(file);
    expect(regions.length).toBe(file.includes('3regions') ? 3 : 2);
    const location = /^param location = '([^']+)'$/m.exec(read(file))![1];
    expect(regions[0]).toEqual({ location, code: expect.any(String), addressPrefix: '10.20.0.0/16' });
    expect(new Set(regions.map((r) => r.location)).size).toBe(regions.length);
    expect(new Set(regions.map((r) => r.code)).size).toBe(regions.length);
    expect(new Set(regions.map((r) => secondOctet(r.addressPrefix))).size).toBe(regions.length);
    // The home VNet's default is the home entry's prefix: the chart's defaults (values.yaml) name its subnets.
    expect(read('modules', 'network.bicep')).toContain("param addressPrefix string = '10.20.0.0/16'");
    for (const region of regions) expect(region.code).toMatch(/^[a-z]{2,4}$/);
  });

  test('when the single-region files are deployed, then they name no regions: the home region alone (the default)', () => {
    for (const file of ['main.dev.bicepparam', 'main.prod.bicepparam']) expect(read(file)).not.toMatch(/^param regions =/m);
    expect(read('main.bicep')).toMatch(/param regions regionType\[\] = \[\s*\{\s*location: location\s/);
    expect(read('main.bicep')).toContain('var otherRegions = filter(regions, region => region.location != location)');
  });

  test('when a multi-region file is compared with main.prod.bicepparam, then it differs only by its header and the regions', () => {
    const withoutRegions = (text: string) =>
      text
        .replace(/^(\/\/[^\n]*\n)+/, '')
        .replace(/\nparam location = '[^']+'\n/, '\n')
        .replace(/\nparam regions = \[\n[\s\S]*?\n\]\n/, '\n')
        .replace(/\n\/\/ One Service Bus namespace[^\n]*\nparam serviceBusGeoReplication = true\n/, '\n')
        .replace(/\n{3,}/g, '\n\n');
    for (const file of multiRegionFiles) expect(withoutRegions(read(file))).toBe(withoutRegions(read('main.prod.bicepparam')));
  });
});

const typeChecker = join(repoRoot, '..', 'shared', 'tools', 'check-bicep-types.mjs');
(existsSync(typeChecker) ? describe : describe.skip)('regions: against the Azure type definitions', () => {
  test('when the stamp and the modules it adds are type-checked, then there are 0 errors', () => {
    const files = ['main.bicep', 'modules/region-stamp.bicep', 'modules/postgres-virtual-endpoint.bicep', 'modules/front-door.bicep', 'modules/service-bus.bicep', 'modules/container-registry.bicep', 'modules/functions.bicep'];
    const run = spawnSync(process.execPath, [typeChecker, '--root', repoRoot, '--json', ...files.map((file) => join(bicepDir, file))], { encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(run.stdout) as { findings: Array<{ level: string; file: string; line: number; message: string }> };
    expect(report.findings.filter((finding) => finding.level === 'error').map((finding) => `${finding.file}:${finding.line} ${finding.message}`)).toEqual([]);
    expect(run.status).toBe(0);
  }, 150_000);
});

describe('regions: one stamp per region, global resources once', () => {
  test('when main.bicep deploys the other regions, then each is one region-stamp module, one after the other', () => {
    const main = read('main.bicep');
    const stamps = declarationsOf(main).get('stamps')!;
    expect(stamps.target).toBe('modules/region-stamp.bicep');
    expect(stamps.text).toMatch(/= \[\s*for region in otherRegions: \{/);
    expect(main).toMatch(/@batchSize\(1\)\nmodule stamps /);
    expect(paramValue(stamps.text.replace(/^ {2}/gm, ''), 'postgresPrimaryResourceId')).toBe('postgres.outputs.resourceId');
    // Front Door, Key Vault, Service Bus, the registry, monitoring and the PostgreSQL primary stay single modules.
    for (const global of ['frontDoorProfile', 'frontDoor', 'keyVault', 'serviceBus', 'registry', 'monitoring', 'observability', 'postgres', 'functions']) {
      expect({ global, looped: /=\s*\[\s*for /.test(declarationsOf(main).get(global)!.text.split('\n')[0]) }).toEqual({ global, looped: false });
    }
  });

  test('when a stamp is deployed, then it has its own AKS, Application Gateway, Redis and network, named by its region code', () => {
    const stamp = declarationsOf(read('modules', 'region-stamp.bicep'));
    for (const [name, target] of [
      ['network', 'network.bicep'],
      ['appGateway', 'app-gateway.bicep'],
      ['aks', 'aks.bicep'],
      ['redis', 'redis.bicep'],
    ]) {
      expect(stamp.get(name)!.target).toBe(target);
      expect(propertyValue(stamp.get(name)!.text, 'name')).toMatch(/-\$\{region\.code\}'$/);
      expect(propertyValue(stamp.get(name)!.text, 'location')).toBe('region.location');
    }
    expect(propertyValue(stamp.get('redis')!.text, 'privateEndpointSubnetId')).toBe('network.outputs.subnetIds.privateEndpoints');
    expect(propertyValue(stamp.get('aks')!.text, 'applicationGatewayId')).toBe('appGateway.outputs.resourceId');
  });

  test('when a stamp is deployed, then its PostgreSQL server is a read replica of the primary in the region\'s delegated subnet', () => {
    const replica = declarationsOf(read('modules', 'region-stamp.bicep')).get('postgresReplica')!;
    expect(replica.target).toMatch(/^Microsoft\.DBforPostgreSQL\/flexibleServers@/);
    expect(propertyValue(replica.text, 'createMode')).toBe("'Replica'");
    expect(propertyValue(replica.text, 'sourceServerResourceId')).toBe('postgresPrimaryResourceId');
    expect(propertyValue(replica.text, 'location')).toBe('region.location');
    expect(propertyValue(replica.text, 'delegatedSubnetResourceId')).toBe('network.outputs.subnetIds.postgres');
    expect(propertyValue(replica.text, 'publicNetworkAccess')).toBe("'Disabled'");
    // Its read URL is the catalog's in that region, readable by the catalog's identity.
    const main = read('main.bicep');
    expect(main).toMatch(/name: 'catalog-database-read-url-\$\{region\.code\}'\s+value: 'postgres:\/\/\$\{[^}]+\}@\$\{stamps\[i\]\.outputs\.postgresReplicaFqdn\}:5432\/shop_catalog\?sslmode=verify-full'/);
    expect(declarationsOf(main).get('regionalSecrets')!.text).toContain("principalId: identities.outputs.identities[indexOf(serviceAppIds, 'catalog')].principalId");
  });

  test('when a stamp\'s cluster runs the services, then each identity has a federated credential for that cluster\'s issuer', () => {
    const credentials = declarationsOf(read('modules', 'region-stamp.bicep')).get('federatedCredentials')!;
    expect(credentials.text).toMatch(/for \(workload, i\) in workloads:/);
    expect(propertyValue(credentials.text, 'issuer')).toBe('aks.outputs.oidcIssuerUrl');
    expect(propertyValue(credentials.text, 'subject')).toBe("'system:serviceaccount:${workload.namespace}:${workload.serviceAccount}'");
  });

  test('when the VNets are peered, then both directions exist and the stamp\'s subnets keep the home layout', () => {
    const stamp = declarationsOf(read('modules', 'region-stamp.bicep'));
    expect(propertyValue(stamp.get('peeringToHome')!.text, 'id')).toBe('homeVirtualNetworkId');
    expect(propertyValue(stamp.get('peeringFromHome')!.text, 'parent')).toBe('homeVnet');
    const network = read('modules', 'network.bicep');
    const homeSubnet = (name: string) => new RegExp(`^  ${name}: '10\\.20\\.([^']+)'`, 'm').exec(network)![1];
    const source = read('modules', 'region-stamp.bicep');
    // cidrSubnet(10.x.0.0/16, size, n): the n-th block of that size, the same offsets as the home VNet's subnets.
    const offsets: Record<string, [number, number]> = { aks: [20, 0], appGateway: [24, 16], privateEndpoints: [24, 17], postgres: [24, 18], functions: [24, 19], internalLoadBalancer: [27, 160], deploymentScripts: [27, 168] };
    for (const [name, [size, index]] of Object.entries(offsets)) {
      expect(source).toContain(`${name}: cidrSubnet(region.addressPrefix, ${size}, ${index})`);
      const blockBits = 32 - size;
      const start = index << blockBits;
      expect(homeSubnet(name)).toBe(`${start >> 8}.${start & 255}/${size}`);
    }
  });
});

describe('regions: Front Door in front of every region', () => {
  test('when Front Door routes /api, then the origin group has one origin per region, probed on /readyz, latency-based, with session affinity', () => {
    const frontDoor = declarationsOf(read('modules', 'front-door.bicep'));
    const group = frontDoor.get('originGroup')!.text;
    expect(propertyValue(group, 'probePath')).toBe('healthProbePath');
    expect(read('modules', 'front-door.bicep')).toContain("param healthProbePath string = '/readyz'");
    expect(propertyValue(group, 'additionalLatencyInMilliseconds')).toBe('additionalLatencyInMilliseconds');
    expect(propertyValue(group, 'sessionAffinityState')).toBe('apiSessionAffinityState');
    expect(read('modules', 'front-door.bicep')).toContain("param apiSessionAffinityState string = 'Enabled'");
    expect(frontDoor.get('origin')!.text).toMatch(/for apiOrigin in apiOrigins:/);
    expect(propertyValue(frontDoor.get('origin')!.text, 'priority')).toBe('1');
    // The storefront and the images stay on their blob origins.
    expect(propertyValue(frontDoor.get('webOrigin')!.text, 'hostName')).toBe('webStorageBlobHostName');
    expect(propertyValue(frontDoor.get('mediaOrigin')!.text, 'hostName')).toBe('mediaStorageBlobHostName');
  });

  test('when main passes the origins, then the home gateway comes first, then every stamp\'s gateway', () => {
    const main = read('main.bicep');
    const frontDoor = declarationsOf(main).get('frontDoor')!.text;
    expect(frontDoor).toMatch(/apiOrigins: concat\(\[\s*\{\s*name: 'app-gateway'\s*hostName: empty\(appGatewayOriginHostName\) \? appGateway\.outputs\.publicFqdn : appGatewayOriginHostName\s*\}\s*\], stampOrigins\)/);
    expect(main).toMatch(/var stampOrigins = \[\s*for \(region, i\) in otherRegions: \{\s*name: 'app-gateway-\$\{region\.code\}'\s*hostName: stamps\[i\]\.outputs\.originHostName/);
  });

  test('when Front Door probes /readyz, then the Ingress routes exactly that path to the catalog in production', () => {
    const ingress = renderShopForAks().find((o) => o.kind === 'Ingress')!;
    const paths = (ingress.spec.rules as Array<{ http: { paths: Array<{ path: string; pathType: string; backend: { service: { name: string } } }> } }>).flatMap((r) => r.http.paths);
    expect(paths.filter((p) => p.pathType === 'Exact')).toEqual([{ path: '/readyz', pathType: 'Exact', backend: { service: { name: 'shop-catalog', port: { name: 'http' } } } }]);
  });
});

describe('regions: global resources that know the regions', () => {
  test('when regions are added, then the registry is geo-replicated to each and every cluster pulls', () => {
    const registry = declarationsOf(read('main.bicep')).get('registry')!.text;
    expect(propertyValue(registry, 'replicaLocations')).toBe('map(otherRegions, region => region.location)');
    expect(registry).toMatch(/pullPrincipalIds: concat\(\[\s*aks\.outputs\.kubeletPrincipalId\s*\], stampKubeletPrincipalIds\)/);
    expect(declarationsOf(read('modules', 'container-registry.bicep')).get('replications')!.text).toMatch(/for replicaLocation in replicaLocations:/);
  });

  test('when Service Bus geo-replication is on, then the namespace has a primary and a secondary location (API 2026-01-01); off, none', () => {
    const namespace = declarationsOf(read('modules', 'service-bus.bicep')).get('namespace')!;
    expect(namespace.target).toBe('Microsoft.ServiceBus/namespaces@2026-01-01');
    expect(namespace.text).toMatch(/geoDataReplication: empty\(geoReplicaLocation\) \? null : \{/);
    expect(namespace.text).toMatch(/locationName: location\s+roleType: 'Primary'/);
    expect(namespace.text).toMatch(/locationName: geoReplicaLocation\s+roleType: 'Secondary'/);
    expect(propertyValue(declarationsOf(read('main.bicep')).get('serviceBus')!.text, 'geoReplicaLocation')).toBe("serviceBusGeoReplication && !empty(otherRegions) ? otherRegions[0].location : ''");
    expect(read('main.bicep')).toContain('param serviceBusGeoReplication bool = false');
  });

  test('when a cross-region replica exists, then the primary gets a virtual endpoint with the second region\'s replica as member', () => {
    const endpoint = declarationsOf(read('main.bicep')).get('postgresVirtualEndpoint')!.text;
    expect(endpoint).toMatch(/= if \(!empty\(otherRegions\)\) \{/);
    expect(propertyValue(endpoint, 'memberNames')).toBe('take(stampReplicaNames, 1)');
    const resource = declarationsOf(read('modules', 'postgres-virtual-endpoint.bicep')).get('virtualEndpoint')!;
    expect(propertyValue(resource.text, 'endpointType')).toBe("'ReadWrite'");
  });
});

describe('regions: cost', () => {
  test('when background work runs, then a spot pool exists in every cluster (the stamp reuses aks.bicep with the same pools)', () => {
    const aks = read('modules', 'aks.bicep');
    expect(aks).toMatch(/name: 'spot'[\s\S]*?scaleSetPriority: 'Spot'[\s\S]*?'kubernetes\.azure\.com\/scalesetpriority=spot:NoSchedule'/);
    expect(propertyValue(declarationsOf(read('modules', 'region-stamp.bicep')).get('aks')!.text, 'pools')).toBe('aksPools');
    expect(propertyValue(declarationsOf(read('main.bicep')).get('stamps')!.text, 'aksPools')).toBe('aksPools');
  });

  test('when daily sales reports age, then they move to cool and then archive, by the prefix the Functions write them under', () => {
    const functionsConfig = readFileSync(join(repoRoot, 'functions', 'src', 'jobs', 'config.ts'), 'utf8');
    const reportName = readFileSync(join(repoRoot, 'functions', 'src', 'jobs', 'daily-sales-report.ts'), 'utf8');
    expect(functionsConfig).toContain(".default('reports')");
    expect(reportName).toContain('return `daily/${date}.csv`;');
    const functions = declarationsOf(read('modules', 'functions.bicep'));
    expect(propertyValue(functions.get('reportsContainer')!.text, 'name')).toBe("'reports'");
    const lifecycle = functions.get('lifecycle')!;
    expect(lifecycle.target).toBe('Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01');
    expect(lifecycle.text).toContain("'${reportsContainer.name}/daily/'");
    expect(lifecycle.text).toMatch(/tierToCool: \{\s*daysAfterModificationGreaterThan: reportsCoolAfterDays/);
    expect(lifecycle.text).toMatch(/tierToArchive: \{\s*daysAfterModificationGreaterThan: reportsArchiveAfterDays/);
    expect(lifecycle.text).not.toContain('delete');
  });

  test('when product images go unread, then they move to cool (never archive: a shopper must get them at once)', () => {
    const lifecycle = declarationsOf(read('modules', 'media-storage.bicep')).get('lifecycle')!.text;
    expect(lifecycle).toContain("'${mediaContainerName}/'");
    expect(lifecycle).toMatch(/tierToCool: \{\s*daysAfterLastAccessTimeGreaterThan: coolAfterDaysWithoutAccess/);
    expect(lifecycle).not.toContain('tierToArchive');
  });
});

/** The example Bicep outputs of a non-home region (shapes as main.bicep's output regions gives them). */
const regionalEnvironments: Record<string, { code: string; octet: number; env: Record<string, string> }> = {
  northeurope: { code: 'neu', octet: 21, env: { ...exampleAksEnvironment, REDIS_HOST: 'redis-shopx-neu-7q3.redis.cache.windows.net:6380' } },
  francecentral: { code: 'frc', octet: 22, env: { ...exampleAksEnvironment, REDIS_HOST: 'redis-shopx-frc-7q3.redis.cache.windows.net:6380' } },
};

describe.each(Object.entries(regionalEnvironments))('regions: charts/shop rendered for %s', (location, { code, octet, env }) => {
  let objects: KubeObject[];
  const valuesFile = `charts/shop/values-region-${location}.yaml`;

  beforeAll(() => {
    objects = renderShopForAks(env, ['-f', valuesFile, '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor']);
  });

  test('when the values file is read, then its region and code are those of the parameter files', () => {
    const [values] = yamlDocuments(join(repoRoot, valuesFile));
    expect(values.region).toEqual({ name: location, home: false });
    expect(regionsOf('main.prod-3regions.bicepparam')).toContainEqual({ location, code, addressPrefix: `10.${octet}.0.0/16` });
  });

  test('when the catalog reads, then DATABASE_READ_URL is the region\'s Key Vault secret and the lag bound is 10 s', () => {
    const providers = objects.filter((o) => o.kind === 'SecretProviderClass' && o.metadata.name === 'shop-catalog');
    expect(providers).toHaveLength(1);
    const objectsParam = String(providers[0].spec.parameters.objects);
    expect(objectsParam).toContain(`objectName: catalog-database-read-url-${code}`);
    expect(objectsParam).not.toMatch(/objectName: catalog-database-read-url\s/);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-catalog')!.data as Record<string, string>;
    expect(config.DATABASE_READ_MAX_LAG_SECONDS).toBe('10');
    expect(config.TRUSTED_PROXIES).toBe(`10.${octet}.16.0/24`);
  });

  test('when carts and caches are kept, then the state store and the rate limiter use the region\'s Redis', () => {
    const state = objects.find((o) => o.kind === 'Component' && o.metadata.name === 'shop-state')!;
    expect((state.spec.metadata as Array<{ name: string; value: string }>).find((m) => m.name === 'redisHost')!.value).toBe(env.REDIS_HOST);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-catalog')!.data as Record<string, string>;
    expect(config.RATE_LIMIT_REDIS_URL).toBe(`rediss://${env.REDIS_HOST}`);
  });

  test('when traffic flows, then the policies name the region\'s subnets (and the home region\'s primary and private endpoints), and no internal load balancer exists', () => {
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name.endsWith('-internal'))).toEqual([]);
    const catalogPolicy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'shop-catalog')!;
    const text = JSON.stringify(catalogPolicy.spec);
    for (const cidr of [`10.${octet}.16.0/24`, `10.${octet}.18.0/24`, '10.20.18.0/24', `10.${octet}.17.0/24`, '10.20.17.0/24']) expect(text).toContain(cidr);
    expect(text).not.toContain('10.20.16.0/24');
  });
});

describe('regions: a values file per region', () => {
  test('when the three-region file is deployed, then every region has its values file, only the first one home', () => {
    for (const [i, region] of regionsOf('main.prod-3regions.bicepparam').entries()) {
      const [values] = yamlDocuments(join(repoRoot, 'charts', 'shop', `values-region-${region.location}.yaml`));
      expect(values.region).toEqual({ name: region.location, home: i === 0 });
      if (i > 0) expect(values.services.catalog.secretEnv.DATABASE_READ_URL.keyVaultSecret).toBe(`catalog-database-read-url-${region.code}`);
    }
  });
});

describe('regions: charts/shop for the home region', () => {
  test('when values-region-westeurope.yaml is used, then it is the home region and keeps the home defaults', () => {
    const objects = renderShopForAks(exampleAksEnvironment, ['-f', 'charts/shop/values-region-westeurope.yaml', '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor']);
    const provider = objects.find((o) => o.kind === 'SecretProviderClass' && o.metadata.name === 'shop-catalog')!;
    expect(String(provider.spec.parameters.objects)).toMatch(/objectName: catalog-database-read-url\s/);
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name.endsWith('-internal')).length).toBe(4);
  });

  test('when a non-home region would keep the internal load balancers, then the render fails', () => {
    expect(() => renderShopForAks(exampleAksEnvironment, ['-f', 'charts/shop/values-region-northeurope.yaml', '--set', 'internalLoadBalancer.enabled=true', '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'])).toThrow(/not the home region/);
  });
});
