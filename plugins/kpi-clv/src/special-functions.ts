/**
 * Lanczos coefficients for g = 7, n = 9 (Godfrey's set, as in Numerical Recipes 3rd ed. §6.1 and the
 * Boost/Wikipedia "Lanczos approximation" tables): relative error below 1e-15 for Re(x) > 0.5.
 */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LN_PI = Math.log(Math.PI);

/**
 * ln Γ(x) for real x > 0 by the Lanczos approximation (Lanczos 1964, SIAM J. Numer. Anal. B 1:86–96),
 * with the reflection formula Γ(x)Γ(1−x) = π / sin(πx) below 0.5. Returns ln|Γ(x)| for negative
 * non-integers and +Infinity at the poles (0, −1, −2, ...).
 */
export function lnGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0 && Number.isInteger(x)) return Number.POSITIVE_INFINITY;
  if (x < 0.5) return LN_PI - Math.log(Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const y = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) series += LANCZOS_COEFFICIENTS[i] / (y + i);
  const t = y + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (y + 0.5) * Math.log(t) - t + Math.log(series);
}

/** Terms of a hypergeometric series before it is declared divergent or too slow (z close to 1). */
const HYP2F1_MAX_TERMS = 1_000_000;

/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) = Σₖ (a)ₖ(b)ₖ / ((c)ₖ k!) zᵏ for real |z| < 1
 * (Abramowitz & Stegun 15.1.1), summed term by term as BTYD does. The sum stops when the bound
 * |termₖ|·ρ/(1−ρ) on the remaining tail (ρ ≥ every later term ratio) is below `relativeTolerance`·|sum|;
 * throws RangeError when |z| ≥ 1, c is a pole (0, −1, −2, ...) or the series has not converged.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, relativeTolerance = 1e-15): number {
  if (![a, b, c, z].every(Number.isFinite)) throw new RangeError(`hyp2f1(${a}, ${b}, ${c}, ${z}): arguments must be finite`);
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
