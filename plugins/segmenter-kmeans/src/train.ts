import {
  completeRows,
  FeatureRequirementError,
  fillValue,
  IMPUTE_HINT,
  missingCounts,
  numericColumnNames,
  numericMatrix,
  ParamsValidationError,
  resolveColumnName,
  seededRandom,
  throwIfAborted,
  type Assignments,
  type FeatureFrame,
  type ModelArtifact,
  type RunContext,
  type SegmentDescription,
  type TrainedModel,
} from '@workbench/plugin-sdk';
import { artifactScaling, decodeArtifact, encodeArtifact, type KMeansArtifact } from './artifact';
import { fitFastKMeans } from './fast-kmeans';
import { assignNearest, fitKMeans, toRowArrays, type KMeansFit } from './kmeans-fit';
import { effectiveThreads, KMeansThreads } from './kmeans-threads';
import { restartsFor, type KMeansParams } from './kmeans-params';
import { rowMatrix, type RowMatrix } from './row-matrix';
import { applyScaling, fitScaling } from './scaling';
import { sampledSilhouette, silhouetteSampleRows } from './silhouette';

export const PLUGIN_NAME = 'segmenter-kmeans';

/** The features to cluster on: those named in params (as the data spells them), or every numeric column in frame order. */
export function resolveFeatures(params: Pick<KMeansParams, 'features'>, frame: FeatureFrame): string[] {
  if (params.features.length > 0) return params.features.map((name) => resolveColumnName(frame, name, 'features'));
  const names = numericColumnNames(frame);
  if (names.length === 0)
    throw new FeatureRequirementError('segmenter-kmeans needs at least one numeric feature, and the data has none');
  return names;
}

/** The k values to try: [k] when given, else kMin..kMax clipped to n − 1 (silhouette needs k < n). */
export function candidateKs(params: Pick<KMeansParams, 'k' | 'kMin' | 'kMax'>, rowCount: number): number[] {
  if (params.k !== undefined) {
    if (params.k > rowCount) {
      throw new ParamsValidationError(PLUGIN_NAME, [
        { path: 'k', message: `k (${params.k}) must not exceed the number of rows (${rowCount})` },
      ]);
    }
    return [params.k];
  }
  const kMax = Math.min(params.kMax, rowCount - 1);
  if (params.kMin > kMax) {
    throw new ParamsValidationError(PLUGIN_NAME, [
      { path: 'kMin', message: `kMin (${params.kMin}) must be below the number of rows (${rowCount}) to search k` },
    ]);
  }
  return Array.from({ length: kMax - params.kMin + 1 }, (_, i) => params.kMin + i);
}

/** Refuses log features that are not clustered features. */
function checkLogFeatures(features: readonly string[], logFeatures: readonly string[]): void {
  const unknown = logFeatures.filter((f) => !features.includes(f));
  if (unknown.length > 0) {
    throw new FeatureRequirementError(
      `logFeatures ${unknown.map((f) => `'${f}'`).join(', ')} must also be clustered features (features: ${features.join(', ')})`,
    );
  }
}

/**
 * Applies log(1 + x) to the `logFeatures` columns of `x` in place. Throws naming the customer when a value
 * cannot be logged; `frameRows[i]` is the frame row of matrix row i (absent: the same). NaN stays NaN.
 */
function applyLogFeatures(
  x: RowMatrix,
  frame: FeatureFrame,
  features: readonly string[],
  logFeatures: readonly string[],
  frameRows?: Int32Array,
): void {
  const { values, n, d } = x;
  for (const name of logFeatures) {
    const j = features.indexOf(name);
    for (let i = 0; i < n; i++) {
      const v = values[i * d + j];
      if (v <= -1) {
        const row = frameRows ? frameRows[i] : i;
        throw new FeatureRequirementError(
          `feature '${name}' is ${v} for customer '${frame.ids[row]}' (row ${row + 1}); a log feature needs values above -1`,
        );
      }
      values[i * d + j] = Math.log1p(v);
    }
  }
}

/**
 * The matrix the model clusters: named features (missing values filled by `impute`, kept as NaN for
 * 'drop', refused without it), with log(1 + x) applied to `logFeatures`. Throws naming the customer when
 * a value cannot be logged or is missing.
 */
export function modelInput(
  frame: FeatureFrame,
  features: readonly string[],
  logFeatures: readonly string[],
  impute?: KMeansArtifact['impute'],
): RowMatrix {
  checkLogFeatures(features, logFeatures);
  const x = rowMatrix(numericMatrix(frame, features, matrixOptions(impute)), features.length);
  applyLogFeatures(x, frame, features, logFeatures);
  return x;
}

function matrixOptions(impute: KMeansArtifact['impute'] | undefined) {
  if (impute === undefined) return { hint: IMPUTE_HINT };
  return impute.method === 'drop' ? { allowMissing: true } : { fill: impute.fill };
}

/** Rows `rows` of `x`, as a new matrix. */
function selectRows(x: RowMatrix, rows: Int32Array): RowMatrix {
  const { values, d } = x;
  const out = new Float64Array(rows.length * d);
  for (let t = 0; t < rows.length; t++) out.set(values.subarray(rows[t] * d, rows[t] * d + d), t * d);
  return { values: out, n: rows.length, d };
}

/**
 * Puts every row of `x` that has a missing (NaN) value into the nearest centroid over the features it has
 * (ties to the lower index), writing `labels`. A row with no value at all cannot be placed: throws naming
 * the customer.
 */
function assignIncompleteRows(
  x: RowMatrix,
  centroids: Float64Array,
  k: number,
  labels: Int32Array,
  frame: FeatureFrame,
): void {
  const { values, n, d } = x;
  for (let i = 0; i < n; i++) {
    let observed = 0;
    for (let t = 0; t < d; t++) if (!Number.isNaN(values[i * d + t])) observed++;
    if (observed === d) continue;
    if (observed === 0)
      throw new FeatureRequirementError(
        `customer '${frame.ids[i]}' (row ${i + 1}) has no value for any clustered feature, so no segment can be chosen`,
      );
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      let distance = 0;
      for (let t = 0; t < d; t++) {
        const v = values[i * d + t];
        if (!Number.isNaN(v)) distance += (v - centroids[c * d + t]) ** 2;
      }
      if (distance < bestDistance) {
        bestDistance = distance;
        best = c;
      }
    }
    labels[i] = best;
  }
}

/** Σ‖xᵢ − mean of xᵢ's segment‖² over the rows of `x` (the partition's inertia in x's own units). */
function partitionInertia(x: RowMatrix, labels: Int32Array, k: number): number {
  const { values, n, d } = x;
  const sums = new Float64Array(k * d);
  const sizes = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sizes[labels[i]]++;
    for (let t = 0; t < d; t++) sums[labels[i] * d + t] += values[i * d + t];
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    for (let t = 0; t < d; t++) total += (values[i * d + t] - sums[c * d + t] / sizes[c]) ** 2;
  }
  return total;
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
  // From here on the names are the data's ('Monetary' is the column 'monetary'); the artifact stores those.
  params = {
    ...params,
    features,
    logFeatures: params.logFeatures.map((name) => resolveColumnName(frame, name, 'logFeatures')),
  };
  checkLogFeatures(features, params.logFeatures);
  const d = features.length;
  const missing = params.impute === undefined ? 0 : missingCounts(frame, features).reduce((a, b) => a + b, 0);
  const impute: KMeansArtifact['impute'] =
    params.impute === undefined
      ? undefined
      : params.impute === 'drop'
        ? { method: 'drop' }
        : {
            method: params.impute,
            fill: features.map((name) =>
              fillValue(
                (frame.columns[name] as { values: Float64Array }).values,
                params.impute as 'median',
                undefined,
                name,
              ),
            ),
          };
  // Every row in the data's own units (missing values filled, or NaN for 'drop'); the rows the model is fitted on.
  const all = rowMatrix(numericMatrix(frame, features, matrixOptions(impute)), d);
  const fitRows = impute?.method === 'drop' && missing > 0 ? completeRows(frame, features) : undefined;
  const original = fitRows ? selectRows(all, fitRows) : all;
  // Without log features the model input is the original data: no second copy.
  const raw = params.logFeatures.length === 0 ? original : { ...original, values: original.values.slice() };
  applyLogFeatures(raw, frame, features, params.logFeatures, fitRows);
  const n = raw.n;
  if (n < 2)
    throw new FeatureRequirementError(
      `segmenter-kmeans needs at least 2 rows${fitRows ? ' with every clustered feature present' : ''}, and the data has ${n}`,
    );
  const ks = candidateKs(params, n);
  const nInit = restartsFor(params.nInit, n);

  const scaling = fitScaling(raw, params.standardize);
  const threadCount = params.engine === 'fast' ? effectiveThreads(params.threads, n) : 1;
  // Worker threads read the scaled data in place, so it is written straight into shared memory.
  const x = applyScaling(
    raw,
    scaling,
    threadCount > 1 ? new Float64Array(new SharedArrayBuffer(n * d * 8)) : undefined,
  );
  let rows: number[][] | undefined;
  const sampleRows = silhouetteSampleRows(n, params.silhouetteSampleSize, seededRandom(ctx.seed));

  const metrics: Record<string, number> = {};
  const totalFits = ks.length * nInit;
  let fitsDone = 0;
  let chosen: { fit: KMeansFit; silhouette: number } | undefined;
  const threads = threadCount > 1 ? KMeansThreads.open(threadCount) : undefined;
  try {
    for (const k of ks) {
      let best: KMeansFit | undefined;
      for (let restart = 0; restart < nInit; restart++) {
        throwIfAborted(ctx.signal);
        const options = {
          seed: fitSeed(ctx.seed, k, restart),
          maxIterations: params.maxIterations,
          tolerance: params.tolerance,
        };
        const fit =
          params.engine === 'fast'
            ? await fitFastKMeans(x, k, { ...options, signal: ctx.signal }, threads)
            : fitKMeans(x, k, options, (rows ??= toRowArrays(x)));
        if (best === undefined || fit.inertia < best.inertia) best = fit;
        fitsDone++;
        // The last unit (1) is kept for the final report, so fits go up to totalFits / (totalFits + 1).
        ctx.progress(fitsDone / (totalFits + 1), `k=${k}, restart ${restart + 1} of ${nInit}`);
        throwIfAborted(ctx.signal);
      }
      const fit = best as KMeansFit;
      const score = sampledSilhouette(x, fit.labels, k, sampleRows);
      metrics[`inertia_k${k}`] = fit.inertia;
      metrics[`silhouette_k${k}`] = score;
      // Highest silhouette wins; a tie keeps the smaller k. NaN (undefined silhouette) never wins.
      if (
        chosen === undefined ||
        score > chosen.silhouette ||
        (Number.isNaN(chosen.silhouette) && !Number.isNaN(score))
      ) {
        chosen = { fit, silhouette: score };
      }
    }
  } finally {
    await threads?.close();
  }
  const { fit, silhouette } = chosen as { fit: KMeansFit; silhouette: number };

  const order = canonicalOrder(fit, d);
  const centroids = order.map((old) => Array.from(fit.centroids.subarray(old * d, old * d + d)));
  const flatCentroids = Float64Array.from(centroids.flat());
  // Assigned exactly as assign() will do it, so an exact distance tie cannot make the two disagree.
  const fitted = new Int32Array(n);
  assignNearest(x, flatCentroids, fit.k, fitted);
  let segment = fitted;
  if (fitRows) {
    // Rows left out of the fit go to the nearest centroid over the features they have, as assign() does.
    const scaledAll = applyScaling(modelInput(frame, features, params.logFeatures, impute), scaling);
    segment = new Int32Array(frame.rowCount);
    for (let t = 0; t < n; t++) segment[fitRows[t]] = fitted[t];
    assignIncompleteRows(scaledAll, flatCentroids, fit.k, segment, frame);
  }
  const sizes = new Array<number>(fit.k).fill(0);
  for (const s of segment) sizes[s]++;
  // Profiles are the members' means in the data's own units over the values they have (for a converged
  // fit without log features or missing values this equals the centroid mapped back from the scaled space).
  const sums = new Float64Array(fit.k * d);
  const counts = new Float64Array(fit.k * d);
  for (let i = 0; i < all.n; i++) {
    for (let j = 0; j < d; j++) {
      const v = all.values[i * d + j];
      if (Number.isNaN(v)) continue;
      sums[segment[i] * d + j] += v;
      counts[segment[i] * d + j]++;
    }
  }

  const segments: SegmentDescription[] = centroids.map((_centroid, key) => {
    const profile: Record<string, number> = {};
    features.forEach((name, j) => (profile[name] = sums[key * d + j] / counts[key * d + j]));
    profile.share = sizes[key] / frame.rowCount;
    return { key, label: `Cluster ${key + 1}`, size: sizes[key], profile };
  });

  // The same partition measured in the data's own units (before log and scaling), on the fitted rows.
  const inertiaOriginal = partitionInertia(original, fitted, fit.k);
  const silhouetteOriginal = sampledSilhouette(original, fitted, fit.k, sampleRows);
  Object.assign(metrics, {
    k: fit.k,
    inertia: fit.inertia,
    silhouette,
    inertia_original: inertiaOriginal,
    silhouette_original: silhouetteOriginal,
    iterations: fit.iterations,
    converged: fit.converged ? 1 : 0,
    n_init: nInit,
    silhouette_sample_size: sampleRows === null ? n : sampleRows.length,
  });
  if (params.impute !== undefined) {
    metrics.imputed_values = impute?.method === 'drop' ? 0 : missing;
    metrics.dropped_rows = fitRows ? frame.rowCount - n : 0;
  }
  const space = params.standardize === 'none' ? 'original units' : `${params.standardize} space`;
  ctx.log.info(
    `${ks.length > 1 ? `chose k=${fit.k} of ${ks[0]}..${ks.at(-1)} by silhouette` : `fitted k=${fit.k}`}, ${nInit} restart(s) per k${params.nInit === undefined ? ' (default for ' + n + ' rows)' : ''}; ` +
      `in the ${space}${params.logFeatures.length > 0 ? ` of log(1 + x) for ${params.logFeatures.join(', ')}` : ''}: inertia ${fit.inertia.toPrecision(6)}, silhouette ${silhouette.toFixed(4)}; ` +
      `in original units: inertia ${inertiaOriginal.toPrecision(6)}, silhouette ${silhouetteOriginal.toFixed(4)}; engine ${params.engine}, ${threadCount} thread(s)`,
  );
  if (params.impute !== undefined && missing > 0) {
    ctx.log.info(
      fitRows
        ? `left ${frame.rowCount - n} row(s) with missing values out of the fit and assigned them over the features they have`
        : `imputed ${missing} missing value(s) with the ${params.impute}`,
    );
  }
  if (!fit.converged)
    ctx.log.warn(`k-means did not converge within ${params.maxIterations} iterations; raise maxIterations`);
  ctx.progress(1, 'done');
  throwIfAborted(ctx.signal);

  return {
    artifact: encodeArtifact({
      features,
      logFeatures: params.logFeatures,
      standardize: params.standardize,
      scaling,
      impute,
      centroids,
    }),
    segments,
    assignments: { segment },
    metrics,
  };
}

/** Puts each row of `frame` into the segment of its nearest centroid, in the scaled space of the training data. */
export async function assignKMeans(
  artifact: ModelArtifact,
  frame: FeatureFrame,
  ctx: RunContext,
): Promise<Assignments> {
  throwIfAborted(ctx.signal);
  const model = decodeArtifact(artifact);
  const x = applyScaling(
    modelInput(frame, model.features, model.logFeatures ?? [], model.impute),
    artifactScaling(model),
  );
  const centroids = Float64Array.from(model.centroids.flat());
  const segment = new Int32Array(x.n);
  assignNearest(x, centroids, model.centroids.length, segment);
  if (model.impute?.method === 'drop') assignIncompleteRows(x, centroids, model.centroids.length, segment, frame);
  return { segment };
}
