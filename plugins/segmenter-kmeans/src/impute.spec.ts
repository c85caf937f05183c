import { createFeatureFrame, FeatureRequirementError, numeric, validateParams } from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import { decodeArtifact } from './artifact';
import plugin from './index';
import { KMeansParams } from './internal';

// Hand-made: two obvious groups on x and y; customer 'm' lacks y, 'n' lacks x. Present y values
// 1, 2, 1, 20, 21, 22, 2 (median 2, mean 69/7); present x values 0, 1, 0, 10, 11, 10, 9 (median 9, mean 41/7).
const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'm', 'n'];
const x = [0, 1, 0, 10, 11, 10, 9, null];
const y = [1, 2, 1, 20, 21, 22, null, 2];
const frame = createFeatureFrame(ids, { x: numeric(x), y: numeric(y) });
const train = (raw: Partial<KMeansParams>, f = frame) =>
  plugin.train(
    { params: validateParams('segmenter-kmeans', KMeansParams, { k: 2, ...raw }), frame: f },
    createTestRunContext({ seed: 3 }),
  );

describe('segmenter-kmeans impute', () => {
  it('refuses a missing value without impute, naming the customer, the row and the param', async () => {
    await expect(train({})).rejects.toThrow(
      new FeatureRequirementError(
        "feature 'x' is missing for customer 'n' (row 8); set the plugin's impute param ('median', 'mean', 'zero' or 'drop') or fill the value before the run",
      ),
    );
  });

  it.each([
    ['median', 9, 2],
    ['mean', 41 / 7, 69 / 7],
    ['zero', 0, 0],
  ] as const)(
    "'%s' fits exactly as the data filled by hand, stores the fill values and counts 2 imputed values",
    async (impute, xFill, yFill) => {
      const filled = createFeatureFrame(ids, {
        x: numeric(x.map((v) => v ?? xFill)),
        y: numeric(y.map((v) => v ?? yFill)),
      });
      const imputed = await train({ impute });
      const byHand = await train({}, filled);
      expect(Array.from(imputed.assignments.segment)).toEqual(Array.from(byHand.assignments.segment));
      expect(imputed.segments).toEqual(byHand.segments);
      expect(imputed.metrics).toEqual({ ...byHand.metrics, imputed_values: 2, dropped_rows: 0 });
      expect(decodeArtifact(imputed.artifact).impute).toEqual({ method: impute, fill: [xFill, yFill] });
      // New data is filled the same way when assigned.
      const again = await plugin.assign(imputed.artifact, frame, createTestRunContext());
      expect(Array.from(again.segment)).toEqual(Array.from(imputed.assignments.segment));
    },
  );

  it("'drop' fits on the complete rows only and puts the others in the nearest centroid over the features they have", async () => {
    const complete = createFeatureFrame(ids.slice(0, 6), { x: numeric(x.slice(0, 6)), y: numeric(y.slice(0, 6)) });
    const dropped = await train({ impute: 'drop' });
    const byHand = await train({}, complete);
    expect(decodeArtifact(dropped.artifact).centroids).toEqual(decodeArtifact(byHand.artifact).centroids);
    expect(dropped.metrics).toEqual({ ...byHand.metrics, imputed_values: 0, dropped_rows: 2 });
    const segment = Array.from(dropped.assignments.segment);
    const high = segment[3]; // the group around (10, 21)
    // 'm' (x = 9, no y) is nearest the high group on x; 'n' (y = 2, no x) the low group on y.
    expect(segment.slice(6)).toEqual([high, 1 - high]);
    expect(dropped.segments[high].size).toBe(4);
    // Profiles are means over the values members have: the high group's y is that of d, e, f only.
    expect(dropped.segments[high].profile.y).toBe(21);
    const again = await plugin.assign(dropped.artifact, frame, createTestRunContext());
    expect(Array.from(again.segment)).toEqual(segment);
  });

  it("'drop' refuses a row with no clustered value at all, naming the customer", async () => {
    const empty = createFeatureFrame([...ids, 'z'], { x: numeric([...x, null]), y: numeric([...y, null]) });
    await expect(train({ impute: 'drop' }, empty)).rejects.toThrow(
      "customer 'z' (row 9) has no value for any clustered feature, so no segment can be chosen",
    );
  });
});
