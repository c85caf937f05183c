import type { RowMatrix } from './row-matrix';

/** Per-feature location and scale of a z-score transform. */
export interface ZScore {
  means: number[];
  stds: number[];
}

/**
 * Mean and population standard deviation (divide by n, as sklearn's StandardScaler) of each column.
 * A constant column gets std 1, so it scales to 0 instead of dividing by zero.
 */
export function fitZScore(x: RowMatrix): ZScore {
  const { values, n, d } = x;
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i * d + j];
    const mean = sum / n;
    // Two-pass variance: numerically stable for columns with a large offset (e.g. incomes).
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const diff = values[i * d + j] - mean;
      squares += diff * diff;
    }
    const std = Math.sqrt(squares / n);
    means[j] = mean;
    stds[j] = std > 0 ? std : 1;
  }
  return { means, stds };
}

/**
 * Returns `(x - mean) / std` per column as a new matrix, written into `into` when given (e.g. an array
 * on a `SharedArrayBuffer`, which the fast k-means engine's worker threads read without a copy).
 */
export function applyZScore(x: RowMatrix, { means, stds }: ZScore, into?: Float64Array): RowMatrix {
  const { values, n, d } = x;
  if (means.length !== d)
    throw new RangeError(`the z-score has ${means.length} features but the matrix has ${d} columns`);
  if (into && into.length !== values.length)
    throw new RangeError(`the output holds ${into.length} values, not ${values.length}`);
  const out = into ?? new Float64Array(values.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = (values[i * d + j] - means[j]) / stds[j];
  }
  return { values: out, n, d };
}
