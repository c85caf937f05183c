import type { EvaluatedKpi, SegmentResult } from '@workbench/engine';

/** The KPIs every run (and every scoring a KPI alert reads) measures per segment, whatever its evaluators. */
export const HOST_KPIS = ['customers', 'customer_share', 'revenue_share'];

/** One of the host's own KPI figures, as a KpiValue row stores it. */
export interface HostKpi {
  segmentKey: number | null;
  kpi: string;
  value: number;
  unit: string;
  n: number;
}

/**
 * The host's counts of a set of segments over `rowCount` customers: size, share and revenue share per
 * segment and the customers overall, unless an evaluator computed the same KPI (its figure has a
 * definition and window, so it wins).
 */
export function hostKpis(
  segments: readonly SegmentResult[],
  rowCount: number,
  evaluated: readonly Pick<EvaluatedKpi, 'segmentKey' | 'kpi'>[],
): HostKpi[] {
  const evaluatedKeys = new Set(evaluated.map((r) => `${r.segmentKey}:${r.kpi}`));
  const rows: HostKpi[] = [];
  const kpi = (segmentKey: number | null, key: string, value: number, unit: string, n: number) => {
    if (!evaluatedKeys.has(`${segmentKey}:${key}`)) rows.push({ segmentKey, kpi: key, value, unit, n });
  };
  for (const s of segments) {
    kpi(s.key, 'customers', s.size, 'customers', s.size);
    kpi(s.key, 'customer_share', s.share, 'share', s.size);
    if (s.revenueShare !== undefined) kpi(s.key, 'revenue_share', s.revenueShare, 'share', s.size);
  }
  kpi(null, 'customers', rowCount, 'customers', rowCount);
  return rows;
}
