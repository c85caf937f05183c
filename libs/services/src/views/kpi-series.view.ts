import type { KpiSeries, SeriesPoint } from '@workbench/compare';
import type { Run } from '@workbench/persistence';

/** One segment's (or all customers') figures, one point per period. */
export interface SegmentSeriesView {
  /** Segment key; null for all customers. */
  segmentKey: number | null;
  segment: string | null;
  points: (SeriesPoint & { period: string })[];
}

/** A run's KPIs by period: `GET /runs/:id/kpis/series` and `workbench kpis <run> --series --json`. */
export interface KpiSeriesView {
  run: { id: string; segmentation: string; version: number };
  period: string;
  /** Each period's name and [start, end) in UTC. */
  periods: { name: string; start: string; end: string }[];
  series: SegmentSeriesView[];
}

export function kpiSeriesView(run: Run, labels: readonly string[], series: KpiSeries): KpiSeriesView {
  const k = labels.length;
  return {
    run: { id: run.id, segmentation: run.segmentation.name, version: run.version },
    period: series.period,
    periods: series.periods,
    series: series.points.map((points, g) => ({
      segmentKey: g < k ? g : null,
      segment: g < k ? labels[g] : null,
      points: points.map((p, i) => ({ period: series.periods[i].name, ...p })),
    })),
  };
}
