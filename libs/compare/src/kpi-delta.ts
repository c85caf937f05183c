import { ComparisonInputError } from './errors';
import { normalQuantile, studentTCdf, studentTQuantile } from './special-functions';

/** Size, mean and unbiased (n − 1) variance of one group's per-customer KPI values. */
export interface SampleSummary {
  n: number;
  mean: number;
  variance: number;
}

/** Welford's update of (n, mean, m2) by x, in place at `at`; throws on a value that is not finite. */
function welford(n: Float64Array, mean: Float64Array, m2: Float64Array, at: number, x: number): void {
  if (!Number.isFinite(x))
    throw new ComparisonInputError(`value at position ${n[at]} is ${x}; KPI values must be finite numbers`);
  const d = x - mean[at];
  mean[at] += d / (n[at] + 1);
  m2[at] += d * (x - mean[at]);
  n[at]++;
}

const summaryAt = (n: Float64Array, mean: Float64Array, m2: Float64Array, at: number): SampleSummary => ({
  n: n[at],
  mean: n[at] === 0 ? NaN : mean[at],
  variance: n[at] < 2 ? NaN : m2[at] / (n[at] - 1),
});

/**
 * Summarises values in one pass (Welford 1962, Technometrics 4:419), which avoids the cancellation
 * of Σx² − n·mean². `variance` is NaN for fewer than two values.
 */
export function summarize(values: ArrayLike<number>): SampleSummary {
  const [n, mean, m2] = [new Float64Array(1), new Float64Array(1), new Float64Array(1)];
  for (let i = 0; i < values.length; i++) welford(n, mean, m2, 0, values[i]);
  return summaryAt(n, mean, m2, 0);
}

/**
 * The summary of each segment's values in one pass over the customers: customer `i` is in segment `segment[i]`
 * and has the value `values[rows[i]]` (`rows[i]` < 0: no value; `rows` null: row i; NaN values are missing and left out). Each
 * segment's values are taken in customer order, so a summary is, bit for bit, `summarize` of that segment's values.
 * Segments are keyed `0 … segments − 1`; customers in other segments are left out.
 */
export function summarizeBySegment(
  segment: Int32Array,
  segments: number,
  values: ArrayLike<number>,
  rows: Int32Array | null,
): SampleSummary[] {
  return summarizeColumnsBySegment(segment, segments, [values], rows)[0];
}

/**
 * {@link summarizeBySegment} of several columns in the same pass over the customers (one read of `segment` and
 * `rows` for all of them): `result[c][s]` summarises column `c` in segment `s`, bit for bit as one column alone.
 */
export function summarizeColumnsBySegment(
  segment: Int32Array,
  segments: number,
  columns: readonly ArrayLike<number>[],
  rows: Int32Array | null,
): SampleSummary[][] {
  const size = columns.length * segments;
  // Column c, segment s at c * segments + s.
  const [n, mean, m2] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  for (let i = 0; i < segment.length; i++) {
    const s = segment[i];
    const r = rows ? rows[i] : i;
    if (s < 0 || s >= segments || r < 0) continue;
    for (let c = 0; c < columns.length; c++) {
      const x = columns[c][r];
      if (!Number.isNaN(x)) welford(n, mean, m2, c * segments + s, x);
    }
  }
  return columns.map((_, c) => Array.from({ length: segments }, (_, s) => summaryAt(n, mean, m2, c * segments + s)));
}

/** Change of a mean KPI from segment A (run A) to its matched segment B (run B), with a confidence interval. */
export interface MeanDelta {
  method: 'welch-t';
  a: SampleSummary;
  b: SampleSummary;
  /** meanB − meanA. */
  delta: number;
  confidence: number;
  /** √(s²_A/n_A + s²_B/n_B). */
  standardError: number;
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
  /** Interval bounds; null when either group has fewer than two customers or both have zero variance. */
  lower: number | null;
  upper: number | null;
  /** Two-sided p-value of Welch's t-test; null when the interval is. */
  pValue: number | null;
  /** The interval excludes 0. */
  significant: boolean;
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1))
    throw new ComparisonInputError(`confidence must be in (0, 1), got ${confidence}`);
}

function isSummary(x: ArrayLike<number> | SampleSummary): x is SampleSummary {
  return 'mean' in x && 'variance' in x && typeof (x as SampleSummary).n === 'number';
}

/**
 * Difference of mean KPI between two groups of customers with Welch's t interval (Welch 1947,
 * Biometrika 34:28): delta ± t_{(1+c)/2, ν} · SE, SE = √(s²_A/n_A + s²_B/n_B),
 * ν = SE⁴ / ((s²_A/n_A)²/(n_A−1) + (s²_B/n_B)²/(n_B−1)) (Satterthwaite 1946). Same numbers as
 * `scipy.stats.ttest_ind(b, a, equal_var=False)`.
 *
 * Pass per-customer values or precomputed summaries. With fewer than two customers in a group, or zero
 * variance in both (SciPy returns NaN there), no interval is given and `significant` is false.
 *
 * @example
 * kpiDelta([12.1, 9.8, 11.4, 10.2, 13.0], [14.9, 10.1, 18.2, 16.7, 12.4, 15.5, 17.1]) // delta ≈ 3.686, [0.907, 6.464], significant
 */
export function kpiDelta(
  groupA: ArrayLike<number> | SampleSummary,
  groupB: ArrayLike<number> | SampleSummary,
  options: { confidence?: number } = {},
): MeanDelta {
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence);
  const a = isSummary(groupA) ? groupA : summarize(groupA);
  const b = isSummary(groupB) ? groupB : summarize(groupB);
  const delta = b.mean - a.mean;
  const shareA = a.variance / a.n;
  const shareB = b.variance / b.n;
  const standardError = Math.sqrt(shareA + shareB);
  const degreesOfFreedom = (shareA + shareB) ** 2 / (shareA ** 2 / (a.n - 1) + shareB ** 2 / (b.n - 1));
  const result: MeanDelta = {
    method: 'welch-t',
    a,
    b,
    delta,
    confidence,
    standardError,
    degreesOfFreedom,
    lower: null,
    upper: null,
    pValue: null,
    significant: false,
  };
  if (a.n < 2 || b.n < 2 || !(standardError > 0) || !(degreesOfFreedom > 0)) return result;
  const margin = studentTQuantile((1 + confidence) / 2, degreesOfFreedom) * standardError;
  const lower = delta - margin;
  const upper = delta + margin;
  const statistic = delta / standardError;
  return {
    ...result,
    lower,
    upper,
    pValue: 2 * studentTCdf(-Math.abs(statistic), degreesOfFreedom),
    significant: lower > 0 || upper < 0,
  };
}

/** Customers with the event (e.g. churned) out of a group's customers. */
export interface ProportionCount {
  successes: number;
  n: number;
}

/** Change of a share (a rate KPI) from segment A to its matched segment B, with a confidence interval. */
export interface ProportionDelta {
  method: 'wald';
  shareA: number;
  shareB: number;
  /** shareB − shareA. */
  delta: number;
  confidence: number;
  standardError: number;
  lower: number;
  upper: number;
  /** The interval excludes 0. */
  significant: boolean;
}

/**
 * Difference of two proportions with the Wald (normal-approximation, unpooled) interval:
 * delta ± z_{(1+c)/2} √(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B) (Agresti & Caffo 2000, Am. Stat. 54:280, eq. 1).
 * It is the textbook interval and fine for the segment sizes compared here (hundreds of customers and
 * up); it degenerates to a zero-width interval when both shares are 0 or 1, which Wald inherits.
 *
 * @example
 * proportionDelta({ successes: 45, n: 100 }, { successes: 62, n: 110 }) // delta ≈ 0.114, [−0.0175, 0.245], not significant
 */
export function proportionDelta(
  groupA: ProportionCount,
  groupB: ProportionCount,
  options: { confidence?: number } = {},
): ProportionDelta {
  const confidence = options.confidence ?? 0.95;
  checkConfidence(confidence);
  for (const [name, g] of [
    ['groupA', groupA],
    ['groupB', groupB],
  ] as const) {
    if (!Number.isInteger(g.n) || g.n < 1)
      throw new ComparisonInputError(`${name}.n must be a positive integer, got ${g.n}`);
    if (!Number.isInteger(g.successes) || g.successes < 0 || g.successes > g.n)
      throw new ComparisonInputError(`${name}.successes must be an integer in [0, ${g.n}], got ${g.successes}`);
  }
  const shareA = groupA.successes / groupA.n;
  const shareB = groupB.successes / groupB.n;
  const delta = shareB - shareA;
  const standardError = Math.sqrt((shareA * (1 - shareA)) / groupA.n + (shareB * (1 - shareB)) / groupB.n);
  const margin = normalQuantile((1 + confidence) / 2) * standardError;
  const lower = delta - margin;
  const upper = delta + margin;
  return {
    method: 'wald',
    shareA,
    shareB,
    delta,
    confidence,
    standardError,
    lower,
    upper,
    significant: lower > 0 || upper < 0,
  };
}
