import { describe, expect, it } from 'vitest';
import type { Kpi, Segment } from '../api/types';
import { kpiTrack } from './track';

const seg = (key: number, label: string): Segment => ({ key, label, size: 1, share: 0.5, profile: {} });
const kpi = (segmentKey: number | null, value: number | null, interval: Kpi['interval'] = null): Kpi => ({ segmentKey, kpi: 'revenue', value, unit: 'u', n: 1, interval, title: null, definition: null, higherIsBetter: null, note: null });

describe('kpiTrack', () => {
  it('follows segments by label across versions and leaves a gap where a version lacks one', () => {
    const track = kpiTrack(
      [
        { version: 1, segments: [seg(0, 'Low'), seg(1, 'High')], kpis: [kpi(null, 10), kpi(0, 4), kpi(1, 6, { lower: 5, upper: 7, method: null })] },
        { version: 2, segments: [seg(0, 'High')], kpis: [kpi(null, 12), kpi(0, 12)] },
      ],
      'revenue',
    );
    expect(track.versions).toEqual([1, 2]);
    expect(track.lines).toEqual([
      { name: 'All customers', points: [{ value: 10, lower: null, upper: null }, { value: 12, lower: null, upper: null }] },
      { name: 'Low', points: [{ value: 4, lower: null, upper: null }, null] },
      { name: 'High', points: [{ value: 6, lower: 5, upper: 7 }, { value: 12, lower: null, upper: null }] },
    ]);
  });
});
