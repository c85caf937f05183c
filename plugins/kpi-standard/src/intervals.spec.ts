import { seededRandom } from '@workbench/plugin-sdk';
import {
  analyticCustomerIntervals,
  bootstrapCustomerStatistics,
  criticalValue,
  inverseNormalCdf,
  netPromoterInterval,
  normalMeanInterval,
  percentileInterval,
  sortedQuantile,
  wilsonInterval,
} from './intervals';

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
    expect(percentileInterval(Float64Array.from([Number.NaN, 1, 3]), 0.5, 'x')).toMatchObject({
      lower: 1.5,
      upper: 2.5,
    });
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
    const a = bootstrapCustomerStatistics(
      rows,
      Float64Array.from([1, 2, 3]),
      Float64Array.from([1, 1, 2]),
      1,
      50,
      seededRandom(9),
    );
    const b = bootstrapCustomerStatistics(
      rows,
      Float64Array.from([1, 2, 3]),
      Float64Array.from([1, 1, 2]),
      1,
      50,
      seededRandom(9),
    );
    expect(a).toEqual(b);
  });
});

/**
 * 50 000 synthetic customers (seeded): 20% without an order, else 1 + ⌊Exp(mean 2)⌋ orders of
 * lognormal amounts e^(3 + 0.8·N(0, 1)) (skewed, like real basket values), 10% with a return of 30% of
 * one order. Revenue and orders are strongly correlated, so the AOV ratio exercises the covariance term.
 */
function syntheticCustomers(n: number, seed: number) {
  const rand = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const revenue = new Float64Array(n);
  const orders = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (rand() < 0.2) continue;
    const k = 1 + Math.floor(-Math.log(1 - rand()) * 2);
    let sum = 0;
    let last = 0;
    for (let o = 0; o < k; o++) sum += last = Math.exp(3 + 0.8 * normal());
    if (rand() < 0.1) sum -= 0.3 * last;
    revenue[i] = sum;
    orders[i] = k;
  }
  return { revenue, orders, rows: Int32Array.from({ length: n }, (_, i) => i) };
}

describe('analyticCustomerIntervals', () => {
  it('gives ȳ ± z·s/√n and the delta-method ratio interval, by hand on five customers', () => {
    // Revenue x = 110, 100, 80, 10, 0; orders y = 3, 1, 2, 1, 0. ȳ = 1.4, s_y² = 5.2/4 = 1.3; x̄ = 60, s_x² = 10600/4 = 2650.
    const revenue = Float64Array.from([110, 100, 80, 10, 0]);
    const orders = Float64Array.from([3, 1, 2, 1, 0]);
    const ci = analyticCustomerIntervals(Int32Array.from([0, 1, 2, 3, 4]), revenue, orders, 0.5, 0.95);
    const z = 1.959963984540054;
    expect(ci.purchaseFrequency!.lower).toBeCloseTo(1.4 - z * Math.sqrt(1.3 / 5), 7);
    expect(ci.purchaseFrequency!.upper).toBeCloseTo(1.4 + z * Math.sqrt(1.3 / 5), 7);
    expect(ci.valuePerCustomer!.lower).toBeCloseTo(0.5 * (60 - z * Math.sqrt(2650 / 5)), 7);
    expect(ci.valuePerCustomer!.upper).toBeCloseTo(0.5 * (60 + z * Math.sqrt(2650 / 5)), 7);
    // R = 300/7; s_xy = Σ(x − x̄)(y − ȳ)/4 = (80 − 16 + 12 + 20 + 84)/4 = 45 (deviations 50, 40, 20, −50, −60 times 1.6, −0.4, 0.6, −0.4, −1.4).
    const r = 300 / 7;
    const varR = (2650 - 2 * r * 45 + r * r * 1.3) / (5 * 1.4 * 1.4);
    expect(ci.averageOrderValue!.lower).toBeCloseTo(r - z * Math.sqrt(varR), 7);
    expect(ci.averageOrderValue!.upper).toBeCloseTo(r + z * Math.sqrt(varR), 7);
    expect(ci.averageOrderValue!.method).toMatch(/^delta method, 95%/);
    expect(ci.purchaseFrequency!.method).toMatch(/^normal approximation \(CLT\), 95%/);
  });

  it('is null for fewer than 2 customers, and for AOV when nobody ordered', () => {
    expect(
      analyticCustomerIntervals(Int32Array.from([0]), Float64Array.from([5]), Float64Array.from([1]), 1, 0.95),
    ).toEqual({ averageOrderValue: null, purchaseFrequency: null, valuePerCustomer: null });
    const none = analyticCustomerIntervals(
      Int32Array.from([0, 1]),
      Float64Array.from([0, 0]),
      Float64Array.from([0, 0]),
      1,
      0.95,
    );
    expect(none.averageOrderValue).toBeNull();
    expect(none.purchaseFrequency).toMatchObject({ lower: 0, upper: 0 });
  });

  it('agrees with the percentile bootstrap (B = 1000) on 50 000 customers: every bound within 5% of the interval width', () => {
    // Monte Carlo SD of a B = 1000 percentile bound is ≈ 2.2% of the width (√(0.025·0.975/B)/φ(1.96)/3.92); the
    // skewness left in the mean at n = 50 000 is far smaller. Seeded, so deterministic.
    const { revenue, orders, rows } = syntheticCustomers(50_000, 11);
    const analytic = analyticCustomerIntervals(rows, revenue, orders, 0.4, 0.95);
    const boot = bootstrapCustomerStatistics(rows, revenue, orders, 0.4, 1000, seededRandom(12));
    const pairs = [
      [analytic.averageOrderValue, percentileInterval(boot.averageOrderValue, 0.95, '')],
      [analytic.purchaseFrequency, percentileInterval(boot.purchaseFrequency, 0.95, '')],
      [analytic.valuePerCustomer, percentileInterval(boot.valuePerCustomer, 0.95, '')],
    ] as const;
    for (const [a, b] of pairs) {
      const width = b!.upper - b!.lower;
      expect(width).toBeGreaterThan(0);
      expect(Math.abs(a!.lower - b!.lower)).toBeLessThan(0.05 * width);
      expect(Math.abs(a!.upper - b!.upper)).toBeLessThan(0.05 * width);
    }
  });
});
