import { adjustedRandIndex } from './adjusted-rand-index';

describe('adjustedRandIndex', () => {
  it('is 1 for the same partition under other cluster names', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])).toBe(1);
  });

  it('matches a value computed by hand', () => {
    // a = {0,1,2},{3,4,5}; b = {0,1},{2,3},{4,5}. Cells 2,1,1,2 → C(2,2)·2 = 2 pairs; rows C(3,2)·2 = 6;
    // columns C(2,2)·3 = 3; C(6,2) = 15. Expected 6·3/15 = 1.2, maximum (6+3)/2 = 4.5,
    // ARI = (2 − 1.2) / (4.5 − 1.2) = 8/33 (sklearn's adjusted_rand_score agrees).
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])).toBeCloseTo(8 / 33, 15);
  });
});
