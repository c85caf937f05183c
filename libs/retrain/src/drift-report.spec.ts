import { categorical, createFeatureFrame, numeric } from '@workbench/plugin-sdk';
import { loadPsiReference, relativeError } from '../test/reference-fixture';
import { driftLevel, driftReport, kpiShifts, segmentShifts, summarizeCategorical, summarizeNumeric, type NumericFeatureDrift } from './drift-report';
import { RetrainInputError } from './errors';

const reference = loadPsiReference();
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);
const toFloat = (values: (number | null)[]): Float64Array => Float64Array.from(values, (v) => (v === null ? Number.NaN : v));

/** Reference: 1..100; candidate: 80 rows, all at 55.5 (one decile). PSI 8.28 (numpy). */
function shiftedFrames() {
  const ref = Array.from({ length: 100 }, (_, i) => i + 1);
  const cand = new Array<number>(80).fill(55.5);
  return {
    reference: createFeatureFrame(ids(100), { spend: numeric(ref), region: categorical(ref.map((i) => (i % 2 ? 'north' : 'south'))) }),
    candidate: createFeatureFrame(ids(80), { spend: numeric(cand), region: categorical(cand.map((_, i) => (i % 2 ? 'north' : 'south'))) }),
  };
}

describe('driftLevel', () => {
  it('uses the conventional 0.1 / 0.25 bounds, inclusive', () => {
    expect([0.0999, 0.1, 0.2499, 0.25, null].map((p) => driftLevel(p))).toEqual(['stable', 'moderate', 'moderate', 'significant', 'unknown']);
  });
});

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

describe('segmentShifts', () => {
  it.each(reference.segmentCases)('gives the numpy PSI over the union of labels for $name', (c) => {
    expect(relativeError(segmentShifts(c.champion, c.candidate).psi as number, c.psi)).toBeLessThan(1e-12);
  });

  it('gives shares, share change and a flag at 5 points (hand-computed)', () => {
    const r = segmentShifts(
      [
        { label: 'Loyal', size: 60 },
        { label: 'At Risk', size: 40 },
      ],
      [
        { label: 'Loyal', size: 50 },
        { label: 'At Risk', size: 50 },
      ],
    );
    expect(r.segments.map((s) => [s.label, s.championShare, s.candidateShare, s.flagged])).toEqual([
      ['At Risk', 0.4, 0.5, true],
      ['Loyal', 0.6, 0.5, true],
    ]);
    // 0.1·ln(0.5/0.4) − 0.1·ln(0.5/0.6)
    expect(r.psi).toBeCloseTo(0.1 * Math.log(1.25) - 0.1 * Math.log(5 / 6), 14);
    expect(r.level).toBe('stable');
  });

  it('rejects a label given twice', () => {
    expect(() =>
      segmentShifts(
        [
          { label: 'A', size: 1 },
          { label: 'A', size: 2 },
        ],
        [],
      ),
    ).toThrow(new RetrainInputError("champion segment label 'A' appears twice (positions 0 and 1)"));
  });
});

describe('kpiShifts', () => {
  it('gives absolute and relative change matched by segment and KPI, flagged at 10 %', () => {
    const shifts = kpiShifts(
      [
        { segment: null, kpi: 'revenue', value: 200 },
        { segment: 'Loyal', kpi: 'revenue', value: 100 },
      ],
      [
        { segment: 'Loyal', kpi: 'revenue', value: 95 },
        { segment: null, kpi: 'revenue', value: 150 },
      ],
    );
    expect(shifts).toEqual([
      { segment: null, kpi: 'revenue', champion: 200, candidate: 150, absoluteChange: -50, relativeChange: -0.25, flagged: true },
      { segment: 'Loyal', kpi: 'revenue', champion: 100, candidate: 95, absoluteChange: -5, relativeChange: -0.05, flagged: false },
    ]);
  });

  it('flags a change away from a champion value of 0, with no relative change', () => {
    expect(kpiShifts([{ segment: 'A', kpi: 'churn', value: 0 }], [{ segment: 'A', kpi: 'churn', value: 0.2 }])[0]).toMatchObject({
      absoluteChange: 0.2,
      relativeChange: null,
      flagged: true,
    });
  });

  it('lists a KPI of one run only with null on the other side, unflagged', () => {
    expect(kpiShifts([], [{ segment: 'New', kpi: 'aov', value: 3 }])).toEqual([
      { segment: 'New', kpi: 'aov', champion: null, candidate: 3, absoluteChange: null, relativeChange: null, flagged: false },
    ]);
  });

  it('treats a NaN value as not available', () => {
    expect(kpiShifts([{ segment: null, kpi: 'clv', value: Number.NaN }], [{ segment: null, kpi: 'clv', value: 1 }])[0]).toMatchObject({ champion: null, flagged: false });
  });

  it('rejects a KPI given twice for one segment', () => {
    const twice = [
      { segment: 'A', kpi: 'aov', value: 1 },
      { segment: 'A', kpi: 'aov', value: 2 },
    ];
    expect(() => kpiShifts(twice, [])).toThrow(new RetrainInputError("champion KPI 'aov' for segment 'A' appears twice (position 1)"));
  });
});

describe('driftReport', () => {
  it('reports PSI per feature with its level, and the largest', () => {
    const report = driftReport(shiftedFrames());
    expect(report.features.map((f) => [f.feature, f.kind, f.level])).toEqual([
      ['spend', 'numeric', 'significant'],
      ['region', 'categorical', 'stable'],
    ]);
    const expected = reference.numericCases.find((c) => c.name === 'candidate in one reference decile (nine empty bins)')!.psi;
    expect(relativeError(report.maxPsi as number, expected)).toBeLessThan(1e-12);
    expect(report.maxPsiFeature).toBe('spend');
  });

  it('warns naming the feature, the PSI and the threshold crossed', () => {
    expect(driftReport(shiftedFrames()).warnings).toEqual(["feature 'spend': PSI 8.2831 ≥ 0.25 (significant shift)"]);
  });

  it('uses configured thresholds', () => {
    const r = driftReport({ ...shiftedFrames(), options: { thresholds: { moderate: 10, significant: 20 } } });
    expect(r.features[0].level).toBe('stable');
    expect(r.warnings).toEqual([]);
  });

  it('carries the summaries of both sides', () => {
    const spend = driftReport(shiftedFrames()).features[0] as NumericFeatureDrift;
    expect(spend.reference).toMatchObject({ n: 100, missing: 0, mean: 50.5, min: 1, max: 100, p50: 50.5 });
    expect(spend.candidate).toMatchObject({ n: 80, mean: 55.5, std: 0, p05: 55.5, p95: 55.5 });
  });

  it('lists features on one side only and features whose kind changed, with warnings', () => {
    const report = driftReport({
      reference: createFeatureFrame(['a'], { old: numeric([1]), tier: numeric([1]) }),
      candidate: createFeatureFrame(['a'], { fresh: numeric([1]), tier: categorical(['gold']) }),
    });
    expect([report.onlyInReference, report.onlyInCandidate, report.kindChanged, report.features]).toEqual([['old'], ['fresh'], ['tier'], []]);
    expect(report.warnings).toEqual([
      "feature 'old' is in the reference data but not in the candidate data",
      "feature 'tier' is numeric in the reference data but categorical in the candidate data; no PSI",
      "feature 'fresh' is new in the candidate data (no reference to compare with)",
    ]);
    expect(report.maxPsi).toBeNull();
  });

  it('gives no PSI and says why when the candidate data has no rows', () => {
    const report = driftReport({ reference: createFeatureFrame(['a'], { x: numeric([1]) }), candidate: createFeatureFrame([], { x: numeric([]) }) });
    expect(report.features[0]).toMatchObject({ psi: null, level: 'unknown' });
    expect(report.warnings).toEqual(["feature 'x': PSI not computed because the candidate data has no rows"]);
  });

  it('restricts the report to the requested features and refuses unknown ones', () => {
    expect(driftReport({ ...shiftedFrames(), options: { features: ['region'] } }).features.map((f) => f.feature)).toEqual(['region']);
    expect(() => driftReport({ ...shiftedFrames(), options: { features: ['nope'] } })).toThrow(
      new RetrainInputError("feature 'nope' is in neither frame (available: spend, region)"),
    );
  });

  it('warns on segment share shifts and flagged KPIs, naming segment, KPI and figures', () => {
    const report = driftReport({
      reference: createFeatureFrame([], {}),
      candidate: createFeatureFrame([], {}),
      segments: {
        champion: [
          { label: 'Champions', size: 300 },
          { label: 'Hibernating', size: 700 },
        ],
        candidate: [
          { label: 'Champions', size: 100 },
          { label: 'Hibernating', size: 900 },
        ],
      },
      kpis: { champion: [{ segment: 'Champions', kpi: 'revenue', value: 120 }], candidate: [{ segment: 'Champions', kpi: 'revenue', value: 90 }] },
    });
    // PSI = −0.2·ln(1/3) + 0.2·ln(9/7) = 0.2700
    expect(report.segments?.psi).toBeCloseTo(0.2 * Math.log(3) + 0.2 * Math.log(9 / 7), 14);
    expect(report.warnings).toEqual([
      'segment sizes: PSI 0.2700 ≥ 0.25 (significant shift)',
      "segment 'Champions': share 30.0% → 10.0% (−20.0 points)",
      "segment 'Hibernating': share 70.0% → 90.0% (+20.0 points)",
      "KPI 'revenue' (segment 'Champions'): 120 → 90 (−25.0%)",
    ]);
  });

  it('is JSON-serialisable without loss (no NaN or Infinity)', () => {
    const report = driftReport({
      reference: createFeatureFrame(['a', 'b'], { x: numeric([null, 1]), c: categorical([null, 'u']) }),
      candidate: createFeatureFrame(['a'], { x: numeric([null]), c: categorical(['v']) }),
      segments: { champion: [{ label: 'A', size: 2 }], candidate: [{ label: 'B', size: 1 }] },
      kpis: { champion: [{ segment: null, kpi: 'k', value: 0 }], candidate: [{ segment: null, kpi: 'k', value: 1 }] },
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('rejects thresholds where moderate exceeds significant', () => {
    expect(() => driftReport({ ...shiftedFrames(), options: { thresholds: { moderate: 0.3 } } })).toThrow(
      new RetrainInputError('thresholds.moderate (0.3) must not exceed thresholds.significant (0.25)'),
    );
  });
});
