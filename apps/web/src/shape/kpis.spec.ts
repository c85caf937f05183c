import { describe, expect, it } from 'vitest';
import type { Kpi, Segment } from '../api/types';
import { kpiBars, kpiTable } from './kpis';

const segments: Segment[] = [
  { key: 0, label: 'Low', size: 3, share: 0.75, profile: {} },
  { key: 1, label: 'High', size: 1, share: 0.25, profile: {} },
];
const kpi = (k: Partial<Kpi>): Kpi => ({
  segmentKey: null,
  kpi: 'revenue',
  value: 1,
  unit: 'currency units',
  n: 4,
  interval: null,
  title: 'Revenue',
  definition: null,
  higherIsBetter: true,
  note: null,
  ...k,
});

describe('kpiTable', () => {
  it('puts all customers first, then each segment in the order of the segments', () => {
    const rows = kpiTable(
      [
        kpi({ segmentKey: 1, value: 30, interval: { lower: 20, upper: 40, method: 'bootstrap' } }),
        kpi({ segmentKey: null, value: 40 }),
        kpi({ segmentKey: 0, value: 10 }),
      ],
      segments,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].title).toBe('Revenue');
    expect(rows[0].cells.map((c) => c.value)).toEqual([40, 10, 30]);
    expect(rows[0].cells[2].interval).toEqual({ lower: 20, upper: 40, method: 'bootstrap' });
    expect(rows[0].unavailable).toBeNull();
  });

  it("says why a KPI has no value anywhere, with the evaluator's note", () => {
    const note = "not available: needs the input table 'survey'";
    const rows = kpiTable(
      [kpi({ kpi: 'nps', value: null, note }), kpi({ kpi: 'nps', segmentKey: 0, value: null, note })],
      segments,
    );
    expect(rows[0].unavailable).toBe(note);
    expect(rows[0].cells[2]).toEqual({ value: null, interval: null, n: null, note: null });
  });
});

describe('kpiBars', () => {
  it('gives one bar per segment with a value, with its interval ends', () => {
    const [row] = kpiTable(
      [
        kpi({ segmentKey: 0, value: 10, interval: { lower: 8, upper: 12, method: null } }),
        kpi({ segmentKey: 1, value: null }),
      ],
      segments,
    );
    expect(kpiBars(row, segments)).toEqual([{ label: 'Low', value: 10, lower: 8, upper: 12 }]);
  });
});
