import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { declarationsOf, loadBicepParser, paramValue, propertyValue, type Declaration } from './bicep-declarations';
import { filesUnder, repoRoot, yamlDocuments } from './deploy-support';

// The edge (Front Door -> Application Gateway), the secrets and least privilege, read from the parsed templates:
// declarations and the references between them come from tree-sitter-bicep, property values from their text (the
// type checker, bicep.test.ts, proves the property names and types against Azure's schemas).
const bicepDir = join(repoRoot, 'bicep');
const read = (...path: string[]) => readFileSync(join(bicepDir, ...path), 'utf8');
const moduleText = (name: string) => read('modules', `${name}.bicep`);

beforeAll(() => loadBicepParser());

/** Every declaration `from` depends on, directly or through others. */
function transitiveDependencies(declarations: Map<string, Declaration>, from: string): Set<string> {
  const seen = new Set<string>();
  const pending = [...declarations.get(from)!.references];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...declarations.get(next)!.references);
  }
  return seen;
}

/** A cycle among the declarations, as a path, or undefined when the graph is acyclic. */
function findCycle(declarations: Map<string, Declaration>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of declarations.get(name)!.references) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of declarations.keys()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/** The security rules of an NSG declaration, each as its properties' key -> value text. */
function securityRules(nsgText: string): Array<Record<string, string>> {
  return nsgText
    .split(/\n\s*\{\n(?=(?:\s*\/\/[^\n]*\n)*\s*name: ')/)
    .slice(1)
    .map((block) => {
      const rule: Record<string, string> = {};
      for (const match of block.matchAll(/^\s*(\w+): ('[^']*'|\w+)$/gm)) rule[match[1]] ??= match[2].replace(/^'|'$/g, '');
      const ports = /destinationPortRanges: \[([^\]]*)\]/.exec(block);
      if (ports) rule.destinationPortRange = [...ports[1].matchAll(/'([^']+)'/g)].map((port) => port[1]).join(',');
      return rule;
    });
}

const keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6';

describe('bicep edge: Front Door reaches the Application Gateway over HTTPS only', () => {
  test('when the gateway is deployed, then its only listener is HTTPS on 443 with a Key Vault certificate read by its own user-assigned identity', () => {
    const gateway = declarationsOf(moduleText('app-gateway')).get('gateway')!;
    const frontendPorts = [...(/frontendPorts: \[([\s\S]*?)\n {4}\]/.exec(gateway.text)?.[1] ?? '').matchAll(/port: (\d+)/g)].map((match) => match[1]);
    expect(frontendPorts).toEqual(['443']);
    const listeners = /httpListeners: \[([\s\S]*?)\n {4}\]/.exec(gateway.text)![1];
    expect([...listeners.matchAll(/protocol: '(\w+)'/g)].map((match) => match[1])).toEqual(['Https']);
    expect(listeners).toContain("resourceId('Microsoft.Network/applicationGateways/sslCertificates', gatewayName, sslCertificateName)");
    expect(gateway.text).toMatch(/sslCertificates: \[\s*\{\s*name: sslCertificateName\s*properties: \{\s*keyVaultSecretId: certificateSecretUri\s*\}/);
    expect(gateway.text).toMatch(/identity: \{\s*type: 'UserAssigned'\s*userAssignedIdentities: \{\s*'\$\{identityResourceId\}': \{\}/);
    expect(gateway.text).toContain("policyName: 'AppGwSslPolicy20220101S'");
  });

  test('when main wires the gateway, then the certificate secret is written first and readable by the gateway identity alone, on that secret only', () => {
    const main = declarationsOf(read('main.bicep'));
    const appGateway = main.get('appGateway')!;
    expect(propertyValue(appGateway.text, 'identityResourceId')).toBe('appGatewayIdentity.outputs.resourceId');
    expect(propertyValue(appGateway.text, 'certificateSecretUri')).toBe("'${keyVault.outputs.vaultUri}secrets/${appGatewayCertificateSecretName}'");
    expect(transitiveDependencies(main, 'appGateway')).toContain('edgeSecrets');
    const edgeSecrets = main.get('edgeSecrets')!;
    expect(edgeSecrets.target).toBe('modules/key-vault-secrets.bicep');
    expect(edgeSecrets.text).toMatch(/'\$\{appGatewayCertificateSecretName\}': 'application\/x-pkcs12'/);
    expect(edgeSecrets.text).toMatch(/readers: \[\s*\{\s*principalId: appGatewayIdentity\.outputs\.principalId\s*secretNames: \[\s*appGatewayCertificateSecretName\s*\]\s*\}\s*\]/);
    // The identity does not come from a module that needs the gateway (the AKS-federated identities do).
    expect(transitiveDependencies(main, 'appGatewayIdentity')).toEqual(new Set());
  });

  test('when Front Door forwards /api, then it connects with HTTPS to port 443, checks the certificate name and probes over HTTPS', () => {
    const frontDoor = declarationsOf(moduleText('front-door'));
    const origin = frontDoor.get('origin')!;
    expect(propertyValue(origin.text, 'httpsPort')).toBe('443');
    expect(propertyValue(origin.text, 'httpPort')).toBeUndefined();
    expect(propertyValue(origin.text, 'enforceCertificateNameCheck')).toBe('true');
    // One origin per region (apiOrigins, the home region's gateway first); each one's Host, SNI and checked name alike.
    expect(origin.text).toMatch(/= \[\s*for apiOrigin in apiOrigins: \{/);
    expect(propertyValue(origin.text, 'hostName')).toBe('apiOrigin.hostName');
    expect(propertyValue(origin.text, 'originHostHeader')).toBe('apiOrigin.hostName');
    expect(propertyValue(frontDoor.get('originGroup')!.text, 'probeProtocol')).toBe("'Https'");
    expect(propertyValue(frontDoor.get('apiRoute')!.text, 'forwardingProtocol')).toBe("'HttpsOnly'");
    expect(moduleText('front-door')).not.toContain("'HttpOnly'");
  });
});

describe('bicep edge: the gateway subnet admits Front Door on 443 and nothing else', () => {
  test('when the App Gateway NSG is read, then inbound allows only GatewayManager 65200-65535, AzureLoadBalancer and AzureFrontDoor.Backend on 443, then denies everything', () => {
    const nsg = declarationsOf(read('modules', 'network.bicep')).get('nsgAppGateway')!;
    const inbound = securityRules(nsg.text).filter((rule) => rule.direction === 'Inbound');
    const allows = inbound.filter((rule) => rule.access === 'Allow').map((rule) => `${rule.sourceAddressPrefix} ${rule.destinationPortRange}`);
    expect(allows.sort()).toEqual(['AzureFrontDoor.Backend 443', 'AzureLoadBalancer *', 'GatewayManager 65200-65535']);
    const denies = inbound.filter((rule) => rule.access === 'Deny');
    expect(denies).toHaveLength(1);
    expect(denies[0]).toMatchObject({ sourceAddressPrefix: '*', destinationPortRange: '*', protocol: '*' });
    const lowestAllowPriority = Math.max(...inbound.filter((rule) => rule.access === 'Allow').map((rule) => Number(rule.priority)));
    expect(Number(denies[0].priority)).toBeGreaterThan(lowestAllowPriority);
  });
});

describe('bicep edge: only this platform\'s Front Door profile gets through the gateway', () => {
  test('when a request reaches the gateway, then a WAF custom rule blocks it unless X-Azure-FDID is the profile\'s frontDoorId', () => {
    const policy = declarationsOf(moduleText('app-gateway')).get('wafPolicy')!;
    const rule = /customRules: \[([\s\S]*?)\n {4}\]/.exec(policy.text)![1];
    expect(rule).toMatch(/matchVariables: \[\s*\{\s*variableName: 'RequestHeaders'\s*selector: 'X-Azure-FDID'\s*\}\s*\]/);
    expect(propertyValue(rule, 'operator')).toBe("'Equal'");
    // The API's own spelling of the negation flag.
    expect(propertyValue(rule, 'negationConditon')).toBe('true');
    expect(rule).toMatch(/matchValues: \[\s*frontDoorId\s*\]/);
    expect(propertyValue(rule, 'action')).toBe("'Block'");
    expect(propertyValue(rule, 'state')).toBe("'Enabled'");
    expect(propertyValue(rule, 'priority')).toBe('1');
  });

  test('when main passes the frontDoorId, then it is the profile\'s own property, deployed before the gateway, and the endpoint comes after it', () => {
    const profileModule = declarationsOf(moduleText('front-door-profile'));
    expect(profileModule.get('profile')!.existing).toBe(false);
    expect(moduleText('front-door-profile')).toMatch(/^output frontDoorId string = profile\.properties\.frontDoorId$/m);
    const frontDoor = declarationsOf(moduleText('front-door'));
    expect(frontDoor.get('profile')).toMatchObject({ existing: true });
    expect(propertyValue(frontDoor.get('profile')!.text, 'name')).toBe('profileName');

    const main = declarationsOf(read('main.bicep'));
    expect(propertyValue(main.get('appGateway')!.text, 'frontDoorId')).toBe('frontDoorProfile.outputs.frontDoorId');
    expect(propertyValue(main.get('frontDoor')!.text, 'profileName')).toBe('frontDoorProfile.outputs.name');
    expect(transitiveDependencies(main, 'appGateway')).not.toContain('frontDoor');
    expect(transitiveDependencies(main, 'frontDoor')).toContain('appGateway');
  });

  test('when main.bicep is deployed, then its modules and resources depend on each other without a cycle', () => {
    const main = declarationsOf(read('main.bicep'));
    expect(main.size).toBeGreaterThan(15);
    expect(findCycle(main)).toBeUndefined();
  });

  test('when the dependency graph is built, then it sees a cycle where one exists (the check can fail)', () => {
    const cyclic = `module a 'a.bicep' = {\n  name: 'a'\n  params: {\n    x: b.outputs.y\n  }\n}\nmodule b 'b.bicep' = {\n  name: 'b'\n  params: {\n    a: c.outputs.z\n  }\n}\nmodule c 'c.bicep' = {\n  name: 'c'\n  dependsOn: [\n    a\n  ]\n}\n`;
    expect(findCycle(declarationsOf(cyclic))).toEqual(['a', 'b', 'c', 'a']);
    // An object key or a property named like a declaration is not a reference.
    const keysOnly = `module a 'a.bicep' = {\n  name: 'a'\n  params: {\n    b: names.b\n  }\n}\nmodule b 'b.bicep' = {\n  name: 'b'\n  params: {\n    x: a.outputs.y\n  }\n}\n`;
    expect(findCycle(declarationsOf(keysOnly))).toBeUndefined();
  });
});

describe('bicep edge: the secrets exist before what reads them, and stay stable across deployments', () => {
  const main = () => declarationsOf(read('main.bicep'));

  /** Key Vault secrets each service of the chart reads: its secretEnv plus the two Dapr tokens. */
  function chartSecretsByService(): Record<string, string[]> {
    const [values] = yamlDocuments(join(repoRoot, 'charts', 'shop', 'values.yaml'));
    const tokens = [values.dapr.tokens.appToken.keyVaultSecret, values.dapr.tokens.apiToken.keyVaultSecret] as string[];
    const out: Record<string, string[]> = {};
    for (const appId of ['auth', 'catalog', 'cart', 'order']) {
      const secretEnv = (values.services[appId].secretEnv ?? {}) as Record<string, { keyVaultSecret: string }>;
      out[appId] = [...tokens, ...Object.values(secretEnv).map((ref) => ref.keyVaultSecret)].sort();
    }
    return out;
  }

  /** main.bicep's secretsReadBy, app id -> secret names. */
  function secretsReadBy(): Record<string, string[]> {
    const source = read('main.bicep');
    const tokens = [.../var daprTokenSecretNames = \[([^\]]*)\]/.exec(source)![1].matchAll(/'([^']+)'/g)].map((match) => match[1]);
    const block = /var secretsReadBy = \{\n([\s\S]*?)\n\}/.exec(source)![1];
    const out: Record<string, string[]> = {};
    for (const entry of block.split(/\n(?= {2}\w+: )/)) {
      const [, appId, body] = /^ {2}(\w+): ([\s\S]*)$/.exec(entry)!;
      const names = [...body.matchAll(/'([^']+)'/g)].map((match) => match[1]);
      out[appId] = [...(body.includes('daprTokenSecretNames') ? tokens : []), ...names].sort();
    }
    return out;
  }

  /**
   * main.bicep's databaseSecrets as the home region's release reads them, app id -> secret names: each app with a
   * database gets the <app>-... names of the var (the per-region <app>-database-read-url-<code> are regions.test.ts's).
   */
  function homeDatabaseSecretsReadBy(): Record<string, string[]> {
    const source = read('main.bicep');
    const apps = [.../var databaseAppIds = \[([^\]]*)\]/.exec(source)![1].matchAll(/'(\w+)'/g)].map((match) => match[1]);
    const block = /^var databaseSecrets = ([\s\S]*?)\n\n/m.exec(source)![1];
    const templates = [...block.matchAll(/name: '\$\{appId\}(-[\w-]+)'/g)].map((match) => match[1]);
    return Object.fromEntries(apps.map((app) => [app, templates.map((suffix) => `${app}${suffix}`)]));
  }

  test('when a service reads its secrets through the CSI driver, then its identity is granted exactly those secrets', () => {
    const chart = chartSecretsByService();
    const databaseSecrets = homeDatabaseSecretsReadBy();
    expect(databaseSecrets).toEqual({
      auth: ['auth-database-url', 'auth-database-read-url'],
      catalog: ['catalog-database-url', 'catalog-database-read-url'],
      order: ['order-database-url', 'order-database-read-url'],
    });
    const granted = Object.fromEntries(Object.entries(secretsReadBy()).map(([app, names]) => [app, [...names, ...(databaseSecrets[app] ?? [])].sort()]));
    // The database secrets are granted by the module that writes them, to each app's identity.
    const databaseModule = main().get('databaseSecrets')!.text;
    expect(databaseModule).toContain('values: toObject(databaseSecrets, secret => secret.name,');
    expect(databaseModule).toContain('secretNames: databaseSecretsOf[appId]');
    for (const appId of Object.keys(chart)) expect({ appId, secrets: granted[appId] }).toEqual({ appId, secrets: chart[appId] });
    const functions = moduleText('functions');
    const references = [...functions.matchAll(/@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=([\w-]+)\)/g)].map((match) => match[1]);
    expect(references).toEqual(['dapr-app-api-token']);
    expect(granted.functions).toEqual(references);
    const readers = main().get('platformSecrets')!.text;
    expect(readers).toContain('secretNames: secretsReadBy[serviceAppIds[i]]');
    expect(readers).toMatch(/principalId: functionsIdentity\.outputs\.principalId\s+secretNames: secretsReadBy\.functions/);
  });

  test('when a secret is read by anyone, then the deployment writes it (a value Bicep knows or a generated one passed as a @secure() parameter)', () => {
    const platformSecrets = main().get('platformSecrets')!.text;
    const written = new Set([...platformSecrets.matchAll(/^\s*'([\w-]+)': /gm)].map((match) => match[1]));
    if (platformSecrets.includes("appId => '${appId}-database-url'")) {
      const databaseAppIds = [.../var databaseAppIds = \[([^\]]*)\]/.exec(read('main.bicep'))![1].matchAll(/'(\w+)'/g)].map((match) => `${match[1]}-database-url`);
      for (const name of databaseAppIds) written.add(name);
    }
    const read_ = new Set(Object.values(secretsReadBy()).flat());
    expect([...read_].filter((name) => !written.has(name))).toEqual([]);
  });

  test('when a generated secret is not passed, then the deployment leaves the one in Key Vault alone (no newGuid() default rotating it under running pods)', () => {
    const source = read('main.bicep');
    for (const [param, secret] of [
      ['daprAppApiToken', 'dapr-app-api-token'],
      ['daprApiToken', 'dapr-api-token'],
      ['authSigningKeys', 'auth-signing-keys'],
      ['apiKeyHashSecret', 'api-key-hash-secret'],
      ['appGatewayCertificatePfx', '${appGatewayCertificateSecretName}'],
    ]) {
      expect(source).toMatch(new RegExp(`@secure\\(\\)\\nparam ${param} string = ''\\n`));
      expect(source).toContain(`'${secret}': ${param}\n`);
      for (const file of ['main.dev.bicepparam', 'main.prod.bicepparam']) {
        expect({ file, param, line: new RegExp(`^param ${param} = readEnvironmentVariable\\('SHOP_\\w+', ''\\)$`, 'm').test(read(file)) }).toMatchObject({ line: true });
      }
    }
    for (const file of filesUnder(bicepDir, ['.bicep', '.bicepparam'])) expect({ file, newGuid: readFileSync(file, 'utf8').includes('newGuid(') }).toMatchObject({ newGuid: false });
    const secrets = declarationsOf(moduleText('key-vault-secrets'));
    expect(moduleText('key-vault-secrets')).toContain('var writtenSecrets = filter(items(values), secret => !empty(secret.value))');
    expect(secrets.get('secrets')!.text).toContain('for secret in writtenSecrets:');
    expect(moduleText('key-vault-secrets')).toMatch(/@secure\(\)\nparam values object/);
  });

  test('when the Functions app starts, then dapr-app-api-token and its identity\'s role on it already exist', () => {
    const declarations = main();
    expect(transitiveDependencies(declarations, 'functions')).toContain('platformSecrets');
    // The identity granted the secret is the one functions.bicep runs the app as: same name, location and tags.
    const identityModule = declarations.get('functionsIdentity')!;
    expect(paramValue(identityModule.text, 'name')).toBe("'id-${namePrefix}-functions'");
    expect(paramValue(declarations.get('functions')!.text, 'namePrefix')).toBe('namePrefix');
    const functionsIdentity = declarationsOf(moduleText('functions')).get('identity')!;
    expect(propertyValue(functionsIdentity.text, 'name')).toBe("'id-${namePrefix}-functions'");
    expect(paramValue(identityModule.text, 'location')).toBe(paramValue(declarations.get('functions')!.text, 'location'));
    expect(paramValue(identityModule.text, 'tags')).toBe(paramValue(declarations.get('functions')!.text, 'tags'));
    expect(propertyValue(functionsIdentity.text, 'tags')).toBe('tags');
    expect(transitiveDependencies(declarations, 'functionsIdentity')).toEqual(new Set());
  });
});

describe('bicep edge: least privilege', () => {
  test('when an identity reads secrets, then Key Vault Secrets User is assigned on each secret resource, never on the vault', () => {
    const secrets = declarationsOf(moduleText('key-vault-secrets'));
    const assignment = secrets.get('secretsUsers')!;
    expect(propertyValue(assignment.text, 'scope')).toBe('grantedSecrets[i]');
    expect(secrets.get('grantedSecrets')).toMatchObject({ existing: true, target: 'Microsoft.KeyVault/vaults/secrets@2023-07-01' });
    for (const file of filesUnder(bicepDir, ['.bicep'])) {
      const source = readFileSync(file, 'utf8');
      if (file.endsWith('key-vault-secrets.bicep') || !source.includes(keyVaultSecretsUserRoleId)) continue;
      throw new Error(`${file} assigns Key Vault Secrets User outside key-vault-secrets.bicep`);
    }
    expect(moduleText('key-vault')).not.toMatch(/secretsUser/i);
  });

  test('when a role is assigned, then it is scoped to a resource; the one resource-group assignment is the Reader AGIC needs', () => {
    const unscoped: string[] = [];
    for (const file of filesUnder(bicepDir, ['.bicep'])) {
      for (const declaration of declarationsOf(readFileSync(file, 'utf8')).values()) {
        if (declaration.kind === 'resource' && declaration.target.startsWith('Microsoft.Authorization/roleAssignments@') && !/^\s*scope: /m.test(declaration.text)) unscoped.push(`${file.slice(bicepDir.length + 1)}:${declaration.name}`);
      }
    }
    expect(unscoped).toEqual(['modules/aks.bicep:agicReader']);
    expect(declarationsOf(moduleText('aks')).get('agicReader')!.text).toContain('roleIds.reader');
  });

  test('when AGIC joins the gateway to its subnet, then its Network Contributor is on that subnet (an existing resource), and it may assign only the gateway\'s identity', () => {
    const aks = declarationsOf(moduleText('aks'));
    const networkContributor = aks.get('agicNetworkContributor')!;
    expect(propertyValue(networkContributor.text, 'scope')).toBe('appGatewaySubnet');
    expect(networkContributor.text).toContain('roleIds.networkContributor');
    expect(aks.get('appGatewaySubnet')).toMatchObject({ existing: true, target: 'Microsoft.Network/virtualNetworks/subnets@2024-05-01' });
    expect(propertyValue(aks.get('appGatewaySubnet')!.text, 'name')).toBe("last(split(applicationGatewaySubnetId, '/'))");
    const operator = aks.get('agicIdentityOperator')!;
    expect(propertyValue(operator.text, 'scope')).toBe('appGatewayIdentity');
    expect(aks.get('appGatewayIdentity')).toMatchObject({ existing: true });
    const main = declarationsOf(read('main.bicep')).get('aks')!;
    expect(propertyValue(main.text, 'applicationGatewaySubnetId')).toBe('network.outputs.subnetIds.appGateway');
    expect(propertyValue(main.text, 'applicationGatewayIdentityResourceId')).toBe('appGatewayIdentity.outputs.resourceId');
  });

  test('when the registry is deployed, then production has no public endpoint and dev denies every address not listed', () => {
    const registry = moduleText('container-registry');
    expect(registry).toContain("param publicNetworkAccess string = 'Disabled'");
    const resource = declarationsOf(registry).get('registry')!;
    expect(resource.text).toMatch(/networkRuleSet: \{\s*defaultAction: 'Deny'/);
    expect(declarationsOf(registry).get('privateEndpoint')).toBeDefined();
    const main = declarationsOf(read('main.bicep')).get('registry')!;
    expect(propertyValue(main.text, 'publicNetworkAccess')).toBe("environmentName == 'prod' ? 'Disabled' : 'Enabled'");
    expect(propertyValue(main.text, 'allowedIpRanges')).toBe("environmentName == 'prod' ? [] : registryAllowedIpRanges");
  });

  test('when telemetry is sent, then Application Insights refuses the instrumentation key and every sender signs in with Entra', () => {
    const appInsights = declarationsOf(moduleText('monitoring')).get('appInsights')!;
    expect(propertyValue(appInsights.text, 'DisableLocalAuth')).toBe('true');
    expect(moduleText('functions')).toMatch(/name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'\s+value: 'ClientId=\$\{identity\.properties\.clientId\};Authorization=AAD'/);
    expect(moduleText('functions')).toContain('roleIds.metricsPublisher');
    const access = declarationsOf(read('main.bicep')).get('appInsightsAccess')!;
    expect(propertyValue(access.text, 'publisherPrincipalIds')).toBe('map(range(0, length(serviceAppIds)), i => identities.outputs.identities[i].principalId)');
    expect(propertyValue(declarationsOf(moduleText('app-insights-access')).get('publishers')!.text, 'scope')).toBe('appInsights');
    expect(moduleText('app-insights-access')).toContain("var metricsPublisherRoleId = '3913510d-42f4-4e42-8a64-420c390055eb'");
  });

  test('when production is deployed, then the AKS API server admits only the authorized ranges, which the parameter file requires', () => {
    const cluster = declarationsOf(moduleText('aks')).get('aks')!;
    expect(cluster.text).toMatch(/apiServerAccessProfile: empty\(apiServerAuthorizedIpRanges\) \? null : \{\s*authorizedIPRanges: apiServerAuthorizedIpRanges\s*\}/);
    expect(propertyValue(declarationsOf(read('main.bicep')).get('aks')!.text, 'apiServerAuthorizedIpRanges')).toBe('aksApiServerAuthorizedIpRanges');
    // No default: without SHOP_AKS_API_AUTHORIZED_IP_RANGES the production parameters do not build.
    expect(read('main.prod.bicepparam')).toMatch(/^param aksApiServerAuthorizedIpRanges = split\(readEnvironmentVariable\('SHOP_AKS_API_AUTHORIZED_IP_RANGES'\), ','\)$/m);
  });
});
