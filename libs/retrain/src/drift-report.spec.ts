import { categorical, createFeatureFrame, numeric } from '@workbench/plugin-sdk';
import { loadPsiReference, relativeError } from '../test/reference-fixture';
import { driftReport } from './drift-report';
import type { NumericFeatureDrift } from './feature-drift';
import { RetrainInputError } from './errors';

const reference = loadPsiReference();
const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);

/** Reference: 1..100; candidate: 80 rows, all at 55.5 (one decile). PSI 8.28 (numpy). */
function shiftedFrames() {
  const ref = Array.from({ length: 100 }, (_, i) => i + 1);
  const cand = new Array<number>(80).fill(55.5);
  return {
    reference: createFeatureFrame(ids(100), {
      spend: numeric(ref),
      region: categorical(ref.map((i) => (i % 2 ? 'north' : 'south'))),
    }),
    candidate: createFeatureFrame(ids(80), {
      spend: numeric(cand),
      region: categorical(cand.map((_, i) => (i % 2 ? 'north' : 'south'))),
    }),
  };
}

describe('driftReport', () => {
  it('reports PSI per feature with its level, and the largest', () => {
    const report = driftReport(shiftedFrames());
    expect(report.features.map((f) => [f.feature, f.kind, f.level])).toEqual([
      ['spend', 'numeric', 'significant'],
      ['region', 'categorical', 'stable'],
    ]);
    const expected = reference.numericCases.find(
      (c) => c.name === 'candidate in one reference decile (nine empty bins)',
    )!.psi;
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
    expect([report.onlyInReference, report.onlyInCandidate, report.kindChanged, report.features]).toEqual([
      ['old'],
      ['fresh'],
      ['tier'],
      [],
    ]);
    expect(report.warnings).toEqual([
      "feature 'old' is in the reference data but not in the candidate data",
      "feature 'tier' is numeric in the reference data but categorical in the candidate data; no PSI",
      "feature 'fresh' is new in the candidate data (no reference to compare with)",
    ]);
    expect(report.maxPsi).toBeNull();
  });

  it('gives no PSI and says why when the candidate data has no rows', () => {
    const report = driftReport({
      reference: createFeatureFrame(['a'], { x: numeric([1]) }),
      candidate: createFeatureFrame([], { x: numeric([]) }),
    });
    expect(report.features[0]).toMatchObject({ psi: null, level: 'unknown' });
    expect(report.warnings).toEqual(["feature 'x': PSI not computed because the candidate data has no rows"]);
  });

  it('restricts the report to the requested features and refuses unknown ones', () => {
    expect(
      driftReport({ ...shiftedFrames(), options: { features: ['region'] } }).features.map((f) => f.feature),
    ).toEqual(['region']);
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
      kpis: {
        champion: [{ segment: 'Champions', kpi: 'revenue', value: 120 }],
        candidate: [{ segment: 'Champions', kpi: 'revenue', value: 90 }],
      },
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
