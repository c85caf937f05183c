import { describe, expect, it } from 'vitest';
import type { KpiDelta } from '../api/types';
import { deltaVerdict, shownDeltas } from './deltas';

const d = (x: Partial<KpiDelta>): KpiDelta => ({
  kpi: 'k',
  evaluator: 'e',
  title: null,
  unit: 'u',
  higherIsBetter: null,
  a: 1,
  b: 2,
  delta: 1,
  interval: null,
  significant: null,
  ...x,
});

describe('KPI changes of matched segments', () => {
  it('says better or worse only where the interval excludes 0 and the KPI has a good direction', () => {
    expect(deltaVerdict(d({ delta: 3, significant: true, higherIsBetter: true }))).toBe('▲ better');
    expect(deltaVerdict(d({ delta: 3, significant: true, higherIsBetter: false }))).toBe('▲ worse');
    expect(deltaVerdict(d({ delta: -3, significant: true, higherIsBetter: false }))).toBe('▼ better');
    expect(deltaVerdict(d({ delta: -3, significant: true, higherIsBetter: null }))).toBe('▼ yes');
    expect(deltaVerdict(d({ delta: -3, significant: false, higherIsBetter: true }))).toBe('no');
    expect(deltaVerdict(d({ significant: null }))).toBe('no interval');
  });

  it('leaves out a KPI that neither run has a value of', () => {
    expect(
      shownDeltas([
        d({ kpi: 'x' }),
        d({ kpi: 'cac', a: null, b: null, delta: null }),
        d({ kpi: 'y', a: null, delta: null }),
      ]).map((x) => x.kpi),
    ).toEqual(['x', 'y']);
  });
});
