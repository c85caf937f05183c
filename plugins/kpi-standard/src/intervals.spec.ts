import { seededRandom } from '@workbench/plugin-sdk';
import { bootstrapCustomerStatistics, criticalValue, inverseNormalCdf, netPromoterInterval, normalMeanInterval, percentileInterval, sortedQuantile, wilsonInterval } from './intervals';

describe('inverseNormalCdf', () => {
  it('matches tabulated normal quantiles to 1e-8', () => {
    // scipy.stats.norm.ppf values.
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(inverseNormalCdf(0.995)).toBeCloseTo(2.5758293035489004, 8);
    expect(inverseNormalCdf(0.01)).toBeCloseTo(-2.3263478740408408, 8);
    expect(inverseNormalCdf(0.5)).toBe(0);
    expect(criticalValue(0.9)).toBeCloseTo(1.6448536269514722, 8);
  });

  it('refuses p outside (0, 1)', () => {
    expect(() => inverseNormalCdf(1)).toThrow('inverseNormalCdf needs p in (0, 1), got 1');
  });
});

describe('wilsonInterval', () => {
  it("reproduces Newcombe's (1998, Table I, method 3) score intervals to 4 decimals", () => {
    // Newcombe, "Two-sided confidence intervals for the single proportion", Stat. Med. 17:857–872.
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lower, upper] of cases) {
      const ci = wilsonInterval(x, n, 0.95);
      expect(ci.lower).toBeCloseTo(lower, 4);
      expect(ci.upper).toBeCloseTo(upper, 4);
    }
    expect(wilsonInterval(1, 2, 0.95).method).toBe('Wilson score 95%');
  });
});

// Tolerances 1e-7 (z from Acklam's approximation has relative error < 1.15e-9; NPS is on a ×100 scale).
describe('normalMeanInterval and netPromoterInterval', () => {
  it('gives mean ± z·s/√n: values 1..5 have s² = 2.5, so 3 ± 1.959964·√(2.5/5)', () => {
    const ci = normalMeanInterval(15, 55, 5, 0.95);
    expect(ci.lower).toBeCloseTo(3 - 1.959963984540054 * Math.sqrt(0.5), 7);
    expect(ci.upper).toBeCloseTo(3 + 1.959963984540054 * Math.sqrt(0.5), 7);
  });

  it('gives the multinomial Wald interval of an NPS: 50 promoters, 20 detractors of 100 → 30 ± 100·z·√((0.7 − 0.09)/100)', () => {
    const ci = netPromoterInterval(50, 20, 100, 0.95);
    const half = 100 * 1.959963984540054 * Math.sqrt(0.61 / 100);
    expect(ci.lower).toBeCloseTo(30 - half, 6);
    expect(ci.upper).toBeCloseTo(30 + half, 6);
  });
});

describe('bootstrap', () => {
  it('interpolates quantiles like numpy (type 7): quantile([1, 2, 3, 4], 0.25) = 1.75', () => {
    expect(sortedQuantile(Float64Array.from([1, 2, 3, 4]), 0.25)).toBe(1.75);
  });

  it('drops non-finite replicates and returns null when none is left', () => {
    expect(percentileInterval(Float64Array.from([Number.NaN, Number.NaN]), 0.95, 'x')).toBeNull();
    expect(percentileInterval(Float64Array.from([Number.NaN, 1, 3]), 0.5, 'x')).toMatchObject({ lower: 1.5, upper: 2.5 });
  });

  it('gives a frequency interval whose width matches the normal theory 2·z·s/√n within 10% on 2000 customers', () => {
    const n = 2000;
    const rand = seededRandom(1);
    const orders = Float64Array.from({ length: n }, () => Math.floor(rand() * 5));
    const revenue = Float64Array.from(orders, (o) => o * 20);
    const mean = orders.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(orders.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const boot = bootstrapCustomerStatistics(rows, revenue, orders, 1, 2000, seededRandom(2));
    const ci = percentileInterval(boot.purchaseFrequency, 0.95, '') as { lower: number; upper: number };
    expect(ci.lower).toBeLessThan(mean);
    expect(ci.upper).toBeGreaterThan(mean);
    expect((ci.upper - ci.lower) / ((2 * 1.959964 * sd) / Math.sqrt(n))).toBeGreaterThan(0.9);
    expect((ci.upper - ci.lower) / ((2 * 1.959964 * sd) / Math.sqrt(n))).toBeLessThan(1.1);
    // Revenue is 20 per order for everyone, so every resample's AOV is exactly 20.
    expect(percentileInterval(boot.averageOrderValue, 0.95, '')).toMatchObject({ lower: 20, upper: 20 });
  });

  it('is deterministic given the generator seed', () => {
    const rows = Int32Array.from([0, 1, 2]);
    const a = bootstrapCustomerStatistics(rows, Float64Array.from([1, 2, 3]), Float64Array.from([1, 1, 2]), 1, 50, seededRandom(9));
    const b = bootstrapCustomerStatistics(rows, Float64Array.from([1, 2, 3]), Float64Array.from([1, 1, 2]), 1, 50, seededRandom(9));
    expect(a).toEqual(b);
  });
});
