import {
  kpiResultProblem,
  validateParams,
  type KpiEvaluator,
  type KpiInput,
  type KpiResult,
  type RunContext,
} from '@workbench/plugin-sdk';
import { PluginContractError } from './run-segmentation';

export interface KpiStep {
  evaluator: KpiEvaluator;
  /** Raw params as configured on the segmentation; validated here. */
  params: unknown;
}

export interface EvaluatedKpi extends KpiResult {
  /** `name@version` of the evaluator that computed it. */
  evaluator: string;
}

/**
 * Runs the KPI evaluators of a segmentation over its result and checks what they return: every
 * figure names a declared KPI and an existing segment, and is a finite number or null with a note
 * saying why — never NaN, never a silent zero for "unknown".
 */
export async function runKpiEvaluators(
  steps: readonly KpiStep[],
  input: Omit<KpiInput<unknown>, 'params'>,
  ctx: RunContext,
): Promise<EvaluatedKpi[]> {
  const out: EvaluatedKpi[] = [];
  const keys = new Set(input.segments.map((s) => s.key));
  for (const { evaluator, params } of steps) {
    const { name, version } = evaluator.manifest;
    const validated = validateParams(name, evaluator.manifest.params, params);
    const declared = new Set(evaluator.manifest.kpis.map((k) => k.key));
    const results = await evaluator.evaluate({ ...input, params: validated }, ctx);
    for (const r of results) {
      const problem = kpiResultProblem(r, name, declared, keys);
      if (problem) throw new PluginContractError(problem);
      out.push({ ...r, evaluator: `${name}@${version}` });
    }
  }
  return out;
}
