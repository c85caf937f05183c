import { rowMatrix } from './row-matrix';
import { applyScaling, fitScaling } from './scaling';

// Hand-computed: column a = 2, 4, 4, 10 (min 2, range 8, mean 5, population std √9 = 3); b constant.
const x = rowMatrix(Float64Array.from([2, 7, 4, 7, 4, 7, 10, 7]), 2);

describe('feature scaling', () => {
  it('zscore: mean and population standard deviation; a constant column scales to 0', () => {
    const s = fitScaling(x, 'zscore');
    expect(s).toEqual({ offsets: [5, 7], scales: [3, 1] });
    expect(Array.from(applyScaling(x, s).values)).toEqual([-1, 0, -1 / 3, 0, -1 / 3, 0, 5 / 3, 0]);
  });

  it('minmax: minimum and range, so values run 0..1; a constant column scales to 0', () => {
    const s = fitScaling(x, 'minmax');
    expect(s).toEqual({ offsets: [2, 7], scales: [8, 1] });
    expect(Array.from(applyScaling(x, s).values)).toEqual([0, 0, 0.25, 0, 0.25, 0, 1, 0]);
  });

  it('none: the values as they are', () => {
    const s = fitScaling(x, 'none');
    expect(Array.from(applyScaling(x, s).values)).toEqual(Array.from(x.values));
  });
});
