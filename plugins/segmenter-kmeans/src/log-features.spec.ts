import { createFeatureFrame, numeric, validateParams } from '@workbench/plugin-sdk';
import { createTestRunContext } from '@workbench/plugin-sdk/testing';
import plugin from './index';
import { KMeansParams } from './internal';

const spend = [10, 12, 15, 900, 1100, 20000, 25000, 30000, 14, 1000];
const orders = [1, 1, 2, 5, 6, 40, 50, 45, 1, 4];
const ids = spend.map((_, i) => `c${i}`);

describe('log features', () => {
  it('clusters log(1 + x) exactly as if the data had been logged beforehand, but profiles raw means', async () => {
    const raw = createFeatureFrame(ids, { spend: numeric(spend), orders: numeric(orders) });
    const logged = createFeatureFrame(ids, { spend: numeric(spend.map(Math.log1p)), orders: numeric(orders) });
    const viaParam = await plugin.train(
      { params: validateParams('k', KMeansParams, { k: 3, logFeatures: ['spend'] }), frame: raw },
      createTestRunContext({ seed: 5 }),
    );
    const byHand = await plugin.train(
      { params: validateParams('k', KMeansParams, { k: 3 }), frame: logged },
      createTestRunContext({ seed: 5 }),
    );
    expect(Array.from(viaParam.assignments.segment)).toEqual(Array.from(byHand.assignments.segment));
    const members = (key: number) => spend.filter((_, i) => viaParam.assignments.segment[i] === key);
    for (const s of viaParam.segments) {
      const expected = members(s.key).reduce((a, b) => a + b, 0) / members(s.key).length;
      expect(s.profile.spend).toBeCloseTo(expected, 9);
    }
    // assign() applies the same transform to new data.
    const again = await plugin.assign(viaParam.artifact, raw, createTestRunContext());
    expect(Array.from(again.segment)).toEqual(Array.from(viaParam.assignments.segment));
  });

  it('names the customer whose value cannot be logged', async () => {
    const frame = createFeatureFrame(['a', 'b', 'c'], { spend: numeric([1, -2, 3]) });
    await expect(
      plugin.train(
        { params: validateParams('k', KMeansParams, { k: 2, logFeatures: ['spend'] }), frame },
        createTestRunContext(),
      ),
    ).rejects.toThrow("feature 'spend' is -2 for customer 'b' (row 2); a log feature needs values above -1");
  });

  it('refuses a log feature that is not clustered', async () => {
    const frame = createFeatureFrame(['a', 'b', 'c'], { spend: numeric([1, 2, 3]), orders: numeric([1, 2, 3]) });
    await expect(
      plugin.train(
        { params: validateParams('k', KMeansParams, { k: 2, features: ['orders'], logFeatures: ['spend'] }), frame },
        createTestRunContext(),
      ),
    ).rejects.toThrow("logFeatures 'spend' must also be clustered features (features: orders)");
  });
});
