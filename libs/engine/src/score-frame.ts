import {
  createFeatureFrame,
  FeatureRequirementError,
  throwIfAborted,
  type FeatureColumn,
  type FeatureFrame,
  type KpiInput,
  type SegmentDescription,
  type Assignments,
  type ModelArtifact,
  type PreparedModel,
  type RunContext,
  type SegmentationModel,
} from '@workbench/plugin-sdk';
import { runKpiEvaluators, type EvaluatedKpi, type KpiStep } from './run-kpis';
import { PluginContractError, type SegmentResult } from './run-segmentation';

/** A customer the model could not score, and the plugin's reason. `row` is 1-based in the scored data. */
export interface RowError {
  row: number;
  customerId: string;
  message: string;
}

/** Segment per row of the scored frame (−1 for a row in `errors`), the score where the model gives one (NaN there). */
export interface ScoreOutcome {
  segment: Int32Array;
  score?: Float64Array;
  errors: RowError[];
}

export interface ScoreStep {
  model: SegmentationModel;
  /** The trained model as the run stored it. */
  artifact: ModelArtifact;
  frame: FeatureFrame;
  /** Segments of the run (keys 0..segmentCount − 1), so a key outside them is caught here. */
  segmentCount: number;
  /** The model as the plugin's `prepare` read it, kept by the host: used instead of `assign` with the artifact. */
  prepared?: PreparedModel;
}

/** The rows `rows` of `frame`, in that order. */
export function selectRows(frame: FeatureFrame, rows: ArrayLike<number>): FeatureFrame {
  const columns: Record<string, FeatureColumn> = {};
  for (const [name, column] of Object.entries(frame.columns)) {
    columns[name] =
      column.kind === 'numeric'
        ? { kind: 'numeric', values: Float64Array.from(rows, (i) => column.values[i]) }
        : { kind: 'categorical', codes: Int32Array.from(rows, (i) => column.codes[i]), levels: column.levels };
  }
  return createFeatureFrame(
    Array.from(rows, (i) => frame.ids[i]),
    columns,
  );
}

/** A data problem of some customer (a missing or unusable value), as opposed to a bug or a broken model. */
const isDataError = (e: unknown): e is Error => e instanceof Error && e.name === 'FeatureRequirementError';

/**
 * Scores `frame` with a trained model through its `assign`, the same for a sandbox thread and in-process.
 *
 * A customer whose features the plugin refuses (a `FeatureRequirementError`: a missing value, a value a
 * log cannot take) does not fail the batch: the rows at fault are found by halving the batch (about
 * 2·log₂ n calls of `assign` per bad row), recorded with the plugin's message, and the other rows are
 * scored together in one last call, so a plugin whose assignment depends on the batch (RFM's tie
 * groups) sees the batch minus those rows. An error that is not about a row (a feature absent from the
 * data: both halves fail alike) or any other error fails the batch.
 */
export async function scoreFrame(step: ScoreStep, ctx: RunContext): Promise<ScoreOutcome> {
  const { model, artifact, frame, segmentCount } = step;
  const name = model.manifest.name;
  const n = frame.rowCount;
  const assign = async (rows: Int32Array) => {
    throwIfAborted(ctx.signal);
    const part = rows.length === n ? frame : selectRows(frame, rows);
    const result = step.prepared ? await step.prepared.assign(part, ctx) : await model.assign(artifact, part, ctx);
    if (result.segment.length !== rows.length)
      throw new PluginContractError(`plugin '${name}' assigned ${result.segment.length} rows of ${rows.length}`);
    if (result.score && result.score.length !== rows.length)
      throw new PluginContractError(`plugin '${name}' scored ${result.score.length} rows of ${rows.length}`);
    result.segment.forEach((s, i) => {
      if (!(s >= 0 && s < segmentCount))
        throw new PluginContractError(
          `plugin '${name}' put customer '${part.ids[i]}' in segment ${s}; the run has segments 0..${segmentCount - 1}`,
        );
    });
    return result;
  };
  /** The rows' assignments, or the data error the plugin refused them with. */
  const attempt = async (rows: Int32Array): Promise<Assignments | Error> => {
    try {
      return await assign(rows);
    } catch (e) {
      if (!isDataError(e)) throw e;
      return e;
    }
  };
  const failed = (r: Assignments | Error | null): r is Error => r instanceof Error;

  const all = Int32Array.from({ length: n }, (_, i) => i);
  const whole = n === 0 ? { segment: new Int32Array(0) } : await attempt(all);
  if (!failed(whole)) {
    ctx.progress(1, 'scored');
    return { segment: whole.segment, score: whole.score, errors: [] };
  }
  const first = whole;

  const bad = new Map<number, string>();
  const isolate = async (rows: Int32Array, failure: Error): Promise<void> => {
    if (rows.length === 1) {
      // The plugin saw a one-row frame: its "(row 1)" is this customer's row in the scored data.
      bad.set(rows[0], failure.message.replace(/\(row 1\)/g, `(row ${rows[0] + 1})`));
      return;
    }
    const halves = [rows.subarray(0, rows.length >> 1), rows.subarray(rows.length >> 1)];
    const results = [await attempt(halves[0]), await attempt(halves[1])];
    // Rows at fault are named in the message, so two halves failing alike means a fault of the data as a whole.
    if (failed(results[0]) && failed(results[1]) && results[0].message === results[1].message) throw results[0];
    for (let h = 0; h < 2; h++) {
      const r = results[h];
      if (failed(r)) await isolate(halves[h], r);
    }
  };
  await isolate(all, first);
  ctx.progress(0.9, `${bad.size} customer(s) refused`);

  const good = all.filter((i) => !bad.has(i));
  if (good.length === 0)
    throw new FeatureRequirementError(`no customer could be scored; the first refused: ${bad.get(0) ?? first.message}`);
  const result = await assign(good);
  const segment = new Int32Array(n).fill(-1);
  const score = result.score ? new Float64Array(n).fill(Number.NaN) : undefined;
  good.forEach((row, t) => {
    segment[row] = result.segment[t];
    if (score && result.score) score[row] = result.score[t];
  });
  const errors = [...bad.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([row, message]) => ({ row: row + 1, customerId: frame.ids[row], message }));
  ctx.log.warn(`${errors.length} of ${n} customer(s) could not be scored; the first: ${errors[0].message}`);
  ctx.progress(1, 'scored');
  return { segment, score, errors };
}

/** What a scoring evaluates besides the segments: the segmentation's KPIs over the scored customers, as a run's. */
export interface ScoreEvaluation {
  /** The run's segments (labels and profiles); sizes are the scored customers'. */
  segments: readonly SegmentDescription[];
  /** Numeric feature whose sum per segment gives the revenue share (e.g. 'monetary'), as for the run. */
  revenueFeature?: string;
  kpis: readonly KpiStep[];
  kpiInput: Pick<KpiInput<unknown>, 'referenceDate' | 'transactions' | 'tables'>;
}

/** A scoring's result with the KPIs of its scored customers: their segments' sizes and shares, and the evaluators' figures. */
export interface ScoreEvaluationOutcome {
  outcome: ScoreOutcome;
  segments: SegmentResult[];
  evaluated: EvaluatedKpi[];
}

/**
 * Scores `step.frame`, then measures the segments of the customers it scored (refused rows left out) as a
 * run measures its own: size, share, revenue share, and each KPI evaluator of the segmentation over those
 * customers and their new segments, so a KPI alert reads a scoring's figures as it reads a run's.
 */
export async function scoreAndEvaluate(
  step: ScoreStep,
  evaluation: ScoreEvaluation,
  ctx: RunContext,
): Promise<ScoreEvaluationOutcome> {
  const outcome = await scoreFrame(step, ctx);
  const all = outcome.errors.length === 0;
  const good = Int32Array.from({ length: step.frame.rowCount }, (_, i) => i).filter((i) => outcome.segment[i] >= 0);
  const frame = all ? step.frame : selectRows(step.frame, good);
  const segment = all ? outcome.segment : Int32Array.from(good, (i) => outcome.segment[i]);
  const revenue = evaluation.revenueFeature ? frame.columns[evaluation.revenueFeature] : undefined;
  const sizes = new Float64Array(evaluation.segments.length);
  const sums = new Float64Array(evaluation.segments.length);
  let total = 0;
  segment.forEach((s, i) => {
    sizes[s]++;
    const v = revenue?.kind === 'numeric' ? revenue.values[i] : Number.NaN;
    if (!Number.isNaN(v)) {
      sums[s] += v;
      total += v;
    }
  });
  const segments = evaluation.segments.map(
    (s): SegmentResult => ({
      key: s.key,
      label: s.label,
      size: sizes[s.key],
      share: frame.rowCount === 0 ? 0 : sizes[s.key] / frame.rowCount,
      revenueShare: revenue?.kind === 'numeric' ? (total === 0 ? 0 : sums[s.key] / total) : undefined,
      profile: s.profile,
    }),
  );
  const evaluated = await runKpiEvaluators(
    evaluation.kpis,
    { ...evaluation.kpiInput, frame, assignments: { segment }, segments },
    ctx,
  );
  return { outcome, segments, evaluated };
}
