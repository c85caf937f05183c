/** An estimate with its confidence interval, as a KPI evaluator reports a value. */
export interface IntervalEstimate {
  value: number;
  lower: number;
  upper: number;
}

/** Change b − a of two estimates, with an interval built from theirs. */
export interface EstimateDifference {
  method: 'mover';
  /** b − a. */
  delta: number;
  lower: number;
  upper: number;
  /** The interval excludes 0. */
  significant: boolean;
}

/**
 * Difference of two independent estimates from their own confidence intervals, by the method of
 * variance estimates recovery (MOVER; Zou & Donner 2008, Stat. Med. 27:1693, eq. 7; for two proportions
 * with Wilson intervals it is Newcombe's method 10, Stat. Med. 1998, 17:873):
 *   L = (b − a) − √((b − l_b)² + (u_a − a)²),  U = (b − a) + √((u_b − b)² + (a − l_a)²).
 * It keeps the shape of asymmetric intervals (Wilson, bootstrap percentile), so it needs only what a KPI
 * evaluator reports, not the customers' values. The interval has the two inputs' confidence level.
 * Two runs over the same customers give positively correlated estimates; treating them as independent
 * then makes the interval wider, never narrower.
 *
 * @example
 * // 56/70 vs 48/80 with their Wilson 95% intervals: Newcombe (1998) Table II gives 0.0524 to 0.3339
 * estimateDifference({ value: 48 / 80, lower: 0.4905, upper: 0.7004 }, { value: 56 / 70, lower: 0.6918, upper: 0.8770 })
 */
export function estimateDifference(a: IntervalEstimate, b: IntervalEstimate): EstimateDifference {
  const delta = b.value - a.value;
  const lower = delta - Math.hypot(b.value - b.lower, a.upper - a.value);
  const upper = delta + Math.hypot(b.upper - b.value, a.value - a.lower);
  return { method: 'mover', delta, lower, upper, significant: lower > 0 || upper < 0 };
}
