import type { KpiValue, Segment } from '@workbench/persistence';

/** What a KPI means, from its evaluator's manifest (or the workbench's own counts). */
export interface KpiMeaning {
  title: string;
  definition: string;
  higherIsBetter: boolean;
}

/** Looks up the meaning of a stored KPI value: `PluginsService.kpiDefinition`. */
export type KpiMeaningLookup = (evaluator: string | null | undefined, kpi: string) => KpiMeaning | null;

export interface KpiValueView {
  /** Key of the segment; null for the row over all customers. */
  segmentKey: number | null;
  /** Label of the segment; null for the row over all customers. */
  segment: string | null;
  kpi: string;
  value: number | null;
  unit: string;
  n: number | null;
  interval: { lower: number; upper: number; method: string | null } | null;
  window: { start: string; end: string } | null;
  /** `name@version` of the evaluator, or `workbench` for the counts every run stores. */
  evaluator: string;
  title: string | null;
  definition: string | null;
  higherIsBetter: boolean | null;
  note: string | null;
  /**
   * Structured figures behind the value, as the evaluator gave them (e.g. kpi-clv's fitted BG/NBD and
   * Gamma-Gamma parameters, log-likelihood, convergence and calibration-vs-holdout table); null when none.
   */
  details: Record<string, unknown> | null;
}

export function kpiValueViews(
  kpis: readonly KpiValue[],
  segments: readonly Segment[],
  meaning: KpiMeaningLookup,
): KpiValueView[] {
  const label = new Map(segments.map((s) => [s.key, s.label]));
  return kpis.map((k) => {
    const m = meaning(k.evaluator, k.kpi);
    return {
      segmentKey: k.segmentKey,
      segment: k.segmentKey === null ? null : (label.get(k.segmentKey) ?? String(k.segmentKey)),
      kpi: k.kpi,
      value: k.value,
      unit: k.unit,
      n: k.n ?? null,
      interval:
        k.lowerBound != null && k.upperBound != null
          ? { lower: k.lowerBound, upper: k.upperBound, method: k.intervalMethod ?? null }
          : null,
      window: k.window ?? null,
      evaluator: k.evaluator ?? 'workbench',
      title: m?.title ?? null,
      definition: m?.definition ?? null,
      higherIsBetter: m?.higherIsBetter ?? null,
      note: k.note ?? null,
      details: k.details ?? null,
    };
  });
}
