import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
/** A confidence interval as KpiResult carries it. */
export interface Interval {
  lower: number;
  upper: number;
  method: string;
}

/** Φ⁻¹(p), the standard normal quantile, for p in (0, 1): stdlib's (one copy for the workspace). */
export function inverseNormalCdf(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`inverseNormalCdf needs p in (0, 1), got ${p}`);
  return normalQuantile(p, 0, 1);
}

/** Two-sided critical value z for a confidence level, e.g. 1.959964 for 0.95. */
export function criticalValue(confidenceLevel: number): number {
  return inverseNormalCdf(0.5 + confidenceLevel / 2);
}

const percent = (level: number) => `${+(level * 100).toFixed(1)}%`;

/**
 * Wilson score interval of a proportion x/n (Wilson 1927; Agresti & Coull 1998, eq. 2):
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). Stays inside [0, 1] and behaves at p̂ = 0 or 1,
 * where the Wald interval collapses to a point.
 */
export function wilsonInterval(successes: number, n: number, confidenceLevel: number): Interval {
  if (!(n > 0)) throw new RangeError('wilsonInterval needs n > 0');
  const z = criticalValue(confidenceLevel);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + z2n);
  return {
    lower: Math.max(0, centre - half),
    upper: Math.min(1, centre + half),
    method: `Wilson score ${percent(confidenceLevel)}`,
  };
}

/**
 * Normal-approximation interval of a mean, x̄ ± z·s/√n with the sample standard deviation s
 * (n − 1 denominator). Needs n ≥ 2.
 */
export function normalMeanInterval(sum: number, sumOfSquares: number, n: number, confidenceLevel: number): Interval {
  if (!(n >= 2)) throw new RangeError('normalMeanInterval needs n ≥ 2');
  const mean = sum / n;
  const variance = Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
  const half = criticalValue(confidenceLevel) * Math.sqrt(variance / n);
  return {
    lower: mean - half,
    upper: mean + half,
    method: `normal approximation ${percent(confidenceLevel)} (mean ± z·s/√n)`,
  };
}

/**
 * Wald interval of a net promoter score 100·(p₊ − p₋) from one multinomial sample of n answers:
 * Var(p̂₊ − p̂₋) = (p₊ + p₋ − (p₊ − p₋)²)/n. Clipped to [−100, 100].
 */
export function netPromoterInterval(
  promoters: number,
  detractors: number,
  n: number,
  confidenceLevel: number,
): Interval {
  if (!(n > 0)) throw new RangeError('netPromoterInterval needs n > 0');
  const pPlus = promoters / n;
  const pMinus = detractors / n;
  const d = pPlus - pMinus;
  const half = criticalValue(confidenceLevel) * Math.sqrt(Math.max(0, pPlus + pMinus - d * d) / n);
  return {
    lower: Math.max(-100, 100 * (d - half)),
    upper: Math.min(100, 100 * (d + half)),
    method: `Wald ${percent(confidenceLevel)} (normal approximation of the difference of two multinomial shares)`,
  };
}

/** Quantile of sorted finite values by linear interpolation between order statistics (Hyndman & Fan 1996, type 7). */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Percentile interval of bootstrap replicates (Efron & Tibshirani 1993, §13.3); non-finite replicates are dropped. Null when none is finite. */
export function percentileInterval(replicates: Float64Array, confidenceLevel: number, label: string): Interval | null {
  let m = 0;
  const finite = new Float64Array(replicates.length);
  for (let b = 0; b < replicates.length; b++) if (Number.isFinite(replicates[b])) finite[m++] = replicates[b];
  if (m === 0) return null;
  const sorted = finite.subarray(0, m).sort();
  const alpha = (1 - confidenceLevel) / 2;
  return {
    lower: sortedQuantile(sorted, alpha),
    upper: sortedQuantile(sorted, 1 - alpha),
    method: `bootstrap ${percent(confidenceLevel)} percentile, ${label}`,
  };
}

/** Bootstrap replicates of the three customer-level statistics of one group, resampled jointly. */
export interface CustomerBootstrap {
  /** Σ revenue* / Σ orders* (NaN when a resample has no order). */
  averageOrderValue: Float64Array;
  /** Σ orders* / m. */
  purchaseFrequency: Float64Array;
  /** Σ value* / m. */
  valuePerCustomer: Float64Array;
}

/**
 * Nonparametric bootstrap over customers (Efron 1979): each of `resamples` replicates draws `rows.length`
 * customers with replacement from `rows` and recomputes the three statistics from the same draw, so the
 * ratio AOV keeps the revenue–orders correlation of a customer. Deterministic given `rand`.
 */
export function bootstrapCustomerStatistics(
  rows: Int32Array,
  revenue: Float64Array,
  orders: Float64Array,
  valueFactor: number,
  resamples: number,
  rand: () => number,
): CustomerBootstrap {
  const m = rows.length;
  const out: CustomerBootstrap = {
    averageOrderValue: new Float64Array(resamples),
    purchaseFrequency: new Float64Array(resamples),
    valuePerCustomer: new Float64Array(resamples),
  };
  for (let b = 0; b < resamples; b++) {
    let sumRevenue = 0;
    let sumOrders = 0;
    for (let j = 0; j < m; j++) {
      const i = rows[Math.floor(rand() * m)];
      sumRevenue += revenue[i];
      sumOrders += orders[i];
    }
    out.averageOrderValue[b] = sumOrders > 0 ? sumRevenue / sumOrders : Number.NaN;
    out.purchaseFrequency[b] = sumOrders / m;
    out.valuePerCustomer[b] = (sumRevenue * valueFactor) / m;
  }
  return out;
}

/** The intervals of the three customer-level statistics of one group (AOV, purchase frequency, value per customer). */
export interface CustomerIntervals {
  averageOrderValue: Interval | null;
  purchaseFrequency: Interval | null;
  valuePerCustomer: Interval | null;
}

/**
 * Analytic intervals of the three customer-level statistics of one group, for large groups where the
 * central limit theorem makes them accurate and the bootstrap is pure cost. One O(n) pass (two-pass
 * moments, so no cancellation); needs n ≥ 2 customers, else all three are null. Uses z, not t: the
 * difference is < 0.1% of the width from n ≈ 1000 on.
 *
 * - Purchase frequency ȳ and value per customer f·x̄ (plain means): ȳ ± z·s_y/√n, f·(x̄ ± z·s_x/√n).
 * - AOV R = x̄/ȳ (ratio of means, x = revenue per customer, y = orders per customer): first-order
 *   (delta-method, Fieller-free) variance of a ratio estimator,
 *     Var(R) ≈ (s_x² − 2R·s_xy + R²·s_y²) / (n·ȳ²) = Σ(xᵢ − R·yᵢ)² / ((n − 1)·n·ȳ²),
 *   Cochran (1977), Sampling Techniques, 3rd ed., ch. 6 (§6.3–6.4: the approximate variance of the ratio
 *   estimate R̂ and its sample estimate), without the finite population correction (the customers are
 *   taken as a sample of the customer process); the two forms are equal because x̄ − R·ȳ = 0. It is the
 *   standard delta method for g(x̄, ȳ) = x̄/ȳ (e.g. Casella & Berger 2002, §5.5.4). R ± z·√Var(R);
 *   null when ȳ ≤ 0 (no order: AOV itself is not computable).
 */
export function analyticCustomerIntervals(
  rows: Int32Array,
  revenue: Float64Array,
  orders: Float64Array,
  valueFactor: number,
  confidenceLevel: number,
): CustomerIntervals {
  const n = rows.length;
  if (n < 2) return { averageOrderValue: null, purchaseFrequency: null, valuePerCustomer: null };
  let sumX = 0;
  let sumY = 0;
  for (let j = 0; j < n; j++) {
    sumX += revenue[rows[j]];
    sumY += orders[rows[j]];
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  const ratio = sumY > 0 ? sumX / sumY : Number.NaN;
  let sxx = 0;
  let syy = 0;
  let sdd = 0; // Σ(xᵢ − R·yᵢ)², the residuals of the ratio estimator
  for (let j = 0; j < n; j++) {
    const x = revenue[rows[j]];
    const y = orders[rows[j]];
    sxx += (x - meanX) ** 2;
    syy += (y - meanY) ** 2;
    if (sumY > 0) sdd += (x - ratio * y) ** 2;
  }
  const z = criticalValue(confidenceLevel);
  const level = percent(confidenceLevel);
  const normal = `normal approximation (CLT), ${level}, mean ± z·s/√n over ${n} customers`;
  const halfY = z * Math.sqrt(syy / (n - 1) / n);
  const halfX = z * Math.sqrt(sxx / (n - 1) / n) * Math.abs(valueFactor);
  let averageOrderValue: Interval | null = null;
  if (sumY > 0) {
    const halfR = (z * Math.sqrt(sdd / (n - 1) / n)) / meanY;
    averageOrderValue = {
      lower: ratio - halfR,
      upper: ratio + halfR,
      method: `delta method, ${level}, ratio of means revenue/orders over ${n} customers (first-order variance, Cochran 1977 ch. 6)`,
    };
  }
  return {
    averageOrderValue,
    purchaseFrequency: { lower: meanY - halfY, upper: meanY + halfY, method: normal },
    valuePerCustomer: { lower: valueFactor * meanX - halfX, upper: valueFactor * meanX + halfX, method: normal },
  };
}
