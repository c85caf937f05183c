import { categorical } from '@workbench/plugin-sdk';
import { loadPsiReference, relativeError } from '../test/reference-fixture';
import { RetrainInputError } from './errors';
import { binIndex, categoricalPsi, numericPsi, psiFromCounts, quantileSorted, referenceQuantileEdges } from './psi';

const reference = loadPsiReference();
const toFloat = (values: (number | null)[]): Float64Array =>
  Float64Array.from(values, (v) => (v === null ? Number.NaN : v));

describe('psiFromCounts', () => {
  it('sums (q − p) · ln(q / p) over the bins (hand-computed)', () => {
    // p = (0.5, 0.5), q = (0.25, 0.75): −0.25·ln(0.5) + 0.25·ln(1.5) = 0.25·ln 3.
    expect(psiFromCounts([5, 5], [1, 3]).psi).toBeCloseTo(0.25 * Math.log(3), 15);
  });

  it('replaces an empty share by ε = 1e-4 on the side where it is empty', () => {
    // p = (1, ε), q = (0.5, 0.5).
    const expected = (0.5 - 1) * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
    expect(psiFromCounts([4, 0], [2, 2]).psi).toBeCloseTo(expected, 14);
  });

  it('gives 0 for a bin that is empty on both sides', () => {
    expect(psiFromCounts([3, 0, 1], [3, 0, 1]).contributions).toEqual([0, 0, 0]);
  });

  it('uses a configurable ε', () => {
    const expected = (0.5 - 1) * Math.log(0.5) + (0.5 - 0.01) * Math.log(0.5 / 0.01);
    expect(psiFromCounts([4, 0], [2, 2], { epsilon: 0.01 }).psi).toBeCloseTo(expected, 14);
  });

  it('gives no PSI when a side has no rows', () => {
    expect(psiFromCounts([0, 0], [1, 2]).psi).toBeNull();
  });

  it('rejects bins of different lengths and negative counts', () => {
    expect(() => psiFromCounts([1, 2], [1])).toThrow(new RetrainInputError('reference has 2 bins but candidate has 1'));
    expect(() => psiFromCounts([1, -2], [1, 1])).toThrow(
      new RetrainInputError('reference count of bin 1 is -2; counts must be finite and ≥ 0'),
    );
  });
});

describe('quantileSorted and edges', () => {
  it('interpolates linearly between order statistics (numpy default)', () => {
    // h = (4 − 1)·0.5 = 1.5 → 2 + 0.5·(4 − 2).
    expect(quantileSorted([1, 2, 4, 8], 0.5)).toBe(3);
    expect(quantileSorted([1, 2, 4, 8], 0.1)).toBeCloseTo(1.3, 15);
  });

  it('merges duplicate deciles of tied values', () => {
    // Sorted 0×7, 1×3: deciles 0 (q = 0.1 … 0.6, h = 9q ≤ 5.4), 0.3 (h = 6.3), 1 (q = 0.8, 0.9).
    const edges = referenceQuantileEdges([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(edges).toHaveLength(3);
    expect(edges[0]).toBe(0);
    expect(edges[1]).toBeCloseTo(0.3, 14);
    expect(edges[2]).toBe(1);
  });

  it('gives a constant column a single edge, so two bins (-∞, c] and (c, ∞)', () => {
    expect(referenceQuantileEdges([7, 7, 7])).toEqual([7]);
  });

  it('puts a value equal to an edge into the bin that the edge closes', () => {
    expect(binIndex([1, 2], 1)).toBe(0);
    expect(binIndex([1, 2], 1.5)).toBe(1);
    expect(binIndex([1, 2], 2.5)).toBe(2);
  });
});

describe('numericPsi against numpy', () => {
  it('uses the same ε as the reference script', () => {
    expect(reference.epsilon).toBe(1e-4);
  });

  describe.each(reference.numericCases)('$name', (c) => {
    const table = () => numericPsi(toFloat(c.reference), toFloat(c.candidate));

    it('cuts at the reference deciles with duplicates merged (1e-12)', () => {
      const bins = table().bins.filter((b) => !b.isMissing);
      const edges = bins.slice(0, -1).map((b) => b.upper as number);
      expect(edges).toHaveLength(c.edges.length);
      edges.forEach((e, i) => expect(relativeError(e, c.edges[i])).toBeLessThan(1e-12));
    });

    it('counts the same rows in every bin, missing bin last', () => {
      const bins = table().bins;
      expect(bins.map((b) => b.referenceCount)).toEqual(c.referenceCounts);
      expect(bins.map((b) => b.candidateCount)).toEqual(c.candidateCounts);
    });

    it('gives the same PSI and per-bin contributions (1e-12)', () => {
      const t = table();
      expect(relativeError(t.psi as number, c.psi)).toBeLessThan(1e-12);
      t.bins.forEach((b, i) => expect(relativeError(b.contribution, c.contributions[i])).toBeLessThan(1e-12));
    });
  });

  it('gives a constant reference and a candidate at the same constant a PSI of exactly 0', () => {
    expect(numericPsi(Float64Array.of(3, 3, 3), Float64Array.of(3, 3)).psi).toBe(0);
  });

  it('labels the bins by their edges with the outer ones unbounded', () => {
    const bins = numericPsi(Float64Array.of(1, 1, 2, 2), Float64Array.of(1, 2, Number.NaN), { bins: 2 }).bins;
    expect(bins.map((b) => b.label)).toEqual(['(-∞, 1.5]', '(1.5, ∞)', '(missing)']);
    expect(bins.map((b) => [b.lower, b.upper])).toEqual([
      [null, 1.5],
      [1.5, null],
      [undefined, undefined],
    ]);
  });

  it('rejects infinite values, naming the feature and the row', () => {
    expect(() => numericPsi(Float64Array.of(1, Infinity), Float64Array.of(1), {}, 'spend')).toThrow(
      new RetrainInputError(
        "feature 'spend' has the value Infinity in row 2; numeric features must be finite or missing (NaN)",
      ),
    );
  });

  it('rejects fewer than two bins', () => {
    expect(() => numericPsi(Float64Array.of(1), Float64Array.of(1), { bins: 1 })).toThrow(
      new RetrainInputError('bins must be an integer ≥ 2, got 1'),
    );
  });
});

describe('categoricalPsi against numpy/pandas', () => {
  describe.each(reference.categoricalCases)('$name', (c) => {
    it('counts the union of levels (sorted, missing last) and gives the same PSI (1e-12)', () => {
      const table = categoricalPsi(categorical(c.reference), categorical(c.candidate));
      expect(table.bins.filter((b) => !b.isMissing).map((b) => b.label)).toEqual(c.levels);
      expect(table.bins.map((b) => b.referenceCount)).toEqual(c.referenceCounts);
      expect(table.bins.map((b) => b.candidateCount)).toEqual(c.candidateCounts);
      expect(relativeError(table.psi as number, c.psi)).toBeLessThan(1e-12);
    });
  });

  it('matches levels by name, not by code', () => {
    // 'b' has code 0 on the left (levels [b]) and code 1 on the right (levels [a, b]).
    const table = categoricalPsi(
      { codes: Int32Array.of(0, 0), levels: ['b'] },
      { codes: Int32Array.of(1, 1), levels: ['a', 'b'] },
    );
    expect(table.psi).toBe(0);
  });
});
