import type { Segment } from '../api/types';

export interface ProfileHeatmap {
  features: string[];
  segments: string[];
  /** [feature index, segment index, z-score, raw mean] per cell. */
  cells: [number, number, number, number][];
}

/**
 * Segment profiles as a heatmap: the colour is the z-score of a segment's mean among the segments'
 * means of the same feature (so features of any scale share one colour scale), the label the raw mean.
 * Non-numeric profile entries and the `share` entry (shown as the size chart) are left out.
 */
export function profileHeatmap(segments: readonly Segment[]): ProfileHeatmap {
  const features = [...new Set(segments.flatMap((s) => Object.keys(s.profile)))].filter(
    (f) => f !== 'share' && segments.every((s) => typeof s.profile[f] === 'number' && Number.isFinite(s.profile[f])),
  );
  const cells: [number, number, number, number][] = [];
  features.forEach((f, fi) => {
    const values = segments.map((s) => s.profile[f] as number);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    values.forEach((v, si) => cells.push([fi, si, sd > 0 ? (v - mean) / sd : 0, v]));
  });
  return { features, segments: segments.map((s) => s.label), cells };
}
