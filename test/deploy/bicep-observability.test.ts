import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder, repoRoot, yamlDocuments } from './deploy-support';

// What makes the deployment watched: managed Prometheus into an Azure Monitor workspace, Grafana on it, Container
// Insights with its data collection rule, the repository's rules file as Azure Monitor rule groups, diagnostics of
// every resource on the request path. Read from the templates' text (bicep.test.ts and the shared type checker prove
// the resource types and property names against Azure's schemas).
const bicepDir = join(repoRoot, 'bicep');
const read = (...path: string[]) => readFileSync(join(bicepDir, ...path), 'utf8');
const observability = read('modules', 'observability.bicep');
const diagnostics = read('modules', 'diagnostics.bicep');
const main = read('main.bicep');
const rulesFile = join(repoRoot, 'observability', 'prometheus', 'rules.yaml');

/** The text of the top-level declaration `resource|module <name> ...` up to the next top-level declaration. */
function declaration(source: string, name: string): string {
  const start = source.search(new RegExp(`^(resource|module) ${name} `, 'm'));
  if (start < 0) throw new Error(`no declaration ${name}`);
  const rest = source.slice(start + 1);
  const next = rest.search(/^(resource|module|output|param|var|type|@description)\b/m);
  return next < 0 ? source.slice(start) : source.slice(start, start + 1 + next);
}

interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
}
const rules = yamlDocuments(rulesFile)[0] as { groups: Array<{ name: string; interval?: string; rules: PrometheusRule[] }> };

describe('bicep observability: managed Prometheus, Grafana, Container Insights', () => {
  test('when the cluster runs, then managed Prometheus is on and writes to the workspace through an endpoint and a rule associated with the cluster', () => {
    expect(read('modules', 'aks.bicep')).toMatch(/azureMonitorProfile: \{\s*metrics: \{\s*enabled: true/);
    const rule = declaration(observability, 'prometheusRule');
    expect(rule).toMatch(/prometheusForwarder/);
    expect(rule).toMatch(/monitoringAccounts: \[\s*\{\s*name: 'MonitoringAccount'\s*accountResourceId: monitorWorkspace\.id/);
    expect(rule).toMatch(/dataCollectionEndpointId: prometheusEndpoint\.id/);
    // The addon finds its configuration through the endpoint association of this exact name.
    expect(declaration(observability, 'prometheusEndpointAssociation')).toMatch(/name: 'configurationAccessEndpoint'\s*scope: aks/);
    expect(declaration(observability, 'prometheusRuleAssociation')).toMatch(/scope: aks\s*properties: \{\s*dataCollectionRuleId: prometheusRule\.id/);
  });

  test('when Container Insights signs in with Entra ID, then a data collection rule of its extension is associated with the cluster (without one it collects nothing)', () => {
    expect(read('modules', 'aks.bicep')).toMatch(/omsagent: \{[\s\S]*?useAADAuth: 'true'/);
    const rule = declaration(observability, 'containerInsightsRule');
    expect(rule).toMatch(/extensionName: 'ContainerInsights'/);
    expect(rule).toMatch(/workspaceResourceId: logAnalyticsWorkspaceId/);
    expect(declaration(observability, 'containerInsightsAssociation')).toMatch(/name: 'ContainerInsightsExtension'\s*scope: aks\s*properties: \{\s*dataCollectionRuleId: containerInsightsRule\.id/);
  });

  test('when operators open Grafana, then it reads the workspace as its own identity, the operators\' group administers it, and no role reaches beyond one resource', () => {
    expect(declaration(observability, 'grafana')).toMatch(/azureMonitorWorkspaceIntegrations: \[\s*\{\s*azureMonitorWorkspaceResourceId: monitorWorkspace\.id/);
    expect(declaration(observability, 'grafana')).toMatch(/apiKey: 'Disabled'/);
    expect(declaration(observability, 'operatorsGrafanaAdmin')).toMatch(/scope: grafana[\s\S]*roleIds\.grafanaAdmin[\s\S]*principalId: operatorsGroupObjectId\s*principalType: 'Group'/);
    expect(declaration(observability, 'grafanaReadsPrometheus')).toMatch(/scope: monitorWorkspace[\s\S]*roleIds\.monitoringDataReader[\s\S]*principalId: grafana\.identity\.principalId/);
    const assignments = [...observability.matchAll(/^resource (\w+) 'Microsoft\.Authorization\/roleAssignments@[^']+' = \{/gm)].map((m) => m[1]);
    expect(assignments.length).toBe(2);
    for (const name of assignments) expect(declaration(observability, name)).toMatch(/^\s*scope: \w+$/m);
  });

  test('when a deployment is built, then the operators\' group and the alert addresses come from the environment with no default', () => {
    expect(main).toMatch(/@minLength\(36\)\s*param operatorsGroupObjectId string\n/);
    expect(main).toMatch(/@minLength\(1\)\s*param alertEmailAddresses string\[\]\n/);
    for (const file of filesUnder(bicepDir, ['.bicepparam'])) {
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/param operatorsGroupObjectId = readEnvironmentVariable\('SHOP_OPERATORS_GROUP_ID'\)\n/);
      expect(text).toMatch(/param alertEmailAddresses = split\(readEnvironmentVariable\('SHOP_ALERT_EMAILS'\), ','\)\n/);
    }
    expect(declaration(main, 'observability')).toMatch(/operatorsGroupObjectId: operatorsGroupObjectId[\s\S]*alertEmailAddresses: alertEmailAddresses/);
  });
});

describe('bicep observability: the rules file as Azure Monitor rule groups', () => {
  test('when Bicep loads the rules, then it reads the very file promtool tests, and makes one rule group per group of it, scoped to the workspace and the cluster', () => {
    const loaded = /loadYamlContent\('([^']+)'\)/.exec(observability)?.[1];
    expect(loaded && join(bicepDir, 'modules', loaded)).toBe(rulesFile);
    const groups = declaration(observability, 'ruleGroups');
    expect(groups).toMatch(/for group in prometheusRules\.groups:/);
    expect(groups).toMatch(/scopes: \[\s*monitorWorkspace\.id\s*aks\.id\s*\]/);
    expect(groups).toMatch(/clusterName: aks\.name/);
    expect(groups).toMatch(/expression: rule\.expr/);
    expect(groups).toMatch(/actionGroupId: alerts\.id/);
    expect(rules.groups.length).toBeGreaterThan(0);
  });

  test('when a duration of the rules file becomes ISO 8601 (PT + upper case), then it is valid: seconds, minutes or hours only', () => {
    expect(observability).toMatch(/'PT\$\{toUpper\(group\.\?interval \?\? '1m'\)\}'/);
    expect(observability).toMatch(/'PT\$\{toUpper\(rule\.\?for \?\? '0m'\)\}'/);
    // Prometheus also allows 1d or 1h30m; 'PT1D' is not ISO 8601, so the file keeps to one unit of s, m or h.
    for (const group of rules.groups) {
      if (group.interval) expect(group.interval).toMatch(/^\d+[smh]$/);
      for (const rule of group.rules) if (rule.for) expect(`${rule.alert}: ${rule.for}`).toMatch(/: \d+[smh]$/);
    }
  });

  test('when an alert has a severity label, then Bicep maps it to an Azure Monitor severity', () => {
    const block = /var severityOfLabel = \{([^}]*)\}/.exec(observability)![1];
    const known = [...block.matchAll(/^\s*(\w+): \d$/gm)].map((m) => m[1]);
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) expect(known).toContain(alert.labels?.severity ?? 'warning');
  });

  test('when a rule group is named, then the Azure name (prefix + group) stays within the 260-character, no-slash rule of the resource type', () => {
    for (const group of rules.groups) expect(`shop-prod-${group.name}`).toMatch(/^[A-Za-z0-9_.-]{1,260}$/);
  });

  test('when an alert fires, then the action group e-mails every address and calls the webhook only when one is set', () => {
    const alerts = declaration(observability, 'alerts');
    expect(alerts).toMatch(/for \(address, i\) in alertEmailAddresses:/);
    expect(alerts).toMatch(/webhookReceivers: empty\(alertWebhookUrl\)\s*\? \[\]/);
    expect(main).toMatch(/@secure\(\)\s*param alertWebhookUrl string = ''/);
  });

  test('when read replicas exist, then each has a replica-lag metric alert (a platform metric, not Prometheus)', () => {
    expect(declaration(observability, 'replicaLag')).toMatch(/for \(name, i\) in postgresReplicaNames:[\s\S]*metricName: 'physical_replication_delay_in_seconds'/);
    expect(declaration(main, 'observability')).toMatch(/postgresReplicaNames: postgres\.outputs\.replicaNames/);
  });
});

describe('bicep observability: diagnostics and dashboards', () => {
  test('when a resource of a watched kind is created anywhere in the templates, then its logs and metrics go to Log Analytics', () => {
    const watchedTypes = ['Microsoft.Cdn/profiles', 'Microsoft.Network/applicationGateways', 'Microsoft.ContainerService/managedClusters', 'Microsoft.DBforPostgreSQL/flexibleServers', 'Microsoft.ServiceBus/namespaces', 'Microsoft.Cache/redis', 'Microsoft.KeyVault/vaults', 'Microsoft.Web/sites'];
    for (const type of watchedTypes) {
      const watched = [...diagnostics.matchAll(new RegExp(`^resource (\\w+) '${type.replace(/[./]/g, '\\$&')}@[^']+' existing = \\{`, 'gm'))].map((m) => m[1]);
      expect(`${type}: ${watched.length}`).toBe(`${type}: 1`);
      expect(diagnostics).toMatch(new RegExp(`'Microsoft\\.Insights/diagnosticSettings@[^']+' = \\{\\s*name: '[^']+'\\s*scope: ${watched[0]}\\n`));
    }
    const names = /type diagnosticsTargetsType = \{([\s\S]*?)\n\}/.exec(diagnostics)![1];
    const keys = [...names.matchAll(/^\s*(\w+): string$/gm)].map((m) => m[1]);
    const passed = declaration(main, 'diagnostics');
    for (const key of keys) expect(passed).toMatch(new RegExp(`^\\s*${key}: \\w+\\.outputs\\.name$`, 'm'));
  });

  test('when the dashboards are provisioned, then the import script imports every file of the folder, and each takes its data source from a variable', () => {
    const script = readFileSync(join(repoRoot, 'scripts', 'import-dashboards.sh'), 'utf8');
    expect(script).toMatch(/dashboards_dir=\$\(dirname "\$0"\)\/\.\.\/observability\/grafana\/dashboards/);
    expect(script).toMatch(/for dashboard in "\$dashboards_dir"\/\*\.json; do\s*az grafana dashboard import/);
    const dir = join(repoRoot, 'observability', 'grafana', 'dashboards');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      // A hard-coded data source uid would exist on the machine it was exported from, not in Managed Grafana.
      const uids = [...text.matchAll(/"datasource":\s*\{\s*"type":\s*"prometheus",\s*"uid":\s*"([^"]*)"/g)].map((m) => m[1]);
      expect(uids.length).toBeGreaterThan(0);
      expect(`${file}: ${[...new Set(uids)].join(',')}`).toBe(`${file}: \${datasource}`);
    }
  });
});
