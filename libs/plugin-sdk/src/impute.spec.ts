import {
  completeRows,
  createFeatureFrame,
  FeatureRequirementError,
  fillValue,
  missingCounts,
  numeric,
  numericMatrix,
} from './index';

describe('imputation helpers', () => {
  // Hand-computed: present values 1, 3, 10 (and 4 in the even case).
  it('fills with the median (middle value; mean of the two middle ones for an even count), the mean, or zero', () => {
    const odd = Float64Array.from([10, Number.NaN, 1, 3]);
    expect(fillValue(odd, 'median')).toBe(3);
    expect(fillValue(odd, 'mean')).toBe(14 / 3);
    expect(fillValue(odd, 'zero')).toBe(0);
    expect(fillValue(Float64Array.from([10, 4, Number.NaN, 1, 3]), 'median')).toBe(3.5);
  });

  it('takes the statistic over the given rows only (the training rows)', () => {
    expect(fillValue(Float64Array.from([100, 1, Number.NaN, 3]), 'mean', [1, 2, 3])).toBe(2);
  });

  it('refuses a column with no value at all, naming it', () => {
    expect(() => fillValue(Float64Array.from([Number.NaN]), 'median', undefined, 'TotalCharges')).toThrow(
      new FeatureRequirementError(
        "feature 'TotalCharges' has no value at all, so there is no median to impute it with",
      ),
    );
  });

  it('counts missing values per column and lists the complete rows', () => {
    const frame = createFeatureFrame(['a', 'b', 'c'], { x: numeric([1, null, 3]), y: numeric([null, null, 6]) });
    expect(missingCounts(frame, ['x', 'y'])).toEqual([1, 2]);
    expect(Array.from(completeRows(frame, ['x', 'y']))).toEqual([2]);
    expect(Array.from(completeRows(frame, ['x']))).toEqual([0, 2]);
  });

  it('numericMatrix fills, keeps or refuses a missing value, naming the customer and the hint', () => {
    const frame = createFeatureFrame(['a', 'b'], { x: numeric([1, null]) });
    expect(Array.from(numericMatrix(frame, ['x'], { fill: [7] }))).toEqual([1, 7]);
    expect(Array.from(numericMatrix(frame, ['x'], { allowMissing: true }))).toEqual([1, Number.NaN]);
    expect(() => numericMatrix(frame, ['x'], { hint: 'set impute' })).toThrow(
      "feature 'x' is missing for customer 'b' (row 2); set impute",
    );
  });
});
