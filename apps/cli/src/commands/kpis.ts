import type { Workbench } from '@workbench/services';
import type { Output } from '../output';
import { kpiTable } from '../run-report';

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * `workbench kpis <run> [--json|--csv]`: every KPI value of a run, per segment and overall. `--json` prints
 * what `GET /runs/<run>/kpis` answers; a failed run is an error with its reason, as over HTTP (409).
 */
export async function showKpis(workbench: Workbench, out: Output, options: { run: string; json?: boolean; csv?: boolean }): Promise<void> {
  const run = await workbench.runs.resolve(options.run);
  const kpis = await workbench.reports.kpis(run.id);
  if (options.json) {
    out.line(JSON.stringify(kpis, null, 2));
    return;
  }
  if (options.csv) {
    out.line('segment,kpi,value,unit,n,lower,upper,interval_method,window_start,window_end,evaluator,note');
    for (const r of kpis) {
      out.line(
        [r.segment ?? '(all)', r.kpi, r.value ?? '', r.unit, r.n ?? '', r.interval?.lower ?? '', r.interval?.upper ?? '', r.interval?.method ?? '', r.window?.start ?? '', r.window?.end ?? '', r.evaluator, r.note ?? '']
          .map((v) => quote(String(v)))
          .join(','),
      );
    }
    return;
  }
  const report = await workbench.reports.report(run);
  const table = kpiTable(report, (evaluator) => workbench.reports.kpiOrder(evaluator));
  if (table.length === 0) out.line(`run ${run.segmentation.name} v${run.version} has no KPI evaluators; add some with the segmentation's kpis`);
  for (const line of table) out.line(line);
}
