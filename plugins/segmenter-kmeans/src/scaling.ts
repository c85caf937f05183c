import type { RowMatrix } from './row-matrix';
import { applyZScore, fitZScore } from './z-score';

/**
 * How features are scaled before k-means (the `standardize` param): `zscore` (mean 0, population std 1,
 * as sklearn's StandardScaler), `minmax` (0..1 over the training rows, as sklearn's MinMaxScaler), or
 * `none` (the values as they are, so the feature with the widest range dominates the distances).
 */
export const STANDARDIZE_METHODS = ['zscore', 'none', 'minmax'] as const;
export type Standardize = (typeof STANDARDIZE_METHODS)[number];

/** A per-feature affine scaling: a row x becomes (x[j] − offsets[j]) / scales[j]. */
export interface Scaling {
  offsets: number[];
  scales: number[];
}

/**
 * The scaling `method` fits on `x`. A constant feature gets scale 1 (z-score: std 0; min-max: range 0),
 * so it scales to 0 instead of dividing by zero.
 */
export function fitScaling(x: RowMatrix, method: Standardize): Scaling {
  const { values, n, d } = x;
  if (method === 'zscore') {
    const { means, stds } = fitZScore(x);
    return { offsets: means, scales: stds };
  }
  if (method === 'none') return { offsets: new Array<number>(d).fill(0), scales: new Array<number>(d).fill(1) };
  const offsets = new Array<number>(d).fill(Number.POSITIVE_INFINITY);
  const highs = new Array<number>(d).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = values[i * d + j];
      if (v < offsets[j]) offsets[j] = v;
      if (v > highs[j]) highs[j] = v;
    }
  }
  const scales = highs.map((high, j) => (high - offsets[j] > 0 ? high - offsets[j] : 1));
  return { offsets, scales };
}

/** `(x − offset) / scale` per column as a new matrix, written into `into` when given (see {@link applyZScore}). */
export function applyScaling(x: RowMatrix, { offsets, scales }: Scaling, into?: Float64Array): RowMatrix {
  return applyZScore(x, { means: offsets, stds: scales }, into);
}
