import * as tf from '@tensorflow/tfjs';
import {
  categorical,
  createFeatureFrame,
  numeric,
  ParamsValidationError,
  validateParams,
  type CategoricalColumn,
  type FeatureFrame,
} from '@workbench/plugin-sdk';
import { createTestRunContext, describeSegmentationModelConformance } from '@workbench/plugin-sdk/testing';
import { smallTelcoFrame, telcoFrame } from '../test/telco';
import { decodeArtifact } from './artifact';
import plugin from './index';
import { ChurnParams } from './internal';

const frame = smallTelcoFrame(); // 353 customers
const quick: Partial<ChurnParams> = { epochs: 3, batchSize: 64, learningRate: 0.05 };
const params = (raw: Partial<ChurnParams> = {}) => validateParams('predictor-churn', ChurnParams, { ...quick, ...raw });
const train = (raw: Partial<ChurnParams> = {}, f: FeatureFrame = frame, seed = 42) =>
  plugin.train({ params: params(raw), frame: f }, createTestRunContext({ seed }));

describeSegmentationModelConformance(plugin, { frame, params: quick });
describeSegmentationModelConformance(plugin, { frame, params: { ...quick, model: 'mlp', hiddenUnits: [8, 4] } });

describe('predictor-churn training', () => {
  it('records the backend it ran on (wasm here: tfjs-node is not installed)', async () => {
    expect((await train()).backend).toBe('wasm');
  });

  it('scores each customer with a churn probability and tiers them by the thresholds', async () => {
    const trained = await train({ tierThresholds: [0.25, 0.5] });
    const { segment, score } = trained.assignments;
    score!.forEach((p, i) => {
      expect(p > 0 && p < 1).toBe(true);
      expect(segment[i]).toBe(p >= 0.5 ? 2 : p >= 0.25 ? 1 : 0);
    });
    expect(trained.segments.map((s) => [s.key, s.label])).toEqual([
      [0, 'Low risk'],
      [1, 'Medium risk'],
      [2, 'High risk'],
    ]);
    expect(trained.segments.map((s) => [s.profile.probability_from, s.profile.probability_to])).toEqual([
      [0, 0.25],
      [0.25, 0.5],
      [0.5, 1],
    ]);
  });

  it('ranks tiers by observed churn: low risk churns least, high risk most', async () => {
    const trained = await train({ epochs: 10, tierThresholds: [0.2, 0.5] });
    const rates = trained.segments.map((s) => s.profile.observed_churn_rate as number);
    expect(rates[0]).toBeLessThan(rates[1]);
    expect(rates[1]).toBeLessThan(rates[2]);
  });

  it('cuts quantile tiers at the training scores’ quantiles', async () => {
    // 353 scores: the 0.5 quantile is the 177th smallest score (position 176), which opens Medium risk, so
    // Low keeps 176; the 0.8 quantile lies between the 282nd and 283rd (position 281.6), so High keeps 71.
    const trained = await train({ tiers: 'quantiles', tierQuantiles: [0.5, 0.8] });
    expect(trained.segments.map((s) => s.size)).toEqual([176, 106, 71]);
    expect(trained.metrics.tier_cut_medium).toBeLessThan(trained.metrics.tier_cut_high);
  });

  it('holds out a stratified share and reports AUC, log-loss, Brier and calibration on it', async () => {
    const trained = await train();
    const m = trained.metrics;
    expect(m.holdout_rows).toBe(71); // round(0.2 · 259) + round(0.2 · 94)
    expect(m.train_rows).toBe(282);
    expect(m.auc).toBeGreaterThan(0.7);
    expect(m.log_loss).toBeGreaterThan(0);
    expect(m.brier).toBeGreaterThan(0);
    expect(m.brier).toBeLessThan(0.25);
  });

  it('flattens a calibration table that adds up to the holdout', async () => {
    const trained = await train();
    const m = trained.metrics;
    const bins = Array.from({ length: m.calibration_bins }, (_, b) => b + 1);
    const count = (b: number) => m[`calibration_bin${b}_count`];
    expect(bins.reduce((s, b) => s + count(b), 0)).toBe(m.holdout_rows);
    expect(bins.reduce((s, b) => s + (count(b) > 0 ? count(b) * m[`calibration_bin${b}_observed`] : 0), 0)).toBeCloseTo(
      m.holdout_rows * m.holdout_positive_rate,
      9,
    );
    const predicted = bins.map((b) => m[`calibration_bin${b}_predicted`]).filter((v) => v !== undefined);
    expect(predicted).toEqual([...predicted].sort((a, b) => a - b));
  });

  it('computes the metrics on the training rows when holdoutFraction is 0', async () => {
    const trained = await train({ holdoutFraction: 0 });
    expect(trained.metrics.holdout_rows).toBe(0);
    expect(trained.metrics.auc).toBe(trained.metrics.train_auc);
  });

  it('reports progress after the encoding, after every epoch, then 1', async () => {
    const ctx = createTestRunContext();
    await plugin.train({ params: params({ epochs: 4 }), frame }, ctx);
    expect(ctx.progressReports.map((p) => p.fraction)).toEqual(
      [0.05, 0.275, 0.5, 0.725, 0.95, 1].map((f) => expect.closeTo(f, 12)),
    );
    expect(ctx.progressReports[1].note).toMatch(/^epoch 1 of 4: loss \d\.\d{4}$/);
  });

  it('gives different models for different seeds', async () => {
    const a = await train({}, frame, 1);
    const b = await train({}, frame, 2);
    expect(Buffer.from(a.artifact.bytes).equals(Buffer.from(b.artifact.bytes))).toBe(false);
  });

  it('trains on a numeric 0/1 label', async () => {
    const churn = frame.columns.Churn as CategoricalColumn;
    const numericLabel = createFeatureFrame(frame.ids, {
      ...frame.columns,
      Churn: numeric(Array.from(churn.codes, (c) => (churn.levels[c] === 'Yes' ? 1 : 0))),
    });
    const a = await train({}, numericLabel);
    const b = await train({}, frame);
    expect(a.assignments.score).toEqual(b.assignments.score);
    expect(decodeArtifact(a.artifact).header.positiveLabel).toBeNull();
  });

  it('leaves no tensor behind after training, assigning, or an aborted run', async () => {
    await train({ epochs: 1 }); // backend and kernels initialised
    const before = tf.memory().numTensors;
    const trained = await train({ model: 'mlp' });
    await plugin.assign(trained.artifact, frame, createTestRunContext());
    const controller = new AbortController();
    const ctx = createTestRunContext({
      signal: controller.signal,
      onProgress: (f) => f > 0.3 && controller.abort('test'),
    });
    await expect(plugin.train({ params: params({ model: 'mlp' }), frame }, ctx)).rejects.toThrow('run aborted');
    expect(tf.memory().numTensors).toBe(before);
  });

  describe("column names as ingest stores them (lower-cased: 'churn', 'monthlycharges')", () => {
    const lowered = createFeatureFrame(
      frame.ids,
      Object.fromEntries(Object.entries(frame.columns).map(([name, column]) => [name.toLowerCase(), column])),
    );

    it("finds the default label 'Churn' and the features as the file spells them, and trains the same model", async () => {
      const features = ['tenure', 'MonthlyCharges', 'Contract'];
      const asInFile = await train({ features }, frame, 7);
      const ingested = await train({ features }, lowered, 7);
      expect(Array.from(ingested.assignments.score!)).toEqual(Array.from(asInFile.assignments.score!));
      expect(decodeArtifact(ingested.artifact).header.preprocessing.features.map((f) => f.name)).toEqual([
        'tenure',
        'monthlycharges',
        'contract',
      ]);
    });

    it('names the param, the name and the columns there are when the label or a feature matches none', async () => {
      const available = Object.keys(lowered.columns).join(', ');
      await expect(train({ label: 'Churned' }, lowered)).rejects.toThrow(
        `label: 'Churned' is not in the data, even ignoring case, spaces and punctuation (available: ${available})`,
      );
      await expect(train({ features: ['tenure', 'Monthly Charge'] }, lowered)).rejects.toThrow(
        `features: 'Monthly Charge' is not in the data, even ignoring case, spaces and punctuation (available: ${available})`,
      );
    });
  });
});

describe('predictor-churn params', () => {
  const validate = (raw: object) => () => validateParams('predictor-churn', ChurnParams, raw);

  it('has defaults that describe a logistic model on every column but Churn', () => {
    expect(validate({})()).toMatchObject({
      label: 'Churn',
      positiveLabel: 'Yes',
      features: [],
      model: 'logistic',
      tiers: 'thresholds',
      tierThresholds: [0.3, 0.6],
    });
  });

  it('refuses thresholds that do not increase inside (0, 1), naming the field', () => {
    expect(validate({ tierThresholds: [0.6, 0.3] })).toThrow(
      new ParamsValidationError('predictor-churn', [
        {
          path: 'tierThresholds',
          message:
            'tierThresholds must be two increasing numbers strictly between 0 and 1, e.g. [0.3, 0.6] (got [0.6,0.3])',
        },
      ]),
    );
    expect(validate({ tierQuantiles: [0.5, 1] })).toThrow(
      'tierQuantiles: tierQuantiles must be two increasing numbers',
    );
    expect(validate({ tierThresholds: [0.1, 0.2, 0.3] })).toThrow(
      'tierThresholds: tierThresholds must contain no more than 2 elements',
    );
  });

  it('refuses an unknown model, a bad hidden layer and an unknown field', () => {
    expect(validate({ model: 'svm' })).toThrow('model: model must be one of the following values: logistic, mlp');
    expect(validate({ hiddenUnits: [16, 0] })).toThrow(
      'hiddenUnits: each value in hiddenUnits must not be less than 1',
    );
    expect(validate({ epoch: 5 })).toThrow('property epoch should not exist');
  });
});

describe('predictor-churn assignment', () => {
  const others = telcoFrame((i) => i % 20 === 7); // customers the model never saw

  it('scores the training data exactly as training did (max |diff| = 0)', async () => {
    const trained = await train({ model: 'mlp' });
    const again = await plugin.assign(trained.artifact, frame, createTestRunContext());
    const diff = Math.max(...Array.from(again.score!, (p, i) => Math.abs(p - trained.assignments.score![i])));
    expect(diff).toBe(0);
  });

  it('scores new customers the same every time the artifact is loaded', async () => {
    const trained = await train();
    const a = await plugin.assign(trained.artifact, others, createTestRunContext());
    const b = await plugin.assign(trained.artifact, others, createTestRunContext());
    expect(a.score).toHaveLength(others.rowCount);
    expect(b.score).toEqual(a.score);
    expect(b.segment).toEqual(a.segment);
  });

  it('scores with a prepared model, frame after frame, exactly as assign does, and frees its tensors when disposed', async () => {
    const trained = await train({ model: 'mlp' });
    const direct = await plugin.assign(trained.artifact, others, createTestRunContext());
    const before = tf.memory().numTensors;
    const prepared = await (plugin.prepare as NonNullable<typeof plugin.prepare>)(
      trained.artifact,
      createTestRunContext(),
    );
    for (let i = 0; i < 3; i++) {
      const again = await prepared.assign(others, createTestRunContext());
      expect(again.score).toEqual(direct.score);
      expect(again.segment).toEqual(direct.segment);
    }
    prepared.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scores a customer the same whatever order the new frame lists category levels in', async () => {
    const trained = await train();
    const contract = others.columns.Contract as CategoricalColumn;
    const reversed = [...contract.levels].reverse();
    const recoded: CategoricalColumn = {
      kind: 'categorical',
      levels: reversed,
      codes: Int32Array.from(contract.codes, (c) => reversed.indexOf(contract.levels[c])),
    };
    const a = await plugin.assign(trained.artifact, others, createTestRunContext());
    const b = await plugin.assign(
      trained.artifact,
      createFeatureFrame(others.ids, { ...others.columns, Contract: recoded }),
      createTestRunContext(),
    );
    expect(b.score).toEqual(a.score);
  });

  it('warns about a level it never saw and scores that row anyway', async () => {
    const trained = await train({ features: ['tenure', 'Contract'] });
    const odd = createFeatureFrame(['n1', 'n2'], {
      tenure: numeric([3, 3]),
      Contract: categorical(['Month-to-month', 'Ten year']),
    });
    const ctx = createTestRunContext();
    const assigned = await plugin.assign(trained.artifact, odd, ctx);
    expect(assigned.score).toHaveLength(2);
    expect(ctx.logLines).toContain(
      "warn feature 'Contract': 1 row(s) have a level the model never saw (or none); they score as if no level were set",
    );
  });

  it('does not need the label column to score', async () => {
    const trained = await train();
    const { Churn: _label, ...columns } = others.columns;
    expect(
      (await plugin.assign(trained.artifact, createFeatureFrame(others.ids, columns), createTestRunContext())).score,
    ).toHaveLength(others.rowCount);
  });

  it('names a feature the new data lacks', async () => {
    const trained = await train({ features: ['tenure', 'Contract'] });
    await expect(
      plugin.assign(trained.artifact, createFeatureFrame(['n1'], { tenure: numeric([1]) }), createTestRunContext()),
    ).rejects.toThrow("feature 'Contract' is not in the data (available: tenure)");
  });

  it('refuses an artifact of another format or with bytes that do not fit', async () => {
    await expect(
      plugin.assign({ format: 'kmeans-json/1', bytes: new Uint8Array() }, frame, createTestRunContext()),
    ).rejects.toThrow("predictor-churn reads 'tfjs-layers/1' artifacts, not 'kmeans-json/1'");
    const trained = await train();
    const truncated = {
      format: 'tfjs-layers/1',
      bytes: trained.artifact.bytes.subarray(0, trained.artifact.bytes.length - 4),
    };
    await expect(plugin.assign(truncated, frame, createTestRunContext())).rejects.toThrow(
      /the weight manifest needs \d+ bytes but \d+ follow the header/,
    );
  });

  it('stores the encoding, the tier cuts and a standard tfjs topology in the artifact header', async () => {
    const { header, weights } = decodeArtifact((await train({ model: 'mlp', hiddenUnits: [8, 4] })).artifact);
    expect(header.preprocessing.features.map((f) => f.name)).toEqual(
      Object.keys(frame.columns).filter((c) => c !== 'Churn'),
    );
    expect(header.tierCuts).toEqual([0.3, 0.6]);
    expect(header.tfjs.weightSpecs.map((w) => `${w.name}:${w.shape.join('x')}`)).toEqual([
      'hidden_1/kernel:45x8',
      'hidden_1/bias:8',
      'hidden_2/kernel:8x4',
      'hidden_2/bias:4',
      'churn_probability/kernel:4x1',
      'churn_probability/bias:1',
    ]);
    expect(weights.byteLength).toBe(4 * (45 * 8 + 8 + 8 * 4 + 4 + 4 + 1));
  });
});
