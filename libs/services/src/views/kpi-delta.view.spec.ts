import { kpiDeltas } from './kpi-delta.view';
import type { KpiValueView } from './kpi.view';

const row = (r: Partial<KpiValueView>): KpiValueView => ({
  segmentKey: 0,
  segment: 'S',
  kpi: 'aov',
  value: 10,
  unit: 'currency',
  n: 100,
  interval: null,
  window: null,
  evaluator: 'kpi-standard@1.0.0',
  title: 'AOV',
  definition: null,
  higherIsBetter: true,
  note: null,
  details: null,
  ...r,
});

describe('kpiDeltas', () => {
  it("pairs A's segment with B's matched one across evaluator versions, B − A with the MOVER interval", () => {
    const a = [
      row({ segmentKey: 0, value: 10, interval: { lower: 8, upper: 13, method: 'bootstrap' } }),
      row({ segmentKey: 1, value: 99 }),
    ];
    const b = [
      row({
        segmentKey: 2,
        value: 14,
        interval: { lower: 11, upper: 16, method: 'normal' },
        evaluator: 'kpi-standard@1.1.0',
      }),
    ];
    const [d] = kpiDeltas(a, b, 0, 2);
    // Hand-computed: Δ = 4; L = 4 − √((14 − 11)² + (13 − 10)²) = 4 − √18; U = 4 + √((16 − 14)² + (10 − 8)²) = 4 + √8.
    expect(d).toMatchObject({ kpi: 'aov', evaluator: 'kpi-standard', a: 10, b: 14, delta: 4, significant: false });
    expect([d.interval?.lower, d.interval?.upper]).toEqual([
      expect.closeTo(4 - Math.sqrt(18), 12),
      expect.closeTo(4 + Math.sqrt(8), 12),
    ]);
  });

  it('gives the change without an interval or a verdict when either side has no interval, and no change when a value is missing', () => {
    const a = [row({ kpi: 'share', value: 0.2 }), row({ kpi: 'cac', value: null, note: 'not available: needs spend' })];
    const b = [row({ kpi: 'share', value: 0.25, segmentKey: 3 }), row({ kpi: 'cac', value: null, segmentKey: 3 })];
    const [share, cac] = kpiDeltas(a, b, 0, 3);
    expect(share).toMatchObject({ delta: expect.closeTo(0.05, 12), interval: null, significant: null });
    expect(cac).toMatchObject({ a: null, b: null, delta: null, interval: null, significant: null });
  });

  it('leaves out a KPI only one run has, and a different evaluator of the same key', () => {
    const a = [row({ kpi: 'aov' }), row({ kpi: 'clv', evaluator: 'kpi-clv@1.0.0' })];
    const b = [row({ kpi: 'clv', evaluator: 'kpi-standard@1.0.0' })];
    expect(kpiDeltas(a, b, 0, 0)).toEqual([]);
  });
});
