import { cdnowSummaryWithSpend, repeatCustomers } from '../test/cdnow';
import {
  fitGammaGamma,
  gammaGammaConditionalExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaPopulationMeanSpend,
  type GammaGammaFit,
  type GammaGammaParams,
} from './gamma-gamma';

// REFERENCE_RESULTS.md §1c.
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 }; // [paper] Fader & Hardie note 025
const SCIPY: GammaGammaParams = { p: 6.2488, q: 3.7446, gamma: 15.4477 }; // [ours] scipy MLE, 4 dp
const SPEND_CUSTOMERS_1_TO_10 = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]; // [package] lifetimes tests
const threeSignificant = (v: number) => Number(v.toPrecision(3));

describe('Gamma-Gamma on the 946 CDNOW repeat customers', () => {
  const summary = cdnowSummaryWithSpend();
  const repeaters = repeatCustomers(summary);
  let fit: GammaGammaFit;
  beforeAll(() => {
    fit = fitGammaGamma(repeaters);
  });

  it('takes the 946 customers with x > 0', () => {
    expect(repeaters.frequency).toHaveLength(946);
  });

  it('fits p, q, γ equal to the published 6.25, 3.74, 15.44 to three significant figures', () => {
    expect(fit.converged).toBe(true);
    const { p, q, gamma } = fit.params;
    expect([p, q, gamma].map(threeSignificant)).toEqual(
      [PUBLISHED.p, PUBLISHED.q, PUBLISHED.gamma].map(threeSignificant),
    );
  });

  // γ lies on the flat direction of the likelihood, at 15.44775 ± 4e-6 (the optimiser's stopping point moves
  // that much with the last bits of ln Γ, the LL not at all): right on the rounding boundary of scipy's 4-dp
  // 15.4477, so the parameters are held to 1e-4 and the LL to 5e-4.
  it('fits the scipy MLE to 4 decimals (± 1e-4), LL −4055.923', () => {
    const { p, q, gamma } = fit.params;
    expect(Math.abs(p - SCIPY.p)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(q - SCIPY.q)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(gamma - SCIPY.gamma)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(fit.logLikelihood - -4055.923)).toBeLessThan(5e-4);
    expect(gammaGammaLogLikelihood(PUBLISHED, repeaters)).toBeLessThan(fit.logLikelihood);
  });

  it('gives the published conditional expected spend of customers 1–10 within 0.1, with the published parameters and with ours', () => {
    for (const params of [PUBLISHED, fit.params]) {
      const spend = SPEND_CUSTOMERS_1_TO_10.map((_, i) =>
        gammaGammaConditionalExpectedSpend(params, summary.frequency[i], summary.meanSpend[i]),
      );
      spend.forEach((s, i) => expect(Math.abs(s - SPEND_CUSTOMERS_1_TO_10[i])).toBeLessThan(0.1));
    }
  });

  // Reached: 9 of 10 agree to 2 dp; customer 1 gives 24.6585 (24.664 with the published parameters) against the sheet's 24.65.
  it('agrees with the published spend to 2 decimals for customers 2–10 and within 0.01 for customer 1', () => {
    const spend = SPEND_CUSTOMERS_1_TO_10.map((_, i) =>
      gammaGammaConditionalExpectedSpend(fit.params, summary.frequency[i], summary.meanSpend[i]),
    );
    expect(Math.abs(spend[0] - 24.65)).toBeLessThan(0.01);
    expect(spend.slice(1).map((s) => Number(s.toFixed(2)))).toEqual(SPEND_CUSTOMERS_1_TO_10.slice(1));
  });

  it('gives customers without repeat purchases the population mean pγ/(q−1) = 35.171', () => {
    expect(gammaGammaPopulationMeanSpend(fit.params)).toBeCloseTo(35.171, 3);
    expect(gammaGammaConditionalExpectedSpend(fit.params, 0, 0)).toBe(gammaGammaPopulationMeanSpend(fit.params));
  });

  it('has a mean conditional expected spend over all 2357 customers of 35.2529588 (lifetimes Quickstart) to 1e-5', () => {
    let sum = 0;
    summary.frequency.forEach(
      (x, i) => (sum += gammaGammaConditionalExpectedSpend(fit.params, x, summary.meanSpend[i])),
    );
    expect(Math.abs(sum / summary.frequency.length - 35.2529588256)).toBeLessThan(1e-5);
  });

  it('matches the observed mean repeat spend 35.078551797 (lifetimes Quickstart) of the fixture', () => {
    const mean = repeaters.meanSpend.reduce((s, z) => s + z, 0) / repeaters.meanSpend.length;
    expect(mean).toBeCloseTo(35.078551797, 8);
  });

  it('rejects a repeat customer without a positive mean spend, naming the row', () => {
    expect(() => fitGammaGamma({ frequency: Float64Array.of(1, 2, 3), meanSpend: Float64Array.of(10, 0, 5) })).toThrow(
      /row 2 .*needs both > 0/,
    );
  });

  it('refuses q ≤ 1, where the mean spend is infinite', () => {
    expect(() => gammaGammaConditionalExpectedSpend({ p: 1, q: 0.9, gamma: 1 }, 2, 10)).toThrow(/q ≤ 1/);
  });
});
