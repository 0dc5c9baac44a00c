import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboards, metricNamesIn, observabilityDir, ruleGroups, rulesFile } from './observability-support';

/** promtool from Debian's `prometheus` package (.ci/run installs it); absent, its checks are skipped with the reason. */
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0 ? 'promtool' : undefined;
const describeWithPromtool = promtool ? describe : describe.skip;
const testsDir = join(observabilityDir, 'prometheus', 'tests');

describeWithPromtool(`the rules file through promtool${promtool ? '' : ' (skipped: promtool is not installed; apt-get install prometheus)'}`, () => {
  it('when promtool checks the rules, then they are valid', () => {
    const output = execFileSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('when promtool runs the unit tests, then each alert fires on its synthetic trouble and stays quiet on the healthy series', () => {
    const files = readdirSync(testsDir).filter((file) => file.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const run = spawnSync('promtool', ['test', 'rules', ...files], { cwd: testsDir, encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/FAILED/);
    expect(run.status).toBe(0);
  });

  it('when every alert of the rules file is listed, then each one is exercised by a promtool unit test', () => {
    const tested = readdirSync(testsDir).map((file) => readFileSync(join(testsDir, file), 'utf8')).join('\n');
    const alerts = ruleGroups().flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    expect(alerts.filter((alert) => !tested.includes(`alertname: ${alert}\n`))).toEqual([]);
  });
});

describe('the rules file as Bicep and Alertmanager read it', () => {
  const groups = ruleGroups();
  const rules = groups.flatMap((group) => group.rules);

  it('when the groups are read, then each has a unique name and every rule is a record or an alert with an expression', () => {
    expect(new Set(groups.map((group) => group.name)).size).toBe(groups.length);
    for (const rule of rules) {
      expect(Boolean(rule.record) !== Boolean(rule.alert)).toBe(true);
      expect(rule.expr.trim()).not.toBe('');
      if (rule.for) expect(rule.for).toMatch(/^\d+[smhd]$/);
    }
  });

  it('when the alerts are read, then each carries a severity, a summary, a description and a runbook', () => {
    for (const rule of rules.filter((candidate) => candidate.alert)) {
      expect([rule.alert, rule.labels?.severity]).toEqual([rule.alert, expect.stringMatching(/^(critical|warning)$/)]);
      for (const annotation of ['summary', 'description', 'runbook']) expect([rule.alert, annotation, rule.annotations?.[annotation]]).toEqual([rule.alert, annotation, expect.stringMatching(/\S/)]);
    }
  });

  it('when the SLI recording rules are listed, then each SLI exists over 5m, 30m, 1h and 6h', () => {
    const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
    for (const sli of ['service:sli_latency_200ms:ratio_rate', 'service:sli_latency_500ms:ratio_rate', 'service:sli_availability:ratio_rate']) {
      for (const window of ['5m', '30m', '1h', '6h']) expect(recorded).toContain(`${sli}${window}`);
    }
  });

  it('when the burn-rate alerts are read, then fast burn is 14.4x over 1h and 5m, slow burn 6x over 6h and 30m, of each objective', () => {
    const objectives = { latency200ms: 0.05, latency500ms: 0.01, availability: 0.001 };
    for (const [slo, budget] of Object.entries(objectives)) {
      const burns = rules.filter((rule) => rule.labels?.slo === slo);
      const fast = burns.find((rule) => rule.alert?.endsWith('Fast'));
      const slow = burns.find((rule) => rule.alert?.endsWith('Slow'));
      expect(fast?.expr).toContain(`ratio_rate1h) > (14.4 * ${budget})`);
      expect(fast?.expr).toContain(`ratio_rate5m) > (14.4 * ${budget})`);
      expect(slow?.expr).toContain(`ratio_rate6h) > (6 * ${budget})`);
      expect(slow?.expr).toContain(`ratio_rate30m) > (6 * ${budget})`);
    }
  });
});

describe('the Grafana dashboards', () => {
  it('when the dashboard files are parsed, then each is a dashboard with a unique uid and panels that query Prometheus', () => {
    const all = dashboards();
    expect(all.map(({ file }) => file).sort()).toEqual(['shop-cache-and-rate-limits.json', 'shop-checkout.json', 'shop-events.json', 'shop-platform-overview.json', 'shop-supplier-sync.json']);
    expect(new Set(all.map(({ json }) => json.uid)).size).toBe(all.length);
    for (const { json } of all) {
      expect(json.panels.length).toBeGreaterThan(0);
      for (const panel of json.panels) expect(panel.targets?.every((target) => target.expr.trim().length > 0)).toBe(true);
    }
  });

  it('when the platform overview is read, then p95 and p99 are drawn against the 200 ms and 500 ms SLO lines', () => {
    const overview = dashboards().find(({ file }) => file === 'shop-platform-overview.json')!.json as unknown as {
      panels: Array<{ title: string; targets: Array<{ expr: string }>; fieldConfig: { defaults: { thresholds?: { steps: Array<{ value: number | null }> } } } }>;
    };
    const panel = (quantile: string) => overview.panels.find((candidate) => candidate.targets.some((target) => target.expr.startsWith(`histogram_quantile(${quantile},`)))!;
    expect(panel('0.95').fieldConfig.defaults.thresholds?.steps.map((step) => step.value)).toContain(0.2);
    expect(panel('0.99').fieldConfig.defaults.thresholds?.steps.map((step) => step.value)).toContain(0.5);
    expect(panel('0.5')).toBeDefined();
  });
});

describe('reading metric names out of PromQL', () => {
  it('when an expression has aggregations, matchers, ranges and template variables, then only the metric names remain', () => {
    expect(metricNamesIn('sum by (service, le) (rate(http_request_duration_seconds_bucket{service=~"$service",le="0.2"}[5m])) / on (service) group_left other_metric > (14.4 * 0.05)').sort()).toEqual([
      'http_request_duration_seconds_bucket',
      'other_metric',
    ]);
  });
});
