import type { KpiValue, Run, Segment } from '@workbench/persistence';
import type { Workbench } from '@workbench/services';
import type { Output } from './output';
import { renderTable, type Column } from './table';

/** A run as the CLI prints it in JSON: plain values only, relations reduced to names and numbers. */
export interface RunView {
  id: string;
  segmentation: string;
  version: number;
  status: string;
  progress: number;
  dataset: { id: string; name: string | null; version: number };
  plugin: { name: string; version: string };
  params: Record<string, unknown>;
  seed: number;
  metrics: Record<string, unknown> | null;
  attempts: number;
  error: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Training time, from the start of the last attempt to the end; null until finished. */
  durationMs: number | null;
}

export interface SegmentView {
  key: number;
  label: string;
  size: number;
  share: number;
  /** Share of the dataset's revenue column, when it has one. */
  revenueShare: number | null;
  profile: Record<string, unknown>;
}

export interface KpiView {
  segmentKey: number | null;
  kpi: string;
  value: number | null;
  unit: string;
  n: number | null;
  interval: { lower: number; upper: number } | null;
  note: string | null;
}

/** What `demo --json` and `segments --json` print: one document. */
export interface RunReport {
  run: RunView;
  segments: SegmentView[];
  kpis: KpiView[];
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function runView(run: Run, segmentationName?: string): RunView {
  const dv = run.datasetVersion;
  return {
    id: run.id,
    segmentation: segmentationName ?? run.segmentation.name ?? run.segmentation.id,
    version: run.version,
    status: run.status,
    progress: run.progress,
    dataset: { id: dv.dataset?.id ?? '', name: dv.dataset?.name ?? null, version: dv.version },
    plugin: { name: run.pluginName, version: run.pluginVersion },
    params: run.params,
    seed: run.seed,
    metrics: run.metrics ?? null,
    attempts: run.attempts,
    error: run.error ?? null,
    queuedAt: iso(run.queuedAt) as string,
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    durationMs: run.startedAt && run.finishedAt ? new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime() : null,
  };
}

export function segmentViews(segments: readonly Segment[], kpis: readonly KpiValue[]): SegmentView[] {
  const revenueShare = new Map(kpis.filter((k) => k.kpi === 'revenue_share' && k.segmentKey !== null).map((k) => [k.segmentKey as number, k.value]));
  return segments.map((s) => ({ key: s.key, label: s.label, size: s.size, share: s.share, revenueShare: revenueShare.get(s.key) ?? null, profile: s.profile }));
}

export function kpiViews(kpis: readonly KpiValue[]): KpiView[] {
  return kpis.map((k) => ({
    segmentKey: k.segmentKey,
    kpi: k.kpi,
    value: k.value,
    unit: k.unit,
    n: k.n ?? null,
    interval: k.lowerBound != null && k.upperBound != null ? { lower: k.lowerBound, upper: k.upperBound } : null,
    note: k.note ?? null,
  }));
}

/** Loads a run's segments and KPIs and shapes them for printing. */
export async function loadRunReport(workbench: Workbench, run: Run): Promise<RunReport> {
  const [segments, kpis] = await Promise.all([workbench.runs.segments(run.id), workbench.runs.kpis(run.id)]);
  return { run: runView(run), segments: segmentViews(segments, kpis), kpis: kpiViews(kpis) };
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
    `${run.segmentation} v${run.version}`,
    `dataset ${run.dataset.name ?? run.dataset.id} v${run.dataset.version}`,
    `${run.plugin.name}@${run.plugin.version}`,
    `seed ${run.seed}`,
  ];
  const metric = (name: string) => (typeof run.metrics?.[name] === 'number' ? (run.metrics[name] as number) : undefined);
  const k = metric('k');
  const silhouette = metric('silhouette');
  if (k !== undefined) parts.push(`k ${k}`);
  if (silhouette !== undefined) parts.push(`silhouette ${silhouette.toFixed(3)}`);
  parts.push(run.status === 'succeeded' ? formatDuration(run.durationMs) : run.status);
  return parts.join(' · ');
}

/**
 * Profile columns: the segmentation's features in their order, else every numeric profile entry.
 * `share` is left out: the table already has it.
 */
function profileColumns(report: RunReport): string[] {
  const features = Array.isArray(report.run.params.features) ? (report.run.params.features as unknown[]).filter((f): f is string => typeof f === 'string') : [];
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

/** KPIs shown in the terminal table, in this order, when the run has them (the JSON and CSV have all). */
const KPI_ROWS: readonly string[] = [
  'revenue',
  'orders',
  'average_order_value',
  'purchase_frequency',
  'recency_days',
  'historical_clv',
  'repeat_purchase_rate',
  'retention_rate',
  'churn_rate',
  'p_alive',
  'predicted_purchases',
  'predictive_clv',
  'cac',
  'csat_mean',
  'nps',
];

function kpiCell(k: KpiView | undefined): string {
  if (!k) return '';
  if (k.value === null) return 'n/a';
  if (k.unit.startsWith('share') || k.unit === 'probability') return formatPercent(k.value);
  return formatNumber(k.value);
}

/** KPIs per segment and overall (rows: KPIs; columns: segments, then all customers). */
export function kpiTable(report: RunReport): string[] {
  const keys = KPI_ROWS.filter((key) => report.kpis.some((k) => k.kpi === key));
  if (keys.length === 0) return [];
  const find = (key: string, segmentKey: number | null) => report.kpis.find((k) => k.kpi === key && k.segmentKey === segmentKey);
  const unit = (key: string) => (report.kpis.find((k) => k.kpi === key)?.unit ?? '').replace(/^share( of)?/, '%').replace('probability', '%');
  const columns: Column[] = [{ header: 'KPI' }, { header: 'unit' }, ...report.segments.map((s): Column => ({ header: s.label, align: 'right' })), { header: 'all', align: 'right' }];
  const rows = keys.map((key) => [key, unit(key), ...report.segments.map((s) => kpiCell(find(key, s.key))), kpiCell(find(key, null))]);
  const notes = [...new Set(keys.flatMap((key) => report.kpis.filter((k) => k.kpi === key && k.value === null && k.note).map((k) => `${key}: ${k.note}`)))];
  return [...renderTable(columns, rows), ...notes.map((n) => `  ${n}`)];
}

/** Prints a run report: one JSON document with `json`, else the headline, the segment table and the KPI table. */
export function printRunReport(out: Output, report: RunReport, json: boolean): void {
  if (json) {
    out.line(JSON.stringify(report, null, 2));
    return;
  }
  out.line(runHeadline(report.run));
  if (report.run.status !== 'succeeded') {
    out.line(report.run.error ? `error: ${report.run.error}` : `no segments yet (progress ${Math.round(report.run.progress * 100)}%)`);
    return;
  }
  out.line('');
  for (const line of segmentTable(report)) out.line(line);
  const kpis = kpiTable(report);
  if (kpis.length > 0) {
    out.line('');
    for (const line of kpis) out.line(line);
  }
}
