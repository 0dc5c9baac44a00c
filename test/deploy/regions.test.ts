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

/** The text of a top-level `var` of main.bicep (up to the next blank line). */
function mainVar(name: string): string {
  const text = new RegExp(`^var ${name} = ([\\s\\S]*?)\\n(?:\\n|$)`, 'm').exec(read('main.bicep'))?.[1];
  if (text === undefined) throw new Error(`main.bicep has no var ${name}`);
  return text;
}

/** The apps with a database (main.bicep databaseAppIds). */
const databaseApps = () => [...mainVar('databaseAppIds').matchAll(/'(\w+)'/g)].map((match) => match[1]);

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
  });

  test('when auth, catalog and order read in a region, then each has a read URL of that region\'s replica, readable by its own identity alone', () => {
    expect(databaseApps()).toEqual(['auth', 'catalog', 'order']);
    expect(mainVar('stampReplicaFqdns')).toBe('[for (region, i) in otherRegions: stamps[i].outputs.postgresReplicaFqdn]');
    const secrets = mainVar('databaseSecrets');
    expect(secrets).toMatch(/^flatten\(map\(databaseAppIds, appId => concat\(\[/);
    // One per stamp region: <app>-database-read-url-<code>, that region's replica.
    expect(secrets).toMatch(/map\(range\(0, length\(otherRegions\)\), i => \{\s+appId: appId\s+name: '\$\{appId\}-database-read-url-\$\{otherRegions\[i\]\.code\}'\s+host: stampReplicaFqdns\[i\]\s+\}\)/);
    // The home read URL: a same-region replica when postgresReadReplicaCount > 0, else the primary (catalog's rule, now every app's).
    expect(secrets).toMatch(/name: '\$\{appId\}-database-read-url'\s+host: databaseHomeReadHost/);
    expect(mainVar('databaseHomeReadHost')).toBe('first(concat(postgres.outputs.replicaFqdns, [postgres.outputs.fqdn]))');
    const module = declarationsOf(read('main.bicep')).get('databaseSecrets')!;
    expect(module.target).toBe('modules/key-vault-secrets.bicep');
    // Database shop_<app>, the app's identity as user, verify-full; no password (Entra sign-in).
    expect(paramValue(module.text, 'values')).toBe(
      "toObject(databaseSecrets, secret => secret.name, secret => 'postgres://${identities.outputs.identities[indexOf(serviceAppIds, secret.appId)].name}@${secret.host}:5432/shop_${secret.appId}?sslmode=verify-full')",
    );
    expect(module.text).toMatch(/readers: map\(databaseAppIds, appId => \{\s+principalId: identities\.outputs\.identities\[indexOf\(serviceAppIds, appId\)\]\.principalId\s+secretNames: databaseSecretsOf\[appId\]\s+\}\)/);
    expect(mainVar('databaseSecretsOf')).toBe('toObject(databaseAppIds, appId => appId, appId => map(filter(databaseSecrets, secret => secret.appId == appId), secret => secret.name))');
    // The database URLs are written by that module alone, not also by the platform's.
    expect(declarationsOf(read('main.bicep')).get('platformSecrets')!.text).not.toMatch(/database-(read-)?url/);
  });

  test('when a cross-region replica exists, then every DATABASE_URL names the virtual endpoint\'s writer host (a switchover moves it); with one region the server FQDN', () => {
    expect(mainVar('databaseWriterHost')).toBe('empty(otherRegions) ? postgres.outputs.fqdn : postgresVirtualEndpoint!.outputs.writerHostName');
    expect(mainVar('databaseSecrets')).toMatch(/name: '\$\{appId\}-database-url'\s+host: databaseWriterHost/);
    expect(read('main.bicep')).toMatch(/^output databaseUrls object = .*@\$\{databaseWriterHost\}:5432\/shop_\$\{appId\}\?sslmode=verify-full'\)$/m);
    // Through databaseSecrets -> databaseWriterHost the module reads the virtual endpoint's output: ARM writes the
    // secrets once the endpoint (and so its member, the first stamp's replica) exists.
    expect(mainVar('databaseSecrets')).toContain('host: databaseWriterHost');
    expect(read('modules', 'postgres-virtual-endpoint.bicep')).toContain("output writerHostName string = '${name}.writer.postgres.database.azure.com'");
    expect(read('main.bicep')).toContain("output postgresWriterHost string = empty(otherRegions) ? '' : postgresVirtualEndpoint!.outputs.writerHostName");
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
    expect(values.region).toEqual({ name: location, code, home: false });
    expect(values.commonEnv.REGION).toBe(code);
    expect(regionsOf('main.prod-3regions.bicepparam')).toContainEqual({ location, code, addressPrefix: `10.${octet}.0.0/16` });
  });

  test.each(['auth', 'catalog', 'order'])('when %s reads, then DATABASE_READ_URL is the region\'s Key Vault secret and the lag bound is 10 s', (app) => {
    const providers = objects.filter((o) => o.kind === 'SecretProviderClass' && o.metadata.name === `shop-${app}`);
    expect(providers).toHaveLength(1);
    const objectsParam = String(providers[0].spec.parameters.objects);
    expect(objectsParam).toContain(`objectName: ${app}-database-read-url-${code}`);
    expect(objectsParam).not.toMatch(new RegExp(`objectName: ${app}-database-read-url\\s`));
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `shop-${app}`)!.data as Record<string, string>;
    expect(config.DATABASE_READ_MAX_LAG_SECONDS).toBe('10');
    expect(config.TRUSTED_PROXIES).toBe(`10.${octet}.16.0/24`);
  });

  test('when the services start, then every one has REGION set to the region code', () => {
    const configs = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['app.kubernetes.io/name'] !== undefined);
    expect(configs.map((c) => c.metadata.name).sort()).toEqual(['shop-auth', 'shop-cart', 'shop-catalog', 'shop-order']);
    for (const config of configs) expect({ name: config.metadata.name, REGION: (config.data as Record<string, string>).REGION }).toEqual({ name: config.metadata.name, REGION: code });
  });

  test('when a product changes or an order is confirmed in any region, then this region\'s catalog and cart hear it on shop-pubsub-regional as <appId>-<code>, and the cart has no cart-orders', () => {
    expectRegionalPubsub(objects, code);
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
      expect(values.region).toEqual({ name: region.location, code: region.code, home: i === 0 });
      expect(values.commonEnv.REGION).toBe(region.code);
      for (const app of databaseApps()) {
        if (i > 0) expect(values.services[app].secretEnv.DATABASE_READ_URL.keyVaultSecret).toBe(`${app}-database-read-url-${region.code}`);
        else expect(values.services?.[app]?.secretEnv?.DATABASE_READ_URL).toBeUndefined();
      }
    }
  });

  test('when the single-region values are used, then no REGION and no region code is set', () => {
    const [prod] = yamlDocuments(join(repoRoot, 'charts', 'shop', 'values-prod.yaml'));
    const [defaults] = yamlDocuments(join(repoRoot, 'charts', 'shop', 'values.yaml'));
    expect(prod.region?.code).toBeUndefined();
    expect(prod.commonEnv?.REGION).toBeUndefined();
    expect(defaults.region.code).toBe('');
    expect(defaults.commonEnv.REGION).toBeUndefined();
    for (const app of databaseApps()) {
      expect(defaults.services[app].secretEnv.DATABASE_READ_URL.keyVaultSecret).toBe(`${app}-database-read-url`);
      expect(defaults.services[app].env.DATABASE_READ_MAX_LAG_SECONDS).toBe('10');
    }
  });
});

describe('regions: caches and carts across regions (Service Bus, a subscription per app and region)', () => {
  /** main.bicep regionalConsumers: who reads which topic on the regional pub/sub. */
  const regionalConsumers = () => [...mainVar('regionalConsumers').matchAll(/appId: '([^']+)'\s+topic: '([^']+)'/g)].map((match) => ({ appId: match[1], topic: match[2] }));

  test.each(multiRegionFiles)('when %s is deployed, then products and inventory have catalog-<code> and orders cart-<code> for every region, the home region included', (file) => {
    const main = read('main.bicep');
    expect(regionalConsumers()).toEqual([
      { appId: 'catalog', topic: 'products' },
      { appId: 'catalog', topic: 'inventory' },
      { appId: 'cart', topic: 'orders' },
    ]);
    // With more than one region, each consumer x each region; none with one.
    expect(mainVar('regionalSubscriptions')).toBe(
      "empty(otherRegions) ? [] : flatten(map(regionalConsumers, consumer => map(regions, region => {\n  topic: consumer.topic\n  name: '${consumer.appId}-${region.code}'\n})))",
    );
    const regions = regionsOf(file);
    expect(regions.some((region) => region.location !== /^param location = '([^']+)'$/m.exec(read(file))![1])).toBe(true);
    const created = regionalConsumers().flatMap((consumer) => regions.map((region) => ({ topic: consumer.topic, name: `${consumer.appId}-${region.code}` })));
    expect(created).toHaveLength(3 * (file.includes('3regions') ? 3 : 2));
    for (const region of regions) {
      expect(created.filter((s) => s.name === `catalog-${region.code}`).map((s) => s.topic)).toEqual(['products', 'inventory']);
      expect(created.filter((s) => s.name === `cart-${region.code}`).map((s) => s.topic)).toEqual(['orders']);
    }
    // They go to the Service Bus module with the others, which gives every subscription the same lock, delivery
    // bound and dead-lettering.
    expect(mainVar('subscriptions')).toContain('], regionalSubscriptions, map(topics, topic => {');
    expect(propertyValue(declarationsOf(main).get('serviceBus')!.text, 'subscriptions')).toBe('subscriptions');
    const subscriptionResources = declarationsOf(read('modules', 'service-bus.bicep')).get('subscriptionResources')!.text;
    expect(subscriptionResources).toMatch(/for sub in subscriptions:/);
    expect(propertyValue(subscriptionResources, 'lockDuration')).toBe("'PT1M'");
    expect(propertyValue(subscriptionResources, 'maxDeliveryCount')).toBe('sub.?maxDeliveryCount ?? 10');
    expect(propertyValue(subscriptionResources, 'deadLetteringOnMessageExpiration')).toBe('true');
  });

  test('when several regions are deployed, then orders has no shared subscription cart (no consumer would read it); with one region it has', () => {
    expect(mainVar('singleRegionSubscriptions')).toBe("empty(otherRegions) ? [\n  {\n    topic: 'orders'\n    name: 'cart'\n  }\n] : []");
    expect(mainVar('subscriptions')).toMatch(/^concat\(\[\n[\s\S]*?\n\], singleRegionSubscriptions, \[/);
    // singleRegionSubscriptions is the one place that names the subscription cart.
    expect(read('main.bicep').match(/name: 'cart'\n/g)).toHaveLength(1);
  });

  test('when the catalog and the cart receive the regional deliveries, then their topic-scoped receiver roles cover the topics, and they may dead-letter them', () => {
    expect(mainVar('catalogRegionalTopics')).toBe("map(filter(regionalConsumers, consumer => consumer.appId == 'catalog'), consumer => consumer.topic)");
    expect(mainVar('consumedTopics')).toMatch(/catalog: concat\(\[\s+'catalog-sync'\s+\], empty\(otherRegions\) \? \[\] : catalogRegionalTopics\)/);
    expect(mainVar('publishedTopics')).toMatch(/\], empty\(otherRegions\) \? \[\] : map\(catalogRegionalTopics, topic => '\$\{topic\}\.deadletter'\)\)/);
    // The cart reads orders in one region (cart) and in several (cart-<code>) alike: the same role and dead-letter topic.
    expect(mainVar('consumedTopics')).toMatch(/\n {2}cart: \[\n {4}'orders'\n {2}\]/);
    expect(mainVar('publishedTopics')).toMatch(/\n {2}cart: \[\n {4}'carts'\n {4}'orders\.deadletter'\n {2}\]/);
    // Topic scope: a role on the topic covers each of its subscriptions.
    const roles = declarationsOf(read('modules', 'service-bus-roles.bicep')).get('topicRoleAssignments')!.text;
    expect(propertyValue(roles, 'scope')).toBe('topics[indexOf(topicNames, a.topic)]');
    expect(declarationsOf(read('main.bicep')).get('serviceBusRoles')!.text).toMatch(/role: 'receiver'\s+topics: consumedTopics\[appId\]/);
    expect(declarationsOf(read('main.bicep')).get('serviceBusRoles')!.text).toMatch(/role: 'sender'\s+topics: publishedTopics\[appId\]/);
  });
});

describe('regions: charts/shop for the home region', () => {
  test('when values-region-westeurope.yaml is used, then it is the home region and keeps the home defaults', () => {
    const objects = renderShopForAks(exampleAksEnvironment, ['-f', 'charts/shop/values-region-westeurope.yaml', '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor']);
    for (const app of databaseApps()) {
      const provider = objects.find((o) => o.kind === 'SecretProviderClass' && o.metadata.name === `shop-${app}`)!;
      expect(String(provider.spec.parameters.objects)).toMatch(new RegExp(`objectName: ${app}-database-read-url\\s`));
    }
    expect(objects.filter((o) => o.kind === 'Service' && o.metadata.name.endsWith('-internal')).length).toBe(4);
    // The home region is a region like the others for the caches and the carts: its own catalog-weu and cart-weu.
    const [values] = yamlDocuments(join(repoRoot, 'charts', 'shop', 'values-region-westeurope.yaml'));
    expect(values.region.code).toBe(regionsOf('main.prod-2regions.bicepparam')[0].code);
    expectRegionalPubsub(objects, values.region.code as string);
  });

  test('when no region is set (values-prod.yaml alone), then there is no regional pub/sub, no regional Subscription and no REGION, and the cart has cart-orders', () => {
    const objects = renderShopForAks();
    expect(objects.filter((o) => o.kind === 'Component' && o.metadata.name === 'shop-pubsub-regional')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Subscription' && o.spec.pubsubname === 'shop-pubsub-regional')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Subscription').map((s) => ({ name: s.metadata.name, namespace: s.metadata.namespace, apiVersion: s.apiVersion, spec: s.spec, scopes: s.scopes }))).toEqual([
      { name: 'cart-orders', namespace: 'shop', apiVersion: 'dapr.io/v2alpha1', spec: { pubsubname: 'shop-pubsub', topic: 'orders', routes: { default: '/dapr/events/orders' }, deadLetterTopic: 'orders.deadletter' }, scopes: ['cart'] },
    ]);
    for (const config of objects.filter((o) => o.kind === 'ConfigMap')) expect((config.data as Record<string, string>).REGION).toBeUndefined();
  });

  test('when REGION and region.code disagree, then the render fails', () => {
    expect(() => renderShopForAks(exampleAksEnvironment, ['-f', 'charts/shop/values-region-northeurope.yaml', '--set', 'services.cart.env.REGION=frc', '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'])).toThrow(/REGION "frc" differs from region.code "neu"/);
    expect(() => renderShopForAks(exampleAksEnvironment, ['--set', 'region.code=neu', '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'])).toThrow(/differs from region.code/);
  });

  test('when a non-home region would keep the internal load balancers, then the render fails', () => {
    expect(() => renderShopForAks(exampleAksEnvironment, ['-f', 'charts/shop/values-region-northeurope.yaml', '--set', 'internalLoadBalancer.enabled=true', '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor'])).toThrow(/not the home region/);
  });
});

/**
 * The regional pub/sub of a region's render: one component, consumerID {appID}-<code> (catalog-<code>, cart-<code>),
 * the catalog and the cart, its three Subscriptions, and no Subscription of the chart on shop-pubsub (cart-orders).
 */
function expectRegionalPubsub(objects: KubeObject[], code: string): void {
  const components = objects.filter((o) => o.kind === 'Component' && o.metadata.name === 'shop-pubsub-regional');
  expect(components).toHaveLength(1);
  const [component] = components;
  const meta = Object.fromEntries((component.spec.metadata as Array<{ name: string; value: string }>).map((m) => [m.name, m.value]));
  expect(component.spec.type).toBe('pubsub.azure.servicebus.topics');
  expect(component.metadata.namespace).toBe('shop');
  expect(meta).toMatchObject({ consumerID: `{appID}-${code}`, disableEntityManagement: 'true', namespaceName: exampleAksEnvironment.SERVICE_BUS_NAMESPACE });
  // Entra ID only, like shop-pubsub: the same metadata but the consumerID.
  const pubsub = objects.find((o) => o.kind === 'Component' && o.metadata.name === 'shop-pubsub')!;
  expect((component.spec.metadata as Array<{ name: string }>).filter((m) => m.name !== 'consumerID')).toEqual(pubsub.spec.metadata);
  expect(component.scopes).toEqual(['catalog', 'cart']);
  const subscriptions = objects.filter((o) => o.kind === 'Subscription');
  expect(subscriptions.map((s) => ({ name: s.metadata.name, apiVersion: s.apiVersion, spec: s.spec, scopes: s.scopes }))).toEqual(
    [
      { app: 'catalog', topic: 'products' },
      { app: 'catalog', topic: 'inventory' },
      { app: 'cart', topic: 'orders' },
    ].map(({ app, topic }) => ({
      name: `${app}-regional-${topic}`,
      apiVersion: 'dapr.io/v2alpha1',
      spec: { pubsubname: 'shop-pubsub-regional', topic, routes: { default: `/dapr/regional/${topic}` }, deadLetterTopic: `${topic}.deadletter` },
      scopes: [app],
    })),
  );
}
