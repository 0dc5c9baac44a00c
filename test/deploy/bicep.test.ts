import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';
import { Components, Topics, broadcastTopics } from '@shop/contracts';
import { describeWhenPresent, exampleAksEnvironment, filesUnder, renderShopForAks, repoRoot, yamlDocuments } from './deploy-support';

const bicepDir = join(repoRoot, 'bicep');
const bicepFiles = filesUnder(bicepDir, ['.bicep']);
const paramFiles = filesUnder(bicepDir, ['.bicepparam']);
const rel = (file: string) => relative(repoRoot, file);

/**
 * Resource types and API versions the templates may use. Each was looked up in the Azure template reference
 * (learn.microsoft.com/azure/templates/<provider>/<version>/<type>) and found in published Bicep of that version;
 * a version missing here is a typo or an unreviewed upgrade.
 */
const knownApiVersions: Record<string, string[]> = {
  'Microsoft.OperationalInsights/workspaces': ['2023-09-01'],
  'Microsoft.Insights/components': ['2020-02-02'],
  'Microsoft.Insights/dataCollectionEndpoints': ['2024-03-11'],
  'Microsoft.Insights/dataCollectionRules': ['2024-03-11'],
  'Microsoft.Insights/dataCollectionRuleAssociations': ['2024-03-11'],
  'Microsoft.Insights/actionGroups': ['2023-01-01'],
  'Microsoft.Insights/metricAlerts': ['2026-01-01'],
  'Microsoft.Insights/diagnosticSettings': ['2021-05-01-preview'],
  'Microsoft.Monitor/accounts': ['2025-10-03'],
  'Microsoft.Dashboard/grafana': ['2025-08-01'],
  'Microsoft.AlertsManagement/prometheusRuleGroups': ['2023-03-01'],
  'Microsoft.Network/virtualNetworks': ['2024-05-01'],
  'Microsoft.Network/networkSecurityGroups': ['2024-05-01'],
  'Microsoft.Network/publicIPAddresses': ['2024-05-01'],
  'Microsoft.Network/privateEndpoints': ['2024-05-01'],
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups': ['2024-05-01'],
  'Microsoft.Network/privateDnsZones': ['2020-06-01'],
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings': ['2024-05-01'],
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks': ['2020-06-01'],
  'Microsoft.Network/applicationGateways': ['2024-05-01'],
  'Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies': ['2024-05-01'],
  'Microsoft.Network/FrontDoorWebApplicationFirewallPolicies': ['2024-02-01'],
  'Microsoft.ContainerService/managedClusters': ['2024-09-01'],
  'Microsoft.KubernetesConfiguration/extensions': ['2024-11-01'],
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['2023-01-31'],
  'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials': ['2023-01-31'],
  'Microsoft.Authorization/roleAssignments': ['2022-04-01'],
  // 2026-01-01 for geoDataReplication (the namespace only; its children stay on 2024-01-01, existing references too).
  'Microsoft.ServiceBus/namespaces': ['2024-01-01', '2026-01-01'],
  'Microsoft.ServiceBus/namespaces/topics': ['2024-01-01'],
  'Microsoft.ServiceBus/namespaces/topics/subscriptions': ['2024-01-01'],
  'Microsoft.Cache/redis': ['2024-11-01'],
  'Microsoft.Cache/redis/accessPolicyAssignments': ['2024-11-01'],
  'Microsoft.KeyVault/vaults': ['2023-07-01'],
  'Microsoft.KeyVault/vaults/secrets': ['2023-07-01'],
  'Microsoft.ContainerRegistry/registries': ['2023-07-01'],
  'Microsoft.ContainerRegistry/registries/replications': ['2023-07-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers': ['2024-08-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers/administrators': ['2024-08-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers/configurations': ['2024-08-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers/databases': ['2024-08-01'],
  'Microsoft.DBforPostgreSQL/flexibleServers/virtualendpoints': ['2024-08-01'],
  'Microsoft.Cdn/profiles': ['2024-09-01'],
  'Microsoft.Cdn/profiles/afdEndpoints': ['2024-09-01'],
  'Microsoft.Cdn/profiles/afdEndpoints/routes': ['2024-09-01'],
  'Microsoft.Cdn/profiles/originGroups': ['2024-09-01'],
  'Microsoft.Cdn/profiles/originGroups/origins': ['2024-09-01'],
  'Microsoft.Cdn/profiles/ruleSets': ['2024-09-01'],
  'Microsoft.Cdn/profiles/ruleSets/rules': ['2024-09-01'],
  'Microsoft.Cdn/profiles/securityPolicies': ['2024-09-01'],
  'Microsoft.Storage/storageAccounts': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/blobServices': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/blobServices/containers': ['2023-05-01'],
  'Microsoft.Storage/storageAccounts/managementPolicies': ['2023-05-01'],
  'Microsoft.Web/serverfarms': ['2024-04-01'],
  'Microsoft.Web/sites': ['2024-04-01'],
  'Microsoft.Communication/communicationServices': ['2026-03-18'],
  'Microsoft.Communication/emailServices': ['2026-03-18'],
  'Microsoft.Communication/emailServices/domains': ['2026-03-18'],
  'Microsoft.Network/virtualNetworks/subnets': ['2024-05-01'],
  'Microsoft.Resources/deploymentScripts': ['2023-08-01'],
};

/** A declared parameter of a Bicep file. */
interface BicepParam {
  name: string;
  hasDefault: boolean;
  decorators: string[];
}

/** What the checks need to know about one .bicep file. */
interface BicepFile {
  path: string;
  tree: Node;
  params: BicepParam[];
  resourceTypes: string[];
  modules: Array<{ path: string; params: string[] }>;
}

let parser: Parser;
const parsed = new Map<string, BicepFile>();

const unquote = (text: string) => text.replace(/^'|'$/g, '');

/** Nodes of the syntax tree that are errors or inserted by recovery. */
function syntaxErrors(node: Node): string[] {
  const here = node.type === 'ERROR' || node.isMissing ? [`${node.isMissing ? 'missing' : 'error'} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}: ${node.text.slice(0, 60)}`] : [];
  return [...here, ...node.children.filter((c): c is Node => c !== null).flatMap(syntaxErrors)];
}

function parseBicep(path: string): BicepFile {
  const cached = parsed.get(path);
  if (cached) return cached;
  const tree = parser.parse(readFileSync(path, 'utf8'))!.rootNode;
  const file: BicepFile = { path, tree, params: [], resourceTypes: [], modules: [] };
  let decorators: string[] = [];
  for (const node of tree.namedChildren.filter((n): n is Node => n !== null)) {
    if (node.type === 'decorators') {
      decorators = node.namedChildren.map((d) => d.text);
      continue;
    }
    if (node.type === 'parameter_declaration') {
      file.params.push({ name: node.namedChildren[0].text, hasDefault: node.namedChildren.length > 2, decorators });
    } else if (node.type === 'resource_declaration') {
      file.resourceTypes.push(unquote(node.namedChildren[1].text));
    } else if (node.type === 'module_declaration') {
      // A looped or conditional module (`= [for ...: {...}]`, `= if (...) {...}`) has its object inside the statement.
      let body = node.namedChildren[2];
      while (body && body.type !== 'object') body = body.namedChildren.filter((child) => child.type === 'object' || child.type.endsWith('_statement')).at(-1)!;
      const paramsObject = body.namedChildren.find((p) => p.type === 'object_property' && p.namedChildren[0].text === 'params')?.namedChildren[1];
      const keys = (paramsObject?.namedChildren ?? []).filter((p) => p.type === 'object_property').map((p) => unquote(p.namedChildren[0].text));
      file.modules.push({ path: join(dirname(path), unquote(node.namedChildren[1].text)), params: keys });
    }
    decorators = [];
  }
  parsed.set(path, file);
  return file;
}

/** A parameter that holds a secret by its name. */
const looksSecret = (name: string) => /(password|secret|key|token|connectionstring)$/i.test(name);

/** Literal strings that look like credentials (the last one: a long base64-like token mixing digits and cases). */
const secretLiterals = [/AccountKey=/i, /SharedAccessKey=/i, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /password\s*=\s*'[^']+'/i, /sig=[A-Za-z0-9%]{20,}/, /'(?=[A-Za-z0-9+/]*\d)(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[a-z])[A-Za-z0-9+/]{40,}={0,2}'/];

beforeAll(async () => {
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
  parser = new Parser();
  parser.setLanguage(language);
});

describe('bicep', () => {
  test('when every template is parsed, then there is no syntax error', () => {
    expect(bicepFiles.length).toBeGreaterThan(10);
    for (const path of bicepFiles) expect({ file: rel(path), errors: syntaxErrors(parseBicep(path).tree) }).toEqual({ file: rel(path), errors: [] });
  });

  test('when a module is used, then its file exists, every parameter passed is declared and every required one is passed', () => {
    for (const path of bicepFiles) {
      for (const module of parseBicep(path).modules) {
        expect(existsSync(module.path)).toBe(true);
        const declared = parseBicep(module.path).params;
        for (const passed of module.params) expect({ module: rel(module.path), param: passed, declared: declared.some((p) => p.name === passed) }).toMatchObject({ declared: true });
        for (const required of declared.filter((p) => !p.hasDefault)) expect({ module: rel(module.path), required: required.name, passed: module.params.includes(required.name) }).toMatchObject({ passed: true });
      }
    }
  });

  test('when a resource is declared, then its type and API version are in the reviewed list', () => {
    for (const path of bicepFiles) {
      for (const typeAndVersion of parseBicep(path).resourceTypes) {
        const [type, version] = typeAndVersion.split('@');
        expect({ file: rel(path), type, version, known: (knownApiVersions[type] ?? []).includes(version) }).toMatchObject({ known: true });
      }
    }
  });

  test('when a parameter is declared, then it is described as Required/Optional, used, and @secure() if it holds a secret', () => {
    for (const path of bicepFiles) {
      const file = parseBicep(path);
      const source = readFileSync(path, 'utf8');
      for (const param of file.params) {
        const where = `${rel(path)} param ${param.name}`;
        expect({ where, described: param.decorators.some((d) => /^@description\('(Required|Optional)\. /.test(d)) }).toMatchObject({ described: true });
        if (looksSecret(param.name)) expect({ where, secure: param.decorators.includes('@secure()') }).toMatchObject({ secure: true });
        const mentions = source.split(new RegExp(`\\b${param.name}\\b`)).length - 1;
        expect({ where, usedBeyondItsDeclaration: mentions > 1 }).toMatchObject({ usedBeyondItsDeclaration: true });
      }
      expect(source).toMatch(/^output (name|resourceId|location) /m);
    }
  });

  test('when templates and parameter files are read, then no literal looks like a secret', () => {
    const hits = [...bicepFiles, ...paramFiles].flatMap((path) => {
      const source = readFileSync(path, 'utf8');
      return secretLiterals.filter((pattern) => pattern.test(source)).map((pattern) => `${rel(path)}: ${source.match(pattern)![0]}`);
    });
    expect(hits).toEqual([]);
  });

  // tree-sitter-bicep parses `using` but not `param name = value` assignments, so each assignment is checked as the
  // equivalent `var name = value` declaration (same expression grammar) and its name against the template.
  test.each(paramFiles.map((f) => [rel(f), f]))('when %s is used, then it parses, targets main.bicep, and sets only declared parameters (all the required ones)', (_name, path) => {
    const source = readFileSync(path, 'utf8');
    const using = /^using '([^']+)'$/m.exec(source);
    expect(using?.[1]).toBe('main.bicep');
    const target = parseBicep(join(dirname(path), using![1]));
    const asVars = source.replace(/^param (\w+) =/gm, 'var $1 =');
    expect(syntaxErrors(parser.parse(asVars)!.rootNode)).toEqual([]);
    const assigned = [...source.matchAll(/^param (\w+) =/gm)].map((m) => m[1]);
    for (const name of assigned) expect({ param: name, declared: target.params.some((p) => p.name === name) }).toMatchObject({ declared: true });
    for (const required of target.params.filter((p) => !p.hasDefault)) expect(assigned).toContain(required.name);
    for (const name of assigned.filter(looksSecret)) expect(source).toMatch(new RegExp(`^param ${name} = readEnvironmentVariable\\(`, 'm'));
  });

  test('when Service Bus is provisioned, then every topic of Topics exists with its dead-letter topic and the Dapr consumers have their subscription', () => {
    const main = readFileSync(join(bicepDir, 'main.bicep'), 'utf8');
    const topicsBlock = /var topics = \[([^\]]*)\]/.exec(main)![1];
    // The broadcast topics are Redis Streams (a consumer group per pod), not Service Bus topics.
    expect([...topicsBlock.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort()).toEqual(Object.values(Topics).filter((topic) => !broadcastTopics.includes(topic)).sort());
    expect(readFileSync(join(bicepDir, 'modules', 'service-bus.bicep'), 'utf8')).toContain("map(topics, topic => '${topic}.deadletter')");
    // The shop-pubsub Subscriptions: those of every release (subscriptions.yaml) and those the chart renders in a
    // single-region release (the cart's cart-orders). Each one's app id is a Bicep subscription of its topic.
    const singleRegionSubscriptions = renderShopForAks().filter((o) => o.kind === 'Subscription');
    expect(singleRegionSubscriptions.map((s) => s.metadata.name)).toEqual(['cart-orders']);
    const pubsubScopes = [...yamlDocuments(join(repoRoot, 'dapr-components', 'azure', 'subscriptions.yaml')), ...singleRegionSubscriptions] as Array<{ spec: { topic: string; pubsubname: string }; scopes: string[] }>;
    for (const s of pubsubScopes.filter((subscription) => subscription.spec.pubsubname === Components.pubsub)) expect(main).toMatch(new RegExp(`topic: '${s.spec.topic}'\\s+name: '${s.scopes[0]}'`));
    for (const topic of [Topics.products, Topics.orders, Topics.carts, Topics.users]) expect(main).toMatch(new RegExp(`topic: '${topic}'\\s+name: 'functions'`));
    // The regional pub/sub's Subscriptions (rendered by charts/shop for a release with a region code): their topic is a
    // Service Bus topic of Bicep, and their subscription, the component's consumerID {appID}-<code> resolved for the
    // Subscription's app, is one Bicep creates on that topic for every region of the parameter files (regionalConsumers).
    const regionalConsumers = [.../var regionalConsumers = \[([\s\S]*?)\n\]/.exec(main)![1].matchAll(/appId: '([^']+)'\s+topic: '([^']+)'/g)].map((m) => `${m[1]} on ${m[2]}`);
    expect(regionalConsumers.sort()).toEqual(['cart on orders', 'catalog on inventory', 'catalog on products']);
    expect(main).toMatch(/map\(regionalConsumers, consumer => map\(regions, region => \{\s+topic: consumer\.topic\s+name: '\$\{consumer\.appId\}-\$\{region\.code\}'/);
    const codes = [...readFileSync(join(bicepDir, 'main.prod-3regions.bicepparam'), 'utf8').matchAll(/code: '([^']+)'/g)].map((m) => m[1]);
    for (const location of ['westeurope', 'northeurope', 'francecentral']) {
      const rendered = renderShopForAks(exampleAksEnvironment, ['-f', `charts/shop/values-region-${location}.yaml`, '--api-versions', 'dapr.io/v1alpha1', '--api-versions', 'azmonitoring.coreos.com/v1/PodMonitor']);
      const component = rendered.find((o) => o.kind === 'Component' && o.metadata.name === Components.regionalPubsub)!;
      const consumerID = (component.spec.metadata as Array<{ name: string; value: string }>).find((m) => m.name === 'consumerID')!.value;
      const code = /^\{appID\}-(.+)$/.exec(consumerID)![1];
      expect(codes).toContain(code);
      const regionalSubscriptions = rendered.filter((o) => o.kind === 'Subscription' && o.spec.pubsubname === Components.regionalPubsub);
      for (const subscription of regionalSubscriptions) {
        expect(topicsBlock).toContain(`'${subscription.spec.topic}'`);
        expect(subscription.scopes).toHaveLength(1);
        expect(component.scopes).toContain(subscription.scopes![0]);
      }
      expect(regionalSubscriptions.map((sub) => `${sub.scopes![0]} on ${sub.spec.topic}`).sort()).toEqual([...regionalConsumers].sort());
    }
  });

  test('when identities are federated, then the subjects are the chart service accounts in the chart namespace', () => {
    const main = readFileSync(join(bicepDir, 'main.bicep'), 'utf8');
    expect(main).toContain("param kubernetesNamespace string = 'shop'");
    expect(main).toContain("param helmReleaseName string = 'shop'");
    expect(main).toContain("serviceAccount: '${helmReleaseName}-${appId}'");
    const [skaffold] = yamlDocuments(join(repoRoot, 'skaffold.yaml'));
    expect(skaffold.deploy.helm.releases[0]).toMatchObject({ name: 'shop', namespace: 'shop' });
  });

  test('when the chart limits traffic by CIDR, then the CIDRs are the subnets Bicep creates', () => {
    const network = readFileSync(join(bicepDir, 'modules', 'network.bicep'), 'utf8');
    const subnet = (name: string) => new RegExp(`^  ${name}: '([^']+)'`, 'm').exec(network)![1];
    const [values] = yamlDocuments(join(repoRoot, 'charts', 'shop', 'values.yaml'));
    const [prod] = yamlDocuments(join(repoRoot, 'charts', 'shop', 'values-prod.yaml'));
    expect(prod.networkPolicy.ingressFromCidrs).toEqual([subnet('appGateway')]);
    const egress = values.networkPolicy.egress as Array<{ name: string; cidrs: string[] }>;
    expect(egress.find((e) => e.name.startsWith('postgres'))!.cidrs).toEqual([subnet('postgres')]);
    expect(egress.find((e) => e.name.startsWith('service bus'))!.cidrs).toEqual([subnet('privateEndpoints')]);
  });
});

/**
 * Azure's published resource types, as the shared type checker reads them (`../shared/tools/check-bicep-types.mjs`,
 * with the subset of bicep-types-az in `../shared/schemas`). Neither is part of this repository: a clone without the
 * folder beside it says so in the suite's title and skips, as the other suites on `../shared` do.
 */
const bicepTypeChecker = join(repoRoot, '..', 'shared', 'tools', 'check-bicep-types.mjs');
describeWhenPresent(bicepTypeChecker, "bicep against Azure's resource type definitions", () => {
  test('when every template is checked against bicep-types-az, then every type, API version and property exists and no literal breaks its type', () => {
    const run = spawnSync(process.execPath, [bicepTypeChecker, '--root', repoRoot, '--json'], { encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(run.stdout) as { findings: Array<{ level: string; file: string; line: number; message: string }> };
    const errors = report.findings.filter((finding) => finding.level === 'error').map((finding) => `${finding.file}:${finding.line} ${finding.message}`);
    expect(errors).toEqual([]);
    expect(run.status).toBe(0);
  }, 150_000);
});

describe('bicep: what the Functions app may do on Service Bus', () => {
  test('when the supplier sync publishes its batches, then the Functions identity holds Azure Service Bus Data Sender on exactly the topic it sends to', () => {
    const main = readFileSync(join(bicepDir, 'main.bicep'), 'utf8');
    const publisher = readFileSync(join(repoRoot, 'functions', 'src', 'sync', 'service-bus-batch-publisher.ts'), 'utf8');
    expect(publisher).toContain('createSender(Topics.catalogSync)');
    const functionsRoles = [...main.matchAll(/principalId: functions\.outputs\.principalId\s+role: '(sender|receiver)'\s+topics: \[([^\]]*)\]/g)].map((match) => ({
      role: match[1],
      topics: [...match[2].matchAll(/'([^']+)'/g)].map((topic) => topic[1]),
    }));
    expect(functionsRoles).toContainEqual({ role: 'sender', topics: [Topics.catalogSync] });
    expect(functionsRoles.filter((assignment) => assignment.role === 'sender')).toHaveLength(1);
  });
});

describe('bicep: zones', () => {
  test('when Redis is deployed with fewer replicas than zones, then it asks for one zone per node (Azure refuses more zones than nodes)', () => {
    const redis = readFileSync(join(bicepDir, 'modules', 'redis.bicep'), 'utf8');
    expect(redis).toContain("zones: take(['1', '2', '3'], replicasPerPrimary + 1)");
    expect(redis).not.toMatch(/^param zones/m);
    const main = readFileSync(join(bicepDir, 'main.bicep'), 'utf8');
    expect(main).toContain("replicasPerPrimary: environmentName == 'prod' ? 2 : 1");
  });

  test('when read replicas are deployed, then none of them sits in the primary\'s zone', () => {
    const postgres = readFileSync(join(bicepDir, 'modules', 'postgres.bicep'), 'utf8');
    const primaryZone = /^var primaryZone = '(\d)'/m.exec(postgres)![1];
    const replicaZones = [.../^var replicaZones = \[([^\]]*)\]/m.exec(postgres)![1].matchAll(/'(\d)'/g)].map((zone) => zone[1]);
    expect(postgres).toContain('availabilityZone: primaryZone');
    expect(postgres).toContain('availabilityZone: replicaZones[i % length(replicaZones)]');
    expect(replicaZones.length).toBeGreaterThan(0);
    expect(replicaZones).not.toContain(primaryZone);
  });
});

describe('bicep: who administers the cluster and the database', () => {
  const nilGuid = '00000000-0000-0000-0000-000000000000';

  test('when a parameter file is deployed, then the AKS and PostgreSQL admin groups come from the environment with no default, never a nil GUID', () => {
    for (const file of paramFiles) {
      const text = readFileSync(file, 'utf8');
      expect({ file: rel(file), hasNilGuid: text.includes(nilGuid) }).toEqual({ file: rel(file), hasNilGuid: false });
      expect(text).toMatch(/param aksAdminGroupObjectIds = \[\s*readEnvironmentVariable\('SHOP_AKS_ADMIN_GROUP_ID'\)\s*\]/);
      expect(text).toContain("objectId: readEnvironmentVariable('SHOP_POSTGRES_ADMIN_GROUP_ID')");
    }
    const main = readFileSync(join(bicepDir, 'main.bicep'), 'utf8');
    expect(main).toMatch(/@minLength\(1\)\s+param aksAdminGroupObjectIds string\[\]\n/);
  });

  test('when the cluster has local accounts off, then each admin group holds Azure Kubernetes Service RBAC Cluster Admin on the cluster itself', () => {
    const aks = readFileSync(join(bicepDir, 'modules', 'aks.bicep'), 'utf8');
    expect(aks).toContain('disableLocalAccounts: true');
    expect(aks).toContain("clusterAdmin: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b'");
    const assignment = /resource adminGroupsClusterAdmin 'Microsoft\.Authorization\/roleAssignments@[^']+' = \[\s*for groupId in adminGroupObjectIds: \{([\s\S]*?)\n\]/.exec(aks)?.[1] ?? '';
    expect(assignment).toContain('scope: aks');
    expect(assignment).toContain('principalId: groupId');
    expect(assignment).toContain("principalType: 'Group'");
    expect(assignment).toContain('roleIds.clusterAdmin');
  });
});

describe('bicep: one runtime and current rule sets', () => {
  test('when the Functions app and the services run in Azure, then they run the same Node.js major', () => {
    const dockerNodeMajor = /^ARG NODE_IMAGE=node:(\d+)\./m.exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'))![1];
    const functions = readFileSync(join(bicepDir, 'modules', 'functions.bicep'), 'utf8');
    const functionsNodeMajor = /runtime: \{[^}]*name: 'node'\s+version: '(\d+)'/.exec(functions)![1];
    expect(functionsNodeMajor).toBe(dockerNodeMajor);
  });

  test('when a WAF policy filters requests, then it runs Microsoft\'s Default Rule Set 2.1, on Front Door and on the Application Gateway alike', () => {
    for (const module of ['front-door.bicep', 'app-gateway.bicep']) {
      const text = readFileSync(join(bicepDir, 'modules', module), 'utf8');
      expect({ module, drs21: /ruleSetType: 'Microsoft_DefaultRuleSet'\s+ruleSetVersion: '2\.1'/.test(text), owasp: text.includes("ruleSetType: 'OWASP'") }).toEqual({ module, drs21: true, owasp: false });
    }
  });
});
