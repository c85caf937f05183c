import { PluginDefinitionError } from './errors';
import type { FeatureFrame } from './frame';
import { manifestProblems, type PluginManifest } from './manifest';
import type { Assignments, SegmentDescription } from './model';
import type { RunContext } from './run-context';

/** What one KPI means; shown beside every value. */
export interface KpiDefinition {
  key: string;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  /** How it is computed, in a sentence a business reader understands. */
  definition: string;
}

/** A JSON value: what {@link KpiResult.details} may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One KPI figure for one segment (`segmentKey` null = all customers). `value` null means not computable: `note` says why. */
export interface KpiResult {
  segmentKey: number | null;
  kpi: string;
  value: number | null;
  unit: string;
  /** Customers the figure is computed over. */
  n: number;
  /** Confidence interval of an estimate; `method` names how it was computed (e.g. 'bootstrap 95% percentile, 1000 resamples'). */
  interval?: { lower: number; upper: number; method: string };
  /** Period the figure covers, ISO dates (inclusive start, exclusive end). */
  window?: { start: string; end: string };
  note?: string;
  /**
   * Structured figures behind the value, for a reader who checks them against their own tools: e.g. a fitted
   * model's parameters, log-likelihood and convergence, or a calibration-vs-holdout table. JSON only; the
   * note stays the sentence a business reader sees.
   *
   * @example
   * { bgNbd: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, logLikelihood: -9582.43, converged: true } }
   */
  details?: { [key: string]: JsonValue };
}

/**
 * The transactions of the customers of a run, by column: transaction `t` belongs to frame row
 * `customerRow[t]`. Present when the dataset has a transactions table.
 *
 * @example
 * for (let t = 0; t < tx.amount.length; t++) revenue[segment[tx.customerRow[t]]] += tx.amount[t];
 */
export interface TransactionColumns {
  /** Row of `KpiInput.frame` (and of the assignments) each transaction belongs to. */
  customerRow: Int32Array;
  /** Order index: equal values are one order; -1 when the data has no order ids. */
  order: Int32Array;
  /** Epoch milliseconds, UTC. */
  timestamp: Float64Array;
  /** Signed amount: returns and cancellations are negative. */
  amount: Float64Array;
  /** 1 for a return or cancellation. */
  isReturn: Uint8Array;
}

export interface KpiInput<P> {
  params: P;
  /** One row per customer: the features the run trained on, joined with customer attributes. */
  frame: FeatureFrame;
  assignments: Assignments;
  segments: SegmentDescription[];
  /** The day the KPIs are computed as of (epoch ms, UTC): the day after the last transaction, or the run date. */
  referenceDate: number;
  transactions?: TransactionColumns;
  /**
   * Optional extra tables of the dataset by name, one frame each (row ids are row numbers), e.g.
   * `marketing_spend` (channel, period, spend) or `survey` (customer_id, csat, nps).
   */
  tables?: Readonly<Record<string, FeatureFrame>>;
}

/** Computes KPIs per segment and overall. Build one with {@link defineKpiEvaluator}. */
export interface KpiEvaluator<P extends object = object> {
  contractVersion: 1;
  manifest: PluginManifest<P> & { kind: 'kpi'; kpis: KpiDefinition[] };
  evaluate(input: KpiInput<P>, ctx: RunContext): Promise<KpiResult[]>;
}

/** Checks and returns a KPI evaluator definition (see {@link defineSegmentationModel} for the pattern). */
export function defineKpiEvaluator<P extends object>(definition: KpiEvaluator<P>): KpiEvaluator<P> {
  const manifest = (definition?.manifest ?? {}) as KpiEvaluator<P>['manifest'];
  const problems = manifestProblems(manifest as PluginManifest<object>);
  if (definition?.contractVersion !== 1) problems.push('contractVersion must be 1');
  if (manifest.kind !== 'kpi') problems.push("manifest.kind must be 'kpi'");
  if (!Array.isArray(manifest.kpis) || manifest.kpis.length === 0)
    problems.push('manifest.kpis must list the KPIs the evaluator computes');
  if (typeof definition?.evaluate !== 'function') problems.push('evaluate must be a function');
  if (problems.length > 0)
    throw new PluginDefinitionError(typeof manifest.name === 'string' ? manifest.name : '(unnamed)', problems);
  return Object.freeze(definition);
}

/**
 * What is wrong with one figure an evaluator returned, or null when nothing is: it names a KPI of the
 * manifest and a segment of the run (or `null`, all customers), and is a finite number, or null with a
 * note saying why — never NaN, never a silent zero for "unknown". The host refuses a run's KPIs on the
 * first problem; the conformance kit expects none.
 *
 * @example
 * const problem = kpiResultProblem(result, 'kpi-clv', new Set(['p_alive']), new Set([0, 1]));
 * if (problem) throw new Error(problem);
 */
export function kpiResultProblem(
  result: KpiResult,
  pluginName: string,
  declaredKpis: ReadonlySet<string>,
  segmentKeys: ReadonlySet<number>,
): string | null {
  const where = `plugin '${pluginName}' returned ${result.kpi} for segment ${result.segmentKey ?? 'overall'}`;
  if (!declaredKpis.has(result.kpi)) return `${where}, a KPI its manifest does not declare`;
  if (result.segmentKey !== null && !segmentKeys.has(result.segmentKey))
    return `${where}, a segment the run does not have`;
  if (result.value === null ? !result.note : !Number.isFinite(result.value)) {
    return `${where} with value ${result.value}${result.value === null ? ' and no note saying why' : ''}; a KPI is a finite number, or null with a note`;
  }
  return null;
}

/** Any plugin the host can load. */
export type WorkbenchPlugin = import('./model').SegmentationModel<object> | KpiEvaluator<object>;
