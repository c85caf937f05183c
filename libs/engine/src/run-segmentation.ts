import {
  FeatureRequirementError,
  validateParams,
  type Assignments,
  type FeatureFrame,
  type ModelArtifact,
  type RunContext,
  type SegmentationModel,
} from '@workbench/plugin-sdk';

/** A plugin returned something that breaks the contract (a bug in the plugin, not in the data). */
export class PluginContractError extends Error {
  override readonly name = 'PluginContractError';
}

export interface SegmentResult {
  key: number;
  label: string;
  size: number;
  /** Share of all customers, 0..1. */
  share: number;
  /** Share of the revenue feature's total, 0..1, when the run names one. */
  revenueShare?: number;
  profile: Record<string, number | string | null>;
}

export interface SegmentationOutcome {
  segments: SegmentResult[];
  assignments: Assignments;
  artifact: ModelArtifact;
  metrics: Record<string, number>;
  backend?: string;
}

export interface SegmentationStep {
  model: SegmentationModel;
  /** Raw params as the user gave them; validated here against the plugin's params class. */
  params: unknown;
  frame: FeatureFrame;
  /** Numeric feature whose sum per segment gives the revenue share (e.g. 'monetary'). */
  revenueFeature?: string;
}

/** Checks `frame` against the plugin's declared requirements, naming each missing or mistyped column. */
export function checkRequirements(model: SegmentationModel, frame: FeatureFrame): void {
  for (const r of model.manifest.requires) {
    const column = frame.columns[r.name];
    if (!column && !r.optional)
      throw new FeatureRequirementError(
        `plugin '${model.manifest.name}' needs the ${r.type} feature '${r.name}', which the data does not have`,
      );
    if (column && column.kind !== r.type)
      throw new FeatureRequirementError(
        `plugin '${model.manifest.name}' needs '${r.name}' to be ${r.type}, but it is ${column.kind}`,
      );
  }
}

/**
 * One segmentation step, the same for the worker and the CLI: validate params, check the data
 * against the plugin's requirements, train, check what the plugin returned, and add shares.
 */
export async function runSegmentation(step: SegmentationStep, ctx: RunContext): Promise<SegmentationOutcome> {
  const { model, frame } = step;
  const params = validateParams(model.manifest.name, model.manifest.params, step.params);
  checkRequirements(model, frame);
  const trained = await model.train({ params, frame }, ctx);

  const k = trained.segments.length;
  const { segment } = trained.assignments;
  const name = model.manifest.name;
  if (segment.length !== frame.rowCount)
    throw new PluginContractError(`plugin '${name}' assigned ${segment.length} rows of ${frame.rowCount}`);
  trained.segments.forEach((s, i) => {
    if (s.key !== i) throw new PluginContractError(`plugin '${name}' returned segment keys that are not 0..${k - 1}`);
  });
  const sizes = new Float64Array(k);
  const revenue = new Float64Array(k);
  const revenueColumn = step.revenueFeature ? frame.columns[step.revenueFeature] : undefined;
  if (step.revenueFeature && revenueColumn?.kind !== 'numeric') {
    throw new FeatureRequirementError(`revenue feature '${step.revenueFeature}' is not a numeric column of the data`);
  }
  let totalRevenue = 0;
  for (let i = 0; i < segment.length; i++) {
    const s = segment[i];
    if (!(s >= 0 && s < k))
      throw new PluginContractError(`plugin '${name}' put row ${i + 1} in segment ${s}, which it did not report`);
    sizes[s]++;
    if (revenueColumn?.kind === 'numeric') {
      const v = revenueColumn.values[i];
      if (!Number.isNaN(v)) {
        revenue[s] += v;
        totalRevenue += v;
      }
    }
  }
  const segments = trained.segments.map((s): SegmentResult => {
    if (s.size !== sizes[s.key])
      throw new PluginContractError(
        `plugin '${name}' reported ${s.size} customers in '${s.label}' but assigned ${sizes[s.key]}`,
      );
    return {
      key: s.key,
      label: s.label,
      size: s.size,
      share: s.size / frame.rowCount,
      revenueShare: revenueColumn ? (totalRevenue === 0 ? 0 : revenue[s.key] / totalRevenue) : undefined,
      profile: s.profile,
    };
  });
  ctx.progress(1, 'done');
  return {
    segments,
    assignments: trained.assignments,
    artifact: trained.artifact,
    metrics: trained.metrics,
    backend: trained.backend,
  };
}
