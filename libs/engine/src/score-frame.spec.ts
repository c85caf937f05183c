import {
  createFeatureFrame,
  defineKpiEvaluator,
  defineSegmentationModel,
  FeatureRequirementError,
  numeric,
  type FeatureFrame,
  type SegmentationModel,
} from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import { PluginContractError } from './run-segmentation';
import { scoreAndEvaluate, scoreFrame } from './score-frame';

class NoParams {}

/**
 * Assigns spend ≥ threshold (the artifact's text) to segment 1, else 0, scored as spend / 100. Refuses a
 * missing spend naming the customer, as the shipped plugins do; records the size of every frame it is given.
 */
function spendModel(calls: number[], assign?: SegmentationModel<NoParams>['assign']): SegmentationModel<NoParams> {
  return defineSegmentationModel<NoParams>({
    contractVersion: 1,
    manifest: {
      name: 'segmenter-spend',
      version: '1.0.0',
      kind: 'predictor',
      sdk: '^1.0.0',
      description: 'spend threshold',
      params: NoParams,
      requires: [],
      artifactFormat: 'spend/1',
      producesScores: true,
    },
    train: async () => {
      throw new Error('not used');
    },
    assign:
      assign ??
      (async (artifact, frame) => {
        calls.push(frame.rowCount);
        const threshold = Number(new TextDecoder().decode(artifact.bytes));
        const spend = frame.columns.spend;
        if (spend?.kind !== 'numeric')
          throw new FeatureRequirementError(
            `feature 'spend' is not in the data (available: ${Object.keys(frame.columns).join(', ')})`,
          );
        spend.values.forEach((v, i) => {
          if (Number.isNaN(v))
            throw new FeatureRequirementError(
              `feature 'spend' is missing for customer '${frame.ids[i]}' (row ${i + 1})`,
            );
        });
        return {
          segment: Int32Array.from(spend.values, (v) => (v >= threshold ? 1 : 0)),
          score: Float64Array.from(spend.values, (v) => v / 100),
        };
      }),
  });
}

const artifact = { format: 'spend/1', bytes: new TextEncoder().encode('50') };
const frameOf = (spend: (number | null)[]): FeatureFrame =>
  createFeatureFrame(
    spend.map((_, i) => `c${i + 1}`),
    { spend: numeric(spend) },
  );

describe('scoreFrame', () => {
  it('scores a clean frame in one call of assign', async () => {
    const calls: number[] = [];
    const out = await scoreFrame(
      { model: spendModel(calls), artifact, frame: frameOf([10, 60, 50]), segmentCount: 2 },
      createTestRunContext(),
    );
    expect([Array.from(out.segment), Array.from(out.score as Float64Array), out.errors, calls]).toEqual([
      [0, 1, 1],
      [0.1, 0.6, 0.5],
      [],
      [3],
    ]);
  });

  it('refuses the customers the plugin refuses, with its message and their own row, and scores the others together', async () => {
    const calls: number[] = [];
    const spend = [10, null, 60, 70, 20, 30, null, 90];
    const out = await scoreFrame(
      { model: spendModel(calls), artifact, frame: frameOf(spend), segmentCount: 2 },
      createTestRunContext(),
    );
    expect(out.errors).toEqual([
      { row: 2, customerId: 'c2', message: "feature 'spend' is missing for customer 'c2' (row 2)" },
      { row: 7, customerId: 'c7', message: "feature 'spend' is missing for customer 'c7' (row 7)" },
    ]);
    expect(Array.from(out.segment)).toEqual([0, -1, 1, 1, 0, 0, -1, 1]);
    expect(Array.from(out.score as Float64Array).map((v) => (Number.isNaN(v) ? null : v))).toEqual([
      0.1,
      null,
      0.6,
      0.7,
      0.2,
      0.3,
      null,
      0.9,
    ]);
    // The last call is the 6 good rows at once.
    expect(calls.at(-1)).toBe(6);
  });

  it('fails the batch when the fault is the data as a whole (both halves fail alike), without one call per row', async () => {
    const calls: number[] = [];
    const frame = createFeatureFrame(
      Array.from({ length: 64 }, (_, i) => `c${i}`),
      { revenue: numeric(Array.from({ length: 64 }, () => 1)) },
    );
    await expect(
      scoreFrame({ model: spendModel(calls), artifact, frame, segmentCount: 2 }, createTestRunContext()),
    ).rejects.toThrow("feature 'spend' is not in the data (available: revenue)");
    expect(calls).toEqual([64, 32, 32]);
  });

  it('fails the batch on an error that is not about the data, and on a segment the run does not have', async () => {
    const broken = spendModel([], async () => {
      throw new TypeError('x is undefined');
    });
    await expect(
      scoreFrame({ model: broken, artifact, frame: frameOf([1]), segmentCount: 2 }, createTestRunContext()),
    ).rejects.toThrow(TypeError);
    const outOfRange = spendModel([], async (_a, frame) => ({ segment: new Int32Array(frame.rowCount).fill(5) }));
    await expect(
      scoreFrame({ model: outOfRange, artifact, frame: frameOf([1]), segmentCount: 2 }, createTestRunContext()),
    ).rejects.toThrow(
      new PluginContractError("plugin 'segmenter-spend' put customer 'c1' in segment 5; the run has segments 0..1"),
    );
  });
});

describe('scoreAndEvaluate', () => {
  it("measures the scored customers' segments and runs the KPI evaluators over them only, refused rows left out", async () => {
    const seen: { ids: string[]; segment: number[]; sizes: number[] }[] = [];
    const spendSum = defineKpiEvaluator<NoParams>({
      contractVersion: 1,
      manifest: {
        name: 'kpi-spend',
        version: '1.0.0',
        kind: 'kpi',
        sdk: '^1.0.0',
        description: 'spend per segment',
        params: NoParams,
        requires: [],
        kpis: [{ key: 'spend', title: 'Spend', unit: 'currency', higherIsBetter: true, definition: 'sum of spend' }],
      },
      evaluate: async ({ frame, assignments, segments }) => {
        seen.push({
          ids: [...frame.ids],
          segment: Array.from(assignments.segment),
          sizes: segments.map((s) => s.size),
        });
        const spend = frame.columns.spend as { values: Float64Array };
        return segments.map((s) => ({
          segmentKey: s.key,
          kpi: 'spend',
          value: Array.from(assignments.segment).reduce((sum, k, i) => (k === s.key ? sum + spend.values[i] : sum), 0),
          n: s.size,
          unit: 'currency',
        }));
      },
    });
    // c2's spend is missing: refused; the four others are scored and measured.
    const result = await scoreAndEvaluate(
      { model: spendModel([]), artifact, frame: frameOf([10, null, 60, 50, 20]), segmentCount: 2 },
      {
        segments: [
          { key: 0, label: 'Low', size: 99, profile: {} },
          { key: 1, label: 'High', size: 99, profile: {} },
        ],
        revenueFeature: 'spend',
        kpis: [{ evaluator: spendSum, params: {} }],
        kpiInput: { referenceDate: 0 },
      },
      createTestRunContext(),
    );
    expect(result.outcome.errors.map((e) => e.customerId)).toEqual(['c2']);
    expect(result.segments.map((s) => [s.label, s.size, s.share, s.revenueShare])).toEqual([
      ['Low', 2, 0.5, 30 / 140],
      ['High', 2, 0.5, 110 / 140],
    ]);
    expect(seen).toEqual([{ ids: ['c1', 'c3', 'c4', 'c5'], segment: [0, 1, 1, 0], sizes: [2, 2] }]);
    expect(result.evaluated.map((r) => [r.segmentKey, r.value, r.evaluator])).toEqual([
      [0, 30, 'kpi-spend@1.0.0'],
      [1, 110, 'kpi-spend@1.0.0'],
    ]);
  });
});
