import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWhenPresent, filesUnder, repoRoot, yamlDocuments } from './deploy-support';

// What makes the deployment watched: managed Prometheus into an Azure Monitor workspace, Grafana on it, Container
// Insights with its data collection rule, the repository's rules file as Azure Monitor rule groups, diagnostics of
// every resource on the request path, the dashboards imported. Read from the templates' text (bicep.test.ts and the
// shared type checker prove the resource types and property names against Azure's schemas); the dashboards' import
// script is run against a stand-in `az`.
const bicepDir = join(repoRoot, 'bicep');
const read = (...path: string[]) => readFileSync(join(bicepDir, ...path), 'utf8');
const observability = read('modules', 'observability.bicep');
const diagnostics = read('modules', 'diagnostics.bicep');
const aks = read('modules', 'aks.bicep');
const main = read('main.bicep');
const rulesFile = join(repoRoot, 'observability', 'prometheus', 'rules.yaml');
const dashboardsDir = join(repoRoot, 'observability', 'grafana', 'dashboards');
const importScript = join(repoRoot, 'scripts', 'import-dashboards.sh');

/** The text of the top-level declaration `resource|module <name> ...` up to the next top-level statement. */
function declaration(source: string, name: string): string {
  const start = source.search(new RegExp(`^(resource|module) ${name} `, 'm'));
  if (start < 0) throw new Error(`no declaration ${name}`);
  const rest = source.slice(start + 1);
  const next = rest.search(/^(resource|module|output|param|var|type|@description|\/\/)/m);
  return next < 0 ? source.slice(start) : source.slice(start, start + 1 + next);
}

/** Names of the top-level resources of a type (any API version), `existing` ones or declared ones. */
function resourcesOfType(source: string, type: string, existing: boolean): string[] {
  const pattern = new RegExp(`^resource (\\w+) '${type.replace(/[./]/g, '\\$&')}@[^']+'( existing)? = `, 'gm');
  return [...source.matchAll(pattern)].filter((m) => Boolean(m[2]) === existing).map((m) => m[1]);
}

interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}
const rules = yamlDocuments(rulesFile)[0] as { groups: Array<{ name: string; interval?: string; rules: PrometheusRule[] }> };

/** What observability.bicep makes of a Prometheus duration: 'PT' + the duration in upper case (2m -> PT2M). */
const isoDuration = (duration: string) => `PT${duration.toUpperCase()}`;

/** Minutes of an ISO 8601 time-only duration (PT1H30M), or NaN when the text is not one. */
function minutesOf(iso: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso);
  if (!match || iso === 'PT') return Number.NaN;
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) + Number(match[3] ?? 0) / 60;
}

describe('bicep observability: managed Prometheus, Grafana, Container Insights', () => {
  test('when the cluster runs, then managed Prometheus (kube-state-metrics included) writes to the workspace through an endpoint and a rule associated with the cluster', () => {
    expect(aks).toMatch(/azureMonitorProfile: \{\s*metrics: \{\s*enabled: true\s*kubeStateMetrics: \{/);
    const rule = declaration(observability, 'prometheusRule');
    expect(rule).toMatch(/prometheusForwarder: \[\s*\{\s*name: 'PrometheusDataSource'\s*streams: \[\s*'Microsoft-PrometheusMetrics'\s*\]/);
    expect(rule).toMatch(/monitoringAccounts: \[\s*\{\s*name: 'MonitoringAccount'\s*accountResourceId: monitorWorkspace\.id/);
    expect(rule).toMatch(/dataFlows: \[\s*\{\s*streams: \[\s*'Microsoft-PrometheusMetrics'\s*\]\s*destinations: \[\s*'MonitoringAccount'\s*\]/);
    expect(rule).toMatch(/dataCollectionEndpointId: prometheusEndpoint\.id/);
    // The addon finds its configuration through the endpoint association of this exact name.
    expect(declaration(observability, 'prometheusEndpointAssociation')).toMatch(/name: 'configurationAccessEndpoint'\s*scope: aks\s*properties: \{\s*dataCollectionEndpointId: prometheusEndpoint\.id/);
    expect(declaration(observability, 'prometheusRuleAssociation')).toMatch(/scope: aks\s*properties: \{\s*dataCollectionRuleId: prometheusRule\.id/);
    expect(declaration(observability, 'aks')).toMatch(/existing = \{\s*name: aksName\s*\}/);
    expect(declaration(main, 'observability')).toMatch(/aksName: aks\.outputs\.name/);
  });

  test('when Container Insights signs in with Entra ID, then a data collection rule of its extension sends its streams to the workspace and is associated with the cluster', () => {
    expect(aks).toMatch(/omsagent: \{\s*enabled: true\s*config: \{\s*logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceId\s*useAADAuth: 'true'/);
    const rule = declaration(observability, 'containerInsightsRule');
    expect(rule).toMatch(/extensionName: 'ContainerInsights'\s*streams: \[\s*'Microsoft-ContainerInsights-Group-Default'\s*\]/);
    expect(rule).toMatch(/logAnalytics: \[\s*\{\s*name: 'ContainerInsightsWorkspace'\s*workspaceResourceId: logAnalyticsWorkspaceId/);
    expect(rule).toMatch(/dataFlows: \[\s*\{\s*streams: \[\s*'Microsoft-ContainerInsights-Group-Default'\s*\]\s*destinations: \[\s*'ContainerInsightsWorkspace'\s*\]/);
    expect(declaration(observability, 'containerInsightsAssociation')).toMatch(/name: 'ContainerInsightsExtension'\s*scope: aks\s*properties: \{\s*dataCollectionRuleId: containerInsightsRule\.id/);
    // The agent and the rule write to the same workspace.
    expect(declaration(main, 'aks')).toMatch(/logAnalyticsWorkspaceId: monitoring\.outputs\.resourceId/);
    expect(declaration(main, 'observability')).toMatch(/logAnalyticsWorkspaceId: monitoring\.outputs\.resourceId/);
  });

  test('when operators open Grafana, then it is linked to the workspace, signs in with Entra ID only, and its roles are exactly: Grafana Admin for the operators on it, Monitoring Data Reader on the Monitor workspace and Monitoring Reader on the Log Analytics workspace for its identity', () => {
    const grafana = declaration(observability, 'grafana');
    expect(grafana).toMatch(/azureMonitorWorkspaceIntegrations: \[\s*\{\s*azureMonitorWorkspaceResourceId: monitorWorkspace\.id/);
    expect(grafana).toMatch(/identity: \{\s*type: 'SystemAssigned'/);
    expect(grafana).toMatch(/apiKey: 'Disabled'/);
    // Built-in role ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
    expect(observability).toContain("grafanaAdmin: '22926164-76b3-42b3-bc55-97df8dab3e41'");
    expect(observability).toContain("monitoringDataReader: 'b0d8363b-8ddd-447d-831f-62ca05bff136'");
    expect(observability).toContain("monitoringReader: '43d0d8ad-25c7-4714-9337-8ba259a9fe05'");
    const assignments = resourcesOfType(observability, 'Microsoft.Authorization/roleAssignments', false).map((name) => {
      const text = declaration(observability, name);
      return {
        role: /roleIds\.(\w+)\)/.exec(text)?.[1],
        scope: /^\s*scope: (\w+)$/m.exec(text)?.[1],
        principal: /principalId: ([\w.]+)/.exec(text)?.[1],
        principalType: /principalType: '(\w+)'/.exec(text)?.[1],
      };
    });
    expect(assignments).toEqual(
      expect.arrayContaining([
        { role: 'grafanaAdmin', scope: 'grafana', principal: 'operatorsGroupObjectId', principalType: 'Group' },
        { role: 'monitoringDataReader', scope: 'monitorWorkspace', principal: 'grafana.identity.principalId', principalType: 'ServicePrincipal' },
        { role: 'monitoringReader', scope: 'logAnalytics', principal: 'grafana.identity.principalId', principalType: 'ServicePrincipal' },
      ]),
    );
    expect(assignments).toHaveLength(3);
    expect(declaration(observability, 'logAnalytics')).toMatch(/'Microsoft\.OperationalInsights\/workspaces@[^']+' existing = \{\s*name: last\(split\(logAnalyticsWorkspaceId, '\/'\)\)/);
    expect(observability).not.toMatch(/targetScope|scope: (subscription|tenant|managementGroup)\(/);
  });

  test('when a deployment is built, then the operators\' group and the alert addresses come from the environment with no default', () => {
    expect(main).toMatch(/@minLength\(36\)\s*param operatorsGroupObjectId string\n/);
    expect(main).toMatch(/@minLength\(1\)\s*param alertEmailAddresses string\[\]\n/);
    const paramFiles = filesUnder(bicepDir, ['.bicepparam']);
    // dev, prod, and prod in two and three regions (docs/regions.md).
    expect(paramFiles.map((file) => file.slice(bicepDir.length + 1)).sort()).toEqual(['main.dev.bicepparam', 'main.prod-2regions.bicepparam', 'main.prod-3regions.bicepparam', 'main.prod.bicepparam']);
    for (const file of paramFiles) {
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/^param operatorsGroupObjectId = readEnvironmentVariable\('SHOP_OPERATORS_GROUP_ID'\)$/m);
      expect(text).toMatch(/^param alertEmailAddresses = split\(readEnvironmentVariable\('SHOP_ALERT_EMAILS'\), ','\)$/m);
      expect(text).toMatch(/^param alertWebhookUrl = readEnvironmentVariable\('SHOP_ALERT_WEBHOOK_URL', ''\)$/m);
    }
    const passed = declaration(main, 'observability');
    for (const param of ['operatorsGroupObjectId', 'alertEmailAddresses', 'alertWebhookUrl']) expect(passed).toMatch(new RegExp(`^\\s*${param}: ${param}$`, 'm'));
  });

  test('when the deployment finishes, then its outputs give the Grafana endpoint, the workspace id and its PromQL endpoint', () => {
    expect(observability).toMatch(/^output grafanaEndpoint string = grafana\.properties\.endpoint$/m);
    expect(observability).toMatch(/^output resourceId string = monitorWorkspace\.id$/m);
    expect(observability).toMatch(/^output prometheusQueryEndpoint string = monitorWorkspace\.properties\.metrics\.prometheusQueryEndpoint$/m);
    expect(main).toMatch(/^output grafanaName string = observability\.outputs\.grafanaName$/m);
    expect(main).toMatch(/^output grafanaEndpoint string = observability\.outputs\.grafanaEndpoint$/m);
    expect(main).toMatch(/^output monitorWorkspaceId string = observability\.outputs\.resourceId$/m);
    expect(main).toMatch(/^output prometheusQueryEndpoint string = observability\.outputs\.prometheusQueryEndpoint$/m);
  });
});

describe('bicep observability: the rules file as Azure Monitor rule groups', () => {
  test('when Bicep loads the rules, then it reads the very file promtool tests, and makes one rule group per group of it, scoped to the workspace and the cluster', () => {
    const loaded = /loadYamlContent\('([^']+)'\)/.exec(observability)?.[1];
    expect(loaded && join(bicepDir, 'modules', loaded)).toBe(rulesFile);
    const groups = declaration(observability, 'ruleGroups');
    expect(groups).toMatch(/= \[\s*for group in prometheusRules\.groups: \{/);
    expect(groups).toMatch(/name: '\$\{namePrefix\}-\$\{group\.name\}'/);
    expect(groups).toMatch(/scopes: \[\s*monitorWorkspace\.id\s*aks\.id\s*\]/);
    expect(groups).toMatch(/clusterName: aks\.name/);
    expect(groups).toMatch(/rules: map\(group\.rules, rule => contains\(rule, 'record'\)/);
    expect(groups.match(/expression: rule\.expr/g)).toHaveLength(2);
    expect(groups).toMatch(/actions: \[\s*\{\s*actionGroupId: alerts\.id\s*\}\s*\]/);
    expect(rules.groups.length).toBeGreaterThan(0);
    expect(new Set(rules.groups.map((g) => g.name)).size).toBe(rules.groups.length);
  });

  test('when a duration of the rules file becomes ISO 8601, then it is a valid one, and each group\'s interval is within Azure\'s 1 to 15 minutes', () => {
    // The conversions Bicep writes, so that isoDuration above is what the deployment does.
    expect(observability).toContain("interval: 'PT${toUpper(group.?interval ?? '1m')}'");
    expect(observability).toContain("for: contains(rule, 'for') ? 'PT${toUpper(rule.for)}' : null");
    for (const group of rules.groups) {
      const interval = isoDuration(group.interval ?? '1m');
      expect({ group: group.name, interval, minutes: minutesOf(interval) }).toEqual({ group: group.name, interval, minutes: expect.any(Number) });
      expect(minutesOf(interval)).toBeGreaterThanOrEqual(1);
      expect(minutesOf(interval)).toBeLessThanOrEqual(15);
      // Prometheus also writes 1d, 1w or 500ms, which upper-cased are no ISO 8601 time durations.
      for (const rule of group.rules.filter((r) => r.for !== undefined)) expect({ alert: rule.alert, for: isoDuration(rule.for!), valid: !Number.isNaN(minutesOf(isoDuration(rule.for!))) }).toMatchObject({ valid: true });
    }
  });

  test('when a group is deployed, then it has at most 20 rules (Azure\'s limit per rule group) and each rule is either a recording or an alerting rule', () => {
    for (const group of rules.groups) {
      expect({ group: group.name, count: group.rules.length, withinLimit: group.rules.length <= 20 }).toMatchObject({ withinLimit: true });
      for (const rule of group.rules) expect({ group: group.name, rule: rule.record ?? rule.alert, kinds: [rule.record, rule.alert].filter(Boolean).length }).toMatchObject({ kinds: 1 });
    }
  });

  test('when an alert has a severity label, then Bicep maps it to an Azure Monitor severity', () => {
    const block = /var severityOfLabel = \{([^}]*)\}/.exec(observability)![1];
    const known = [...block.matchAll(/^\s*(\w+): ([0-4])$/gm)].map((m) => m[1]);
    expect(observability).toContain("severity: severityOfLabel[rule.?labels.?severity ?? 'warning']");
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect({ alert: alert.alert, severity: alert.labels?.severity ?? 'warning', known: known.includes(alert.labels?.severity ?? 'warning') }).toMatchObject({ known: true });
  });

  test('when a rule group is named, then the Azure name (prefix + group) has none of the characters the resource type forbids', () => {
    for (const environment of ['dev', 'prod']) for (const group of rules.groups) expect(`shop-${environment}-${group.name}`).toMatch(/^[^:@/#{}%&+*<>?]{1,260}$/);
  });

  test('when an alert fires, then the action group e-mails every address and calls the webhook only when one is set, and the webhook URL stays secret', () => {
    const alerts = declaration(observability, 'alerts');
    expect(alerts).toMatch(/for \(address, i\) in alertEmailAddresses: \{\s*name: 'email-\$\{i \+ 1\}'\s*emailAddress: address/);
    expect(alerts).toMatch(/webhookReceivers: empty\(alertWebhookUrl\)\s*\? \[\]\s*: \[\s*\{\s*name: 'webhook'\s*serviceUri: alertWebhookUrl/);
    // groupShortName: at most 12 characters.
    expect(alerts).toContain("groupShortName: take(replace(namePrefix, '-', ''), 12)");
    for (const source of [main, observability]) expect(source).toMatch(/@secure\(\)\s*param alertWebhookUrl string = ''/);
  });

  test('when read replicas exist, then each has a replica-lag metric alert on its own server (a platform metric, not Prometheus) that notifies the action group', () => {
    const lag = declaration(observability, 'replicaLag');
    expect(lag).toMatch(/= \[\s*for \(name, i\) in postgresReplicaNames: \{/);
    expect(lag).toMatch(/scopes: \[\s*replicas\[i\]\.id\s*\]/);
    // "Read Replica Lag" of Microsoft.DBforPostgreSQL/flexibleServers, in seconds, emitted by the replicas.
    expect(lag).toMatch(/metricNamespace: 'Microsoft\.DBforPostgreSQL\/flexibleServers'\s*metricName: 'physical_replication_delay_in_seconds'/);
    expect(lag).toMatch(/threshold: postgresReplicaLagThresholdSeconds/);
    expect(lag).toMatch(/actionGroupId: alerts\.id/);
    expect(declaration(observability, 'replicas')).toMatch(/existing = \[\s*for name in postgresReplicaNames: \{\s*name: name/);
    // The home region's same-region replicas and every regional stamp's cross-region replica.
    expect(declaration(main, 'observability')).toMatch(/postgresReplicaNames: concat\(postgres\.outputs\.replicaNames, stampReplicaNames\)/);
    expect(main).toContain('var stampReplicaNames = [for (region, i) in otherRegions: stamps[i].outputs.postgresReplicaName]');
    expect(read('modules', 'postgres.bicep')).toMatch(/^output replicaNames string\[\] = \[for i in range\(0, readReplicaCount\): replicas\[i\]\.name\]$/m);
  });
});

describe('bicep observability: diagnostics', () => {
  // diagnostics.bicep's target key -> the resource type it must name.
  const watched: Record<string, string> = {
    frontDoorProfile: 'Microsoft.Cdn/profiles',
    appGateway: 'Microsoft.Network/applicationGateways',
    aks: 'Microsoft.ContainerService/managedClusters',
    postgres: 'Microsoft.DBforPostgreSQL/flexibleServers',
    serviceBus: 'Microsoft.ServiceBus/namespaces',
    redis: 'Microsoft.Cache/redis',
    keyVault: 'Microsoft.KeyVault/vaults',
    functionsApp: 'Microsoft.Web/sites',
  };

  test('when main.bicep names a watched resource, then the name is the `name` output of the module that creates a resource of that very type', () => {
    const targets = /type diagnosticsTargetsType = \{([\s\S]*?)\n\}/.exec(diagnostics)![1];
    expect([...targets.matchAll(/^\s*(\w+): string$/gm)].map((m) => m[1]).sort()).toEqual(Object.keys(watched).sort());
    const passed = declaration(main, 'diagnostics');
    for (const [key, type] of Object.entries(watched)) {
      const moduleName = new RegExp(`^\\s*${key}: (\\w+)\\.outputs\\.name$`, 'm').exec(passed)?.[1];
      expect({ key, moduleName }).toEqual({ key, moduleName: expect.any(String) });
      const modulePath = new RegExp(`^module ${moduleName} '([^']+)'`, 'm').exec(main)![1];
      const moduleSource = readFileSync(join(bicepDir, modulePath), 'utf8');
      const resource = /^output name string = (\w+)\.name$/m.exec(moduleSource)?.[1];
      expect({ key, module: modulePath, createsNamedType: resourcesOfType(moduleSource, type, false).includes(resource ?? '') }).toMatchObject({ createsNamedType: true });
    }
  });

  test('when a watched resource is declared, then one diagnostic setting sends its logs (all, or AKS\'s chosen categories) and all its metrics to the Log Analytics workspace', () => {
    for (const [key, type] of Object.entries(watched)) {
      const existing = resourcesOfType(diagnostics, type, true);
      expect(`${type}: ${existing.length}`).toBe(`${type}: 1`);
      expect(declaration(diagnostics, existing[0])).toMatch(new RegExp(`existing = \\{\\s*name: names\\.${key}\\s*\\}`));
      const settings = resourcesOfType(diagnostics, 'Microsoft.Insights/diagnosticSettings', false).filter((name) => new RegExp(`^\\s*scope: ${existing[0]}$`, 'm').test(declaration(diagnostics, name)));
      expect(`${type}: ${settings.length}`).toBe(`${type}: 1`);
      const setting = declaration(diagnostics, settings[0]);
      if (key === 'aks') {
        expect(setting).toMatch(/workspaceId: logAnalyticsWorkspaceId/);
        expect(setting).toMatch(/for category in \['kube-audit-admin', 'kube-apiserver', 'kube-controller-manager', 'cluster-autoscaler', 'guard'\]/);
        expect(setting).toMatch(/metrics: \[\s*\{\s*category: 'AllMetrics'\s*enabled: true/);
      } else {
        expect(setting).toMatch(/properties: allLogsAndMetrics\s*\}/);
      }
    }
    const shared = /var allLogsAndMetrics = \{([\s\S]*?)\n\}/.exec(diagnostics)![1];
    expect(shared).toMatch(/workspaceId: logAnalyticsWorkspaceId/);
    expect(shared).toMatch(/logs: \[\s*\{\s*categoryGroup: 'allLogs'\s*enabled: true/);
    expect(shared).toMatch(/metrics: \[\s*\{\s*category: 'AllMetrics'\s*enabled: true/);
    expect(declaration(main, 'diagnostics')).toMatch(/logAnalyticsWorkspaceId: monitoring\.outputs\.resourceId/);
  });
});

describe('dashboards: provisioned into Managed Grafana by scripts/import-dashboards.sh', () => {
  const dashboards = readdirSync(dashboardsDir).filter((file) => file.endsWith('.json')).sort();

  /** Runs the script with a stand-in `az` that logs its arguments; `folderExists` decides what `folder show` answers. */
  function runImport(folderExists: boolean, args = ['rg-shop-prod', 'grafana-shop-prod']) {
    const dir = mkdtempSync(join(tmpdir(), 'import-dashboards-'));
    try {
      const log = join(dir, 'az.log');
      const fakeAz = join(dir, 'az');
      writeFileSync(fakeAz, `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\ncase "$*" in "grafana folder show"*) exit ${folderExists ? 0 : 3};; esac\nexit 0\n`);
      chmodSync(fakeAz, 0o755);
      const run = spawnSync('sh', [importScript, ...args], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
      let calls: string[] = [];
      try {
        calls = readFileSync(log, 'utf8').trim().split('\n');
      } catch {
        // No call at all.
      }
      return { status: run.status, stdout: run.stdout, stderr: run.stderr, calls };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('when the script runs after the deployment, then every dashboard file of the folder is imported once, overwriting, into the folder Shop it creates', () => {
    expect(dashboards.length).toBeGreaterThanOrEqual(5);
    const run = runImport(false);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.calls[0]).toBe('grafana folder show -g rg-shop-prod -n grafana-shop-prod --folder Shop');
    expect(run.calls[1]).toBe('grafana folder create -g rg-shop-prod -n grafana-shop-prod --title Shop');
    const imports = run.calls.filter((call) => call.startsWith('grafana dashboard import '));
    const imported = imports.map((call) => /--definition (\S+)$/.exec(call)![1].split('/').pop()).sort();
    expect(imported).toEqual(dashboards);
    for (const call of imports) expect(call).toMatch(/^grafana dashboard import -g rg-shop-prod -n grafana-shop-prod --folder Shop --overwrite true --definition /);
    expect(run.calls).toHaveLength(2 + dashboards.length);
  });

  test('when the folder exists already, then it is not created again; without the resource group and Grafana name, nothing is called', () => {
    const again = runImport(true);
    expect(again.status).toBe(0);
    expect(again.calls.some((call) => call.startsWith('grafana folder create'))).toBe(false);
    expect(again.calls.filter((call) => call.startsWith('grafana dashboard import'))).toHaveLength(dashboards.length);
    const usage = runImport(false, ['rg-shop-prod']);
    expect(usage.status).not.toBe(0);
    expect(usage.stderr).toMatch(/usage: scripts\/import-dashboards\.sh <resource group> <grafana name>/);
    expect(usage.calls).toEqual([]);
  });

  test('when a dashboard is imported, then it is a dashboard with a uid and title whose Prometheus queries take their data source from a variable', () => {
    for (const file of dashboards) {
      const text = readFileSync(join(dashboardsDir, file), 'utf8');
      const dashboard = JSON.parse(text) as { uid?: string; title?: string; panels?: unknown[]; id?: unknown; templating?: { list: Array<{ name: string; type: string; query: unknown }> } };
      expect({ file, uid: typeof dashboard.uid, title: typeof dashboard.title, panels: Array.isArray(dashboard.panels), id: dashboard.id ?? null }).toEqual({ file, uid: 'string', title: 'string', panels: true, id: null });
      expect(dashboard.templating?.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
      // A hard-coded data source uid would exist on the machine it was exported from, not in Managed Grafana.
      const uids = [...text.matchAll(/"datasource":\s*\{\s*"type":\s*"prometheus",\s*"uid":\s*"([^"]*)"/g)].map((m) => m[1]);
      expect(uids.length).toBeGreaterThan(0);
      expect(`${file}: ${[...new Set(uids)].join(',')}`).toBe(`${file}: \${datasource}`);
    }
    expect(new Set(dashboards.map((file) => (JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as { uid: string }).uid)).size).toBe(dashboards.length);
  });
});

const bicepTypeChecker = join(repoRoot, '..', 'shared', 'tools', 'check-bicep-types.mjs');
describeWhenPresent(bicepTypeChecker, "bicep observability against Azure's resource type definitions", () => {
  test('when the observability, diagnostics and AKS modules are checked against bicep-types-az, then there is no error', () => {
    const files = ['observability.bicep', 'diagnostics.bicep', 'aks.bicep'].map((file) => join(bicepDir, 'modules', file));
    const run = spawnSync(process.execPath, [bicepTypeChecker, '--root', repoRoot, '--json', ...files], { encoding: 'utf8', timeout: 120_000 });
    const report = JSON.parse(run.stdout) as { resources: Array<{ file: string }>; findings: Array<{ level: string; file: string; line: number; message: string }> };
    expect(new Set(report.resources.map((resource) => resource.file.split('/').pop())).size).toBe(3);
    expect(report.findings.filter((finding) => finding.level === 'error').map((finding) => `${finding.file}:${finding.line} ${finding.message}`)).toEqual([]);
    expect(run.status).toBe(0);
  }, 150_000);
});
