import gammaln from '@stdlib/math-base-special-gammaln';

/**
 * ln Γ(x): stdlib's `gammaln` (Cephes' algorithm; ln|Γ(x)| for negative non-integers, +Infinity at the
 * poles 0, −1, −2, …). One library copy of what was a Lanczos approximation here and Stirling's series in
 * libs/compare.
 */
export const lnGamma: (x: number) => number = gammaln;

/** Terms of a hypergeometric series before it is declared divergent or too slow (z close to 1). */
const HYP2F1_MAX_TERMS = 1_000_000;

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) = Σₖ (a)ₖ(b)ₖ / ((c)ₖ k!) zᵏ for real |z| < 1
 * (Abramowitz & Stegun 15.1.1), summed term by term as BTYD does. The sum stops when the bound
 * |termₖ|·ρ/(1−ρ) on the remaining tail (ρ ≥ every later term ratio) is below `relativeTolerance`·|sum|;
 * throws RangeError when |z| ≥ 1, c is a pole (0, −1, −2, ...) or the series has not converged.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, relativeTolerance = 1e-15): number {
  if (![a, b, c, z].every(Number.isFinite))
    throw new RangeError(`hyp2f1(${a}, ${b}, ${c}, ${z}): arguments must be finite`);
  if (Math.abs(z) >= 1) throw new RangeError(`hyp2f1: |z| = ${Math.abs(z)} must be below 1 for the series`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c = ${c} is a pole (0, −1, −2, ...)`);
  if (z === 0) return 1;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < HYP2F1_MAX_TERMS; k++) {
    const ratio = ((a + k) * (b + k)) / ((c + k) * (k + 1));
    term *= ratio * z;
    sum += term;
    if (term === 0) return sum; // a or b a non-positive integer: the series is a polynomial
    // Once the ratio's magnitude is below 1 and decreasing towards |z| (or already at or below it),
    // the tail is bounded by a geometric series with ratio max(|ratio·z|, |z|).
    const nextRatio = Math.abs((((a + k + 1) * (b + k + 1)) / ((c + k + 1) * (k + 2))) * z);
    const rho = Math.max(nextRatio, Math.abs(z));
    if (rho < 1 && Math.abs(term) * (rho / (1 - rho)) <= relativeTolerance * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}, ${c}, ${z}) did not converge in ${HYP2F1_MAX_TERMS} terms`);
}

/** ln(e^u + e^v) without overflow. */
export function logSumExp(u: number, v: number): number {
  if (u === Number.NEGATIVE_INFINITY) return v;
  if (v === Number.NEGATIVE_INFINITY) return u;
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}
