import { squaredDistance, type RowMatrix } from './row-matrix';

export interface KMeansFitOptions {
  /** Integer seed of ml-kmeans' k-means++ initialisation (ml-random's XSadd). */
  seed: number;
  maxIterations: number;
  /** ml-kmeans stops when no centroid moved by more than this squared distance. */
  tolerance: number;
  /** Row-major `k × d` starting centroids instead of ml-kmeans' k-means++ (to compare engines on one start). */
  initialCentroids?: Float64Array;
}

/** One k-means fit, in the (scaled) space it was fitted in. */
export interface KMeansFit {
  k: number;
  /** Cluster index per row, 0..k-1, nearest centroid of `centroids`. */
  labels: Int32Array;
  /** Row-major `k × d` centroids: the means of their members (a Lloyd fixed point when `converged`). */
  centroids: Float64Array;
  /** Sum of squared distances of the rows to their centroid. */
  inertia: number;
  /** Lloyd iterations run, ml-kmeans' and the refinement's together. */
  iterations: number;
  /** True when the assignment stopped changing within `maxIterations`. */
  converged: boolean;
}

/** Copies a flat matrix into the `number[][]` rows ml-kmeans takes. Do it once and reuse it across fits. */
export function toRowArrays(x: RowMatrix): number[][] {
  const rows = new Array<number[]>(x.n);
  for (let i = 0; i < x.n; i++) rows[i] = Array.from(x.values.subarray(i * x.d, i * x.d + x.d));
  return rows;
}

/**
 * Index of the nearest centroid of every row (ties go to the lower index), written into `labels`;
 * returns the inertia Σ‖xᵢ − c_{label(i)}‖².
 */
export function assignNearest(x: RowMatrix, centroids: Float64Array, k: number, labels: Int32Array): number {
  const { values, n, d } = x;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDistance = squaredDistance(values, i, centroids, 0, d);
    for (let c = 1; c < k; c++) {
      const distance = squaredDistance(values, i, centroids, c, d);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = c;
      }
    }
    labels[i] = best;
    inertia += bestDistance;
  }
  return inertia;
}

/** Inertia Σ‖xᵢ − c_{label(i)}‖² of a given partition (the k-means objective, Lloyd 1982 / MacQueen 1967). */
export function inertia(x: RowMatrix, labels: Int32Array, centroids: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.n; i++) sum += squaredDistance(x.values, i, centroids, labels[i], x.d);
  return sum;
}

/** Mean of each cluster's rows; a cluster with no rows keeps its centroid from `previous`. */
export function clusterMeans(x: RowMatrix, labels: Int32Array, k: number, previous: Float64Array): Float64Array {
  const { values, n, d } = x;
  const sums = new Float64Array(k * d);
  const counts = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    for (let t = 0; t < d; t++) sums[c * d + t] += values[i * d + t];
  }
  for (let c = 0; c < k; c++) {
    for (let t = 0; t < d; t++) sums[c * d + t] = counts[c] > 0 ? sums[c * d + t] / counts[c] : previous[c * d + t];
  }
  return sums;
}

/**
 * The 'ml-kmeans' engine, kept as the reference for the fast one (`fitFastKMeans`).
 * Seeded k-means++ (Arthur & Vassilvitskii 2007) and Lloyd iterations by ml-kmeans, then Lloyd steps of
 * our own until the assignment is a fixed point. ml-kmeans stops on a small centroid shift and returns
 * labels computed from the previous centroids, so its labels and centroids can disagree slightly; the
 * refinement (usually zero or one step) makes the centroids the exact means of the labels and the labels
 * the nearest centroids, which is what sklearn returns at strict convergence.
 */
export function fitKMeans(
  x: RowMatrix,
  k: number,
  options: KMeansFitOptions,
  rows: number[][] = toRowArrays(x),
): KMeansFit {
  const start = options.initialCentroids;
  if (start && start.length !== k * x.d)
    throw new RangeError(`initialCentroids must hold k × d = ${k * x.d} values, not ${start.length}`);
  // Loaded here, not at the top: only the reference engine uses it, and loading it (with ml-matrix) takes ~0.5 s, which
  // every sandbox thread running this plugin paid before its first fast fit.
  const { kmeans } = require('ml-kmeans') as typeof import('ml-kmeans');
  const result = kmeans(rows, k, {
    initialization: start
      ? Array.from({ length: k }, (_, c) => Array.from(start.subarray(c * x.d, c * x.d + x.d)))
      : 'kmeans++',
    seed: options.seed,
    maxIterations: options.maxIterations,
    tolerance: options.tolerance,
  });
  let centroids: Float64Array = Float64Array.from(result.centroids.flat());
  const labels = new Int32Array(x.n);
  let objective = assignNearest(x, centroids, k, labels);
  let iterations = result.iterations;
  let converged = false;
  const next = new Int32Array(x.n);
  while (iterations < options.maxIterations) {
    const means = clusterMeans(x, labels, k, centroids);
    const nextObjective = assignNearest(x, means, k, next);
    iterations++;
    centroids = means;
    objective = nextObjective;
    let changed = false;
    for (let i = 0; i < x.n; i++) {
      if (next[i] !== labels[i]) {
        changed = true;
        break;
      }
    }
    labels.set(next);
    if (!changed) {
      converged = true;
      break;
    }
  }
  return { k, labels, centroids, inertia: objective, iterations, converged };
}
