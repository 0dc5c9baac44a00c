import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectionSettingsOf } from '@shop/postgres';
import { filesUnder, repoRoot } from './deploy-support';

// What the Functions app, the cluster's cloud provider, the e-mail and the database sign-in need from Bicep to work on
// the first deployment, read from the templates as text (bicep.test.ts parses them; the type checker checks types).
const bicepDir = join(repoRoot, 'bicep');
const read = (...path: string[]) => readFileSync(join(bicepDir, ...path), 'utf8');
const main = read('main.bicep');
const network = read('modules', 'network.bicep');
const functions = read('modules', 'functions.bicep');

/** The body of `<keyword> <name> '...' = ... {` up to its closing brace at the start of a line. */
function declaration(source: string, keyword: 'resource' | 'module', name: string): string {
  const match = new RegExp(`^${keyword} ${name} '[^']+' = [^\\n]*\\{\\n([\\s\\S]*?)\\n\\]?\\}`, 'm').exec(source);
  if (!match) throw new Error(`${keyword} ${name} not found`);
  return match[1];
}

/** The Functions app settings, name to value expression, in the order written. */
function functionsAppSettings(): Map<string, string> {
  const settings = new Map<string, string>();
  for (const match of functions.matchAll(/\{\n(?:\s*\/\/[^\n]*\n)*\s*name: '([A-Za-z_]+)'\n\s*value: ([^\n]+)\n\s*\}/g)) settings.set(match[1], match[2].trim());
  return settings;
}

/** The default prefix of a subnet in network.bicep's subnetPrefixes. */
const subnetPrefix = (name: string) => new RegExp(`^  ${name}: '([^']+)'`, 'm').exec(network)![1];

/** Bicep's cidrHost(prefix, index) for IPv4: the address `index + 1` after the network address. */
function cidrHost(prefix: string, index: number): string {
  const [address] = prefix.split('/');
  const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0) + index + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

describe('bicep: the Functions app\'s private route to the services', () => {
  test('when the Functions app starts, then no *_URL or *_ENDPOINT setting is empty or can become empty', () => {
    const settings = functionsAppSettings();
    const urlSettings = [...settings].filter(([name]) => /_(URL|ENDPOINT)$/.test(name));
    expect(urlSettings.map(([name]) => name)).toEqual(expect.arrayContaining(['CATALOG_INTERNAL_URL', 'CART_INTERNAL_URL', 'ORDER_INTERNAL_URL', 'AUTH_INTERNAL_URL', 'AUTH_JWKS_URL', 'ACS_EMAIL_ENDPOINT', 'REPORTS_BLOB_ACCOUNT_URL', 'SHOP_PUBLIC_URL']));
    for (const [name, value] of urlSettings) {
      expect({ name, value, empty: value === "''" || /\?\s*''|:\s*''/.test(value) }).toMatchObject({ empty: false });
      // Each comes from a required parameter or a resource, never from an optional parameter that defaults to ''.
      const parameter = /^(\w+)(?:\.\w+)?$/.exec(value)?.[1];
      if (parameter) expect({ name, optionalEmptyDefault: new RegExp(`^param ${parameter} \\w+ = ''`, 'm').test(functions) }).toMatchObject({ optionalEmptyDefault: false });
    }
    expect(settings.get('ACS_EMAIL_ENDPOINT')).toBe("'https://${communicationService.properties.hostName}'");
    expect(settings.get('EMAIL_TRANSPORT')).toBe("'acs'");
    expect(settings.get('EMAIL_SENDER_ADDRESS')).toBe('emailSenderAddress');
    expect(declaration(main, 'module', 'functions')).toContain('emailSenderAddress: communication.outputs.senderAddress');
  });

  test('when the internal URLs are computed, then they are the contract\'s frontend addresses of auth, catalog, cart and order in snet-internal-lb', () => {
    const prefix = subnetPrefix('internalLoadBalancer');
    expect(prefix).toBe('10.20.20.0/27');
    expect(network).toContain("name: 'snet-internal-lb'");
    const order = [.../var internalServiceAppIds = \[([^\]]*)\]/.exec(network)![1].matchAll(/'(\w+)'/g)].map((m) => m[1]);
    expect(order).toEqual(['auth', 'catalog', 'cart', 'order']);
    expect(network).toContain('cidrHost(subnetPrefixes.internalLoadBalancer, 3 + i)');
    const ips = Object.fromEntries(order.map((appId, i) => [appId, cidrHost(prefix, 3 + i)]));
    expect(ips).toEqual({ auth: '10.20.20.4', catalog: '10.20.20.5', cart: '10.20.20.6', order: '10.20.20.7' });
    const functionsModule = declaration(main, 'module', 'functions');
    for (const appId of order) expect(functionsModule).toContain(`${appId}: 'http://\${network.outputs.internalLoadBalancer.ips.${appId}}'`);
    const settings = functionsAppSettings();
    for (const appId of order) expect(settings.get(`${appId.toUpperCase()}_INTERNAL_URL`)).toBe(`internalServiceUrls.${appId}`);
    expect(main).toMatch(/^output internalLoadBalancer object = network\.outputs\.internalLoadBalancer$/m);
    expect(main).toMatch(/^output functionsSubnetPrefix string = network\.outputs\.subnetPrefixes\.functions$/m);
    // The same URL auth issues tokens for and the e-mails link to: a custom domain when set, else Front Door's.
    expect(main).toMatch(/^output publicBaseUrl string = empty\(shopPublicUrl\) \? 'https:\/\/\$\{frontDoor\.outputs\.endpointHostName\}' : shopPublicUrl$/m);
    expect(main).toMatch(/shopPublicUrl: empty\(shopPublicUrl\) \? 'https:\/\/\$\{frontDoor\.outputs\.endpointHostName\}' : shopPublicUrl\n/);
  });

  test('when the sync verifies an admin token, then AUTH_JWKS_URL is the path where auth serves its JWKS', () => {
    const wellKnown = readFileSync(join(repoRoot, 'apps', 'auth', 'src', 'http', 'well-known.routes.ts'), 'utf8');
    const composition = readFileSync(join(repoRoot, 'apps', 'auth', 'src', 'composition.ts'), 'utf8');
    const authBasePath = /export const authBasePath = '([^']+)'/.exec(wellKnown)![1];
    expect(composition).toContain('app.use(`${authBasePath}/.well-known`, wellKnownRoutes(');
    expect(wellKnown).toContain("router.get('/jwks.json'");
    expect(functions).toContain(`var authJwksPath = '${authBasePath}/.well-known/jwks.json'`);
    expect(functionsAppSettings().get('AUTH_JWKS_URL')).toBe("'${internalServiceUrls.auth}${authJwksPath}'");
  });

  test('when the cloud provider creates the internal load balancers, then the cluster identity holds Network Contributor on snet-internal-lb only', () => {
    const assignment = declaration(main, 'module', 'internalLoadBalancerNetworkContributor');
    expect(main).toMatch(/^module internalLoadBalancerNetworkContributor 'modules\/subnet-role-assignment\.bicep'/m);
    expect(assignment).toContain('principalId: aks.outputs.principalId');
    expect(assignment).toContain('subnetName: network.outputs.internalLoadBalancer.subnetName');
    expect(assignment).toContain("roleDefinitionId: '4d97b98b-1d4f-4787-a291-c67834d212e7'");
    const module = read('modules', 'subnet-role-assignment.bicep');
    expect(declaration(module, 'resource', 'assignment')).toContain('scope: subnet');
    expect(module).toMatch(/resource subnet 'Microsoft\.Network\/virtualNetworks\/subnets@[^']+' existing = \{\s+parent: vnet\s+name: subnetName/);
  });

  test('when the Functions app calls a service, then its subnet\'s NSG lets it out to the internal load balancers on port 80 before any outbound deny', () => {
    const nsg = declaration(network, 'resource', 'nsgPrivate');
    const rules = [...nsg.matchAll(/name: '([^']+)'\s+properties: \{([\s\S]*?)\n {8}\}/g)].map((m) => ({
      name: m[1],
      priority: Number(/priority: (\d+)/.exec(m[2])![1]),
      direction: /direction: '(\w+)'/.exec(m[2])![1],
      access: /access: '(\w+)'/.exec(m[2])![1],
      body: m[2],
    }));
    const allow = rules.find((rule) => rule.name === 'allow-functions-to-internal-load-balancers')!;
    expect(allow).toMatchObject({ direction: 'Outbound', access: 'Allow' });
    expect(allow.body).toContain('sourceAddressPrefix: subnetPrefixes.functions');
    expect(allow.body).toContain('destinationAddressPrefix: subnetPrefixes.internalLoadBalancer');
    expect(allow.body).toContain("destinationPortRange: '80'");
    const earlierDenies = rules.filter((rule) => rule.direction === 'Outbound' && rule.access === 'Deny' && rule.priority <= allow.priority);
    expect(earlierDenies).toEqual([]);
    // The Functions subnet has this NSG.
    expect(network).toMatch(/name: 'snet-functions'\s+properties: \{\s+addressPrefix: subnetPrefixes\.functions\s+networkSecurityGroup: \{\s+id: nsgPrivate\.id/);
  });
});

describe('bicep: e-mail through Azure Communication Services', () => {
  test('when the Functions app sends e-mail, then Bicep creates the Communication Services resource, an Azure-managed domain linked to it, and no access keys', () => {
    const communication = read('modules', 'communication.bicep');
    expect(communication).toMatch(/resource emailService 'Microsoft\.Communication\/emailServices@/);
    const domain = declaration(communication, 'resource', 'managedDomain');
    expect(domain).toContain("name: 'AzureManagedDomain'");
    expect(domain).toContain("domainManagement: 'AzureManaged'");
    const service = declaration(communication, 'resource', 'communicationService');
    expect(service).toMatch(/linkedDomains: \[\s+managedDomain\.id\s+\]/);
    expect(service).toContain('disableLocalAuth: true');
    expect(communication).toContain("output senderAddress string = '${managedDomainSenderUsername}@${managedDomain.properties.fromSenderDomain}'");
  });

  test('when the Functions identity sends, then it holds Communication and Email Service Owner on that one Communication Services resource', () => {
    const role = declaration(functions, 'resource', 'emailSender');
    expect(functions).toContain("emailSender: '09976791-48a7-449e-bb21-39d1a415f350'");
    expect(role).toContain('scope: communicationService');
    expect(role).toContain('principalId: identity.properties.principalId');
    expect(role).toContain('roleIds.emailSender');
    expect(functions).toMatch(/resource communicationService 'Microsoft\.Communication\/communicationServices@[^']+' existing = \{\s+name: communicationServiceName/);
    expect(declaration(main, 'module', 'functions')).toContain('communicationServiceName: communication.outputs.name');
  });
});

describe('bicep: PostgreSQL with Entra ID only', () => {
  test('when the server is deployed, then password authentication is off and no template or parameter file has an administrator password', () => {
    const postgres = read('modules', 'postgres.bicep');
    expect(postgres).toMatch(/authConfig: \{\s+activeDirectoryAuth: 'Enabled'\s+passwordAuth: 'Disabled'/);
    for (const file of [...filesUnder(bicepDir, ['.bicep']), ...filesUnder(bicepDir, ['.bicepparam'])]) {
      const text = readFileSync(file, 'utf8');
      expect({ file, password: /administratorLoginPassword:|param \w*[Pp]assword|SHOP_POSTGRES_ADMIN_PASSWORD|EntraAndPassword/.test(text) }).toMatchObject({ password: false });
    }
  });

  test('when the deployment runs, then a deployment script in the VNet, an administrator of the server, makes each service identity a principal of its own database', () => {
    const postgresModule = declaration(main, 'module', 'postgres');
    expect(postgresModule).toMatch(/servicePrincipalAdministrators: \[\s+\{\s+objectId: deploymentScripts\.outputs\.principalId\s+principalName: deploymentScripts\.outputs\.name/);
    const principals = declaration(main, 'module', 'databasePrincipals');
    expect(principals).toContain('runnerPrincipalName: deploymentScripts.outputs.name');
    expect(principals).toContain("database: 'shop_${appId}'");
    expect(principals).toContain('objectId: identities.outputs.identities[indexOf(serviceAppIds, appId)].principalId');
    const script = read('modules', 'database-principals.bicep');
    expect(script).toMatch(/containerSettings: \{\s+subnetIds: \[\s+\{\s+id: subnetId/);
    expect(script).toContain("scriptContent: loadTextContent('scripts/create-database-principals.sh')");
    const shell = read('modules', 'scripts', 'create-database-principals.sh');
    expect(shell).toContain("pgaadauth_create_principal_with_oid(:'role', :'oid', 'service', false, false)");
    expect(shell).toContain('GRANT ALL ON DATABASE :"db" TO :"role";');
    expect(shell).toContain('--resource-type oss-rdbms');
    expect(network).toMatch(/name: 'snet-deployment-scripts'[\s\S]*?serviceName: 'Microsoft\.ContainerInstance\/containerGroups'/);
  });

  test('when a service reads its DATABASE_URL from the outputs, then it carries no password and the pg adapter\'s Entra sign-in accepts it as it is', () => {
    const template = /^output databaseUrls object = toObject\(databaseAppIds, appId => appId, appId => '([^']+)'\)$/m.exec(main)![1];
    const url = template
      .replace('${identities.outputs.identities[indexOf(serviceAppIds, appId)].name}', 'id-shop-prod-auth')
      .replace('${databaseWriterHost}', 'psql-shop-prod-x.postgres.database.azure.com')
      .replace('${appId}', 'auth');
    expect(url).not.toContain('${');
    // The host: the server's FQDN with one region, the virtual endpoint's writer host (also a host name) with several.
    expect(main).toContain('var databaseWriterHost = empty(otherRegions) ? postgres.outputs.fqdn : postgresVirtualEndpoint!.outputs.writerHostName');
    expect(connectionSettingsOf(url)).toEqual({ host: 'psql-shop-prod-x.postgres.database.azure.com', port: 5432, user: 'id-shop-prod-auth', database: 'shop_auth', ssl: {} });
  });
});

describe('bicep: the operators\' way in', () => {
  test('when the storefront is uploaded, then the web storage account has a blob private endpoint in the privatelink.blob zone, and the scripts\' identity may write its blobs', () => {
    const webStorage = read('modules', 'web-storage.bicep');
    const endpoint = declaration(webStorage, 'module', 'blobEndpoint');
    expect(endpoint).toContain("groupId: 'blob'");
    expect(endpoint).toContain('privateDnsZoneId: privateDnsZoneId');
    expect(network).toContain("blob: 'privatelink.blob.${environment().suffixes.storage}'");
    expect(network).toContain('blob: dnsZones[5].id');
    const module = declaration(main, 'module', 'webStorage');
    expect(module).toContain('privateDnsZoneId: network.outputs.privateDnsZoneIds.blob');
    expect(module).toMatch(/publisherPrincipalIds: concat\(\[\s+deploymentScripts\.outputs\.principalId/);
    expect(read('modules', 'storefront-publish.bicep')).toContain("scriptContent: loadTextContent('scripts/publish-storefront.sh')");
  });

  test('when the deployment scripts run, then their shell is valid bash that stops at the first failure', () => {
    for (const script of filesUnder(join(bicepDir, 'modules', 'scripts'), ['.sh'])) {
      const check = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
      expect({ script, status: check.status, stderr: check.stderr }).toEqual({ script, status: 0, stderr: '' });
      expect(readFileSync(script, 'utf8')).toMatch(/^set -euo pipefail$/m);
    }
  });

  test('when the cloud provider builds the internal load balancers, then the cluster identity may manage the frontends\' subnet and the nodes\' subnet, and no wider scope', () => {
    const grants = [...main.matchAll(/^module (\w+) 'modules\/subnet-role-assignment\.bicep' = \{[\s\S]*?\n\}/gm)].map((m) => m[0]);
    const byCluster = grants.filter((g) => g.includes('principalId: aks.outputs.principalId'));
    expect(byCluster.map((g) => /subnetName: ([^\n]+)/.exec(g)![1]).sort()).toEqual(["'snet-aks'", 'network.outputs.internalLoadBalancer.subnetName']);
    for (const grant of byCluster) expect(grant).toContain("roleDefinitionId: '4d97b98b-1d4f-4787-a291-c67834d212e7'");
    expect(read('modules', 'network.bicep')).toMatch(/name: 'snet-aks'/);
  });
});
