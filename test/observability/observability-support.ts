import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The repository's observability folder. */
export const observabilityDir = join(__dirname, '..', '..', 'observability');
/** The Prometheus rules file every environment loads. */
export const rulesFile = join(observabilityDir, 'prometheus', 'rules.yaml');
/** The Grafana dashboards the deployment provisions. */
export const dashboardsDir = join(observabilityDir, 'grafana', 'dashboards');

/** One rule of the rules file. */
export interface PrometheusRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The rules file's groups. */
export function ruleGroups(): Array<{ name: string; interval?: string; rules: PrometheusRule[] }> {
  return (parse(readFileSync(rulesFile, 'utf8')) as { groups: Array<{ name: string; interval?: string; rules: PrometheusRule[] }> }).groups;
}

/** Every dashboard file with its parsed JSON. */
export function dashboards(): Array<{ file: string; json: { uid: string; title: string; panels: Array<{ title: string; targets?: Array<{ expr: string }> }> } }> {
  return readdirSync(dashboardsDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as never }));
}

const promqlWords = new Set([
  // Aggregations, functions and keywords of PromQL that look like metric names.
  ...['sum', 'min', 'max', 'avg', 'count', 'topk', 'bottomk', 'quantile', 'stddev', 'stdvar', 'group', 'count_values'],
  ...['rate', 'irate', 'increase', 'delta', 'idelta', 'histogram_quantile', 'label_values', 'vector', 'scalar', 'time', 'absent', 'absent_over_time', 'clamp_min', 'clamp_max'],
  ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'],
]);

/**
 * The metric names an expression reads: identifiers outside label matchers, strings, ranges and templates that are
 * not PromQL's own words. Names of Grafana template variables ($service) are never in the result.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\$\w+/g, '');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(?!\w)/g)) {
    const word = match[1];
    // "sum by (service)": what follows by/without/on/ignoring are label names, not metrics.
    if (promqlWords.has(word.toLowerCase())) continue;
    names.add(word);
  }
  for (const grouped of stripped.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)) {
    for (const label of grouped[1].split(',')) names.delete(label.trim());
  }
  // Durations in offsets and numbers never match the pattern; "e" of 1e3 is preceded by a digit.
  return [...names];
}

/** Parses the Prometheus text format's sample lines into name -> samples (labels as a string, value). */
export function samplesOf(exposition: string): Map<string, Array<{ labels: string; value: number }>> {
  const samples = new Map<string, Array<{ labels: string; value: number }>>();
  for (const line of exposition.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const list = samples.get(match[1]) ?? [];
    list.push({ labels: match[2] ?? '', value: Number(match[3]) });
    samples.set(match[1], list);
  }
  return samples;
}
