import { categorical, createFeatureFrame, FeatureRequirementError, numeric } from '@workbench/plugin-sdk';
import { encodedColumnNames, encodeFrame, fitPreprocessing, labelVector, resolveFeatures } from './preprocessing';

const frame = createFeatureFrame(['a', 'b', 'c', 'd'], {
  tenure: numeric([1, 3, 5, 7]),
  contract: categorical(['monthly', 'yearly', 'monthly', 'two-year']),
  churn: categorical(['Yes', 'No', 'No', 'Yes']),
  churned: numeric([1, 0, 0, 1]),
});

describe('fitPreprocessing and encodeFrame', () => {
  it('standardises numerics with the fit rows’ mean and population std and one-hot encodes categoricals', () => {
    const prep = fitPreprocessing(frame, ['tenure', 'contract'], [0, 1, 2, 3]);
    expect(prep.features[0]).toEqual({ name: 'tenure', kind: 'numeric', mean: 4, std: Math.sqrt(5) });
    expect(encodedColumnNames(prep)).toEqual(['tenure', 'contract=monthly', 'contract=two-year', 'contract=yearly']);
    const { x } = encodeFrame(frame, prep);
    expect(Array.from(x.subarray(0, 4))).toEqual([Math.fround(-3 / Math.sqrt(5)), 1, 0, 0]);
    expect(Array.from(x.subarray(12, 16))).toEqual([Math.fround(3 / Math.sqrt(5)), 0, 1, 0]);
  });

  it('fits on the given rows only, so the holdout does not leak into the encoding', () => {
    const prep = fitPreprocessing(frame, ['tenure', 'contract'], [0, 1]);
    expect(prep.features[0]).toMatchObject({ mean: 2, std: 1 });
    expect(prep.features[1]).toEqual({ name: 'contract', kind: 'categorical', levels: ['monthly', 'yearly'] });
  });

  it('encodes a level the model never saw as all zeros and counts it', () => {
    const prep = fitPreprocessing(frame, ['contract'], [0, 1]);
    const { x, unseen } = encodeFrame(frame, prep);
    expect(Array.from(x.subarray(6, 8))).toEqual([0, 0]); // row 4, 'two-year'
    expect(unseen).toEqual({ contract: 1 });
  });

  it('matches levels by name when a new frame lists them in another order', () => {
    const prep = fitPreprocessing(frame, ['contract'], [0, 1, 2, 3]);
    const reordered = createFeatureFrame(['x'], {
      contract: { kind: 'categorical', codes: Int32Array.from([0]), levels: ['yearly', 'monthly'] },
    });
    expect(Array.from(encodeFrame(reordered, prep).x)).toEqual([0, 0, 1]);
  });

  it('uses std 1 for a constant column', () => {
    const constant = createFeatureFrame(['a', 'b'], { x: numeric([2, 2]) });
    expect(fitPreprocessing(constant, ['x'], [0, 1]).features[0]).toMatchObject({ mean: 2, std: 1 });
  });

  it('refuses a missing numeric value, naming the customer and row', () => {
    const gap = createFeatureFrame(['a', 'b'], { x: numeric([1, null]) });
    expect(() => fitPreprocessing(gap, ['x'], [0, 1])).toThrow(
      new FeatureRequirementError(
        "feature 'x' is missing for customer 'b' (row 2); set the plugin's impute param ('median', 'mean', 'zero' or 'drop') or fill the value before the run",
      ),
    );
  });
});

describe('resolveFeatures', () => {
  it('uses every column but the label when none is named', () => {
    expect(resolveFeatures([], 'churn', frame)).toEqual(['tenure', 'contract', 'churned']);
  });

  it('refuses the label as a feature and names an unknown feature', () => {
    expect(() => resolveFeatures(['churn'], 'churn', frame)).toThrow("feature 'churn' is the label");
    expect(() => resolveFeatures(['age'], 'churn', frame)).toThrow(
      "feature 'age' is not in the data (available: tenure, contract, churn, churned)",
    );
  });
});

describe('labelVector', () => {
  it('reads a categorical label with positiveLabel as 1', () => {
    expect(Array.from(labelVector(frame, 'churn', 'Yes'))).toEqual([1, 0, 0, 1]);
    expect(Array.from(labelVector(frame, 'churn', 'No'))).toEqual([0, 1, 1, 0]);
  });

  it('reads a numeric 0/1 label', () => {
    expect(Array.from(labelVector(frame, 'churned', 'ignored'))).toEqual([1, 0, 0, 1]);
  });

  it('refuses a numeric label other than 0/1, naming the customer', () => {
    const bad = createFeatureFrame(['a', 'b'], { y: numeric([0, 2]) });
    expect(() => labelVector(bad, 'y', 'Yes')).toThrow(
      "label 'y' is 2 for customer 'b' (row 2); a numeric label must be 0 or 1",
    );
  });

  it('refuses a categorical label without positiveLabel or with more than two levels, listing the levels', () => {
    expect(() => labelVector(frame, 'churn', 'yes')).toThrow(
      "label 'churn' must have two levels one of which is positiveLabel 'yes'; it has 'No', 'Yes'",
    );
    expect(() => labelVector(frame, 'contract', 'monthly')).toThrow("it has 'monthly', 'two-year', 'yearly'");
  });

  it('names a missing label column', () => {
    expect(() => labelVector(frame, 'Churn', 'Yes')).toThrow("label 'Churn' is not in the data");
  });
});
