/**
 * Metrics of a binary probabilistic classifier. `y` holds 0/1 labels, `p` predicted probabilities of 1,
 * both indexed by row.
 */

/**
 * ROC AUC as the Mann–Whitney U statistic: the probability that a random positive scores above a random
 * negative, ties counting ½ (Hanley & McNeil 1982, eq. 2). Scores are ranked with midranks for ties, so
 * AUC = (R₁ − n₁(n₁+1)/2) / (n₁·n₀) with R₁ the rank sum of the positives. NaN when a class is absent.
 */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && p[order[end]] === p[order[start]]) end++;
    // Ranks start + 1 .. end share their mean.
    const midrank = (start + 1 + end) / 2;
    for (let t = start; t < end; t++) {
      if (y[order[t]] === 1) {
        positives++;
        rankSum += midrank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Probabilities are clipped to [EPS, 1 − EPS] before the log, so a confident float32 0 or 1 costs a finite amount. */
export const LOG_LOSS_EPS = 1e-15;

/** Mean binary cross-entropy, −(1/n) Σ [y log p + (1 − y) log(1 − p)], natural log (sklearn's `log_loss`). */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/** Brier score, (1/n) Σ (p − y)² (Brier 1950). */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (p[i] - y[i]) ** 2;
  return sum / y.length;
}

/**
 * The q-quantile of `values` with linear interpolation between order statistics (numpy's default
 * `percentile` method, Hyndman & Fan 1996 type 7): position q·(n − 1) in the sorted values.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const position = q * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
}

/** One bin of a calibration table. */
export interface CalibrationBin {
  /** 1-based, lowest predictions first. */
  bin: number;
  count: number;
  /** Mean predicted probability of the bin's rows (NaN when the bin is empty). */
  meanPredicted: number;
  /** Share of the bin's rows whose label is 1 (NaN when empty). */
  observedRate: number;
}

/**
 * Reliability table over quantile bins of the prediction, as sklearn's
 * `calibration_curve(strategy='quantile')`: edges are the 0, 1/b, …, 1 quantiles of `p`, and a row goes
 * to bin j when it is above j inner edges (numpy `searchsorted`, side 'left'), so equal predictions share
 * a bin. Unlike sklearn, empty bins are kept (count 0) so bin numbers stay stable.
 */
export function calibrationTable(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const sorted = Float64Array.from(p).sort();
  const inner = Array.from({ length: bins - 1 }, (_, j) => quantile(sorted, (j + 1) / bins));
  const counts = new Array<number>(bins).fill(0);
  const predicted = new Array<number>(bins).fill(0);
  const observed = new Array<number>(bins).fill(0);
  for (let i = 0; i < p.length; i++) {
    let b = 0;
    while (b < inner.length && inner[b] < p[i]) b++;
    counts[b]++;
    predicted[b] += p[i];
    observed[b] += y[i];
  }
  return counts.map((count, b) => ({
    bin: b + 1,
    count,
    meanPredicted: count > 0 ? predicted[b] / count : Number.NaN,
    observedRate: count > 0 ? observed[b] / count : Number.NaN,
  }));
}

/** Expected calibration error: Σ_b (n_b / n) · |mean predicted_b − observed rate_b| over non-empty bins (Naeini et al. 2015). */
export function expectedCalibrationError(table: readonly CalibrationBin[]): number {
  const n = table.reduce((s, b) => s + b.count, 0);
  return table.reduce((s, b) => (b.count > 0 ? s + (b.count / n) * Math.abs(b.meanPredicted - b.observedRate) : s), 0);
}
