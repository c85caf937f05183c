import type { KpiValue, Segment } from '@workbench/persistence';

export interface SegmentView {
  key: number;
  label: string;
  size: number;
  share: number;
  /** Share of the dataset's revenue column, when it has one. */
  revenueShare: number | null;
  /** Means (and other summaries) of the features per segment, as the model reports them. */
  profile: Record<string, unknown>;
}

/** The segments of a run; `kpis` are the run's KPI values, which hold the revenue shares. */
export function segmentViews(segments: readonly Segment[], kpis: readonly KpiValue[]): SegmentView[] {
  const revenueShare = new Map(
    kpis
      .filter((k) => k.kpi === 'revenue_share' && k.segmentKey !== null)
      .map((k) => [k.segmentKey as number, k.value]),
  );
  return segments.map((s) => ({
    key: s.key,
    label: s.label,
    size: s.size,
    share: s.share,
    revenueShare: revenueShare.get(s.key) ?? null,
    profile: s.profile,
  }));
}
