import type { Run } from '@workbench/persistence';
import type { KpiValueView, RunReportView, RunView, Workbench } from '@workbench/services';
import type { Output } from './output';
import { renderTable, type Column } from './table';

/** What `demo --json`, `run --json` and `segments --json` print: the run, its segments and KPIs, as `GET /runs/:id/report` answers. */
export type RunReport = RunReportView;

/** Loads a run's segments and KPIs, shaped by the views the API uses too. */
export async function loadRunReport(workbench: Workbench, run: Run): Promise<RunReport> {
  return workbench.reports.report(run);
}

/** `1,234` for counts; magnitudes decide the decimals of a mean: 1,234 · 123 · 12.3 · 1.23. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const formatCount = (n: number) => n.toLocaleString('en-US');
export const formatPercent = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);

export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** One line saying which run this is and how it went. */
export function runHeadline(run: RunView): string {
  const parts = [
    `${run.segmentation.name} v${run.version}`,
    `dataset ${run.dataset.name ?? run.dataset.id} v${run.datasetVersion.version}`,
    `${run.plugin.name}@${run.plugin.version}`,
    `seed ${run.seed}`,
  ];
  const metric = (name: string) =>
    typeof run.metrics?.[name] === 'number' ? (run.metrics[name] as number) : undefined;
  const k = metric('k');
  const silhouette = metric('silhouette');
  if (k !== undefined) parts.push(`k ${k}`);
  if (silhouette !== undefined) parts.push(`silhouette ${silhouette.toFixed(3)}`);
  parts.push(run.status === 'succeeded' ? formatDuration(run.timings.durationMs) : run.status);
  return parts.join(' · ');
}

/**
 * Profile columns: the segmentation's features in their order, else every numeric profile entry.
 * `share` is left out: the table already has it.
 */
function profileColumns(report: RunReport): string[] {
  const features = Array.isArray(report.run.params.features)
    ? (report.run.params.features as unknown[]).filter((f): f is string => typeof f === 'string')
    : [];
  const present = new Set(report.segments.flatMap((s) => Object.keys(s.profile)));
  const chosen = features.filter((f) => present.has(f));
  if (chosen.length > 0) return chosen;
  return [...present].filter((name) => name !== 'share').sort();
}

function profileCell(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (value === null || value === undefined) return '-';
  return String(value);
}

/** The segment table shared by `demo` and `segments`: size, shares and the profile means. */
export function segmentTable(report: RunReport): string[] {
  const profile = profileColumns(report);
  const columns: Column[] = [
    { header: 'segment' },
    { header: 'customers', align: 'right' },
    { header: 'share', align: 'right' },
    { header: 'revenue share', align: 'right' },
    ...profile.map((name): Column => ({ header: `mean ${name}`, align: 'right' })),
  ];
  const rows = report.segments.map((s) => [
    s.label,
    formatCount(s.size),
    formatPercent(s.share),
    formatPercent(s.revenueShare),
    ...profile.map((name) => profileCell(s.profile[name])),
  ]);
  return renderTable(columns, rows);
}

/** The counts every run stores: the segment table shows them already. */
const SEGMENT_TABLE_KPIS = new Set(['customers', 'customer_share', 'revenue_share']);

/**
 * Rows of the terminal KPI table (the JSON and CSV have every value): each evaluator's KPIs in the order
 * its manifest lists them, evaluators in the order the run has them.
 */
export function kpiRows(
  kpis: readonly KpiValueView[],
  manifestOrder: (evaluator: string) => readonly string[],
): string[] {
  const present = new Set(kpis.map((k) => k.kpi));
  const rows: string[] = [];
  for (const evaluator of new Set(kpis.map((k) => k.evaluator))) {
    const order = manifestOrder(evaluator);
    const keys =
      order.length > 0 ? order : [...new Set(kpis.filter((k) => k.evaluator === evaluator).map((k) => k.kpi))];
    for (const key of keys) if (present.has(key) && !SEGMENT_TABLE_KPIS.has(key) && !rows.includes(key)) rows.push(key);
  }
  return rows;
}

function kpiCell(k: KpiValueView | undefined): string {
  if (!k) return '';
  if (k.value === null) return 'n/a';
  if (k.unit.startsWith('share') || k.unit === 'probability') return formatPercent(k.value);
  return formatNumber(k.value);
}

/** KPIs per segment and overall (rows: KPIs in their manifests' order; columns: segments, then all customers). */
export function kpiTable(report: RunReport, manifestOrder: (evaluator: string) => readonly string[]): string[] {
  const keys = kpiRows(report.kpis, manifestOrder);
  if (keys.length === 0) return [];
  const find = (key: string, segmentKey: number | null) =>
    report.kpis.find((k) => k.kpi === key && k.segmentKey === segmentKey);
  const unit = (key: string) =>
    (report.kpis.find((k) => k.kpi === key)?.unit ?? '').replace(/^share( of)?/, '%').replace('probability', '%');
  const columns: Column[] = [
    { header: 'KPI' },
    { header: 'unit' },
    ...report.segments.map((s): Column => ({ header: s.label, align: 'right' })),
    { header: 'all', align: 'right' },
  ];
  const rows = keys.map((key) => [
    key,
    unit(key),
    ...report.segments.map((s) => kpiCell(find(key, s.key))),
    kpiCell(find(key, null)),
  ]);
  const notes = [
    ...new Set(
      keys.flatMap((key) =>
        report.kpis.filter((k) => k.kpi === key && k.value === null && k.note).map((k) => `${key}: ${k.note}`),
      ),
    ),
  ];
  // The structured details (fitted models, holdout checks) do not fit a table: say where they are.
  const withDetails = keys.filter((key) => report.kpis.some((k) => k.kpi === key && k.details !== null));
  const details =
    withDetails.length > 0
      ? [`  details: yes, for ${withDetails.join(', ')} (fitted models and checks; kpis <run> --json prints them)`]
      : [];
  return [...renderTable(columns, rows), ...notes.map((n) => `  ${n}`), ...details];
}

/** Prints a run report: one JSON document with `json`, else the headline, the segment table and the KPI table. */
export function printRunReport(out: Output, report: RunReport, json: boolean, workbench: Workbench): void {
  if (json) {
    out.line(JSON.stringify(report, null, 2));
    return;
  }
  out.line(runHeadline(report.run));
  if (report.run.status !== 'succeeded') {
    out.line(
      report.run.error
        ? `error: ${report.run.error}`
        : `no segments yet (progress ${Math.round(report.run.progress * 100)}%)`,
    );
    return;
  }
  out.line('');
  for (const line of segmentTable(report)) out.line(line);
  const kpis = kpiTable(report, (evaluator) => workbench.reports.kpiOrder(evaluator));
  if (kpis.length > 0) {
    out.line('');
    for (const line of kpis) out.line(line);
  }
}
