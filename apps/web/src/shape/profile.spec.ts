import { describe, expect, it } from 'vitest';
import type { Segment } from '../api/types';
import { profileHeatmap } from './profile';

const segment = (key: number, profile: Segment['profile']): Segment => ({
  key,
  label: `S${key}`,
  size: 10,
  share: 0.5,
  profile,
});

describe('profileHeatmap', () => {
  it('colours each cell by the z-score of the segment mean among the segments and keeps the raw mean', () => {
    // x: means 1, 2, 6 → mean 3, population sd sqrt((4 + 1 + 9) / 3) = 2.1602
    const h = profileHeatmap([segment(0, { x: 1 }), segment(1, { x: 2 }), segment(2, { x: 6 })]);
    expect(h.features).toEqual(['x']);
    expect(h.segments).toEqual(['S0', 'S1', 'S2']);
    const sd = Math.sqrt(14 / 3);
    expect(h.cells.map((c) => c[2])).toEqual(
      [(1 - 3) / sd, (2 - 3) / sd, (6 - 3) / sd].map((z) => expect.closeTo(z, 12)),
    );
    expect(h.cells.map((c) => c[3])).toEqual([1, 2, 6]);
  });

  it('leaves out the share, text entries and a feature some segment lacks', () => {
    const h = profileHeatmap([
      segment(0, { share: 0.4, x: 1, name: 'a', y: 3 }),
      segment(1, { share: 0.6, x: 2, name: 'b', y: null }),
    ]);
    expect(h.features).toEqual(['x']);
  });

  it('gives z = 0 when every segment has the same mean', () => {
    expect(profileHeatmap([segment(0, { x: 5 }), segment(1, { x: 5 })]).cells.map((c) => c[2])).toEqual([0, 0]);
  });
});
