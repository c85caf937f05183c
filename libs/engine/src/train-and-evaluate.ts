import type { KpiInput, RunContext } from '@workbench/plugin-sdk';
import { runKpiEvaluators, type EvaluatedKpi, type KpiStep } from './run-kpis';
import { runSegmentation, type SegmentationOutcome, type SegmentationStep } from './run-segmentation';

/** What a run asks of its plugins: the model's step, then each KPI evaluator over its result. */
export interface PluginWork {
  step: SegmentationStep;
  kpis: readonly KpiStep[];
  /** The KPI evaluators' input besides the frame, the assignments and the segments. */
  kpiInput: Pick<KpiInput<unknown>, 'referenceDate' | 'transactions' | 'tables'>;
}

export interface PluginWorkResult {
  outcome: SegmentationOutcome;
  evaluated: EvaluatedKpi[];
}

/** Trains the model and evaluates the KPIs: the same code in a sandbox thread and in-process. */
export async function trainAndEvaluate(work: PluginWork, ctx: RunContext): Promise<PluginWorkResult> {
  const outcome = await runSegmentation(work.step, ctx);
  const evaluated = await runKpiEvaluators(
    work.kpis,
    { ...work.kpiInput, frame: work.step.frame, assignments: outcome.assignments, segments: outcome.segments },
    ctx,
  );
  return { outcome, evaluated };
}
