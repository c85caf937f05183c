import { cdnowSummary } from '../test/cdnow';
import {
  bgNbdConditionalExpectedTransactions,
  bgNbdExpectedTransactions,
  bgNbdLogLikelihood,
  bgNbdPredictTransactions,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type BgNbdFit,
  type BgNbdParams,
} from './bg-nbd';
import { hyp2f1 } from './special-functions';

// REFERENCE_RESULTS.md §1a. [package] BTYD 2.4.3 walkthrough §4.2, fitted on the unrounded elog summary.
const BTYD: BgNbdParams = { r: 0.2425982, alpha: 4.4136842, a: 0.7929899, b: 2.4261667 };
const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);
const threeSignificant = (v: number) => Number(v.toPrecision(3));

describe('BG/NBD on the CDNOW 1/10 sample (weeks)', () => {
  const cdnow = cdnowSummary();
  let fit: BgNbdFit;
  beforeAll(() => {
    fit = fitBgNbd(cdnow);
  });

  it('converges', () => {
    expect(fit.converged).toBe(true);
  });

  it('fits r, α, a, b equal to the published BTYD values to three significant figures', () => {
    const { r, alpha, a, b } = fit.params;
    expect([r, alpha, a, b].map(threeSignificant)).toEqual([BTYD.r, BTYD.alpha, BTYD.a, BTYD.b].map(threeSignificant));
    // Reached: relative differences 2e-5 (r), 3e-5 (α), 1.3e-4 (a), 1.7e-4 (b); BTYD fitted unrounded times.
    expect(relativeError(r, BTYD.r)).toBeLessThan(1e-4);
    expect(relativeError(alpha, BTYD.alpha)).toBeLessThan(1e-4);
    expect(relativeError(a, BTYD.a)).toBeLessThan(3e-4);
    expect(relativeError(b, BTYD.b)).toBeLessThan(3e-4);
  });

  it('fits the same parameters as lifetimes on the same file to 6 decimals (Quickstart: 0.242593, 4.413532, 0.792886, 2.425752)', () => {
    const { r, alpha, a, b } = fit.params;
    expect(Math.abs(r - 0.242593)).toBeLessThan(2e-6);
    expect(Math.abs(alpha - 4.413532)).toBeLessThan(2e-6);
    expect(Math.abs(a - 0.792886)).toBeLessThan(2e-6);
    expect(Math.abs(b - 2.425752)).toBeLessThan(2e-6);
  });

  it('reaches the published log-likelihood −9582.43 within 0.1 (and our scipy −9582.426 within 1e-3)', () => {
    expect(Math.abs(fit.logLikelihood - -9582.429)).toBeLessThan(0.1);
    expect(Math.abs(fit.logLikelihood - -9582.426)).toBeLessThan(1e-3);
  });

  it('gives a log-likelihood at the BTYD parameters no higher than at its own optimum', () => {
    expect(bgNbdLogLikelihood(BTYD, cdnow)).toBeLessThanOrEqual(fit.logLikelihood);
  });

  it("predicts 1.226 purchases in the next 39 weeks for customer 1 (lifetimes' value from Hardie's sheet, ±0.001)", () => {
    expect(Math.abs(bgNbdConditionalExpectedTransactions(fit.params, 39, 2, 30.43, 38.86) - 1.226)).toBeLessThan(1e-3);
  });

  it("reproduces lifetimes' expected_number_of_purchases_up_to_time (Hardie's sheet) to 4 decimals up to t = 32", () => {
    const ts = [0.1429, 1, 3, 31.8571, 32];
    const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437];
    ts.forEach((t, i) =>
      expect(Math.abs(bgNbdExpectedTransactions(fit.params, t) - expected[i])).toBeLessThanOrEqual(5e-5),
    );
  });

  it('is within 2e-4 relative of the sheet at t = 78 (1.8576; we and BTYD parameters give 1.8580, lifetimes allows 1e-2)', () => {
    expect(relativeError(bgNbdExpectedTransactions(fit.params, 78), 1.8576)).toBeLessThan(2.5e-4);
  });

  it("reproduces lifetimes' Quickstart top-5 predicted purchases in the next week to 1e-6", () => {
    const top5: [string, number][] = [
      ['1516', 0.710623],
      ['157', 0.662396],
      ['1981', 0.486526],
      ['841', 0.474738],
      ['509', 0.424877],
    ];
    const predicted = bgNbdPredictTransactions(fit.params, 1, cdnow);
    for (const [id, value] of top5) expect(Math.abs(predicted[cdnow.ids.indexOf(id)] - value)).toBeLessThan(1e-6);
  });
});

describe('BG/NBD expressions at the BTYD parameters', () => {
  it('gives E[X(52)] = 1.444004 for a new customer (FHL eq. 9) to 1e-5 relative', () => {
    expect(relativeError(bgNbdExpectedTransactions(BTYD, 52), 1.444004)).toBeLessThan(1e-5);
  });

  // BTYD builds customer 1516's summary from the event log: last calibration purchase 216 days and the
  // calibration end 217 days after the first, so t_x = 216/7 and T = 31 weeks (the summary file rounds t_x to 30.86).
  it('gives customer 1516 CET(52) = 25.75659 and P(alive) = 0.9688523 to 1e-5 relative', () => {
    expect(relativeError(bgNbdConditionalExpectedTransactions(BTYD, 52, 26, 216 / 7, 31), 25.75659)).toBeLessThan(1e-5);
    expect(relativeError(bgNbdProbabilityAlive(BTYD, 26, 216 / 7, 31), 0.9688523)).toBeLessThan(1e-6);
  });

  it('is within 1e-4 relative of those values with the 2-decimal recency of the summary file', () => {
    expect(relativeError(bgNbdConditionalExpectedTransactions(BTYD, 52, 26, 30.86, 31), 25.75659)).toBeLessThan(1e-4);
    expect(relativeError(bgNbdProbabilityAlive(BTYD, 26, 30.86, 31), 0.9688523)).toBeLessThan(1e-4);
  });

  it('shows the increasing-frequency paradox with the published values (t_x = 20, T = 39, t = 52) to 1e-5 relative', () => {
    const published: [number, number][] = [
      [10, 0.3474606],
      [15, 0.04283391],
      [20, 0.004158973],
      [25, 0.0003583685],
    ];
    for (const [x, value] of published)
      expect(relativeError(bgNbdConditionalExpectedTransactions(BTYD, 52, x, 20, 39), value)).toBeLessThan(1e-5);
  });

  it('gives P(alive) = 1 to a customer without repeat purchases', () => {
    expect(bgNbdProbabilityAlive(BTYD, 0, 0, 39)).toBe(1);
  });

  it("matches BTYD's conditional expectations by calibration frequency class (39-week holdout) to 4 decimals", () => {
    const cdnow = cdnowSummary();
    const expected = [0.2251, 0.5231, 1.0441, 1.5203, 2.1638, 2.6538, 3.504, 6.157];
    const counts = [1411, 439, 214, 100, 62, 38, 29, 64];
    const sums = new Array<number>(8).fill(0);
    const ns = new Array<number>(8).fill(0);
    const cet = bgNbdPredictTransactions(BTYD, 39, cdnow);
    cdnow.frequency.forEach((x, i) => {
      const c = Math.min(x, 7);
      sums[c] += cet[i];
      ns[c]++;
    });
    expect(ns).toEqual(counts);
    sums.forEach((s, c) => expect(Math.abs(s / ns[c] - expected[c])).toBeLessThan(2e-4));
  });

  it('computes eq. (10) the same way through the direct series and its Euler transformation', () => {
    const [x, tx, T, t] = [26, 30.86, 31, 52];
    const { r, alpha, a, b } = BTYD;
    const direct =
      (((a + b + x - 1) / (a - 1)) *
        (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))) /
      (1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x));
    expect(relativeError(bgNbdConditionalExpectedTransactions(BTYD, t, x, tx, T), direct)).toBeLessThan(1e-11);
  });

  it('rejects a customer whose recency exceeds T, naming the row', () => {
    const bad = { frequency: Float64Array.of(1, 2), recency: Float64Array.of(3, 9), T: Float64Array.of(10, 8) };
    expect(() => fitBgNbd(bad)).toThrow(/row 2 .*0 ≤ recency ≤ T/);
  });
});
