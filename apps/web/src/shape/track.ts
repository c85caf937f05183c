import type { Kpi, Segment } from '../api/types';

export interface TrackPoint {
  value: number;
  lower: number | null;
  upper: number | null;
}

/**
 * One KPI across versions: a line for all customers and one per segment label (labels are how a
 * segment is recognised from one version to the next), null where a version lacks the segment.
 */
export function kpiTrack(runs: readonly { version: number; kpis: readonly Kpi[]; segments: readonly Segment[] }[], kpi: string) {
  const labels = [...new Set(runs.flatMap((r) => r.segments.map((s) => s.label)))];
  const point = (k: Kpi | undefined): TrackPoint | null => (k && k.value !== null ? { value: k.value, lower: k.interval?.lower ?? null, upper: k.interval?.upper ?? null } : null);
  const lines = [
    { name: 'All customers', points: runs.map((r) => point(r.kpis.find((k) => k.kpi === kpi && k.segmentKey === null))) },
    ...labels.map((label) => ({
      name: label,
      points: runs.map((r) => {
        const segment = r.segments.find((s) => s.label === label);
        return segment ? point(r.kpis.find((k) => k.kpi === kpi && k.segmentKey === segment.key)) : null;
      }),
    })),
  ];
  return { versions: runs.map((r) => r.version), lines };
}
