import type { KpiHistory, KpiPoint } from '../api/types';

export interface TrackPoint {
  value: number;
  lower: number | null;
  upper: number | null;
}

export interface TrackLine {
  name: string;
  points: (TrackPoint | null)[];
}

const point = (p: KpiPoint | null): TrackPoint | null =>
  p && p.value !== null ? { value: p.value, lower: p.lower, upper: p.upper } : null;

/**
 * The chart's lines of a KPI history: all customers, then one per segment as the server followed it
 * through the versions (by the Hungarian matching of consecutive versions, not by label); null where a
 * version has no segment in the chain or no value.
 */
export function kpiTrack(history: Pick<KpiHistory, 'versions' | 'overall' | 'lines'>): {
  versions: number[];
  lines: TrackLine[];
} {
  return {
    versions: history.versions.map((v) => v.version),
    lines: [
      { name: 'All customers', points: history.overall.map(point) },
      ...history.lines.map((l) => ({ name: l.label, points: l.points.map(point) })),
    ],
  };
}
