import { categorical } from '@workbench/plugin-sdk';
import { loadPsiReference, relativeError } from '../test/reference-fixture';
import { summarizeCategorical, summarizeNumeric } from './feature-summary';

const reference = loadPsiReference();
const toFloat = (values: (number | null)[]): Float64Array =>
  Float64Array.from(values, (v) => (v === null ? Number.NaN : v));

describe('summarizeNumeric against numpy', () => {
  it.each(reference.numericCases)('gives n, missing, mean, std (ddof 1) and p05/p50/p95 for $name', (c) => {
    for (const [values, expected] of [
      [c.reference, c.referenceSummary],
      [c.candidate, c.candidateSummary],
    ] as const) {
      const s = summarizeNumeric(toFloat(values));
      expect([s.n, s.missing]).toEqual([expected.n, expected.missing]);
      for (const key of ['mean', 'std', 'p05', 'p50', 'p95'] as const) {
        if (expected[key] === null) expect(s[key]).toBeNull();
        else expect(relativeError(s[key] as number, expected[key] as number)).toBeLessThan(1e-12);
      }
    }
  });
});

describe('summarizeCategorical', () => {
  it('lists the top levels by count, then by name, with shares of all rows', () => {
    const s = summarizeCategorical(categorical(['b', 'a', 'c', 'a', 'b', null, 'd']), 2);
    expect(s).toEqual({
      n: 7,
      missing: 1,
      levelCount: 4,
      topLevels: [
        { level: 'a', count: 2, share: 2 / 7 },
        { level: 'b', count: 2, share: 2 / 7 },
      ],
    });
  });
});
