import {
  FeatureRequirementError,
  numericColumnNames,
  numericMatrix,
  ParamsValidationError,
  seededRandom,
  throwIfAborted,
  type Assignments,
  type FeatureFrame,
  type ModelArtifact,
  type RunContext,
  type SegmentDescription,
  type TrainedModel,
} from '@workbench/plugin-sdk';
import { decodeArtifact, encodeArtifact } from './artifact';
import { fitFastKMeans } from './fast-kmeans';
import { assignNearest, fitKMeans, toRowArrays, type KMeansFit } from './kmeans-fit';
import { effectiveThreads, KMeansThreads } from './kmeans-threads';
import type { KMeansParams } from './kmeans-params';
import { rowMatrix, type RowMatrix } from './row-matrix';
import { sampledSilhouette, silhouetteSampleRows } from './silhouette';
import { applyZScore, fitZScore } from './z-score';

export const PLUGIN_NAME = 'segmenter-kmeans';

/** The features to cluster on: those named in params, or every numeric column in frame order. */
export function resolveFeatures(params: Pick<KMeansParams, 'features'>, frame: FeatureFrame): string[] {
  if (params.features.length > 0) return [...params.features];
  const names = numericColumnNames(frame);
  if (names.length === 0) throw new FeatureRequirementError('segmenter-kmeans needs at least one numeric feature, and the data has none');
  return names;
}

/** The k values to try: [k] when given, else kMin..kMax clipped to n − 1 (silhouette needs k < n). */
export function candidateKs(params: Pick<KMeansParams, 'k' | 'kMin' | 'kMax'>, rowCount: number): number[] {
  if (params.k !== undefined) {
    if (params.k > rowCount) {
      throw new ParamsValidationError(PLUGIN_NAME, [{ path: 'k', message: `k (${params.k}) must not exceed the number of rows (${rowCount})` }]);
    }
    return [params.k];
  }
  const kMax = Math.min(params.kMax, rowCount - 1);
  if (params.kMin > kMax) {
    throw new ParamsValidationError(PLUGIN_NAME, [{ path: 'kMin', message: `kMin (${params.kMin}) must be below the number of rows (${rowCount}) to search k` }]);
  }
  return Array.from({ length: kMax - params.kMin + 1 }, (_, i) => params.kMin + i);
}

/**
 * The matrix the model clusters: named features, with log(1 + x) applied to `logFeatures`. Throws
 * naming the customer when a value cannot be logged.
 */
export function modelInput(frame: FeatureFrame, features: readonly string[], logFeatures: readonly string[]): RowMatrix {
  const unknown = logFeatures.filter((f) => !features.includes(f));
  if (unknown.length > 0) {
    throw new FeatureRequirementError(`logFeatures ${unknown.map((f) => `'${f}'`).join(', ')} must also be clustered features (features: ${features.join(', ')})`);
  }
  const x = rowMatrix(numericMatrix(frame, features), features.length);
  const { values, n, d } = x;
  for (const name of logFeatures) {
    const j = features.indexOf(name);
    for (let i = 0; i < n; i++) {
      const v = values[i * d + j];
      if (v <= -1) throw new FeatureRequirementError(`feature '${name}' is ${v} for customer '${frame.ids[i]}' (row ${i + 1}); a log feature needs values above -1`);
      values[i * d + j] = Math.log1p(v);
    }
  }
  return x;
}

/** Integer seed of restart `restart` for `k`: a function of (seed, k, restart), so a given k fits the same whether chosen or searched. */
export function fitSeed(seed: number, k: number, restart: number): number {
  const rand = seededRandom((seed ^ Math.imul(k, 0x9e3779b1) ^ Math.imul(restart + 1, 0x85ebca6b)) >>> 0);
  return Math.floor(rand() * 0x7fffffff);
}

/**
 * New cluster order: size descending, ties by centroid (lexicographic, ascending), so the same
 * partition always gets the same keys whatever order k-means found its clusters in.
 * Returns `order` (new key → old index).
 */
export function canonicalOrder(fit: Pick<KMeansFit, 'k' | 'labels' | 'centroids'>, d: number): number[] {
  const sizes = new Array<number>(fit.k).fill(0);
  for (const label of fit.labels) sizes[label]++;
  const byCentroid = (a: number, b: number): number => {
    for (let t = 0; t < d; t++) {
      const diff = fit.centroids[a * d + t] - fit.centroids[b * d + t];
      if (diff !== 0) return diff;
    }
    return a - b;
  };
  return Array.from({ length: fit.k }, (_, c) => c).sort((a, b) => sizes[b] - sizes[a] || byCentroid(a, b));
}

/** Trains segmenter-kmeans: see the README for the method. Deterministic for a fixed `ctx.seed`. */
export async function trainKMeans(params: KMeansParams, frame: FeatureFrame, ctx: RunContext): Promise<TrainedModel> {
  throwIfAborted(ctx.signal);
  const features = resolveFeatures(params, frame);
  const raw = modelInput(frame, features, params.logFeatures);
  // Without log features the model input is the original data: no second copy.
  const original = params.logFeatures.length === 0 ? raw : rowMatrix(numericMatrix(frame, features), features.length);
  const n = raw.n;
  const d = raw.d;
  if (n < 2) throw new FeatureRequirementError(`segmenter-kmeans needs at least 2 rows, and the data has ${n}`);
  const ks = candidateKs(params, n);

  const scaling = fitZScore(raw);
  const threadCount = params.engine === 'fast' ? effectiveThreads(params.threads, n) : 1;
  // Worker threads read the scaled data in place, so it is written straight into shared memory.
  const x = applyZScore(raw, scaling, threadCount > 1 ? new Float64Array(new SharedArrayBuffer(n * d * 8)) : undefined);
  let rows: number[][] | undefined;
  const sampleRows = silhouetteSampleRows(n, params.silhouetteSampleSize, seededRandom(ctx.seed));

  const metrics: Record<string, number> = {};
  const totalFits = ks.length * params.nInit;
  let fitsDone = 0;
  let chosen: { fit: KMeansFit; silhouette: number } | undefined;
  const threads = threadCount > 1 ? KMeansThreads.open(threadCount) : undefined;
  try {
    for (const k of ks) {
      let best: KMeansFit | undefined;
      for (let restart = 0; restart < params.nInit; restart++) {
        throwIfAborted(ctx.signal);
        const options = { seed: fitSeed(ctx.seed, k, restart), maxIterations: params.maxIterations, tolerance: params.tolerance };
        const fit =
          params.engine === 'fast' ? await fitFastKMeans(x, k, { ...options, signal: ctx.signal }, threads) : fitKMeans(x, k, options, (rows ??= toRowArrays(x)));
        if (best === undefined || fit.inertia < best.inertia) best = fit;
        fitsDone++;
        // The last unit (1) is kept for the final report, so fits go up to totalFits / (totalFits + 1).
        ctx.progress(fitsDone / (totalFits + 1), `k=${k}, restart ${restart + 1} of ${params.nInit}`);
        throwIfAborted(ctx.signal);
      }
      const fit = best as KMeansFit;
      const score = sampledSilhouette(x, fit.labels, k, sampleRows);
      metrics[`inertia_k${k}`] = fit.inertia;
      metrics[`silhouette_k${k}`] = score;
      // Highest silhouette wins; a tie keeps the smaller k. NaN (undefined silhouette) never wins.
      if (chosen === undefined || score > chosen.silhouette || (Number.isNaN(chosen.silhouette) && !Number.isNaN(score))) {
        chosen = { fit, silhouette: score };
      }
    }
  } finally {
    await threads?.close();
  }
  const { fit, silhouette } = chosen as { fit: KMeansFit; silhouette: number };

  const order = canonicalOrder(fit, d);
  const centroids = order.map((old) => Array.from(fit.centroids.subarray(old * d, old * d + d)));
  // Assigned exactly as assign() will do it, so an exact distance tie cannot make the two disagree.
  const segment = new Int32Array(n);
  assignNearest(x, Float64Array.from(centroids.flat()), fit.k, segment);
  const sizes = new Array<number>(fit.k).fill(0);
  for (const s of segment) sizes[s]++;
  // Profiles are the members' means in the data's own units (for a converged fit without log
  // features this equals the centroid mapped back from z-scores).
  const sums = new Float64Array(fit.k * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sums[segment[i] * d + j] += original.values[i * d + j];

  const segments: SegmentDescription[] = centroids.map((_centroid, key) => {
    const profile: Record<string, number> = {};
    features.forEach((name, j) => (profile[name] = sums[key * d + j] / sizes[key]));
    profile.share = sizes[key] / n;
    return { key, label: `Cluster ${key + 1}`, size: sizes[key], profile };
  });

  Object.assign(metrics, {
    k: fit.k,
    inertia: fit.inertia,
    silhouette,
    iterations: fit.iterations,
    converged: fit.converged ? 1 : 0,
    n_init: params.nInit,
    silhouette_sample_size: sampleRows === null ? n : sampleRows.length,
  });
  ctx.log.info(
    ks.length > 1
      ? `chose k=${fit.k} of ${ks[0]}..${ks.at(-1)} by silhouette (${silhouette.toFixed(4)}); engine ${params.engine}, ${threadCount} thread(s)`
      : `fitted k=${fit.k} (silhouette ${silhouette.toFixed(4)}); engine ${params.engine}, ${threadCount} thread(s)`,
  );
  if (!fit.converged) ctx.log.warn(`k-means did not converge within ${params.maxIterations} iterations; raise maxIterations`);
  ctx.progress(1, 'done');
  throwIfAborted(ctx.signal);

  return {
    artifact: encodeArtifact({ features, logFeatures: params.logFeatures, means: scaling.means, stds: scaling.stds, centroids }),
    segments,
    assignments: { segment },
    metrics,
  };
}

/** Puts each row of `frame` into the segment of its nearest centroid, in the z-score space of the training data. */
export async function assignKMeans(artifact: ModelArtifact, frame: FeatureFrame, ctx: RunContext): Promise<Assignments> {
  throwIfAborted(ctx.signal);
  const model = decodeArtifact(artifact);
  const x = applyZScore(modelInput(frame, model.features, model.logFeatures ?? []), model);
  const segment = new Int32Array(x.n);
  assignNearest(x, Float64Array.from(model.centroids.flat()), model.centroids.length, segment);
  return { segment };
}
