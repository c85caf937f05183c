import { PluginDefinitionError } from './errors';
import type { FeatureFrame } from './frame';
import { manifestProblems, type PluginManifest } from './manifest';
import type { RunContext } from './run-context';

/** One segment a model found. Keys are 0..k-1; `profile` describes the segment in the data's own units. */
export interface SegmentDescription {
  key: number;
  label: string;
  size: number;
  profile: Record<string, number | string | null>;
}

/** The trained model as bytes the host stores; `format` tells `assign` how to read them back. */
export interface ModelArtifact {
  format: string;
  bytes: Uint8Array;
}

/** Segment key per frame row (same order as `frame.ids`), and a score per row for models that have one. */
export interface Assignments {
  segment: Int32Array;
  score?: Float64Array;
}

export interface TrainedModel {
  artifact: ModelArtifact;
  segments: SegmentDescription[];
  /** Assignments of the training frame itself. */
  assignments: Assignments;
  /** Named figures of the fit (inertia, silhouette, auc, ...), recorded on the run. */
  metrics: Record<string, number>;
  /** Compute backend used, when the plugin has a choice (e.g. 'wasm'). */
  backend?: string;
}

/**
 * A trained model read once (weights loaded, JSON parsed) and kept by the host to score request after
 * request, e.g. for online scoring. Returned by {@link SegmentationModel.prepare}.
 */
export interface PreparedModel {
  /** Scores `frame` exactly as `assign(model, frame, ctx)` of the same model would. */
  assign(frame: FeatureFrame, ctx: RunContext): Promise<Assignments>;
  /** Frees what the model holds (e.g. tensors); the host calls it once, when it drops the model. */
  dispose(): void;
}

/**
 * A model that puts each customer into one segment: a segmenter, or a predictor (which also scores).
 * Build one with {@link defineSegmentationModel}.
 */
export interface SegmentationModel<P extends object = object> {
  contractVersion: 1;
  manifest: PluginManifest<P> & { kind: 'segmenter' | 'predictor'; artifactFormat: string; producesScores: boolean };
  /** Fits the model. Deterministic given `ctx.seed`; reports progress; stops with RunAbortedError when `ctx.signal` aborts. */
  train(input: { params: P; frame: FeatureFrame }, ctx: RunContext): Promise<TrainedModel>;
  /** Scores new data with a model returned by `train`. */
  assign(model: ModelArtifact, frame: FeatureFrame, ctx: RunContext): Promise<Assignments>;
  /**
   * Optional: reads a model once for many `assign` calls (a host scoring one customer per request calls
   * this once per model and process). Worth it when reading the artifact costs more than scoring a row,
   * e.g. building a network. Without it the host calls `assign` with the artifact each time.
   *
   * @example
   * async prepare(model, ctx) {
   *   const network = await loadNetwork(model);
   *   return { assign: async (frame) => score(network, frame), dispose: () => network.dispose() };
   * }
   */
  prepare?(model: ModelArtifact, ctx: RunContext): Promise<PreparedModel>;
}

/**
 * Checks and returns a segmentation model definition: a plugin module does
 * `export default defineSegmentationModel({...})`. Throws {@link PluginDefinitionError} naming
 * every broken field, so a bad plugin fails when it is loaded, not halfway through a run.
 *
 * @example
 * export default defineSegmentationModel({
 *   contractVersion: 1,
 *   manifest: { name: 'segmenter-threshold', version: '1.0.0', kind: 'segmenter', sdk: '^1.0.0',
 *     description: 'two segments split at a spend threshold', params: ThresholdParams, requires: [],
 *     artifactFormat: 'threshold-json/1', producesScores: false },
 *   async train({ params, frame }, ctx) { ... },
 *   async assign(model, frame, ctx) { ... },
 * });
 */
export function defineSegmentationModel<P extends object>(definition: SegmentationModel<P>): SegmentationModel<P> {
  const d = definition as unknown as Record<string, unknown>;
  const manifest = (definition?.manifest ?? {}) as SegmentationModel<P>['manifest'];
  const problems = manifestProblems(manifest as PluginManifest<object>);
  if (d.contractVersion !== 1) problems.push(`contractVersion ${JSON.stringify(d.contractVersion)} must be 1`);
  if ((manifest.kind as string) === 'kpi')
    problems.push("manifest.kind 'kpi' belongs to defineKpiEvaluator; a model is 'segmenter' or 'predictor'");
  if (typeof manifest.artifactFormat !== 'string' || manifest.artifactFormat === '') {
    problems.push("manifest.artifactFormat must name the model's byte format, e.g. 'kmeans-json/1'");
  }
  if (typeof manifest.producesScores !== 'boolean') problems.push('manifest.producesScores must be true or false');
  if (typeof d.train !== 'function') problems.push('train must be a function');
  if (typeof d.assign !== 'function') problems.push('assign must be a function');
  if (d.prepare !== undefined && typeof d.prepare !== 'function')
    problems.push('prepare, when given, must be a function');
  if (problems.length > 0)
    throw new PluginDefinitionError(typeof manifest.name === 'string' ? manifest.name : '(unnamed)', problems);
  return Object.freeze(definition);
}
