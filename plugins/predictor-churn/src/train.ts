import {
  completeRows,
  FeatureRequirementError,
  missingCounts,
  resolveColumnName,
  seededRandom,
  throwIfAborted,
  type Assignments,
  type FeatureFrame,
  type ModelArtifact,
  type PreparedModel,
  type RunContext,
  type SegmentDescription,
  type TrainedModel,
} from '@workbench/plugin-sdk';
import { decodeArtifact, encodeArtifact, loadNetwork, saveNetwork } from './artifact';
import { ensureBackend } from './backend';
import type { ChurnParams } from './churn-params';
import { brierScore, calibrationTable, expectedCalibrationError, logLoss, rocAuc } from './metrics';
import { fitAdam } from './fit';
import { buildNetwork, countParameters, flatWeights, predictProbabilities, setFlatWeights } from './network';
import { encodeFrame, fitPreprocessing, labelVector, resolveFeatures } from './preprocessing';
import { stratifiedHoldout, streamSeed, type HoldoutSplit } from './split';
import { assignTiers, TIER_LABELS, tierCuts } from './tiers';

export const PLUGIN_NAME = 'predictor-churn';

/** Share of the progress bar spent before the first epoch (label, split, encoding). */
const PREPARED = 0.05;
/** Share spent once every epoch has run; the rest is scoring, metrics and the artifact. */
const FITTED = 0.95;
/** At most about this many progress reports during training (every epoch when there are this few). */
const PROGRESS_REPORTS = 20;

/** Copies the rows `rows` of a row-major `· × width` matrix, in that order. */
function takeRows(x: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * width);
  for (let t = 0; t < rows.length; t++) out.set(x.subarray(rows[t] * width, rows[t] * width + width), t * width);
  return out;
}

function pick<T extends Float64Array | Uint8Array>(values: T, rows: Uint32Array): number[] {
  return Array.from(rows, (i) => values[i]);
}

/** Holdout metrics (or training-row metrics when there is no holdout) as flat numbers; see the README for every key. */
export function evaluationMetrics(
  y: Uint8Array,
  scores: Float64Array,
  split: HoldoutSplit,
  calibrationBins: number,
): Record<string, number> {
  const evaluated = split.holdout.length > 0 ? split.holdout : split.train;
  const yEval = pick(y, evaluated);
  const pEval = pick(scores, evaluated);
  const yTrain = pick(y, split.train);
  const table = calibrationTable(yEval, pEval, calibrationBins);
  const metrics: Record<string, number> = {
    auc: rocAuc(yEval, pEval),
    log_loss: logLoss(yEval, pEval),
    brier: brierScore(yEval, pEval),
    calibration_error: expectedCalibrationError(table),
    train_auc: rocAuc(yTrain, pick(scores, split.train)),
    train_rows: split.train.length,
    train_positive_rate: yTrain.reduce((s, v) => s + v, 0) / yTrain.length,
    holdout_rows: split.holdout.length,
    holdout_positive_rate: split.holdout.length > 0 ? yEval.reduce((s, v) => s + v, 0) / yEval.length : Number.NaN,
    calibration_bins: calibrationBins,
  };
  for (const bin of table) {
    metrics[`calibration_bin${bin.bin}_count`] = bin.count;
    if (bin.count > 0) {
      metrics[`calibration_bin${bin.bin}_predicted`] = bin.meanPredicted;
      metrics[`calibration_bin${bin.bin}_observed`] = bin.observedRate;
    }
  }
  return metrics;
}

/** One segment per risk tier, profiled by score, observed churn and the numeric features' means in original units. */
function tierSegments(
  frame: FeatureFrame,
  features: string[],
  y: Uint8Array,
  scores: Float64Array,
  tiers: Int32Array,
  cuts: [number, number],
): SegmentDescription[] {
  const bounds = [0, cuts[0], cuts[1], 1];
  return TIER_LABELS.map((label, key) => {
    const members: number[] = [];
    for (let i = 0; i < tiers.length; i++) if (tiers[i] === key) members.push(i);
    const mean = (value: (i: number) => number) =>
      members.length > 0 ? members.reduce((s, i) => s + value(i), 0) / members.length : null;
    // A feature's mean over the members that have a value (missing ones may have been imputed or dropped).
    const presentMean = (values: Float64Array) => {
      const present = members.filter((i) => !Number.isNaN(values[i]));
      return present.length > 0 ? present.reduce((s, i) => s + values[i], 0) / present.length : null;
    };
    const profile: Record<string, number | null> = {
      probability_from: bounds[key],
      probability_to: bounds[key + 1],
      mean_churn_probability: mean((i) => scores[i]),
      observed_churn_rate: mean((i) => y[i]),
      share: members.length / tiers.length,
    };
    for (const name of features) {
      const column = frame.columns[name];
      if (column.kind === 'numeric') profile[name] = presentMean(column.values);
    }
    return { key, label, size: members.length, profile };
  });
}

/** Trains predictor-churn: see the README for the method. Deterministic for a fixed `ctx.seed` on one backend. */
export async function trainChurn(params: ChurnParams, frame: FeatureFrame, ctx: RunContext): Promise<TrainedModel> {
  throwIfAborted(ctx.signal);
  const backend = await ensureBackend();
  // The label and features as the data spells them ('Churn' is the column 'churn' once ingest has normalised it).
  params = {
    ...params,
    label: resolveColumnName(frame, params.label, 'label'),
    features: params.features.map((name) => resolveColumnName(frame, name, 'features')),
  };
  const y = labelVector(frame, params.label, params.positiveLabel);
  const positiveLabel = frame.columns[params.label].kind === 'categorical' ? params.positiveLabel : null;
  const features = resolveFeatures(params.features, params.label, frame);
  const n = frame.rowCount;
  const numericFeatures = features.filter((name) => frame.columns[name].kind === 'numeric');
  const missing = params.impute === undefined ? 0 : missingCounts(frame, numericFeatures).reduce((a, b) => a + b, 0);
  let split: HoldoutSplit =
    params.holdoutFraction > 0
      ? stratifiedHoldout(y, params.holdoutFraction, ctx.seed)
      : { train: Uint32Array.from({ length: n }, (_, i) => i), holdout: new Uint32Array(0) };
  let droppedRows = 0;
  if (params.impute === 'drop' && missing > 0) {
    // The split is drawn over every row, as without missing values, then incomplete rows leave both parts.
    const complete = new Uint8Array(n);
    for (const i of completeRows(frame, numericFeatures)) complete[i] = 1;
    const keep = (rows: Uint32Array) => rows.filter((i) => complete[i] === 1);
    split = { train: keep(split.train), holdout: keep(split.holdout) };
    droppedRows = n - complete.reduce((a, b) => a + b, 0);
  }
  const trainPositives = pick(y, split.train).reduce((s, v) => s + v, 0);
  if (trainPositives === 0 || trainPositives === split.train.length) {
    throw new FeatureRequirementError(
      `label '${params.label}' has only one class in the training rows; a churn model needs both churners and non-churners`,
    );
  }
  const prep = fitPreprocessing(frame, features, split.train, params.impute);
  const width = prep.width;
  const { x } = encodeFrame(frame, prep);
  const xTrain = takeRows(x, width, split.train);
  const yTrain = Float32Array.from(split.train, (i) => y[i]);
  ctx.progress(PREPARED, `${split.train.length} training rows, ${split.holdout.length} holdout rows, ${width} inputs`);
  throwIfAborted(ctx.signal);

  const hiddenUnits = params.model === 'mlp' ? [...params.hiddenUnits] : [];
  const model = buildNetwork({
    kind: params.model,
    inputWidth: width,
    hiddenUnits,
    l2: params.l2,
    seed: streamSeed(ctx.seed, 'init'),
  });
  try {
    const reportEvery = Math.max(1, Math.ceil(params.epochs / PROGRESS_REPORTS));
    const fit = await fitAdam(
      xTrain,
      yTrain,
      flatWeights(model),
      {
        sizes: [width, ...hiddenUnits, 1],
        maxEpochs: params.epochs,
        batchSize: params.batchSize,
        learningRate: params.learningRate,
        l2: params.l2,
        tol: params.tol,
        nIterNoChange: params.nIterNoChange,
        shuffle: seededRandom(streamSeed(ctx.seed, 'shuffle')),
      },
      async (epoch, loss, isLast) => {
        if (!isLast && epoch % reportEvery !== 0) return;
        const stopped =
          isLast && epoch < params.epochs
            ? ` (stopped: loss improved < ${params.tol} for ${params.nIterNoChange + 1} epochs)`
            : '';
        ctx.progress(
          isLast ? FITTED : PREPARED + ((FITTED - PREPARED) * epoch) / params.epochs,
          `epoch ${epoch} of ${params.epochs}: loss ${loss.toFixed(4)}${stopped}`,
        );
        // Training is synchronous tfjs work: give the host's event loop a turn so an abort can arrive.
        await new Promise<void>((resolve) => setImmediate(resolve));
        throwIfAborted(ctx.signal);
      },
    );
    setFlatWeights(model, fit.weights);

    const scores = await predictProbabilities(model, x, n, width);
    const cuts = tierCuts(
      params.tiers,
      params.tiers === 'thresholds' ? params.tierThresholds : params.tierQuantiles,
      scores,
    );
    const segment = assignTiers(scores, cuts);
    const network = await saveNetwork(model);
    const metrics: Record<string, number> = {
      ...evaluationMetrics(y, scores, split, params.calibrationBins),
      final_loss: fit.loss,
      epochs: fit.epochs,
      steps: fit.steps,
      inputs: width,
      parameters: countParameters(model),
      tier_cut_medium: cuts[0],
      tier_cut_high: cuts[1],
    };
    if (params.impute !== undefined) {
      metrics.imputed_values = params.impute === 'drop' ? 0 : missing;
      metrics.dropped_rows = droppedRows;
      if (missing > 0) {
        ctx.log.info(
          params.impute === 'drop'
            ? `left ${droppedRows} row(s) with missing values out of training and the metrics; they are scored with those inputs at the training mean`
            : `imputed ${missing} missing value(s) with the training rows' ${params.impute}`,
        );
      }
    }
    ctx.log.info(
      `trained ${params.model} on ${backend}: holdout AUC ${metrics.auc.toFixed(4)}, log-loss ${metrics.log_loss.toFixed(4)}`,
    );
    ctx.progress(1, 'done');
    throwIfAborted(ctx.signal);
    return {
      artifact: encodeArtifact({
        header: {
          format: 'tfjs-layers/1',
          label: params.label,
          positiveLabel,
          model: { kind: params.model, hiddenUnits },
          preprocessing: prep,
          tierCuts: cuts,
          tierLabels: [...TIER_LABELS],
          tfjs: network.tfjs,
        },
        weights: network.weights,
      }),
      segments: tierSegments(frame, features, y, scores, segment, cuts),
      assignments: { segment, score: scores },
      metrics,
      backend,
    };
  } finally {
    model.dispose();
  }
}

/** Scores `frame` with a trained artifact (one forward pass) and puts each customer into its risk tier. */
export async function assignChurn(artifact: ModelArtifact, frame: FeatureFrame, ctx: RunContext): Promise<Assignments> {
  const prepared = await prepareChurn(artifact, ctx);
  try {
    return await prepared.assign(frame, ctx);
  } finally {
    prepared.dispose();
  }
}

/** The artifact decoded and its network built once, for scoring many frames (the host's online scoring). */
export async function prepareChurn(artifact: ModelArtifact, ctx: RunContext): Promise<PreparedModel> {
  throwIfAborted(ctx.signal);
  const decoded = decodeArtifact(artifact);
  await ensureBackend();
  const model = await loadNetwork(decoded);
  return {
    assign: async (frame, runCtx) => {
      throwIfAborted(runCtx.signal);
      const { x, unseen } = encodeFrame(frame, decoded.header.preprocessing);
      for (const [name, rows] of Object.entries(unseen)) {
        runCtx.log.warn(
          `feature '${name}': ${rows} row(s) have a level the model never saw (or none); they score as if no level were set`,
        );
      }
      const score = await predictProbabilities(model, x, frame.rowCount, decoded.header.preprocessing.width);
      return { segment: assignTiers(score, decoded.header.tierCuts), score };
    },
    dispose: () => model.dispose(),
  };
}
