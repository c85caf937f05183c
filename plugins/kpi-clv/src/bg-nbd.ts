import { minimizeNelderMead } from './nelder-mead';
import { hyp2f1, lnGamma, logSumExp } from './special-functions';

/** BG/NBD parameters: purchase rate λ ~ Gamma(r, α) (α in the data's time unit), dropout p ~ Beta(a, b). */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/**
 * Per-customer calibration summary, one entry per customer, all times in the same unit:
 * `frequency` x = repeat purchases, `recency` t_x = time of the last purchase since the first, `T` = time
 * since the first purchase to the end of calibration.
 */
export interface PurchaseHistory {
  frequency: Float64Array;
  recency: Float64Array;
  T: Float64Array;
}

export interface BgNbdFit {
  params: BgNbdParams;
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Wall-clock time of the fit in milliseconds. */
  millis: number;
}

export interface FitOptions {
  /** Convergence tolerance on the log-likelihood (absolute); default 1e-10. */
  tolerance?: number;
  /** Convergence tolerance on the log-parameters (max-norm); default 1e-8. */
  parameterTolerance?: number;
  maxIterations?: number;
}

/** Throws a RangeError naming the first customer whose summary the model cannot take. */
export function assertValidHistory(history: PurchaseHistory): void {
  const { frequency: x, recency: tx, T } = history;
  if (tx.length !== x.length || T.length !== x.length) {
    throw new RangeError(
      `frequency, recency and T must have one value per customer (got ${x.length}, ${tx.length}, ${T.length})`,
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] >= 0) || !(T[i] > 0) || !(tx[i] >= 0) || tx[i] > T[i]) {
      throw new RangeError(
        `customer at row ${i + 1} has frequency ${x[i]}, recency ${tx[i]}, T ${T[i]}; need frequency ≥ 0, T > 0 and 0 ≤ recency ≤ T`,
      );
    }
  }
}

/**
 * Per-customer BG/NBD log-likelihood, Fader, Hardie & Lee (2005) eq. (6):
 *   L = A₁·A₂·(A₃ + δ_{x>0}·A₄), with
 *   A₁ = Γ(r+x) αʳ / Γ(r),  A₂ = Γ(a+b) Γ(b+x) / (Γ(b) Γ(a+b+x)),
 *   A₃ = (α+T)^−(r+x),       A₄ = a/(b+x−1) · (α+t_x)^−(r+x),
 * evaluated on the log scale as in their §7 (and BTYD's `bgnbd.LL`).
 */
export function bgNbdLogLikelihoods(params: BgNbdParams, history: PurchaseHistory): Float64Array {
  return logLikelihoodsByCustomer(params, history, frequencyClasses(history.frequency));
}

/** Total BG/NBD log-likelihood over all customers (sum of eq. (6) on the log scale). */
export function bgNbdLogLikelihood(params: BgNbdParams, history: PurchaseHistory): number {
  const lls = bgNbdLogLikelihoods(params, history);
  let sum = 0;
  for (let i = 0; i < lls.length; i++) sum += lls[i];
  return sum;
}

/** Customers share few distinct frequencies: the ln Γ terms of eq. (6) are computed once per class. */
interface FrequencyClasses {
  values: Float64Array;
  classOf: Int32Array;
}

function frequencyClasses(x: Float64Array): FrequencyClasses {
  const index = new Map<number, number>();
  const classOf = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let c = index.get(x[i]);
    if (c === undefined) {
      c = index.size;
      index.set(x[i], c);
    }
    classOf[i] = c;
  }
  return { values: Float64Array.from(index.keys()), classOf };
}

function logLikelihoodsByCustomer(
  params: BgNbdParams,
  history: PurchaseHistory,
  classes: FrequencyClasses,
  out = new Float64Array(history.frequency.length),
): Float64Array {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency: tx, T } = history;
  const constant = r * Math.log(alpha) - lnGamma(r) + lnGamma(a + b) - lnGamma(b);
  const k = classes.values.length;
  const lnGammaTerms = new Float64Array(k);
  const lnA4Factor = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const xc = classes.values[c];
    lnGammaTerms[c] = constant + lnGamma(r + xc) + lnGamma(b + xc) - lnGamma(a + b + xc);
    lnA4Factor[c] = xc > 0 ? Math.log(a) - Math.log(b + xc - 1) : Number.NEGATIVE_INFINITY;
  }
  for (let i = 0; i < x.length; i++) {
    const c = classes.classOf[i];
    const power = r + x[i];
    const lnA3 = -power * Math.log(alpha + T[i]);
    // A₄ only exists for x > 0 (δ_{x>0}); then ln(A₃ + A₄) by log-sum-exp.
    out[i] = lnGammaTerms[c] + (x[i] > 0 ? logSumExp(lnA3, lnA4Factor[c] - power * Math.log(alpha + tx[i])) : lnA3);
  }
  return out;
}

/**
 * Maximum-likelihood BG/NBD fit: Nelder–Mead over (ln r, ln α, ln a, ln b), so every parameter stays
 * positive, from r = a = b = 1 and α = max(T)/10 (lifetimes' start after its time scaling).
 */
export function fitBgNbd(history: PurchaseHistory, options: FitOptions = {}): BgNbdFit {
  assertValidHistory(history);
  const started = performance.now();
  let maxT = 0;
  for (const t of history.T) maxT = Math.max(maxT, t);
  const toParams = (v: Float64Array): BgNbdParams => ({
    r: Math.exp(v[0]),
    alpha: Math.exp(v[1]),
    a: Math.exp(v[2]),
    b: Math.exp(v[3]),
  });
  const classes = frequencyClasses(history.frequency);
  const scratch = new Float64Array(history.frequency.length);
  const negativeLogLikelihood = (v: Float64Array): number => {
    const lls = logLikelihoodsByCustomer(toParams(v), history, classes, scratch);
    let sum = 0;
    for (let i = 0; i < lls.length; i++) sum -= lls[i];
    return sum;
  };
  const result = minimizeNelderMead(negativeLogLikelihood, [0, Math.log(maxT / 10), 0, 0], {
    fTolerance: options.tolerance ?? 1e-10,
    xTolerance: options.parameterTolerance ?? 1e-8,
    maxIterations: options.maxIterations,
  });
  return {
    params: toParams(result.x),
    logLikelihood: -result.value,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    millis: performance.now() - started,
  };
}

/**
 * Expected repeat purchases in (0, t] of a customer just acquired, FHL (2005) eq. (9):
 *   E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))ʳ · ₂F₁(r, b; a+b−1; t/(α+t))].
 */
export function bgNbdExpectedTransactions(params: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = params;
  if (t === 0) return 0;
  const hyp = hyp2f1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp);
}

/**
 * P(alive at T | x, t_x, T), Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model"
 * (brucehardie.com note 021):  1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}).
 */
export function bgNbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const lnOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx));
  return 1 / (1 + Math.exp(lnOdds));
}

/**
 * Expected repeat purchases in (T, T+t] given the history (x, t_x, T), FHL (2005) eq. (10):
 *   E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z)]
 *                         / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}),   z = t/(α+T+t).
 * The product ((α+T)/(α+T+t))^{r+x}·₂F₁ is evaluated through Euler's transformation
 * ₂F₁(A, B; C; z) = (1−z)^{C−A−B} ₂F₁(C−A, C−B; C; z) (Abramowitz & Stegun 15.3.3), which gives
 * (1−z)^{a−1}·₂F₁(a+b−1−r, a−1; a+b+x−1; z): the direct series grows like (1−z)^{−x} for frequent
 * buyers (lifetimes switches to the same form when the direct one overflows).
 */
export function bgNbdConditionalExpectedTransactions(
  params: BgNbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t === 0) return 0;
  const { r, alpha, a, b } = params;
  const z = t / (alpha + T + t);
  const discountedHyp = Math.exp((a - 1) * Math.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - discountedHyp);
  return numerator * bgNbdProbabilityAlive(params, x, tx, T);
}

/** {@link bgNbdConditionalExpectedTransactions} for every customer of `history` over the same t. */
export function bgNbdPredictTransactions(params: BgNbdParams, t: number, history: PurchaseHistory): Float64Array {
  const out = new Float64Array(history.frequency.length);
  for (let i = 0; i < out.length; i++)
    out[i] = bgNbdConditionalExpectedTransactions(params, t, history.frequency[i], history.recency[i], history.T[i]);
  return out;
}
