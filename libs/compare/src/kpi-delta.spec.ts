import { loadSklearnReference, relativeError } from '../test/reference-fixture';
import { ComparisonInputError } from './errors';
import { kpiDelta, proportionDelta, summarize, summarizeBySegment, summarizeColumnsBySegment } from './kpi-delta';

const reference = loadSklearnReference();

describe('summarize', () => {
  it('gives n, mean and the unbiased variance', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toEqual({ n: 8, mean: 5, variance: 32 / 7 });
  });

  it('keeps precision for values with a large common offset', () => {
    expect(summarize([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]).variance).toBeCloseTo(30, 6);
  });

  it('rejects a value that is not finite, naming its position', () => {
    expect(() => summarize([1, Infinity])).toThrow(
      new ComparisonInputError('value at position 1 is Infinity; KPI values must be finite numbers'),
    );
  });
});

describe('summarizeBySegment', () => {
  it("gives, bit for bit, summarize() of each segment's values in customer order, missing values left out", () => {
    // Customers in 4 segments (segment 3 empty), their values found through rows into a frame (-1: not in it).
    const n = 5000;
    const segment = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 3);
    const values = Float64Array.from({ length: n }, (_, r) => (r % 11 === 0 ? NaN : Math.sin(r) * 1e6 + r / 7));
    const rows = Int32Array.from({ length: n }, (_, i) => (i % 13 === 0 ? -1 : n - 1 - i));
    const summaries = summarizeBySegment(segment, 4, values, rows);
    const expected = [0, 1, 2, 3].map((s) => {
      const list: number[] = [];
      for (let i = 0; i < n; i++)
        if (segment[i] === s && rows[i] >= 0 && !Number.isNaN(values[rows[i]])) list.push(values[rows[i]]);
      return summarize(list);
    });
    const bits = (x: { n: number; mean: number; variance: number }) =>
      [x.n, Buffer.from(Float64Array.of(x.mean, x.variance).buffer).toString('hex')] as const;
    expect(summaries.map(bits)).toEqual(expected.map(bits));
    expect(summaries[3]).toEqual({ n: 0, mean: NaN, variance: NaN });
  });
});

describe('summarizeColumnsBySegment', () => {
  it('gives, bit for bit, summarizeBySegment() of each column, in one pass', () => {
    const n = 5000;
    const segment = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 5);
    const columns = [0, 1, 2].map((c) =>
      Float64Array.from({ length: n }, (_, r) => ((r + c) % 17 === 0 ? NaN : Math.cos(r * (c + 1)) * 1e5 + r / 3)),
    );
    const rows = Int32Array.from({ length: n }, (_, i) => (i % 29 === 0 ? -1 : (i * 31) % n));
    const bits = (x: { n: number; mean: number; variance: number }) =>
      [x.n, Buffer.from(Float64Array.of(x.mean, x.variance).buffer).toString('hex')] as const;
    const together = summarizeColumnsBySegment(segment, 6, columns, rows);
    expect(together.map((c) => c.map(bits))).toEqual(
      columns.map((values) => summarizeBySegment(segment, 6, values, rows).map(bits)),
    );
    expect(together[1][5]).toEqual({ n: 0, mean: NaN, variance: NaN });
  });

  it('reads row i for customer i when rows is null (a run listing its frame in frame order)', () => {
    const segment = Int32Array.of(0, 1, 0, 1, 1);
    const values = Float64Array.of(1, 2, 3, NaN, 8);
    const identity = Int32Array.of(0, 1, 2, 3, 4);
    expect(summarizeColumnsBySegment(segment, 2, [values], null)).toEqual(
      summarizeColumnsBySegment(segment, 2, [values], identity),
    );
    expect(summarizeBySegment(segment, 2, values, null)).toEqual([
      { n: 2, mean: 2, variance: 2 },
      { n: 2, mean: 5, variance: 18 },
    ]);
  });
});

describe('kpiDelta (Welch) against SciPy', () => {
  describe.each(reference.welchCases)('$name', (c) => {
    const result = () => kpiDelta(c.a, c.b, { confidence: c.confidence });

    it('gives the same delta, standard error and Welch–Satterthwaite df to 1e-12', () => {
      const r = result();
      expect(relativeError(r.delta, c.delta)).toBeLessThan(1e-12);
      expect(relativeError(r.standardError, c.standardError)).toBeLessThan(1e-12);
      expect(relativeError(r.degreesOfFreedom, c.df)).toBeLessThan(1e-12);
    });

    it('gives the interval computed with the exact t quantile to 1e-12', () => {
      const r = result();
      expect(relativeError(r.lower!, c.lower)).toBeLessThan(1e-12);
      expect(relativeError(r.upper!, c.upper)).toBeLessThan(1e-12);
    });

    it('agrees with the interval from scipy.stats.t.ppf within its 1e-8 accuracy', () => {
      const r = result();
      expect(relativeError(r.lower!, c.lowerScipy)).toBeLessThan(1e-8);
      expect(relativeError(r.upper!, c.upperScipy)).toBeLessThan(1e-8);
    });

    it('gives the two-sided p-value of scipy.stats.ttest_ind(equal_var=False) to 1e-10', () => {
      expect(relativeError(result().pValue!, c.pValue)).toBeLessThan(1e-10);
    });

    it('flags significance exactly when the interval excludes 0 (p < 1 − confidence)', () => {
      expect(result().significant).toBe(c.pValue < 1 - c.confidence);
    });
  });

  it('accepts precomputed summaries', () => {
    const c = reference.welchCases[0]!;
    expect(kpiDelta(summarize(c.a), summarize(c.b))).toEqual(kpiDelta(c.a, c.b));
  });

  it('gives no interval when a group has a single customer', () => {
    expect(kpiDelta([3], [1, 2, 3])).toMatchObject({ lower: null, upper: null, pValue: null, significant: false });
  });

  it('gives no interval when both groups are constant, as SciPy returns NaN there', () => {
    expect(kpiDelta([2, 2, 2], [5, 5])).toMatchObject({ delta: 3, lower: null, significant: false });
  });

  it('rejects a confidence outside (0, 1)', () => {
    expect(() => kpiDelta([1, 2], [3, 4], { confidence: 95 })).toThrow(
      new ComparisonInputError('confidence must be in (0, 1), got 95'),
    );
  });
});

describe('proportionDelta (Wald)', () => {
  it.each(reference.waldCases)(
    'matches the Wald interval with scipy.stats.norm.ppf for $successesA/$nA vs $successesB/$nB',
    (c) => {
      const r = proportionDelta(
        { successes: c.successesA, n: c.nA },
        { successes: c.successesB, n: c.nB },
        { confidence: c.confidence },
      );
      expect(relativeError(r.delta, c.delta)).toBeLessThan(1e-12);
      expect(relativeError(r.lower, c.lower)).toBeLessThan(1e-12);
      expect(relativeError(r.upper, c.upper)).toBeLessThan(1e-12);
      expect(r.significant).toBe(c.lower > 0 || c.upper < 0);
    },
  );

  it('flags a clear change in share as significant', () => {
    expect(proportionDelta({ successes: 100, n: 1000 }, { successes: 200, n: 1000 }).significant).toBe(true);
  });

  it('rejects more successes than customers', () => {
    expect(() => proportionDelta({ successes: 5, n: 4 }, { successes: 1, n: 4 })).toThrow(ComparisonInputError);
  });
});
