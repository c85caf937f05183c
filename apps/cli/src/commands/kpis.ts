import type { Workbench } from '@workbench/services';
import type { Output } from '../output';
import { kpiTable, loadRunReport } from '../run-report';

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** `workbench kpis <run> [--json|--csv]`: every KPI value of a run, per segment and overall. */
export async function showKpis(workbench: Workbench, out: Output, options: { run: string; json?: boolean; csv?: boolean }): Promise<void> {
  const run = await workbench.runs.resolve(options.run);
  const report = await loadRunReport(workbench, run);
  const kpis = await workbench.runs.kpis(run.id);
  const label = new Map(report.segments.map((s) => [s.key, s.label]));
  const rows = kpis.map((k) => ({
    segment: k.segmentKey === null ? null : (label.get(k.segmentKey) ?? String(k.segmentKey)),
    kpi: k.kpi,
    value: k.value,
    unit: k.unit,
    n: k.n ?? null,
    interval: k.lowerBound != null && k.upperBound != null ? { lower: k.lowerBound, upper: k.upperBound, method: k.intervalMethod ?? null } : null,
    window: k.window ?? null,
    evaluator: k.evaluator ?? 'workbench',
    definition: workbench.plugins.kpiDefinition(k.evaluator, k.kpi)?.definition ?? null,
    note: k.note ?? null,
  }));
  if (options.json) {
    out.line(JSON.stringify({ run: report.run, kpis: rows }, null, 2));
    return;
  }
  if (options.csv) {
    out.line('segment,kpi,value,unit,n,lower,upper,interval_method,window_start,window_end,evaluator,note');
    for (const r of rows) {
      out.line(
        [r.segment ?? '(all)', r.kpi, r.value ?? '', r.unit, r.n ?? '', r.interval?.lower ?? '', r.interval?.upper ?? '', r.interval?.method ?? '', r.window?.start ?? '', r.window?.end ?? '', r.evaluator, r.note ?? '']
          .map((v) => quote(String(v)))
          .join(','),
      );
    }
    return;
  }
  const table = kpiTable(report);
  if (table.length === 0) out.line(`run ${report.run.segmentation} v${report.run.version} has no KPI evaluators; add some with the segmentation's kpis`);
  for (const line of table) out.line(line);
}
