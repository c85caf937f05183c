import { FeatureRequirementError, validateParams, type FeatureFrame } from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import { telcoFrame } from '../test/telco';
import { decodeArtifact } from './artifact';
import plugin from './index';
import { ChurnParams } from './internal';
import type { NumericEncoding } from './preprocessing';
import { labelVector } from './preprocessing';
import { stratifiedHoldout } from './split';

// The real case: IBM Telco has 11 customers (all with tenure 0) whose TotalCharges is blank.
const blanksAsMissing = telcoFrame(undefined, 'missing');
const blanksAsZero = telcoFrame();
const BLANK = { id: '4472-LVYGI', row: 489 }; // the first of the 11
const quick: Partial<ChurnParams> = { epochs: 3, learningRate: 0.05 };
const train = (raw: Partial<ChurnParams>, frame: FeatureFrame) =>
  plugin.train(
    { params: validateParams('predictor-churn', ChurnParams, { ...quick, ...raw }), frame },
    createTestRunContext({ seed: 42 }),
  );
const totalChargesEncoding = (artifact: Parameters<typeof decodeArtifact>[0]) =>
  decodeArtifact(artifact).header.preprocessing.features.find((f) => f.name === 'TotalCharges') as NumericEncoding;

describe('predictor-churn impute (Telco, 11 blank TotalCharges)', () => {
  it('refuses missing values without impute, naming the customer, the row and the param', async () => {
    await expect(train({}, blanksAsMissing)).rejects.toThrow(
      new FeatureRequirementError(
        `feature 'TotalCharges' is missing for customer '${BLANK.id}' (row ${BLANK.row}); set the plugin's impute param ('median', 'mean', 'zero' or 'drop') or fill the value before the run`,
      ),
    );
  });

  it("'zero' gives exactly the model trained on the blanks read as 0, and reports 11 imputed values", async () => {
    const imputed = await train({ impute: 'zero' }, blanksAsMissing);
    const byHand = await train({}, blanksAsZero);
    expect(Array.from(imputed.assignments.score!)).toEqual(Array.from(byHand.assignments.score!));
    expect(imputed.metrics).toEqual({ ...byHand.metrics, imputed_values: 11, dropped_rows: 0 });
  });

  it("'median' fills with the median of the training rows' TotalCharges, also when scoring new data", async () => {
    const trained = await train({ impute: 'median' }, blanksAsMissing);
    const y = labelVector(blanksAsMissing, 'Churn', 'Yes');
    const values = (blanksAsMissing.columns.TotalCharges as { values: Float64Array }).values;
    const present = Array.from(stratifiedHoldout(y, 0.2, 42).train, (i) => values[i])
      .filter((v) => !Number.isNaN(v))
      .sort((a, b) => a - b);
    const median =
      present.length % 2
        ? present[present.length >> 1]
        : (present[present.length / 2 - 1] + present[present.length / 2]) / 2;
    expect(totalChargesEncoding(trained.artifact).fill).toBe(median);
    expect(trained.metrics.imputed_values).toBe(11);
    const rescored = await plugin.assign(trained.artifact, blanksAsMissing, createTestRunContext());
    expect(Array.from(rescored.score!)).toEqual(Array.from(trained.assignments.score!));
  });

  it("'drop' trains and measures on the 7,032 complete rows, and still scores the 11 others", async () => {
    const trained = await train({ impute: 'drop' }, blanksAsMissing);
    expect(trained.metrics.dropped_rows).toBe(11);
    expect(trained.metrics.imputed_values).toBe(0);
    expect(trained.metrics.train_rows + trained.metrics.holdout_rows).toBe(7043 - 11);
    const score = trained.assignments.score!;
    const blankRows = [...Array(blanksAsMissing.rowCount).keys()].filter((i) =>
      Number.isNaN((blanksAsMissing.columns.TotalCharges as { values: Float64Array }).values[i]),
    );
    expect(blankRows).toHaveLength(11);
    for (const i of blankRows) expect(score[i] > 0 && score[i] < 1).toBe(true);
    for (const s of trained.segments) expect(Number.isFinite(s.profile.TotalCharges as number)).toBe(true);
  });
});
