import type { SeriesPeriod } from '@workbench/compare';
import { kpiSeriesView, type Workbench } from '@workbench/services';
import type { Output } from '../output';
import { kpiTable } from '../run-report';
import { renderTable } from '../table';

const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * `workbench kpis <run> [--json|--csv]`: every KPI value of a run, per segment and overall. `--json` prints
 * what `GET /runs/<run>/kpis` answers; a failed run is an error with its reason, as over HTTP (409).
 */
export async function showKpis(
  workbench: Workbench,
  out: Output,
  options: { run: string; json?: boolean; csv?: boolean },
): Promise<void> {
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
        [
          r.segment ?? '(all)',
          r.kpi,
          r.value ?? '',
          r.unit,
          r.n ?? '',
          r.interval?.lower ?? '',
          r.interval?.upper ?? '',
          r.interval?.method ?? '',
          r.window?.start ?? '',
          r.window?.end ?? '',
          r.evaluator,
          r.note ?? '',
        ]
          .map((v) => quote(String(v)))
          .join(','),
      );
    }
    return;
  }
  const report = await workbench.reports.report(run);
  const table = kpiTable(report, (evaluator) => workbench.reports.kpiOrder(evaluator));
  if (table.length === 0)
    out.line(
      `run ${run.segmentation.name} v${run.version} has no KPI evaluators; add some with the segmentation's kpis`,
    );
  for (const line of table) out.line(line);
}

const money = (v: number | null) =>
  v === null ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const share = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/**
 * `workbench kpis <run> --series [--period week] [--json|--csv]`: revenue, orders, active customers, AOV and
 * the retention of each period's cohort, per segment and period; `--json` prints what `GET /runs/<run>/kpis/series` answers.
 */
export async function showKpiSeries(
  workbench: Workbench,
  out: Output,
  options: { run: string; period: SeriesPeriod; json?: boolean; csv?: boolean },
): Promise<void> {
  const { run, labels, series } = await workbench.kpiSeries.series(options.run, options.period);
  const view = kpiSeriesView(run, labels, series);
  if (options.json) {
    out.line(JSON.stringify(view, null, 2));
    return;
  }
  if (options.csv) {
    out.line(
      'segment,period,start,end,revenue,orders,active_customers,average_order_value,new_customers,cohort_retention',
    );
    for (const s of view.series) {
      s.points.forEach((p, i) => {
        const { start, end } = view.periods[i];
        out.line(
          [
            quote(s.segment ?? '(all)'),
            p.period,
            start,
            end,
            p.revenue,
            p.orders,
            p.activeCustomers,
            p.averageOrderValue ?? '',
            p.newCustomers,
            p.cohortRetention ?? '',
          ].join(','),
        );
      });
    }
    return;
  }
  out.line(
    `run ${view.run.segmentation} v${view.run.version}: KPIs by ${view.period} (UTC); retention = share of the period's new customers who buy in the next ${view.period}`,
  );
  for (const s of view.series) {
    out.line('');
    out.line(`${s.segment ?? 'all customers'}:`);
    const table = renderTable(
      [
        { header: view.period },
        { header: 'revenue', align: 'right' },
        { header: 'orders', align: 'right' },
        { header: 'active', align: 'right' },
        { header: 'AOV', align: 'right' },
        { header: 'new', align: 'right' },
        { header: 'retention', align: 'right' },
      ],
      s.points.map((p) => [
        p.period,
        money(p.revenue),
        String(p.orders),
        String(p.activeCustomers),
        money(p.averageOrderValue),
        String(p.newCustomers),
        share(p.cohortRetention),
      ]),
    );
    for (const line of table) out.line(line);
  }
}
