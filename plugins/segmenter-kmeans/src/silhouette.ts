import { sampleIndices } from '@workbench/plugin-sdk';
import type { RowMatrix } from './row-matrix';

/**
 * Mean silhouette coefficient (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and
 * validation of cluster analysis", J. Comput. Appl. Math. 20:53–65) with euclidean distances:
 * s(i) = (b(i) − a(i)) / max(a(i), b(i)), where a(i) is the mean distance from i to the other members of
 * its cluster and b(i) the smallest mean distance from i to the members of another cluster. A point alone
 * in its cluster has s(i) = 0, as in sklearn's `silhouette_samples`.
 *
 * Exact O(n² d) over all pairs (each pair once). Returns NaN when fewer than 2 or more than n − 1 clusters
 * are present, where the coefficient is undefined (sklearn raises there).
 */
export function silhouette(x: RowMatrix, labels: Int32Array, k: number): number {
  const { values, n, d } = x;
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  let present = 0;
  for (let c = 0; c < k; c++) if (sizes[c] > 0) present++;
  if (present < 2 || present > n - 1) return Number.NaN;

  // distanceSums[i*k + c] = sum of distances from point i to the points of cluster c.
  const distanceSums = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const li = labels[i];
    const rowI = i * d;
    for (let j = i + 1; j < n; j++) {
      const rowJ = j * d;
      let squares = 0;
      for (let t = 0; t < d; t++) {
        const diff = values[rowI + t] - values[rowJ + t];
        squares += diff * diff;
      }
      const distance = Math.sqrt(squares);
      distanceSums[i * k + labels[j]] += distance;
      distanceSums[j * k + li] += distance;
    }
  }

  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    if (sizes[own] <= 1) continue; // s(i) = 0 for a singleton
    const a = distanceSums[i * k + own] / (sizes[own] - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      if (c === own || sizes[c] === 0) continue;
      const mean = distanceSums[i * k + c] / sizes[c];
      if (mean < b) b = mean;
    }
    const denominator = Math.max(a, b);
    if (denominator > 0) total += (b - a) / denominator;
  }
  return total / n;
}

/**
 * {@link silhouette} on the given rows only (all rows when `rows` is null), like sklearn's
 * `silhouette_score(X, labels, sample_size=...)`; draw `rows` with {@link silhouetteSampleRows}.
 */
export function sampledSilhouette(x: RowMatrix, labels: Int32Array, k: number, rows: Uint32Array | null): number {
  if (rows === null) return silhouette(x, labels, k);
  const { values, d } = x;
  const m = rows.length;
  const sample = new Float64Array(m * d);
  const sampleLabels = new Int32Array(m);
  for (let s = 0; s < m; s++) {
    const i = rows[s];
    sample.set(values.subarray(i * d, i * d + d), s * d);
    sampleLabels[s] = labels[i];
  }
  return silhouette({ values: sample, n: m, d }, sampleLabels, k);
}

/** The rows a sampled silhouette uses: null (all rows) when n ≤ sampleSize, else a seeded sample, sorted. */
export function silhouetteSampleRows(n: number, sampleSize: number, rand: () => number): Uint32Array | null {
  if (n <= sampleSize) return null;
  return sampleIndices(n, sampleSize, rand).sort();
}
