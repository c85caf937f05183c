import { rowMatrix } from './row-matrix';
import { applyZScore, fitZScore } from './z-score';

describe('z-score', () => {
  it('uses the mean and the population standard deviation', () => {
    // Column 1 to 4: mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
    const x = rowMatrix(Float64Array.from([1, 5, 2, 5, 3, 5, 4, 5]), 2);
    const scaling = fitZScore(x);
    expect(scaling.means).toEqual([2.5, 5]);
    expect(scaling.stds[0]).toBeCloseTo(Math.sqrt(1.25), 15);
  });

  it('scales a constant column to 0 instead of dividing by zero', () => {
    const x = rowMatrix(Float64Array.from([1, 5, 2, 5, 3, 5, 4, 5]), 2);
    const scaling = fitZScore(x);
    expect(scaling.stds[1]).toBe(1);
    const scaled = applyZScore(x, scaling);
    expect([scaled.values[1], scaled.values[7]]).toEqual([0, 0]);
    expect(scaled.values[0]).toBeCloseTo(-1.5 / Math.sqrt(1.25), 15);
  });
});
