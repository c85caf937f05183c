import type { FitOptions } from './bg-nbd';
import { minimizeNelderMead } from './nelder-mead';
import { lnGamma } from './special-functions';

/** Gamma-Gamma spend parameters: transaction value ~ Gamma(p, ν), ν ~ Gamma(q, γ). */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Repeat customers only (x > 0): x = repeat transactions, meanSpend = z̄, the mean value of those x transactions. */
export interface SpendHistory {
  frequency: Float64Array;
  meanSpend: Float64Array;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  millis: number;
}

/** Throws a RangeError naming the first customer the spend model cannot take (it needs x > 0 and z̄ > 0). */
export function assertValidSpendHistory(history: SpendHistory): void {
  const { frequency: x, meanSpend: z } = history;
  if (z.length !== x.length)
    throw new RangeError(`frequency and meanSpend must have one value per customer (got ${x.length}, ${z.length})`);
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0) || !(z[i] > 0)) {
      throw new RangeError(
        `customer at row ${i + 1} has frequency ${x[i]} and mean spend ${z[i]}; the Gamma-Gamma model needs both > 0 (repeat customers only)`,
      );
    }
  }
}

/**
 * Gamma-Gamma log-likelihood, Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value"
 * (brucehardie.com note 025): the marginal density of the mean spend z̄ of x transactions is
 *   f(z̄ | p, q, γ; x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · z̄^{px−1} · x^{px} / (γ + x z̄)^{px+q}.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, history: SpendHistory): number {
  const { p, q, gamma } = params;
  const { frequency: x, meanSpend: z } = history;
  const constant = q * Math.log(gamma) - lnGamma(q);
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const px = p * x[i];
    sum +=
      constant +
      lnGamma(px + q) -
      lnGamma(px) +
      (px - 1) * Math.log(z[i]) +
      px * Math.log(x[i]) -
      (px + q) * Math.log(gamma + x[i] * z[i]);
  }
  return sum;
}

/**
 * Maximum-likelihood Gamma-Gamma fit: Nelder–Mead over (ln p, ln q, ln γ) from p = 1, q = 2 and
 * γ = mean z̄, the start whose population mean pγ/(q−1) equals the observed mean spend.
 */
export function fitGammaGamma(history: SpendHistory, options: FitOptions = {}): GammaGammaFit {
  assertValidSpendHistory(history);
  if (history.frequency.length < 2)
    throw new RangeError(
      `the Gamma-Gamma model needs at least 2 repeat customers to fit (got ${history.frequency.length})`,
    );
  const started = performance.now();
  let meanSpend = 0;
  for (const z of history.meanSpend) meanSpend += z / history.meanSpend.length;
  const toParams = (v: Float64Array): GammaGammaParams => ({
    p: Math.exp(v[0]),
    q: Math.exp(v[1]),
    gamma: Math.exp(v[2]),
  });
  const result = minimizeNelderMead(
    (v) => -gammaGammaLogLikelihood(toParams(v), history),
    [0, Math.log(2), Math.log(meanSpend)],
    {
      fTolerance: options.tolerance ?? 1e-10,
      xTolerance: options.parameterTolerance ?? 1e-8,
      maxIterations: options.maxIterations,
    },
  );
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
 * E[Z] = pγ/(q−1): the population mean transaction value (note 025), finite only when q > 1.
 * It is also the conditional expectation below at x = 0, which is why customers without repeat
 * purchases get it.
 */
export function gammaGammaPopulationMeanSpend(params: GammaGammaParams): number {
  return params.q > 1 ? (params.p * params.gamma) / (params.q - 1) : Number.POSITIVE_INFINITY;
}

/**
 * Conditional expected mean transaction value, note 025:
 *   E[M | p, q, γ, z̄, x] = p(γ + x z̄) / (px + q − 1)
 *                         = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · z̄,
 * a weighted mean of the population mean and the customer's own z̄. Requires q > 1.
 */
export function gammaGammaConditionalExpectedSpend(params: GammaGammaParams, x: number, meanSpend: number): number {
  const { p, q, gamma } = params;
  if (!(q > 1)) throw new RangeError(`the Gamma-Gamma mean spend is infinite when q ≤ 1 (q = ${q})`);
  return x > 0 ? (p * (gamma + x * meanSpend)) / (p * x + q - 1) : gammaGammaPopulationMeanSpend(params);
}
